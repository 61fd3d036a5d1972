"""A person's mapping of columns (sheetsync.toml, the Campaign sheet, --columns): the header cells or letters it
names in a candidate, the fields it may name, and the error that lists what the sheet has when a name is wrong."""
from __future__ import annotations

import re

from ..model import ColumnMapping, SheetData, SheetsyncError, WorkbookData, col_index
from .header_cells import HEADER_SCAN_ROWS, MAX_COLUMNS, MAX_HEADER_ROWS, HeaderBlock, covering, header_block, leading
from .header_scoring import ALIASES
from .schema import COLUMNS
from .values import normalise_header

_FIELD_NAMES = {}
for _c in COLUMNS:
    for _name in (_c.field, _c.field.replace("_", " "), _c.field.replace("_", "-"), _c.zh[0], _c.en[0]):
        _FIELD_NAMES[normalise_header(_name)] = _c.field


def resolve_mapping(resolved, block: HeaderBlock, lo: int, hi: int, sheet: SheetData, mapping: ColumnMapping | None):
    """The mapping's columns in this header: {} (no mapping), {field: column}, or False (a named header is
    not in this row)."""
    if mapping is None or not mapping.columns:
        return {}
    out = {}
    for fld, want in mapping.columns.items():
        c = _find_header(block, lo, hi, want)
        if c is None:
            return False
        out[fld] = c
    return out


_LETTERS = re.compile(r"^[A-Za-z]{1,3}$")
_JOINERS = re.compile(r"[/\-_·—:：]")


def _find_header(block: HeaderBlock, lo: int, hi: int, want: str) -> int | None:
    keys = {normalise_header(want), normalise_header(leading(want))}  # the cell copied whole, instruction and all
    for c in range(lo, hi + 1):
        t = block.texts.get(c)
        if t is not None and (normalise_header(t) in keys or normalise_header(t.rsplit(" / ", 1)[-1]) in keys):
            return c
    squashed = _JOINERS.sub("", normalise_header(want))  # a split header named with its parts run together: 计划结束
    for c in range(lo, hi + 1):
        t = block.texts.get(c)
        if t is not None and " / " in t and _JOINERS.sub("", normalise_header(t)) == squashed:
            return c
    if _LETTERS.match(want.strip()):
        c = col_index(want.strip().upper())
        if c <= hi + 50:
            return c
    return None


def mapping_error(workbook: WorkbookData, mapping: ColumnMapping, sheet: SheetData | None) -> SheetsyncError:
    """A mapping names a header or sheet that is not there: say which exist."""
    where = "sheetsync.toml" if mapping.origin == "config" else ("the Campaign sheet" if mapping.origin == "campaign-sheet" else "--columns")
    where_zh = "sheetsync.toml" if mapping.origin == "config" else ("活动信息表" if mapping.origin == "campaign-sheet" else "--columns")
    if sheet is None:
        names = ", ".join(s.name for s in workbook.sheets)
        return SheetsyncError(f"{where} names the sheet '{mapping.sheet}', which this workbook does not have (sheets: {names})",
                              f"{where_zh} 指定的工作表“{mapping.sheet}”不存在(现有工作表:{names})", code="bad-mapping")
    n = min(len(sheet.rows), HEADER_SCAN_ROWS)
    width = min(max((len(r) for r in sheet.rows[:n + MAX_HEADER_ROWS]), default=0), MAX_COLUMNS)
    rows = [mapping.header_row - 1] if mapping.header_row else range(n)
    cover = covering(sheet, 0, n + MAX_HEADER_ROWS, width)
    # the header (one row, or rows stacked as a split header) holding most of the names, then most headers: its
    # headers are listed, and the first name it lacks is the one reported
    best: tuple = (-1, 0, [], {})
    for r in rows:
        for depth in range(MAX_HEADER_ROWS):
            if r - depth < 0 or r >= len(sheet.rows):
                break
            block = header_block(sheet, r - depth, r, width, cover)
            found = {f: _find_header(block, 0, width - 1, want) for f, want in mapping.columns.items()}
            texts = list(dict.fromkeys(block.texts[c] for c in sorted(block.texts)))  # a merged title once
            score = (sum(c is not None for c in found.values()), len(texts))
            if score > best[:2]:
                best = (*score, texts, found)
    best_texts, found = best[2], best[3]
    missing = next((f"{fld} = \"{want}\"" for fld, want in mapping.columns.items() if found.get(fld) is None), "")
    shown = ", ".join(best_texts[:30]) or "-"
    row_en = f" on row {mapping.header_row}" if mapping.header_row else ""
    row_zh = f"第 {mapping.header_row} 行" if mapping.header_row else ""
    return SheetsyncError(
        f"{where}: the column {missing or mapping.columns} is not a header{row_en} of sheet '{sheet.name}'; headers there: {shown}",
        f"{where_zh}:列 {missing or mapping.columns} 不是工作表“{sheet.name}”{row_zh}的表头;现有表头:{shown}",
        code="bad-mapping")


def names_headers(mapping: ColumnMapping | None) -> bool:
    """Does the mapping name columns by header text? Then a header split over rows may hold them on different
    rows (任务 on the top row, 结束 under 计划): rows are stacked to find them even where they would not join."""
    return mapping is not None and any(not _LETTERS.match(v.strip()) for v in mapping.columns.values())


def switched_off(block: HeaderBlock, lo: int, hi: int, mapping: ColumnMapping | None) -> tuple[dict[int, str], str | None]:
    """The columns of this header the mapping's `ignore` names (by header text or letter) -> the name, and where
    the mapping said so."""
    if mapping is None or not mapping.ignore:
        return {}, None
    cols = {_find_header(block, lo, hi, name): name for name in mapping.ignore}
    return {c: name for c, name in cols.items() if c is not None and lo <= c <= hi}, mapping.origin


def field_of(name: str) -> str | None:
    """A field named by a person: its code (deadline), its canonical header (截止日期, Deadline)."""
    key = normalise_header(name)
    return _FIELD_NAMES.get(key) or (ALIASES.get(key) or (None,))[0]

