"""The one date formatter every message uses (sheetsync.dates_text): each date with its weekday, a turned day
said to be one, weeks and time points in words, Chinese brackets in Chinese, and the phrases the HTML keeps
on one line."""
from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from sheetsync.dates_text import PHRASE, day_text, period_text, readable, span_text, turned
from sheetsync.engine.calendar import WorkCalendar

CN = WorkCalendar("CN")
DAYS = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31))


def test_the_forms_people_read():
    assert day_text(dt.date(2026, 10, 10), "zh", CN) == "10-10（周六，调休上班）"
    assert day_text(dt.date(2026, 10, 10), "en", CN) == "Oct 10 (Sat, make-up workday)"
    assert day_text(dt.date(2026, 10, 1), "zh", CN) == "10-01（周四，放假）"
    assert day_text(dt.date(2026, 10, 8), "en", CN) == "Oct 8 (Thu)"
    assert day_text(dt.datetime(2026, 9, 30, 16, 0), "zh", CN, year=True, time=True) == "2026-09-30（周三） 16:00"
    assert span_text(dt.date(2026, 10, 8), dt.date(2026, 10, 13), "zh", CN) == "10-08（周四） 至 10-13（周二）"
    assert period_text("2026-W41", "zh") == "第41周（10-05 至 10-11）"
    assert period_text("2026-W41", "en") == "week 41 (Oct 5 to Oct 11)"
    assert readable("T-3wd 前完成", "zh") == "上线前3个工作日 前完成"
    assert readable("T-15, T+2", "en") == "15 days before launch, 2 days after launch"  # a bare T-15 is days
    assert readable("due 2026-10-10, 2026-W41", "en", CN, dt.date(2026, 9, 1)) == \
        "due Oct 10 (Sat, make-up workday), week 41 (Oct 5 to Oct 11)"
    # a format example is left as written when only the dates a message is about are rewritten
    assert readable("请写成 2026-07-08 或 7月8日", "zh", CN, dates=frozenset()) == "请写成 2026-07-08 或 7月8日"


@given(DAYS, st.sampled_from(["zh", "en"]))
def test_every_day_carries_its_weekday_and_is_kept_whole(day, lang):
    text = day_text(day, lang, CN)
    weekdays = ("周一", "周二", "周三", "周四", "周五", "周六", "周日") if lang == "zh" else \
        ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    assert weekdays[day.weekday()] in text
    kind = turned(day, CN)
    assert (kind == "workday") == (day.weekday() >= 5 and CN.is_workday(day))
    assert (kind == "holiday") == (day.weekday() < 5 and not CN.is_workday(day))
    if lang == "zh":
        assert "(" not in text and "," not in text  # Chinese brackets and commas in Chinese text
    assert PHRASE.fullmatch(text)  # the HTML keeps it on one line
