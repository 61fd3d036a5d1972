"""Real .xlsx trackers for the chat, notice and metric tests: tracker_factory's layout plus the optional
People chat columns, a FAQ sheet and a Metrics sheet, written with openpyxl."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from support.tracker_factory import make_tracker

LAUNCH = dt.date(2026, 10, 26)  # a Monday; T-3wd is Wednesday 2026-10-21
TASKS_ZH = [
    {"id": "T1", "task": "海报设计", "owner": "李雷", "department": "市场部", "deadline": dt.date(2026, 10, 20),
     "status": "进行中"},
    {"id": "T2", "task": "预约小程序", "owner": "张伟", "department": "IT部", "deadline": dt.date(2026, 10, 22),
     "status": "未开始"},
    {"id": "T3", "task": "门店话术", "owner": "陈静", "department": "门店", "deadline": dt.date(2026, 10, 23),
     "status": "未开始"},
]
PEOPLE_ZH = [("王芳", "wang@example.com", "运营部", "13700137000", "wangfang"),
             ("李雷", "li@example.com", "市场部", "13800138000", "lilei"),
             ("张伟", "zhang@example.com", "IT部", "13900139000", "zhangwei"),
             ("陈静", "chen@example.com", "门店", "", "")]


def chat_tracker(path: Path, *, launch: dt.date = LAUNCH, tasks=None, faq=True, metrics=None, lang="zh",
                 metrics_sheet="指标") -> Path:
    make_tracker(path, tasks or TASKS_ZH, lang=lang,
                 campaign={"name": "夏日清凉服务季", "launch": launch, "end": launch + dt.timedelta(days=13),
                           "owner": "王芳", "目标": "2000 个预约", "recipients": "team@example.com"})
    wb = openpyxl.load_workbook(path)
    ps = wb.create_sheet("人员")
    ps.append(["姓名", "邮箱", "部门", "手机", "钉钉"])
    for p in PEOPLE_ZH:
        ps.append(list(p))
    if faq:
        fs = wb.create_sheet("常见问题")
        fs.append(["问题", "回答"])
        fs.append(["活动期间库存不足怎么办?", "联系运营部王芳调拨。"])
    if metrics:
        ms = wb.create_sheet(metrics_sheet)
        for row in metrics:
            ms.append(list(row))
    wb.save(path)
    return Path(path)


def set_launch(path: Path, launch: dt.date) -> None:
    """A person moves the launch date in the Campaign sheet."""
    wb = openpyxl.load_workbook(path)
    ws = wb["活动信息"]
    for row in ws.iter_rows():
        if row[0].value == "上线日期":
            row[1].value = launch
            row[1].number_format = "yyyy-mm-dd"
    wb.save(path)
