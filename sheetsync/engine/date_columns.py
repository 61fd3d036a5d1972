"""A date column's cells made ready for the date parser, decided from the whole column:

- placeholders ('1900-12-30', '1900/1/0', a date cell holding serial 0 or 1) are empty cells;
- numeric dates that could be month/day or day/month take the order the column's other cells show;
- small whole numbers (1, 2, ... 30) in a column of nothing else are the plan's day numbers, counted from the
  campaign's start (day 1 is the start); without a start they are left unread, with one finding for the column.
A total under a date column (the sum of its serials) is past 2150, which engine/dates.py never reads as a date."""
from __future__ import annotations

import datetime as dt

from .dates import column_order, in_column_order, is_placeholder

# The longest plan read in day numbers; a larger whole number is neither a day number nor a date serial.
MAX_DAY = 366


def _day_number(v) -> int | None:
    if v.__class__ in (int, float) and float(v).is_integer() and 1 <= v <= MAX_DAY:
        return int(v)
    if v.__class__ is str and v.strip().isdigit() and 1 <= int(v.strip()) <= MAX_DAY:
        return int(v.strip())
    return None


def _blank(v) -> bool:
    return v is None or (v.__class__ is str and not v.strip())


def day_numbers(values: list) -> list[int | None] | None:
    """Each cell's day number (None when blank) when every filled cell of at least two is one; else None."""
    out, filled = [], 0
    for v in values:
        if _blank(v):
            out.append(None)
            continue
        n = _day_number(v)
        if n is None:
            return None
        out.append(n)
        filled += 1
    return out if filled >= 2 else None


def prepared(values: list, start: dt.date | None) -> tuple[list, int | None]:
    """The column's cells to parse, and the largest day number when the column holds day numbers but there is
    no start to count them from (the cells are then blank: one finding for the column says why)."""
    days = day_numbers(values)
    if days is not None:
        if start is None:
            return [None] * len(values), max(n for n in days if n is not None)
        return [start + dt.timedelta(days=n - 1) if n is not None else None for n in days], None
    order = column_order(values)
    out = []
    append = out.append
    for v in values:  # once per cell of a 100k-row tracker: the common classes first
        cls = v.__class__
        if cls is dt.date or cls is dt.datetime:
            append(v if v.year > 1900 else None)
        elif cls is str:
            s = v.lstrip()
            if s[:4] in ("1899", "1900") or not v.isascii():
                append(None if is_placeholder(v) else in_column_order(v, order))
            else:
                append(in_column_order(v, order) if order else v)
        elif cls in (int, float):
            append(None if v == 0 else v)  # serial 0: an empty date cell
        else:
            append(None if is_placeholder(v) else v)
    return out, None
