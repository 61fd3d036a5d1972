"""Find the task table: which sheet, which header row(s), which column holds which field, and which rows
below are not tasks. The entry point; the stages live in their own modules:

- header_cells: a candidate header's text per column (merges, stacked rows, date grids);
- header_scoring: one candidate scored, each field assigned to one column;
- column_names: a person's mapping of columns, and the error when it names what is not there;
- regions: candidate header rows per sheet, Excel tables, which sheets are looked at;
- row_kinds: the rows under the chosen header that are not tasks;
- refusals: a layout that is not one row per task, said so.

The candidate with the best total wins (the first sheet holding one nearly as good as the best: people put
the plan first). Only the header scan and one pass over the rows: recognition does not grow with the
tracker beyond that pass."""
from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field, replace

from ..model import ColumnMapping, SheetData, TableSeen, WorkbookData
from .column_names import field_of, mapping_error
from .header_cells import header_block
from .header_scoring import ALIASES, Candidate, fields_down, score_candidate
from .headers import has_cjk
from .refusals import NotRowPerTask, not_row_per_task, transposed_header
from .regions import overlaps, plans, sheet_candidates, task_sheets
from .row_kinds import RowKinds, classify_rows, fill_down
from .row_labels import TOTAL_WORDS
from .schema import header
from .values import normalise_header

__all__ = ["ALIASES", "TOTAL_WORDS", "NotRowPerTask", "TableLayout", "describe_seen", "field_of",
           "find_table", "mapping_error", "not_row_per_task", "task_sheets", "transposed_header"]


@dataclass
class TableLayout:
    sheet: SheetData  # as the engine reads it: vertical merges in data columns filled down within their span
    header_row: int  # 0-based, the last row of the header
    columns: dict[str, int]  # field -> 0-based column (known and managed fields)
    headers: dict[str, str]  # field -> header text as written (a multi-row header joined with ' / ')
    language: str
    width: int  # one past the last header column
    header_rows: int = 1
    first_col: int = 0
    end_row: int | None = None  # 0-based, exclusive: where a different table starts below
    skip_rows: frozenset = frozenset()  # 0-based rows that are not tasks (the rows of `row_kinds.kinds`)
    texts: dict[int, str] = field(default_factory=dict)  # column -> header text of every non-empty header cell
    reasons: dict[int, tuple] = field(default_factory=dict)  # column -> why it was read so: (kind, params)
    grid: tuple[int, int] | None = None  # first, last column of a date grid beside the table
    candidates: list[TableSeen] = field(default_factory=list)  # the chosen table first
    score: float = 0.0
    mapped: str | None = None  # origin of the mapping that fixed columns, if any
    managed: dict[str, int] = field(default_factory=dict)  # m_due/m_health/m_flags -> column sync writes (place_managed)
    rows: RowKinds = field(default_factory=RowKinds)  # what each row under the header is (row_kinds.py)
    more: list = field(default_factory=list)  # TableLayouts of the other tables with these columns (sheets, blocks)

    @property
    def first_data_row(self) -> int:
        return self.header_row + 1


# ------------------------------------------------------------------ the workbook


def _seen(c: Candidate, note: str = "") -> TableSeen:
    return TableSeen(c.sheet.name, c.block.bottom + 1, c.first_col, c.last_col, round(c.total, 2),
                     sorted(f for f in c.columns if not f.startswith("m_")), c.kind, c.name, note,
                     [c.block.texts[k] for k in sorted(c.block.texts) if c.first_col <= k <= c.last_col])


# The recognition of the workbook objects read last, for a long-running process that analyses the same read
# again (a backend that kept its last read because the bytes did not change): recognition is a pure function of
# the values, the mapping and the year, so the same workbook object gives the same layout. Keyed on the object
# itself (a weak reference: a workbook nobody holds is forgotten), never on its name.
_KEEP = 16
_recognised: dict[int, tuple] = {}  # id(workbook) -> (weakref, mapping, year, layout, seen)
_recognised_lock = threading.Lock()


def find_table(workbook: WorkbookData, mapping: ColumnMapping | None = None, year: int | None = None
               ) -> tuple[TableLayout | None, list[TableSeen]]:
    """The layout of the task table, or None and the candidates seen (best first). A fresh layout each call
    (the engine adds its own columns to it), recognised once per workbook object, mapping and year."""
    year = year or 2000
    with _recognised_lock:
        kept = _recognised.get(id(workbook))
    if kept is not None and kept[0]() is workbook and kept[1] == mapping and kept[2] == year:
        return _fresh(kept[3]), list(kept[4])
    layout, seen = _find_table(workbook, mapping, year)
    key = id(workbook)
    ref = weakref.ref(workbook, lambda dead: _forget(key, dead))  # a workbook let go takes its layout with it
    with _recognised_lock:
        _recognised.pop(key, None)
        while len(_recognised) >= _KEEP:
            del _recognised[next(iter(_recognised))]
        _recognised[key] = (ref, mapping, year, _fresh(layout), list(seen))
    return layout, seen


def _forget(key: int, dead: weakref.ref) -> None:
    with _recognised_lock:
        if key in _recognised and _recognised[key][0] is dead:
            del _recognised[key]


def _fresh(layout: TableLayout | None) -> TableLayout | None:
    """A copy whose every part the engine changes afterwards (columns, headers, managed cells, reasons, row
    sets, other tables) is its own; the sheet values and row kinds are shared, as nothing changes them."""
    if layout is None:
        return None
    return replace(layout, columns=dict(layout.columns), headers=dict(layout.headers), managed=dict(layout.managed),
                   texts=dict(layout.texts), reasons=dict(layout.reasons), candidates=list(layout.candidates),
                   more=[_fresh(m) for m in layout.more])


def _find_table(workbook: WorkbookData, mapping: ColumnMapping | None, year: int
                ) -> tuple[TableLayout | None, list[TableSeen]]:
    if mapping is not None and not mapping.says_anything():
        mapping = None
    every: list[Candidate] = []
    first_valid: Candidate | None = None
    sheets = task_sheets(workbook, mapping)
    for sheet in sheets:
        cands = sheet_candidates(sheet, year, mapping, None)
        every += cands
    if mapping is not None and mapping.columns and not any(c.mapped for c in every):
        raise mapping_error(workbook, mapping, sheets[0] if sheets else None)
    for c in every:  # field names down the 'task' column, tasks across: a transposed table, not this one
        if c.valid and not c.mapped and "task" in c.columns and fields_down(c.sheet, c.columns["task"], c.block.top):
            c.valid = False
    valid = [c for c in every if c.valid]
    if not valid:
        every.sort(key=lambda c: -c.total)
        return None, [_seen(c, _why_not(c)) for c in every[:8]]
    valid = plans(valid)
    top = max(c.total for c in valid)
    # The first sheet that holds a table nearly as good as the best: people put the plan first.
    order = {id(s): i for i, s in enumerate(workbook.sheets)}
    first_valid = min((c for c in valid if c.total >= 0.6 * top), key=lambda c: (order.get(id(c.sheet), 0), -c.total))
    on_sheet = [c for c in valid if c.sheet is first_valid.sheet]
    best_here = max(c.total for c in on_sheet)
    # the topmost table nearly as good as the best: a repeated header further down continues it
    chosen = min((c for c in on_sheet if c.total >= 0.75 * best_here), key=lambda c: (c.block.bottom, -c.total))
    kinds = classify_rows(chosen.sheet, chosen)
    for r in (mapping.skip_rows if mapping else ()):  # 1-based rows a person said are not tasks
        if r - 1 > chosen.block.bottom and (kinds.end is None or r - 1 < kinds.end):
            kinds.kinds.setdefault(r - 1, "skipped")
    end = kinds.end
    others = [c for c in every if c is not chosen and c.valid and not overlaps(c, chosen, end)]
    for r in kinds.starts:
        block = header_block(chosen.sheet, r, r, chosen.last_col + 1, {})
        other = score_candidate(chosen.sheet, block, chosen.first_col, chosen.last_col, year, None, None)
        if other.valid:
            others.append(other)
    layout = _layout(chosen, kinds, [], mapping)
    same: dict[tuple, Candidate] = {}  # the topmost per sheet and left edge: a header repeated below continues it
    for c in sorted((c for c in every if c is not chosen and c.valid and _same_layout(c, chosen)
                     and not overlaps(c, chosen, end)), key=lambda c: c.block.bottom):
        same.setdefault((id(c.sheet), c.first_col), c)
    names = _task_names(layout) if same else []
    read_too: set[int] = set()
    for c in sorted(same.values(), key=lambda c: (order.get(id(c.sheet), 0), c.first_col)):
        more = _layout(c, classify_rows(c.sheet, c), [], mapping)
        theirs = _task_names(more)
        if theirs and theirs != names:  # the same tasks again is a copy (a backup sheet), not more work
            layout.more.append(more)
            read_too.add(id(c))
    listed = {id(o) for o in others}
    others += [c for c in same.values() if id(c) in read_too and id(c) not in listed]
    seen = [_seen(chosen)] + [_seen(c, "read too" if id(c) in read_too else
                                    "lower score" if c.sheet is chosen.sheet else "another sheet")
                              for c in sorted(others, key=lambda c: (id(c) not in read_too, -c.total))[:8]]
    layout.candidates = seen
    return layout, seen


def _signature(c: Candidate) -> tuple:
    return tuple(sorted((f, col - c.first_col, normalise_header(c.block.texts.get(col, "")))
                        for f, col in c.columns.items() if not f.startswith("m_")))


def _same_layout(c: Candidate, chosen: Candidate) -> bool:
    """Another table with the chosen one's columns: one project per sheet, or a second block beside the first
    (the same fields under the same headers, in the same order)."""
    if c.sheet is chosen.sheet and c.block.bottom != chosen.block.bottom:
        return False  # stacked below: a repeated header continues the table, or a different table ends it
    return len(c.columns) >= 3 and _signature(c) == _signature(chosen)


def _task_names(layout: TableLayout) -> list:
    """The task cells of a table's task rows, in order."""
    task_c = layout.columns.get("task")
    if task_c is None:
        return []
    stop = layout.end_row if layout.end_row is not None else len(layout.sheet.rows)
    return [row[task_c] for r, row in enumerate(layout.sheet.rows[layout.first_data_row:stop], layout.first_data_row)
            if r not in layout.skip_rows and task_c < len(row) and row[task_c] not in (None, "")]


def _why_not(c: Candidate) -> str:
    if "task" not in c.columns:
        return "no task column"
    return "only a task column"


def _layout(c: Candidate, kinds: RowKinds, seen, mapping) -> TableLayout:
    headers = {f: _as_written(c, col) or (header(f, "en") if not f.startswith("m_") else "") for f, col in c.columns.items()}
    named = [c.block.texts[col] for f, col in c.columns.items() if col in c.block.texts and not f.startswith("m_")]
    zh = sum(1 for t in named if has_cjk(t))
    language = "zh" if zh * 2 > len(named) or (zh and zh * 2 == len(named)) else "en"
    grid = (min(c.block.grid), max(c.block.grid)) if c.block.grid else None
    width = max(max(c.columns.values()) + 1, c.last_col + 1 if not grid else min(c.block.grid))
    texts = {col: t for col, t in c.block.texts.items() if c.first_col <= col <= c.last_col}
    return TableLayout(fill_down(c.sheet, c), c.block.bottom, dict(c.columns), headers, language,
                       max(max(c.columns.values()) + 1, width), c.block.bottom - c.block.top + 1, c.first_col, kinds.end,
                       kinds.skip, texts, dict(c.reasons), grid, seen, c.total, c.mapped, rows=kinds)


def _as_written(c: Candidate, col: int) -> str:
    """A header cell as the person wrote it (stripped), for messages; a multi-row header joined with ' / '."""
    raw = c.sheet.value(c.block.bottom, col)
    if c.block.top == c.block.bottom and isinstance(raw, str) and raw.strip():
        return raw.strip()
    return c.block.texts.get(col, "")


def describe_seen(seen: list[TableSeen], limit: int = 5) -> str:
    if not seen:
        return "none (every sheet is empty)"
    parts = []
    for cand in seen[:limit]:
        # a header cell typed on two lines ("客户\n名称") is shown on one, so the message stays one line
        shown = ", ".join(" ".join(str(x).split()) for x in cand.headers[:6]) + (" …" if len(cand.headers) > 6 else "")
        parts.append(f"{cand.sheet}!{cand.header_row}: {shown or '-'}")
    return "; ".join(parts)

