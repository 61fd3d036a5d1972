"""Real .xlsx trackers for tests, written with openpyxl the way people lay them out: a merged title row
above the header, date cells next to date text, a Campaign, People and Holidays sheet."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from sheetsync.engine.schema import header

ZH_SIDE = {"campaign": "活动信息", "people": "人员", "holidays": "节假日",
           "keys": {"name": "名称", "launch": "上线日期", "end": "结束日期", "owner": "负责人", "recipients": "收件人",
                    "timezone": "时区", "calendar": "日历", "review_sla_hours": "审核时限", "due_soon_days": "临期天数"},
           "people_head": ("姓名", "邮箱", "部门"), "holiday_head": ("日期", "类型", "说明")}
EN_SIDE = {"campaign": "Campaign", "people": "People", "holidays": "Holidays",
           "keys": {"name": "Name", "launch": "Launch", "end": "End", "owner": "Owner", "recipients": "Recipients",
                    "timezone": "Timezone", "calendar": "Calendar", "review_sla_hours": "Review SLA hours",
                    "due_soon_days": "Due soon days"},
           "people_head": ("Name", "Email", "Department"), "holiday_head": ("Date", "Type", "Note")}

DEFAULT_FIELDS = ("id", "stage", "task", "owner", "department", "reviewer", "depends_on", "time_point",
                  "duration", "requested", "deadline", "status", "submitted", "reviewed")


def make_tracker(path: Path, tasks: list[dict], *, lang: str = "zh", fields=DEFAULT_FIELDS,
                 campaign: dict | None = None, people: list[tuple] | None = None,
                 holidays: list[tuple] | None = None, title: str | None = "活动任务跟踪表",
                 sheet_name: str | None = None, headers: dict | None = None, extra_sheets=()) -> Path:
    """tasks: dicts keyed by field name; values are written as given (str, date, datetime, number)."""
    wb = openpyxl.Workbook()
    for name in extra_sheets:  # sheets before the task sheet, e.g. a cover page
        wb.create_sheet(name)
    ws = wb.active if not extra_sheets else wb.create_sheet()
    if extra_sheets:
        wb.move_sheet(ws, offset=-(len(wb.sheetnames) - 1 - len(extra_sheets)))
    ws.title = sheet_name or ("任务" if lang == "zh" else "Tasks")
    start = 1
    if title:
        ws.cell(1, 1, title)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(fields))
        start = 3
    for c, fld in enumerate(fields, 1):
        ws.cell(start, c, (headers or {}).get(fld) or header(fld, lang))
    for r, task in enumerate(tasks, start + 1):
        for c, fld in enumerate(fields, 1):
            if fld in task and task[fld] is not None:
                cell = ws.cell(r, c, task[fld])
                if isinstance(task[fld], str) and task[fld].startswith("="):
                    cell.data_type = "s"
                if isinstance(task[fld], dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(task[fld], dt.date):
                    cell.number_format = "yyyy-mm-dd"
    side = ZH_SIDE if lang == "zh" else EN_SIDE
    if campaign is not None:
        cs = wb.create_sheet(side["campaign"])
        for r, (key, value) in enumerate(campaign.items(), 1):
            cs.cell(r, 1, side["keys"].get(key, key))
            cell = cs.cell(r, 2, value)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    if people is not None:
        ps = wb.create_sheet(side["people"])
        ps.append(side["people_head"])
        for p in people:
            ps.append(list(p))
    if holidays is not None:
        hs = wb.create_sheet(side["holidays"])
        hs.append(side["holiday_head"])
        for h in holidays:
            hs.append(list(h))
    wb.save(path)
    return Path(path)
