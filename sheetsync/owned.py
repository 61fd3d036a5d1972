"""How sheetsync knows its own things in a workbook, whichever backend holds it: the marker inside its highlight
rules, the marker of its report sheet, and where that sheet keeps what one run leaves for the next.

The planner builds to this layout and both backends read by it, so an Excel file and a Google sheet that
sheetsync wrote are recognised the same way."""
from __future__ import annotations

import json

# -- highlight rules ---------------------------------------------------------------------------------------
OWNED_MARKER = '"sheetsync"="sheetsync"'
_MARK_PREFIX = f"AND({OWNED_MARKER},"


def mark(condition: str) -> str:
    """Wrap a rule condition so a later run can tell the rule is sheetsync's; the wrapper is always TRUE,
    so Excel, LibreOffice and Google Sheets evaluate the condition unchanged."""
    condition = condition[1:] if condition.startswith("=") else condition
    return f"{_MARK_PREFIX}{condition})"


def owned_rule(formula: str | None) -> bool:
    """Is this conditional-format formula one sheetsync wrote? Tolerates a leading '=' and spaces."""
    if not formula:
        return False
    text = formula.strip()
    if text.startswith("="):
        text = text[1:].lstrip()
    return text.replace(" ", "").upper().startswith(_MARK_PREFIX.upper())


# -- the report sheet --------------------------------------------------------------------------------------
REPORT_MARKER = "sheetsync"  # its A1 (the title, in either language) starts with this


def is_own_report(first_cell) -> bool:
    """Does a sheet whose A1 holds this look like a report sheetsync wrote (not someone's sheet of that name)?"""
    return str(first_cell or "").startswith(REPORT_MARKER)


# Report rows above the findings list: title, time, the summary (each label beside its number, SUMMARY_PAIRS
# pairs to a row: tasks, cancelled, errors, warnings and the eight health counts make six rows), a blank row,
# then the findings' header row (styled), HEADER_ROW.
SUMMARY_PAIRS = 2
FINDINGS_START = 10
HEADER_ROW = FINDINGS_START - 1  # 0-based row of the findings table's header
MESSAGE_COL = 5  # the findings' Message column: wrapped, and its rows as tall as their text
# Column H is hidden and holds what sync needs from one run to the next (the fingerprint in H1; the note keys
# of the Google backend below it), never text meant for a person.
MACHINE_COL = 7
FINGERPRINT_PREFIX = "fp:"
NOTES_ROW = 1  # the note keys go down the hidden column from H2, below the fingerprint in H1
NOTES_PREFIX = "notes:"


def stored_fingerprint(rows: list[list]) -> str | None:
    """The fingerprint a report sheet's rows carry, None when they are not sheetsync's or carry none."""
    if not rows or not is_own_report(rows[0][0] if rows[0] else None):
        return None
    value = rows[0][MACHINE_COL] if len(rows[0]) > MACHINE_COL else None
    if isinstance(value, str) and value.startswith(FINGERPRINT_PREFIX):
        return value[len(FINGERPRINT_PREFIX):]
    return None


def recorded_notes(report_rows: list[list]) -> list:
    """[[task key, header], ...] of the notes the last sync set, from its report sheet."""
    out = []
    for row in report_rows[NOTES_ROW:]:
        v = row[MACHINE_COL] if len(row) > MACHINE_COL else None
        if isinstance(v, str) and v.startswith(NOTES_PREFIX):
            try:
                out.extend(json.loads(v[len(NOTES_PREFIX):]))
            except ValueError:
                continue
    return out
