"""Cell addresses: column letters, A1 references and quoted sheet names. Positions are 0-based in code and
1-based only where a person reads them (A1 references, `row` in findings)."""
from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Union

CellValue = Union[str, float, int, bool, dt.date, dt.datetime, dt.time, dt.timedelta, None]


@functools.lru_cache(maxsize=4096)
def col_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    if index < 0:
        raise ValueError(index)
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    """A -> 0, AA -> 26."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def parse_a1(ref: str) -> tuple[int, int]:
    """'F12' -> (row 11, col 5), 0-based."""
    m = _A1.match(ref)
    if not m:
        raise ValueError(f"not an A1 cell reference: {ref!r}")
    return int(m.group(2)) - 1, col_index(m.group(1))


def a1(row: int, col: int) -> str:
    """0-based (row, col) -> 'F12'."""
    return f"{col_letter(col)}{row + 1}"


@functools.lru_cache(maxsize=256)  # a handful of sheet names, asked once per finding
def quote_sheet(name: str) -> str:
    """Sheet name as it must appear in a formula or hyperlink location."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name) and not re.fullmatch(r"[A-Za-z]{1,3}\d+", name):
        return name
    return "'" + name.replace("'", "''") + "'"
