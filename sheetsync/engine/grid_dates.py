"""What each column of a date grid stands for: the days of a date cell, of a week (`W3`, `第3周`, `Wk 3 21/05`),
of a month (`3月`, `三月`, `Mar`), or of a day number under a month row or over a weekday row. A label merged
over several columns gives each its share of the period (a day stays that day)."""
from __future__ import annotations

import calendar
import datetime as dt
import re

from ..serials import EPOCH
from .table import TableLayout
from .values import parse_date

HEADER_LOOKUP_ROWS = 3  # month labels merged over the day row sit just above the header the table finder took
_MONTHS_EN = {m.casefold(): i for i, m in enumerate(calendar.month_abbr) if m}
_CN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11,
           "十二": 12}
_WEEKDAY = {**{w: i for i, w in enumerate("一二三四五六日")}, "天": 6,
            **{w: i for i, w in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}}
_WEEK = re.compile(r"^(?:w(?:ee)?k?s?\.?\s*|week\s*|第\s*)(\d{1,2}|[一二三四五六七八九十]{1,3})\s*[周週]?\s*(.*)$", re.I)
_MONTH = re.compile(r"^(?:(\d{4})\s*[年\-/.]\s*)?(\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月?份?$")
_MONTH_EN = re.compile(r"^([a-z]{3})[a-z]*\.?\s*(\d{4})?$", re.I)
_YEAR = re.compile(r"^(\d{4})\s*年?$")


def grid_span(layout: TableLayout) -> tuple[int, int] | None:
    """The grid's columns, to the end of a header cell merged over sub-columns right of the last label."""
    if layout.grid is None:
        return None
    first, last = layout.grid
    top = layout.header_row - layout.header_rows + 1
    for r0, c0, r1, c1 in layout.sheet.merged:
        if r0 <= layout.header_row and r1 >= top - HEADER_LOOKUP_ROWS and c0 <= last < c1:
            last = c1
    return first, last


def _cell(layout: TableLayout, r: int, c: int, cover) -> tuple[object, int, int]:
    """The header value over (r, c), a merged label's value in every cell it spans: (value, position inside
    the merge, columns the merge spans)."""
    area = cover.get((r, c))
    if area is not None:
        return layout.sheet.value(area[0], area[1]), c - area[1], area[3] - area[1] + 1
    return layout.sheet.value(r, c), 0, 1


def header_label(v, near: dt.date):
    """('date', d) | ('day', n) | ('month', year or None, m) | ('week', n, date or None) | ('weekday', i) | None."""
    if isinstance(v, dt.datetime):
        return ("date", v.date())
    if isinstance(v, dt.date):
        return ("date", v)
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        if float(v).is_integer() and 1 <= v <= 31:
            return ("day", int(v))
        if 20000 <= v <= 80000:  # a date cell read as its serial (Google's reads)
            return ("date", EPOCH + dt.timedelta(days=int(v)))
        return None
    t = " ".join(str(v).split()).strip()
    if not t:
        return None
    low = t.casefold()
    if low in _WEEKDAY or (low[:1] in "周星週" and low[-1:] in _WEEKDAY):
        return ("weekday", _WEEKDAY[low[-1]] if low[-1] in _WEEKDAY else _WEEKDAY[low])
    if low[:3] in ("mon", "tue", "wed", "thu", "fri", "sat", "sun") and len(low) <= 9 and low.isalpha():
        return ("weekday", _WEEKDAY[low[:3]])
    m = _WEEK.match(t)
    if m and not t.startswith(tuple("0123456789")):
        n = int(m.group(1)) if m.group(1).isdigit() else _CN_NUM.get(m.group(1))
        return ("week", n, m.group(2).strip()) if n else None
    m = _MONTH.match(t)
    if m and ("月" in t or m.group(1)):
        month = int(m.group(2)) if m.group(2).isdigit() else _CN_NUM.get(m.group(2))
        if month and 1 <= month <= 12:
            return ("month", int(m.group(1)) if m.group(1) else None, month)
    m = _MONTH_EN.match(t)
    if m and m.group(1).casefold() in _MONTHS_EN:
        return ("month", int(m.group(2)) if m.group(2) else None, _MONTHS_EN[m.group(1).casefold()])
    d = _date_text(t, near)
    return ("date", d) if d else None


def _date_text(t: str, near: dt.date) -> dt.date | None:
    t = t.strip().strip("()（）")
    if not t or not any(ch.isdigit() for ch in t):
        return None
    try:
        return parse_date(t, near=near)
    except (ValueError, TypeError, OverflowError):
        return None


def _anchor(layout: TableLayout, top: int, near: dt.date) -> dt.date | None:
    """A date above the header (a 'Start date' cell of the chart): where week 1 begins."""
    for r in range(top):
        for v in layout.sheet.rows[r][:60] if r < len(layout.sheet.rows) else ():
            lab = header_label(v, near) if isinstance(v, (dt.date, str)) else None
            if lab and lab[0] == "date":
                return lab[1]
    return None


def _year_above(layout: TableLayout, top: int) -> int | None:
    for r in range(top):
        for v in layout.sheet.rows[r][:60] if r < len(layout.sheet.rows) else ():
            if isinstance(v, (int, float)) and not isinstance(v, bool) and 1990 <= v <= 2100 and float(v).is_integer():
                return int(v)
            if isinstance(v, str) and _YEAR.match(v.strip()):
                return int(_YEAR.match(v.strip()).group(1))
    return None


def periods(layout: TableLayout, near: dt.date) -> tuple[tuple[int, int], dict[int, tuple[dt.date, dt.date]]] | None:
    """The grid's columns and the days each stands for (columns it cannot date are left out)."""
    span = grid_span(layout)
    if span is None:
        return None
    g0, g1 = span
    top = max(0, layout.header_row - layout.header_rows + 1 - HEADER_LOOKUP_ROWS)
    cover = {}
    for area in layout.sheet.merged:
        r0, c0, r1, c1 = area
        if r0 <= layout.header_row and r1 >= top and c1 >= g0 and c0 <= g1:
            for r in range(max(r0, top), min(r1, layout.header_row) + 1):
                for c in range(max(c0, g0), min(c1, g1) + 1):
                    cover[(r, c)] = area
    labels: dict[int, dict[str, tuple]] = {}
    place: dict[int, tuple[int, int]] = {}  # column -> (position in its merged label, columns it spans)
    for c in range(g0, g1 + 1):
        kinds: dict[str, tuple] = {}
        for r in range(layout.header_row + 1, top - 1, -1):  # the row nearest the chart first
            v, pos, width = _cell(layout, r, c, cover)
            lab = header_label(v, near)
            if lab is None or (r > layout.header_row and lab[0] != "weekday"):
                continue  # under the header only a weekday row belongs to it
            kinds.setdefault(lab[0], lab)
            if lab[0] in ("month", "week", "date") and width > 1:
                place.setdefault(c, (pos, width))
        labels[c] = kinds
    out = _dated_columns(labels, place, near, _year_above(layout, top + 1), _anchor(layout, top + 1, near))
    return (span, out) if len(out) >= 2 else None


def _dated_columns(labels, place, near: dt.date, year: int | None, anchor: dt.date | None) -> dict:
    cols = sorted(labels)
    out: dict[int, tuple[dt.date, dt.date]] = {}
    days = {c: k["date"][1] for c, k in labels.items() if "date" in k}
    if len(days) >= 2:  # dates: a column lasts until the next column's date (a day, or a week in a week grid)
        dated = sorted(days)
        for i, c in enumerate(dated):
            d = days[c]
            nxt = next((days[x] for x in dated[i + 1:] if days[x] > d), None)
            step = (nxt - d).days if nxt else (max(1, (d - days[dated[i - 1]]).days) if i else 1)
            out[c] = (d, d + dt.timedelta(days=min(max(step, 1), 31) - 1))
        return _split(out, place)
    months = _months(labels, near, year)
    if any("day" in k for k in labels.values()):
        return _days(labels, months, near)
    if months:
        for c, (y, m) in months.items():
            out[c] = (dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1]))
        return _split(out, place)
    weeks = {c: k["week"][1] for c, k in labels.items() if "week" in k}
    if weeks:
        dated = _week_dates({c: k["week"] for c, k in labels.items() if "week" in k}, near)
        start = None
        if dated:  # 'Wk 1 21/05': week n begins on its date
            c, d = next(iter(dated.items()))
            start = d - dt.timedelta(weeks=weeks[c] - 1)
        elif anchor:
            start = anchor
        if start:
            for c, n in weeks.items():
                first = dated.get(c) or start + dt.timedelta(weeks=n - 1)
                out[c] = (first, first + dt.timedelta(days=6))
        return _split(out, place)
    return out


_DAY_MONTH = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})$")


def _week_dates(weeks: dict[int, tuple], near: dt.date) -> dict[int, dt.date]:
    """The dates written after week numbers ('Wk 3 21/05'), read day-first or month-first, whichever puts
    consecutive weeks seven days apart."""
    best: dict[int, dt.date] = {}
    best_fit = -1
    for swap in (False, True):
        got = {}
        for c, (_, n, rest) in weeks.items():
            m = _DAY_MONTH.match(rest)
            text = f"{m.group(3)}{m.group(2)}{m.group(1)}" if swap and m else rest
            d = _date_text(text, near)
            if d:
                got[c] = d
        cols = sorted(got)
        fit = sum((got[b] - got[a]).days == 7 * (weeks[b][1] - weeks[a][1]) for a, b in zip(cols, cols[1:]))
        if got and fit > best_fit:
            best, best_fit = got, fit
    return best


def _months(labels, near: dt.date, year: int | None) -> dict[int, tuple[int, int]]:
    """Column -> (year, month); a month lower than the one before it is in the next year."""
    seq = [(c, k["month"]) for c, k in sorted(labels.items()) if "month" in k]
    if not seq:
        return {}
    first_year = seq[0][1][1] or year
    if first_year is None:  # the year that puts the chart's first month nearest the reference day
        m0 = seq[0][1][2]
        first_year = min((near.year - 1, near.year, near.year + 1),
                         key=lambda y: abs((dt.date(y, m0, 15) - near).days) + (0 if dt.date(y, m0, 1) <= near else 400))
    out, y, prev = {}, first_year, None
    for c, (_, given, m) in seq:
        if given:
            y = given
        elif prev is not None and m < prev[1]:
            y += 1
        out[c] = (y, m)
        prev = (y, m)
    return out


def _days(labels, months: dict[int, tuple[int, int]], near: dt.date) -> dict[int, tuple[dt.date, dt.date]]:
    """Day numbers, under month labels, or over a weekday row: then the month is the one nearest the reference
    day whose weekdays match that row, and a day lower than the one before starts the next month."""
    seq = [(c, k["day"][1], k.get("weekday")) for c, k in sorted(labels.items()) if "day" in k]
    out = {}
    if months:
        current = None
        for c, d, _ in seq:
            ym = months.get(c) or current
            if ym is None:
                continue
            current = ym
            try:
                out[c] = (dt.date(ym[0], ym[1], d),) * 2
            except ValueError:
                pass
        return out
    if not any(wd for _, _, wd in seq):
        return out  # day numbers alone: no month can be told, so no dates
    base = dt.date(near.year, near.month, 1)
    starts = []
    for shift in sorted(range(-12, 13), key=abs):
        y, m = divmod(base.month - 1 + shift, 12)
        starts.append(dt.date(base.year + y, m + 1, 1))
    for first in starts:
        got, ym, prev, ok = {}, (first.year, first.month), None, True
        for c, d, wd in seq:
            if prev is not None and d < prev:
                y, m = divmod(ym[1], 12)
                ym = (ym[0] + y, m + 1)
            prev = d
            try:
                day = dt.date(ym[0], ym[1], d)
            except ValueError:
                ok = False
                break
            if wd is not None and day.weekday() != wd[1]:
                ok = False
                break
            got[c] = (day, day)
        if ok:
            return got
    return out


def _split(out: dict, place: dict) -> dict:
    """A label merged over several columns: each column a share of its period (a day stays that day)."""
    for c, (a, b) in list(out.items()):
        pos, width = place.get(c, (0, 1))
        n = (b - a).days + 1
        if width > 1 and n > 1:
            lo = a + dt.timedelta(days=n * pos // width)
            hi = a + dt.timedelta(days=n * (pos + 1) // width - 1)
            out[c] = (lo, max(lo, hi))
    return out
