"""Column recognition on workbooks shaped like 27 real trackers (tests/support/recognition_trackers.py), read by the
real .xlsx reader and engine. The share of labelled columns read as what they hold is printed in pytest's
terminal summary with every miss, and must stay at 95% or more. Header rows invented here (not among the
27) guard against a vocabulary fitted to that list."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from support.recognition_trackers import TRACKERS, build, score
from sheetsync import api
from sheetsync.model import SheetsyncError, col_letter

TODAY = dt.date(2026, 9, 21)
THRESHOLD = 0.95  # measured 241/250 = 96.4% when written


class _Summary:
    def __init__(self, lines: list[str]):
        self.lines = lines

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.write_sep("-", "Tracker column recognition")
        for line in self.lines:
            terminalreporter.write_line(line)


def _read(path):
    try:
        report = api.validate(path, today=TODAY)
    except SheetsyncError as exc:
        return None, exc
    return report, None


def test_share_of_labelled_columns_recognised(tmp_path, request):
    correct = items = 0
    misses: list[str] = []
    for spec in TRACKERS:
        report, err = _read(build(spec, tmp_path / f"{spec.key}.xlsx"))
        read = None if report is None else {col_letter(c.column): c.field for c in report.understanding.columns}
        c, n, m = score(spec, read, err.code if err else None)
        correct, items, misses = correct + c, items + n, misses + m
    share = correct / items
    line = f"tracker column recognition: {correct}/{items} = {share:.1%} over {len(TRACKERS)} tracker shapes"
    request.config.pluginmanager.register(_Summary([line] + [f"  miss: {m}" for m in misses]), "sheetsync-recognition")
    print("\n" + line + "".join(f"\n  miss: {m}" for m in misses))
    assert items >= 240 and len(TRACKERS) == 27
    assert share >= THRESHOLD, "\n".join([line] + misses)


def _spec(key):
    return next(s for s in TRACKERS if s.key == key)


@pytest.mark.parametrize("key", [s.key for s in TRACKERS if s.expect != "table"])
def test_layouts_that_are_not_row_per_task_say_so_naming_the_sheet(tmp_path, key):
    spec = _spec(key)
    report, err = _read(build(spec, tmp_path / f"{key}.xlsx"))
    assert report is None and err.code == "not-row-per-task"
    assert spec.sheet in err.en and spec.sheet in err.zh and "row-per-task" in err.en and "每行一个任务" in err.zh
    assert "\n" not in err.en and "\n" not in err.zh


def test_a_task_table_beside_a_day_grid_is_read_and_the_grid_ignored(tmp_path):
    report, _ = _read(build(_spec("T04"), tmp_path / "t04.xlsx"))
    by_col = {col_letter(c.column): c for c in report.understanding.columns}
    assert report.columns["task"] == 0 and report.columns["owner"] == 6 and report.columns["deadline"] == 3
    assert by_col["I"].field is None and "grid" in by_col["I"].why
    assert report.understanding.header_rows >= 1 and report.header_row in (4, 6)


def test_two_tables_on_one_sheet_the_second_is_a_candidate_not_tasks(tmp_path):
    report, _ = _read(build(_spec("T22"), tmp_path / "t22.xlsx"))
    assert report.header_row == 2 and [t.row for t in report.tasks] == list(range(3, 9))
    others = report.understanding.candidates[1:]
    assert any(c.header_row == 10 and "task" in c.fields for c in others)


def test_repeated_headers_and_version_titles_between_blocks_are_not_tasks(tmp_path):
    report, _ = _read(build(_spec("T14"), tmp_path / "t14.xlsx"))
    rows = [t.row for t in report.tasks]
    assert report.header_row == 2 and 9 not in rows and 10 not in rows  # 'S9版本' title, repeated header
    assert rows == list(range(3, 9)) + [11, 12, 13]


def test_section_rows_are_not_tasks(tmp_path):
    t03, _ = _read(build(_spec("T03"), tmp_path / "t03.xlsx"))
    assert 6 not in [t.row for t in t03.tasks]  # 'ART DEPARTMENT' in the DONE? column
    t07, _ = _read(build(_spec("T07"), tmp_path / "t07.xlsx"))
    assert 2 not in [t.row for t in t07.tasks]  # 'Team Charter' merged A2:B2
    assert not [f for f in t07.findings if f.row == 2]


def test_an_id_column_without_a_header_is_found_by_its_values(tmp_path):
    report, _ = _read(build(_spec("T20"), tmp_path / "t20.xlsx"))
    assert report.columns["id"] == 0 and [t.id for t in report.tasks][:3] == ["1", "2", "3"]


def test_traditional_chinese_headers_give_a_chinese_report(tmp_path):
    report, _ = _read(build(_spec("T26"), tmp_path / "t26.xlsx"))
    assert report.language == "zh" and report.columns["task"] == 3 and report.columns["owner"] == 4
    read = {c.header: c.why for c in report.understanding.columns}
    assert "中心词" in read["子任務"]


# ---------------------------------------------------------------- header rows invented for these tests

INVENTED = [
    # English: words in other orders and forms than the 27 trackers use
    (["Ref", "Deliverable", "Accountable person", "Kick-off", "Target date", "Completion %", "State", "Remarks"],
     ["id", "task", "owner", "start", "deadline", "progress", "status", "notes"]),
    (["Work package", "Responsible", "Planned end", "Actual end", "Blocked by", "Est. days", "Approver"],
     ["task", "owner", "deadline", "done_date", "depends_on", "duration", "reviewer"]),
    (["Item description", "Who", "When due", "Done", "Team", "Urgency", "Link to file"],
     ["task", "owner", "deadline", "status", "department", "priority", "link"]),
    (["Action", "Action owner", "Action due date", "Action status", "Action notes"],
     ["task", "owner", "deadline", "status", "notes"]),
    # Chinese (simplified and traditional), not among the 27
    (["工作事项", "执行人", "起止开始", "计划完成日期", "实际完成日期", "完成率", "当前状态", "备注说明"],
     ["task", "owner", "start", "deadline", "done_date", "progress", "status", "notes"]),
    (["序號", "工作內容", "承辦人", "預計完成", "進度 %", "優先順序", "附件連結"],
     ["id", "task", "owner", "deadline", "progress", "priority", "link"]),
    (["事项名称", "对接部门", "跟进人", "到期日", "是否完成", "所需时间(天)", "紧前任务"],
     ["task", "department", "owner", "deadline", "status", "duration", "depends_on"]),
]


@pytest.mark.parametrize("headers,fields", INVENTED, ids=[h[0][0] for h in INVENTED])
def test_invented_header_rows_are_recognised(tmp_path, headers, fields):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws.append(headers)
    for i in range(4):
        ws.append([_value(f, i) for f in fields])
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    report, err = _read(path)
    assert err is None, err
    got = {c.header: c.field for c in report.understanding.columns}
    want = {h: f for h, f in zip(headers, fields) if f}
    assert {h: got.get(h) for h in want} == want


def _value(fld, i):
    return {"id": f"A{i}", "task": f"Prepare item {i}", "owner": "Lee", "start": dt.date(2026, 9, 1),
            "deadline": dt.date(2026, 9, 10 + i), "done_date": None, "progress": 0.5, "status": "In progress",
            "notes": "n", "depends_on": None, "duration": 2, "reviewer": "Kim", "department": "IT",
            "priority": "High", "link": "https://example.com"}.get(fld, "x")
