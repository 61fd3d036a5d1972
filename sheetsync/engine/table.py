"""Find the task table: the first sheet with a header row (within its first 20 rows) naming at least three
known columns. Title rows above the header are common in real trackers."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import SheetData, WorkbookData
from .schema import CAMPAIGN_SHEETS, COLUMNS, HOLIDAY_SHEETS, MANAGED, PEOPLE_SHEETS, REPORT_TITLE
from .values import normalise_header

HEADER_SCAN_ROWS = 20
MIN_KNOWN_COLUMNS = 3
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _alias_map(columns) -> dict[str, tuple[str, str]]:
    """normalised header -> (field, language of the alias)."""
    out: dict[str, tuple[str, str]] = {}
    for col in columns:
        for lang, aliases in (("zh", col.zh), ("en", col.en)):
            for alias in aliases:
                out.setdefault(normalise_header(alias), (col.field, lang))
    return out


ALIASES = _alias_map(COLUMNS)
MANAGED_ALIASES = _alias_map(MANAGED)
_SIDE_SHEETS = {normalise_header(n) for n in CAMPAIGN_SHEETS + PEOPLE_SHEETS + HOLIDAY_SHEETS + tuple(REPORT_TITLE.values())}


@dataclass
class TableLayout:
    sheet: SheetData
    header_row: int  # 0-based
    columns: dict[str, int]  # field -> 0-based column (known and managed fields)
    headers: dict[str, str]  # field -> header text as written
    language: str
    width: int  # one past the last header column

    @property
    def first_data_row(self) -> int:
        return self.header_row + 1


@dataclass
class HeaderCandidate:
    sheet: str
    row: int  # 0-based
    texts: list[str] = field(default_factory=list)
    known: int = 0


def match_header_row(cells: list) -> tuple[dict[str, int], dict[str, str], dict[str, int]]:
    """Map the cells of one row to fields. Returns (columns, headers, language votes)."""
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    votes = {"zh": 0, "en": 0}
    for c, raw in enumerate(cells):
        if not isinstance(raw, str) or not raw.strip():
            continue
        key = normalise_header(raw)
        hit = ALIASES.get(key) or MANAGED_ALIASES.get(key)
        if hit is None:
            continue
        fld, lang = hit
        if fld in columns:  # the first of two same-meaning columns wins
            continue
        columns[fld] = c
        headers[fld] = raw.strip()
        if not fld.startswith("m_"):
            votes["zh" if _CJK.search(raw) else lang] += 1
    return columns, headers, votes


def find_table(workbook: WorkbookData) -> tuple[TableLayout | None, list[HeaderCandidate]]:
    """The layout of the first task table, or None and the best header row seen in each sheet."""
    seen: list[HeaderCandidate] = []
    for sheet in workbook.sheets:
        if normalise_header(sheet.name) in _SIDE_SHEETS:
            continue
        best: HeaderCandidate | None = None
        for r in range(min(HEADER_SCAN_ROWS, len(sheet.rows))):
            cells = sheet.rows[r]
            columns, headers, votes = match_header_row(cells)
            known = sum(1 for f in columns if not f.startswith("m_"))
            if known >= MIN_KNOWN_COLUMNS:
                language = "zh" if votes["zh"] > votes["en"] else "en"
                width = max(columns.values()) + 1
                return TableLayout(sheet, r, columns, headers, language, width), seen
            texts = [str(v).strip() for v in cells if isinstance(v, str) and v.strip()]
            if texts and (best is None or known > best.known or (known == best.known and len(texts) > len(best.texts))):
                best = HeaderCandidate(sheet.name, r, texts, known)
        if best is not None:
            seen.append(best)
    return None, seen


def describe_seen(seen: list[HeaderCandidate], limit: int = 5) -> str:
    if not seen:
        return "none (every sheet is empty)"
    parts = []
    for cand in seen[:limit]:
        # a header cell typed on two lines ("客户\n名称") is shown on one, so the message stays one line
        shown = ", ".join(" ".join(str(t).split()) for t in cand.texts[:6]) + (" …" if len(cand.texts) > 6 else "")
        parts.append(f"{cand.sheet}!{cand.row + 1}: {shown}")
    return "; ".join(parts)
