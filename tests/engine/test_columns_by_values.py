"""Columns decided by their values too, and header cells read by their leading words, on real .xlsx files:
an empty, constant or categorical column headed like the task loses to the descriptions beside it; header
words people use (Resourcing, 人员姓名, own, Starting Time, an Estimated … column of dates, Sub-Code); an
instruction or a legend after a header's words does not supply a field."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from sheetsync import api

TODAY = dt.date(2026, 9, 21)
D = dt.date
NAMES = ["写活动方案", "设计海报", "开发预约页面", "测试小程序", "活动上线", "效果复盘"]
PEOPLE = ["张三", "李四", "张三", "王五", "李四", "张三"]


def _read(tmp_path, head, columns, header_rows=()):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws.append(head)
    for extra in header_rows:
        ws.append(extra)
    for i in range(6):
        ws.append([f(i) for f in columns])
        for c in range(1, len(head) + 1):
            if isinstance(ws.cell(ws.max_row, c).value, dt.datetime):
                ws.cell(ws.max_row, c).number_format = "yyyy-mm-dd"
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    return api.validate(path, today=TODAY)


def _name(i):
    return NAMES[i]


def _owner(i):
    return PEOPLE[i]


def _due(i):
    return D(2026, 9, 1 + i)


@pytest.mark.parametrize("beside,values", [
    ("任务", lambda i: None),  # a template's task column nobody uses
    ("事项", lambda i: "活动筹备"),  # one constant: the project, not the task
    ("任务", lambda i: ["设计", "开发"][i % 2]),  # a few short categories repeated
], ids=["empty", "constant", "categories"])
def test_the_task_column_holds_distinct_descriptions(tmp_path, beside, values):
    report = _read(tmp_path, [beside, "工作内容", "负责人", "截止日期"], [values, _name, _owner, _due])
    assert report.columns["task"] == 1
    assert [t.task for t in report.tasks] == NAMES
    passed_over = next(c for c in report.understanding.columns if c.column == 0)
    assert passed_over.field != "task" and (passed_over.field or "内容不像任务名称" in passed_over.why)


def test_a_task_column_headed_by_the_projects_name(tmp_path):
    report = _read(tmp_path, ["春季上新活动", "负责人", "截止日期", "状态"], [_name, _owner, _due, lambda i: "进行中"])
    assert report.columns["task"] == 0 and [t.task for t in report.tasks] == NAMES


@pytest.mark.parametrize("head,field", [("Resourcing", "owner"), ("人员姓名", "owner"), ("own", "owner"),
                                        ("Starting Time", "start"), ("Sub-Code", "id")])
def test_header_words_people_use(tmp_path, head, field):
    values = {"owner": _owner, "start": _due, "id": lambda i: f"1.{i + 1}"}[field]
    report = _read(tmp_path, ["Task", head, "Due date", "Status"], [_name, values, _due, lambda i: "In progress"])
    assert report.columns[field] == 1


@pytest.mark.parametrize("head", ["Estimated", "Estimated Time"])
def test_an_estimated_column_holding_dates_is_the_deadline(tmp_path, head):
    report = _read(tmp_path, ["Task", "Owner", head, "Status"], [_name, _owner, _due, lambda i: "In progress"])
    assert report.columns["deadline"] == 2 and report.tasks[0].explicit_due == D(2026, 9, 1)


def test_an_estimated_column_of_hours_stays_a_duration(tmp_path):
    report = _read(tmp_path, ["Task", "Owner", "Due", "Estimated Time"], [_name, _owner, _due, lambda i: 4.0])
    assert report.columns["duration"] == 3


def test_an_instruction_after_the_headers_words_supplies_no_field(tmp_path):
    head = ["任务内容\n请在开始日期前填写完成,完成后改状态", "负责人", "截止日期：如延期请在备注说明原因", "状态"]
    report = _read(tmp_path, head, [_name, _owner, _due, lambda i: "进行中"])
    assert (report.columns["task"], report.columns["deadline"], report.columns["status"]) == (0, 2, 3)
    assert "start" not in report.columns and "notes" not in report.columns


def test_a_legend_in_a_merged_headers_second_cell_supplies_no_field(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for c, h in enumerate(["任务", "负责人", "截止日期", "状态"], 1):
        ws.cell(1, c, h)
    for c in range(1, 4):
        ws.merge_cells(start_row=1, start_column=c, end_row=2, end_column=c)
    ws.cell(2, 4, "未开始/进行中/已完成")
    for i in range(6):
        ws.append([NAMES[i], PEOPLE[i], D(2026, 9, 1 + i), "进行中"])
    wb.save(tmp_path / "m.xlsx")
    report = api.validate(tmp_path / "m.xlsx", today=TODAY)
    assert report.columns["status"] == 3 and "start" not in report.columns and len(report.tasks) == 6
    status = next(c for c in report.understanding.columns if c.column == 3)
    assert "进行中" not in status.header


def test_the_owner_column_holds_short_names_that_repeat(tmp_path):
    sentences = [f"Owner to confirm the venue booking with the mall, step {i}" for i in range(6)]
    report = _read(tmp_path, ["Task", "Owner", "Assignee", "Due date"],
                   [_name, lambda i: sentences[i], _owner, _due])
    assert report.columns["owner"] == 2 and report.tasks[0].owner == "张三"


def test_a_mapping_may_name_a_header_as_written_with_its_instruction(tmp_path):
    from sheetsync.model import ColumnMapping

    head = ["任务内容\n请在开始日期前填写完成,完成后改状态", "负责人", "截止日期", "状态", "备用"]
    path_report = _read(tmp_path, head, [_name, _owner, _due, lambda i: "进行中", _name])
    assert path_report.columns["task"] == 0
    mapped = api.validate(tmp_path / "plan.xlsx", today=TODAY, mapping=ColumnMapping(columns={"task": head[0]}))
    assert mapped.columns["task"] == 0 and mapped.understanding.mapping is not None
