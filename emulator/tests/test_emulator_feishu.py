"""The Feishu emulator answers as Feishu documents: the {"code", "msg", "data"} envelope, the tenant token of a
known app, Feishu's codes for a missing or invalid token, no permission, the rate limit and a range too large,
and request bodies checked strictly (an unknown field or a wrong type refused). The Google emulator's
--seed-xlsx takes a workbook whose merged cells reach past the last filled column or row."""
import datetime as dt

import openpyxl
import pytest
import requests

from sheets_emulator.feishu.server import APP_ID, APP_SECRET, TOKEN_PATH, FeishuEmulator
from sheets_emulator.server import SheetsEmulator, seed_from_xlsx


@pytest.fixture
def emu():
    with FeishuEmulator() as e:
        yield e


def sign_in(emu, app_id=APP_ID, secret=APP_SECRET):
    return requests.post(emu.base_url + TOKEN_PATH, json={"app_id": app_id, "app_secret": secret}, timeout=10)


def api(emu, method, path, token=None, **kw):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.request(method, emu.base_url + path, headers=headers, timeout=10, **kw)


@pytest.fixture
def signed(emu):
    book = emu.create_spreadsheet("Plan", {"Tasks": [["ID", "Task", "Due"], ["T1", "Poster", dt.date(2026, 9, 1)],
                                                     ["007", "Text", 5]]})
    return book, sign_in(emu).json()["tenant_access_token"]


def v2(book, rest):
    return f"/open-apis/sheets/v2/spreadsheets/{book}/{rest}"


def test_token_and_envelope(emu):
    got = sign_in(emu).json()
    assert got["code"] == 0 and got["tenant_access_token"].startswith("t-") and got["expire"] > 0
    bad = sign_in(emu, secret="nope")
    assert bad.status_code == 400 and bad.json()["code"] == 10014
    unknown = requests.post(emu.base_url + TOKEN_PATH, json={"app_id": APP_ID, "app_secret": APP_SECRET, "x": 1},
                            timeout=10)
    assert unknown.json()["code"] == 99992402


def test_missing_and_invalid_tokens(emu, signed):
    book, _ = signed
    assert api(emu, "GET", v2(book, "metainfo")).json()["code"] == 99991661
    assert api(emu, "GET", v2(book, "metainfo"), "t-forged").json()["code"] == 99991663


def test_values_dates_as_serials_and_text_as_text(emu, signed):
    book, token = signed
    sid = emu.sheet(book, "Tasks").sheet_id
    got = api(emu, "GET", v2(book, "values_batch_get"), token,
              params={"ranges": f"{sid}!A1:C3", "valueRenderOption": "UnformattedValue"}).json()
    assert got["code"] == 0
    rows = got["data"]["valueRanges"][0]["values"]
    assert rows[1][2] == (dt.date(2026, 9, 1) - dt.date(1899, 12, 30)).days and rows[2][0] == "007"
    formatted = api(emu, "GET", v2(book, "values_batch_get"), token,
                    params={"ranges": f"{sid}!C2:C2", "valueRenderOption": "UnformattedValue",
                            "dateTimeRenderOption": "FormattedString"}).json()
    assert formatted["data"]["valueRanges"][0]["values"] == [["2026/09/01"]]


@pytest.mark.parametrize("body,why", [
    ({"valueRanges": [{"range": "X!A1:A1", "values": [["a"]], "majorDimension": "ROWS"}]}, "unknown field"),
    ({"valueRanges": [{"range": "X!A1:A1", "values": "a"}]}, "must be an array"),
    ({"valueRange": [{"range": "X!A1:A1", "values": [["a"]]}]}, "unknown field"),
    ({"valueRanges": [{"range": 5, "values": [["a"]]}]}, "must be str"),
])
def test_write_bodies_are_checked_strictly(emu, signed, body, why):
    book, token = signed
    sid = emu.sheet(book, "Tasks").sheet_id
    for vr in body.get("valueRanges") or body.get("valueRange"):
        if isinstance(vr.get("range"), str):
            vr["range"] = vr["range"].replace("X", sid)
    got = api(emu, "POST", v2(book, "values_batch_update"), token, json=body).json()
    assert got["code"] == 90215 and why in got["msg"]
    assert emu.values(book, "Tasks")[0] == ["ID", "Task", "Due"]  # nothing applied


def test_condition_formats_limits_and_types(emu, signed):
    book, token = signed
    sid = emu.sheet(book, "Tasks").sheet_id
    rule = {"ranges": [f"{sid}!C2:C3"], "rule_type": "cellIs", "attrs": [{"operator": "equal", "formula": ['"x"']}],
            "style": {"back_color": "#ff0000"}}
    eleven = {"sheet_condition_formats": [{"sheet_id": sid, "condition_format": rule}] * 11}
    assert api(emu, "POST", v2(book, "condition_formats/batch_create"), token, json=eleven).json()["code"] == 90215
    formula = {"sheet_condition_formats": [{"sheet_id": sid, "condition_format": {**rule, "rule_type": "formula"}}]}
    assert api(emu, "POST", v2(book, "condition_formats/batch_create"), token, json=formula).json()["code"] == 90215
    one = {"sheet_condition_formats": [{"sheet_id": sid, "condition_format": rule}]}
    made = api(emu, "POST", v2(book, "condition_formats/batch_create"), token, json=one).json()
    assert made["code"] == 0 and made["data"]["responses"][0]["cf_id"]
    listed = api(emu, "GET", v2(book, "condition_formats"), token, params={"sheet_ids": sid}).json()
    assert listed["data"]["sheet_condition_formats"][0]["condition_format"]["rule_type"] == "cellIs"


def test_no_permission_rate_limit_and_too_large(emu):
    book = emu.create_spreadsheet("Private", {"Tasks": [["ID"]]}, apps=set())
    token = sign_in(emu).json()["tenant_access_token"]
    refused = api(emu, "GET", f"/open-apis/sheets/v3/spreadsheets/{book}/sheets/query", token)
    assert refused.status_code == 403 and refused.json()["code"] == 1310213
    assert api(emu, "GET", v2(book, "metainfo"), token).json()["code"] == 91403
    big = emu.create_spreadsheet("Big", {"Tasks": [["ID"]]})
    sid = emu.sheet(big, "Tasks").sheet_id
    emu.sheet(big, "Tasks").rows, emu.sheet(big, "Tasks").cols = 200_000, 100
    huge = api(emu, "GET", v2(big, "values_batch_get"), token, params={"ranges": f"{sid}!A1:CV200000"})
    assert huge.json()["code"] == 90221
    emu.inject(status=429, reset=2, match="metainfo")
    limited = api(emu, "GET", v2(big, "metainfo"), token)
    assert limited.status_code == 429 and limited.json()["code"] == 99991400
    assert limited.headers["x-ogw-ratelimit-reset"] == "2"


def test_google_seed_covers_merges_past_the_filled_area(tmp_path):
    """A title merged across columns no cell fills, and a note merged below the last row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tasks"
    ws["A1"] = "Plan"
    ws.merge_cells("A1:AF1")  # past Z, the default grid's last column
    ws.append(["ID", "Task"])
    ws.append(["T1", "Poster"])
    ws.merge_cells("A1200:C1201")  # past row 1000
    path = tmp_path / "wide.xlsx"
    wb.save(path)
    with SheetsEmulator() as google:
        key = seed_from_xlsx(google, str(path))
        grid = google.sheet_properties(key, "Tasks")["gridProperties"]
        assert grid["columnCount"] >= 32 and grid["rowCount"] >= 1201
    with FeishuEmulator() as lark:
        token = lark.seed_xlsx(str(path))
        assert (0, 0, 0, 31) in lark.sheet(token, "Tasks").merges
