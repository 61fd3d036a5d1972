"""The emulator's spreadsheets: sheets of typed cells (text stays text, dates are day serials with a date
formatter), merged areas, condition formats, and the revision that grows with every change."""
from __future__ import annotations

import datetime as dt
import re
import secrets
import string
from dataclasses import dataclass, field
from typing import Any, Optional

from ..a1 import col_index, col_letter  # noqa: F401  (col_letter: the server echoes ranges)

EPOCH = dt.date(1899, 12, 30)
DEFAULT_ROWS, DEFAULT_COLS = 200, 20  # a new Feishu sheet's grid
_CHARS = string.ascii_letters + string.digits
_CELL = re.compile(r"^([A-Z]{1,3})?(\d+)?$")


def new_id(n: int = 6) -> str:
    return "".join(secrets.choice(_CHARS) for _ in range(n))


@dataclass
class Sheet:
    sheet_id: str
    title: str
    index: int
    rows: int = DEFAULT_ROWS
    cols: int = DEFAULT_COLS
    cells: dict = field(default_factory=dict)  # (r, c) -> str | int | float | bool
    styles: dict = field(default_factory=dict)  # (r, c) -> style dict
    merges: list = field(default_factory=list)  # (r0, c0, r1, c1) inclusive
    cfs: list = field(default_factory=list)  # condition formats, each with its cf_id
    hidden_cols: set = field(default_factory=set)

    def v3(self) -> dict:
        return {"sheet_id": self.sheet_id, "title": self.title, "index": self.index, "hidden": False,
                "grid_properties": {"frozen_row_count": 0, "frozen_column_count": 0, "row_count": self.rows,
                                    "column_count": self.cols},
                "resource_type": "sheet",
                "merges": [{"start_row_index": r0, "end_row_index": r1, "start_column_index": c0,
                            "end_column_index": c1} for r0, c0, r1, c1 in self.merges]}

    def insert_rows(self, at: int, n: int) -> None:
        """Rows inserted before 0-based `at`: everything below moves down, as when a person inserts rows."""
        def move(r):
            return r + n if r >= at else r
        self.cells = {(move(r), c): v for (r, c), v in self.cells.items()}
        self.styles = {(move(r), c): v for (r, c), v in self.styles.items()}
        self.merges = [(move(r0), c0, move(r1), c1) for r0, c0, r1, c1 in self.merges]
        self.rows += n


@dataclass
class Book:
    token: str
    title: str
    sheets: list[Sheet]
    apps: Optional[set] = None  # app ids added to the document; None: every app
    revision: int = 1

    def sheet(self, sheet_id: str) -> Optional[Sheet]:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def by_title(self, title: str) -> Optional[Sheet]:
        return next((s for s in self.sheets if s.title == title), None)


@dataclass
class Box:
    """A parsed range: sheet, 0-based inclusive rows and columns (None: to the grid's end)."""
    sheet: Sheet
    r0: int
    c0: int
    r1: int
    c1: int


class RangeError(ValueError):
    pass


def parse_range(book: Book, ref: str) -> Box:
    """sheetId, sheetId!A1:C10, sheetId!A:C, sheetId!A1:C (to the last row), sheetId!1:3 (whole rows)."""
    sid, _, cells = str(ref).partition("!")
    sheet = book.sheet(sid)
    if sheet is None:
        raise RangeError(f"sheetId not found: {sid}")
    if not cells:
        return Box(sheet, 0, 0, sheet.rows - 1, sheet.cols - 1)
    a, _, b = cells.partition(":")
    ma, mb = _CELL.match(a), _CELL.match(b or a)
    if not ma or not mb or not (ma.group(1) or ma.group(2)):
        raise RangeError(f"invalid range: {ref}")
    c0 = col_index(ma.group(1)) if ma.group(1) else 0
    c1 = col_index(mb.group(1)) if mb.group(1) else sheet.cols - 1
    r0 = int(ma.group(2)) - 1 if ma.group(2) else 0
    r1 = int(mb.group(2)) - 1 if mb.group(2) else sheet.rows - 1
    if min(r0, r1, c0, c1) < 0 or r1 < r0 or c1 < c0:
        raise RangeError(f"invalid range: {ref}")
    return Box(sheet, r0, c0, r1, c1)


def serial(value) -> int | float:
    if isinstance(value, dt.datetime):
        delta = value - dt.datetime(1899, 12, 30)
        return delta.days + delta.seconds / 86400
    return (value - EPOCH).days


def render(sheet: Sheet, r: int, c: int, value_render: str, date_render: Optional[str]) -> Any:
    v = sheet.cells.get((r, c))
    if v is None:
        return None
    fmt = (sheet.styles.get((r, c)) or {}).get("formatter") or ""
    is_date = isinstance(v, (int, float)) and not isinstance(v, bool) and "yy" in fmt.lower()
    if is_date and (date_render == "FormattedString" or value_render in ("FormattedValue", "ToString")):
        day = EPOCH + dt.timedelta(days=int(v))
        return day.strftime("%Y/%m/%d")
    if value_render == "ToString":
        return str(v).lower() if isinstance(v, bool) else str(v)
    return v


def seed_book(title: str, sheets: dict[str, list[list]], merges: Optional[dict] = None) -> Book:
    """A spreadsheet holding these values as a person's Feishu sheet would after importing the .xlsx."""
    book = Book(new_id(27), title, [])
    for i, (name, rows) in enumerate(sheets.items()):
        areas = (merges or {}).get(name, ())
        width = max([len(r) for r in rows] + [c1 + 1 for _, (_, c1) in areas], default=0)
        height = max([len(rows)] + [r1 + 1 for _, (r1, _) in areas])
        sheet = Sheet(new_id(), name, i, max(DEFAULT_ROWS, height), max(DEFAULT_COLS, width))
        for r, line in enumerate(rows):
            for c, v in enumerate(line):
                put_seed(sheet, r, c, v)
        sheet.merges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in areas]
        book.sheets.append(sheet)
    return book


def put_seed(sheet: Sheet, r: int, c: int, v: Any) -> None:
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        v = v.date()
    if isinstance(v, dt.time):
        v = (v.hour * 3600 + v.minute * 60 + v.second) / 86400
        sheet.styles[(r, c)] = {"formatter": "hh:mm:ss"}
    elif isinstance(v, (dt.date, dt.datetime)):
        sheet.styles[(r, c)] = {"formatter": "yyyy/MM/dd HH:mm:ss" if isinstance(v, dt.datetime) else "yyyy/MM/dd"}
        v = serial(v)
    elif isinstance(v, dt.timedelta):
        v = v.total_seconds() / 86400
    if v is None or v == "":
        sheet.cells.pop((r, c), None)
    else:
        sheet.cells[(r, c)] = v
