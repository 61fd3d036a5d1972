"""The emulator refuses what Google refuses, checked against Google's discovery document for Sheets v4 (loaded
from the installed google-api-python-client): each kind of malformed request, sent with plain requests, gets
Google's 400 INVALID_ARGUMENT answer and changes nothing; what proto JSON also accepts (snake_case names, enums
by number, numbers as strings) still passes."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import requests

from sheets_emulator import discovery

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sheet(sheets_emulator):
    sid = sheets_emulator.create_spreadsheet("Plan", sheets={"Tasks": [["ID", "任务"], ["T1", "海报"]]},
                                             sheet_ids=[0])
    return sheets_emulator, sid, f"{sheets_emulator.base_url}/v4/spreadsheets/{sid}"


def _batch(url, *reqs):
    return requests.post(url + ":batchUpdate", json={"requests": list(reqs)}, timeout=10)


def _refused(r, message):
    assert r.status_code == 400, r.text
    err = r.json()["error"]
    assert err["status"] == "INVALID_ARGUMENT" and err["code"] == 400
    assert err["message"] == message
    violations = err["details"][0]["fieldViolations"]
    assert err["details"][0]["@type"] == "type.googleapis.com/google.rpc.BadRequest"
    assert [v["description"] for v in violations] == message.split("\n")
    return violations


REPEAT = {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
          "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}}, "fields": "userEnteredFormat.textFormat.bold"}


def test_an_unknown_body_field_is_refused_naming_where(sheet):
    emu, sid, url = sheet
    v = _refused(_batch(url, {"repeatCell": dict(REPEAT, colour=1)}),
                 "Invalid JSON payload received. Unknown name \"colour\" at 'requests[0].repeat_cell': "
                 "Cannot find field.")
    assert v[0]["field"] == "requests[0].repeat_cell"
    _refused(_batch(url, {"repeatCell": REPEAT, "paintCells": {}}),
             "Invalid JSON payload received. Unknown name \"paintCells\" at 'requests[0]': Cannot find field.")
    _refused(requests.post(url + ":batchUpdate", json={"requests": [{"repeatCell": REPEAT}], "dryRun": True},
                           timeout=10),
             "Invalid JSON payload received. Unknown name \"dryRun\": Cannot find field.")
    assert emu.cell(sid, "Tasks", "A1")["userEnteredFormat"] is None  # nothing was applied


def test_every_unknown_field_is_listed(sheet):
    _, _, url = sheet
    r = _batch(url, {"repeatCell": dict(REPEAT, a=1)}, {"repeatCell": dict(REPEAT, b=2)})
    _refused(r, "Invalid JSON payload received. Unknown name \"a\" at 'requests[0].repeat_cell': Cannot find field.\n"
                "Invalid JSON payload received. Unknown name \"b\" at 'requests[1].repeat_cell': Cannot find field.")


def test_a_bad_enum_value_is_refused(sheet):
    _, _, url = sheet
    r = _batch(url, {"updateDimensionProperties": {"range": {"sheetId": 0, "dimension": "ROW", "startIndex": 0,
                                                             "endIndex": 1},
                                                   "properties": {"pixelSize": 30}, "fields": "pixelSize"}})
    _refused(r, "Invalid value at 'requests[0].update_dimension_properties.range.dimension' (TYPE_ENUM), \"ROW\"")


def test_two_members_of_one_union_are_refused(sheet):
    emu, sid, url = sheet
    _refused(_batch(url, {"repeatCell": REPEAT, "addSheet": {"properties": {"title": "X"}}}),
             "Invalid value at 'requests[0]' (oneof), oneof field 'kind' is already set. Cannot set 'addSheet'")
    both = {"userEnteredValue": {"stringValue": "a", "numberValue": 1}}
    _refused(_batch(url, {"updateCells": {"start": {"sheetId": 0}, "rows": [{"values": [both]}],
                                          "fields": "userEnteredValue"}}),
             "Invalid value at 'requests[0].update_cells.rows[0].values[0].user_entered_value' (oneof), "
             "oneof field 'value' is already set. Cannot set 'numberValue'")
    assert [s.title for s in emu.store.spreadsheets[sid].sheets] == ["Tasks"]


def test_a_field_mask_naming_a_missing_field_is_refused(sheet):
    _, _, url = sheet
    bad = dict(REPEAT, fields="userEnteredFormat.textFormat.bolder")
    _refused(_batch(url, {"repeatCell": bad}),
             "Invalid requests[0].repeatCell: Error expanding 'fields' parameter. Cannot find matching fields for "
             "path 'userEnteredFormat.textFormat.bolder'.")
    _refused(_batch(url, {"updateSheetProperties": {"properties": {"sheetId": 0, "title": "T"}, "fields": "titel"}}),
             "Invalid requests[0].updateSheetProperties: Error expanding 'fields' parameter. Cannot find matching "
             "fields for path 'titel'.")
    assert _batch(url, {"repeatCell": dict(REPEAT, fields="*")}).status_code == 200
    assert _batch(url, {"updateSheetProperties": {"properties": {"sheetId": 0, "gridProperties": {
        "frozenRowCount": 1}}, "fields": "gridProperties.frozenRowCount"}}).status_code == 200


def test_a_response_field_mask_naming_a_missing_field_is_refused(sheet):
    _, _, url = sheet
    r = requests.get(url, params={"fields": "sheets.propertiez"}, timeout=10)
    _refused(r, "Error expanding 'fields' parameter. Cannot find matching fields for path 'sheets.propertiez'.")
    r = requests.get(url, params={"fields": "properties, sheets.properties"}, timeout=10)  # a space is a name
    _refused(r, "Error expanding 'fields' parameter. Cannot find matching fields for path ' sheets.properties'.")
    ok = requests.get(url, params={"fields": "sheets(properties(sheetId,title),conditionalFormats)"}, timeout=10)
    assert ok.status_code == 200 and ok.json()["sheets"][0]["properties"]["title"] == "Tasks"


def test_an_unknown_query_parameter_is_refused(sheet):
    _, _, url = sheet
    for r in (requests.get(url, params={"foo": "1"}, timeout=10),
              requests.get(url + "/values/Tasks", params={"valueRenderOption": "FORMULA", "foo": "x"}, timeout=10),
              requests.post(url + ":batchUpdate", params={"foo": "1"}, json={"requests": [{"repeatCell": REPEAT}]},
                            timeout=10)):
        _refused(r, "Invalid JSON payload received. Unknown name \"foo\": Cannot bind query parameter. "
                    "Field 'foo' could not be found in request message.")
    # Google's standard parameters are taken by every method
    assert requests.get(url, params={"prettyPrint": "false", "alt": "json"}, timeout=10).status_code == 200


def test_a_colour_given_as_a_string_is_refused(sheet):
    _, _, url = sheet
    red = dict(REPEAT, cell={"userEnteredFormat": {"backgroundColor": "#ff0000"}}, fields="userEnteredFormat")
    _refused(_batch(url, {"repeatCell": red}),
             "Invalid value at 'requests[0].repeat_cell.cell.user_entered_format.background_color' "
             "(type.googleapis.com/google.type.Color), \"#ff0000\"")
    styled = dict(REPEAT, cell={"userEnteredFormat": {"backgroundColorStyle": "red"}}, fields="userEnteredFormat")
    _refused(_batch(url, {"repeatCell": styled}),
             "Invalid value at 'requests[0].repeat_cell.cell.user_entered_format.background_color_style' "
             "(type.googleapis.com/google.apps.sheets.v4.ColorStyle), \"red\"")


def test_a_scalar_of_the_wrong_type_is_refused(sheet):
    _, _, url = sheet
    _refused(_batch(url, {"repeatCell": dict(REPEAT, range={"sheetId": "first"})}),
             "Invalid value at 'requests[0].repeat_cell.range.sheet_id' (TYPE_INT32), \"first\"")
    _refused(_batch(url, {"repeatCell": dict(REPEAT, cell={"userEnteredFormat": {"textFormat": {"bold": "yes"}}})}),
             "Invalid value at 'requests[0].repeat_cell.cell.user_entered_format.text_format.bold' (TYPE_BOOL), "
             "\"yes\"")
    _refused(_batch(url, {"repeatCell": dict(REPEAT, fields=["userEnteredFormat"])}),
             "Invalid value at 'requests[0].repeat_cell.fields' (type.googleapis.com/google.protobuf.FieldMask), "
             "[\"userEnteredFormat\"]")


def test_what_proto_json_also_accepts_still_passes(sheet):
    emu, sid, url = sheet
    r = _batch(url, {"repeat_cell": {"range": {"sheet_id": "0", "start_row_index": 0, "end_row_index": 1},
                                     "cell": {"user_entered_format": {"text_format": {"bold": True},
                                                                      "horizontalAlignment": 2}},
                                     "fields": "userEnteredFormat(textFormat.bold,horizontalAlignment)"}})
    assert r.status_code == 200, r.text
    fmt = emu.cell(sid, "Tasks", "B1")["userEnteredFormat"]
    assert fmt["textFormat"] == {"bold": True} and fmt["horizontalAlignment"] == "CENTER"  # enum number 2


def test_values_errors_keep_googles_recorded_wording(sheet):
    """The recordings hold Google's answer to rows that are not lists: the strict layer leaves it as it was."""
    _, _, url = sheet
    r = requests.put(url + "/values/Tasks!A1", params={"valueInputOption": "RAW"}, json={"values": "X"}, timeout=10)
    _refused(r, "Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), \"X\"")
    r = requests.put(url + "/values/Tasks!A1", params={"valueInputOption": "RAW"},
                     json={"values": [["a"]], "range": "Tasks!A1", "mode": 1}, timeout=10)
    _refused(r, "Invalid JSON payload received. Unknown name \"mode\" at 'data': Cannot find field.")


def test_the_discovery_document_is_the_installed_client_librarys():
    path = discovery.document_path()
    assert "googleapiclient" in path.parts and path.name == "sheets.v4.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["id"] == "sheets:v4" and discovery.load().revision == doc["revision"]
    # loaded from the package, never copied into the repository (the project's venv may live inside it)
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.splitlines()
    if tracked:
        assert not [f for f in tracked if f.endswith("sheets.v4.json")]
    else:  # not a git checkout
        assert not [p for p in ROOT.rglob("sheets.v4.json") if ".venv" not in p.parts and "site-packages" not in p.parts]


def test_every_union_and_mask_root_names_what_the_document_has():
    """A misspelt member would silently weaken the check: every listed name must exist in the document."""
    d = discovery.load()
    for schema, groups in discovery.UNIONS.items():
        props = d.schemas[schema]["properties"]
        missing = [m for members in groups.values() for m in members if m not in props]
        assert not missing, (schema, missing)
    for request, root in discovery.MASK_ROOTS.items():
        assert "fields" in d.schemas[request]["properties"] and root in d.schemas, request
    assert len(d.unions["Request"]) == len(d.schemas["Request"]["properties"]) > 60


def test_refusals_by_the_document_are_recorded_apart_from_the_handlers_own(sheet):
    """tests/support/gsheets_fixtures.py's `emu` asserts this list is empty after every sheetsync test."""
    emu, _, url = sheet
    assert _batch(url, {"repeatCell": REPEAT}).status_code == 200
    assert _batch(url, {"deleteSheet": {"sheetId": 0}}).status_code == 400  # a handler's refusal: the last sheet
    assert emu.store.malformed == []
    _batch(url, {"repeatCell": dict(REPEAT, colour=1)})
    (method, path, message), = emu.store.malformed
    assert method == "POST" and path.endswith(":batchUpdate") and 'Unknown name "colour"' in message
