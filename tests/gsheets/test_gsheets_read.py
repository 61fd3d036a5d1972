"""Reading a tracker from Google Sheets (the emulator, over HTTP, through the real gspread client) gives the same
findings, Due and Health as its .xlsx twin, in two requests."""
import datetime as dt

import pytest

import sheetsync.api as api
from gsheets_fixtures import calls, emu, load_xlsx  # noqa: F401
from sheetsync.model import SheetsyncError
from tracker_factory import make_tracker

D = dt.date
CAMPAIGN = {"name": "夏日清凉服务季", "launch": D(2026, 10, 12), "end": D(2026, 10, 30)}
PEOPLE = [("张三", "zhangsan@example.com", "运营"), ("小李", "xiaoli@example.com", "设计部"),
          ("王五", "wangwu@example.com", "IT")]

TRACKERS = {
    "mixed-zh": dict(tasks=[
        {"id": "T1", "stage": "策划", "task": "写方案", "owner": "张三", "status": "进行中", "deadline": D(2026, 9, 18)},
        {"id": "T2", "task": "海报", "owner": "小李", "department": "设计部", "depends_on": "T1",
         "time_point": "活动启动前15天", "duration": 3, "status": "未开始"},
        {"id": "T3", "task": "H5 页面", "owner": "王五", "deadline": "2026-02-30", "status": "进行中"},
        {"id": "T4", "task": "文案", "owner": "赵六", "deadline": "10月8日", "status": "待审核",
         "submitted": dt.datetime(2026, 9, 17, 9, 30)},
        {"id": "T4", "task": "重复", "owner": "张三", "deadline": D(2026, 9, 22), "status": "搞定了吗"},
        {"id": "T5", "task": "复盘", "owner": "张三", "time_point": "活动结束后3个工作日", "status": "未开始",
         "depends_on": "T9"},
        {"id": "T6", "task": "=IMPORTXML(\"http://x\",\"//a\")", "owner": "张三", "status": "已完成",
         "deadline": D(2026, 9, 10)},
    ], campaign=CAMPAIGN, people=PEOPLE),
    "english": dict(tasks=[
        {"id": "A1", "task": "Brief", "owner": "Ann", "status": "in progress", "deadline": D(2026, 9, 22)},
        {"id": "A2", "task": "Design", "owner": "Bob", "status": "not started", "duration": "abc", "depends_on": "A1"},
        {"id": "A3", "task": "Launch", "owner": "Ann", "status": "done", "deadline": D(2026, 10, 12)},
    ], lang="en", campaign={"name": "Autumn", "launch": D(2026, 10, 12), "end": D(2026, 10, 30)}, people=None),
    "no-title-numeric-ids": dict(tasks=[
        {"id": 1, "task": "方案", "owner": "张三", "status": "进行中", "deadline": D(2026, 9, 21)},
        {"id": 2, "task": "物料", "owner": "张三", "depends_on": "1", "duration": 2, "status": "未开始"},
        {"id": "007", "task": "数据", "owner": "张三", "deadline": "1e5", "status": "未开始"},
    ], title=None, campaign=CAMPAIGN, people=PEOPLE),
}


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
    assert [t.id for t in plain.tasks] == ["B1"]
    with pytest.raises(SheetsyncError) as err:
        api.validate(f"gsheet:{key}!Nope", today="2026-09-21")
    assert err.value.code == "no-sheet" and "Second plan" in err.value.en and "Nope" in err.value.zh


def test_merged_title_row_reads_like_the_xlsx_reader(tmp_path, emu):
    # issue 10: sources no longer fill merged areas (a merged title or label must never fill a data cell);
    # the value sits in the top-left cell and both readers list the merge for the engine to interpret
    path = make_tracker(tmp_path / "m.xlsx", TRACKERS["mixed-zh"]["tasks"][:2], campaign=CAMPAIGN, people=PEOPLE)
    key = load_xlsx(emu, path)
    from sheetsync import registry as sources
    g = sources.read(f"gsheet:{key}").sheet("任务")
    x = sources.read(path).sheet("任务")
    assert g.rows[0] == x.rows[0] and g.rows[0][0] == "活动任务跟踪表" and g.rows[0][5] in ("", None)
    assert g.merged == x.merged and (0, 0, 0, len(x.rows[2]) - 1) in g.merged
