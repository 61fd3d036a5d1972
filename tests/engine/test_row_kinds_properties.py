"""Property: rows that are not tasks change nothing. A clean tracker with totals, sections, blank slots, helper
rows, repeated headers, wrapped notes, a legend and a note block inserted at random places has exactly the
original tasks and the original findings."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheetsync.engine import analyse
from sheetsync.model import SheetData, WorkbookData

TODAY = dt.date(2026, 9, 21)
HEAD = ["编号", "任务", "负责人", "开始日期", "截止日期", "状态", "工时", "备注"]
NAMES = ["写活动方案", "设计海报", "开发预约页面", "测试小程序", "活动上线", "效果复盘", "印刷物料下单", "新媒体排期",
         "门店培训", "数据汇总", "客服话术", "预算审批"]
OWNERS = ["张三", "李四", "王五", None]
STATUSES = ["未开始", "进行中", "已完成", "待审核", None]
SECTIONS = ["策划阶段", "执行阶段", "第二部分", "Phase 2"]


@st.composite
def trackers(draw):
    n = draw(st.integers(3, 10))
    tasks = []
    for i in range(n):
        start = dt.date(2026, 9, 1) + dt.timedelta(days=draw(st.integers(0, 30)))
        tasks.append([f"T{i + 1}", NAMES[i], draw(st.sampled_from(OWNERS)), start,
                      start + dt.timedelta(days=draw(st.integers(1, 10))), draw(st.sampled_from(STATUSES)),
                      float(draw(st.integers(1, 8))), None])
    return tasks


def _noise(draw, tasks):
    """The tracker with rows that are not tasks inserted, and the merges they need."""
    rows: list = []
    merges: list = []
    if draw(st.booleans()):
        rows.append([None, None, None, "YYYY-MM-DD", None, "未开始/进行中/已完成", None, "高/中/低"])
    hours = 0.0
    counted = 0
    for k, task in enumerate(tasks):
        kind = draw(st.sampled_from(["none", "none", "section", "merged-section", "blank", "placeholder", "total",
                                     "sum", "helper", "header", "wrapped"]))
        if kind == "section":
            rows.append([None, draw(st.sampled_from(SECTIONS)), None, None, None, None, None, None])
        elif kind == "merged-section":
            rows.append([draw(st.sampled_from(SECTIONS))] + [None] * 7)
            merges.append(len(rows) - 1)
        elif kind == "blank":
            rows.append([f"T{len(tasks) + k + 1}"] + [None] * 7)
        elif kind == "placeholder":
            rows.append([None, f"任务 {k + 1}", None, None, None, "未开始", None, None])
        elif kind == "total" and counted:
            rows.append(["合计", f"共 {counted} 项", None, None, None, None, hours, None])
        elif kind == "sum" and counted >= 2:
            rows.append([None] * 6 + [hours, None])
        elif kind == "helper":
            rows.append([None] * 6 + [0.8, None])
        elif kind == "header":
            rows.append(list(HEAD))
        rows.append(list(task))
        if kind == "wrapped":  # the task's note going on in the row below
            rows.append([None] * 7 + ["接上行:物料需提前一周下单"])
        hours += task[6]
        counted += 1
    if draw(st.booleans()):
        rows += [[None] * 8, ["注:1. 每周五更新"] + [None] * 7, ["2. 完成后填写实际日期"] + [None] * 7]
    return rows, merges


def _read(rows, merged_rows=()):
    header = 1  # a title above the header
    sheet_rows = [["活动任务跟踪表"] + [None] * 7, list(HEAD)] + rows
    merged = [(0, 0, 0, 7)] + [(header + 1 + r, 0, header + 1 + r, 7) for r in merged_rows]
    return analyse(WorkbookData("mem", [SheetData("任务", sheet_rows, merged)]), TODAY)


def _tasks(report):
    return [(t.id, t.task, t.owner, t.status, t.explicit_due, t.start) for t in report.tasks]


def _findings(report):
    key_of = {t.row: t.id for t in report.tasks}
    return Counter((f.code, key_of.get(f.row, f.task_id), f.column, f.severity) for f in report.findings)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tasks=trackers(), data=st.data())
def test_rows_that_are_not_tasks_change_neither_tasks_nor_findings(tasks, data):
    clean = _read([list(t) for t in tasks])
    rows, merges = _noise(data.draw, tasks)
    noisy = _read(rows, merges)
    assert _tasks(noisy) == _tasks(clean)
    assert _findings(noisy) == _findings(clean)
    inserted = len(rows) - len(tasks)
    assert sum(len(v) for v in noisy.understanding.rows.values()) == inserted - (1 if rows and rows[-3:-2] == [[None] * 8] else 0)
