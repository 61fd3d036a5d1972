"""Where sync writes its own columns (Due, Health, Flags): the engine decides it with the table, so findings
about a derived deadline name the Due cell before the first sync made the column.

Sync's columns are found again by their headers anywhere in the header row (people move them, insert columns
before them, put them inside or beside an Excel table), but only when they are sync's: a header alone is not
enough, since people head their own columns Due or 健康度 too. The Health column is the mark: sync fills it
with its own health words only, so a Health-headed column holding those words (or, with the Due and Flags
headers beside it in the row, nothing yet) is sync's, and so are the Due and Flags headers nearest to it. A
person's RAG column (Red/Amber/Green, 红/黄/绿) is never taken, and neither is a Due column of their own."""
from __future__ import annotations

from itertools import islice

from ..model import SheetData
from .schema import HEALTH_LABELS, MANAGED
from .values import normalise_header

MANAGED_FIELDS = tuple(c.field for c in MANAGED)  # m_due, m_health, m_flags
_FIELD_OF = {normalise_header(alias): c.field for c in MANAGED for alias in c.zh + c.en}
_HEALTH_WORDS = frozenset(word for labels in HEALTH_LABELS.values() for word in labels.values())
SAMPLE = 500  # Health cells looked at: enough to tell sync's words from a person's, whatever the table's size
STRAY = 5  # a Health column is still sync's with one cell in this many typed over by a person


def _empty(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def managed_field(text) -> str | None:
    """The managed field a header names as sync writes it (either language), else None."""
    return _FIELD_OF.get(normalise_header(text)) if isinstance(text, str) else None


def _health_words(sheet: SheetData, header_row: int, c: int) -> tuple[int, int]:
    """(sync's health words, other values) in the first SAMPLE filled cells under the header (looked for in at
    most SAMPLE * 4 rows: a sparse column of a 100k-row sheet is not walked to its end for each header row)."""
    words = other = 0
    for row in islice(sheet.rows, header_row + 1, header_row + 1 + SAMPLE * 4):
        v = row[c] if c < len(row) else None
        if _empty(v):
            continue
        if isinstance(v, str) and v.strip() in _HEALTH_WORDS:
            words += 1
        else:
            other += 1
        if words + other >= SAMPLE:
            break
    return words, other


def own_columns(sheet: SheetData, header_row: int) -> dict[str, int]:
    """Sync's own columns in this (0-based) header row, wherever they are: field -> column."""
    row = sheet.rows[header_row] if 0 <= header_row < len(sheet.rows) else ()
    heads: dict[str, list[int]] = {}
    for c, v in enumerate(row):
        fld = managed_field(v)
        if fld is not None:
            heads.setdefault(fld, []).append(c)
    if "m_health" not in heads:
        return {}
    trio = len(heads) == len(MANAGED_FIELDS)
    best = None
    for c in heads["m_health"]:
        words, other = _health_words(sheet, header_row, c)
        if (words and other * STRAY <= words) or (not words and not other and trio):
            if best is None or words > best[0]:
                best = (words, c)
    if best is None:
        return {}
    health = best[1]
    own = {"m_health": health}
    for fld in ("m_due", "m_flags"):
        if fld in heads:  # of two columns so headed, sync's is the one beside its Health column
            own[fld] = min(heads[fld], key=lambda c: (abs(c - health), c))
    return own


def _blocked(sheet: SheetData, top: int, bottom: int) -> set[int]:
    """Columns no managed cell may go into between rows top..bottom: those under a merged area (a Notes header
    merged over three columns shows only its first cell) and those inside an Excel table (its header cells
    are its column names)."""
    out: set[int] = set()
    for r0, c0, r1, c1 in sheet.merged:
        if r1 >= top and r0 <= bottom:
            out.update(range(c0, c1 + 1))
    for _, (r0, c0, r1, c1) in sheet.tables:
        if r1 >= top and r0 <= bottom:
            out.update(range(c0, c1 + 1))
    return out


def place_managed(columns: dict[str, int], sheet: SheetData, header_row: int, end_row: int | None = None
                  ) -> dict[str, int]:
    """Columns for Due, Health and Flags: sync's own found in the header row (0-based), else the first fully
    empty columns right of the table, never a column where a person has typed anything and never inside a
    merged area or another Excel table. `sheet` holds the values as in the file; `end_row` (exclusive) is
    where the task table ends."""
    mine = {c for f, c in columns.items() if f not in MANAGED_FIELDS}
    cols = {f: c for f, c in own_columns(sheet, header_row).items() if c not in mine}
    for f, c in columns.items():  # the table's own reading of them (a mapping may have named them)
        if f in MANAGED_FIELDS and f not in cols and c not in mine and c not in cols.values():
            cols[f] = c
    missing = [f for f in MANAGED_FIELDS if f not in cols]
    if not missing:
        return cols
    taken = mine | set(cols.values())
    blocked = _blocked(sheet, header_row, (end_row if end_row is not None else len(sheet.rows)) - 1)

    def free(c: int) -> bool:
        return c not in taken and c not in blocked and not any(c < len(row) and not _empty(row[c]) for row in sheet.rows)

    c = max(taken) + 1
    while not all(free(k) for k in range(c, c + len(missing))):  # side by side, as a person reads them
        c += 1
    cols.update(zip(missing, range(c, c + len(missing))))
    return cols


def set_aside(layout) -> None:
    """The person's columns only in the table's reading (a TableLayout's columns and headers): findings and
    checks then read the same table before sync made its columns and after, so a second sync plans what the
    first did."""
    for fld in MANAGED_FIELDS:
        layout.columns.pop(fld, None)
        layout.headers.pop(fld, None)
