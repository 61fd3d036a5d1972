"""Cell values as python-calamine or the Sheets API return them, turned into dates, numbers, statuses and ids.

Every parser is called once per cell of a 100k-row tracker, so the regular expressions are compiled once
and text results are memoised (the same '已完成' or '2026/7/8' recurs thousands of times).
Parsers return None for a blank cell and raise ValueError for a value they cannot read.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ..model import INVISIBLE as _INVISIBLE, normalise_title as _normalise_header_text
from ..serials import EPOCH

__all__ = [
    "STATUSES", "STATUS_LABELS", "is_blank", "clean_text", "parse_date", "parse_datetime", "parse_time",
    "parse_number", "parse_status", "parse_ids", "is_email", "normalise_header", "excel_serial_to_date",
    "excel_serial_to_datetime", "parse_date_span", "parse_progress", "status_from_progress", "parse_owners",
    "parse_links", "Link", "to_simplified",
]



def _nfkc(s: str) -> str:
    # Full-width digits, letters, colons, slashes and parentheses become ASCII; CJK characters stay.
    return unicodedata.normalize("NFKC", s) if not s.isascii() else s


def is_blank(v) -> bool:
    """None, '', whitespace-only text, and NaN (pandas' empty cell)."""
    if v is None:
        return True
    if isinstance(v, str):
        return not v.strip().strip(_INVISIBLE).strip()
    if isinstance(v, float):
        return math.isnan(v)
    return False


def _format_number(v: float) -> str:
    if v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    return repr(v)


def clean_text(v) -> str | None:
    """The cell as text: stripped, whole-number floats without '.0' (calamine reads the id 7 as 7.0)."""
    if is_blank(v):
        return None
    if isinstance(v, str):
        return v.strip().strip(_INVISIBLE).strip()
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return _format_number(v)
    if isinstance(v, dt.datetime):
        if v.hour == v.minute == v.second == v.microsecond == 0:
            return v.date().isoformat()
        return v.strftime("%Y-%m-%d %H:%M:%S" if v.second else "%Y-%m-%d %H:%M")
    if isinstance(v, dt.time):
        return v.strftime("%H:%M:%S" if v.second else "%H:%M")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v).strip()


# ---------------------------------------------------------------- Excel serial numbers

_EXCEL_EPOCH = EPOCH.toordinal()
_SERIAL_MIN = dt.date(1955, 1, 1).toordinal() - _EXCEL_EPOCH  # 20090
_SERIAL_MAX = dt.date(2151, 1, 1).toordinal() - _EXCEL_EPOCH  # exclusive: 31 Dec 2150 is the last day


def _check_serial(x) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise ValueError(f"not an Excel serial number: {x!r}")
    if not (_SERIAL_MIN <= x < _SERIAL_MAX):  # also rejects NaN
        raise ValueError(f"{x!r} is not a plausible Excel date serial (1955-2150)")
    return float(x)


def excel_serial_to_date(x: float) -> dt.date:
    """Days since 1899-12-30 (Excel's and Google's epoch); the fraction, a time of day, is dropped."""
    return dt.date.fromordinal(_EXCEL_EPOCH + int(_check_serial(x)))


def excel_serial_to_datetime(x: float) -> dt.datetime:
    """Days since 1899-12-30 with the fraction as a time of day, rounded to the second."""
    x = _check_serial(x)
    days = int(x)
    seconds = round((x - days) * 86400)
    return dt.datetime.fromordinal(_EXCEL_EPOCH + days) + dt.timedelta(seconds=seconds)


# ---------------------------------------------------------------- dates and times in text

_WEEKDAY = re.compile(
    r"[(\[]?\s*(?:(?:星期|礼拜|周)[一二三四五六日天1-7]"
    r"|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun)\b\.?)"
    r"\s*[)\]]?\s*,?",
    re.IGNORECASE,
)
_MONTHS = {m: i for i, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
    ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december")), 1) for m in names}
_MONTH_NAME = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
# (pattern, kind), tried in order; each anchored at the start of the text. kind: ymd | md | dmy (month name,
# Jira's '07/Sep/21') | mdy (month name, 'Sep 7, 2021') | dm (month name, no year) | m_d (month name first)
_DATE_FORMS = (
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?"), "ymd"),
    (re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)"), "ymd"),
    (re.compile(r"(\d{4})(\d{2})(\d{2})(?![\d.])"), "ymd"),
    (re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?"), "md"),
    (re.compile(r"(\d{1,2})([-/])(\d{1,2})(?![\d/-])"), "md"),
    # '12.8', '11.27': month.day as Chinese teams type it (never day.month: '8.7.2026' stays unread)
    (re.compile(r"(\d{1,2})\.(\d{1,2})(?![\d.])"), "md"),
    (re.compile(r"(\d{1,2})[-/ ]\s*" + _MONTH_NAME + r"[-/ ,]\s*(\d{4}|\d{2})(?![\d/-])", re.IGNORECASE), "dmy"),
    (re.compile(_MONTH_NAME + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)", re.IGNORECASE), "mdy"),
    (re.compile(r"(\d{1,2})[ -]" + _MONTH_NAME + r"(?![a-z])", re.IGNORECASE), "dm"),
    (re.compile(_MONTH_NAME + r"\s+(\d{1,2})(?:st|nd|rd|th)?(?![\d:])", re.IGNORECASE), "m_d"),
)
_TIME = re.compile(
    r"(?:(上午|早上|早晨|凌晨|中午|下午|晚上|傍晚)\s*)?"
    r"(\d{1,2})(?:\s*:\s*(\d{2})(?:\s*:\s*(\d{2})(?:\.\d+)?)?|\s*[点時时]\s*(?:(\d{1,2})\s*分?|(半))?)?"
    r"\s*(am|pm|a\.m\.|p\.m\.)?",
    re.IGNORECASE,
)
_PM_WORDS = ("下午", "晚上", "傍晚")
_AM_WORDS = ("上午", "早上", "早晨", "凌晨")


def _time_from_text(rest: str) -> dt.time | None:
    """The time after a date ('8:30', '上午8:30', '下午2点半', '2:30 PM'), None when there is none."""
    rest = rest.strip().lstrip("Tt,").strip()
    if not rest:
        return None
    m = _TIME.fullmatch(rest)
    if not m:
        raise ValueError(f"not a time of day: {rest!r}")
    cn, hour, minute, second, cn_minute, half, ampm = m.groups()
    has_clock = minute is not None or rest.find("点") >= 0 or rest.find("时") >= 0 or rest.find("時") >= 0
    if not (has_clock or cn or ampm):
        raise ValueError(f"not a time of day: {rest!r}")  # a bare number after a date
    h = int(hour)
    mi = int(minute if minute is not None else cn_minute or (30 if half else 0))
    s = int(second or 0)
    if ampm:
        if not 1 <= h <= 12:
            raise ValueError(f"hour {h} with {ampm}")
        pm = ampm.lower().startswith("p")
        h = (h % 12) + (12 if pm else 0)
    if cn:
        if cn in _AM_WORDS and h > 12:
            raise ValueError(f"not a time of day: {rest!r}")  # '上午13:00' contradicts itself
        if cn in _PM_WORDS and h < 12:
            h += 12
        elif cn == "中午" and h < 11:  # 中午1点 is 13:00
            h += 12
    if not (0 <= h <= 23 and 0 <= mi <= 59 and 0 <= s <= 59):
        raise ValueError(f"not a time of day: {rest!r}")
    return dt.time(h, mi, s)


def _iso(s: str) -> tuple[dt.date, dt.time | None] | None:
    """The C-speed path for ISO text such as '2026-07-08' or '2026-07-08T08:30:00' (timestamps rarely repeat,
    so this runs before the memo instead of filling it)."""
    n = len(s)
    if n > 16 and s[-1] in "Zz":  # a UTC stamp from a Trello or Jira export: its UTC day and time as written
        s, n = s[:-1], n - 1
    if not (n >= 10 and s[4] == "-" and s[7] == "-" and (  # fromisoformat alone would also take '2026-07-08x08'
            n == 10 or s[10] in "T " and s[13:14] == ":" and (n in (16, 19) or n > 20 and s[19] == "."))):
        return None
    try:
        stamp = dt.datetime.fromisoformat(s)
    except ValueError:
        return None
    if stamp.tzinfo is not None or not 1900 <= stamp.year <= 2200:
        return None  # let the full parser give the reason
    if len(s) == 10:
        return stamp.date(), None
    return stamp.date(), stamp.time()


@lru_cache(maxsize=4096)
def _nearest_year(month: int, day: int, near: dt.date) -> dt.date:
    """'12/8' or '1.5' without a year: the year (near's, the one before or after) that puts the day nearest
    `near`, so a December plan read in January, or a January task in a December campaign, keeps its order."""
    best = None
    for y in (near.year, near.year - 1, near.year + 1):
        try:
            d = dt.date(y, month, day)
        except ValueError:  # 29 February outside a leap year
            continue
        if best is None or abs((d - near).days) < abs((best - near).days):
            best = d
    if best is None:
        raise ValueError(f"no such date: {month}/{day}")
    return best


@lru_cache(maxsize=16384)
def _parse_text(text: str, year: int | None) -> tuple[dt.date, dt.time | None, bool]:
    """(day, time, whether the text carried its year); a text without one takes `year`."""
    s = _nfkc(text).strip().strip(_INVISIBLE)
    got = _iso(s)  # full-width ISO text arrives here
    if got is not None:
        return got[0], got[1], True
    if s.lower() != s.upper() or "周" in s or "星期" in s or "礼拜" in s:  # only then can a weekday be present
        s = _WEEKDAY.sub(" ", s).strip()
    for pattern, kind in _DATE_FORMS:
        m = pattern.match(s)
        if not m:
            continue
        g = [x for x in m.groups() if x not in ("-", "/", ".")]
        has_year = kind in ("ymd", "dmy", "mdy")
        if kind == "ymd":
            y, mo, d = int(g[0]), int(g[1]), int(g[2])
        elif kind == "dmy":
            y, mo, d = int(g[2]), _MONTHS[g[1].casefold()], int(g[0])
            y += 2000 if y < 100 else 0  # Jira's '07/Sep/21'
        elif kind == "mdy":
            y, mo, d = int(g[2]), _MONTHS[g[0].casefold()], int(g[1])
        else:
            if year is None:
                raise ValueError(f"{text!r} has no year and no default year was given")
            if kind == "md":
                y, mo, d = year, int(g[0]), int(g[1])
            elif kind == "dm":
                y, mo, d = year, _MONTHS[g[1].casefold()], int(g[0])
            else:
                y, mo, d = year, _MONTHS[g[0].casefold()], int(g[1])
        if has_year and not 1900 <= y <= 2200:
            raise ValueError(f"implausible year in {text!r}")
        try:
            day = dt.date(y, mo, d)
        except ValueError:
            raise ValueError(f"no such date: {text!r}") from None
        return day, _time_from_text(s[m.end():]), has_year
    raise ValueError(f"not a date: {text!r}")


def _month_day_number(v: float, year: int | None) -> tuple[dt.date, None, bool]:
    """12.8 or 11.27 typed into a date column and stored as a number: month.day, as the cell shows it
    (12.10 typed as a number shows, and reads, as 12.1)."""
    text = repr(v)
    if year is None:
        raise ValueError(f"{text} has no year and no default year was given")
    month, _, day = text.partition(".")
    try:
        return dt.date(year, int(month), int(day)), None, False
    except ValueError:
        raise ValueError(f"not a date: {text}") from None


def _date_and_time(v, year: int | None) -> tuple[dt.date, dt.time | None, bool] | None:
    if isinstance(v, str):
        got = _iso(v)
        if got is not None:
            return got[0], got[1], True
    if is_blank(v):
        return None
    if isinstance(v, dt.datetime):
        return v.date(), v.time(), True
    if isinstance(v, dt.date):
        return v, None, True
    if isinstance(v, str):
        return _parse_text(v, year)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if v.__class__ is float and 1 <= v < 13 and not v.is_integer():
            return _month_day_number(v, year)
        if v == int(_check_serial(v)):  # the usual whole-day serial: skip the datetime arithmetic
            return dt.date.fromordinal(_EXCEL_EPOCH + int(v)), None, True
        stamp = excel_serial_to_datetime(v)
        return stamp.date(), (stamp.time() if stamp.time() != dt.time() else None), True
    raise ValueError(f"not a date: {v!r}")


def _dated(v, year: int | None, near: dt.date | None) -> tuple[dt.date, dt.time | None] | None:
    got = _date_and_time(v, near.year if year is None and near is not None else year)
    if got is None:
        return None
    day, time, has_year = got
    if not has_year and near is not None and year is None:
        day = _nearest_year(day.month, day.day, near)
    return day, time


def parse_date(v, year: int | None = None, *, near: dt.date | None = None) -> dt.date | None:
    """A calendar date from a date, datetime, Excel serial or text. A text without a year ('7月8日', '7-8',
    '7/8', '12.8') takes `year`, or with `near` the year that puts it nearest that day."""
    got = _dated(v, year, near)
    return None if got is None else got[0]


def parse_datetime(v, year: int | None = None, *, near: dt.date | None = None) -> dt.datetime | None:
    """A date with an optional time of day; a date alone is midnight. Naive (the campaign's zone)."""
    if isinstance(v, dt.datetime):
        return v
    got = _dated(v, year, near)
    if got is None:
        return None
    day, time = got
    return dt.datetime.combine(day, time or dt.time())


_SPAN_SEP = re.compile(r"\s*(?:~|～|〜|–|—|至|到|\bto\b|\buntil\b)\s*|\s*-\s*", re.IGNORECASE)
_DAY_ONLY = re.compile(r"(\d{1,2})\s*[日号]?")


@lru_cache(maxsize=4096)
def _span_from_text(text: str, year: int | None, near: dt.date | None) -> tuple[dt.date, dt.date]:
    lines = [line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip()]
    days: list[dt.date] = []
    for line in lines:
        try:
            days.append(parse_date(line, year, near=near))
            continue
        except ValueError:
            pass
        for m in _SPAN_SEP.finditer(line):  # every separator: '2024/10/12-2024/10/14' has several '-'
            left, right = line[:m.start()], line[m.end():]
            if not left or not right:
                continue
            try:
                first = parse_date(left, year, near=near)
            except ValueError:
                continue
            short = _DAY_ONLY.fullmatch(right.strip())
            try:
                if short:  # '12月1日~8日', '12.1-8': the month of the first day
                    last = dt.date(first.year, first.month, int(short.group(1)))
                else:
                    last = parse_date(right, year, near=near)
            except ValueError:
                continue
            if last < first and not short and first.month > last.month:
                last = last.replace(year=last.year + 1)  # '12.28-1.5' runs into the next year
            if last < first:
                continue
            days += [first, last]
            break
        else:
            raise ValueError(f"not a date or a date range: {text!r}")
    if not days:
        raise ValueError(f"not a date or a date range: {text!r}")
    return min(days), max(days)


def parse_date_span(v, year: int | None = None, *, near: dt.date | None = None) -> tuple[dt.date, dt.date] | None:
    """A date, or a range in one cell ('12.1-12.8', '12月1日~8日', '2024/10/12-2024/10/14', one range per line):
    (first day, last day); both the same day for a single date."""
    if is_blank(v):
        return None
    if not isinstance(v, str):
        day = parse_date(v, year, near=near)
        return day, day
    return _span_from_text(v, year, near)


def parse_time(v) -> dt.time | None:
    """A time of day alone ('8:30', '上午8:30', a time cell, or an Excel fraction of a day)."""
    if is_blank(v):
        return None
    if isinstance(v, dt.datetime):
        return v.time()
    if isinstance(v, dt.time):
        return v
    if isinstance(v, float) and 0 <= v < 1:
        seconds = round(v * 86400)
        if seconds < 86400:
            return dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    if isinstance(v, str):
        t = _time_from_text(_nfkc(v))
        if t is not None:
            return t
    raise ValueError(f"not a time of day: {v!r}")


# ---------------------------------------------------------------- numbers

_NUMBER = re.compile(r"([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+)\s*(.*)")
_CN_NUMBER = re.compile(r"([零〇一二两三四五六七八九十百]+)\s*(.*)")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = frozenset({
    "", "天", "日", "个工作日", "工作日", "个工作天", "工作天", "个自然日", "自然日", "个日历日", "日历日",
    "d", "day", "days", "wd", "workday", "workdays", "working day", "working days", "work day", "work days",
    "business day", "business days", "calendar day", "calendar days",
})


def chinese_number(s: str) -> int:
    """零..九百九十九 as written in everyday text ('十五', '二十', '两')."""
    total, digit = 0, None
    for ch in s:
        if ch in _CN_DIGITS:
            if digit is not None:
                raise ValueError(s)
            digit = _CN_DIGITS[ch]
        elif ch == "十":
            total += 10 * (1 if digit is None else digit)
            digit = None
        elif ch == "百":
            if digit is None:
                raise ValueError(s)
            total += 100 * digit
            digit = None
    return total + (digit or 0)


@lru_cache(maxsize=4096)
def _number_from_text(text: str) -> float:
    s = _nfkc(text).strip().strip(_INVISIBLE).casefold()
    m = _NUMBER.fullmatch(s)
    if m:
        value = float(m.group(1).replace(",", ""))
    else:
        m = _CN_NUMBER.fullmatch(s)
        if not m:
            raise ValueError(f"not a number: {text!r}")
        try:
            value = float(chinese_number(m.group(1)))
        except ValueError:
            raise ValueError(f"not a number: {text!r}") from None
    if " ".join(m.group(2).split()) not in _UNITS:
        raise ValueError(f"not a number of days: {text!r}")
    return value


def parse_number(v) -> float | None:
    """3, '3', '3天', '3 days', '3个工作日', '3 wd', '１２', '十五天', '2,000' -> a float."""
    if is_blank(v):
        return None
    if isinstance(v, bool):
        raise ValueError(f"not a number: {v!r}")
    if isinstance(v, (int, float)):
        if not math.isfinite(v):
            raise ValueError(f"not a number: {v!r}")
        return float(v)
    if isinstance(v, str):
        return _number_from_text(v)
    raise ValueError(f"not a number: {v!r}")


# ---------------------------------------------------------------- status

STATUSES = ("not-started", "in-progress", "in-review", "done", "blocked", "cancelled")

STATUS_LABELS = {
    "zh": {"not-started": "未开始", "in-progress": "进行中", "in-review": "待审核", "done": "已完成",
           "blocked": "受阻", "cancelled": "已取消"},
    "en": {"not-started": "Not started", "in-progress": "In progress", "in-review": "In review", "done": "Done",
           "blocked": "Blocked", "cancelled": "Cancelled"},
}

# Every word and mark a person writes for a status, in one place (Simplified; Traditional Chinese is converted
# with OpenCC before the lookup). Decisions:
# - 延期 延迟 逾期 滞后 At Risk / Off Track say the work is still going, late or at risk: they read as in
#   progress, and `late` comes only from the deadline (a row marked 延期 whose deadline was moved is not late).
# - "Not done" marks and answers (✗ × ☐, FALSE, 否, N, No, 未完成) read as not started: a mark cannot tell
#   "not started" from "started, not finished", and not-started is the reading that claims no progress.
_STATUS_WORDS = {
    "not-started": ("未开始", "未启动", "待开始", "待办", "not started", "to do", "todo", "open", "planned",
                    "待定", "未完成", "计划中", "讨论计划中", "待下一个版本更新", "backlog", "new", "not yet",
                    "false", "否", "no", "n", "没有", "待处理"),
    "in-progress": ("进行中", "处理中", "执行中", "开发中", "in progress", "doing", "wip", "ongoing", "started",
                    "正在进行", "正在进行中", "延期", "延迟", "逾期", "滞后", "持续", "测试中", "开发完成待测试",
                    "at risk", "off track", "on track", "behind", "delayed", "late", "draft", "drafting",
                    "in development", "in testing", "testing", "research", "outline ready"),
    "in-review": ("待审核", "审核中", "待确认", "待验收", "in review", "review", "pending review", "awaiting review",
                  "submitted", "验收中", "待测试", "等待测试", "under review", "awaiting approval", "in qa"),
    "done": ("已完成", "完成", "已上线", "已交付", "done", "complete", "completed", "finished", "closed",
             "resolved", "已经完成", "测试完成", "已解决", "bug已经解决", "已关闭", "已结束", "已验收", "通过",
             "true", "是", "yes", "y", "shipped", "delivered", "launched", "fixed"),
    "blocked": ("受阻", "阻塞", "卡住", "暂停", "搁置", "blocked", "on hold", "stuck", "挂起", "paused",
                "功能异常", "bug等待解决"),
    "cancelled": ("已取消", "取消", "作废", "cancelled", "canceled", "dropped", "won't do", "wont do", "won't fix",
                  "wontfix", "不做", "放弃", "废弃", "abandoned", "rejected"),
}


def _status_key(s: str) -> str:
    # 'In-Progress', 'in_progress', 'IN PROGRESS' and 'inprogress' are one word to a reader; so are won't / wont.
    return re.sub(r"[\s\-_'’]+", "", s)


_STATUS = {_status_key(w): code for code, words in _STATUS_WORDS.items() for w in (*words, code)}
for _code, _label in (*STATUS_LABELS["zh"].items(), *STATUS_LABELS["en"].items()):
    _STATUS[_status_key(_label.casefold())] = _code
_BOXES = "□■☐☑✓✔√☒✅❌✗✘▢◻◼▪▫○●◯×"
_LONE_MARKS = {"✓": "done", "✔": "done", "√": "done", "☑": "done", "✅": "done", "■": "done", "☐": "not-started",
               "□": "not-started", "✗": "not-started", "✘": "not-started", "×": "not-started", "❌": "not-started"}
_STATUS_TRIM = _BOXES + " \t\r\n.。!！:：" + _INVISIBLE
_PERCENT = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*%")


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # loaded on the first Traditional character, not for every command
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=4096)
def to_simplified(text: str) -> str:
    """Traditional Chinese to Simplified (進行中 -> 进行中); ASCII and Simplified text come back unchanged."""
    if text.isascii():
        return text
    return _t2s().convert(text)


def status_from_progress(fraction: float) -> str:
    """0 not started, 1 (100%) done, anything between in progress."""
    if fraction <= 0:
        return "not-started"
    return "done" if fraction >= 1 else "in-progress"


@lru_cache(maxsize=1024)
def _status_from_text(text: str) -> str:
    s = to_simplified(_nfkc(text).strip().strip(_INVISIBLE).casefold())
    if s in _LONE_MARKS:  # a check-list column that holds only the mark
        return _LONE_MARKS[s]
    key = s.strip(_STATUS_TRIM)
    code = _STATUS.get(_status_key(key))
    if code is None:
        m = _PERCENT.fullmatch(key)
        if m and 0 <= float(m.group(1)) <= 100:  # '50%' typed into a status column
            return status_from_progress(float(m.group(1)) / 100)
        raise ValueError(f"unknown status: {text!r}")
    return code


def parse_status(v) -> str | None:
    """One of STATUSES from Chinese (Simplified or Traditional) or English words, check marks, yes/no answers,
    booleans (a checkbox column) and percentages, ignoring case, width and check-box symbols."""
    if is_blank(v):
        return None
    if isinstance(v, bool):
        return "done" if v else "not-started"
    if not isinstance(v, str):
        raise ValueError(f"unknown status: {v!r}")
    return _status_from_text(v)


# ---------------------------------------------------------------- progress

_NO_PROGRESS = frozenset({"/", "-", "—", "--", "n/a", "na", "无", "——", "–"})


def parse_progress(v, percent: bool = False) -> float | None:
    """The fraction done from '50%', 0.5 (a 0%-formatted cell), or 50 where `percent` says the column counts in
    percent (its header has % or some value exceeds 1); '/' and '-' are blank. Raises ValueError otherwise."""
    if is_blank(v):
        return None
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, (int, float)):
        x = float(v)
    elif isinstance(v, str):
        s = _nfkc(v).strip().strip(_INVISIBLE).casefold()
        if s in _NO_PROGRESS:
            return None
        m = _PERCENT.fullmatch(s)
        if m:
            x, percent = float(m.group(1)), True
        else:
            try:
                x = float(s)
            except ValueError:
                raise ValueError(f"not a progress: {v!r}") from None
    else:
        raise ValueError(f"not a progress: {v!r}")
    if percent or x > 1:
        x /= 100
    if not 0 <= x <= 1:  # also NaN
        raise ValueError(f"not a progress between 0% and 100%: {v!r}")
    return x


# ---------------------------------------------------------------- ids, emails, headers

_ID_SPLIT = re.compile(r"\s*[,;，；、/\n\r\t|]+\s*")
_NO_IDS = frozenset({"无", "没有", "-", "—", "--", "/", "n/a", "na", "none", "nil"})


@lru_cache(maxsize=4096)
def _ids_from_text(text: str) -> tuple[str, ...]:
    s = _nfkc(text).strip().strip(_INVISIBLE).strip()
    if s.casefold() in _NO_IDS:  # '无' in a depends-on column means no predecessors, not a task called 无
        return ()
    seen: dict[str, None] = {}
    for part in _ID_SPLIT.split(s):
        part = part.strip().strip(_INVISIBLE)
        if part:
            seen.setdefault(part)
    return tuple(seen)


def parse_ids(v) -> list[str]:
    """'T1, T2；T3、T4 / T5' and one id per line -> ['T1', 'T2', 'T3', 'T4', 'T5']; 7.0 -> ['7']."""
    if is_blank(v):
        return []
    if isinstance(v, float):
        return [_format_number(v)]
    if isinstance(v, str):
        if v.isascii() and v.strip().casefold() not in _NO_IDS:
            # ASCII text has no full-width forms or invisible characters to normalise: split it directly
            # (one id list per row would only churn _ids_from_text's cache)
            parts = _ID_SPLIT.split(v.strip())
            return list(dict.fromkeys(p for p in parts if p))
        return list(_ids_from_text(v))
    text = clean_text(v)
    return [text] if text else []


# ---------------------------------------------------------------- owners and predecessor links

# '张三、李四', '杨海波，贾建西', 'David／Allen' (NFKC makes it '/'), 'A, B', 'A; B', 'A and B', 'Gilly & Alex'
_OWNER_SPLIT = re.compile(r"\s*(?:[、,;，；/&|\n\r]|\s(?:and|\+)\s)\s*", re.IGNORECASE)
_DOTS = "·・•‧"


@lru_cache(maxsize=4096)
def _owner_parts(text: str) -> tuple[str, ...]:
    s = _nfkc(text).strip().strip(_INVISIBLE).strip()
    out: dict[str, None] = {}
    for part in _OWNER_SPLIT.split(s):
        part = part.strip()
        if not part:
            continue
        # 'Nash·Timyo·Haoche' is three people; '迪丽热巴·迪力木拉提' is one (the dot inside a transliterated name)
        if any(d in part for d in _DOTS) and part.translate({ord(d): None for d in _DOTS}).isascii():
            for name in re.split(f"[{_DOTS}]", part):
                if name.strip():
                    out.setdefault(name.strip())
        else:
            out.setdefault(part)
    return tuple(out)


def parse_owners(v, known=None) -> list[str]:
    """Every name in an owner cell. `known` (the People sheet's names) lets '张三 李四' be two people when both
    are known, and keeps a known name that contains a separator ('Marketing/ARH') whole."""
    text = clean_text(v)
    if not text:
        return []
    if known and text in known:
        return [text]
    parts = _owner_parts(text)
    if known:
        spaced = []
        for p in parts:
            pieces = p.split()
            if len(pieces) > 1 and p not in known and all(x in known for x in pieces):
                spaced += pieces
            else:
                spaced.append(p)
        parts = spaced
    return list(parts)


@dataclass(frozen=True)
class Link:
    """One predecessor reference: 'T3', '3', '3FS+2d' (MS Project / Smartsheet), 'T1(M1)'.

    kind: FS finish-to-start (the default), SS, FF, SF. lag: days after (before, when negative) the
    predecessor's finish or start. Units: 'd', 'day(s)', 'wd', '天', '工作日' or none are working days, as MS Project
    and Smartsheet count a lag; 'ed' (elapsed), 'cd', 'calendar day(s)', '自然日' are calendar days; 'w' is five
    working days and 'ew' seven calendar days."""
    raw: str  # the token as written (looked up first: a task may be called 'CLASS')
    ref: str  # the reference without type, lag and tag
    kind: str = "FS"
    lag: float = 0.0
    calendar: bool = False


_LINK_SPLIT = re.compile(r"\s*[,;，；、/\n\r\t|&]+\s*")
_LINK = re.compile(r"(?P<ref>.*?\S)\s*(?P<kind>FS|SS|FF|SF)?\s*(?:(?P<sign>[+-])\s*(?P<lag>\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s].*)?)?",
                   re.IGNORECASE)
_TAG = re.compile(r"\s*[(\[【][^()\[\]【】]*[)\]】]\s*$")
_LAG_UNITS = {  # unit -> (days per unit, calendar days)
    "": (1, False), "d": (1, False), "day": (1, False), "days": (1, False), "wd": (1, False), "wds": (1, False),
    "workday": (1, False), "workdays": (1, False), "working day": (1, False), "working days": (1, False),
    "business day": (1, False), "business days": (1, False), "天": (1, False), "工作日": (1, False),
    "个工作日": (1, False), "ed": (1, True), "eday": (1, True), "edays": (1, True), "cd": (1, True),
    "calendar day": (1, True), "calendar days": (1, True), "elapsed day": (1, True), "elapsed days": (1, True),
    "自然日": (1, True), "个自然日": (1, True), "日历日": (1, True), "w": (5, False), "wk": (5, False),
    "wks": (5, False), "week": (5, False), "weeks": (5, False), "ew": (7, True), "eweek": (7, True),
    "eweeks": (7, True),
}


def _link(token: str) -> Link:
    bare = _TAG.sub("", token) or token  # 'T1(M1)': the milestone tag is not part of the id
    m = _LINK.fullmatch(bare)
    if not m:
        return Link(token, bare)
    ref, kind, sign, lag, unit = m.group("ref", "kind", "sign", "lag", "unit")
    if not (kind or sign):
        return Link(token, bare)
    if sign:
        per = _LAG_UNITS.get(" ".join((unit or "").casefold().split()))
        if per is None:  # '3FS+2h': not a lag this reads; the whole token stays the reference
            return Link(token, bare)
        days = float(lag) * per[0] * (-1 if sign == "-" else 1)
        return Link(token, ref, (kind or "FS").upper(), days, per[1])
    return Link(token, ref, kind.upper())


@lru_cache(maxsize=4096)
def _links_from_text(text: str) -> tuple[Link, ...]:
    s = _nfkc(text).strip().strip(_INVISIBLE).strip()
    if s.casefold() in _NO_IDS:
        return ()
    seen: dict[str, Link] = {}
    for part in _LINK_SPLIT.split(s):
        part = part.strip().strip(_INVISIBLE)
        if part and part not in seen:
            seen[part] = _link(part)
    return tuple(seen.values())


def parse_links(v) -> list[Link]:
    """A depends-on cell as predecessor links: 'T1, T2', '3,5', '3FS+2d', '4FF-1d', 'T2.3&T2.4', 'T1(M1)'; '-'
    and '无' are none; 7.0 is '7'."""
    if is_blank(v):
        return []
    if isinstance(v, float):
        text = _format_number(v)
        return [Link(text, text)]
    if not isinstance(v, str):
        text = clean_text(v)
        return [Link(text, text)] if text else []
    return list(_links_from_text(v))


_EMAIL = re.compile(r"[^@\s<>,;:\"()\[\]\\]+@([^@\s<>,;:\"()\[\]\\]+)")


def is_email(s: str) -> bool:
    """One @, something before it, a dotted domain after it, no spaces or address-list punctuation."""
    if not isinstance(s, str):
        return False
    m = _EMAIL.fullmatch(s)
    if not m:
        return False
    labels = m.group(1).split(".")
    return len(labels) >= 2 and all(labels)


def normalise_header(text) -> str:
    """'截止日期：' , '工期（工作日）', ' Due Date (working days) ' -> '截止日期', '工期', 'duedate'."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = clean_text(text) or ""
    return _normalise_header_text(text)
