"""Plan -> WorkbookPatch for the xlsx package patcher. Knows nothing about deadlines."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..plan import Plan
from .patch import CellWrite, ReportSpec, RuleSpec, WorkbookPatch, mark
from .safe_write import apply_patch

DATE_FORMAT = "yyyy-mm-dd"
# widths (characters) for managed columns the sheet has no width for: a yyyy-mm-dd date in a default-width
# column shows as #### in Excel and LibreOffice
MANAGED_WIDTHS = {"m_due": 12, "m_health": 12, "m_flags": 40}


def to_patch(plan: Plan) -> WorkbookPatch:
    cells = []
    for c in plan.cells:
        if c.kind == "date" and c.value is not None:
            cells.append(CellWrite(c.row, c.col, c.value, number_format=DATE_FORMAT))
        elif c.kind == "header":
            cells.append(CellWrite(c.row, c.col, c.value, bold=True, style_col=c.style_col))
        else:
            cells.append(CellWrite(c.row, c.col, c.value if c.value != "" else None, wrap=c.kind == "flags"))
    def spec(r):
        return RuleSpec(sqref=r.sqref, formula=mark(r.condition), fill=r.style.fill, font_color=r.style.font,
                        bold=r.style.bold, border_color=r.style.border, stop_if_true=r.stop_if_true)
    rules = [spec(r) for r in plan.rules]
    report = ReportSpec(title=plan.report.title, rows=plan.report.rows, links=plan.report.links,
                        col_widths=plan.report.col_widths, hidden_cols=plan.report.hidden_cols)
    side = {name: [spec(r) for r in rs] for name, rs in plan.side_rules.items()}
    return WorkbookPatch(sheet=plan.sheet, cells=cells, rules=rules, report=report, side_rules=side)


def write(path: Path, plan: Plan, *, expected_sha256: str, backups: int = 5):
    """Apply the plan to the file in place (atomically, verified, with a backup)."""
    return apply_patch(path, to_patch(plan), expected_sha256=expected_sha256, backups=backups,
                       col_widths=managed_widths(plan))


def managed_widths(plan: Plan) -> dict[int, float]:
    return {col: MANAGED_WIDTHS[fld] for fld, col in plan.columns.items() if fld in MANAGED_WIDTHS}
