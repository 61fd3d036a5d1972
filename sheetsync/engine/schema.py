"""The tracker's columns: what each means, how people head it in Chinese and English.

The first alias in each language is the canonical header (used by templates and by managed columns)."""
from __future__ import annotations

from dataclasses import dataclass

from ..model import CAMPAIGN_SHEETS, HOLIDAY_SHEETS, PEOPLE_SHEETS, REPORT_TITLE  # noqa: F401  (the side sheets: model)


@dataclass(frozen=True)
class Column:
    field: str
    zh: tuple[str, ...]
    en: tuple[str, ...]


COLUMNS: tuple[Column, ...] = (
    Column("id", ("编号", "任务编号", "序号", "ID号"), ("ID", "Task ID", "No.", "#", "Key")),
    Column("stage", ("阶段", "活动阶段", "环节"), ("Stage", "Phase")),
    Column("task", ("任务", "任务名称", "项目", "事项", "工作内容", "任务内容"), ("Task", "Task name", "Item", "Title", "Work item")),
    Column("details", ("详细内容", "规格", "验收标准", "说明", "内容"), ("Details", "Spec", "Specification", "Acceptance criteria", "Description")),
    Column("owner", ("负责人", "责任人", "对接人", "执行人"), ("Owner", "Assignee", "Responsible", "Assigned to")),
    Column("department", ("部门", "负责部门", "所属部门"), ("Department", "Dept", "Team")),
    Column("reviewer", ("审核人", "审批人", "验收人"), ("Reviewer", "Approver")),
    Column("depends_on", ("前置任务", "依赖", "依赖任务", "前置"), ("Depends on", "Dependencies", "Predecessors", "Blocked by")),
    Column("time_point", ("时间节点", "节点", "时间点"), ("Time point", "Milestone", "Relative date", "Timing")),
    Column("duration", ("工期", "所需时间", "工作日", "耗时"), ("Duration", "Working days", "Effort (days)", "Days")),
    Column("start", ("开始日期", "开始时间", "开始"), ("Start", "Start date")),
    Column("requested", ("需求提出日期", "提出日期", "需求日期", "申请日期", "提需求日期"), ("Requested", "Request date", "Requested on")),
    Column("deadline", ("截止日期", "截止时间", "截止", "完成时间", "交付日期"), ("Deadline", "Due date", "Due by")),
    Column("done_date", ("实际完成时间", "实际完成日期", "完成日期"), ("Actual finish", "Done date", "Completed on")),
    Column("status", ("状态", "完成状态", "进度状态"), ("Status", "State")),
    Column("progress", ("进度", "完成率", "完成进度"), ("Progress", "% Complete", "Percent complete")),
    Column("submitted", ("提交审核时间", "提交时间", "送审时间"), ("Submitted for review", "Submitted", "Submitted at")),
    Column("reviewed", ("审核时间", "审核完成时间"), ("Reviewed", "Reviewed at", "Review date")),
    Column("review_result", ("审核结果",), ("Review result", "Review outcome")),
    Column("priority", ("优先级",), ("Priority",)),
    # the owner's Red/Amber/Green rating; 健康度/Health is sync's own column (MANAGED), never this one
    Column("rating", ("红黄绿", "风险等级", "健康状态"), ("RAG", "RAG status", "Health status")),
    Column("link", ("物料链接", "链接", "文档链接"), ("Link", "URL", "Materials")),
    Column("notes", ("备注",), ("Notes", "Comments", "Remarks")),
)

# Columns sync writes and owns; found again by header, wherever people moved them.
MANAGED: tuple[Column, ...] = (
    Column("m_due", ("计划截止",), ("Due",)),
    Column("m_health", ("健康度",), ("Health",)),
    Column("m_flags", ("提示",), ("Flags",)),
)

BY_FIELD = {c.field: c for c in COLUMNS + MANAGED}

# The words sync writes in its Health column, one per health; a column holding only these is sync's own
# (a person's RAG column holds Red/Amber/Green or 红/黄/绿). sheetsync.labels shows them everywhere else.
HEALTH_LABELS = {
    "en": {"done": "Done", "late": "Late", "unreviewed": "Unreviewed", "blocked": "Blocked", "at-risk": "At risk",
           "due-soon": "Due soon", "invalid": "Data error", "ok": "OK"},
    "zh": {"done": "已完成", "late": "逾期", "unreviewed": "待审核超时", "blocked": "受阻", "at-risk": "有风险",
           "due-soon": "即将到期", "invalid": "数据有误", "ok": "正常"},
}


def header(field: str, lang: str) -> str:
    """The canonical header for a field in a language."""
    col = BY_FIELD[field]
    return (col.zh if lang == "zh" else col.en)[0]


# Campaign sheet keys (column A) -> Campaign attribute.
CAMPAIGN_KEYS: dict[str, tuple[str, ...]] = {
    "name": ("名称", "活动名称", "name", "campaign", "campaign name"),
    "launch": ("上线日期", "启动日期", "开始日期", "活动开始", "launch", "launch date", "start", "start date"),
    "end": ("结束日期", "下线日期", "活动结束", "end", "end date"),
    "owner": ("负责人", "活动负责人", "owner", "campaign owner"),
    "owner_email": ("负责人邮箱", "owner email"),
    "recipients": ("收件人", "周报收件人", "recipients", "digest recipients"),
    "timezone": ("时区", "timezone", "time zone"),
    "calendar": ("日历", "国家", "calendar", "country"),
    "review_sla_hours": ("审核时限", "审核时限(小时)", "审核时限小时", "review sla hours", "review sla", "review sla (hours)"),
    "review_clock": ("审核计时", "审核计时方式", "review clock"),
    "due_soon_days": ("临期天数", "即将到期天数", "due soon days", "due-soon days"),
    "target": ("目标", "target"),
}
# Campaign sheet rows that correct how the task table is read (column A | column B), as `inspect` prints them
# to paste: "列:任务 | 接口名" / "column: task | Name" (a field's canonical header, or its key in English, then
# a header as written or a column letter), "工作表 | 任务" / "sheet | Plan", "表头行 | 3" / "header row | 3".
MAPPING_ROWS: dict[str, dict[str, str]] = {
    "zh": {"column": "列", "sheet": "工作表", "header_row": "表头行", "ignore": "忽略列", "skip_rows": "跳过行",
           "status": "状态"},
    "en": {"column": "column", "sheet": "sheet", "header_row": "header row", "ignore": "ignore column",
           "skip_rows": "skip rows", "status": "status"},
}
# "提前期:设计部" / "lead time: Design" rows set a department's lead time in working days.
LEAD_TIME_PREFIXES = ("提前期", "lead time", "leadtime")

PEOPLE_COLUMNS = {
    "name": ("姓名", "名字", "人员", "name", "person"),
    "email": ("邮箱", "电子邮件", "邮件", "email", "e-mail", "mail"),
    "department": ("部门", "department", "dept", "team"),
    # who to @-mention in team chat. A platform's own column wins over the generic chat id.
    "mobile": ("手机", "手机号", "手机号码", "mobile", "mobile phone", "cell phone"),
    "chat_id": ("chat id", "聊天id", "im id", "im账号"),
    "wecom": ("企业微信", "企业微信id", "企业微信账号", "wecom", "wecom id", "wecom userid"),
    "dingtalk": ("钉钉", "钉钉id", "钉钉账号", "dingtalk", "dingtalk id", "dingtalk userid"),
    "feishu": ("飞书", "飞书id", "飞书open_id", "feishu", "feishu id", "lark", "lark id", "open_id"),
    "slack": ("slack", "slack id", "slack member id"),
    "teams": ("teams", "teams id", "teams upn"),
}
CHAT_ID_FIELDS = ("wecom", "dingtalk", "feishu", "slack", "teams")
# The launch notice's common questions: an optional sheet with a question and an answer column.
FAQ_SHEETS = ("FAQ", "常见问题", "问答", "Q&A")
FAQ_COLUMNS = {"question": ("问题", "常见问题", "question", "q"), "answer": ("回答", "答案", "解答", "answer", "a")}
HOLIDAY_COLUMNS = {
    "date": ("日期", "date"),
    "kind": ("类型", "type", "kind"),
    "note": ("说明", "备注", "name", "note", "notes"),
}
# Kind words in the Holidays sheet; anything else (or blank) means a day off.
WORKDAY_WORDS = ("上班", "补班", "工作日", "调休上班", "workday", "working day", "work")

# Default lead times by department: design wants a request five working days ahead.
DEFAULT_LEAD_TIMES = {"设计": 5, "设计部": 5, "design": 5}

