"""A person's word on the layout: which sheet, which header row, which column is which field.

From sheetsync.toml (`columns = { task = "接口名" }`, `header_row = 4`, `sheet = "Plan"`), from the CLI
(`--columns 'task=接口名,owner=开发者' --sheet Plan --header-row 4`) or from rows of the Campaign sheet
(`列:任务 | 接口名`, `column: task | Name`, `表头行 | 4`, `任务表 | Plan`). The config or CLI wins over the
sheet, key by key. A field may be named by its code (deadline), or its Chinese or English header (截止日期)."""
from __future__ import annotations

import re

from ..model import ColumnMapping, SheetsyncError, WorkbookData
from .campaign import find_sheet
from .schema import CAMPAIGN_SHEETS, COLUMNS
from .statuses import STATUS_LABELS, status_words
from .table import field_of
from .values import clean_text, normalise_header, parse_number

_COLUMN_KEY = re.compile(r"^(?:列|column|col)\s*[:：]\s*(.+)$", re.I)
_HEADER_ROW_KEYS = {normalise_header(k) for k in ("表头行", "标题行", "header row", "header_row", "headerrow")}
_SHEET_KEYS = {normalise_header(k) for k in ("任务表", "工作表", "task sheet", "sheet", "tasks sheet")}
# '状态:开工 | 进行中', 'status: kickoff | in progress': the tracker's own status word and what it means
_STATUS_KEY = re.compile(r"^(?:状态|狀態|status)\s*[:：]\s*(.+)$", re.I)


def known_fields() -> str:
    return ", ".join(c.field for c in COLUMNS)


def parse_field(name: str, where: str) -> str:
    fld = field_of(name)
    if fld is None:
        raise SheetsyncError(f"{where}: '{name}' is not a field sheetsync knows (fields: {known_fields()})",
                             f"{where}:“{name}”不是可识别的字段(字段:{known_fields()})", code="bad-mapping")
    return fld


def parse_columns(text: str, where: str = "--columns") -> dict[str, str]:
    """'task=接口名,owner=开发者' -> {'task': '接口名', 'owner': '开发者'} (also ';' and '，' between pairs)."""
    out: dict[str, str] = {}
    for part in re.split(r"[,;，；]", text or ""):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise SheetsyncError(f"{where}: '{part.strip()}' is not field=header (example: task=接口名,owner=开发者)",
                                 f"{where}:“{part.strip()}”不是 字段=表头 的形式(例如 task=接口名,owner=开发者)",
                                 code="usage")
        out[parse_field(key.strip(), where)] = value.strip().strip("'\"")
    return out


def from_campaign_sheet(workbook: WorkbookData) -> ColumnMapping | None:
    sheet = find_sheet(workbook, CAMPAIGN_SHEETS)
    if sheet is None:
        return None
    m = ColumnMapping(origin="campaign-sheet")
    for row in sheet.rows:
        if len(row) < 2:
            continue
        key, value = clean_text(row[0]) or "", clean_text(row[1])
        if not key or not value:
            continue
        hit = _COLUMN_KEY.match(key.strip())
        norm = normalise_header(key)
        said = _STATUS_KEY.match(key.strip())
        if said:
            m.statuses[said.group(1).strip()] = value
            checked_statuses({said.group(1).strip(): value}, f"{sheet.name}: {key}")
        elif hit:
            m.columns[parse_field(hit.group(1).strip(), f"{sheet.name}: {key}")] = value
        elif norm in _HEADER_ROW_KEYS:
            try:
                m.header_row = int(parse_number(value) or 0) or None
            except (ValueError, TypeError):
                raise SheetsyncError(f"{sheet.name}: {key} '{value}' is not a row number",
                                     f"{sheet.name}:{key}“{value}”不是行号", code="bad-mapping") from None
        elif norm in _SHEET_KEYS:
            m.sheet = value
    return m if (m.columns or m.header_row or m.sheet or m.statuses) else None


def combine(given: ColumnMapping | None, sheet: ColumnMapping | None) -> ColumnMapping | None:
    """The config (or CLI) wins over the Campaign sheet, key by key."""
    if given is None or not (given.columns or given.header_row or given.sheet or given.statuses):
        return sheet
    if sheet is None:
        return given
    columns = dict(sheet.columns)
    columns.update(given.columns)
    taken = {v for f, v in given.columns.items()}
    columns = {f: v for f, v in columns.items() if f in given.columns or v not in taken}
    out = ColumnMapping(given.sheet or sheet.sheet, given.header_row or sheet.header_row, columns, given.origin)
    out.statuses = {**sheet.statuses, **given.statuses}
    return out


def parse_statuses(text: str, where: str = "--statuses") -> dict[str, str]:
    """'开工=进行中,待验收=待审核' -> {'开工': '进行中', '待验收': '待审核'}, each target checked."""
    out: dict[str, str] = {}
    for part in re.split(r"[,;，；]", text or ""):
        if not part.strip():
            continue
        word, sep, target = part.partition("=")
        if not sep or not word.strip() or not target.strip():
            raise SheetsyncError(f"{where}: '{part.strip()}' is not word=status (example: 开工=进行中,待验收=待审核)",
                                 f"{where}:“{part.strip()}”不是 状态词=状态 的形式(例如 开工=进行中,待验收=待审核)",
                                 code="usage")
        out[word.strip().strip("'\"")] = target.strip().strip("'\"")
    return checked_statuses(out, where)


def checked_statuses(mapping: dict[str, str], where: str) -> dict[str, str]:
    """The mapping unchanged, or a SheetsyncError naming the first target that is not a status."""
    status_words_in(mapping, where)
    return mapping


def status_words_in(mapping: dict[str, str], where: str) -> tuple:
    try:
        return status_words(mapping)
    except ValueError as e:
        word, target = e.args
        raise SheetsyncError(
            f"{where}: '{target}' (for '{word}') is not a status; use one of "
            + ", ".join(STATUS_LABELS["en"].values()),
            f"{where}:“{target}”(对应“{word}”)不是状态:请使用 " + "、".join(STATUS_LABELS["zh"].values()) + " 之一",
            code="bad-mapping") from None


def status_words_of(mapping: ColumnMapping | None) -> tuple:
    """The mapping's status words as the reader takes them (statuses.parse_status)."""
    if mapping is None or not mapping.statuses:
        return ()
    return status_words_in(mapping.statuses, "statuses")
