"""Moving everything that lives at a row or column position when rows/columns are inserted or deleted."""
from __future__ import annotations

from typing import Optional

from .store import Sheet, Spreadsheet

_KEYS = {"ROWS": ("startRowIndex", "endRowIndex"), "COLUMNS": ("startColumnIndex", "endColumnIndex")}


def _shift_index(i: Optional[int], start: int, n: int, is_end: bool) -> Optional[int]:
    if i is None:
        return None
    if is_end:
        return i + n if i > start else i
    return i + n if i >= start else i


def _cut_index(i: Optional[int], s: int, e: int) -> Optional[int]:
    if i is None:
        return None
    if i <= s:
        return i
    if i <= e:
        return s
    return i - (e - s)


def _insert_gr(g: dict, dim: str, start: int, n: int) -> None:
    a, b = _KEYS[dim]
    g[a], g[b] = _shift_index(g.get(a), start, n, False), _shift_index(g.get(b), start, n, True)
    for k in (a, b):
        if g[k] is None:
            del g[k]


def _delete_gr(g: dict, dim: str, s: int, e: int) -> bool:
    """Shrink g; False when nothing of it is left."""
    a, b = _KEYS[dim]
    lo, hi = _cut_index(g.get(a), s, e), _cut_index(g.get(b), s, e)
    if lo is not None:
        g[a] = lo
    if hi is not None:
        g[b] = hi
    return not (lo is not None and hi is not None and lo >= hi)


def _dim_ranges(sheet: Sheet, dim: str) -> list:
    return sheet.row_groups if dim == "ROWS" else sheet.column_groups


def insert(ss: Spreadsheet, sheet: Sheet, dim: str, start: int, n: int, inherit_before: bool = False) -> None:
    axis = 0 if dim == "ROWS" else 1
    moved = {}
    for key, cell in sheet.cells.items():
        if key[axis] >= start:
            key = (key[0] + n, key[1]) if axis == 0 else (key[0], key[1] + n)
        moved[key] = cell
    sheet.cells = moved
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    shifted = {(i + n if i >= start else i): m for i, m in meta.items()}
    meta.clear()
    meta.update(shifted)
    sheet.grid["rowCount" if axis == 0 else "columnCount"] = (sheet.rows if axis == 0 else sheet.cols) + n
    for g in _sheet_ranges(ss, sheet):
        _insert_gr(g, dim, start, n)
    for grp in _dim_ranges(sheet, dim):
        r = grp["range"]
        r["startIndex"] = _shift_index(r["startIndex"], start, n, False)
        r["endIndex"] = _shift_index(r["endIndex"], start, n, True)


def delete(ss: Spreadsheet, sheet: Sheet, dim: str, s: int, e: int) -> None:
    axis = 0 if dim == "ROWS" else 1
    n = e - s
    moved = {}
    for key, cell in sheet.cells.items():
        i = key[axis]
        if s <= i < e:
            continue
        if i >= e:
            key = (key[0] - n, key[1]) if axis == 0 else (key[0], key[1] - n)
        moved[key] = cell
    sheet.cells = moved
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    kept = {(i - n if i >= e else i): m for i, m in meta.items() if not s <= i < e}
    meta.clear()
    meta.update(kept)
    sheet.grid["rowCount" if axis == 0 else "columnCount"] = (sheet.rows if axis == 0 else sheet.cols) - n
    sheet.merges = [m for m in sheet.merges if _delete_gr(m, dim, s, e)]
    for cf in sheet.conditional_formats:
        cf["ranges"] = [g for g in cf.get("ranges", []) if _delete_gr(g, dim, s, e)]
    sheet.conditional_formats = [cf for cf in sheet.conditional_formats if cf["ranges"]]
    if sheet.basic_filter is not None and not _delete_gr(sheet.basic_filter.setdefault("range", {}), dim, s, e):
        sheet.basic_filter = None
    sheet.protected_ranges = [p for p in sheet.protected_ranges if _delete_gr(p.setdefault("range", {}), dim, s, e)]
    ss.named_ranges = [nr for nr in ss.named_ranges
                       if nr["range"].get("sheetId", 0) != sheet.sheet_id or _delete_gr(nr["range"], dim, s, e)]
    groups = []
    for grp in _dim_ranges(sheet, dim):
        r = grp["range"]
        r["startIndex"], r["endIndex"] = _cut_index(r["startIndex"], s, e), _cut_index(r["endIndex"], s, e)
        if r["startIndex"] < r["endIndex"]:
            groups.append(grp)
    _dim_ranges(sheet, dim)[:] = groups


def move(ss: Spreadsheet, sheet: Sheet, dim: str, s: int, e: int, dest: int) -> None:
    """Rows or columns s..e-1 cut and put before `dest` (counted before the cut), as Google's moveDimension:
    cells, sizes and validation travel with them; a range (merge, rule, filter) has its ends moved."""
    axis = 0 if dim == "ROWS" else 1
    n = e - s
    limit = max([sheet.rows if axis == 0 else sheet.cols, e] + [k[axis] + 1 for k in sheet.cells])
    order = [i for i in range(limit) if not s <= i < e]
    at = dest if dest < s else dest - n
    order[at:at] = list(range(s, e))
    new = {old: i for i, old in enumerate(order)}

    def key(k):
        return (new[k[0]], k[1]) if axis == 0 else (k[0], new[k[1]])
    sheet.cells = {key(k): v for k, v in sheet.cells.items()}
    sheet.data_validation = {key(k): v for k, v in sheet.data_validation.items()}
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    moved = {new[i]: m for i, m in meta.items() if i in new}
    meta.clear()
    meta.update(moved)
    a, b = _KEYS[dim]
    for g in _sheet_ranges(ss, sheet):
        if g.get(a) is None or g.get(b) is None or g[b] > limit:
            continue
        ends = [new[g[a]], new[g[b] - 1]]
        g[a], g[b] = min(ends), max(ends) + 1


def _sheet_ranges(ss: Spreadsheet, sheet: Sheet) -> list[dict]:
    out = list(sheet.merges)
    for cf in sheet.conditional_formats:
        out.extend(cf.get("ranges", []))
    if sheet.basic_filter is not None:
        out.append(sheet.basic_filter.setdefault("range", {}))
    out.extend(p.setdefault("range", {}) for p in sheet.protected_ranges)
    out.extend(nr["range"] for nr in ss.named_ranges if nr["range"].get("sheetId", 0) == sheet.sheet_id)
    return out


def truncate(sheet: Sheet, rows: int, cols: int) -> None:
    """A smaller grid drops the cells that fall outside it."""
    sheet.cells = {k: v for k, v in sheet.cells.items() if k[0] < rows and k[1] < cols}
