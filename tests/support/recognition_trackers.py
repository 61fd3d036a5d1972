"""Workbooks shaped like 27 real trackers seen in public repositories (their facts
reproduced here so the tests need nothing outside the repository): the header texts as people wrote them,
title rows above, merges, multi-row headers, date grids, section and totals rows, several tables, typed
values. Each column carries the field a person reading the tracker would say it holds ('other': none).

`build(spec, path)` writes the .xlsx with openpyxl; the tests read it with the real reader and engine."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.utils import column_index_from_string as col_no
from openpyxl.utils import get_column_letter as letter


@dataclass
class Spec:
    key: str
    lang: str  # en | zh | zh-tw
    sheet: str
    header_row: int  # 1-based (the last row of a multi-row header)
    columns: list[tuple[str, str, str]]  # (column letter, header text, field)
    grid: tuple[str, str] | None = None  # first, last column of a date/week grid (one item: must be ignored)
    grid_cells: object = None  # callable(i) -> header value of the i-th grid column
    rows: int = 6
    expect: str = "table"  # table | not-row-per-task
    build: object = None  # callable(ws, spec) for the special parts of the layout
    values: dict = field(default_factory=dict)  # field -> list of values to cycle through
    above: list[tuple[str, str]] = field(default_factory=list)  # (merged range or cell, text) above the header


D = dt.date
_NAMES = {"en": ["Mike", "Sammy", "Alex", "Peta", "Deanna", "Gilly"], "zh": ["张三", "李四", "王五", "赵六", "杨海波", "贾建西"],
          "zh-tw": ["林小明", "陳怡君", "王大同", "張美玲", "李志豪", "黃淑芬"]}
_TASKS = {"en": ["Write the brief", "Design the poster", "Build the booking page", "Test the mini-program",
                 "Launch the campaign", "Review the results", "Order printed material", "Plan the social posts"],
          "zh": ["写活动方案", "设计海报", "开发预约页面", "测试小程序", "活动上线", "效果复盘", "印刷物料下单", "新媒体排期"],
          "zh-tw": ["撰寫企劃書", "設計海報", "開發預約頁面", "測試小程式", "活動上線", "成效檢討", "印刷物料下單", "社群貼文排程"]}
_STATUS = {"en": ["Not Started", "In Progress", "Completed", "In Progress", "Not Started", "Completed"],
           "zh": ["未开始", "进行中", "已完成", "进行中", "未开始", "已完成"],
           "zh-tw": ["未開始", "進行中", "已完成", "進行中", "未開始", "已完成"]}


def sample(fld: str, lang: str, i: int, spec: Spec):
    """A value a person would type in that column on the i-th row."""
    if fld in spec.values:
        vs = spec.values[fld]
        return vs[i % len(vs)]
    base = D(2026, 9, 1) + dt.timedelta(days=3 * i)
    return {
        "id": f"T{i + 1}", "stage": ["Plan", "Build", "Launch"][i % 3] if lang == "en" else ["策划", "执行", "复盘"][i % 3],
        "task": _TASKS[lang][i % 8], "details": (f"Notes on step {i + 1}" if lang == "en" else f"第{i + 1}步的详细说明"),
        "owner": _NAMES[lang][i % 6], "department": ["Marketing", "IT"][i % 2] if lang == "en" else ["市场部", "IT部"][i % 2],
        "reviewer": _NAMES[lang][(i + 2) % 6], "depends_on": f"T{i}" if i else None, "time_point": base,
        "duration": float(i % 4 + 1), "requested": base - dt.timedelta(days=10), "start": base,
        "deadline": base + dt.timedelta(days=5), "done_date": base + dt.timedelta(days=4) if i % 3 == 2 else None,
        "status": _STATUS[lang][i % 6], "progress": [0, 0.5, 1, 0.25, 0, 1][i % 6], "submitted": None, "reviewed": None,
        "priority": ["High", "Medium", "Low"][i % 3] if lang == "en" else ["高", "中", "低"][i % 3],
        "link": f"https://example.com/doc/{i + 1}", "notes": ("see the brief" if lang == "en" else "见方案"),
        "other": ["alpha", "beta", "gamma", "delta"][i % 4],
    }[fld]


def build(spec: Spec, path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = spec.sheet
    for where, text in spec.above:
        first = where.split(":")[0]
        ws[first] = text
        if ":" in where:
            ws.merge_cells(where)
    for col, text, _ in spec.columns:
        if text:
            ws[f"{col}{spec.header_row}"] = text
    if spec.grid:
        a, b = col_no(spec.grid[0]), col_no(spec.grid[1])
        for k, c in enumerate(range(a, b + 1)):
            v = spec.grid_cells(k) if spec.grid_cells else D(2026, 9, 1) + dt.timedelta(days=k)
            if v is not None:
                cell = ws.cell(spec.header_row, c, v)
                if isinstance(v, dt.date):
                    cell.number_format = "m/d"
    lang = spec.lang
    for i in range(spec.rows):
        r = spec.header_row + 1 + i
        for col, _, fld in spec.columns:
            v = sample(fld, lang, i, spec)
            if v is not None:
                cell = ws[f"{col}{r}"]
                cell.value = v
                if isinstance(v, dt.date):
                    cell.number_format = "yyyy-mm-dd"
    if spec.build:
        spec.build(ws, spec)
    wb.save(path)
    return path


def _merge_header(ws, ranges):
    for rng, text in ranges:
        ws[rng.split(":")[0]] = text
        if ":" in rng:
            ws.merge_cells(rng)


# ---------------------------------------------------------------- the special parts of some layouts

def _t03(ws, spec):  # department section rows written in the DONE? column
    ws["B6"], ws["C6"], ws["D6"], ws["E6"], ws["F6"], ws["G6"], ws["H6"] = "ART DEPARTMENT", None, None, None, None, None, None


def _t04(ws, spec):  # three-row header: A4:A6 … H4:H6 merged down, Buffer only in F5, a PHASE/WEEK/day grid
    for col, text, _ in spec.columns:
        ws[f"{col}6"] = None
    for col, text, _ in spec.columns:
        if col == "F":
            ws["F5"] = text
            continue
        ws[f"{col}4"] = text
        ws.merge_cells(f"{col}4:{col}6")
    ws["I4"] = "PHASE ONE"
    ws.merge_cells("I4:R4")
    ws["S4"] = "PHASE TWO"
    ws.merge_cells("S4:AB4")
    for w in range(4):
        c0 = 9 + 5 * w
        ws.cell(5, c0, f"WEEK {w + 1}")
        ws.merge_cells(start_row=5, start_column=c0, end_row=5, end_column=c0 + 4)
        for k, day in enumerate("MTWRF"):
            ws.cell(6, c0 + k, day)
    ws["A7"] = "Phase 1: Planning"


def _t07(ws, spec):  # deliverable section rows merged A:B
    ws.insert_rows(2)
    ws["A2"] = "Team Charter"
    ws.merge_cells("A2:B2")


def _t09(ws, spec):  # tasks listed under each person; D:E merged per row
    for r in range(2, 2 + spec.rows):
        ws.merge_cells(f"D{r}:E{r}")


def _t12(ws, spec):  # 'Completed' written into the week cell when the task finished
    ws["B4"] = "Completed"
    ws["A5"] = "Part 1 - Plan"


def _t13(ws, spec):  # 7 date cells each merged over 2 columns; info rows above
    for k in range(7):
        c = 2 + 2 * k
        ws.cell(8, c, D(2020, 7, 25) + dt.timedelta(days=k))
        ws.cell(8, c + 1, None)
        ws.merge_cells(start_row=8, start_column=c, end_row=8, end_column=c + 1)
    for r, (k, v) in enumerate([("项目进度表", None), ("项目基本情况", None), ("项目名称", "小程序"), ("指导老师", "王老师"),
                                ("组员", None)], 1):
        ws.cell(r, 1, k)
        if v:
            ws.cell(r, 2, v)


def _t14(ws, spec):  # stacked version blocks: a merged title row above each repeated header
    ws["A1"] = "S8版本"
    ws.merge_cells("A1:G1")
    r = spec.header_row + spec.rows + 1
    ws.cell(r, 1, "S9版本")
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=7)
    for c, text in enumerate(["TAPD单", "资源状态", "预计时间", "状态说明", "提交分支", "迭代"], 1):
        ws.cell(r + 1, c, text)
    for i in range(3):
        ws.cell(r + 2 + i, 1, f"【需求】第二版功能{i + 1}\nhttps://tapd.example.com/{i}")
        ws.cell(r + 2 + i, 4, "测试中")


def _t16(ws, spec):  # staggered four-row header; labels merged across 3 columns; a day grid
    for col, _, _ in spec.columns:
        ws[f"{col}{spec.header_row}"] = None
    _merge_header(ws, [("B7", "No"), ("C7:E7", "Jira单号"), ("F7:R7", "标题"),
                       ("S4:X4", "研发责任人"), ("S5:U5", "开发"), ("V5:X5", "审查"),
                       ("Y4:AA4", "预计"), ("Y5:AA5", "工时"), ("Y6:AA6", "DAY"),
                       ("AB4:AD4", "实际"), ("AB5:AD5", "工时"), ("AB6:AD6", "DAY"),
                       ("AE4:AG4", "进度"), ("AE5:AG5", "%"),
                       ("AH4:AJ4", "超出"), ("AH5:AJ5", "工时"), ("AH6:AJ6", "DAY"),
                       ("AK4:AP4", "情况")])
    for k, c in enumerate(range(col_no("AQ"), col_no("BU") + 1)):
        ws.cell(5, c, k % 31 + 1)
        ws.cell(6, c, "六日一二三四五"[k % 7])
    ws["A1"], ws["B1"] = "项目名", "商城"
    ws["A2"], ws["B2"] = "项目版本", "5.0.4"


def _t17(ws, spec):  # phase x day matrix, then a merged remark row
    r = spec.header_row + spec.rows + 1
    ws.cell(r, 1, "备注：本周完成设计评审")
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=9)


def _t18(ws, spec):  # a colour legend above the table
    for r, t in enumerate(["状态图示", "将进行", "进行中", "已完成"], 1):
        ws.cell(r, 1, t)


def _t21(ws, spec):  # one column per department, each header merged over 3 columns
    for col in "ADGJ":
        c = col_no(col)
        ws.merge_cells(start_row=1, start_column=c, end_row=1, end_column=c + 2)


def _t22(ws, spec):  # a second table below: 下周工作内容
    ws.cell(9, 1, "下周工作内容")
    ws.merge_cells("A9:F9")
    ws.cell(10, 1, "工作内容")
    ws.cell(10, 2, "详情")
    ws.merge_cells("B10:C10")
    ws.cell(10, 4, "预计完成时间")
    for i in range(3):
        ws.cell(11 + i, 1, f"下周任务{i + 1}")
        ws.cell(11 + i, 2, "准备材料")
        ws.cell(11 + i, 4, D(2026, 9, 20 + i))


def _t23(ws, spec):  # a side note block next to the table
    ws["F4"] = "測試版連結"
    ws.merge_cells("F4:K6")


def _t24(ws, spec):  # two-row day grid; groups merged down column A
    for k, c in enumerate(range(3, 22)):
        ws.cell(1, c, float((19 + k) % 30 + 1))
        ws.cell(2, c, "三四五六日一二"[k % 7])
    ws.merge_cells("A3:A5")
    ws.merge_cells("A6:A8")


def _t25(ws, spec):  # merged month headers over 3 sub-columns; tasks merged over 2 rows
    for k in range(12):
        c = 2 + 3 * k
        ws.cell(3, c, "一二三四五六七八九十"[k] + "月" if k < 10 else ["十一月", "十二月"][k - 10])
        ws.merge_cells(start_row=3, start_column=c, end_row=3, end_column=c + 2)
    ws["AA1"], ws["AG1"], ws["B2"] = "預期進度", "實際進度", 2024


def _t26(ws, spec):
    ws.merge_cells("A1:L1")
    ws.merge_cells("A2:L2")


def _t27(ws, spec):  # 任務類型 over two category levels
    ws.merge_cells("C4:D4")


def _jira_headers():
    heads = ["Summary", "Issue key", "Issue id", "Issue Type", "Status", "Project key", "Project name", "Project type",
             "Project lead", "Project lead id", "Project description", "Priority", "Resolution", "Assignee",
             "Assignee Id", "Reporter", "Reporter Id", "Creator", "Creator Id", "Created", "Updated", "Last Viewed",
             "Resolved", "Due date", "Votes", "Description", "Environment", "Watchers", "Watchers Id",
             "Original estimate", "Remaining Estimate", "Time Spent", "Work Ratio", "Σ Original Estimate",
             "Σ Remaining Estimate", "Σ Time Spent", "Security Level", "Outward issue link (Blocks)", "Attachment",
             "Attachment", "Custom field (Actual end)", "Custom field (Actual start)", "Custom field (Affected services)",
             "Custom field (Change reason)", "Custom field (Change risk)", "Custom field (Change type)",
             "Custom field (Development)", "Custom field (Epic Color)", "Custom field (Epic Link)",
             "Custom field (Epic Name)", "Custom field (Epic Status)", "Custom field (Flagged)", "Custom field (Impact)",
             "Custom field (Issue color)", "Custom field (Rank)", "Custom field (Request Type)",
             "Custom field (Request language)", "Custom field (Request participants)", "Custom field (Responders)",
             "Satisfaction rating", "Sprint", "Custom field (Start date)", "Custom field (Story point estimate)",
             "Custom field (Target end)", "Custom field (Target start)", "Custom field (Team)",
             "Custom field (Time spent)", "Custom field (Time to first response)", "Custom field (Time to resolution)",
             "Custom field ([CHART] Date of First Response)", "Parent", "Parent summary", "Status Category"]
    fields = ["task", "id", "id", "other", "status", "other", "other", "other", "other", "other", "other", "priority",
              "other", "owner", "other", "requested", "other", "other", "other", "start", "other", "other", "done_date",
              "deadline", "other", "details", "other", "other", "other", "duration", "duration", "duration", "progress",
              "duration", "duration", "duration", "other", "depends_on", "link", "link", "done_date", "start", "other",
              "other", "other", "other", "other", "other", "stage", "other", "other", "other", "other", "other", "other",
              "other", "other", "other", "other", "other", "stage", "start", "other", "deadline", "start", "department",
              "duration", "other", "other", "other", "stage", "stage", "status"]
    assert len(heads) == len(fields) == 73
    return [(letter(i + 1), h, f) for i, (h, f) in enumerate(zip(heads, fields))]


def _cols(text: str) -> list[tuple[str, str, str]]:
    """'A|Date|time_point; B|Platform|stage' -> [(A, Date, time_point), (B, Platform, stage)]."""
    out = []
    for part in text.split(";"):
        col, head, fld = (p.strip() for p in part.split("|"))
        out.append((col, head, fld))
    return out


TRACKERS: list[Spec] = [
    Spec("T01", "en", "Content Calendar", 2, _cols("A|Date|time_point; B|Platform|stage; C|Content Type|other; "
                                                   "D|Caption|task; E|Hashtags|details; F|Status|status"),
         above=[("A1:F1", "Content Calendar")], values={"status": ["Draft"], "stage": ["Instagram", "TikTok"]}),
    Spec("T02", "en", "Sheet1", 1, _cols(
        "A|Defect ID|id; B|Test Case ID|other; C|TS ID|other; D|Defected in Cycle|stage; E|Build Sequence|other; "
        "F|Test Phase|stage; G|Detected In Release|stage; H|Detectd on Date|requested; I|Detected By|other; "
        "J|Assigned To|owner; K|Actual Fix Time(Hrs)|duration; L|Module/Functionality|stage; M|Closing Date|done_date; "
        "N|Description|details; O|Environment|other; P|Modified|other; Q|Priority|priority; R|Reason Code|other; "
        "S|Reproducible|other; T|Request Type|other; U|Severity|priority; V|Status|status; W|Summary|task"),
         values={"status": [None], "priority": ["1-Critical", "2-High", "3-Medium"], "id": ["D-1", "D-2", "D-3"]}),
    Spec("T03", "en", "Actions", 4, _cols("B|DONE?|status; C|TASK|task; D|IMPORTANCE|priority; E|OWNER|owner; "
                                          "F|STARTED|start; G|FINISHED|done_date; H|NOTES / DESCRIPTION|notes"),
         above=[("B1", "GAME BREAKDOWN TASK LIST"), ("B2", "Team Four")], build=_t03,
         values={"status": [True, False], "owner": [None, "Sammy"], "done_date": [D(2026, 9, 3), None]}),
    Spec("T04", "en", "Tasks and Timeline", 6, _cols(
        "A|Task|task; B|Notes|details; C|Start Date|start; D|Due Date|deadline; E|Duration|duration; F|Buffer|other; "
        "G|Task Owner|owner; H|Status|status"), grid=("I", "AB"), grid_cells=lambda k: None,
         above=[("A1:AC2", "Sauce & Spoon Project Plan"), ("A3:AC3", "Restaurant tablet rollout")], build=_t04,
         values={"duration": ["2-3days", "3 - 4 hours", "7 - 10 days"], "owner": ["Gilly & Alex", "Deanna / Peta"],
                 "status": [None], "start": [None], "deadline": [None]}),
    Spec("T05", "en", "DATA", 1, _cols(
        "A|#|id; B|Fiscal Year|other; C|SEMESTER|other; D|PLANNER BUCKET|stage; E|TASK|task; F|ASSIGNMENT TITLE|owner; "
        "G|AUDIENCE|other; H|START|start; I|END|deadline; J|PROGRESS|status"),
         values={"id": [1, 2, 3, 4, 5, 6], "other": [2026, "2026", "Fall", "nan"], "status": ["NOT STARTED", "COMPLETE", "IN PROGRESS"],
                 "owner": ["Marketing/ARH", "Dining/Catering"], "start": ["2024-03-01 (Friday)", "1900-12-30 (Sunday)"],
                 "deadline": ["2024-03-08 (Friday)", "2024-03-15 (Friday)"]}),
    Spec("T06", "en", "Jira", 1, _jira_headers(),
         values={"status": ["To Do"], "start": ["07/Sep/21 5:34 PM"], "deadline": ["10/Sep/21 5:34 PM"],
                 "id": ["RET-11", "RET-12"], "depends_on": ["RET-11"], "duration": [3600.0, 7200.0]}),
    Spec("T07", "en", "Sheet1", 1, _cols(
        "A|Task #|id; B|Task Name|task; C|Task Notes|details; D|Task Owner|owner; E|Effort (hours)|duration; "
        "F|Start (date)|start; G|Finish (date)|deadline; H|Dependencies|depends_on; I|Task Status|status"),
         build=_t07, values={"id": [1, 2, 3, 4, 5, 6], "depends_on": [None, 1, 2, "3, 4"], "status": ["Completed", "Not Started"]}),
    Spec("T08", "en", "content", 1, _cols("A|Keyword|other; B|Topic|task; C|Type|other; D|Status|status; "
                                          "E|PublishDate|deadline; F|Owner|owner; G|URL|link"),
         values={"status": ["IN PROGRESS", "OUTLINE READY", "RESEARCH", "PLANNED"], "deadline": ["2024-07-05", "2024-07-12"],
                 "owner": ["Writer"], "other": ["tiles dubai", "blog"]}),
    Spec("T09", "en", "Sheet1", 1, _cols("A|Nathan|owner; B|Charlie|owner; C|Dudley|owner; D|Huw|owner; E|Thomas|owner"),
         rows=4, expect="not-row-per-task", build=_t09,
         values={"owner": ["Level design", "Enemy AI", "Sound effects", "Menu screens"]}),
    Spec("T10", "en", "Plan1", 1, _cols("A|Task|task; B|Content|details; C|Start|start; D|End|deadline; E|Progression (%)|progress"),
         values={"task": ["1", "2", "3", "4", "5", "6"], "progress": [50, 100, 75, 0, 25]}),
    Spec("T11", "en", "trello", 1, _cols(
        "A|Card ID|id; B|Card Name|task; C|Card URL|link; D|Card Description|details; E|Labels|other; F|Members|owner; "
        "G|Due Date|deadline; H|Attachment Count|other; I|Attachment Links|link; J|Checklist Item Total Count|other; "
        "K|Checklist Item Completed Count|other; L|Vote Count|other; M|Comment Count|other; N|Last Activity Date|other; "
        "O|List ID|other; P|List Name|status; Q|Board ID|other; R|Board Name|other; S|Archived|other; T|Start Date|start; "
        "U|Due Complete|status"),
         values={"status": ["FALSE", "TRUE", "C?n làm", "?ã hoàng thành"], "owner": ["mauphuong, thongkuninedoan"],
                 "deadline": ["2024-10-29T16:59:00.000Z"], "other": ["0", "1", "x"], "id": ["5f1a2b", "5f1a2c"]}),
    Spec("T12", "en", "Sheet1", 3, _cols("A|Start Date:|task; W|Resources|notes"), grid=("B", "V"),
         grid_cells=lambda k: f"Wk {k + 1} {(21 + 7 * k) % 30 + 1}/{5 + k // 4:02d}", above=[("A1:H2", "Project Plan")],
         expect="not-row-per-task", build=_t12, values={"notes": ["laptop", None]}),
    Spec("T13", "zh", "Sheet1", 8, _cols("A|时间/功能|task"), grid=("B", "N"), grid_cells=lambda k: None,
         build=_t13),
    Spec("T14", "zh", "工作计划", 2, _cols("A|TAPD单|task; B|前置条件|other; C|预计时间|time_point; D|状态说明|status; "
                                          "E|提交分支|other; F|迭代|stage; G|发布系统|link"),
         build=_t14, values={"task": [f"【需求】功能{i}\nhttps://tapd.example.com/{i}" for i in range(6)],
                             "other": ["已交付", "未交付"], "time_point": ["2024/10/12-2024/10/14\n2024/10/18-2024/10/21"],
                             "status": ["测试完成", "测试中", "验收中", "未开始", "进行中"], "stage": ["S8"], "link": ["蓝盾"]}),
    Spec("T15", "zh", "Sheet1", 3, _cols("A|组员|owner; B|任务|task; C|进度|progress; D|实现功能描述|details; E|疑难杂症|notes; "
                                         "F|预计计划|other; G|任务状态|status; H|日期|time_point; I|备注|notes"),
         above=[("A1:I2", "项目四组进度计划")],
         values={"progress": ["完成了登录页", "接口联调一半"], "status": ["ongoing"], "time_point": [D(2018, 11, 9)]}),
    Spec("T16", "zh", "Sheet2", 7, _cols("B|No|id; C|Jira单号|link; F|标题|task; S|研发责任人 / 开发|owner; V|审查|reviewer; "
                                         "Y|预计 / 工时 / DAY|duration; AB|实际 / 工时 / DAY|duration; AE|进度 / %|progress; "
                                         "AH|超出 / 工时 / DAY|other; AK|情况|status"),
         grid=("AQ", "BU"), grid_cells=lambda k: None, build=_t16,
         values={"id": [1, 2, 3, 4, 5, 6], "link": ["MALL-101", "MALL-102"], "owner": [None], "reviewer": [None],
                 "status": ["未开始", 1]}),
    Spec("T17", "zh", "甘特图", 1, _cols("A|优先级|priority; B|任务|task; I|需求详述|details"), grid=("C", "H"),
         grid_cells=lambda k: D(2018, 10, 9) + dt.timedelta(days=k), build=_t17),
    Spec("T18", "zh", "项目进度", 6, _cols("B|序号|id; C|项目进度|task; D|开始日期|start; E|结束日期|deadline; F|详情|details; G|状态|status"),
         build=_t18, values={"id": [1, 2, 3, 4, 5, 6]}),
    Spec("T19", "zh", "Sheet1", 1, _cols("A|项目经理|task; B|项目经理助理|task; C|开发计划|task; D|需求规格|task; E|概要设计|task; "
                                         "F|编码规范|task; G|详细设计|task; H|前端|task; I|后台|task; J|审查、测试|task"),
         rows=3, expect="not-row-per-task", values={"task": ["张三", "李四", "王五"]}),
    Spec("T20", "zh", "201703", 1, _cols("A||id; B|项目|task; C|负责人|owner; D|截止时间|deadline; E|进度|progress; F|优先级|priority"),
         values={"id": [1, 2, 3, 4, 5, 6, 7], "owner": ["David／Allen", "Allen／David"], "deadline": ["3月24", "3月31号", "4月28", "持续"],
                 "progress": [0.5, 0.2, "持续", 0.1, 0], "priority": ["重要／紧急"]}, rows=7),
    Spec("T21", "zh", "第二周", 1, _cols("A|策划|department; D|程序|department; G|美术|department; J|UI|department"),
         expect="not-row-per-task", build=_t21, values={"department": ["1.写剧情", "2.关卡设计", "3.数值表"]}),
    Spec("T22", "zh", "周报", 2, _cols("A|日期|time_point; B|工作内容|task; C|详情|details; D|开始时间|start; E|完成情况|status; F|进度|progress"),
         above=[("A1:F1", "本周工作内容")], build=_t22,
         values={"time_point": [43962, 43963], "start": [43962, 43963], "status": ["已完成", "进行中"], "progress": [1, "/", 0.25, 0.5]}),
    Spec("T23", "zh-tw", "工作表1", 1, _cols("A|目標|task; B|狀態|progress; C|原因|notes; D|相關連結|link"), build=_t23,
         values={"progress": [0, 1, 0.5]}),
    Spec("T24", "zh-tw", "甘特圖", 2, _cols("A||stage; B||task"), grid=("C", "U"), grid_cells=lambda k: None,
         build=_t24, values={"stage": ["view", None, None, "control", None, None]}),
    Spec("T25", "zh-tw", "工作表1", 3, _cols("A|任務描述|task"), grid=("B", "AI"), grid_cells=lambda k: None,
         build=_t25),
    Spec("T26", "zh-tw", "工作分配總表", 3, _cols(
        "A|任務ID|id; B|週次|time_point; C|模組|stage; D|子任務|task; E|負責|owner; F|人數|other; G|優先度|priority; "
        "H|起始日|start; I|結束日|deadline; J|天數|duration; K|相依|depends_on; L|交付物|details; M|操作備註（方向/前置）|notes"),
         above=[("A1", "期末專題工作分配"), ("A2", "每位成員每週回報進度")], build=_t26,
         values={"owner": ["Nash·Timyo·Haoche", "林小明"], "start": [1, 3, 5], "deadline": [2, 4, 6], "duration": [None],
                 "depends_on": ["-", "T01", "T05", "樣本就緒"], "other": [2, 3], "priority": ["高", "中"],
                 "time_point": ["W1", "W2"], "id": ["T01", "T02", "T03", "T04", "T05", "T06"]}),
    Spec("T27", "zh-tw", "p1", 4, _cols(
        "C|任務類型|stage; D||stage; E|任務內容|task; F|任務|id; G|開始日期|start; H|結束日期|deadline; I|天數|duration; "
        "J|工作量|other; K|相依性|depends_on"),
         grid=("L", "AM"), grid_cells=lambda k: D(2022, 12, 13) + dt.timedelta(days=k), build=_t27,
         values={"stage": ["需求", "設計", "開發"], "id": ["T1.1", "T1.2", "T2.1", "T2.2", "T2.3", "T3.1"],
                 "depends_on": [None, "T1(M1)", "T2.3&T2.4", "T3.2(M2)"], "other": [2, 3]}),
]


def score(spec: Spec, read: dict[str, str | None] | None, error: str | None) -> tuple[int, int, list[str]]:
    """(correct, items, misses) for one tracker. `read`: column letter -> field the engine read it as.

    Each labelled column is an item; a grid is one item (correct when none of its columns is read as a
    field); a tracker that is not one task per row is one item (correct when it gets that error). A column
    labelled with a field the tracker has twice (Jira's three start dates) is correct when ignored and the
    field went to another column labelled so: the engine reads one column per field by design."""
    if spec.expect != "table":
        ok = error == "not-row-per-task"
        return int(ok), 1, [] if ok else [f"{spec.key}: expected not-row-per-task, got {error or 'a table'}"]
    if read is None:
        return 0, len(spec.columns) + bool(spec.grid), [f"{spec.key}: no table ({error})"]
    labels = {col: fld for col, _, fld in spec.columns}
    holder = {f: c for c, f in read.items() if f}
    correct, misses = 0, []
    for col, head, fld in spec.columns:
        got = read.get(col)
        if fld == "other":
            ok = got is None
        else:
            ok = got == fld or (got is None and fld in holder and labels.get(holder[fld]) == fld)
        correct += ok
        if not ok:
            misses.append(f"{spec.key} {col} '{head}': {fld} read as {got or 'ignored'}")
    if spec.grid:
        a, b = col_no(spec.grid[0]), col_no(spec.grid[1])
        bad = [c for c, f in read.items() if f and a <= col_no(c) <= b]
        correct += not bad
        if bad:
            misses.append(f"{spec.key} grid {spec.grid[0]}:{spec.grid[1]}: read {', '.join(bad)} as fields")
    return correct, len(spec.columns) + bool(spec.grid), misses
