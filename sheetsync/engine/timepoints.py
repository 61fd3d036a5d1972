"""Time points relative to the campaign: T-15, E+3wd, 活动前15天, 上线前5个工作日, 活动结束后3个工作日内.

T (or D) is the launch, E the end. A calendar-day offset that lands on a day off moves back to the
previous working day (the work must be done by then); a working-day offset counts working days.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .calendar import WorkCalendar
from .values import chinese_number, is_blank

__all__ = ["TimePoint", "MissingAnchorError", "parse_time_point", "resolve"]


@dataclass(frozen=True)
class TimePoint:
    anchor: str  # 'T' launch | 'E' end
    offset: int  # signed: negative is before the anchor
    unit: str  # 'd' calendar days | 'wd' working days

    def __str__(self) -> str:
        if self.offset == 0 and self.unit == "d":
            return f"{self.anchor}0"
        return f"{self.anchor}{self.offset:+d}{'wd' if self.unit == 'wd' else ''}"


class MissingAnchorError(ValueError):
    """The campaign date a time point counts from is not known. `anchor` is 'launch' or 'end'."""

    def __init__(self, tp: TimePoint):
        self.anchor = "launch" if tp.anchor == "T" else "end"
        self.time_point = tp
        super().__init__(f"time point {tp} needs the campaign's {self.anchor} date, which is missing")


_DASHES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2010": "-", "\u2011": "-",
                         "\ufe63": "-"})
_NUM = r"(?P<n>\d+|[零〇一二两三四五六七八九十百]+)"
_DAY_UNITS = {"", "d", "天", "日", "day", "days", "个自然日", "自然日", "个日历日", "日历日", "calendarday", "calendardays"}
_WD_UNITS = {"wd", "个工作日", "工作日", "个工作天", "工作天", "workday", "workdays", "workingday", "workingdays",
             "businessday", "businessdays", "bd"}
_UNIT = r"(?P<u>[a-z]*|个?工作[日天]|个?(?:自然|日历)?日|天)"
_SYMBOLIC = re.compile(r"(?P<a>[tde])(?:(?P<sign>[+-])(?P<n>\d+)" + _UNIT + r"|0)?")
# Longest words first, so 活动结束 is an end and 活动 alone a launch.
_LAUNCH = "活动启动|活动开始|活动上线|活动开展|上线|启动|开始|开展|活动"
_END = "活动结束|活动下线|结束|下线"
_WORDS = re.compile(
    rf"(?:(?P<end>{_END})|(?P<launch>{_LAUNCH}))(?:日|日期)?"
    rf"(?:(?P<same>当天|当日)|(?P<dir>之前|以前|前|之后|以后|后|後)(?:的)?{_NUM}{_UNIT})"
    r"(?:之内|以内|内)?"
)
_ENGLISH = re.compile(rf"{_NUM}{_UNIT}(?P<dir>before|after)(?:the)?(?P<anchor>launch|start|end)")
_ENGLISH_SAME = re.compile(r"(?:on)?(?:the)?(?P<anchor>launch|start|end)day")


def _unit(text: str) -> str:
    if text in _DAY_UNITS:
        return "d"
    if text in _WD_UNITS:
        return "wd"
    raise ValueError(f"unknown unit {text!r}")


def _count(text: str) -> int:
    return int(text) if text.isdigit() else chinese_number(text)


@lru_cache(maxsize=2048)
def _parse(text: str) -> TimePoint:
    s = unicodedata.normalize("NFKC", text).translate(_DASHES).casefold()
    s = "".join(s.split())
    try:
        m = _SYMBOLIC.fullmatch(s)
        if m:
            anchor = "E" if m["a"] == "e" else "T"
            if m["sign"] is None:  # 'T', 'T0'
                return TimePoint(anchor, 0, "d")
            n = int(m["n"])
            return TimePoint(anchor, -n if m["sign"] == "-" else n, _unit(m["u"]))
        m = _WORDS.fullmatch(s)
        if m:
            anchor = "E" if m.group("end") else "T"
            if m.group("same"):
                return TimePoint(anchor, 0, "d")
            n = _count(m["n"])
            return TimePoint(anchor, -n if "前" in m["dir"] else n, _unit(m["u"]))
        m = _ENGLISH.fullmatch(s)
        if m:
            anchor = "E" if m.group("anchor") == "end" else "T"
            n = _count(m["n"])
            return TimePoint(anchor, -n if m["dir"] == "before" else n, _unit(m["u"]))
        m = _ENGLISH_SAME.fullmatch(s)
        if m:
            return TimePoint("E" if m.group("anchor") == "end" else "T", 0, "d")
    except ValueError:
        pass
    raise ValueError(f"not a time point: {text!r} (write T-15, T-5wd, E+3wd, 活动前15天 or 上线前5个工作日)")


def parse_time_point(text) -> TimePoint | None:
    """None for a blank cell; ValueError when the text is not a time point."""
    if is_blank(text):
        return None
    if not isinstance(text, str):
        raise ValueError(f"not a time point: {text!r}")
    return _parse(text)


def resolve(tp: TimePoint, launch: dt.date | None, end: dt.date | None, cal: WorkCalendar) -> dt.date:
    """The date a time point names; MissingAnchorError (a ValueError) when its anchor date is unknown."""
    base = launch if tp.anchor == "T" else end
    if base is None:
        raise MissingAnchorError(tp)
    if isinstance(base, dt.datetime):
        base = base.date()
    if tp.unit == "wd" and tp.offset:
        return cal.add_workdays(base, tp.offset)
    return cal.previous_workday(base + dt.timedelta(days=tp.offset))
