"""Several tables with the task table's columns: one project per sheet, and a second block beside the first.
Every task is read and checked (each knowing its sheet, its findings naming its own cells); sync writes its
columns on the task table only and says so in one line."""
from __future__ import annotations

import datetime as dt

import openpyxl
import python_calamine as pc

from sheetsync import api

TODAY = dt.date(2026, 9, 21)
D = dt.date
HEAD = ["编号", "任务", "负责人", "截止日期", "状态"]


def _block(ws, top, left, tasks):
    for c, h in enumerate(HEAD):
        ws.cell(top, left + c, h)
    for r, (tid, name, owner, due, status) in enumerate(tasks, top + 1):
        for c, v in enumerate((tid, name, owner, due, status)):
            cell = ws.cell(r, left + c, v)
            if isinstance(v, dt.date):
                cell.number_format = "yyyy-mm-dd"


A = [("T1", "写活动方案", "张三", D(2026, 9, 10), "已完成"), ("T2", "设计海报", "李四", D(2026, 9, 15), "进行中"),
     ("T3", "开发预约页面", "王五", D(2026, 10, 5), "未开始")]
B = [("T1", "门店培训", "赵六", D(2026, 9, 12), "进行中"), ("T2", "客服话术", "", D(2026, 10, 1), "未开始")]


def _two_sheets(tmp_path, names=("项目A", "项目B"), second=B):
    """A workbook with one project per sheet, the same columns on each."""
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = names[0]
    _block(first, 1, 1, A)
    _block(wb.create_sheet(names[1]), 1, 1, second)
    path = tmp_path / "p.xlsx"
    wb.save(path)
    return path


def test_one_project_per_sheet_every_sheet_is_read_and_sync_writes_the_first(tmp_path):
    path = _two_sheets(tmp_path)
    report = api.validate(path, today=TODAY)
    assert [(t.sheet, t.task) for t in report.tasks] == [("项目A", n) for _, n, *_ in A] + [("项目B", n) for _, n, *_ in B]
    late = [f for f in report.findings if f.code == "late"]
    assert {(f.sheet, f.row) for f in late} == {("项目A", 3), ("项目B", 2)}  # ids restart per sheet: no duplicates
    assert not [f for f in report.findings if f.code == "duplicate-id"]
    missing = [f for f in report.findings if f.code == "missing-value"]
    assert [(f.sheet, f.cell) for f in missing] == [("项目B", "C3")]
    note = [f for f in report.findings if f.code == "other-tables-read"]
    assert len(note) == 1 and "2 个任务" in note[0].message and "项目B" in note[0].message
    api.sync(path, today=TODAY, record=False)
    book = pc.CalamineWorkbook.from_path(str(path))
    b_rows = book.get_sheet_by_name("项目B").to_python(skip_empty_area=False)
    assert max(len(r) for r in b_rows) == len(HEAD)  # nothing written on the other sheet
    a_rows = book.get_sheet_by_name("项目A").to_python(skip_empty_area=False)
    assert len(a_rows[0]) > len(HEAD)  # the task table got sync's columns


def test_a_second_block_beside_the_first_is_more_tasks(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务"
    _block(ws, 1, 1, A)
    _block(ws, 1, 7, B)  # F is a spacer column
    path = tmp_path / "b.xlsx"
    wb.save(path)
    report = api.validate(path, today=TODAY)
    assert [t.task for t in report.tasks] == [n for _, n, *_ in A] + [n for _, n, *_ in B]
    second = [t for t in report.tasks if t.table]
    assert [t.row for t in second] == [2, 3] and {t.sheet for t in second} == {"任务"}
    missing = [f for f in report.findings if f.code == "missing-value"]
    assert [f.cell for f in missing] == ["I3"]  # the second block's own owner cell
    plan_report = report.main_table()
    assert [t.task for t in plan_report.tasks] == [n for _, n, *_ in A] and not [
        f for f in plan_report.findings if f.code == "missing-value"]


def test_a_copy_of_the_task_sheet_is_not_read_twice(tmp_path):
    report = api.validate(_two_sheets(tmp_path, ("任务", "任务 (2)"), A), today=TODAY)
    assert len(report.tasks) == len(A) and not [f for f in report.findings if f.code == "other-tables-read"]


def test_inspect_says_the_other_sheet_was_read_too(tmp_path):
    report = api.validate(_two_sheets(tmp_path), today=TODAY)
    other = next(c for c in report.understanding.candidates if c.sheet == "项目B")
    assert other.note == "列相同,也已读取"
