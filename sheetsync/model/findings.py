"""Findings (what a person is told about a cell, a row or a column) and errors: the one-line SheetsyncError
every layer raises, and which exceptions one tracker's failure contains."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..errors import SheetsyncError  # noqa: F401  (raised by every layer as model.SheetsyncError)

SEVERITIES = ("error", "warning", "info")  # most serious first


@dataclass(slots=True)
class Finding:
    code: str
    severity: str  # one of SEVERITIES
    sheet: str | None
    cell: str | None  # 'F12' (A1 inside `sheet`), None for table-wide findings
    row: int | None  # 1-based sheet row
    column: str | None  # the header as written in the sheet
    task_id: str | None
    message: str
    params: dict = field(default_factory=dict, repr=False)  # template values, kept for re-rendering
    # The same problem over several cells of one column is one finding: `cell` and `row` are its first cell,
    # `range` spans them all ('E5:E55') and `cells`/`rows` list each one (empty for a single cell).
    range: str | None = None
    cells: list[str] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)

    @property
    def ref(self) -> str | None:
        if self.sheet and (self.range or self.cell):
            return f"{self.sheet}!{self.range or self.cell}"
        return None

    def spots(self) -> list[tuple[int | None, str | None]]:
        """Every (row, cell) the finding is about: the one cell, or each cell of its range."""
        return list(zip(self.rows, self.cells)) if self.cells else [(self.row, self.cell)]

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("params")
        d.pop("rows")
        d["cells"] = d["cells"] or ([self.cell] if self.cell else [])
        return d


# What a person or the process asked for (Ctrl-C, an exit): never turned into one tracker's error. Everything
# else a library raises on one tracker, a Rust panic (a BaseException) included, is that tracker's failure.
NOT_CONTAINED = (KeyboardInterrupt, SystemExit, GeneratorExit)


def contained(exc: BaseException) -> bool:
    return not isinstance(exc, NOT_CONTAINED)
