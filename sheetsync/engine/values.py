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
from functools import lru_cache

__all__ = [
    "STATUSES", "STATUS_LABELS", "is_blank", "clean_text", "parse_date", "parse_datetime", "parse_time",
    "parse_number", "parse_status", "parse_ids", "is_email", "normalise_header", "excel_serial_to_date",
    "excel_serial_to_datetime",
]

# Characters str.strip() keeps but a person cannot see.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


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

_EXCEL_EPOCH = dt.date(1899, 12, 30).toordinal()
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
_DATE_FORMS = (  # (pattern, has_year), tried in order; each anchored at the start of the text
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?"), True),
    (re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)"), True),
    (re.compile(r"(\d{4})(\d{2})(\d{2})(?![\d.])"), True),
    (re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?"), False),
    (re.compile(r"(\d{1,2})([-/])(\d{1,2})(?![\d/-])"), False),
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


@lru_cache(maxsize=16384)
def _parse_text(text: str, year: int | None) -> tuple[dt.date, dt.time | None]:
    s = _nfkc(text).strip().strip(_INVISIBLE)
    got = _iso(s)  # full-width ISO text arrives here
    if got is not None:
        return got
    if s.lower() != s.upper() or "周" in s or "星期" in s or "礼拜" in s:  # only then can a weekday be present
        s = _WEEKDAY.sub(" ", s).strip()
    for pattern, has_year in _DATE_FORMS:
        m = pattern.match(s)
        if not m:
            continue
        g = [x for x in m.groups() if x not in ("-", "/", ".")]
        if has_year:
            y, mo, d = int(g[0]), int(g[1]), int(g[2])
            if not 1900 <= y <= 2200:
                raise ValueError(f"implausible year in {text!r}")
        else:
            if year is None:
                raise ValueError(f"{text!r} has no year and no default year was given")
            y, mo, d = year, int(g[0]), int(g[1])
        try:
            day = dt.date(y, mo, d)
        except ValueError:
            raise ValueError(f"no such date: {text!r}") from None
        return day, _time_from_text(s[m.end():])
    raise ValueError(f"not a date: {text!r}")


def _date_and_time(v, year: int | None) -> tuple[dt.date, dt.time | None] | None:
    if isinstance(v, str):
        got = _iso(v)
        if got is not None:
            return got
    if is_blank(v):
        return None
    if isinstance(v, dt.datetime):
        return v.date(), v.time()
    if isinstance(v, dt.date):
        return v, None
    if isinstance(v, str):
        return _parse_text(v, year)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if v == int(_check_serial(v)):  # the usual whole-day serial: skip the datetime arithmetic
            return dt.date.fromordinal(_EXCEL_EPOCH + int(v)), None
        stamp = excel_serial_to_datetime(v)
        return stamp.date(), (stamp.time() if stamp.time() != dt.time() else None)
    raise ValueError(f"not a date: {v!r}")


def parse_date(v, year: int | None = None) -> dt.date | None:
    """A calendar date from a date, datetime, Excel serial or text; `year` completes '7月8日', '7-8', '7/8'."""
    got = _date_and_time(v, year)
    return None if got is None else got[0]


def parse_datetime(v, year: int | None = None) -> dt.datetime | None:
    """A date with an optional time of day; a date alone is midnight. Naive (the campaign's zone)."""
    if isinstance(v, dt.datetime):
        return v
    got = _date_and_time(v, year)
    if got is None:
        return None
    day, time = got
    return dt.datetime.combine(day, time or dt.time())


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


def _chinese_number(s: str) -> int:
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
            value = float(_chinese_number(m.group(1)))
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

_STATUS_WORDS = {
    "not-started": ("未开始", "未启动", "待开始", "待办", "not started", "to do", "todo", "open", "planned"),
    "in-progress": ("进行中", "处理中", "执行中", "开发中", "in progress", "doing", "wip", "ongoing", "started"),
    "in-review": ("待审核", "审核中", "待确认", "待验收", "in review", "review", "pending review", "awaiting review",
                  "submitted"),
    "done": ("已完成", "完成", "已上线", "已交付", "done", "complete", "completed", "finished"),
    "blocked": ("受阻", "阻塞", "卡住", "暂停", "搁置", "blocked", "on hold", "stuck"),
    "cancelled": ("已取消", "取消", "作废", "cancelled", "canceled", "dropped"),
}


def _status_key(s: str) -> str:
    # 'In-Progress', 'in_progress', 'IN PROGRESS' and 'inprogress' are one word to a reader.
    return re.sub(r"[\s\-_]+", "", s)


_STATUS = {_status_key(w): code for code, words in _STATUS_WORDS.items() for w in (*words, code)}
for _code, _label in (*STATUS_LABELS["zh"].items(), *STATUS_LABELS["en"].items()):
    _STATUS[_status_key(_label.casefold())] = _code
_BOXES = "□■☐☑✓✔√☒✅❌✗✘▢◻◼▪▫○●◯"
_LONE_MARKS = {"✓": "done", "✔": "done", "√": "done", "☑": "done", "✅": "done", "☐": "not-started",
               "□": "not-started"}
_STATUS_TRIM = _BOXES + " \t\r\n.。!！:：" + _INVISIBLE


@lru_cache(maxsize=1024)
def _status_from_text(text: str) -> str:
    s = _nfkc(text).strip().strip(_INVISIBLE).casefold()
    if s in _LONE_MARKS:  # a check-list column that holds only the mark
        return _LONE_MARKS[s]
    code = _STATUS.get(_status_key(s.strip(_STATUS_TRIM)))
    if code is None:
        raise ValueError(f"unknown status: {text!r}")
    return code


def parse_status(v) -> str | None:
    """One of STATUSES from Chinese or English words, ignoring case, width and check-box symbols."""
    if is_blank(v):
        return None
    if not isinstance(v, str):
        raise ValueError(f"unknown status: {v!r}")
    return _status_from_text(v)


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


_HEADER_NOTE = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]$")


@lru_cache(maxsize=4096)
def _normalise_header_text(text: str) -> str:
    s = "".join(unicodedata.normalize("NFKC", text).casefold().split())
    s = s.strip(_INVISIBLE)
    while True:
        before = s
        s = s.rstrip(":").strip("*")
        stripped = _HEADER_NOTE.sub("", s)
        if stripped:  # a header that is nothing but a note keeps it
            s = stripped
        if s == before:
            return s


def normalise_header(text) -> str:
    """'截止日期：' , '工期（工作日）', ' Due Date (working days) ' -> '截止日期', '工期', 'duedate'."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = clean_text(text) or ""
    return _normalise_header_text(text)
