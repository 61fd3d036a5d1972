"""A workbook as a source hands it to the engine (WorkbookData, SheetData: values only, no I/O), and the names of a
tracker's side sheets every source and the engine agree on."""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from .cells import CellValue

# Characters str.strip() keeps but a person cannot see.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_TITLE_NOTE = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]$")


@functools.lru_cache(maxsize=4096)
def normalise_title(text: str) -> str:
    """A header or sheet title as sheetsync compares them (engine.values.normalise_header for any cell):
    '截止日期：' , '工期（工作日）', ' Due Date (working days) ' -> '截止日期', '工期', 'duedate'."""
    s = "".join(unicodedata.normalize("NFKC", text).casefold().split())
    s = s.strip(INVISIBLE)
    while True:
        before = s
        s = s.rstrip(":").strip("*")
        stripped = _TITLE_NOTE.sub("", s)
        if stripped:  # a header that is nothing but a note keeps it
            s = stripped
        if s == before:
            return s


# A tracker's sheets beside its task sheet, by name in either language (the rest of the schema is in
# engine/schema.py): a source that reads one named sheet reads these with it; the engine never takes them
# for the task table.
CAMPAIGN_SHEETS = ("Campaign", "活动信息", "活动")
PEOPLE_SHEETS = ("People", "人员", "人员名单", "联系人")
HOLIDAY_SHEETS = ("Holidays", "节假日", "假期")
REPORT_TITLE = {"zh": "同步报告", "en": "sheetsync"}
# The optional sheet of metric values the engine checks against alert rules (engine/metrics.py); named here
# because a reader looks for it too (the xlsx reader reads its cells' percent formats).
METRIC_SHEETS = ("Metrics", "指标", "指标数据", "数据监控", "Metric data")
SIDE_SHEETS = frozenset(normalise_title(n) for n in CAMPAIGN_SHEETS + PEOPLE_SHEETS + HOLIDAY_SHEETS
                        + tuple(REPORT_TITLE.values()))


def is_side_sheet(title: str) -> bool:
    return normalise_title(title) in SIDE_SHEETS


def is_metric_sheet(title: str) -> bool:
    return normalise_title(title) in {normalise_title(n) for n in METRIC_SHEETS}


@dataclass
class SheetData:
    """One sheet's values at absolute positions: rows[0] is sheet row 1, rows[r][0] is column A.

    Rows may be ragged (trailing empty cells trimmed). A merged area's value sits in its top-left cell only
    (sources never fill merges; the engine decides what a merge means); `merged` lists them as 0-based
    inclusive (r0, c0, r1, c1)."""
    name: str
    rows: list[list[CellValue]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    sheet_id: Any = None  # Google's sheetId; None for xlsx
    # Excel tables (ListObjects) on this sheet: (name, (r0, c0, r1, c1)) 0-based inclusive, header row r0.
    tables: list[tuple[str, tuple[int, int, int, int]]] = field(default_factory=list)

    def value(self, row: int, col: int) -> CellValue:
        if row < len(self.rows) and col < len(self.rows[row]):
            return self.rows[row][col]
        return None


@dataclass
class WorkbookData:
    source: str
    sheets: list[SheetData]
    kind: str = "xlsx"  # xlsx | xls | csv | gsheet | another backend's name: what the tracker is, for people
    text_format: tuple[str, str] | None = None  # a CSV/TSV file: (encoding as a person names it, delimiter)
    # Cell fills of the sheets with a row of dates (a Gantt's bars): sheet name -> {(row, col) 0-based: colour
    # key}. Only readers that can see fills set it (xlsx); None: fills were not read at all.
    fills: dict[str, dict[tuple[int, int], str]] | None = None
    # The cells of the Metrics sheets formatted as a percentage (a number there, 0.048, shows as 4.8%): sheet
    # name -> {(row, col) 0-based}. Only readers that see number formats set it (xlsx); None: formats were not read.
    percent_cells: dict[str, set[tuple[int, int]]] | None = None
    # the backend gives date cells back as day serials, not dates (a Google read asks for SERIAL_NUMBER and no
    # cell formats): the planner then reads its own Due cells as dates, or every run would rewrite them
    dates_as_serials: bool = False

    def sheet(self, name: str) -> SheetData | None:
        for s in self.sheets:
            if s.name == name:
                return s
        return None
