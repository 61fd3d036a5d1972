"""Every finding sheetsync can report: a stable code, a severity, a title and a message in both languages.

Like frictionless-py's error classes: code is the contract (JSON consumers, highlight rules, tests);
templates say what is wrong and how to fix it, filled from the finding's params."""
from __future__ import annotations

from dataclasses import dataclass

from ..model import Finding


@dataclass(frozen=True)
class FindingType:
    code: str
    severity: str  # error | warning | info
    title_en: str
    title_zh: str
    en: str
    zh: str
    short_en: str  # for the Flags column: a few words
    short_zh: str

    def message(self, lang: str, **params) -> str:
        return _fill(self.zh if lang == "zh" else self.en, params)

    def short(self, lang: str, **params) -> str:
        return _fill(self.short_zh if lang == "zh" else self.short_en, params)


class _Missing(dict):
    def __missing__(self, key):  # a template never crashes on a missing parameter
        return "?"


def _fill(template: str, params: dict) -> str:
    # callers pass text, numbers and dates; a None would print as "None", so callers pass "" instead
    try:
        return template.format_map(params)  # the usual case: every parameter given, no copy of params
    except KeyError:
        return template.format_map(_Missing(params))


_TYPES = [
    FindingType("missing-value", "error", "Missing value", "缺少必填值",
                "{column} is empty on a used row; fill in {what}.",
                "{column}为空:请填写{what_zh}。",
                "{column} empty", "{column}为空"),
    FindingType("bad-date", "error", "Not a date", "日期无法识别",
                "{column} '{value}' is not a date; write it as 2026-07-08, 2026/7/8 or 7月8日.",
                "{column}“{value}”不是有效日期:请写成 2026-07-08、2026/7/8 或 7月8日。",
                "bad date in {column}", "{column}日期有误"),
    FindingType("bad-number", "error", "Not a number", "数字无法识别",
                "{column} '{value}' is not a number of working days; write a number such as 3.",
                "{column}“{value}”不是工作日天数:请填写数字,例如 3。",
                "bad number in {column}", "{column}数字有误"),
    FindingType("bad-status", "error", "Unknown status", "状态无法识别",
                "Status '{value}' is not one of: Not started, In progress, In review, Done, Blocked, Cancelled; pick one from the list.",
                "状态“{value}”无法识别:请从 未开始、进行中、待审核、已完成、受阻、已取消 中选择。",
                "unknown status", "状态无法识别"),
    FindingType("bad-email", "error", "Not an email address", "邮箱格式有误",
                "'{value}' is not an email address; write it as name@example.com.",
                "“{value}”不是有效邮箱:请写成 name@example.com 的形式。",
                "bad email", "邮箱有误"),
    FindingType("bad-time-point", "error", "Unknown time point", "时间节点无法识别",
                "Time point '{value}' is not understood; write T-15, T-5wd, E+3wd, 活动前15天 or 上线前5个工作日.",
                "时间节点“{value}”无法识别:请写成 T-15、T-5wd、E+3wd、活动前15天 或 上线前5个工作日。",
                "bad time point", "时间节点有误"),
    FindingType("missing-anchor", "error", "Campaign date missing", "缺少活动日期",
                "Time point '{value}' needs the campaign's {anchor} date; add it to the Campaign sheet.",
                "时间节点“{value}”需要活动的{anchor_zh}:请在活动信息表中填写。",
                "no {anchor} date", "缺少{anchor_zh}"),
    FindingType("duplicate-id", "error", "Duplicate id", "编号重复",
                "Id '{value}' is also used on row {other_row}; give each task its own id.",
                "编号“{value}”与第{other_row}行重复:每个任务需要唯一编号。",
                "duplicate id", "编号重复"),
    FindingType("unknown-owner", "warning", "Owner not in People", "负责人不在人员表中",
                "Owner '{value}' is not on the People sheet; add them there (with an email) or correct the name.",
                "负责人“{value}”不在人员表中:请在人员表中添加(含邮箱)或更正姓名。",
                "owner not in People", "负责人不在人员表"),
    FindingType("unknown-dependency", "error", "Unknown dependency", "前置任务不存在",
                "Depends on '{value}', but no task has that {key_kind}; correct it or remove it.",
                "前置任务“{value}”不存在:请更正或删除。",
                "unknown dependency {value}", "前置任务{value}不存在"),
    FindingType("dependency-cycle", "error", "Dependency cycle", "前置任务循环依赖",
                "Tasks depend on each other in a circle: {cycle}; remove one of these dependencies.",
                "任务之间循环依赖:{cycle};请删除其中一个依赖。",
                "cycle {cycle}", "循环依赖 {cycle}"),
    FindingType("dependency-not-done", "warning", "Started before its predecessor is done", "前置任务未完成",
                "This task is {status} but {pred} ('{pred_task}') is not done yet; finish {pred} first or correct the status.",
                "本任务已{status_zh},但前置任务{pred}(“{pred_task}”)尚未完成:请先完成{pred}或更正状态。",
                "{pred} not done", "前置{pred}未完成"),
    FindingType("dependency-order", "warning", "Due before its predecessor", "截止早于前置任务",
                "Due {due}, before its predecessor {pred} (due {pred_due}); move this deadline after {pred_due}.",
                "截止 {due} 早于前置任务{pred}的截止 {pred_due}:请把截止日期调到 {pred_due} 之后。",
                "due before {pred}", "截止早于{pred}"),
    FindingType("schedule-risk", "warning", "Schedule does not fit", "工期排不下",
                "Its predecessors finish {earliest_start} at the earliest and it needs {duration} working days, so it ends {earliest_finish}, after its deadline {due}; move the deadline, shorten the work or start earlier.",
                "前置任务最早 {earliest_start} 完成,本任务需 {duration} 个工作日,最早 {earliest_finish} 完成,晚于截止 {due}:请调整截止日期、缩短工期或提前开始。",
                "ends {earliest_finish} > due", "预计{earliest_finish}完成,超期"),
    FindingType("late", "warning", "Late", "已逾期",
                "Due {due} and not done ({days} working days late); finish it, or agree a new deadline and enter it.",
                "截止 {due} 仍未完成(已逾期 {days} 个工作日):请尽快完成,或商定新的截止日期并填写。",
                "late {days}wd", "逾期{days}个工作日"),
    FindingType("due-soon", "info", "Due soon", "即将到期",
                "Due {due}, in {days} working days.",
                "将于 {due} 到期(还剩 {days} 个工作日)。",
                "due in {days}wd", "{days}个工作日内到期"),
    FindingType("unreviewed", "warning", "Waiting for review", "待审核超时",
                "{detail}; {reviewer_hint} review it and fill in the review time.",
                "{detail_zh}:请{reviewer_hint_zh}审核并填写审核时间。",
                "unreviewed", "待审核超时"),
    FindingType("blocked", "warning", "Blocked", "受阻",
                "This task is blocked; note what it waits for in the notes and tell the campaign owner.",
                "本任务受阻:请在备注中写明卡在哪里,并告知活动负责人。",
                "blocked", "受阻"),
    FindingType("after-launch", "warning", "Due after launch", "截止晚于上线",
                "A pre-launch task is due {due}, after the launch on {launch}; bring it forward.",
                "上线前任务的截止 {due} 晚于上线日 {launch}:请提前。",
                "due after launch", "晚于上线日"),
    FindingType("lead-time", "warning", "Not enough lead time", "提前量不足",
                "{department} needs {need} working days between request and deadline; requested {requested}, due {due} gives {have}. Ask earlier or agree a later deadline.",
                "{department}需要提前 {need} 个工作日提需求;{requested} 提出、{due} 截止只有 {have} 个工作日:请提前提需求或商定更晚的截止日期。",
                "lead time {have}/{need}wd", "提前量{have}/{need}工作日"),
    FindingType("calendar-gap", "warning", "No holiday data for the year", "缺少该年节假日数据",
                "The holiday calendar for {calendar} does not cover {year}; working days in {year} count Monday to Friday only. Add that year's holidays and make-up days to the Holidays sheet.",
                "{calendar}日历没有 {year} 年的节假日数据,{year} 年只按周一至周五计算工作日:请在节假日表中补充该年的假期和调休。",
                "no calendar for {year}", "缺{year}年日历"),
    FindingType("bad-calendar", "error", "Unknown calendar", "日历无法识别",
                "Calendar '{value}' is not a country code the holiday data knows; use a code such as CN, US or GB.",
                "日历“{value}”不是可识别的国家代码:请填写 CN、US、GB 等。",
                "bad calendar", "日历有误"),
    FindingType("bad-campaign", "warning", "Campaign fact not understood", "活动信息无法识别",
                "{key} '{value}' in the Campaign sheet is not understood; {hint}.",
                "活动信息中的{key}“{value}”无法识别:{hint_zh}。",
                "bad campaign fact", "活动信息有误"),
    FindingType("no-due-date", "info", "No deadline", "没有截止日期",
                "No deadline, time point or successor gives this task a due date; add a deadline or a time point.",
                "没有截止日期、时间节点或后续任务可推算截止日期:请填写截止日期或时间节点。",
                "no due date", "无截止日期"),
    FindingType("no-task-table", "error", "No task table", "找不到任务表",
                "No sheet has a header row (in its first 40 rows) with a task column and an owner, deadline, time point, status or progress column. Header rows seen: {seen}. Name the columns in sheetsync.toml (columns = {{ task = \"...\" }}) or with --columns.",
                "没有找到任务表:前 40 行中没有同时包含任务列和负责人、截止日期、时间节点、状态或进度列的表头。已看到的表头行:{seen}。可在 sheetsync.toml(columns = {{ task = \"...\" }})或 --columns 中指定列。",
                "no task table", "找不到任务表"),
    FindingType("not-row-per-task", "error", "Not a row-per-task tracker", "不是每行一个任务的表",
                "Sheet '{sheet}' is not a row-per-task tracker: {what}. sheetsync reads a table with one task per row (task, owner, deadline, status …); keep such a table on a sheet, or point to it with sheet = \"...\" in sheetsync.toml.",
                "工作表“{sheet}”不是每行一个任务的表:{what_zh}。sheetsync 读取每行一个任务的表(任务、负责人、截止日期、状态等);请另建这样的表,或在 sheetsync.toml 中用 sheet = \"...\" 指定。",
                "not a row-per-task tracker", "不是每行一个任务的表"),
    FindingType("no-deadline-column", "warning", "No deadline column", "没有截止日期列",
                "No column was read as the deadline or a time point, so the late and due-soon checks are off. Head a column 'Deadline' or 'Due date', or name yours in sheetsync.toml: columns = {{ deadline = \"{example}\" }}.",
                "没有识别出截止日期或时间节点列,逾期和即将到期检查已关闭。请把一列的表头写成“截止日期”,或在 sheetsync.toml 中指定:columns = {{ deadline = \"{example}\" }}。",
                "no deadline column", "无截止日期列"),
]

CATALOGUE: dict[str, FindingType] = {t.code: t for t in _TYPES}

# Which findings make a task at-risk (health), in DOMAIN order.
AT_RISK_CODES = ("dependency-not-done", "dependency-order", "schedule-risk", "lead-time")


def make(code: str, lang: str, *, sheet=None, cell=None, row=None, column=None, task_id=None,
         severity: str | None = None, **params) -> Finding:
    ftype = CATALOGUE[code]
    if column is not None:
        params.setdefault("column", column)
    return Finding(code=code, severity=severity or ftype.severity, sheet=sheet, cell=cell, row=row,
                   column=column, task_id=task_id, message=_fill(ftype.zh if lang == "zh" else ftype.en, params), params=params)


def short(finding: Finding, lang: str) -> str:
    ftype = CATALOGUE[finding.code]  # called once per finding by the plan: no keyword-argument round trip
    return _fill(ftype.short_zh if lang == "zh" else ftype.short_en, finding.params)
