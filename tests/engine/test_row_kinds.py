"""Row classification on workbooks shaped like the rows of real trackers (tests/support/row_trackers.py), read by the
real .xlsx reader and engine: the task rows, the kinds of the other rows as `inspect` lists them, and no
finding on a row that is not a task."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from support.row_trackers import SHAPES, build
from sheetsync import api

TODAY = dt.date(2026, 9, 21)


def _report(tmp_path, shape):
    return api.validate(build(shape, tmp_path / f"{shape.key}.xlsx"), today=TODAY)


@pytest.mark.parametrize("shape", SHAPES, ids=[s.key for s in SHAPES])
def test_rows_that_are_not_tasks_are_told_apart(tmp_path, shape):
    report = _report(tmp_path, shape)
    assert [t.row for t in report.tasks] == shape.tasks
    assert report.understanding.rows == shape.kinds
    others = {r for rows in shape.kinds.values() for r in rows}
    assert not [f for f in report.findings if f.row in others and f.code not in ("late",)]
    for row, label in shape.groups.items():
        assert next(t for t in report.tasks if t.row == row).group == label


def test_a_total_row_with_several_cells_is_not_a_task_and_counts_stay_true(tmp_path):
    report = _report(tmp_path, SHAPES[0])
    assert len(report.tasks) == 9 and not any(t.task == "共 9 项" or t.id == "合计" for t in report.tasks)
    assert sum(t.status == "done" for t in report.tasks) == 2


def test_a_task_named_like_a_summary_is_still_a_task(tmp_path):
    report = _report(tmp_path, SHAPES[0])
    assert any(t.task == "数据汇总" for t in report.tasks)  # 'data roll-up' is work, not a total label


def test_a_plan_and_an_actual_row_are_one_task_with_both_dates(tmp_path):
    shape = next(s for s in SHAPES if s.key == "plan-actual")
    report = _report(tmp_path, shape)
    poster, page = report.tasks
    assert (poster.start, poster.explicit_due) == (dt.date(2026, 10, 1), dt.date(2026, 10, 5))
    assert (poster.actual_start, poster.done_date) == (dt.date(2026, 10, 2), dt.date(2026, 10, 9))
    assert poster.status == "done"  # an actual finish date: finished work, never late
    assert (page.actual_start, page.done_date, page.status) == (dt.date(2026, 10, 7), None, None)
    assert poster.stage is None  # the 计划 / 实际 column says which line it is, not the task's stage


def test_a_task_merged_over_detail_rows_is_one_task(tmp_path):
    report = _report(tmp_path, next(s for s in SHAPES if s.key == "merged-task"))
    assert [t.task for t in report.tasks] == ["海报设计", "H5 页面"]


def test_hundreds_of_unticked_boxes_give_no_finding(tmp_path):
    report = _report(tmp_path, next(s for s in SHAPES if s.key == "checkboxes"))
    assert len(report.tasks) == 3 and not [f for f in report.findings if f.row and f.row > 5]


def test_inspect_lists_the_rows_not_taken_by_kind_in_text_and_json(tmp_path):
    from sheetsync.understood import Inspection, inspect_lines, inspection_dict
    from sheetsync.registry import read

    shape = next(s for s in SHAPES if s.key == "blank-slots")
    path = build(shape, tmp_path / "slots.xlsx")
    report = api.validate(path, today=TODAY)
    ins = Inspection(read(str(path)), report.language, report)
    lines = inspect_lines(ins)
    assert "未作为任务读取的行:" in lines and "  空白占位行:第 6-9 行" in lines
    assert inspection_dict(ins)["rows"] == {"blank": [6, 7, 8, 9]}
    en = Inspection(read(str(path)), "en", report)
    assert "  blank slots: 6-9" in inspect_lines(en)


def test_every_row_kind_has_a_name_in_both_languages():
    from sheetsync.engine.row_kinds import KINDS
    from sheetsync.understood import ROW_KINDS

    assert set(ROW_KINDS["en"]) == set(KINDS) == set(ROW_KINDS["zh"])


def test_an_empty_column_is_one_line_in_inspect_and_no_finding_per_row(tmp_path):
    from sheetsync.registry import read
    from sheetsync.understood import Inspection, inspect_lines, inspection_dict

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务"
    ws.append(["任务", "负责人", "截止日期", "状态"])
    for i in range(12):
        ws.append([f"任务说明{i}", None, dt.date(2026, 10, 1 + i), "进行中"])
    path = tmp_path / "empty.xlsx"
    wb.save(path)
    report = api.validate(path, today=TODAY)
    assert report.columns["owner"] == 1 and report.understanding.empty == [1]
    assert not [f for f in report.findings if f.code == "missing-value" and f.cell and f.cell.startswith("B")]
    lines = inspect_lines(Inspection(read(str(path)), "zh", report))
    assert [line for line in lines if "负责人" in line and "为空" in line] == ["  负责人(B)在所有任务行都为空:不逐行检查"]
    assert inspection_dict(Inspection(read(str(path)), "zh", report))["empty_columns"] == ["B"]


def test_a_task_with_only_its_name_is_still_a_task(tmp_path):
    """A new task nobody has assigned yet, alone in its row, stays a task (and its empty owner is a finding);
    only a heading ('Phase 2', '执行阶段') or a lowercase line going on from the row above is not."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Task", "Owner", "Due", "Status"])
    ws.append(["Write the brief", "Ann", dt.date(2026, 10, 1), "In progress"])
    ws.append(["Weekly report", None, None, None])
    ws.append(["Phase 2", None, None, None])
    ws.append(["Build the page", "Bob", dt.date(2026, 10, 9), "Not started"])
    ws.append(["Order the banners", "Cat", dt.date(2026, 10, 12), "Not started"])
    wb.save(tmp_path / "lone.xlsx")
    report = api.validate(tmp_path / "lone.xlsx", today=TODAY)
    assert [t.task for t in report.tasks] == ["Write the brief", "Weekly report", "Build the page", "Order the banners"]
    assert report.understanding.rows == {"group": [4]}
    assert [t.group for t in report.tasks] == [None, None, "Phase 2", "Phase 2"]
    assert any(f.code == "missing-value" and f.row == 3 for f in report.findings)
