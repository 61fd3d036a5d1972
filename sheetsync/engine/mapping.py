"""A person's word on the layout: which sheet, which header row, which column is which field, which columns
to switch off and which rows are not tasks.

From sheetsync.toml (`columns = { task = "接口名" }`, `header_row = 4`, `sheet = "Plan"`, `ignore = ["RAG"]`,
`skip_rows = [5, "8-12"]`), from the CLI (`--columns 'task=接口名,owner=开发者' --sheet Plan --header-row 4
--ignore 'RAG,备注' --skip-rows 5,8-12`) or from rows of the Campaign sheet (`列:任务 | 接口名`,
`column: task | Name`, `表头行 | 4`, `任务表 | Plan`, `忽略列 | RAG`, `跳过行 | 5, 8-12`). The config or CLI
wins over the sheet, key by key; columns switched off and rows skipped add up. A field may be named by its code
(deadline), or its Chinese or English header (截止日期)."""
from __future__ import annotations

import re
from dataclasses import replace

from ..model import ColumnMapping, SheetsyncError, WorkbookData, col_letter
from .campaign import find_sheet
from .schema import CAMPAIGN_SHEETS, COLUMNS
from .statuses import STATUS_LABELS, status_words
from .table import TableLayout, field_of, find_table
from .values import clean_text, normalise_header, parse_number

_COLUMN_KEY = re.compile(r"^(?:列|column|col)\s*[:：]\s*(.+)$", re.I)
_HEADER_ROW_KEYS = {normalise_header(k) for k in ("表头行", "标题行", "header row", "header_row", "headerrow")}
_SHEET_KEYS = {normalise_header(k) for k in ("任务表", "工作表", "task sheet", "sheet", "tasks sheet")}
_IGNORE_KEYS = {normalise_header(k) for k in ("忽略列", "忽略", "不检查列", "ignore column", "ignore columns", "ignore")}
_SKIP_KEYS = {normalise_header(k) for k in ("跳过行", "忽略行", "非任务行", "skip rows", "skip row", "skip_rows")}
_LETTERS = re.compile(r"^[A-Za-z]{1,3}$")
_ROWS = re.compile(r"^(\d{1,7})(?:\s*[-~–—至]\s*(\d{1,7}))?$")
MAX_SKIPPED = 100_000  # rows a range may name: a typo such as 5-5000000 is refused, not looped over
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


def parse_names(text: str) -> tuple[str, ...]:
    """'RAG, 备注' -> ('RAG', '备注'): header texts or column letters, separated by , ; 、 or their full-width forms."""
    return tuple(dict.fromkeys(p.strip().strip("'\"") for p in re.split(r"[,;，；、]", text or "") if p.strip()))


def parse_rows(items, where: str = "--skip-rows") -> tuple[int, ...]:
    """'5, 8-12' or [5, "8-12"] -> (5, 8, 9, 10, 11, 12): 1-based row numbers, a range inclusive."""
    parts = re.split(r"[,;，；、\s]+", items) if isinstance(items, str) else list(items or ())
    out: set[int] = set()
    for part in parts:
        text = str(part).strip()
        if not text:
            continue
        hit = _ROWS.match(text) if not isinstance(part, bool) else None
        first, last = (int(hit.group(1)), int(hit.group(2) or hit.group(1))) if hit else (0, 0)
        if not hit or first < 1 or last < first or last - first >= MAX_SKIPPED:
            raise SheetsyncError(f"{where}: '{text}' is not a row number or range (example: 5, 8-12)",
                                 f"{where}:“{text}”不是行号或行号范围(例如 5, 8-12)", code="bad-mapping")
        out.update(range(first, last + 1))
    return tuple(sorted(out))


def row_ranges(rows) -> list[str]:
    """(5, 8, 9, 10) -> ['5', '8-10']: rows as a person writes them (parse_rows reads them back)."""
    out: list[list[int]] = []
    for r in sorted(set(rows)):
        if out and r == out[-1][1] + 1:
            out[-1][1] = r
        else:
            out.append([r, r])
    return [str(a) if a == b else f"{a}-{b}" for a, b in out]


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
        elif norm in _IGNORE_KEYS:
            m.ignore = tuple(dict.fromkeys(m.ignore + parse_names(value)))
        elif norm in _SKIP_KEYS:
            m.skip_rows = tuple(sorted(set(m.skip_rows) | set(parse_rows(value, f"{sheet.name}: {key}"))))
    return m if m.says_anything() else None


def combine(given: ColumnMapping | None, sheet: ColumnMapping | None) -> ColumnMapping | None:
    """The config (or CLI) wins over the Campaign sheet, key by key; columns switched off and rows skipped add up,
    and so do status words (the config's meaning of a word wins)."""
    if given is None or not given.says_anything():
        return sheet
    if sheet is None:
        return given
    columns = dict(sheet.columns)
    columns.update(given.columns)
    taken = {v for f, v in given.columns.items()}
    columns = {f: v for f, v in columns.items() if f in given.columns or v not in taken}
    return ColumnMapping(given.sheet or sheet.sheet, given.header_row or sheet.header_row, columns, given.origin,
                         tuple(dict.fromkeys(sheet.ignore + given.ignore)),
                         tuple(sorted(set(sheet.skip_rows) | set(given.skip_rows))),
                         {**sheet.statuses, **given.statuses})


def keep_header_row(workbook: WorkbookData, mapping: ColumnMapping | None, year: int) -> ColumnMapping | None:
    """A mapping by column letters only (task=C) says which column, not which row is the header: the header row
    is the one recognition finds (a letter matches on any row, and would otherwise pull the header up to a
    title row). With no table recognised, the letters keep their old reading."""
    if (mapping is None or mapping.header_row or not mapping.columns
            or not all(_LETTERS.match(v.strip()) for v in mapping.columns.values())):
        return mapping
    plain = replace(mapping, columns={})
    layout, _ = find_table(workbook, plain if plain.says_anything() else None, year)
    if layout is None:
        return mapping
    return replace(mapping, header_row=layout.header_row + 1, sheet=mapping.sheet or layout.sheet.name)


def check_ignored(layout: TableLayout, mapping: ColumnMapping | None) -> None:
    """Every column `ignore` names is in the table's header: a name that is not is a one-line error listing the
    headers there, as for a mapped column."""
    if mapping is None or not mapping.ignore:
        return
    named = {params.get("name") for kind, params in layout.reasons.values() if kind == "ignored"}
    for name in mapping.ignore:
        if name not in named and name not in mapping.columns.values():  # a column both mapped and ignored: mapped
            where = {"config": "sheetsync.toml", "campaign-sheet": "the Campaign sheet"}.get(mapping.origin, "--ignore")
            where_zh = {"config": "sheetsync.toml", "campaign-sheet": "活动信息表"}.get(mapping.origin, "--ignore")
            shown = ", ".join(dict.fromkeys(layout.texts[c] for c in sorted(layout.texts))) or "-"
            raise SheetsyncError(
                f"{where}: ignore names '{name}', which is not a header of sheet '{layout.sheet.name}'; "
                f"headers there: {shown}",
                f"{where_zh}:忽略列“{name}”不是工作表“{layout.sheet.name}”的表头;现有表头:{shown}", code="bad-mapping")


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
