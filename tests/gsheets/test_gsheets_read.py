"""Reading a tracker from Google Sheets (the emulator, over HTTP, through the real gspread client) gives the same
findings, Due and Health as its .xlsx twin, in two requests."""
import datetime as dt

import pytest

import sheetsync.api as api
from support.gsheets_fixtures import calls, emu, load_xlsx  # noqa: F401
from sheetsync.model import SheetsyncError
from support.tracker_factory import make_tracker
from support.twin_trackers import CAMPAIGN, D, PEOPLE, TRACKERS  # noqa: F401


def summary(report):
    return ({(f.code, f.severity, f.sheet, f.cell, f.task_id) for f in report.findings},
            [(t.row, t.id, t.due, t.due_source, t.health) for t in report.tasks], report.language, report.sheet)


@pytest.mark.parametrize("name", sorted(TRACKERS))
def test_google_copy_reads_like_its_xlsx_twin(tmp_path, emu, name):
    spec = dict(TRACKERS[name])
    path = make_tracker(tmp_path / f"{name}.xlsx", spec.pop("tasks"), **spec)
    key = load_xlsx(emu, path)
    from_xlsx = api.validate(path, today="2026-09-21")
    from_google = api.validate(f"gsheet:{key}", today="2026-09-21")
    assert from_xlsx.findings, "the tracker must exercise some checks"
    assert summary(from_google) == summary(from_xlsx)
    assert calls(emu) == ["GET get", "GET /values:batchGet"]


def test_text_stays_text_and_dates_arrive_as_serials(tmp_path, emu):
    key = emu.create_spreadsheet("t", sheets={"Tasks": [
        ["ID", "Task", "Owner", "Deadline", "Status"],
        ["007", "1e5", "Ann", D(2026, 9, 25), "in progress"],
    ]})
    wb = __import__("sheetsync.registry", fromlist=["read"]).read(f"gsheet:{key}")
    assert wb.kind == "gsheet" and wb.sheets[0].sheet_id == emu.sheet_properties(key, "Tasks")["sheetId"]
    assert wb.sheets[0].rows[1][:4] == ["007", "1e5", "Ann", (D(2026, 9, 25) - D(1899, 12, 30)).days]
    query = emu.request_log[1].query
    assert query["valueRenderOption"] == ["UNFORMATTED_VALUE"] and query["dateTimeRenderOption"] == ["SERIAL_NUMBER"]
    assert "fields" in emu.request_log[0].query  # metadata through a fields mask, no grid data
    report = api.validate(f"gsheet:{key}", today="2026-09-21")
    assert [t.id for t in report.tasks] == ["007"]


def test_rows_are_padded_to_the_widest_row(emu):
    key = emu.create_spreadsheet("t", sheets={"Tasks": [["ID", "Task", "Owner", "Status"], ["A1"], [], ["A2", "x"]]})
    rows = __import__("sheetsync.registry", fromlist=["read"]).read(f"gsheet:{key}").sheets[0].rows
    assert [len(r) for r in rows] == [4, 4, 4, 4] and rows[2] == ["", "", "", ""]


def test_worksheet_by_title_and_by_gid(tmp_path, emu):
    other = [["ID", "Task", "Owner", "Status"], ["B1", "other", "Ann", "in progress"]]
    mine = [["ID", "Task", "Owner", "Status"], ["C1", "mine", "Ann", "in progress"], ["C2", "two", "Ann", "done"]]
    key = emu.create_spreadsheet("t", sheets={"First": other, "Second plan": mine}, sheet_ids=[0, 777])
    by_title = api.validate(f"gsheet:{key}!Second plan", today="2026-09-21")
    by_gid = api.validate(f"https://docs.google.com/spreadsheets/d/{key}/edit#gid=777", today="2026-09-21")
    plain = api.validate(f"https://docs.google.com/spreadsheets/d/{key}/edit", today="2026-09-21")
    assert [t.id for t in by_title.tasks] == [t.id for t in by_gid.tasks] == ["C1", "C2"]
    # no sheet named: every sheet with the same columns is read (one project per sheet), each task knowing its sheet
    assert [(t.id, t.sheet) for t in plain.tasks] == [("B1", "First"), ("C1", "Second plan"), ("C2", "Second plan")]
    with pytest.raises(SheetsyncError) as err:
        api.validate(f"gsheet:{key}!Nope", today="2026-09-21")
    assert err.value.code == "no-sheet" and "Second plan" in err.value.en and "Nope" in err.value.zh


def test_merged_title_row_reads_like_the_xlsx_reader(tmp_path, emu):
    # sources do not fill merged areas (a merged title or label must never fill a data cell);
    # the value sits in the top-left cell and both readers list the merge for the engine to interpret
    path = make_tracker(tmp_path / "m.xlsx", TRACKERS["mixed-zh"]["tasks"][:2], campaign=CAMPAIGN, people=PEOPLE)
    key = load_xlsx(emu, path)
    from sheetsync import registry as sources
    g = sources.read(f"gsheet:{key}").sheet("任务")
    x = sources.read(path).sheet("任务")
    assert g.rows[0] == x.rows[0] and g.rows[0][0] == "活动任务跟踪表" and g.rows[0][5] in ("", None)
    assert g.merged == x.merged and (0, 0, 0, len(x.rows[2]) - 1) in g.merged
