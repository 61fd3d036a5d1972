"""Dates as a person reads them, in zh and en: every date carries its weekday, and a day the calendar turns
around says so (`10-10（周六，调休上班）`, `Oct 10 (Sat, make-up workday)`, `10-01（周四，放假）`; Chinese text takes
Chinese brackets and commas).

One formatter for every message (digests, chat, notice, report sheet, console), so a date reads the same
everywhere. Pure functions; `calendar` is anything with `is_workday(date)` (engine.calendar.WorkCalendar),
None when the working days are not known (then only the weekday is given). `PHRASE` matches what these
functions write (and a number with its unit), for the HTML that keeps each one on one line."""
from __future__ import annotations

import datetime as dt
import functools
import re

WEEKDAYS = {"zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
            "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
TURNED = {"zh": {"workday": "调休上班", "holiday": "放假"}, "en": {"workday": "make-up workday", "holiday": "holiday"}}
_TO = {"zh": " 至 ", "en": " to "}


def _lang(lang: str) -> str:
    return "zh" if lang == "zh" else "en"


def turned(day: dt.date, calendar) -> str | None:
    """'workday' for a weekend day the calendar works, 'holiday' for a weekday it does not; None otherwise."""
    if calendar is None:
        return None
    try:
        works = calendar.is_workday(day)
    except (OverflowError, ValueError, KeyError):
        return None
    weekend = day.weekday() >= 5
    if weekend and works:
        return "workday"
    if not weekend and not works:
        return "holiday"
    return None


@functools.lru_cache(maxsize=4096)  # a report names the same few hundred days thousands of times
def day_text(day: dt.date | dt.datetime, lang: str, calendar=None, *, year: bool = False,
             time: bool = False) -> str:
    """`10-08（周四）` / `Oct 8 (Thu)`; with the year `2026-10-08（周四）` / `Oct 8, 2026 (Thu)`; with `time`
    a datetime also gives its hour and minute."""
    lang = _lang(lang)
    clock = f" {day:%H:%M}" if time and isinstance(day, dt.datetime) else ""
    d = day.date() if isinstance(day, dt.datetime) else day
    bits = [WEEKDAYS[lang][d.weekday()]]
    kind = turned(d, calendar)
    if kind:
        bits.append(TURNED[lang][kind])
    if lang == "zh":
        head = f"{d:%Y-%m-%d}" if year else f"{d:%m-%d}"
        return f"{head}（{'，'.join(bits)}）{clock}"
    head = f"{MONTHS[d.month - 1]} {d.day}" + (f", {d.year}" if year else "")
    return f"{head} ({', '.join(bits)}){clock}"


def span_text(first: dt.date, last: dt.date, lang: str, calendar=None) -> str:
    """`10-08（周四） 至 10-14（周三）`."""
    return day_text(first, lang, calendar) + _TO[_lang(lang)] + day_text(last, lang, calendar)


def week_text(monday: dt.date, lang: str) -> str:
    """An ISO week as people say it: `第41周（10-05 至 10-11）` / `week 41 (Oct 5 to Oct 11)`."""
    monday = monday - dt.timedelta(days=monday.weekday())
    sunday = monday + dt.timedelta(days=6)
    n = monday.isocalendar()[1]
    if _lang(lang) == "zh":
        return f"第{n}周（{monday:%m-%d} 至 {sunday:%m-%d}）"
    return f"week {n} ({MONTHS[monday.month - 1]} {monday.day} to {MONTHS[sunday.month - 1]} {sunday.day})"


_ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def period_text(period: str, lang: str) -> str:
    """`2026-W41` -> `第41周（10-05 至 10-11）`; any other text is returned as written."""
    m = _ISO_WEEK.match(str(period).strip())
    if not m:
        return str(period)
    try:
        return week_text(dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1), lang)
    except ValueError:
        return str(period)


# what the functions above write, and a number with its unit ("3 个工作日", "86 hours", "5/31"): the HTML
# wraps each match so a phone never breaks it across lines
_ZH_DATE = r"(?:\d{4}-)?\d{2}-\d{2}（[^（）\n]{1,12}）(?: \d{2}:\d{2})?"
_EN_DATE = r"(?:%s) \d{1,2}(?:, \d{4})? \([A-Za-z ,-]{3,24}\)(?: \d{2}:\d{2})?" % "|".join(MONTHS)
_COUNT = r"\d+(?:[./]\d+)?%?(?: ?(?:个工作日|个任务|项任务|小时|天|处|条|个)| (?:working days?|hours?|days?|tasks?|cells?))?"
_WEEK = r"第\d+周（\d{2}-\d{2} 至 \d{2}-\d{2}）|week \d+ \((?:%s) \d{1,2} to (?:%s) \d{1,2}\)" % (
    "|".join(MONTHS), "|".join(MONTHS))
_VERDICT = r"— (?:[A-Za-z]+ [A-Za-z]+|[^\s，,。.]{1,12})"  # the verdict after a dash: `— 有风险`, `— on track`
# PHRASE, DATE_PHRASE (dates and weeks only: for text from the sheet) and DAY_PHRASE (a date as day_text writes
# it), compiled when first asked for: only the messages' HTML uses them, and the week alternatives make them
# costly to build at every command's start
_PHRASES = {"PHRASE": f"{_WEEK}|{_ZH_DATE}|{_EN_DATE}|{_VERDICT}|{_COUNT}", "DATE_PHRASE": f"{_WEEK}|{_ZH_DATE}|{_EN_DATE}",
            "DAY_PHRASE": f"{_ZH_DATE}|{_EN_DATE}"}


def __getattr__(name: str):
    if name in _PHRASES:
        pattern = globals()[name] = re.compile(_PHRASES[name])
        return pattern
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def before_launch_text(days: int, lang: str, unit: str = "wd", after: bool = False) -> str:
    """`T-3wd` as people say it: `上线前3个工作日` / `3 working days before launch` (`T+2`: `上线后2天`)."""
    if _lang(lang) == "zh":
        return f"上线{'后' if after else '前'}{days}{'个工作日' if unit == 'wd' else '天'}"
    words = ("working day" if unit == "wd" else "day") + ("" if days == 1 else "s")
    return f"{days} {words} {'after' if after else 'before'} launch"


_ISO_DAY = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}))?(?!\d)")
_ISO_WEEK_IN = re.compile(r"(?<![\w-])(\d{4})-W(\d{2})(?!\w)")
# a time point relative to the launch as typed: T-15 (days), T-3wd (working days), T+2
_T_MINUS = re.compile(r"(?<![\w-])T([-+])(\d+)(wd|d)?(?![\w])", re.IGNORECASE)


def readable(text: str, lang: str, calendar=None, today: dt.date | None = None, dates=None) -> str:
    """Text written with internal tokens (the engine's findings: ISO dates, `2026-W41`, `T-3wd`) as a person
    reads it: each date with its weekday (and its year only when it is not `today`'s), each week with its
    days, each time point in words. `dates` (ISO strings) limits the rewrite to the dates a message is about,
    so an example of how to write a date (`2026-07-08`) stays as written."""
    def day(m):
        if dates is not None and m.group(0)[:10] not in dates:
            return m.group(0)
        try:
            d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return m.group(0)
        when = dt.datetime.combine(d, dt.time(int(m.group(4)), int(m.group(5)))) if m.group(4) else d
        other_year = today is not None and d.year != today.year
        return day_text(when, lang, calendar, year=other_year, time=bool(m.group(4)))

    def week(m):
        return period_text(f"{m.group(1)}-W{m.group(2)}", lang)

    def point(m):
        unit = "wd" if (m.group(3) or "").lower() == "wd" else "d"  # a bare T-15 counts days (engine.timepoints)
        return before_launch_text(int(m.group(2)), lang, unit, after=m.group(1) == "+")

    text = str(text)
    if "W" in text:
        text = _ISO_WEEK_IN.sub(week, text)
    if "T-" in text or "T+" in text or "t-" in text or "t+" in text:
        text = _T_MINUS.sub(point, text)
    return _ISO_DAY.sub(day, text) if dates is None or dates else text


def finding_text(finding, lang: str, calendar=None, today: dt.date | None = None) -> str:
    """A finding's message as a person reads it (`readable`), rewriting only the dates its parameters hold.
    Cached by message: a report of 100k findings repeats the same few hundred texts."""
    dates = frozenset(v[:10] for v in (finding.params or {}).values()
                      if v.__class__ is str and len(v) >= 10 and v[4] == "-" and v[7] == "-")
    if not dates and "W" not in finding.message and "T-" not in finding.message and "T+" not in finding.message:
        return finding.message
    # by the calendar's definition, not the object: each run builds its own calendar, alike from run to run
    key = (finding.message, lang, getattr(calendar, "definition", calendar), today, dates)
    text = _TEXTS.get(key)
    if text is None:
        if len(_TEXTS) >= _KEEP_TEXTS:
            _TEXTS.clear()
        text = _TEXTS[key] = readable(finding.message, lang, calendar, today, dates)
    return text


_KEEP_TEXTS = 8192
_TEXTS: dict[tuple, str] = {}


def calendar_of(report):
    """The working calendar every date of a report is written with: the engine's (the Holidays sheet and an
    imported notice included), else the campaign's country's, else weekends only when that country is not
    known (a finding says so already; each date still carries its weekday)."""
    if getattr(report, "calendar", None) is not None:
        return report.calendar
    from .engine.calendar import WorkCalendar  # lazy: holiday data only when a date is written
    try:
        return WorkCalendar(report.campaign.calendar or None)
    except ValueError:
        return WorkCalendar(None)
