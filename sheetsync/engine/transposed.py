"""A transposed table: the field names run down one column (任务, 负责人, 截止日期, 状态) and each task is a
column to their right. sheetsync reads one task per row, so such a sheet is refused with that reason, never
taken for a date grid or a Gantt chart (a row of dates in it is one field of every task)."""
from __future__ import annotations

from ..model import SheetData
from .headers import header_words, one_line
from .vocabulary import score_header

SCAN_ROWS = 40
LABEL_COLUMNS = 3  # the field names sit in one of the first columns
MIN_FIELDS = 3
CLEAR = 3.0  # a field heard clearly (the table finder's bar for a supporting column)


def fields_down(sheet: SheetData) -> bool:
    return fields_column(sheet) is not None


def fields_column(sheet: SheetData) -> int | None:
    """The column the field names run down: three or more rows whose first cell names a different field, each
    with values in two or more cells to its right, one of the fields the task (or four fields named), and such
    rows nearly all the rows of values (an ordinary table's first column holds one header and many task names)."""
    rows = sheet.rows[:SCAN_ROWS]
    for c in range(LABEL_COLUMNS):
        named: set[str] = set()
        labels = 0  # the column's cells that start a row of values: in a transposed table, nearly all name fields
        for row in rows:
            v = row[c] if c < len(row) else None
            if not isinstance(v, str) or not v.strip() or any(_filled(x) for x in row[:c]):
                continue
            if sum(1 for x in row[c + 1:] if _filled(x)) < 2:
                continue
            labels += 1
            scores = score_header(header_words(one_line(v)))
            best = max(scores.items(), key=lambda kv: kv[1][0], default=None)
            if best is not None and best[1][0] >= CLEAR:
                named.add(best[0])
        if (len(named) >= MIN_FIELDS and len(named) * 5 >= labels * 3
                and ("task" in named or len(named) >= MIN_FIELDS + 1)):
            return c
    return None


def _filled(v) -> bool:
    return v not in (None, "") and not (isinstance(v, str) and not v.strip())
