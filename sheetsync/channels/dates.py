"""Dates as the launch notice and chat posts show them: with their weekday, and a make-up working day or a day
off on a weekday said as such — `10-10(周六,调休上班)`, `Oct 10 (Sat, make-up workday)`. The year shows only
when it is not the reference year. One function, so every date a person reads here is written one way."""
from __future__ import annotations

import datetime as dt
import re

_WEEKDAYS = {"zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
             "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # not the locale's
_ZH_COMMA = "\uff0c"
_MARKS = {"zh": {"makeup": "调休上班", "off": "休息日"}, "en": {"makeup": "make-up workday", "off": "day off"}}


def day_text(lang: str, day: dt.date, calendar=None, *, year: int | None = None) -> str:
    """`day` with its weekday in `lang`; `calendar` (engine.calendar.WorkCalendar) adds a make-up working day
    (a weekend that is worked) or a weekday off; `year` is the reference year (default: `day`'s own)."""
    marks = [_WEEKDAYS[lang][day.weekday()]]
    if calendar is not None:
        try:
            works = calendar.is_workday(day)
        except Exception:  # a calendar without data for that year: the weekday alone is still right
            works = day.weekday() < 5
        if works and day.weekday() >= 5:
            marks.append(_MARKS[lang]["makeup"])
        elif not works and day.weekday() < 5:
            marks.append(_MARKS[lang]["off"])
    own_year = year is None or day.year == year
    if lang == "zh":
        date = f"{day.month:02d}-{day.day:02d}" if own_year else day.isoformat()
        return f"{date}\uff08{_ZH_COMMA.join(marks)}\uff09"  # Chinese brackets and comma in Chinese text
    date = f"{_MONTHS[day.month - 1]} {day.day}" + ("" if own_year else f", {day.year}")
    return f"{date} ({', '.join(marks)})"


# a date as day_text writes it, to keep it on one line in HTML (a phone must not break "10-26（周一）" in two)
DAY_TEXT = re.compile("(?:\\d{4}-)?\\d{2}-\\d{2}\uff08[^\uff09]*\uff09|"
                      "(?:" + "|".join(_MONTHS) + ") \\d{1,2}(?:, \\d{4})? \\([^)]*\\)")


def calendar_of(report):
    """The campaign's working-day calendar, or the default one when its name is not known (that is a finding
    already; the weekday alone is still right)."""
    if getattr(report, "calendar", None) is not None:  # the engine's: Holidays sheet and imported notice
        return report.calendar
    from ..engine.calendar import WorkCalendar  # lazy: holiday data only when a date is written
    try:
        return WorkCalendar(report.campaign.calendar or None)
    except ValueError:
        return WorkCalendar(None)
