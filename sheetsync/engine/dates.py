"""Dates, times and date ranges from date cells, Excel serial numbers and text ('2026/7/8', '7月8日', '12.1-12.8').

Text results are memoised: the same date recurs thousands of times in a large tracker. Parsers return None
for a blank cell and raise ValueError for a value they cannot read."""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from ..model import INVISIBLE as _INVISIBLE
from ..serials import EPOCH
from .cells import is_blank, nfkc

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
    # '1/15/2022', '15/1/2022': month/day/year or day/month/year, read only where the text says which
    (_NUMERIC_DMY := re.compile(r"(\d{1,2})([-/])(\d{1,2})\2(\d{4})(?!\d)"), "num"),
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


def _month_and_day(a: int, b: int, text: str) -> tuple[int, int]:
    """'1/15/2022' is 15 January and '15/1/2022' too; '3/4/2022' could be either and is not read (a column whose
    other cells say which order it uses is put in that order first: in_column_order)."""
    if a > 12 >= b:
        return b, a
    if b > 12 >= a or a == b:
        return a, b
    raise ValueError(f"{text!r} could be month/day or day/month")


def column_order(values) -> str | None:
    """'mdy' or 'dmy' when a column's numeric dates show only that order ('1/15/2022' shows month/day/year),
    None when none does or both do."""
    seen = set()
    for v in values:
        if v.__class__ is str and len(v) <= 12 and ("/" in v[1:3] or "-" in v[1:3]):
            m = _NUMERIC_DMY.fullmatch(v.strip())
            if m:
                a, b = int(m.group(1)), int(m.group(3))
                if a > 12 >= b:
                    seen.add("dmy")
                elif b > 12 >= a:
                    seen.add("mdy")
    return seen.pop() if len(seen) == 1 else None


def in_column_order(v, order: str | None):
    """A numeric date that could be month/day or day/month, as ISO text in the column's order; others as they are."""
    if order is None or v.__class__ is not str:
        return v
    m = _NUMERIC_DMY.fullmatch(v.strip())
    if not m:
        return v
    a, b, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
    mo, d = (a, b) if order == "mdy" else (b, a)
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else v


# An empty date as spreadsheets show it: serial 0 or 1 in a date cell (1899-12-30, 1900-01-01), or the same
# typed or exported as text ('1900-12-30', '1900/1/0'). No plan is dated 1900.
_PLACEHOLDER = re.compile(r"^\s*(?:1899|1900)\s*[-/.年]")


def is_placeholder(v) -> bool:
    if isinstance(v, (dt.date, dt.datetime)):
        return v.year <= 1900
    if isinstance(v, (dt.time, dt.timedelta)):  # serial 0 in a date cell, as the reader gives it
        return v in (dt.time(0), dt.timedelta(0))
    if v.__class__ is str:
        if v.isascii():  # the usual cell: no full-width digits to fold, so look at the first characters only
            s = v.lstrip()
            return s[:4] in ("1899", "1900") and bool(_PLACEHOLDER.match(s))
        return bool(_PLACEHOLDER.match(nfkc(v)))
    return False


# An unknown start ('？-2016/8/11', 'TBD~8.11'): the range's last day is still the deadline.
_UNKNOWN_START = re.compile(r"^\s*(?:\?+|tbd|待定|未定)\s*(?:~|～|〜|–|—|-|至|到)\s*", re.IGNORECASE)


@lru_cache(maxsize=16384)
def _parse_text(text: str, year: int | None) -> tuple[dt.date, dt.time | None, bool]:
    """(day, time, whether the text carried its year); a text without one takes `year`."""
    s = nfkc(text).strip().strip(_INVISIBLE)
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
        elif kind == "num":
            y, mo, d = int(g[2]), *_month_and_day(int(g[0]), int(g[1]), text)
            has_year = True
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
    unknown = _UNKNOWN_START.match(nfkc(text))
    if unknown:
        day = parse_date(nfkc(text)[unknown.end():], year, near=near)
        return day, day
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
        t = _time_from_text(nfkc(v))
        if t is not None:
            return t
    raise ValueError(f"not a time of day: {v!r}")
