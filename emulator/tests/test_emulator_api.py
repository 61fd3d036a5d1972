"""The emulator's HTTP API directly: values semantics, range echoes, grid limits, field masks, atomicity."""
from __future__ import annotations

from urllib.parse import quote

import pytest
import requests


ROWS = [["ID", "任务", "", "状态"], ["T1", "海报"], [], ["T3", "复盘", "", "已完成", ""]]


class Api:
    def __init__(self, emu, sid):
        self.base = f"{emu.base_url}/v4/spreadsheets/{sid}"

    def get(self, rng, **params):
        return requests.get(f"{self.base}/values/{quote(rng, safe='')}", params=params, timeout=5)

    def put(self, rng, values, option="RAW", **body):
        return requests.put(f"{self.base}/values/{quote(rng, safe='')}", params={"valueInputOption": option},
                            json={"values": values, **body}, timeout=5)

    def post(self, suffix, body=None, **params):
        return requests.post(self.base + suffix, params=params, json=body or {}, timeout=5)

    def meta(self, **params):
        return requests.get(self.base, params=params, timeout=5)


@pytest.fixture
def api(sheets_emulator):
    sid = sheets_emulator.create_spreadsheet("Plan", sheets={"任务 1": ROWS, "Sheet2": []})
    a = Api(sheets_emulator, sid)
    a.sid = sid
    return a


def test_trailing_empties_trimmed_and_empty_range_has_no_values(api):
    r = api.get("'任务 1'!A1:E5").json()
    assert r == {"range": "'任务 1'!A1:E5", "majorDimension": "ROWS",
                 "values": [["ID", "任务", "", "状态"], ["T1", "海报"], [], ["T3", "复盘", "", "已完成"]]}
    assert api.get("Sheet2!A1:C3").json() == {"range": "Sheet2!A1:C3", "majorDimension": "ROWS"}


def test_columns_major_dimension_and_whole_sheet_echo(api):
    r = api.get("'任务 1'!A:B", majorDimension="COLUMNS").json()
    assert r["range"] == "'任务 1'!A1:B1000"
    assert r["values"] == [["ID", "T1", "", "T3"], ["任务", "海报", "", "复盘"]]
    assert api.get("任务 1").json()["range"] == "'任务 1'!A1:Z1000"
    assert api.get("'任务 1'!A2:2").json() == {"range": "'任务 1'!A2:Z2", "majorDimension": "ROWS",
                                               "values": [["T1", "海报"]]}


@pytest.mark.parametrize("title,echo", [("Sheet1", "Sheet1"), ("D3", "'D3'"), ("It's", "'It''s'"),
                                        ("任务", "'任务'"), ("my sheet", "'my sheet'"), ("A_b2", "A_b2")])
def test_title_quoting_in_echoes(sheets_emulator, title, echo):
    sid = sheets_emulator.create_spreadsheet("Q", sheets={title: [["x"]]})
    quoted = "'" + title.replace("'", "''") + "'"
    assert Api(sheets_emulator, sid).get(f"{quoted}!A1").json()["range"] == f"{echo}!A1"


def test_raw_keeps_text_user_entered_parses(api, sheets_emulator):
    api.put("Sheet2!A1", [["=1+1", "2026-07-08", "12", "TRUE"]], option="RAW")
    api.put("Sheet2!A2", [["=1+1", "2026-07-08", "12", "TRUE"]], option="USER_ENTERED")
    r = api.get("Sheet2!A1:D2", valueRenderOption="UNFORMATTED_VALUE").json()["values"]
    assert r == [["=1+1", "2026-07-08", "12", "TRUE"], [2, 46211, 12, True]]
    assert sheets_emulator.cell(api.sid, "Sheet2", "A2")["userEnteredValue"] == {"formulaValue": "=1+1"}
    f = api.get("Sheet2!A2:D2", valueRenderOption="FORMULA").json()["values"]
    assert f == [["=1+1", 46211, 12, True]]
    assert api.get("Sheet2!A2:D2").json()["values"] == [["2", "2026-07-08", "12", "TRUE"]]


def test_value_input_option_is_required(api):
    r = requests.put(f"{api.base}/values/Sheet2!A1", json={"values": [["x"]]}, timeout=5)
    assert r.status_code == 400
    assert r.json()["error"]["message"] == "'valueInputOption' is required but not specified"


def test_values_must_be_a_list_of_lists(api):
    r = api.put("Sheet2!A1", "X")
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["message"] == "Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), \"X\""
    assert err["details"][0]["fieldViolations"][0]["field"] == "data.values"


def test_grid_limit_errors_use_googles_wording(api):
    r = api.get("Sheet2!A1:Z1001")
    assert r.status_code == 400
    assert r.json() == {"error": {"code": 400, "status": "INVALID_ARGUMENT",
                                  "message": "Range ('Sheet2'!A1:Z1001) exceeds grid limits. "
                                             "Max rows: 1000, max columns: 26"}}
    r = api.put("'任务 1'!AA1", [["x"]])
    assert r.status_code == 400
    assert r.json()["error"]["message"] == ("Range ('任务 1'!AA1) exceeds grid limits. "
                                            "Max rows: 1000, max columns: 26")
    r = api.post(":batchUpdate", {"requests": [{"repeatCell": {
        "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1001}, "cell": {"note": "x"}, "fields": "note"}}]})
    assert r.status_code == 400 and "exceeds grid limits" in r.json()["error"]["message"]


def test_unknown_sheet_and_spreadsheet(api, sheets_emulator):
    r = api.get("Nope!A1")
    assert r.status_code == 400 and r.json()["error"]["message"] == "Unable to parse range: Nope!A1"
    r = requests.get(f"{sheets_emulator.base_url}/v4/spreadsheets/missing", timeout=5)
    assert r.status_code == 404
    assert r.json() == {"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}}


def test_append_finds_the_table_and_grows_the_grid(sheets_emulator):
    sid = sheets_emulator.create_spreadsheet("P", sheets={"Log": [["a", "b"], ["c", "d"]]}, rows=2, cols=2)
    api = Api(sheets_emulator, sid)
    r = api.post(f"/values/{quote('Log!A1', safe='')}:append", {"values": [["e", "f", "g"]]},
                 valueInputOption="RAW").json()
    assert r["tableRange"] == "Log!A1:B2"
    assert r["updates"]["updatedRange"] == "Log!A3:C3"
    assert sheets_emulator.values(sid, "Log") == [["a", "b"], ["c", "d"], ["e", "f", "g"]]
    props = sheets_emulator.sheet_properties(sid, "Log")["gridProperties"]
    assert (props["rowCount"], props["columnCount"]) == (3, 3)


def test_append_insert_rows_pushes_later_rows_down(sheets_emulator):
    sid = sheets_emulator.create_spreadsheet("P", sheets={"Log": [["h"], ["1"], [], ["below"]]})
    api = Api(sheets_emulator, sid)
    r = api.post("/values/Log!A1:append", {"values": [["2"]]}, valueInputOption="RAW", insertDataOption="INSERT_ROWS")
    assert r.json()["updates"]["updatedRange"] == "Log!A3"
    assert sheets_emulator.values(sid, "Log") == [["h"], ["1"], ["2"], [], ["below"]]


def test_clear_and_batch_clear_keep_formats(api, sheets_emulator):
    api.post(":batchUpdate", {"requests": [{"repeatCell": {
        "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1}, "fields": "userEnteredFormat.textFormat.bold",
        "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}}}}]})
    r = api.post(f"/values/{quote(chr(39) + '任务 1' + chr(39) + '!A1:B1', safe='')}:clear").json()
    assert r["clearedRange"] == "'任务 1'!A1:B1"
    cell = sheets_emulator.cell(api.sid, "任务 1", "A1")
    assert cell["userEnteredValue"] is None and cell["userEnteredFormat"] == {"textFormat": {"bold": True}}
    r = api.post("/values:batchClear", {"ranges": ["'任务 1'!A4:E4", "Sheet2"]}).json()
    assert r["clearedRanges"] == ["'任务 1'!A4:E4", "Sheet2!A1:Z1000"]
    assert sheets_emulator.values(api.sid, "任务 1") == [["", "", "", "状态"], ["T1", "海报"]]


def test_values_batch_update_reports_totals(api):
    r = api.post("/values:batchUpdate", {"valueInputOption": "USER_ENTERED", "data": [
        {"range": "Sheet2!A1", "values": [["1", "2"]]}, {"range": "Sheet2!A3:B4", "values": [["x"], ["y", "z"]]}]})
    assert r.json()["totalUpdatedCells"] == 5 and r.json()["totalUpdatedRows"] == 3


def test_batch_update_is_atomic(api, sheets_emulator):
    before_values = sheets_emulator.values(api.sid, "任务 1")
    r = api.post(":batchUpdate", {"requests": [
        {"updateCells": {"start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0}, "fields": "userEnteredValue",
                         "rows": [{"values": [{"userEnteredValue": {"stringValue": "CHANGED"}}]}]}},
        {"addSheet": {"properties": {"title": "New"}}},
        {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 3}}},
        {"deleteSheet": {"sheetId": 424242}},
        {"updateSheetProperties": {"properties": {"sheetId": 0, "title": "late"}, "fields": "title"}}]})
    assert r.status_code == 400
    assert r.json()["error"]["message"] == "Invalid requests[3].deleteSheet: No grid with id: 424242"
    assert sheets_emulator.values(api.sid, "任务 1") == before_values
    titles = [s["properties"]["title"] for s in api.meta().json()["sheets"]]
    assert titles == ["任务 1", "Sheet2"]
    assert sheets_emulator.sheet_properties(api.sid, "任务 1")["gridProperties"]["rowCount"] == 1000


def test_values_batch_update_is_atomic(api, sheets_emulator):
    r = api.post("/values:batchUpdate", {"valueInputOption": "RAW", "data": [
        {"range": "Sheet2!A1", "values": [["kept?"]]}, {"range": "Nope!A1", "values": [["x"]]}]})
    assert r.status_code == 400
    assert sheets_emulator.values(api.sid, "Sheet2") == []


def test_add_sheet_reply_and_update_properties(api):
    r = api.post(":batchUpdate", {"requests": [
        {"addSheet": {"properties": {"title": "周报", "gridProperties": {"rowCount": 5, "columnCount": 3}}}},
        {"updateSheetProperties": {"properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 1}},
                                   "fields": "gridProperties.frozenRowCount"}},
        {"updateDimensionProperties": {"range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 1,
                                                 "endIndex": 2}, "properties": {"pixelSize": 240},
                                       "fields": "pixelSize"}}]}).json()
    props = r["replies"][0]["addSheet"]["properties"]
    assert {k: props[k] for k in ("title", "index", "sheetType", "gridProperties")} == \
        {"title": "周报", "index": 2, "sheetType": "GRID", "gridProperties": {"rowCount": 5, "columnCount": 3}}
    assert isinstance(props["sheetId"], int) and r["replies"][1:] == [{}, {}]
    meta = api.meta(fields="sheets.properties.gridProperties.frozenRowCount,sheets.data.columnMetadata",
                    ranges="'任务 1'!A1:C1").json()
    assert meta["sheets"][0]["properties"] == {"gridProperties": {"frozenRowCount": 1}}
    assert meta["sheets"][0]["data"][0]["columnMetadata"] == [{"pixelSize": 100}, {"pixelSize": 240},
                                                             {"pixelSize": 100}]


@pytest.mark.parametrize("fields,expected", [
    ("sheets(properties(sheetId,title))", {"sheets": [{"properties": {"sheetId": 0, "title": "任务 1"}},
                                                      {"properties": {"sheetId": 1, "title": "Sheet2"}}]}),
    ("sheets.properties.title,properties.title", {"properties": {"title": "Plan"},
                                                  "sheets": [{"properties": {"title": "任务 1"}},
                                                             {"properties": {"title": "Sheet2"}}]}),
    ("properties(title,locale)", {"properties": {"title": "Plan", "locale": "en_US"}}),
])
def test_field_masks(sheets_emulator, fields, expected):
    sid = sheets_emulator.create_spreadsheet("Plan", sheets={"任务 1": [], "Sheet2": []}, sheet_ids=[0, 1])
    assert Api(sheets_emulator, sid).meta(fields=fields).json() == expected


def test_include_grid_data_with_ranges(api):
    api.post(":batchUpdate", {"requests": [{"updateCells": {
        "range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 2, "startColumnIndex": 1, "endColumnIndex": 2},
        "rows": [{"values": [{"note": "需要尺寸"}]}], "fields": "note"}}]})
    meta = api.meta(includeGridData="true", ranges="'任务 1'!A2:B2").json()
    assert [s["properties"]["title"] for s in meta["sheets"]] == ["任务 1"]
    data = meta["sheets"][0]["data"][0]
    assert data["startRow"] == 1
    cells = data["rowData"][0]["values"]
    assert cells[0] == {"userEnteredValue": {"stringValue": "T1"}, "effectiveValue": {"stringValue": "T1"},
                        "formattedValue": "T1"}
    assert cells[1]["note"] == "需要尺寸" and cells[1]["formattedValue"] == "海报"
    notes = api.meta(ranges="'任务 1'!A1:B2", fields="sheets/data/rowData/values/note").json()
    assert notes == {"sheets": [{"data": [{"rowData": [{}, {"values": [{}, {"note": "需要尺寸"}]}]}]}]}


def test_delete_dimension_shifts_cells_and_merges(api, sheets_emulator):
    api.post(":batchUpdate", {"requests": [{"mergeCells": {"mergeType": "MERGE_ALL", "range": {
        "sheetId": 0, "startRowIndex": 3, "endRowIndex": 4, "startColumnIndex": 0, "endColumnIndex": 2}}}]})
    api.post(":batchUpdate", {"requests": [{"deleteDimension": {"range": {
        "sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 3}}}]})
    assert sheets_emulator.values(api.sid, "任务 1") == [["ID", "任务", "", "状态"], ["T3", "", "", "已完成"]]
    merges = api.meta().json()["sheets"][0]["merges"]
    assert merges == [{"startRowIndex": 1, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 2}]


def test_seeded_dates_read_back_as_serials_and_formatted(sheets_emulator):
    import datetime as dt
    sid = sheets_emulator.create_spreadsheet("P", sheets={"T": [["截止", dt.date(2026, 2, 14), dt.time(8, 30)]]})
    api = Api(sheets_emulator, sid)
    assert api.get("T!A1:C1", valueRenderOption="UNFORMATTED_VALUE").json()["values"] == \
        [["截止", 46067, 0.3541666666666667]]
    assert api.get("T!A1:C1").json()["values"] == [["截止", "2026-02-14", "8:30:00"]]
    assert sheets_emulator.values(sid, "T") == [["截止", 46067, 0.3541666666666667]]


def test_endpoint_from_env():
    from sheetsync.gsheets.http import endpoint_from_env
    assert endpoint_from_env({"SHEETSYNC_SHEETS_ENDPOINT": "http://127.0.0.1:9/"}) == "http://127.0.0.1:9"
    assert endpoint_from_env({"SHEETSYNC_SHEETS_ENDPOINT": "  "}) is None
    assert endpoint_from_env({}) is None


def _rule(text, row0=1, row1=4):
    return {"ranges": [{"sheetId": 0, "startRowIndex": row0, "endRowIndex": row1}],
            "booleanRule": {"condition": {"type": "TEXT_CONTAINS", "values": [{"userEnteredValue": text}]},
                            "format": {"backgroundColor": {"red": 1}}}}


def test_conditional_format_rules_by_index(api, sheets_emulator):
    api.post(":batchUpdate", {"requests": [{"addConditionalFormatRule": {"rule": _rule(t), "index": i}}
                                           for i, t in enumerate(["a", "b", "c"])]})
    r = api.post(":batchUpdate", {"requests": [
        {"updateConditionalFormatRule": {"sheetId": 0, "index": 2, "newIndex": 0}},
        {"updateConditionalFormatRule": {"sheetId": 0, "index": 1, "rule": _rule("A2")}}]}).json()
    assert r["replies"][0]["updateConditionalFormatRule"]["newIndex"] == 0
    assert r["replies"][1]["updateConditionalFormatRule"]["oldRule"]["booleanRule"]["condition"]["values"] == \
        [{"userEnteredValue": "a"}]
    texts = [c["booleanRule"]["condition"]["values"][0]["userEnteredValue"]
             for c in sheets_emulator.conditional_formats(api.sid, "任务 1")]
    assert texts == ["c", "A2", "b"]
    r = api.post(":batchUpdate", {"requests": [{"deleteConditionalFormatRule": {"sheetId": 0, "index": 0}},
                                               {"deleteConditionalFormatRule": {"sheetId": 0, "index": 2}}]})
    assert r.status_code == 400  # after the first delete only indexes 0 and 1 are left
    assert r.json()["error"]["message"] == ("Invalid requests[1].deleteConditionalFormatRule: "
                                            "No conditional format on sheet: 0 at index: 2")
    assert len(sheets_emulator.conditional_formats(api.sid, "任务 1")) == 3  # and nothing was deleted


def test_conditional_format_rule_needs_one_sheet_and_a_rule(api):
    bad_rule = _rule("x")
    bad_rule["ranges"].append({"sheetId": 1, "startRowIndex": 0, "endRowIndex": 1})
    api.post(":batchUpdate", {"requests": [{"addSheet": {"properties": {"sheetId": 1, "title": "Other"}}}]})
    r = api.post(":batchUpdate", {"requests": [{"addConditionalFormatRule": {"rule": bad_rule}}]})
    assert r.status_code == 400 and "same sheet" in r.json()["error"]["message"]
    r = api.post(":batchUpdate", {"requests": [{"addConditionalFormatRule": {"rule": {"ranges": [{}]}}}]})
    assert r.status_code == 400


def _formula_rule(formula):
    rule = _rule("")
    rule["booleanRule"]["condition"] = {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": formula}]}
    return rule


@pytest.mark.parametrize("formula", ["$E2=\"x\"", "=Other!$E2=1", "='任务 2'!E2=1", "=AND($E2=1", "=$E2=\"x",
                                     "=AND($E2=1))"])
def test_custom_formula_rules_are_refused_as_google_refuses_them(api, formula):
    r = api.post(":batchUpdate", {"requests": [{"addConditionalFormatRule": {"rule": _formula_rule(formula)}}]})
    assert r.status_code == 400 and "Invalid ConditionValue.userEnteredValue" in r.json()["error"]["message"]


def test_custom_formula_rule_takes_one_value_and_same_sheet_formulas(api, sheets_emulator):
    two = _formula_rule("=$E2=1")
    two["booleanRule"]["condition"]["values"].append({"userEnteredValue": "=$F2=1"})
    r = api.post(":batchUpdate", {"requests": [{"addConditionalFormatRule": {"rule": two}}]})
    assert r.status_code == 400 and "exactly one ConditionValue" in r.json()["error"]["message"]
    ok = '=AND("a!B2"="x(",$E2<TODAY(),NOT(TRIM($F2)="Done"))'  # '!' and '(' inside a string are text
    r = api.post(":batchUpdate", {"requests": [{"addConditionalFormatRule": {"rule": _formula_rule(ok)}}]})
    assert r.status_code == 200, r.text
    assert [c["booleanRule"]["condition"]["values"][0]["userEnteredValue"]
            for c in sheets_emulator.conditional_formats(api.sid, "任务 1")] == [ok]


def test_update_cells_with_typed_values_and_range_clearing(api, sheets_emulator):
    r = api.post(":batchUpdate", {"requests": [{"updateCells": {
        "range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 3, "startColumnIndex": 4, "endColumnIndex": 6},
        "rows": [{"values": [{"userEnteredValue": {"stringValue": "=HYPERLINK(\"x\")"}},
                             {"userEnteredValue": {"numberValue": 3}}]}],
        "fields": "userEnteredValue"}}]})
    assert r.status_code == 200
    assert sheets_emulator.values(api.sid, "任务 1")[1] == ["T1", "海报", "", "", "=HYPERLINK(\"x\")", 3]
    assert api.get("'任务 1'!E2", valueRenderOption="FORMULA").json()["values"] == [["=HYPERLINK(\"x\")"]]
    api.post(":batchUpdate", {"requests": [{"updateCells": {
        "range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 2, "startColumnIndex": 4, "endColumnIndex": 6},
        "fields": "userEnteredValue"}}]})
    assert sheets_emulator.values(api.sid, "任务 1")[1] == ["T1", "海报"]


def test_unknown_request_kind_is_rejected(api):
    r = api.post(":batchUpdate", {"requests": [{"frobnicate": {}}]})
    assert r.status_code == 400
    assert r.json()["error"]["message"].startswith('Invalid JSON payload received. Unknown name "frobnicate"')


def test_hiding_every_sheet_is_refused_with_googles_message(sheets_emulator):
    sid = sheets_emulator.create_spreadsheet("P")
    r = Api(sheets_emulator, sid).post(":batchUpdate", {"requests": [{"updateSheetProperties": {
        "properties": {"sheetId": 0, "hidden": True}, "fields": "hidden"}}]})
    assert r.json()["error"]["message"] == \
        "Invalid requests[0].updateSheetProperties: You can't hide all the sheets in a document."
