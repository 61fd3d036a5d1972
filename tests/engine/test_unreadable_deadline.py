"""A deadline a person typed that cannot be read stays exactly as typed and gets bad-date; it is never replaced
by a date derived from a time point or from successors, in the report or in the sheet.
Both backends: an .xlsx sync, and a Google sync against the emulator with the real gspread client."""
from __future__ import annotations

import datetime as dt

import python_calamine as pc

import sheetsync.api as api
from support.gsheets_fixtures import emu, load_xlsx  # noqa: F401
from support.tracker_factory import make_tracker

D = dt.date
TODAY = "2026-09-21"
CAMPAIGN = {"name": "夏日清凉服务季", "launch": D(2026, 10, 12), "end": D(2026, 10, 30)}
PEOPLE = [("张三", "zhangsan@example.com", "运营")]
FIELDS = ("id", "task", "owner", "depends_on", "time_point", "duration", "deadline", "status")
UNREADABLE = "下周五前"  # 'before next Friday': a person's deadline, not a date
TASKS = [
    # T1 could take a date from its time point and from its successor T2; it must take neither
    {"id": "T1", "task": "海报设计", "owner": "张三", "time_point": "T-10", "deadline": UNREADABLE, "status": "进行中"},
    {"id": "T2", "task": "海报印刷", "owner": "张三", "depends_on": "T1", "duration": 2, "deadline": D(2026, 10, 9),
     "status": "未开始"},
    # T3 has no deadline cell value at all: deriving it from its successor is still right
    {"id": "T3", "task": "文案", "owner": "张三", "status": "未开始"},
    {"id": "T4", "task": "发布", "owner": "张三", "depends_on": "T3", "deadline": D(2026, 10, 9), "status": "未开始"},
    # an implausible year is unreadable too
    {"id": "T5", "task": "复盘", "owner": "张三", "depends_on": "", "deadline": D(2062, 10, 9), "status": "未开始"},
    {"id": "T6", "task": "复盘会", "owner": "张三", "depends_on": "T5", "deadline": D(2026, 10, 30), "status": "未开始"},
]
DEADLINE_COL = FIELDS.index("deadline")  # G


def tracker(tmp_path):
    return make_tracker(tmp_path / "t.xlsx", TASKS, fields=FIELDS, campaign=CAMPAIGN, people=PEOPLE)


def check_report(report):
    by = {t.id: t for t in report.tasks}
    assert (by["T1"].due, by["T1"].due_source) == (None, "unreadable")
    assert (by["T5"].due, by["T5"].due_source) == (None, "unreadable")
    assert by["T3"].due_source == "successors" and by["T3"].due is not None
    bad = sorted((f.cell, f.params["value"]) for f in report.findings if f.code == "bad-date")
    assert bad == [("G4", UNREADABLE), ("G8", "2062-10-09")]
    assert all(f.severity == "error" for f in report.findings if f.code == "bad-date")


def due_column(plan):
    return plan.columns["m_due"]


def test_xlsx_sync_keeps_the_typed_deadline_and_writes_no_derived_date(tmp_path):
    path = tracker(tmp_path)
    result = api.sync(path, today=TODAY, state=tmp_path / "state.db")
    check_report(result.report)
    rows = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("任务").to_python(skip_empty_area=False)
    due = due_column(result.plan)
    by_id = {r[0]: r for r in rows[3:] if r[0]}
    assert by_id["T1"][DEADLINE_COL] == UNREADABLE  # exactly as typed
    assert by_id["T1"][due] == "" and by_id["T5"][due] == ""  # no derived date in the managed Due column
    assert isinstance(by_id["T3"][due], dt.date) and isinstance(by_id["T2"][due], dt.date)
    assert by_id["T5"][DEADLINE_COL] == D(2062, 10, 9)
    # a second sync agrees and writes nothing
    again = api.sync(path, today=TODAY, state=tmp_path / "state.db")
    assert not again.changed


def test_google_sync_keeps_the_typed_deadline_and_writes_no_derived_date(tmp_path, emu):
    key = load_xlsx(emu, tracker(tmp_path))
    result = api.sync(f"gsheet:{key}", today=TODAY)
    check_report(result.report)
    values = emu.values(key, "任务")
    due = due_column(result.plan)
    by_id = {r[0]: r for r in values[3:] if r and r[0]}

    def cell(task, col):
        row = by_id[task]
        return row[col] if col < len(row) else ""

    assert cell("T1", DEADLINE_COL) == UNREADABLE
    assert cell("T1", due) == "" and cell("T5", due) == ""
    assert isinstance(cell("T3", due), (int, float)) and cell("T3", due) > 40000  # a date serial was written
    assert not api.sync(f"gsheet:{key}", today=TODAY).changed
