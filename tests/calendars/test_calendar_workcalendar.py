"""WorkCalendar against the official 2026 Chinese calendar, the package data, and the tracker's own days."""
from __future__ import annotations

import datetime as dt

import chinese_calendar
import holidays
import pytest

from sheetsync.engine.calendar import WorkCalendar

D = dt.date


@pytest.fixture(scope="module")
def cn() -> WorkCalendar:
    return WorkCalendar("CN")


# The State Council's 2026 arrangement: Sat Feb 14, Sat Feb 28, Sun Sep 20 and Sat Oct 10 are working days (调休).
@pytest.mark.parametrize("day", [D(2026, 2, 14), D(2026, 2, 28), D(2026, 9, 20), D(2026, 10, 10)])
def test_make_up_weekend_days_are_working_days(cn, day):
    assert day.weekday() >= 5
    assert cn.is_workday(day)


@pytest.mark.parametrize("day", [D(2026, 10, d) for d in range(1, 8)] + [D(2026, 9, 25), D(2026, 1, 1)])
def test_official_holidays_are_days_off(cn, day):
    assert not cn.is_workday(day)


@pytest.mark.parametrize("day, expected", [
    (D(2026, 7, 8), True),  # an ordinary Wednesday
    (D(2026, 7, 11), False),  # an ordinary Saturday
    (D(2026, 7, 12), False),  # an ordinary Sunday
])
def test_ordinary_days(cn, day, expected):
    assert cn.is_workday(day) is expected


@pytest.mark.parametrize("start, n, expected", [
    (D(2026, 2, 13), 1, D(2026, 2, 14)),  # Fri -> the make-up Saturday
    (D(2026, 2, 14), 1, D(2026, 2, 24)),  # across the Spring Festival
    (D(2026, 9, 30), 1, D(2026, 10, 8)),  # across National Day
    (D(2026, 10, 12), -5, D(2026, 9, 29)),  # back across National Day, Sat Oct 10 counted
    (D(2026, 10, 30), 3, D(2026, 11, 4)),
    (D(2026, 2, 24), -1, D(2026, 2, 14)),
    (D(2026, 10, 4), 1, D(2026, 10, 8)),  # from a holiday
    (D(2026, 10, 4), -1, D(2026, 9, 30)),
    (D(2026, 7, 8), 0, D(2026, 7, 8)),
    (D(2026, 7, 11), 0, D(2026, 7, 11)),  # n == 0 is d itself, even on a day off
])
def test_add_workdays(cn, start, n, expected):
    assert cn.add_workdays(start, n) == expected


def test_add_workdays_does_not_count_the_start_day_unlike_find_workday(cn):
    # chinese_calendar.find_workday(1, Sat 2024-02-03) is Mon 02-05 although Sun 02-04 was worked.
    assert cn.add_workdays(D(2024, 2, 3), 1) == D(2024, 2, 4)
    assert chinese_calendar.find_workday(1, D(2024, 2, 3)) == D(2024, 2, 5)


def test_accepts_datetimes(cn):
    assert cn.add_workdays(dt.datetime(2026, 2, 13, 18, 0), 1) == D(2026, 2, 14)
    assert cn.previous_workday(dt.datetime(2026, 9, 27, 9, 0)) == D(2026, 9, 24)


@pytest.mark.parametrize("day, expected", [
    (D(2026, 9, 27), D(2026, 9, 24)),  # Sep 25-27 Mid-Autumn
    (D(2026, 9, 24), D(2026, 9, 24)),
    (D(2026, 10, 7), D(2026, 9, 30)),
    (D(2026, 10, 11), D(2026, 10, 10)),  # Sunday after a make-up Saturday
    (D(2026, 2, 22), D(2026, 2, 14)),
])
def test_previous_workday(cn, day, expected):
    assert cn.previous_workday(day) == expected


@pytest.mark.parametrize("day, expected", [
    (D(2026, 10, 1), D(2026, 10, 8)),
    (D(2026, 10, 9), D(2026, 10, 9)),
    (D(2026, 2, 15), D(2026, 2, 24)),
])
def test_next_workday(cn, day, expected):
    assert cn.next_workday(day) == expected


@pytest.mark.parametrize("a, b, expected", [
    (D(2026, 9, 30), D(2026, 10, 8), 1),
    (D(2026, 10, 8), D(2026, 9, 30), -1),
    (D(2026, 9, 29), D(2026, 10, 12), 5),
    (D(2026, 7, 8), D(2026, 7, 8), 0),
    (D(2026, 2, 13), D(2026, 2, 24), 2),
    (D(2026, 10, 1), D(2026, 10, 7), 0),
    (D(2025, 12, 31), D(2026, 1, 5), 2),  # Jan 1-3 off, Sun Jan 4 worked (调休), Mon Jan 5
])
def test_workdays_between(cn, a, b, expected):
    brute = sum(cn.is_workday(a + dt.timedelta(days=i)) for i in range(1, (b - a).days + 1)) if b >= a else None
    assert cn.workdays_between(a, b) == expected
    if brute is not None:
        assert brute == expected


def test_workdays_between_across_many_years_matches_day_by_day_count(cn):
    a, b = D(2023, 6, 15), D(2027, 2, 3)
    brute = sum(cn.is_workday(a + dt.timedelta(days=i)) for i in range(1, (b - a).days + 1))
    assert cn.workdays_between(a, b) == brute
    assert cn.workdays_between(b, a) == -brute


def test_long_jumps_match_stepping_day_by_day(cn):
    start = D(2025, 3, 3)
    day, count = start, 0
    while count < 700:
        day += dt.timedelta(days=1)
        count += cn.is_workday(day)
    assert cn.add_workdays(start, 700) == day
    assert cn.add_workdays(day, -700) == start


def test_every_covered_day_agrees_with_chinese_calendar():
    cn = WorkCalendar("CN")
    day = D(2004, 1, 1)
    mismatches = []
    while day <= D(2026, 12, 31):
        if cn.is_workday(day) != chinese_calendar.is_workday(day):
            mismatches.append(day)
        day += dt.timedelta(days=1)
    assert mismatches == []
    assert cn.uncovered_years == set()


def test_agrees_with_holidays_package_china_2024_to_2026(cn):
    # holidays' China() and chinese_calendar agree on every day of 2024-2026.
    china = holidays.China(years=range(2024, 2027))
    day, seen = D(2024, 1, 1), 0
    while day <= D(2026, 12, 31):
        assert cn.is_workday(day) == china.is_working_day(day), day
        day += dt.timedelta(days=1)
        seen += 1
    assert seen == 366 + 365 + 365


# ---------------------------------------------------------------- years without data

def test_2027_falls_back_to_weekends_and_is_reported():
    cal = WorkCalendar("CN")
    assert cal.uncovered_years == set()
    assert cal.add_workdays(D(2027, 3, 5), 1) == D(2027, 3, 8)  # Fri -> Mon
    assert cal.is_workday(D(2027, 3, 9))
    assert not cal.is_workday(D(2027, 3, 6))
    assert cal.uncovered_years == {2027}
    assert not cal.covered(2027)
    assert cal.covered(2026)


def test_crossing_into_an_uncovered_year_records_it():
    cal = WorkCalendar("CN")
    # 2027-01-01 is a Friday and New Year's Day: the holidays package's China holidays stand in for the year
    # chinese_calendar lacks, and the calendar says the year is not covered
    assert cal.add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert cal.uncovered_years == {2027}


def test_an_uncovered_year_takes_the_holidays_package_days_off_but_no_make_up_days():
    cal = WorkCalendar("CN")
    stand_in = holidays.China(years=2027)
    for day in stand_in:
        assert not cal.is_workday(day)
    saturdays = [D(2027, 1, 2) + dt.timedelta(weeks=k) for k in range(52)]
    assert not any(cal.is_workday(d) for d in saturdays)  # make-up working days are unknown until imported


def test_an_imported_notice_replaces_the_stand_in_and_fills_the_gap():
    rest = [D(2027, 2, 5) + dt.timedelta(days=k) for k in range(8)]  # Fri 5 .. Fri 12
    cal = WorkCalendar("CN", notice_rest=rest, notice_work=[D(2027, 2, 13)])
    assert cal.add_workdays(D(2027, 2, 4), 1) == D(2027, 2, 13)  # the make-up Saturday works
    assert not cal.is_workday(D(2027, 2, 12))
    # the tracker's own Holidays sheet still wins over the notice
    own = WorkCalendar("CN", workdays=[D(2027, 2, 12)], notice_rest=rest, notice_work=[D(2027, 2, 13)])
    assert own.is_workday(D(2027, 2, 12))
    cal.asker = type("Asker", (), {"row": 4})()
    cal.is_workday(D(2027, 3, 1))
    assert cal.gaps == {} and cal.uncovered_years == {2027}


def test_years_before_the_data_are_uncovered_too():
    cal = WorkCalendar("CN")
    assert cal.workdays_between(D(2003, 12, 26), D(2004, 1, 2)) == 4  # Mon 12-29 .. Fri 01-02 minus Jan 1
    assert cal.uncovered_years == {2003}
    assert not cal.covered(2003)


def test_uncovered_years_belong_to_one_calendar():
    a, b = WorkCalendar("CN"), WorkCalendar("CN")
    a.is_workday(D(2028, 5, 1))
    assert a.uncovered_years == {2028}
    assert b.uncovered_years == set()
    assert not b.is_workday(D(2028, 5, 1))  # Labour Day, from the holidays package's China holidays
    assert b.uncovered_years == {2028}


def test_covered_is_a_question_not_a_use():
    cal = WorkCalendar("CN")
    assert not cal.covered(2030)
    assert cal.uncovered_years == set()


# ---------------------------------------------------------------- the tracker's own Holidays sheet

def test_tracker_days_off_and_extra_working_days_win():
    company_day_off = D(2026, 7, 8)  # a Wednesday
    extra_saturday = D(2026, 7, 11)
    cal = WorkCalendar("CN", holidays=[company_day_off, D(2026, 2, 14)], workdays=[extra_saturday, D(2026, 10, 5)])
    assert not cal.is_workday(company_day_off)
    assert not cal.is_workday(D(2026, 2, 14))  # a make-up Saturday the company gives off
    assert cal.is_workday(extra_saturday)
    assert cal.is_workday(D(2026, 10, 5))  # works on a National Day holiday
    assert cal.add_workdays(D(2026, 7, 7), 1) == D(2026, 7, 9)
    assert cal.add_workdays(D(2026, 7, 10), 1) == extra_saturday
    assert cal.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 5)
    # the plain calendar is not affected by another calendar's days
    assert WorkCalendar("CN").is_workday(company_day_off)


def test_tracker_days_fill_an_uncovered_year():
    cal = WorkCalendar("CN", holidays=[D(2027, 2, 5), D(2027, 2, 8)], workdays=[D(2027, 2, 6)])
    assert cal.add_workdays(D(2027, 2, 4), 1) == D(2027, 2, 6)
    assert cal.add_workdays(D(2027, 2, 6), 1) == D(2027, 2, 9)
    assert cal.uncovered_years == {2027}


def test_a_day_listed_both_ways_is_a_day_off():
    day = D(2026, 7, 8)
    assert not WorkCalendar("CN", holidays=[day], workdays=[day]).is_workday(day)


def test_tracker_days_accept_datetimes():
    cal = WorkCalendar("CN", holidays=[dt.datetime(2026, 7, 8, 0, 0)])
    assert not cal.is_workday(D(2026, 7, 8))


# ---------------------------------------------------------------- other countries

@pytest.mark.parametrize("country, day, expected", [
    ("US", D(2026, 7, 3), False),  # Independence Day observed (July 4 is a Saturday)
    ("US", D(2026, 11, 26), False),  # Thanksgiving
    ("US", D(2026, 11, 27), True),
    ("us", D(2026, 12, 25), False),
    ("GB", D(2026, 12, 28), False),  # Boxing Day substitute
    ("DE", D(2026, 10, 3), False),
    ("", D(2026, 12, 25), True),  # weekends only
    ("", D(2026, 12, 26), False),
    ("cn", D(2026, 2, 14), True),
])
def test_other_calendars(country, day, expected):
    assert WorkCalendar(country).is_workday(day) is expected


def test_non_chinese_calendars_count_as_covered():
    us = WorkCalendar("US")
    assert us.covered(2040)
    assert us.add_workdays(D(2040, 12, 24), 1) == D(2040, 12, 26)
    assert us.uncovered_years == set()


def test_subdivision():
    # César Chávez Day is a California state holiday (March 31).
    assert not WorkCalendar("US-CA").is_workday(D(2026, 3, 31))
    assert WorkCalendar("US").is_workday(D(2026, 3, 31))


@pytest.mark.parametrize("name", ["中国", "China", " cn ", "PRC"])
def test_chinese_names_mean_the_chinese_calendar(name):
    cal = WorkCalendar(name)
    assert cal.country == "CN"
    assert cal.is_workday(D(2026, 2, 14))


def test_none_means_weekends_only():
    cal = WorkCalendar(None)
    assert cal.is_workday(D(2026, 10, 1))
    assert not cal.is_workday(D(2026, 2, 14))
    assert cal.covered(2099)


@pytest.mark.parametrize("country", ["XX", "Chine", "US-ZZ", "12", "CN-XX"])
def test_unknown_country_raises_value_error(country):
    with pytest.raises(ValueError, match="unknown calendar"):
        WorkCalendar(country)


def test_dates_beyond_datetime_range_raise_instead_of_looping():
    cal = WorkCalendar("")
    with pytest.raises(OverflowError):
        cal.add_workdays(D(9999, 12, 30), 5)
