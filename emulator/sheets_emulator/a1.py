"""A1 ranges as the Sheets API reads and echoes them.

A parsed range is a sheet plus half-open 0-based bounds; None means unbounded (``A:A`` has no rows).
Google echoes ranges with the sheet title quoted only when it must be (``Sheet1!A1`` but ``'D3'!A1``)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional



def col_letter(index: int) -> str:
    """0 -> A, 26 -> AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def col_index(letters: str) -> int:
    """A -> 0, AA -> 26."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


class RangeError(ValueError):
    """A range the API would refuse with 'Unable to parse range: ...'."""


@dataclass
class Bounds:
    r0: Optional[int]
    r1: Optional[int]
    c0: Optional[int]
    c1: Optional[int]

    def resolved(self, rows: int, cols: int) -> tuple[int, int, int, int]:
        return (self.r0 or 0, rows if self.r1 is None else self.r1,
                self.c0 or 0, cols if self.c1 is None else self.c1)


_CELL = re.compile(r"^\$?([A-Za-z]{0,3})\$?(\d*)$")
_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LOOKS_LIKE_REF = re.compile(r"^([A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*|true|false)$", re.I)


def quote_title(title: str) -> str:
    if _PLAIN_TITLE.match(title) and not _LOOKS_LIKE_REF.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def split_sheet(text: str) -> tuple[Optional[str], str]:
    """"'My sheet'!A1:B2" -> ("My sheet", "A1:B2"); "A1" -> (None, "A1"); "Sheet1" -> ("Sheet1", "")?

    A bare word is ambiguous (a sheet title or a cell); the caller decides with the spreadsheet at hand."""
    text = text.strip()
    if text.startswith("'"):
        i, out = 1, []
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    out.append("'")
                    i += 2
                    continue
                rest = text[i + 1:]
                if rest == "":
                    return "".join(out), ""
                if rest.startswith("!"):
                    return "".join(out), rest[1:]
                raise RangeError(text)
            out.append(ch)
            i += 1
        raise RangeError(text)
    if "!" in text:
        sheet, _, cells = text.rpartition("!")
        return sheet, cells
    return None, text


def parse_cells(cells: str) -> Bounds:
    """'A1:B2', 'A:A', '1:1', 'A1:1', 'B3' -> Bounds; raises RangeError."""
    parts = cells.split(":")
    if len(parts) > 2 or not cells:
        raise RangeError(cells)
    ends = []
    for p in parts:
        m = _CELL.match(p.strip())
        if not m or (not m.group(1) and not m.group(2)):
            raise RangeError(cells)
        col = col_index(m.group(1)) if m.group(1) else None
        row = int(m.group(2)) - 1 if m.group(2) else None
        if row is not None and row < 0:
            raise RangeError(cells)
        ends.append((row, col))
    if len(ends) == 1:
        row, col = ends[0]
        if row is None or col is None:
            raise RangeError(cells)
        return Bounds(row, row + 1, col, col + 1)
    (ra, ca), (rb, cb) = ends
    r0 = None if ra is None and rb is None else min(x for x in (ra, rb) if x is not None)
    r1 = None if ra is None or rb is None else max(ra, rb) + 1
    c0 = None if ca is None and cb is None else min(x for x in (ca, cb) if x is not None)
    c1 = None if ca is None or cb is None else max(ca, cb) + 1
    if ra is not None and rb is None:
        r0, r1 = ra, None
    if ca is not None and cb is None:
        c0, c1 = ca, None
    if ra is None and rb is not None:
        r0, r1 = None, None
    return Bounds(r0, r1, c0, c1)


def format_range(title: str, r0: int, r1: int, c0: int, c1: int) -> str:
    """Echo as Google does: a single cell as 'A1', otherwise 'A1:D4'."""
    start = f"{col_letter(c0)}{r0 + 1}"
    if r1 - r0 <= 1 and c1 - c0 <= 1:
        return f"{quote_title(title)}!{start}"
    return f"{quote_title(title)}!{start}:{col_letter(max(c1 - 1, c0))}{max(r1, r0 + 1)}"


def grid_range_text(title: str, r0: int, r1: int, c0: int, c1: int) -> str:
    """The form used inside grid-limit error messages, where the title is always quoted."""
    start = f"{col_letter(c0)}{r0 + 1}"
    body = start if (r1 - r0 <= 1 and c1 - c0 <= 1) else f"{start}:{col_letter(c1 - 1)}{r1}"
    return "'" + title.replace("'", "''") + "'!" + body
