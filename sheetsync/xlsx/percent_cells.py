"""Which cells of the Metrics sheets are shown as a percentage: calamine gives 4.8% as the value 0.048 and no
format. Read from styles.xml (cellXfs -> numFmtId: the built-in 9 `0%` and 10 `0.00%`, or a custom numFmt whose
code shows a % sign) and the sheet XML (`<c r="C5" s="3">`), into plain data: per sheet, the set of (row, col)
0-based. Only the Metrics sheets are read, so a workbook without one costs no style parsing."""
from __future__ import annotations

import re
from pathlib import Path

from ..model import SheetData, is_metric_sheet

_BUILTIN_PERCENT = frozenset({9, 10})
# quoted text, an escaped character and [colour]/[condition] brackets show no percentage
_LITERAL = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def is_percent_code(code: str) -> bool:
    """A number format code that multiplies by 100 and shows a % sign: '0.0%', '#,##0.00%;[Red]-0.00%'."""
    return "%" in _LITERAL.sub("", code or "")


def read_percent_cells(path: Path, sheets: list[SheetData]) -> dict[str, set[tuple[int, int]]] | None:
    """Sheet name -> {(row, col)} of percent-formatted cells, for the Metrics sheets; None when the workbook has
    none or its styles cannot be read (the values are read all the same, shown as plain numbers)."""
    wanted = {s.name for s in sheets if is_metric_sheet(s.name)}
    if not wanted:
        return None
    from lxml import etree  # lxml loads only for a workbook with a Metrics sheet

    from .fills import sheet_parts, styled_cells
    from .package import Package, PatchRefused

    try:
        pkg = Package(path.read_bytes(), path.name)
        styles, parts = sheet_parts(pkg, wanted)
        if styles is None:
            return None
        percent = _percent_styles(styles)
        return {name: set(styled_cells(pkg.read(part), percent)) for name, part in parts.items()}
    except (PatchRefused, etree.LxmlError, OSError, ValueError, KeyError, AttributeError):
        return None


def _percent_styles(styles) -> list[bool]:
    """cellXfs index -> whether its number format is a percentage."""
    from .package import NS_MAIN

    root = styles.getroot()
    ns = f"{{{NS_MAIN}}}"
    custom = set()
    fmts = root.find(f"{ns}numFmts")
    for fmt in fmts if fmts is not None else ():
        if is_percent_code(fmt.get("formatCode", "")):
            custom.add(fmt.get("numFmtId"))
    out = []
    xfs = root.find(f"{ns}cellXfs")
    for xf in xfs if xfs is not None else ():
        n = xf.get("numFmtId", "0")
        out.append(n in custom or (n.isdigit() and int(n) in _BUILTIN_PERCENT))
    return out
