"""Every finding sheetsync can report: a stable code, a severity, a title and a message in both languages.

Like frictionless-py's error classes: code is the contract (JSON consumers, highlight rules, tests);
templates say what is wrong and how to fix it, filled from the finding's params."""
from __future__ import annotations

from dataclasses import dataclass

from .counts import count, counted_fields
from ..model import Finding


@dataclass(frozen=True)
class FindingType:
    code: str
    severity: str  # error | warning | info
    title_en: str
    title_zh: str
    en: str  # templates: {name} is a parameter, {name:wd} a count with its unit (engine/counts.py)
    zh: str
    short_en: str  # for the Flags column: a few words
    short_zh: str
    defaults: tuple = ()  # (param, value) pairs a caller may leave out
    zero: tuple[str, str, str, str, str] | None = None  # (param, en, zh, short_en, short_zh) when param == 0

    def __post_init__(self):
        forms = {kind: counted_fields(getattr(self, kind)) for kind in ("en", "zh", "short_en", "short_zh")}
        if self.zero:
            for kind, text in zip(("en", "zh", "short_en", "short_zh"), self.zero[1:]):
                forms["zero_" + kind] = counted_fields(text)
        object.__setattr__(self, "_forms", forms)

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def message(self, lang: str, **params) -> str:
        return self.fill("zh" if lang == "zh" else "en", lang, params)

    def short(self, lang: str, **params) -> str:
        return self.fill("short_zh" if lang == "zh" else "short_en", lang, params)

    def fill(self, kind: str, lang: str, params: dict) -> str:
        """The `kind` template (en, zh, short_en, short_zh) filled from params, in its zero form when it has
        one and the count is 0, with counted parameters in their singular or plural form."""
        if self.zero is not None and params.get(self.zero[0]) == 0:
            kind = "zero_" + kind
        template, counted = self._forms[kind]
        if counted:
            params = {**params, **{f"{name}__{unit}": count(lang, unit, params.get(name, "?"))
                                   for name, unit in counted}}
        return _fill(template, params)


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
                "{column} '{value}' {problem}; {fix}.",
                "{column}“{value}”{problem_zh}:{fix_zh}。",
                "bad date in {column}", "{column}日期有误",
                (("problem", "is not a date"), ("problem_zh", "不是有效日期"),
                 ("fix", "write it as 2026-07-08, 2026/7/8 or 7月8日"), ("fix_zh", "请写成 2026-07-08、2026/7/8 或 7月8日"))),
    FindingType("bad-progress", "error", "Progress not understood", "进度无法识别",
                "{column} '{value}' is not a progress; write a percentage such as 50% (or 0.5), or a status such as Done.",
                "{column}“{value}”不是进度:请填写百分比,例如 50%(或 0.5),或填写状态,例如 已完成。",
                "bad progress", "进度有误"),
    FindingType("progress-not-done", "warning", "100% but not done", "进度100%但未完成",
                "Progress is 100% but the status is '{value}'; set the status to Done, or correct the progress.",
                "进度为 100%,但状态是“{value}”:请把状态改为已完成,或更正进度。",
                "100% but '{value}'", "100%但{value}"),
    FindingType("done-date-not-done", "warning", "Done date but not done", "有完成日期但未完成",
                "{column} says it was finished on {done}, but the status is '{value}'; set the status to Done, or clear the done date.",
                "{column}显示已于 {done} 完成,但状态是“{value}”:请把状态改为已完成,或清空完成日期。",
                "done {done} but '{value}'", "{done}已完成但状态为{value}"),
    FindingType("start-after-deadline", "warning", "Starts after its deadline", "开始晚于截止",
                "Starts {start}, after its deadline {due}; move the start earlier or the deadline later.",
                "开始日期 {start} 晚于截止日期 {due}:请提前开始日期或推迟截止日期。",
                "starts after due", "开始晚于截止"),
    FindingType("bad-number", "error", "Not a number", "数字无法识别",
                "{column} '{value}' is not a number of working days; write a number such as 3.",
                "{column}“{value}”不是工作日天数:请填写数字,例如 3。",
                "bad number in {column}", "{column}数字有误"),
    FindingType("bad-status", "error", "Unknown status", "状态无法识别",
                "Status '{value}' is not one of: Not started, In progress, In review, Done, Blocked, Cancelled; pick one from the list, or say what it means in sheetsync.toml: statuses = {{ \"{value}\" = \"in progress\" }}.",
                "状态“{value}”无法识别:请从 未开始、进行中、待审核、已完成、受阻、已取消 中选择,或在 sheetsync.toml 中说明它的含义:statuses = {{ \"{value}\" = \"进行中\" }}。",
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
                "前置任务“{value}”不存在(按{key_kind_zh}查找):请更正或删除。",
                "unknown dependency {value}", "前置任务{value}不存在",
                (("key_kind", "id"), ("key_kind_zh", "编号"))),
    FindingType("dependency-cycle", "error", "Dependency cycle", "前置任务循环依赖",
                "Tasks depend on each other in a circle: {cycle}; remove one of these dependencies.",
                "任务之间循环依赖:{cycle};请删除其中一个依赖。",
                "cycle {cycle}", "循环依赖 {cycle}"),
    FindingType("dependency-not-done", "warning", "Started before its predecessor is done", "前置任务未完成",
                "This task is {status} but {pred} ('{pred_task}') {pred_state}; {fix} or correct the status.",
                "本任务已{status_zh},但前置任务{pred}(“{pred_task}”){pred_state_zh}:{fix_zh}或更正状态。",
                "{pred} not done", "前置{pred}未完成",
                (("pred_state", "is not done yet"), ("pred_state_zh", "尚未完成"), ("fix", "finish it first"),
                 ("fix_zh", "请先完成它"))),
    FindingType("dependency-order", "warning", "Due before its predecessor", "截止早于前置任务",
                "{what} {date} is before {need}, the earliest its predecessor {pred} allows ({pred} {pred_side} {pred_date}; {rule}); {fix}.",
                "{what_zh} {date} 早于前置任务{pred}允许的最早日期 {need}({pred}{pred_side_zh}于 {pred_date};{rule_zh}):{fix_zh}。",
                "before {pred} allows", "早于前置{pred}"),
    FindingType("schedule-risk", "warning", "Schedule does not fit", "工期排不下",
                "Its predecessors let it start after {earliest_start} at the earliest and it needs {duration:wd}{work_from}, so it ends {earliest_finish}, after its deadline {due}; move the deadline, shorten the work or start earlier.",
                "前置任务最早允许 {earliest_start} 之后开始,本任务需 {duration:wd}{work_from_zh},最早 {earliest_finish} 完成,晚于截止 {due}:请调整截止日期、缩短工期或提前开始。",
                "ends {earliest_finish} > due", "预计{earliest_finish}完成,超期",
                zero=("work_known",
                      "Its predecessors let it start after {earliest_start} at the earliest, already after its deadline {due}, and its own work is not counted (it has no duration, and no start date to count from); move the deadline or start earlier, and enter its duration.",
                      "前置任务最早允许 {earliest_start} 之后开始,已晚于截止 {due};本任务的工期未计入(没有工期,也没有可计算的开始日期):请调整截止日期或提前开始,并填写工期。",
                      "ends {earliest_finish} > due", "预计{earliest_finish}完成,超期")),
    FindingType("late", "warning", "Late", "已逾期",
                "Due {due} and not done ({days:wd} late); finish it, or agree a new deadline and enter it.",
                "截止 {due} 仍未完成(已逾期 {days:wd}):请尽快完成,或商定新的截止日期并填写。",
                "{days:wd} late", "逾期 {days:wd}"),
    FindingType("due-soon", "info", "Due soon", "即将到期",
                "Due {due}, in {days:wd}.",
                "将于 {due} 到期(还剩 {days:wd})。",
                "due in {days:wd}", "{days:wd}内到期",
                zero=("days", "Due today ({due}).", "今天到期({due})。", "due today", "今天到期")),
    FindingType("unreviewed", "warning", "Waiting for review", "待审核超时",
                "{detail}; {reviewer_hint} review it and fill in the review time.",
                "{detail_zh}:请{reviewer_hint_zh}审核并填写审核时间。",
                "unreviewed{wait}", "待审核超时{wait_zh}"),
    FindingType("blocked", "warning", "Blocked", "受阻",
                "This task is blocked; note what it waits for in the notes and tell the campaign owner.",
                "本任务受阻:请在备注中写明卡在哪里,并告知活动负责人。",
                "blocked", "受阻"),
    FindingType("after-launch", "warning", "Due after launch", "截止晚于上线",
                "A pre-launch task is due {due}, after the launch on {launch}; bring it forward.",
                "上线前任务的截止 {due} 晚于上线日 {launch}:请提前。",
                "due after launch", "晚于上线日"),
    FindingType("lead-time", "warning", "Not enough lead time", "提前量不足",
                "{department} needs {need:wd} between request and deadline; requested {requested}, due {due} gives {have:wd}. Ask earlier or agree a later deadline.",
                "{department}需要提前 {need:wd}提需求;{requested} 提出、{due} 截止只有 {have:wd}:请提前提需求或商定更晚的截止日期。",
                "lead time {have}/{need}wd", "提前量{have}/{need}工作日"),
    FindingType("calendar-gap", "warning", "No holiday data for the year", "缺少该年节假日数据",
                "The holiday calendar for {calendar} does not have {years} yet, which this tracker's dates need: days off in {those} are the computed public holidays and the make-up working days are unknown, so working-day counts may be off. Once the State Council's notice for {those} is out, import it: sheetsync holidays import NOTICE.txt --file holidays.toml (and holidays_file = \"holidays.toml\" in sheetsync.toml), or add its days to the Holidays sheet (类型 休息/上班).",
                "{calendar}日历还没有 {years_zh} 年的数据(本表的日期需要用到):这些年份的假期按推算的法定节假日计算,调休上班日未知,工作日计数可能有误。国务院办公厅的放假通知发布后,请导入:sheetsync holidays import 通知.txt --file holidays.toml(并在 sheetsync.toml 中写 holidays_file = \"holidays.toml\"),或把通知中的日期填入节假日表(类型 休息/上班)。",
                "no calendar for {years}", "缺{years_zh}年日历",
                (("years", "?"), ("years_zh", "?"), ("those", "that year"))),
    FindingType("bad-calendar", "error", "Unknown calendar", "日历无法识别",
                "Calendar '{value}' is not a country code the holiday data knows; use a code such as CN, US or GB.",
                "日历“{value}”不是可识别的国家代码:请填写 CN、US、GB 等。",
                "bad calendar", "日历有误"),
    FindingType("bad-campaign", "warning", "Campaign fact not understood", "活动信息无法识别",
                "{key} '{value}' in the Campaign sheet is not understood; {hint}.",
                "活动信息中的{key}“{value}”无法识别:{hint_zh}。",
                "bad campaign fact", "活动信息有误"),
    FindingType("rating-disagrees", "warning", "Rating disagrees", "评级与实际不符",
                "{column} rates it {rating}, but it is {health}; update the rating, or the task's dates and status.",
                "{column}评为{rating_zh},但该任务{health_zh}:请更新评级,或更正任务的日期和状态。",
                "rated {rating} but {health}", "评{rating_zh}但{health_zh}"),
    FindingType("day-numbers", "warning", "Day numbers without a start", "日期列是第几天",
                "{column} holds day numbers of the project (1 to {last}), not dates; add the campaign's start date to the Campaign sheet (Start date) so they count from it.",
                "{column}填的是项目第几天(1 到 {last}),不是日期:请在活动信息表中填写开始日期,以便从该日起计算。",
                "day numbers", "第几天"),
    FindingType("no-due-date", "info", "No deadline", "没有截止日期",
                "No deadline, time point or successor gives this task a due date; add a deadline or a time point.",
                "没有截止日期、时间节点或后续任务可推算截止日期:请填写截止日期或时间节点。",
                "no due date", "无截止日期"),
    FindingType("metric-alert", "warning", "Metric alert", "指标预警",
                "{metric} is {rule_en} ({values}); {action_en}.",
                "{metric}{rule_zh}({values}):{action_zh}。",
                "{metric} alert", "{metric}预警"),
    FindingType("metric-no-baseline", "info", "Metric baseline missing", "缺少指标基准值",
                "{metric} has a rule ({rule}) that compares with a baseline, but none is given; add a 基准/Baseline column or row to the Metrics sheet, or `baseline` to the rule in sheetsync.toml.",
                "{metric}的预警规则({rule})需要基准值,但未填写:请在指标表中添加“基准”列或行,或在 sheetsync.toml 的规则中填写 baseline。",
                "no baseline", "缺少基准值"),
    FindingType("bad-metric-rule", "warning", "Metric rule not understood", "预警规则无法识别",
                "The rule for {metric} ('{value}') is not understood; write rise, fall, above or below, with a percent for rise and fall and a number of periods of 1 or more.",
                "{metric}的预警规则(“{value}”)无法识别:请填写 上涨、下降、高于 或 低于;上涨和下降需填写幅度,周期数至少为 1。",
                "bad metric rule", "预警规则有误"),
    FindingType("no-task-table", "error", "No task table", "找不到任务表",
                "No sheet has a header row (in its first 40 rows) with a task column and an owner, deadline, time point, status or progress column. Header rows seen: {seen}. Name the columns in sheetsync.toml (columns = {{ task = \"...\" }}) or with --columns.",
                "没有找到任务表:前 40 行中没有同时包含任务列和负责人、截止日期、时间节点、状态或进度列的表头。已看到的表头行:{seen}。可在 sheetsync.toml(columns = {{ task = \"...\" }})或 --columns 中指定列。",
                "no task table", "找不到任务表"),
    FindingType("not-row-per-task", "error", "Not a row-per-task tracker", "不是每行一个任务的表",
                "Sheet '{sheet}' is not a row-per-task tracker: {what}. sheetsync reads a table with one task per row (task, owner, deadline, status …); keep such a table on a sheet, or point to it with sheet = \"...\" in sheetsync.toml.",
                "工作表“{sheet}”不是每行一个任务的表:{what_zh}。sheetsync 读取每行一个任务的表(任务、负责人、截止日期、状态等);请另建这样的表,或在 sheetsync.toml 中用 sheet = \"...\" 指定。",
                "not a row-per-task tracker", "不是每行一个任务的表"),
    FindingType("other-tables-read", "info", "Other tables read", "还读取了其他表格",
                "Also read {n:task} from {tables}, which have this table's columns; they are checked and in the digest, but sync writes its Due, Health and Flags columns on sheet '{table_sheet}' only.",
                "还读取了{tables}中的 {n:task},它们与本表的列相同;这些任务会被检查并写入周报,但 sync 只在工作表“{table_sheet}”中写入截止、健康和标记列。",
                "other tables read", "读取了其他表格"),
    FindingType("no-deadline-column", "warning", "No deadline column", "没有截止日期列",
                "No column was read as the deadline or a time point, so the late and due-soon checks are off. Head a column 'Deadline' or 'Due date', or name yours in sheetsync.toml: columns = {{ deadline = \"{example}\" }}.",
                "没有识别出截止日期或时间节点列,逾期和即将到期检查已关闭。请把一列的表头写成“截止日期”,或在 sheetsync.toml 中指定:columns = {{ deadline = \"{example}\" }}。",
                "no deadline column", "无截止日期列"),
]

CATALOGUE: dict[str, FindingType] = {t.code: t for t in _TYPES}

# Where schedule-risk's count of working days came from (engine/links.planned_work), said after the count.
WORK_FROM = {"duration": ("", ""), "dates": (" (from its start date to its deadline)", "(按开始日期至截止日期计)"),
             None: ("", "")}

# Findings about a task's deadline: when sync derived that deadline, they name the cell of the Due column it is
# written to (before the first sync too), so the first and the second run name the same cell.
DUE_CELL_CODES = frozenset(("late", "due-soon", "schedule-risk", "dependency-order", "after-launch"))

# Problems with what a cell holds: the same one over several cells of a column is one finding over a range.
COLUMN_CODES = frozenset(("missing-value", "bad-date", "bad-number", "bad-progress", "bad-status", "bad-time-point",
                          "progress-not-done", "unknown-owner", "missing-anchor"))

# Which findings make a task at-risk (health), in DOMAIN order.
AT_RISK_CODES = ("dependency-not-done", "dependency-order", "schedule-risk", "lead-time")


def make(code: str, lang: str, *, sheet=None, cell=None, row=None, column=None, task_id=None,
         severity: str | None = None, **params) -> Finding:
    ftype = CATALOGUE[code]
    for key, value in ftype.defaults:
        params.setdefault(key, value)
    if column is not None:
        params.setdefault("column", column)
    return Finding(code=code, severity=severity or ftype.severity, sheet=sheet, cell=cell, row=row,
                   column=column, task_id=task_id, message=ftype.fill("zh" if lang == "zh" else "en", lang, params),
                   params=params)


def days_text(n: float, lang: str, calendar: bool = False) -> str:
    """'1 working day', '2 working days', '1 day'; zh '1 个工作日', '2 天'. Whole numbers print without '.0'."""
    n = int(n) if float(n).is_integer() else n
    return count(lang, "day" if calendar else "wd", n)


def years_text(n: int, lang: str) -> str:
    return count(lang, "year", n)


def join_list(items, lang: str) -> str:
    """'2027', '2027 and 2028', '2027, 2028 and 2029'; zh '2027、2028'."""
    items = [str(x) for x in items]
    if lang == "zh" or len(items) < 2:
        return "、".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def short(finding: Finding, lang: str) -> str:
    ftype = CATALOGUE[finding.code]  # called once per finding by the plan: no keyword-argument round trip
    return ftype.fill("short_zh" if lang == "zh" else "short_en", lang, finding.params)
