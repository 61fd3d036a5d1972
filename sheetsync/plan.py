"""A Plan: what a backend must do to a workbook: managed cells, owned highlight rules and the report sheet.

Plain data, writer-agnostic: the xlsx patcher and the Sheets batchUpdate both take a Plan, and neither needs the
engine to read one (sheetsync.planner makes it from a Report)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .model import TableShape
from .owned import MACHINE_COL

SPARE_ROWS = 200  # rules cover rows people add below the table until the next sync


@dataclass(frozen=True)
class Highlight:
    """Fill, font and border of one owned rule. Colours step in lightness (CIE L*), not only in hue,
    so red-green colour-blind readers still tell them apart: late darkest, due-soon lightest."""
    name: str
    fill: str | None
    font: str | None = None
    bold: bool = False
    border: str | None = None


HIGHLIGHTS = {
    "late": Highlight("late", fill="E57373", font="000000"),
    "unreviewed": Highlight("unreviewed", fill="F6A04D", font="000000"),
    "blocked": Highlight("blocked", fill="D9C9F0", font="000000"),
    "at-risk": Highlight("at-risk", fill="D9C9F0", font="000000"),
    "due-soon": Highlight("due-soon", fill="FFF2A8", font="000000"),
    "error-cell": Highlight("error-cell", fill=None, font="9C0006", bold=True, border="C00000"),
    "metric-alert": Highlight("metric-alert", fill="F6A04D", font="000000", bold=True),
}
ROW_RULE_ORDER = ("late", "unreviewed", "blocked", "at-risk", "due-soon")


@dataclass
class Rule:
    sqref: str
    condition: str  # formula relative to the top-left cell of sqref, without the ownership marker
    style: Highlight
    stop_if_true: bool = False
    # the Health word of the last sync this rule shows: what a backend without formula rules (Feishu) matches
    # in the Health cell instead of evaluating `condition`
    verdict: str | None = None


@dataclass
class PlannedCell:
    row: int  # 0-based
    col: int
    value: object  # str | date | None
    kind: str  # date | text | flags (text wrapped inside its column) | header
    before: object = None
    style_col: int | None = None  # a header takes the style of the tracker's own header cell in this column


@dataclass
class ReportSheet:
    title: str
    rows: list[list]
    links: dict[tuple[int, int], str]
    col_widths: list[float]
    hidden_cols: tuple[int, ...] = (MACHINE_COL,)  # what sync reads back next run (sheetsync.owned), not people


@dataclass
class Plan:
    sheet: str
    columns: dict[str, int]  # managed field -> 0-based column
    cells: list[PlannedCell]  # only the cells that change
    rules: list[Rule]
    report: ReportSheet
    fingerprint: str
    unchanged_report: bool = False
    language: str = "en"  # of the report's texts (zh | en)
    table: TableShape | None = None  # the task table as the engine found it (the backends check rows by it)
    notes: dict[tuple[int, int], str] = field(default_factory=dict)  # error notes to set (Google backend)
    cleared_notes: list[tuple[int, int]] = field(default_factory=list)  # notes the last run set that must go
    note_keys: list = field(default_factory=list)  # [[task key, header]] of `notes`, recorded for the next run
    # owned rules on other sheets: the Metrics sheet's breached values; [] clears old ones
    side_rules: dict[str, list[Rule]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.cells) or not self.unchanged_report

