"""How long a submitted draft has waited for review, on the campaign's review clock.

`working` (the default) counts only the hours of working days on the tracker's calendar: a draft submitted on
the eve of a week-long holiday has not waited a week, and "feedback within 24 hours" means one
working day. `calendar` counts every hour. Pure: `now` is passed in, the calendar is the engine's."""
from __future__ import annotations

import datetime as dt

CLOCKS = ("working", "calendar")
DAY = 86400.0


def waiting_seconds(submitted: dt.datetime, now: dt.datetime, calendar=None, clock: str = "working") -> float:
    """Seconds from `submitted` to `now` (never negative); on the working clock only those on working days."""
    if now <= submitted:
        return 0.0
    if clock == "calendar" or calendar is None:
        return (now - submitted).total_seconds()
    first, last = submitted.date(), now.date()
    try:
        if first == last:
            return (now - submitted).total_seconds() if calendar.is_workday(first) else 0.0
        midnight_after = dt.datetime.combine(first + dt.timedelta(days=1), dt.time())
        total = (midnight_after - submitted).total_seconds() if calendar.is_workday(first) else 0.0
        if calendar.is_workday(last):
            total += (now - dt.datetime.combine(last, dt.time())).total_seconds()
        # whole days strictly between: working days in (first, last) = in (first, last] less `last` itself
        middle = calendar.workdays_between(first, last) - (1 if calendar.is_workday(last) else 0)
        return total + max(middle, 0) * DAY
    except OverflowError:  # a year the calendar cannot hold: every hour counts
        return (now - submitted).total_seconds()


def waiting_hours(submitted: dt.datetime, now: dt.datetime, calendar=None, clock: str = "working") -> int:
    """Whole hours waited: the one figure the Flags, the report sheet and the digest all print."""
    return int(waiting_seconds(submitted, now, calendar, clock) // 3600)
