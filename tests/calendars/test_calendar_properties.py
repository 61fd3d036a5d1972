"""Properties of working-day arithmetic, and agreement with numpy where numpy can express the calendar.

numpy's busday_* cannot express a working Saturday (a make-up day), so the numpy comparison uses calendars
without make-up days: weekends only, and the United States."""
from __future__ import annotations

import datetime as dt

import holidays
import numpy as np
from hypothesis import given, settings, strategies as st

from sheetsync.engine.calendar import WorkCalendar

CN = WorkCalendar("CN")
# 2003 and 2027-2028 have no Chinese data: the properties must hold across the fallback boundary too.
days = st.dates(min_value=dt.date(2003, 1, 1), max_value=dt.date(2028, 12, 31))
counts = st.integers(min_value=-400, max_value=400)


def _step(cal: WorkCalendar, d: dt.date, n: int) -> dt.date:
    """The definition, one day at a time."""
    step = dt.timedelta(days=1 if n > 0 else -1)
    left = abs(n)
    while left:
        d += step
        left -= cal.is_workday(d)
    return d


@settings(max_examples=300, deadline=None)
@given(days, counts)
def test_add_workdays_lands_on_a_working_day_n_steps_away(d, n):
    r = CN.add_workdays(d, n)
    if n == 0:
        assert r == d
        return
    assert CN.is_workday(r)
    assert (r > d) if n > 0 else (r < d)
    assert r == _step(CN, d, n)


@settings(max_examples=300, deadline=None)
@given(days, counts)
def test_workdays_between_inverts_add_workdays_from_a_working_day(d, n):
    d = CN.previous_workday(d)
    assert CN.workdays_between(d, CN.add_workdays(d, n)) == n


@settings(max_examples=300, deadline=None)
@given(days, counts.filter(lambda n: n != 0))
def test_going_there_and_back(d, n):
    back = CN.add_workdays(CN.add_workdays(d, n), -n)
    # From a day off, the round trip ends on the working day nearest d on the side we came back from.
    assert back == (CN.previous_workday(d) if n > 0 else CN.next_workday(d))


@settings(max_examples=300, deadline=None)
@given(days, days)
def test_workdays_between_is_antisymmetric_and_additive(a, b):
    assert CN.workdays_between(a, b) == -CN.workdays_between(b, a)
    mid = a + (b - a) / 2
    assert CN.workdays_between(a, b) == CN.workdays_between(a, mid) + CN.workdays_between(mid, b)


@settings(max_examples=200, deadline=None)
@given(days)
def test_previous_workday_is_the_nearest_earlier_working_day(d):
    p = CN.previous_workday(d)
    assert p <= d and CN.is_workday(p)
    assert CN.workdays_between(p, d) == 0


# ---------------------------------------------------------------- numpy as an independent oracle

US_YEARS = range(2020, 2031)
US_HOLIDAYS = np.array(sorted(holidays.country_holidays("US", years=US_YEARS)), dtype="datetime64[D]")
US = WorkCalendar("US")
us_days = st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2029, 12, 31))
small = st.integers(min_value=-150, max_value=150).filter(lambda n: n != 0)


def _np_offset(d: dt.date, n: int, hol) -> dt.date:
    # Our n-th working day after a day off counts from that day, so roll towards the side we move away from.
    roll = "backward" if n > 0 else "forward"
    return np.busday_offset(np.datetime64(d, "D"), n, roll=roll, holidays=hol).astype(dt.date)


def _np_count(a: dt.date, b: dt.date, hol) -> int:
    # numpy counts [begin, end); ours counts (a, b]. numpy's reversed count is not a mirror of the forward one
    # (busday_count(d2, d1) counts (d1, d2]), so mirror explicitly.
    if b < a:
        return -_np_count(b, a, hol)
    one = dt.timedelta(days=1)
    return int(np.busday_count(np.datetime64(a + one, "D"), np.datetime64(b + one, "D"), holidays=hol))


@settings(max_examples=300, deadline=None)
@given(us_days, small)
def test_us_add_workdays_matches_numpy(d, n):
    assert US.add_workdays(d, n) == _np_offset(d, n, US_HOLIDAYS)


@settings(max_examples=300, deadline=None)
@given(us_days, us_days)
def test_us_workdays_between_matches_numpy(a, b):
    assert US.workdays_between(a, b) == _np_count(a, b, US_HOLIDAYS)


extra_days = st.lists(st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 12, 31)), max_size=40)


@settings(max_examples=150, deadline=None)
@given(extra_days, st.dates(min_value=dt.date(2025, 3, 1), max_value=dt.date(2027, 10, 31)), small)
def test_weekends_only_with_tracker_holidays_matches_numpy(off, d, n):
    cal = WorkCalendar("", holidays=off)
    hol = np.array(sorted(set(off)), dtype="datetime64[D]")
    assert cal.add_workdays(d, n) == _np_offset(d, n, hol)
    e = d + dt.timedelta(days=n)
    assert cal.workdays_between(d, e) == _np_count(d, e, hol)
    assert cal.is_workday(d) == bool(np.is_busday(np.datetime64(d, "D"), holidays=hol))
