"""Where tables are: candidate header rows on each sheet (one to four rows deep, split where an empty column
runs through header and body), Excel tables, which sheets are looked at, and whether a candidate lies inside
the chosen table."""
from __future__ import annotations

from ..model import ColumnMapping, SheetData, WorkbookData, is_side_sheet
from .column_names import mapping_error, names_headers, resolve_mapping, switched_off
from .header_cells import (HEADER_SCAN_ROWS, MAX_COLUMNS, MAX_HEADER_ROWS, HeaderBlock, cell_text, covering, gridish,
                           header_block, samples)
from .header_scoring import Candidate, score_candidate
from .values import normalise_header


MAX_SPACER = 2  # empty columns inside a header that do not split it


def _segments(block: HeaderBlock, sheet: SheetData) -> list[tuple[int, int]]:
    """Runs of header cells separated by a column that is empty in the header and below it."""
    cols = sorted(block.texts)
    if not cols:
        return []
    segs, start, prev = [], cols[0], cols[0]
    for c in cols[1:]:
        gap = range(prev + 1, c)
        if gap and all(not samples(sheet, block.bottom + 1, g) for g in gap):
            segs.append((start, prev))
            start = c
        prev = c
    segs.append((start, prev))
    out: list[tuple[int, int]] = []
    for lo, hi in segs:  # a date grid set apart by an empty column still belongs to the table on its left
        if out and all(c in block.grid for c in cols if lo <= c <= hi):
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def _spans(segs: list[tuple[int, int]], block: HeaderBlock, sheet: SheetData, year: int) -> list[tuple[int, int]]:
    """The segments, and the whole header as one span when at most one segment has a task column of its own
    and the gaps are narrow: spacer columns inside a header (merged, or left empty) do not end the table, while
    a second table beside the first (a task column of its own) stays apart."""
    if len(segs) < 2 or any(b[0] - a[1] - 1 > MAX_SPACER for a, b in zip(segs, segs[1:])):
        return segs
    with_task = sum(1 for lo, hi in segs
                    if "task" in score_candidate(sheet, block, lo, hi, year, None, None).columns)
    return segs + [(segs[0][0], segs[-1][1])] if with_task <= 1 else segs


def _joins(sheet: SheetData, top: int, bottom: int, width: int, cover) -> bool:
    """May row `top` be part of a header that ends at `bottom`? Only as a header above a header: each of its
    cells is a group label merged across columns, a label merged down to the bottom row, or a label over an
    empty cell of the bottom row (a staggered header). A title merged across the whole table, or a data row,
    is not."""
    row = sheet.rows[top] if top < len(sheet.rows) else []
    used = [c for c in range(min(width, len(row))) if cell_text(row[c])]
    if not used:
        return False
    spans = 0
    for c in used:
        area = cover.get((top, c))
        if area is not None and area[0] == top and area[1] == c:
            if area[3] > area[1]:
                spans += 1
                if area[3] - area[1] + 1 >= max(4, 0.8 * width):  # a title over the table
                    return False
                continue
            if area[2] >= bottom:
                continue
        below = [sheet.value(r, c) for r in range(top + 1, bottom + 1)]
        if all(not cell_text(v) for v in below) or gridish(row[c], cell_text(row[c])):  # grid headers stack: day over weekday
            continue
        return False
    return True


def sheet_candidates(sheet: SheetData, year: int, mapping: ColumnMapping | None,
                      resolved: dict[str, int] | None) -> list[Candidate]:
    n = min(len(sheet.rows), HEADER_SCAN_ROWS)
    width = min(max((len(r) for r in sheet.rows[:n + MAX_HEADER_ROWS]), default=0), MAX_COLUMNS)
    if not width:
        return []
    cover = covering(sheet, 0, n + MAX_HEADER_ROWS, width)
    out: list[Candidate] = []
    rows = range(n)
    if mapping is not None and mapping.header_row:
        rows = [mapping.header_row - 1] if mapping.header_row - 1 < len(sheet.rows) else []
    settled = None  # the header row of a clear table: rows far below it are its data, not headers
    for bottom in rows:
        if settled is not None and bottom > settled + MAX_HEADER_ROWS:
            break
        if not any(cell_text(v) for v in sheet.rows[bottom][:width]):
            continue
        best: Candidate | None = None
        beside: list[Candidate] = []  # valid one-row tables at this row next to each other (blocks side by side)
        for depth in range(MAX_HEADER_ROWS):
            top = bottom - depth
            if top < 0 or (depth and not _joins(sheet, top, bottom, width, cover) and not names_headers(mapping)):
                break
            block = header_block(sheet, top, bottom, width, cover)
            if len(block.texts) < 1:
                continue
            for lo, hi in _spans(_segments(block, sheet), block, sheet, year):
                cols = resolve_mapping(resolved, block, lo, hi, sheet, mapping)
                if cols is False:
                    continue
                cand = score_candidate(sheet, block, lo, hi, year, cols, mapping.origin if cols else None,
                                       *switched_off(block, lo, hi, mapping))
                if not depth and cand.valid:
                    beside.append(cand)
                if best is None or _better(cand, best, 0.5 if depth else 0.0):
                    best = cand
        if best is not None:
            out.append(best)
            out += [c for c in beside if c.first_col > best.last_col or c.last_col < best.first_col]
            if settled is None and best.valid and len(best.columns) >= 3:
                settled = bottom
    for name, (r0, c0, r1, c1) in sheet.tables:  # Excel tables: their own header row and columns
        if r0 >= len(sheet.rows):
            continue
        block = header_block(sheet, r0, r0, min(c1 + 1, MAX_COLUMNS), covering(sheet, r0, r0, c1 + 1))
        cols = resolve_mapping(resolved, block, c0, c1, sheet, mapping)
        if cols is False:
            continue
        cand = score_candidate(sheet, block, c0, c1, year, cols, mapping.origin if cols else None,
                               *switched_off(block, c0, c1, mapping))
        cand.kind, cand.name, cand.total = "excel-table", name, cand.total + 1
        out.append(cand)
    return out


def _better(a: Candidate, b: Candidate, margin: float) -> bool:
    """A valid table beats an invalid one; then the higher total, by more than `margin` (a header row joined
    with the rows above must earn it)."""
    if a.valid != b.valid:
        return a.valid
    return a.total > b.total + margin


def task_sheets(workbook: WorkbookData, mapping: ColumnMapping | None) -> list[SheetData]:
    if mapping is not None and mapping.sheet:
        sheet = workbook.sheet(mapping.sheet) or next(
            (s for s in workbook.sheets if normalise_header(s.name) == normalise_header(mapping.sheet)), None)
        if sheet is None:
            raise mapping_error(workbook, mapping, None)
        return [sheet]
    return [s for s in workbook.sheets if not is_side_sheet(s.name)]


def overlaps(c: Candidate, chosen: Candidate, end: int | None) -> bool:
    """A candidate header row inside the chosen table (or its title rows above) is the same table."""
    if c.sheet is not chosen.sheet:
        return False
    if c.kind == "excel-table" or chosen.kind == "excel-table":
        return c.block.bottom == chosen.block.bottom and c.first_col == chosen.first_col
    if c.last_col < chosen.first_col or c.first_col > chosen.last_col:
        return False
    return c.block.bottom <= (end if end is not None else 10 ** 9)


TINY_ROWS = 5  # a table this small beside one four times its size is a summary or a side list, not the plan
_SIZE_SCAN = 2000


def table_size(c: Candidate) -> int:
    """Rows under the candidate's header with a value in its task column (counted up to a bound)."""
    task_c = c.columns.get("task")
    if task_c is None:
        return 0
    rows = c.sheet.rows
    first = c.block.bottom + 1
    return sum(1 for row in rows[first:first + _SIZE_SCAN] if task_c < len(row) and cell_text(row[task_c]))


def plans(valid: list[Candidate]) -> list[Candidate]:
    """The candidates that may be the plan: a tiny tidy table (a summary, a contact list) does not beat a
    table four times its size, however clean its headers. A mapped candidate always may."""
    sizes = {id(c): table_size(c) for c in valid}
    most = max(sizes.values(), default=0)
    keep = [c for c in valid if c.mapped or not (sizes[id(c)] <= TINY_ROWS and sizes[id(c)] * 4 <= most)]
    return keep or valid
