"""The real gspread 6.2.1 client over HTTP (google-auth AuthorizedSession) against the emulator."""
from __future__ import annotations

import gspread
import pytest
from google.auth.transport.requests import AuthorizedSession

from sheets_emulator import client as emulator_client
from sheets_emulator.client import gspread_client_for
from sheetsync.gsheets import http as sheets_http

TRACKER = [["ID", "任务", "负责人", "截止日期", "完成状态"],
           ["T1", "海报设计", "王芳", "2026-07-01", "进行中"],
           ["T2", "H5 页面", "李雷", "2026-07-03", "未开始"]]


def test_client_uses_authorized_session_and_reaches_the_emulator(sheets_emulator, gspread_client):
    sid = sheets_emulator.create_spreadsheet("活动计划", sheets={"任务 1": TRACKER})
    assert isinstance(gspread_client.http_client.session, AuthorizedSession)
    sh = gspread_client.open_by_key(sid)
    assert sh.title == "活动计划"
    assert [ws.title for ws in sh.worksheets()] == ["任务 1"]
    assert sheets_emulator.request_log[0].path == f"/v4/spreadsheets/{sid}"


@pytest.mark.parametrize("rewrite_url", [sheets_http.rewrite_url, emulator_client.rewrite_url],
                         ids=["sheetsync", "emulator"])
def test_rewrite_url_only_touches_the_sheets_api(rewrite_url):
    assert rewrite_url("https://sheets.googleapis.com/v4/spreadsheets/x?a=1", "http://127.0.0.1:9") == \
        "http://127.0.0.1:9/v4/spreadsheets/x?a=1"
    drive = "https://www.googleapis.com/drive/v3/files"
    assert rewrite_url(drive, "http://127.0.0.1:9") == drive
    assert rewrite_url("https://sheets.googleapis.com/v4/x", None) == "https://sheets.googleapis.com/v4/x"


def test_worksheet_values_get_and_raw_update(sheets_emulator, gspread_client):
    sid = sheets_emulator.create_spreadsheet("Plan", sheets={"任务 1": TRACKER})
    ws = gspread_client.open_by_key(sid).worksheet("任务 1")
    assert ws.get_all_values() == TRACKER
    reply = ws.update(values=[["=IMPORTXML(\"http://x\")", "2026-07-09"]], range_name="B4", raw=True)
    assert reply["updatedRange"] == "'任务 1'!B4:C4"
    cell = sheets_emulator.cell(sid, "任务 1", "B4")
    assert cell["userEnteredValue"] == {"stringValue": "=IMPORTXML(\"http://x\")"}
    assert sheets_emulator.cell(sid, "任务 1", "C4")["userEnteredValue"] == {"stringValue": "2026-07-09"}


def test_user_entered_parses_dates_numbers_and_formulas(sheets_emulator, gspread_client):
    sid = sheets_emulator.create_spreadsheet("Plan")
    ws = gspread_client.open_by_key(sid).sheet1
    ws.update(values=[["2026-07-08", "=2*3", "1,234.50", "'007"]], range_name="A1", raw=False)
    assert ws.get("A1:D1", value_render_option="UNFORMATTED_VALUE",
                  date_time_render_option="SERIAL_NUMBER") == [[46211, 6, 1234.5, "007"]]
    assert ws.get("A1:D1") == [["2026-07-08", "6", "1,234.50", "007"]]
    assert ws.get("B1", value_render_option="FORMULA") == [["=2*3"]]
    assert ws.get("A1", value_render_option="UNFORMATTED_VALUE",
                  date_time_render_option="FORMATTED_STRING") == [["2026-07-08"]]


def test_values_batch_get_is_one_request_with_quoted_echoes(sheets_emulator, gspread_client):
    sid = sheets_emulator.create_spreadsheet("Plan", sheets={"任务 1": TRACKER, "It's": [["x"]]})
    sh = gspread_client.open_by_key(sid)
    before = len(sheets_emulator.request_log)
    out = sh.values_batch_get(["'任务 1'!A1:B2", "'It''s'!A1:A3", "'任务 1'!Z1:Z2"])
    assert len(sheets_emulator.request_log) == before + 1
    ranges = out["valueRanges"]
    assert [r["range"] for r in ranges] == ["'任务 1'!A1:B2", "'It''s'!A1:A3", "'任务 1'!Z1:Z2"]
    assert ranges[0]["values"] == [["ID", "任务"], ["T1", "海报设计"]]
    assert ranges[1]["values"] == [["x"]]
    assert "values" not in ranges[2]


def test_batch_update_with_conditional_format_rules(sheets_emulator, gspread_client):
    sid = sheets_emulator.create_spreadsheet("Plan", sheets={"Tasks": TRACKER}, sheet_ids=[777])
    sh = gspread_client.open_by_key(sid)
    red = {"backgroundColor": {"red": 1, "green": 0.8, "blue": 0.8}}

    def rule(formula, fmt):
        return {"ranges": [{"sheetId": 777, "startRowIndex": 1, "endRowIndex": 50, "startColumnIndex": 0,
                            "endColumnIndex": 5}],
                "booleanRule": {"condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": formula}]},
                                "format": fmt}}

    sh.batch_update({"requests": [{"addConditionalFormatRule": {"rule": rule("=$E2=\"逾期\"", red), "index": 0}},
                                  {"addConditionalFormatRule": {"rule": rule("=$E2=\"受阻\"", red), "index": 1}}]})
    rules = sheets_emulator.conditional_formats(sid, "Tasks")
    assert [r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for r in rules] == \
        ["=$E2=\"逾期\"", "=$E2=\"受阻\""]
    # red 0.8 is kept as Google does: 8-bit channels, float32
    assert rules[0]["booleanRule"]["format"]["backgroundColor"] == {"red": 1, "green": 0.8, "blue": 0.8}
    # delete index 0, then the former index 1 is the new index 0; the reply carries the deleted rule
    reply = sh.batch_update({"requests": [{"deleteConditionalFormatRule": {"sheetId": 777, "index": 0}},
                                          {"deleteConditionalFormatRule": {"sheetId": 777, "index": 0}}]})
    assert reply["replies"][1]["deleteConditionalFormatRule"]["rule"]["booleanRule"]["condition"]["values"] == \
        [{"userEnteredValue": "=$E2=\"受阻\""}]
    assert sheets_emulator.conditional_formats(sid, "Tasks") == []
    meta = sh.fetch_sheet_metadata()
    assert "conditionalFormats" not in meta["sheets"][0]


def test_conditional_formats_are_returned_by_get_with_a_field_mask(sheets_emulator, gspread_client):
    sid = sheets_emulator.create_spreadsheet("Plan", sheets={"Tasks": TRACKER})
    sh = gspread_client.open_by_key(sid)
    sh.batch_update({"requests": [{"addConditionalFormatRule": {"index": 0, "rule": {
        "ranges": [{"sheetId": 0, "startRowIndex": 1, "endRowIndex": 3}],
        "booleanRule": {"condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": "未开始"}]},
                        "format": {"textFormat": {"bold": True}}}}}}]})
    meta = sh.fetch_sheet_metadata(params={"fields": "sheets(properties(title),conditionalFormats)"})
    assert meta == {"sheets": [{"properties": {"title": "Tasks"}, "conditionalFormats": [
        {"ranges": [{"startRowIndex": 1, "endRowIndex": 3}],
         "booleanRule": {"condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": "未开始"}]},
                         "format": {"textFormat": {"bold": True}}}}]}]}


def test_insert_rows_shifts_values_and_rules(sheets_emulator, gspread_client):
    sid = sheets_emulator.create_spreadsheet("Plan", sheets={"Tasks": TRACKER})
    sh = gspread_client.open_by_key(sid)
    sh.batch_update({"requests": [{"addConditionalFormatRule": {"index": 0, "rule": {
        "ranges": [{"sheetId": 0, "startRowIndex": 1, "endRowIndex": 3, "startColumnIndex": 0, "endColumnIndex": 5}],
        "booleanRule": {"condition": {"type": "NOT_BLANK"}, "format": {"textFormat": {"bold": True}}}}}}]})
    ws = sh.worksheet("Tasks")
    ws.insert_rows([["T0", "立项"]], row=2)
    assert sheets_emulator.values(sid, "Tasks")[:3] == [TRACKER[0], ["T0", "立项"], TRACKER[1]]
    assert ws.row_count == 1001
    rng = sheets_emulator.conditional_formats(sid, "Tasks")[0]["ranges"][0]
    assert (rng["startRowIndex"], rng["endRowIndex"]) == (2, 4)  # a row inserted above the rule pushes it down
    ws.insert_rows([["T9"]], row=4)
    rng = sheets_emulator.conditional_formats(sid, "Tasks")[0]["ranges"][0]
    assert (rng["startRowIndex"], rng["endRowIndex"]) == (2, 5)  # a row inserted inside it makes it grow
    ws.delete_rows(3, 5)
    assert sheets_emulator.conditional_formats(sid, "Tasks") == []  # all its rows gone: the rule goes too


def test_notes_and_formats_round_trip(sheets_emulator, gspread_client):
    sid = sheets_emulator.create_spreadsheet("Plan", sheets={"Tasks": TRACKER})
    ws = gspread_client.open_by_key(sid).worksheet("Tasks")
    ws.update_note("D2", "截止日期早于前置任务 / deadline before its dependency")
    ws.format("A2:E2", {"backgroundColor": {"red": 1, "green": 0.9, "blue": 0.6}})
    assert ws.get_note("D2") == "截止日期早于前置任务 / deadline before its dependency"
    cell = sheets_emulator.cell(sid, "Tasks", "C2")
    assert cell["userEnteredFormat"]["backgroundColorStyle"]["rgbColor"]["red"] == 1
    assert cell["userEnteredValue"] == {"stringValue": "王芳"}  # formatting left the value alone
    ws.clear_note("D2")
    assert ws.get_note("D2") == ""


def test_add_and_delete_worksheet(sheets_emulator, gspread_client):
    sid = sheets_emulator.create_spreadsheet("Plan")
    sh = gspread_client.open_by_key(sid)
    ws = sh.add_worksheet("周报", rows=10, cols=4)
    assert (ws.row_count, ws.col_count, ws.index) == (10, 4, 1)
    with pytest.raises(gspread.exceptions.APIError) as err:
        sh.add_worksheet("周报", rows=1, cols=1)
    assert "already exists" in str(err.value)
    sh.del_worksheet(ws)
    assert [w.title for w in sh.worksheets()] == ["Sheet1"]


def test_unknown_and_private_spreadsheets(sheets_emulator, gspread_client):
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        gspread_client.open_by_key("no-such-id")
    sid = sheets_emulator.create_spreadsheet("Secret", shared=False)
    with pytest.raises(PermissionError) as err:  # gspread turns the 403 into PermissionError
        gspread_client.open_by_key(sid)
    response = err.value.__cause__.response
    assert response.status_code == 403
    assert response.json()["error"] == {"code": 403, "message": "The caller does not have permission",
                                                  "status": "PERMISSION_DENIED"}


def test_spreadsheets_create_over_http(sheets_emulator):
    session = gspread_client_for(sheets_emulator.base_url).http_client.session
    r = session.post("https://sheets.googleapis.com/v4/spreadsheets",
                     json={"properties": {"title": "新建"}, "sheets": [{"properties": {"title": "Tasks"}}]})
    assert r.status_code == 200
    body = r.json()
    assert body["properties"]["title"] == "新建"
    assert body["sheets"][0]["properties"]["title"] == "Tasks"
    assert body["spreadsheetId"] in sheets_emulator.spreadsheet_ids()


def test_building_the_client_by_hand(sheets_emulator):
    """What gspread_client_for does, spelled out: anonymous google-auth credentials, an AuthorizedSession that
    rewrites https://sheets.googleapis.com to the emulator, and gspread.Client(auth=None, session=...)."""
    from google.auth.credentials import AnonymousCredentials

    from sheets_emulator.client import endpoint_session

    sid = sheets_emulator.create_spreadsheet("Plan", sheets={"Tasks": TRACKER})
    session = endpoint_session(sheets_emulator.base_url, AnonymousCredentials())
    client = gspread.Client(auth=None, session=session)
    client.set_timeout(10)
    assert client.open_by_key(sid).worksheet("Tasks").acell("B2").value == "海报设计"
    assert sheets_emulator.request_log[-1].path == f"/v4/spreadsheets/{sid}/values/'Tasks'!B2"


def test_drive_calls_fail_fast_instead_of_reaching_google(sheets_emulator, gspread_client):
    from sheets_emulator.client import DriveNotEmulated
    with pytest.raises(DriveNotEmulated, match="open_by_key"):
        gspread_client.open("活动计划")  # by title goes through Drive
    assert sheets_emulator.request_log == []
