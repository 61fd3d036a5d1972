"""Time points: every written form, the rejects, and resolution against the 2026 Chinese calendar."""
from __future__ import annotations

import datetime as dt

import pytest

from sheetsync.engine.calendar import WorkCalendar
from sheetsync.engine.timepoints import MissingAnchorError, TimePoint, parse_time_point, resolve

D = dt.date
LAUNCH = D(2026, 10, 12)  # Monday after National Day
END = D(2026, 10, 30)  # Friday
CN = WorkCalendar("CN")


@pytest.mark.parametrize("text, anchor, offset, unit", [
    ("T-15", "T", -15, "d"),
    ("T-15d", "T", -15, "d"),
    ("T-15D", "T", -15, "d"),
    ("t-15", "T", -15, "d"),
    ("T - 15 天", "T", -15, "d"),
    ("T-15天", "T", -15, "d"),
    ("T-15日", "T", -15, "d"),
    ("T-15 days", "T", -15, "d"),
    ("T-5wd", "T", -5, "wd"),
    ("T-5 WD", "T", -5, "wd"),
    ("T-5个工作日", "T", -5, "wd"),
    ("T-5工作日", "T", -5, "wd"),
    ("T+3", "T", 3, "d"),
    ("T+3wd", "T", 3, "wd"),
    ("E+3wd", "E", 3, "wd"),
    ("E+3", "E", 3, "d"),
    ("E-1", "E", -1, "d"),
    ("e+2", "E", 2, "d"),
    ("T0", "T", 0, "d"),
    ("T", "T", 0, "d"),
    ("T+0", "T", 0, "d"),
    ("T-0", "T", 0, "d"),
    ("E", "E", 0, "d"),
    ("E0", "E", 0, "d"),
    ("D-15", "T", -15, "d"),
    ("D+2wd", "T", 2, "wd"),
    ("Ｔ－１５", "T", -15, "d"),  # full-width letter, sign and digits
    ("Ｔ＋３", "T", 3, "d"),
    ("T\u221215", "T", -15, "d"),  # minus sign
    ("T\u201315", "T", -15, "d"),  # en dash
    ("T—15", "T", -15, "d"),  # em dash, as an IME types it
    ("  T-15  ", "T", -15, "d"),
    ("活动前15天", "T", -15, "d"),
    ("活动前20天", "T", -20, "d"),
    ("活动启动前15天", "T", -15, "d"),
    ("活动开始前15天", "T", -15, "d"),
    ("活动上线前3天", "T", -3, "d"),
    ("上线前5个工作日", "T", -5, "wd"),
    ("上线前5天", "T", -5, "d"),
    ("上线前 5 天", "T", -5, "d"),
    ("启动前3天", "T", -3, "d"),
    ("开始前3天", "T", -3, "d"),
    ("上线之前5天", "T", -5, "d"),
    ("上线日前5天", "T", -5, "d"),
    ("活动前15", "T", -15, "d"),
    ("活动前十五天", "T", -15, "d"),
    ("上线前五个工作日", "T", -5, "wd"),
    ("活动前１５天", "T", -15, "d"),
    ("活动结束后3个工作日", "E", 3, "wd"),
    ("活动结束后3个工作日内", "E", 3, "wd"),  # a review's data within 3 working days after the end
    ("结束后2天", "E", 2, "d"),
    ("结束后2天内", "E", 2, "d"),
    ("下线后1天", "E", 1, "d"),
    ("活动结束前2天", "E", -2, "d"),
    ("结束之后3个工作日", "E", 3, "wd"),
    ("上线后3天", "T", 3, "d"),
    ("上线后3个工作日", "T", 3, "wd"),
    ("活动后3天", "T", 3, "d"),
    ("上线当天", "T", 0, "d"),
    ("活动当天", "T", 0, "d"),
    ("启动当天", "T", 0, "d"),
    ("上线当日", "T", 0, "d"),
    ("结束当天", "E", 0, "d"),
    ("活动结束当天", "E", 0, "d"),
    ("15 days before launch", "T", -15, "d"),
    ("5 working days before launch", "T", -5, "wd"),
    ("3 working days after the end", "E", 3, "wd"),
    ("2 days after start", "T", 2, "d"),
    ("launch day", "T", 0, "d"),
    ("End day", "E", 0, "d"),
])
def test_forms(text, anchor, offset, unit):
    assert parse_time_point(text) == TimePoint(anchor, offset, unit)


@pytest.mark.parametrize("text", [
    "T15", "T+", "T-", "T--3", "T+-3", "T-15h", "T-15小时", "T-3w", "T-1.5", "X-3", "F+2", "TE-3", "T-15 T-10",
    "活动", "上线", "前15天", "上线前", "上线前天", "活动前15小时", "活动前15周", "活动中", "活动期间",
    "15", "-15", "abc", "2026-07-08", "launch", "15 days", "before launch",
    15, -15.0, True, D(2026, 7, 8),
])
def test_rejects(text):
    with pytest.raises(ValueError, match="not a time point"):
        parse_time_point(text)


@pytest.mark.parametrize("blank", [None, "", "   ", "\u3000"])
def test_blank_is_none(blank):
    assert parse_time_point(blank) is None


@pytest.mark.parametrize("tp, text", [
    (TimePoint("T", -15, "d"), "T-15"),
    (TimePoint("T", -5, "wd"), "T-5wd"),
    (TimePoint("E", 3, "wd"), "E+3wd"),
    (TimePoint("T", 0, "d"), "T0"),
    (TimePoint("E", 2, "d"), "E+2"),
])
def test_str_round_trips(tp, text):
    assert str(tp) == text
    assert parse_time_point(str(tp)) == tp


# ---------------------------------------------------------------- resolving against the calendar

@pytest.mark.parametrize("text, expected", [
    ("T-15", D(2026, 9, 24)),  # Sun 09-27 is Mid-Autumn -> back to Thu 09-24
    ("活动前15天", D(2026, 9, 24)),
    ("T-5wd", D(2026, 9, 29)),  # Sat 10-10 (调休) counts; 10-01..10-07 do not
    ("上线前5个工作日", D(2026, 9, 29)),
    ("E+3wd", D(2026, 11, 4)),
    ("活动结束后3个工作日内", D(2026, 11, 4)),
    ("T0", LAUNCH),
    ("T-2", D(2026, 10, 10)),  # lands on the make-up Saturday: a working day, stays
    ("T-3", D(2026, 10, 9)),  # Fri 10-09, a working day after the holiday
    ("T-7", D(2026, 9, 30)),  # 10-05 is a holiday -> Wed 09-30
    ("T-1wd", D(2026, 10, 10)),
    ("E+1", END),  # Sat 10-31 -> Fri 10-30
    ("E+2", END),  # Sun 11-01 -> Fri 10-30
    ("T+3wd", D(2026, 10, 15)),
])
def test_resolve(text, expected):
    tp = parse_time_point(text)
    got = resolve(tp, LAUNCH, END, CN)
    assert got == expected
    assert CN.is_workday(got)


def test_calendar_day_offset_on_a_day_off_moves_to_the_previous_working_day():
    for n in range(0, 40):
        got = resolve(TimePoint("T", -n, "d"), LAUNCH, END, CN)
        target = LAUNCH - dt.timedelta(days=n)
        assert got <= target and CN.is_workday(got)
        assert CN.workdays_between(got, target) == 0  # nothing workable is skipped


def test_working_day_offsets_use_the_calendar():
    for n in range(-30, 31):
        got = resolve(TimePoint("E", n, "wd"), LAUNCH, END, CN)
        assert got == (CN.add_workdays(END, n) if n else END)


def test_launch_on_a_day_off():
    saturday = D(2026, 10, 3)  # National Day holiday
    assert resolve(parse_time_point("上线当天"), saturday, None, CN) == D(2026, 9, 30)
    assert resolve(parse_time_point("T+0wd"), saturday, None, CN) == D(2026, 9, 30)
    assert resolve(parse_time_point("T+1wd"), saturday, None, CN) == D(2026, 10, 8)


def test_tracker_holidays_move_the_result():
    cal = WorkCalendar("CN", holidays=[D(2026, 9, 24)])
    assert resolve(parse_time_point("T-15"), LAUNCH, END, cal) == D(2026, 9, 23)


def test_datetime_anchor():
    assert resolve(parse_time_point("T-15"), dt.datetime(2026, 10, 12, 9, 0), None, CN) == D(2026, 9, 24)


@pytest.mark.parametrize("text, launch, end, anchor", [
    ("T-15", None, END, "launch"),
    ("上线前5个工作日", None, END, "launch"),
    ("E+3wd", LAUNCH, None, "end"),
    ("结束当天", LAUNCH, None, "end"),
])
def test_missing_anchor_names_it(text, launch, end, anchor):
    with pytest.raises(ValueError, match=anchor) as info:
        resolve(parse_time_point(text), launch, end, CN)
    assert isinstance(info.value, MissingAnchorError)
    assert info.value.anchor == anchor


def test_the_other_anchor_may_be_missing():
    assert resolve(parse_time_point("T-15"), LAUNCH, None, CN) == D(2026, 9, 24)
    assert resolve(parse_time_point("E+3wd"), None, END, CN) == D(2026, 11, 4)
