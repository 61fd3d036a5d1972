"""What a writer is asked to do to a workbook: cells, owned highlight rules, the report sheet.

The ownership marker of rules lives in sheetsync.owned, which the Google backend reads too."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

from ..model import SheetsyncError
from ..owned import OWNED_MARKER, mark, owned_rule  # noqa: F401  (the patcher's rule marker, defined once)

Value = Union[str, float, int, bool, dt.date, dt.datetime, None]

@dataclass
class CellWrite:
    row: int  # 0-based
    col: int
    value: Value  # None clears the value and keeps the cell's style
    number_format: str | None = None  # dates always get one (yyyy-mm-dd when not given)
    bold: bool = False
    wrap: bool = False  # wrap text inside the column (Flags)
    # take the style of the cell in this column of the same row, when it has one (a managed header beside the
    # tracker's own header cell); bold applies only when that cell has no style
    style_col: int | None = None


@dataclass
class RuleSpec:
    sqref: str
    formula: str  # relative to the top-left cell of sqref, already marked
    fill: str | None  # 'RRGGBB'
    font_color: str | None = None
    bold: bool = False
    border_color: str | None = None
    stop_if_true: bool = False


@dataclass
class ReportSpec:
    title: str
    rows: list[list[Value]]
    links: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> "'任务'!F12"
    col_widths: list[float] | tuple = ()
    hidden_cols: tuple[int, ...] = ()  # 0-based columns kept out of sight (what sync reads back, not people)


@dataclass
class WorkbookPatch:
    sheet: str
    cells: list[CellWrite] = field(default_factory=list)
    rules: list[RuleSpec] = field(default_factory=list)  # replaces every owned rule on the sheet
    report: ReportSpec | None = None
    side_rules: dict[str, list[RuleSpec]] = field(default_factory=dict)  # other sheets' owned rules, replaced too


@dataclass
class PatchResult:
    changed: bool
    backup: Path | None
    sha256_before: str
    sha256_after: str


class PatchRefused(SheetsyncError):
    """The patcher will not touch the file; `en` and `zh` say why in one line."""

    def __init__(self, en: str, zh: str, code: str = "patch-refused"):
        super().__init__(en, zh, code=code)
