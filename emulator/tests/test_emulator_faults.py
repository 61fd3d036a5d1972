"""Injected faults: 429 with Retry-After, 500, 503 with an HTML body, slow responses, a person's edit
between a read and a write."""
from __future__ import annotations

import gspread
import pytest
import requests

from sheets_emulator.client import gspread_client_for

ROWS = [["ID", "任务", "完成状态"], ["T1", "海报", "进行中"], ["T2", "H5", "未开始"]]


def test_429_with_retry_after_for_matching_requests_only(sheets_emulator, gspread_client):
    sid = sheets_emulator.create_spreadsheet("Plan", sheets={"Tasks": ROWS})
    sheets_emulator.inject(status=429, retry_after=2, times=3, match="batchUpdate")
    sh = gspread_client.open_by_key(sid)  # a GET: not matched, so it goes through
    body = {"requests": [{"updateSheetProperties": {"properties": {"sheetId": 0, "title": "任务"},
                                                    "fields": "title"}}]}
    for _ in range(3):
        with pytest.raises(gspread.exceptions.APIError) as err:
            sh.batch_update(body)
        assert err.value.response.status_code == 429
        assert err.value.response.headers["Retry-After"] == "2"
        assert err.value.error["status"] == "RESOURCE_EXHAUSTED"
    assert sheets_emulator.sheet_properties(sid, "Tasks")["title"] == "Tasks"  # a refused call changes nothing
    sh.batch_update(body)  # the fourth attempt is served
    assert sheets_emulator.sheet_properties(sid, "任务")["title"] == "任务"
    assert [e.status for e in sheets_emulator.request_log if "batchUpdate" in e.path] == [429, 429, 429, 200]


def test_503_with_an_html_body(sheets_emulator, gspread_client):
    sid = sheets_emulator.create_spreadsheet("Plan", sheets={"Tasks": ROWS})
    sheets_emulator.inject(status=503, html=True)
    with pytest.raises(gspread.exceptions.APIError) as err:
        gspread_client.open_by_key(sid)
    response = err.value.response
    assert response.status_code == 503
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.text.startswith("<!DOCTYPE html>")
    assert err.value.code == -1  # gspread cannot parse it as JSON: callers must cope with that
    assert gspread_client.open_by_key(sid).title == "Plan"  # one-shot fault


def test_500_json_error(sheets_emulator):
    sid = sheets_emulator.create_spreadsheet("Plan")
    sheets_emulator.inject(status=500, match="values")
    r = requests.get(f"{sheets_emulator.base_url}/v4/spreadsheets/{sid}/values/A1", timeout=5)
    assert r.status_code == 500
    assert r.json() == {"error": {"code": 500, "message": "Internal error encountered.", "status": "INTERNAL"}}


def test_slow_response_trips_a_client_timeout_and_later_calls_are_normal(sheets_emulator):
    sid = sheets_emulator.create_spreadsheet("Plan", sheets={"Tasks": ROWS})
    client = gspread_client_for(sheets_emulator.base_url, timeout=0.2)
    sheets_emulator.inject(delay=2.0)
    with pytest.raises(requests.exceptions.ReadTimeout):
        client.open_by_key(sid)
    assert client.open_by_key(sid).worksheet("Tasks").acell("B2").value == "海报"


def test_delay_without_status_still_answers_normally(sheets_emulator):
    sid = sheets_emulator.create_spreadsheet("Plan", sheets={"Tasks": ROWS})
    sheets_emulator.inject(delay=0.3)
    r = requests.get(f"{sheets_emulator.base_url}/v4/spreadsheets/{sid}/values/Tasks!B2", timeout=10)
    assert r.status_code == 200 and r.json()["values"] == [["海报"]]


def test_row_inserted_between_read_and_write_shows_the_wrong_row_hazard(sheets_emulator, gspread_client):
    sid = sheets_emulator.create_spreadsheet("Plan", sheets={"Tasks": ROWS})
    ws = gspread_client.open_by_key(sid).worksheet("Tasks")
    rows = ws.get_all_values()
    target = next(i for i, r in enumerate(rows, start=1) if r[0] == "T2")  # row 3
    sheets_emulator.inject(before_write=lambda emu: emu.insert_rows(sid, "Tasks", 2, [["T0", "人工插入", ""]]))
    ws.get_all_values()  # reads do not trigger it
    ws.update(values=[["已完成"]], range_name=f"C{target}", raw=True)
    values = sheets_emulator.values(sid, "Tasks")
    assert values[1] == ["T0", "人工插入"]
    assert values[2] == ["T1", "海报", "已完成"]  # the write landed on T1: the API has no precondition
    assert values[3] == ["T2", "H5", "未开始"]
    assert sheets_emulator.faults == []


def test_faults_queue_in_order_and_can_be_cleared(sheets_emulator):
    sid = sheets_emulator.create_spreadsheet("Plan")
    sheets_emulator.inject(status=500, times=1)
    sheets_emulator.inject(status=429, retry_after=1, times=1)
    url = f"{sheets_emulator.base_url}/v4/spreadsheets/{sid}"
    assert [requests.get(url, timeout=5).status_code for _ in range(3)] == [500, 429, 200]
    sheets_emulator.inject(status=503, times=5)
    sheets_emulator.clear_faults()
    assert requests.get(url, timeout=5).status_code == 200
