"""Round trips: any date or time written in any accepted form reads back as itself."""
from __future__ import annotations

import datetime as dt

from hypothesis import given, settings, strategies as st

from sheetsync.engine.values import (clean_text, excel_serial_to_date, excel_serial_to_datetime, parse_date,
                                     parse_datetime, parse_ids, parse_number)

EPOCH = dt.date(1899, 12, 30)
days = st.dates(min_value=dt.date(1955, 1, 1), max_value=dt.date(2150, 12, 31))
minutes = st.times().map(lambda t: t.replace(second=0, microsecond=0))
FULL = str.maketrans("0123456789-/:", "０１２３４５６７８９－／：")


def _forms(d: dt.date, t: dt.time) -> list[str]:
    h12 = t.hour % 12 or 12
    ampm = "AM" if t.hour < 12 else "PM"
    cn = "上午" if t.hour < 12 else "下午"
    return [
        f"{d.isoformat()}T{t:%H:%M}",
        f"{d.isoformat()} {t:%H:%M:%S}",
        f"{d.year}/{d.month}/{d.day} {t.hour}:{t.minute:02d}",
        f"{d.year}.{d.month}.{d.day} {h12}:{t.minute:02d} {ampm}",
        f"{d.year}年{d.month}月{d.day}日 {cn}{h12 if t.hour != 12 else 12}:{t.minute:02d}",
        f"{d.year}-{d.month}-{d.day} {t:%H:%M}".translate(FULL),
    ]


@settings(max_examples=300, deadline=None)
@given(days, minutes)
def test_every_written_form_reads_back(d, t):
    if t.hour == 0:  # '上午12:xx' is not something people write for just after midnight
        t = t.replace(hour=1)
    for text in _forms(d, t):
        assert parse_datetime(text) == dt.datetime.combine(d, t), text
        assert parse_date(text) == d, text


@settings(max_examples=300, deadline=None)
@given(days, st.integers(min_value=0, max_value=86399))
def test_serial_round_trip(d, seconds):
    serial = (d - EPOCH).days + seconds / 86400
    assert excel_serial_to_date(serial) == d
    assert parse_date(serial) == d
    assert parse_datetime(serial) == dt.datetime.combine(d, dt.time()) + dt.timedelta(seconds=seconds)
    assert excel_serial_to_datetime(float((d - EPOCH).days)) == dt.datetime.combine(d, dt.time())


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_month_day_forms_take_the_given_year(d):
    for text in (f"{d.month}月{d.day}日", f"{d.month}/{d.day}", f"{d.month}-{d.day}"):
        assert parse_date(text, d.year) == d


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-10**9, max_value=10**9))
def test_whole_numbers_render_as_integers(n):
    assert clean_text(float(n)) == str(n)
    assert parse_ids(float(n)) == [str(n)]
    assert parse_number(clean_text(float(n))) == n
