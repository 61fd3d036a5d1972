"""The same problem over several cells of one column is one finding over a range (任务!E5:E55 负责人为空),
not one per row: a person fixes a column at once, and fifty lines hide the one that matters."""
from __future__ import annotations

import dataclasses

from ..model import Finding, parse_a1
from .catalogue import COLUMN_CODES
from .counts import count


def over_columns(findings: list[Finding], lang: str) -> list[Finding]:
    """Findings of a cell-content kind (catalogue.COLUMN_CODES) with the same code, severity, sheet, column and
    message become one, in the place of the first: `cell` and `row` its first cell, `range` from the first to
    the last, `cells` and `rows` every one, and the message says how many cells. Other findings are kept as
    they are, in order."""
    groups: dict[tuple, list[Finding]] = {}
    for f in findings:
        if f.code in COLUMN_CODES and f.cell and f.row is not None and not f.cells:
            groups.setdefault((f.code, f.severity, f.sheet, f.column, f.message), []).append(f)
    out: list[Finding] = []
    done: set[int] = set()
    for f in findings:
        if f.code not in COLUMN_CODES or not f.cell or f.row is None or f.cells:
            out.append(f)
            continue
        group = groups[(f.code, f.severity, f.sheet, f.column, f.message)]
        if len(group) == 1:
            out.append(f)
            continue
        if id(group[0]) in done:
            continue
        done.add(id(group[0]))
        out.append(merged(group, lang))
    return out


def merged(group: list[Finding], lang: str) -> Finding:
    spots = sorted({(f.row, f.cell) for f in group}, key=lambda s: (s[0], parse_a1(s[1])[1]))
    first, last = spots[0][1], spots[-1][1]
    cells = count(lang, "spot", len(spots))
    message = group[0].message + (f"(共 {cells})" if lang == "zh" else f" ({cells})")
    return dataclasses.replace(group[0], cell=first, row=spots[0][0], task_id=None, message=message,
                               range=f"{first}:{last}" if first != last else None,
                               cells=[c for _, c in spots], rows=[r for r, _ in spots])
