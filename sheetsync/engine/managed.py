"""Where sync writes its own columns (Due, Health, Flags): the engine decides it with the table, so findings
about a derived deadline name the Due cell before the first sync made the column."""
from __future__ import annotations

from ..model import SheetData
from .schema import MANAGED

MANAGED_FIELDS = tuple(c.field for c in MANAGED)  # m_due, m_health, m_flags


def _empty(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def place_managed(columns: dict[str, int], sheet: SheetData) -> dict[str, int]:
    """Columns for Due, Health and Flags: found by header, else the first fully empty columns right of the
    table, never a column where a person has typed anything. `sheet` holds the values as in the file."""
    cols = {f: c for f, c in columns.items() if f in MANAGED_FIELDS}
    taken = set(columns.values())
    c = max(columns.values()) + 1
    for fld in MANAGED_FIELDS:
        if fld in cols:
            continue
        while c in taken or any(c < len(row) and not _empty(row[c]) for row in sheet.rows):
            c += 1
        cols[fld] = c
        taken.add(c)
        c += 1
    return cols
