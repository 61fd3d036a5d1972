"""An imported holiday notice written into the tracker's own Holidays sheet (节假日: 日期, 类型 休息/上班, 说明),
through the package patcher like every other write (backup, verification, atomic replace): the workbook is
never re-saved by a library that would drop what it does not understand.

Only rows for days the sheet does not list yet are added, below its last row: a day a person already typed
stays as they typed it (they may give their team a make-up Saturday off). A workbook without a Holidays sheet
is not given one (sheetsync adds no sheet but its report): the rows are handed back for pasting."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .engine.campaign import find_sheet, header_map
from .engine.holiday_notice import Notice
from .engine.headers import has_cjk
from .engine.schema import HOLIDAY_COLUMNS, HOLIDAY_SHEETS
from .engine.values import is_blank, parse_date
from .model import WorkbookData

HEADERS = {"zh": ("日期", "类型", "说明"), "en": ("Date", "Type", "Note")}
KINDS = {"zh": ("休息", "上班"), "en": ("day off", "workday")}
NOTES = {"zh": ("{name}放假", "{name}调休上班"), "en": ("{name} (day off)", "{name} (make-up workday)")}


@dataclass
class SheetRows:
    """What the import adds to the Holidays sheet, and what it leaves as typed."""
    sheet: str | None  # the Holidays sheet's name; None: the workbook has none
    lang: str
    header: int  # 0-based row of its header (-1: no header row)
    cols: dict[str, int]  # date / kind / note -> 0-based column
    first_free: int  # 0-based row the new rows start at
    rows: list[tuple[dt.date, str, str]] = field(default_factory=list)  # (date, kind word, note) to add
    kept: list[dt.date] = field(default_factory=list)  # days already in the sheet, left alone
    write_header: bool = False  # the sheet is empty: its header row comes first


def notice_rows(notice: Notice, lang: str) -> list[tuple[dt.date, str, str]]:
    """Every day of the notice as a Holidays-sheet row, in date order."""
    off, on = KINDS[lang]
    note_off, note_on = NOTES[lang]
    out = [(d, off, note_off.format(name=h.name)) for h in notice.holidays for d in h.rest]
    out += [(d, on, note_on.format(name=h.name)) for h in notice.holidays for d in h.work]
    return sorted(out)


def plan_rows(workbook: WorkbookData, notice: Notice) -> SheetRows:
    sheet = find_sheet(workbook, HOLIDAY_SHEETS)
    if sheet is None:
        return SheetRows(None, "zh", -1, {}, 0, notice_rows(notice, "zh"))
    lang = "zh" if has_cjk(sheet.name) else "en"
    layout = header_map(sheet, HOLIDAY_COLUMNS)
    header, cols = layout if layout and "date" in layout[1] else (-1, {"date": 0, "kind": 1, "note": 2})
    if "kind" not in cols:
        cols["kind"] = max(cols.values()) + 1
    used = [r for r, row in enumerate(sheet.rows) if any(not is_blank(v) for v in row)]
    empty = not used
    if empty:
        header, cols = 0, {"date": 0, "kind": 1, "note": 2}
    have: set[dt.date] = set()
    for r in range(header + 1, len(sheet.rows)):
        raw = sheet.value(r, cols["date"])
        if is_blank(raw):
            continue
        try:
            day = parse_date(raw, notice.year)
        except ValueError:
            continue  # the engine names a date it cannot read; the import adds beside it
        if day is not None:
            have.add(day)
    out = SheetRows(sheet.name, lang, header, cols, (used[-1] + 1) if used else 1, write_header=empty)
    for row in notice_rows(notice, lang):
        (out.kept if row[0] in have else out.rows).append(row)
    return out


def into_workbook(path: str | Path, plan: SheetRows, backups: int = 5):
    """Write the planned rows into the .xlsx through the package patcher (xlsx.safe_write); the PatchResult."""
    from .xlsx.patch import CellWrite, WorkbookPatch
    from .xlsx.safe_write import apply_patch
    cells: list[CellWrite] = []
    if plan.write_header:
        cells += [CellWrite(0, plan.cols[k], text, bold=True)
                  for k, text in zip(("date", "kind", "note"), HEADERS[plan.lang])]
    for i, (day, kind, note) in enumerate(plan.rows):
        r = plan.first_free + i
        cells.append(CellWrite(r, plan.cols["date"], day, number_format="yyyy-mm-dd"))
        cells.append(CellWrite(r, plan.cols["kind"], kind))
        if "note" in plan.cols:
            cells.append(CellWrite(r, plan.cols["note"], note))
    return apply_patch(Path(path), WorkbookPatch(sheet=plan.sheet, cells=cells), backups=backups)

