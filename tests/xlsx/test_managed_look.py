"""Managed headers look like the tracker's own header row, and Flags wraps inside its column (Excel and Google)."""
from __future__ import annotations

import datetime as dt

import openpyxl
import requests
from openpyxl.styles import Alignment, Font, PatternFill

import sheetsync.api as api
from support.gsheets_fixtures import emu, load_xlsx  # noqa: F401
from support.tracker_factory import make_tracker

D = dt.date
TODAY = "2026-09-21"
TASKS = [{"id": "T1", "task": "写方案", "owner": "张三", "status": "进行中", "deadline": D(2026, 9, 1)},
         {"id": "T2", "task": "做海报", "owner": "李四", "status": "进行中", "deadline": "下周", "depends_on": "T9"}]
FILL = "FF1F4E78"


def _styled_tracker(tmp_path):
    path = make_tracker(tmp_path / "t.xlsx", TASKS, campaign={"name": "C", "launch": D(2026, 10, 12)},
                        people=[("张三", "z@example.com", "运营")])
    wb = openpyxl.load_workbook(path)
    ws = wb["任务"]
    for cell in ws[3]:  # the header row: a person's own look
        if cell.value:
            cell.fill = PatternFill("solid", fgColor=FILL)
            cell.font = Font(bold=True, color="FFFFFFFF", size=12)
            cell.alignment = Alignment(horizontal="center")
    wb.save(path)
    return path, ws.max_column


def _managed(ws, width):
    heads = {ws.cell(3, c).value: c for c in range(width + 1, width + 4)}
    assert set(heads) == {"计划截止", "健康度", "提示"}, heads
    return heads


def test_excel_managed_headers_copy_the_tracker_header_and_flags_wrap(tmp_path):
    path, width = _styled_tracker(tmp_path)
    assert api.sync(str(path), today=TODAY).changed
    ws = openpyxl.load_workbook(path)["任务"]
    own = ws.cell(3, width)
    for name, c in _managed(ws, width).items():
        head = ws.cell(3, c)
        assert head.fill.fgColor.rgb == FILL and head.font.color.rgb == "FFFFFFFF" and head.font.sz == 12, name
        assert head.alignment.horizontal == own.alignment.horizontal == "center"
    flags = _managed(ws, width)["提示"]
    texts = [ws.cell(r, flags) for r in (4, 5)]
    assert all(c.value for c in texts) and all(c.alignment.wrap_text for c in texts)
    assert not ws.cell(4, 1).alignment.wrap_text  # a person's cells are not touched
    before = path.read_bytes()
    assert not api.sync(str(path), today=TODAY).changed and path.read_bytes() == before


def test_google_managed_headers_copy_the_tracker_header_and_flags_wrap(tmp_path, emu):
    path, width = _styled_tracker(tmp_path)
    key = load_xlsx(emu, path)
    look = {"backgroundColor": {"red": 0.12, "green": 0.3, "blue": 0.47},
            "textFormat": {"bold": True, "foregroundColor": {"red": 1, "green": 1, "blue": 1}, "fontSize": 12},
            "horizontalAlignment": "CENTER"}
    sheet_id = emu.sheet_properties(key, "任务")["sheetId"]
    r = requests.post(f"{emu.base_url}/v4/spreadsheets/{key}:batchUpdate", timeout=10, json={"requests": [
        {"repeatCell": {"range": {"sheetId": sheet_id, "startRowIndex": 2, "endRowIndex": 3, "startColumnIndex": 0,
                                  "endColumnIndex": width},
                        "cell": {"userEnteredFormat": look}, "fields": "userEnteredFormat"}}]})
    assert r.status_code == 200, r.text
    assert api.sync(f"gsheet:{key}", today=TODAY).changed
    own = emu.cell(key, "任务", f"{openpyxl.utils.get_column_letter(width)}3")["userEnteredFormat"]
    assert own["horizontalAlignment"] == "CENTER" and own["textFormat"]["fontSize"] == 12
    for c in range(width, width + 3):
        cell = emu.cell(key, "任务", f"{openpyxl.utils.get_column_letter(c + 1)}3")
        assert cell["userEnteredFormat"] == own, (c, cell)
    flags_col = openpyxl.utils.get_column_letter(width + 3)
    for row in (4, 5):
        fmt = emu.cell(key, "任务", f"{flags_col}{row}")["userEnteredFormat"]
        assert fmt["wrapStrategy"] == "WRAP"
    assert "wrapStrategy" not in (emu.cell(key, "任务", f"A4").get("userEnteredFormat") or {})
    assert not api.sync(f"gsheet:{key}", today=TODAY).changed
