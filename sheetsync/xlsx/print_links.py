"""Report links that every reader can follow, a PDF export included.

LibreOffice turns a link to a cell into a PDF link only when the cell is printed: a link to a cell outside the
sheet's Print_Area comes out as an empty link (a failed export in some versions). And it reads a relative
reference in column C or R as R1C1 notation (`Tasks!C10`), so such a link goes nowhere even without a print
area. So the report links to `$C$10`, and to a cell outside the print area it links to the printed cell
nearest to it (the task's row, within the printed columns); the text beside it still names the exact cell."""
from __future__ import annotations

import re

from ..model import a1, col_index, quote_sheet

_LOCATION = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Za-z]{1,3})\$?(\d+)$")
_AREA = re.compile(r"^\$?([A-Za-z]{1,3})?\$?(\d+)?(?::\$?([A-Za-z]{1,3})?\$?(\d+)?)?$")
_SHEET_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!(.+)$")
PRINT_AREA = "_xlnm.Print_Area"
_FAR = 1 << 20


def _split(text: str) -> list[str]:
    """A defined name's ranges, split at commas outside quoted sheet names."""
    parts, cur, quoted = [], [], False
    for ch in text:
        if ch == "'":
            quoted = not quoted
        if ch == "," and not quoted:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def _area(ref: str) -> tuple[int, int, int, int] | None:
    """'$A$1:$D$10', '$A:$D', '$1:$10', '$B$2' -> 0-based (r0, c0, r1, c1); None when not a plain range."""
    m = _AREA.match(ref)
    if m is None or not any(m.groups()):
        return None
    ca, ra, cb, rb = m.groups()
    if ":" not in ref:
        cb, rb = ca, ra
    if (ca is None) != (cb is None) or (ra is None) != (rb is None):
        return None
    c0, c1 = (col_index(ca), col_index(cb)) if ca else (0, _FAR)
    r0, r1 = (int(ra) - 1, int(rb) - 1) if ra else (0, _FAR)
    return min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)


def print_areas(defined: list[tuple[str, str | None, str]], sheet_names: list[str]
                ) -> dict[str, list[tuple[int, int, int, int]]]:
    """sheet name -> its print ranges, from the workbook's defined names [(name, localSheetId, text)]. A
    print area that cannot be read is left out (its sheet's links stay as they are)."""
    out: dict[str, list] = {}
    for name, local, text in defined:
        if name != PRINT_AREA or local is None or not local.isdigit() or int(local) >= len(sheet_names):
            continue
        sheet = sheet_names[int(local)]
        areas = []
        for part in _split(text or ""):
            m = _SHEET_REF.match(part)
            area = _area(m.group(3)) if m else None
            if area is None:
                areas = []
                break
            areas.append(area)
        if areas:
            out[sheet] = areas
    return out


def _nearest(r: int, c: int, areas) -> tuple[int, int]:
    def clamp(area):
        r0, c0, r1, c1 = area
        return min(max(r, r0), r1), min(max(c, c0), c1)
    return min((clamp(a) for a in areas), key=lambda rc: (abs(rc[0] - r), abs(rc[1] - c)))


def printable(location: str, areas: dict[str, list]) -> str:
    """A link location as an absolute reference to a printed cell; unchanged when it is not a cell reference."""
    m = _LOCATION.match(location)
    if m is None:
        return location
    sheet = (m.group(1) or "").replace("''", "'") if m.group(1) is not None else m.group(2)
    r, c = int(m.group(4)) - 1, col_index(m.group(3))
    if sheet in areas:
        r, c = _nearest(r, c, areas[sheet])
    cell = a1(r, c)
    letters = cell.rstrip("0123456789")
    return f"{quote_sheet(sheet)}!${letters}${cell[len(letters):]}"
