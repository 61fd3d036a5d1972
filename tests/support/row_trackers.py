"""Workbooks shaped like the rows of real trackers (row patterns seen in real trackers, reproduced
here so the tests need nothing outside the repository): totals with several cells, week subtotals, summary
rows over 1.1 / 1.2, phase rows, blank slots, unticked boxes, legends, helper rows, note blocks, repeated
headers, plan/actual pairs, task cells merged over detail rows, wrapped descriptions.

Each shape is a list of rows written under one header row; `kinds` says what the rows that are not tasks are
(1-based sheet rows) and `tasks` the rows that are. `build(shape, path)` writes the .xlsx with openpyxl."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

D = dt.date
ZH_HEAD = ["编号", "任务", "负责人", "开始日期", "截止日期", "状态", "工时", "备注"]
EN_HEAD = ["ID", "Task", "Owner", "Start", "Due", "Status", "Hours", "Notes"]


@dataclass
class RowShape:
    key: str
    head: list
    rows: list  # rows under the header (None for an empty row)
    kinds: dict = field(default_factory=dict)  # kind -> 1-based rows that are not tasks
    tasks: list = field(default_factory=list)  # 1-based rows read as tasks
    merges: list = field(default_factory=list)  # A1-style ranges
    groups: dict = field(default_factory=dict)  # task row -> its group label


def _zh(i, name, owner="张三", start=None, due=None, status="进行中", hours=2.0, note=None):
    start = start or D(2026, 9, 1) + dt.timedelta(days=i)
    return [f"T{i}", name, owner, start, due or start + dt.timedelta(days=5), status, hours, note]


def _en(i, name, owner="Ann", start=None, due=None, status="In progress", hours=2.0, note=None):
    start = start or D(2026, 9, 1) + dt.timedelta(days=i)
    return [f"T{i}", name, owner, start, due or start + dt.timedelta(days=5), status, hours, note]


ZH_TASKS = ["写活动方案", "设计海报", "开发预约页面", "测试小程序", "活动上线", "效果复盘", "印刷物料下单", "新媒体排期", "数据汇总"]
EN_TASKS = ["Write the brief", "Design the poster", "Build the booking page", "Test the mini-program",
            "Launch the campaign", "Review the results", "Order printed material", "Plan the social posts"]

H = 2  # the header row (a title above it)


def _rows(first, n):
    return list(range(first, first + n))


SHAPES = [
    # a total whose label is not alone: 合计 | 共 9 项 | … | 完成 2 项
    RowShape("total-cells", ZH_HEAD,
             [_zh(i + 1, ZH_TASKS[i], status="已完成" if i < 2 else "进行中") for i in range(9)]
             + [["合计", "共 9 项", None, None, None, "完成 2 项", 18.0, None]],
             kinds={"total": [12]}, tasks=_rows(3, 9)),
    # Total | | … | 34 with no label in the task column; a sum equal to the block above without any label
    RowShape("total-en", EN_HEAD,
             [_en(i + 1, EN_TASKS[i], hours=float(i + 3)) for i in range(4)]
             + [["Total", None, None, None, None, None, 18.0, None], [None, None, None, None, None, None, 18.0, None]],
             kinds={"total": [7, 8]}, tasks=_rows(3, 4)),
    # a week subtotal after each block of 4 tasks
    RowShape("week-subtotal", EN_HEAD,
             [_en(i + 1, EN_TASKS[i], hours=3.0) for i in range(4)]
             + [[None, "Week 1 subtotal", None, None, None, None, 12.0, None]]
             + [_en(i + 5, EN_TASKS[i + 4], hours=1.5) for i in range(4)]
             + [[None, "Week 2 subtotal", None, None, None, None, 6.0, None]],
             kinds={"total": [7, 12]}, tasks=_rows(3, 4) + _rows(8, 4)),
    # summary rows of a work breakdown: 1 over 1.1 and 1.2 (they carry an owner and dates of their own)
    RowShape("parents", EN_HEAD,
             [["1", "Planning", "Ann", D(2026, 9, 1), D(2026, 9, 20), "In progress", 10.0, None],
              ["1.1", "Write the brief", "Ann", D(2026, 9, 1), D(2026, 9, 5), "Completed", 4.0, None],
              ["1.2", "Approve the budget", "Bob", D(2026, 9, 6), D(2026, 9, 20), "In progress", 6.0, None],
              ["2", "Build", "Cat", D(2026, 9, 21), D(2026, 10, 10), "Not started", 8.0, None],
              ["2.1", "Build the page", "Cat", D(2026, 9, 21), D(2026, 10, 10), "Not started", 8.0, None]],
             kinds={"group": [3, 6]}, tasks=[4, 5, 7], groups={4: "Planning", 5: "Planning", 7: "Build"}),
    # the same breakdown with its ids typed as numbers (1, 1.1, 1.2, 2, 2.1)
    RowShape("parents-numbers", EN_HEAD,
             [[1, "Planning", "Ann", D(2026, 9, 1), D(2026, 9, 20), "In progress", 10.0, None],
              [1.1, "Write the brief", "Ann", D(2026, 9, 1), D(2026, 9, 5), "Completed", 4.0, None],
              [1.2, "Approve the budget", "Bob", D(2026, 9, 6), D(2026, 9, 20), "In progress", 6.0, None],
              [2, "Build", "Cat", D(2026, 9, 21), D(2026, 10, 10), "Not started", 8.0, None],
              [2.1, "Build the page", "Cat", D(2026, 9, 21), D(2026, 10, 10), "Not started", 8.0, None]],
             kinds={"group": [3, 6]}, tasks=[4, 5, 7], groups={4: "Planning", 5: "Planning", 7: "Build"}),
    # phase rows: a label alone in the first column, and one merged across the row
    RowShape("phases", ZH_HEAD,
             [["策划阶段", None, None, None, None, None, None, None]]
             + [_zh(i + 1, ZH_TASKS[i]) for i in range(2)]
             + [["执行阶段", None, None, None, None, None, None, None]]
             + [_zh(i + 3, ZH_TASKS[i + 2]) for i in range(2)],
             kinds={"group": [3, 6]}, tasks=[4, 5, 7, 8], merges=["A6:H6"],
             groups={4: "策划阶段", 5: "策划阶段", 7: "执行阶段", 8: "执行阶段"}),
    # pre-numbered blank slots and a template's placeholder names
    RowShape("blank-slots", ZH_HEAD,
             [_zh(i + 1, ZH_TASKS[i]) for i in range(3)]
             + [["T4", None, None, None, None, None, None, None], [5, None, None, None, None, None, None, None],
                ["T6", "任务 6", None, None, None, "未开始", None, None], [None, "TBD", None, None, None, None, None, None]],
             kinds={"blank": [6, 7, 8, 9]}, tasks=_rows(3, 3)),
    # hundreds of rows holding only an unticked box
    RowShape("checkboxes", ["Done", "Task", "Owner", "Due"],
             [[True, EN_TASKS[i], "Ann", D(2026, 9, 10 + i)] for i in range(3)] + [[False, None, None, None]] * 300,
             kinds={"checkbox": _rows(6, 300)}, tasks=_rows(3, 3)),
    # a legend right under the header lists the allowed values
    RowShape("legend", ZH_HEAD,
             [[None, "(填写任务名称)", None, "YYYY-MM-DD", None, "未开始/进行中/已完成", None, "高/中/低"]]
             + [_zh(i + 1, ZH_TASKS[i]) for i in range(3)],
             kinds={"legend": [3]}, tasks=_rows(4, 3)),
    # a helper row holding one constant used by formulas elsewhere
    RowShape("helper", EN_HEAD,
             [_en(i + 1, EN_TASKS[i]) for i in range(3)] + [[None, None, None, None, None, None, 0.8, None]]
             + [_en(4, EN_TASKS[3])],
             kinds={"helper": [6]}, tasks=[3, 4, 5, 7]),
    # a note block after a blank row
    RowShape("notes", ZH_HEAD,
             [_zh(i + 1, ZH_TASKS[i]) for i in range(3)] + [None]
             + [["注:1. 每周五更新", None, None, None, None, None, None, None],
                ["2. 完成后填写实际日期", None, None, None, None, None, None, None]],
             kinds={"note": [7, 8]}, tasks=_rows(3, 3)),
    # the header again before each week's block
    RowShape("repeated-header", EN_HEAD,
             [_en(i + 1, EN_TASKS[i]) for i in range(3)] + [list(EN_HEAD)] + [_en(i + 4, EN_TASKS[i + 3]) for i in range(3)],
             kinds={"header": [6]}, tasks=_rows(3, 3) + _rows(7, 3)),
    # a plan row and an actual row per task
    RowShape("plan-actual", ["编号", "任务", "类型", "开始日期", "截止日期", "负责人"],
             [["T1", "海报", "计划", D(2026, 10, 1), D(2026, 10, 5), "张三"],
              [None, None, "实际", D(2026, 10, 2), D(2026, 10, 9), None],
              ["T2", "H5 页面", "计划", D(2026, 10, 6), D(2026, 10, 20), "李四"],
              [None, None, "实际", D(2026, 10, 7), None, None]],
             kinds={"actual": [4, 6]}, tasks=[3, 5]),
    # a task cell merged down over three rows of sub-items
    RowShape("merged-task", ["任务", "子项", "负责人", "截止日期", "状态"],
             [["海报设计", "主视觉", "张三", D(2026, 10, 5), "进行中"],
              [None, "尺寸适配", "张三", D(2026, 10, 6), "未开始"],
              [None, "印刷稿", "李四", D(2026, 10, 8), "未开始"],
              ["H5 页面", "开发", "王五", D(2026, 10, 10), "进行中"]],
             kinds={"detail": [4, 5]}, tasks=[3, 6], merges=["A3:A5"]),
    # a description wrapped onto the next row
    RowShape("wrapped", ["ID", "Task", "Description", "Owner", "Due", "Status"],
             [["T1", "Design the poster", "Main visual, in the brand colours and", "Ann", D(2026, 10, 5), "In progress"],
              [None, None, "sized for the metro screens", None, None, None],
              ["T2", "Build the page", "Booking form", "Bob", D(2026, 10, 9), "Not started"]],
             kinds={"continuation": [4]}, tasks=[3, 5]),
]


def build(shape: RowShape, path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务" if any("\u4e00" <= ch <= "\u9fff" for ch in "".join(shape.head)) else "Tasks"
    ws.cell(1, 1, "活动任务跟踪表" if ws.title == "任务" else "Campaign plan")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(shape.head))
    for c, text in enumerate(shape.head, 1):
        ws.cell(H, c, text)
    for r, row in enumerate(shape.rows, H + 1):
        for c, v in enumerate(row or [], 1):
            if v is None:
                continue
            cell = ws.cell(r, c, v)
            if isinstance(v, dt.date):
                cell.number_format = "yyyy-mm-dd"
    for rng in shape.merges:
        ws.merge_cells(rng)
    wb.save(path)
    return Path(path)
