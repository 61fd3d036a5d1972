"""Which region is the task table, on workbooks shaped like real ones: a tiny tidy table on another sheet
does not beat the main plan; spacer columns (merged, or one empty column) inside a header do not split the
table; a transposed sheet (fields down column A, tasks across) is refused with that reason."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from sheetsync import api
from sheetsync.model import SheetsyncError

TODAY = dt.date(2026, 9, 21)
D = dt.date
TASKS = ["写活动方案", "设计海报", "开发预约页面", "测试小程序", "活动上线", "效果复盘", "印刷物料下单", "新媒体排期",
         "门店培训", "客服话术", "预算审批", "场地确认", "嘉宾邀请", "媒体投放", "物料验收", "活动彩排"]


def _save(wb, tmp_path, name="t.xlsx"):
    path = tmp_path / name
    wb.save(path)
    return path


def _plan(ws, head, first_row=1, n=16, cols=None):
    for c, h in enumerate(head, 1):
        if h is not None:
            ws.cell(first_row, c, h)
    for i in range(n):
        values = {"task": TASKS[i % len(TASKS)], "owner": ["张三", "李四", "王五"][i % 3],
                  "due": D(2026, 9, 1) + dt.timedelta(days=2 * i), "status": ["未开始", "进行中", "已完成"][i % 3],
                  "id": f"T{i + 1}"}
        for fld, c in (cols or {}).items():
            cell = ws.cell(first_row + 1 + i, c, values[fld])
            if isinstance(values[fld], dt.date):
                cell.number_format = "yyyy-mm-dd"


def test_a_tiny_tidy_table_on_another_sheet_does_not_beat_the_main_plan(tmp_path):
    wb = openpyxl.Workbook()
    tiny = wb.active
    tiny.title = "Summary"
    tiny.append(["Task", "Owner", "Due date", "Status"])
    tiny.append(["Kick-off", "Ann", D(2026, 9, 1), "Done"])
    tiny.append(["Wrap-up", "Bob", D(2026, 12, 1), "Not started"])
    plan = wb.create_sheet("项目计划")
    _plan(plan, ["序号", "工作内容", "责任人", "完成时间", "进展"], cols={"id": 1, "task": 2, "owner": 3, "due": 4,
                                                                   "status": 5})
    report = api.validate(_save(wb, tmp_path), today=TODAY)
    assert report.sheet == "项目计划" and len(report.tasks) == 16


@pytest.mark.parametrize("spacer", ["merged", "empty-column"])
def test_spacer_columns_inside_the_header_do_not_split_the_table(tmp_path, spacer):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务"
    head = ["编号", "任务", None, None, "负责人", "截止日期", "状态"]
    _plan(ws, head, cols={"id": 1, "task": 2, "owner": 5, "due": 6, "status": 7})
    if spacer == "merged":
        ws.merge_cells("C1:D1")
    else:
        ws.delete_cols(4)
        for r in range(2, 18):
            ws.cell(r, 3).value = None
    report = api.validate(_save(wb, tmp_path), today=TODAY)
    assert {"task", "owner", "deadline", "status", "id"} <= set(report.columns)
    assert len(report.tasks) == 16 and all(t.owner for t in report.tasks)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_transposed_sheet_is_refused_as_transposed(tmp_path, lang):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "计划" if lang == "zh" else "Plan"
    fields = (["任务", "负责人", "开始日期", "截止日期", "状态"] if lang == "zh"
              else ["Task", "Owner", "Start", "Due date", "Status"])
    for r, name in enumerate(fields, 1):
        ws.cell(r, 1, name)
    for k in range(6):
        c = 2 + k
        ws.cell(1, c, TASKS[k])
        ws.cell(2, c, ["张三", "李四"][k % 2])
        ws.cell(3, c, D(2026, 9, 1) + dt.timedelta(days=3 * k)).number_format = "yyyy-mm-dd"
        ws.cell(4, c, D(2026, 9, 4) + dt.timedelta(days=3 * k)).number_format = "yyyy-mm-dd"
        ws.cell(5, c, ["未开始", "进行中"][k % 2])
    with pytest.raises(SheetsyncError) as err:
        api.validate(_save(wb, tmp_path), today=TODAY)
    e = err.value
    assert e.code == "not-row-per-task" and ws.title in e.en and ws.title in e.zh
    assert "down column A" in e.en and "A 列" in e.zh
    assert "Gantt" not in e.en and "甘特" not in e.zh and "person" not in e.en
