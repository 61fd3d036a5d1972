"""The rows under the chosen header: which are not tasks (totals, section labels, repeated headers), where a
different table starts below, and the sheet as rows read it (a cell merged down a data column filled down)."""
from __future__ import annotations

from operator import itemgetter

from ..model import SheetData
from .header_cells import header_block, samples
from .header_scoring import Candidate, score_candidate
from .values import parse_status

TOTAL_WORDS = frozenset({"合计", "总计", "小计", "共计", "总和", "汇总", "合計", "總計", "小計", "總和", "彙總", "total",
                         "totals", "subtotal", "sum", "grandtotal", "total:"})


def rows_below(sheet: SheetData, cand: Candidate) -> tuple[int | None, frozenset, list[int]]:
    """One pass over the rows under the header: (end of the table, rows that are not tasks, start rows of the
    other tables below)."""
    cols = {f: c for f, c in cand.columns.items() if not f.startswith("m_")}
    task_c = cols.get("task")
    table_cols = sorted(set(cols.values()))
    header_keys = {t.strip().casefold() for t in cand.block.texts.values()}
    header_keys |= {t.rsplit(" / ", 1)[-1].strip().casefold() for t in cand.block.texts.values()}
    merged_rows: dict[int, tuple[int, int]] = {}
    first = cand.block.bottom + 1
    for r0, c0, r1, c1 in sheet.merged:
        if r0 >= first and c1 > c0 and c0 <= cand.last_col and c1 >= cand.first_col:
            merged_rows[r0] = (c0, c1)
    # the labels as people write them (case, a colon): one set lookup per row; padded text takes the slow path
    exact = {v + end for k in header_keys | TOTAL_WORDS
             for v in (k, k.upper(), k.title(), k.capitalize()) for end in ("", ":", "：")}
    numeric = [c for c in table_cols if any(v.__class__ in (int, float) for v in samples(sheet, first, c))]
    sums: dict[int, float] = dict.fromkeys(numeric, 0.0)
    counts: dict[int, int] = dict.fromkeys(numeric, 0)
    skip: list[int] = []
    starts: list[int] = []
    rows = sheet.rows
    end = None
    body = rows[first:]
    # Most rows hold a task text that is no label: find the others in one cheap pass, then look at them
    if task_c is None:
        values = [None] * len(body)
    elif min(map(len, body), default=0) > task_c:
        values = list(map(itemgetter(task_c), body))
    else:
        values = [row[task_c] if task_c < len(row) else None for row in body]
    look = [i + first for i, v in enumerate(values)
            if v.__class__ is not str or not v or v in exact or v[0].isspace() or v[-1].isspace()]
    look = sorted(set(look) | {r for r in merged_rows if r >= first})
    summed = first  # rows above this one are in sums/counts (totals are compared with what is above them)

    def add_up_to(stop: int) -> None:
        nonlocal summed
        skipped = set(skip)
        for r in range(summed, stop):
            if r in skipped:
                continue
            row = rows[r]
            for c in numeric:
                if c < len(row):
                    v = row[c]
                    if v.__class__ is float or (v.__class__ is int and -1e300 < v < 1e300):
                        sums[c] += v
                        counts[c] += 1
        summed = max(summed, stop)

    for r in look:
        row = rows[r]
        tv = values[r - first]
        if tv.__class__ is str and tv.strip():
            key = tv.strip().casefold()
            if key in TOTAL_WORDS or key.rstrip(":：") in TOTAL_WORDS:
                skip.append(r)
                continue
            if r in merged_rows and _only_in(row, table_cols, merged_rows[r]):
                skip.append(r)  # a label merged across the row: a section, not a task
                continue
            if key in header_keys:
                if _repeated_header(sheet, r, cand):
                    skip.append(r)
                    continue
                end = r
                starts.append(r)
                break
        elif tv is None or tv == "" or tv.__class__ is str:
            if numeric:
                add_up_to(r)
            if _not_a_task(row, table_cols, r, merged_rows, sums, counts, cols):
                skip.append(r)
                continue
    return end, frozenset(skip), starts


def _only_in(row, table_cols, span) -> bool:
    c0, c1 = span
    return all(c0 <= c <= c1 or c >= len(row) or row[c] in (None, "") for c in table_cols)


def _not_a_task(row, table_cols, r, merged_rows, sums, counts, cols) -> bool:
    """A row with no task text: a totals row (labelled, or numbers equal to the sum or count above) or a
    section label (one text cell, merged across or in the first column, not a value of its column)."""
    filled = [(c, row[c]) for c in table_cols if c < len(row) and row[c] not in (None, "")
              and not (row[c].__class__ is str and not row[c].strip())]
    if not filled:
        return False
    for c, v in filled:
        if v.__class__ is str and v.strip().casefold().rstrip(":：") in TOTAL_WORDS:
            return True
    numbers = [(c, v) for c, v in filled if v.__class__ in (int, float)]
    if numbers and len(numbers) == len(filled):
        for c, v in numbers:
            if counts.get(c, 0) >= 2 and (abs(sums.get(c, 0.0) - v) < 1e-9 * max(1.0, abs(v)) or v == counts[c]):
                return True
    if r in merged_rows and _only_in(row, table_cols, merged_rows[r]):
        return True  # one label merged across the row: a section heading
    if len(filled) == 1 and filled[0][1].__class__ is str:
        c, v = filled[0]
        if c == table_cols[0]:
            fld = next((f for f, cc in cols.items() if cc == c), None)
            if fld == "status":
                try:
                    return parse_status(v) is None
                except ValueError:
                    return True
            return fld not in ("owner", "id")
    return False


def _repeated_header(sheet: SheetData, r: int, cand: Candidate) -> bool:
    """A header row again below the table: the same table continued (same fields in the same columns,
    allowing small changes) or a different table that ends this one."""
    width = cand.last_col + 1
    block = header_block(sheet, r, r, width, {})
    other = score_candidate(sheet, block, cand.first_col, cand.last_col, cand.year, None, None)
    if other.columns.get("task") != cand.columns.get("task"):
        return False
    a, b = set(cand.columns), set(other.columns)
    return len(a & b) * 2 >= len(a | b)


def fill_down(sheet: SheetData, cand: Candidate) -> SheetData:
    """The sheet as the rows read it: a cell merged down a data column holds its value in every row it spans
    (a stage label merged down column A). Titles and labels merged across are left alone."""
    cols = set(c for f, c in cand.columns.items() if not f.startswith("m_"))
    first = cand.block.bottom + 1
    areas = [a for a in sheet.merged if a[2] > a[0] and a[0] >= first and a[1] in cols]
    if not areas:
        return sheet
    rows = list(sheet.rows)
    for r0, c0, r1, c1 in areas:
        value = sheet.value(r0, c0)
        if value in (None, ""):
            continue
        for r in range(r0 + 1, min(r1, len(rows) - 1) + 1):
            row = list(rows[r])
            if len(row) <= c0:
                row.extend([""] * (c0 + 1 - len(row)))
            if row[c0] in (None, ""):
                row[c0] = value
            rows[r] = row
    return SheetData(sheet.name, rows, sheet.merged, sheet.sheet_id, sheet.tables)

