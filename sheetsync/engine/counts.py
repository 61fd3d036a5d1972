"""Counted words in both languages: "1 working day", "2 working days", "1 个工作日", "today".

English has one and other forms (CLDR: one for exactly 1); Chinese has no plural, but a count of zero often
reads better as a word ("今天" rather than "0 个工作日"): templates that need a zero form name it
(see engine/catalogue.py). Pure functions, no I/O."""
from __future__ import annotations

import re

# unit -> (English one, English other, Chinese); {n} is the count
UNITS: dict[str, tuple[str, str, str]] = {
    "wd": ("{n} working day", "{n} working days", "{n} 个工作日"),
    "day": ("{n} day", "{n} days", "{n} 天"),
    "year": ("{n} year", "{n} years", "{n} 年"),
    "h": ("{n} hour", "{n} hours", "{n} 小时"),
    "task": ("{n} task", "{n} tasks", "{n} 个任务"),
    "error": ("{n} error", "{n} errors", "{n} 个错误"),
    "warning": ("{n} warning", "{n} warnings", "{n} 个警告"),
    "note": ("{n} note", "{n} notes", "{n} 条提示"),
    "cell": ("{n} cell", "{n} cells", "{n} 个单元格"),
    "rule": ("{n} highlight rule", "{n} highlight rules", "{n} 条高亮规则"),
    "message": ("{n} message", "{n} messages", "{n} 封"),
    "tracker": ("{n} tracker", "{n} trackers", "{n} 个跟踪表"),
    "finding": ("{n} finding", "{n} findings", "{n} 条"),
    # the digest's own wording: cells to fix ("共 3 处") and tasks in a sentence ("有 3 项任务到期")
    "spot": ("{n} cell", "{n} cells", "{n} 处"),
    "item": ("{n} task", "{n} tasks", "{n} 项任务"),
    # the calendar feeds: files written and the deadlines in the team's feed
    "feed": ("{n} calendar feed", "{n} calendar feeds", "{n} 个日历文件"),
    "event": ("{n} deadline", "{n} deadlines", "{n} 个截止日期"),
}


def count(lang: str, unit: str, n) -> str:
    """`n` with its unit in `lang`: count("en", "wd", 1) == "1 working day"."""
    one, other, zh = UNITS[unit]
    if lang == "zh":
        return zh.format(n=n)
    return (one if abs(n) == 1 else other).format(n=n)  # CLDR takes the absolute value: "-1 day"


# a template placeholder with a unit: {days:wd}
_COUNTED = re.compile(r"\{(\w+):(\w+)\}")


def counted_fields(template: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """('{days:wd} late' ->) ('{days__wd} late', (('days', 'wd'),)): a plain str.format template and the
    counted parameters to fill before formatting. Done once per template, so filling stays format_map."""
    found = tuple((name, unit) for name, unit in _COUNTED.findall(template) if unit in UNITS)
    plain = _COUNTED.sub(lambda m: "{%s__%s}" % m.groups() if m.group(2) in UNITS else m.group(0), template)
    return plain, found
