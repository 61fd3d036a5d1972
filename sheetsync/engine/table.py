"""Find the task table: which sheet, which header row(s), which column holds which field, and which rows
below are not tasks.

Every row near the top of every sheet (and every Excel table) is a candidate header; a header may span up
to four rows (a merged group such as 计划 / 实际 over 开始 / 结束 reads as '计划 / 开始'). Each candidate's
cells are scored against every field (engine/vocabulary.py) and assigned, each field to one column, the
task column first; the candidate with the best total wins. A person's mapping (ColumnMapping) fixes what it
names. Below the header, totals, section labels and repeated header rows are listed as rows to skip, and a
header row that starts a different table ends this one. Only the header scan and one pass over the rows:
recognition does not grow with the tracker beyond that pass."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from operator import itemgetter

from ..model import (ColumnMapping, SheetData, SheetsyncError, TableSeen, WorkbookData, col_index, col_letter,
                     is_side_sheet)
from . import catalogue
from .headers import HeaderWords, has_cjk, header_words, one_line, strip_common_cjk_prefix, strip_common_prefix
from .schema import COLUMNS, MANAGED, header
from .task_states import person_rates
from .values import normalise_header, parse_date, parse_status
from .vocabulary import DATE_FIELDS, score_header

HEADER_SCAN_ROWS = 40
MAX_HEADER_ROWS = 4
MAX_COLUMNS = 400  # header cells further right are not read (a stray cell at XFD1 is not a column)
SAMPLE_ROWS = 30
# A table needs a task column and one of these, heard clearly (a bare 'Date' beside 'Name' is not a tracker).
SUPPORT_FIELDS = ("owner", "deadline", "time_point", "status", "progress")
MIN_SUPPORT = 3.0
MIN_TASK = 2.0
MIN_ASSIGN = 2.5
KNOWN_HEADER = 6.0  # a header exactly as the templates write it
MAPPED = 100.0


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
_FIELD_NAMES = {}
for _c in COLUMNS:
    for _name in (_c.field, _c.field.replace("_", " "), _c.field.replace("_", "-"), _c.zh[0], _c.en[0]):
        _FIELD_NAMES[normalise_header(_name)] = _c.field

TOTAL_WORDS = frozenset({"合计", "总计", "小计", "共计", "总和", "汇总", "合計", "總計", "小計", "總和", "彙總", "total",
                         "totals", "subtotal", "sum", "grandtotal", "total:"})
_WEEKDAYS = frozenset("m t w r f s u mo tu we th fr sa su mon tue wed thu fri sat sun 一 二 三 四 五 六 日 天".split())
_GRID_TEXT = re.compile(
    r"^(?:(?:周|星期|週|禮拜|礼拜)[一二三四五六日天]|w(?:ee)?k\.?\s*\d+.*|week\s*\w+|第\s*[\d一二三四五六七八九十]+\s*[周週]|"
    r"[一二三四五六七八九十]{1,3}月|\d{1,2}\s*月(?:\s*\d{1,2}\s*日?)?|\d{1,4}[-/.]\d{1,2}(?:[-/.]\d{1,4})?|d\d{1,3}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:\s*\d{1,4})?|phase\s+\w+|q[1-4])$", re.I)
_ROLE_ENDS = ("经理", "助理", "主管", "总监", "专员", "工程师", "设计师", "策划", "程序", "美术", "前端", "后端", "后台",
              "测试", "运营", "市场", "产品", "设计", "财务", "人事", "行政", "销售", "客服", "法务", "经理人")
_ROLE_WORDS = frozenset("ui ux qa pm dev design art sound tech marketing sales ops frontend backend".split())
_GENERIC_DATE_WORDS = {"日期", "时间", "date", "time", "when", "day"}
_ID_LIKE = re.compile(r"^[A-Za-z]{0,5}[-_.]?\d+(?:[.\-]\d+)*(?:\([A-Za-z0-9]+\))?$")


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
    skip_rows: frozenset = frozenset()  # 0-based rows that are not tasks (totals, section labels, repeated headers)
    texts: dict[int, str] = field(default_factory=dict)  # column -> header text of every non-empty header cell
    reasons: dict[int, tuple] = field(default_factory=dict)  # column -> why it was read so: (kind, params)
    grid: tuple[int, int] | None = None  # first, last column of a date grid beside the table
    candidates: list[TableSeen] = field(default_factory=list)  # the chosen table first
    score: float = 0.0
    mapped: str | None = None  # origin of the mapping that fixed columns, if any
    managed: dict[str, int] = field(default_factory=dict)  # m_due/m_health/m_flags -> column sync writes (place_managed)

    @property
    def first_data_row(self) -> int:
        return self.header_row + 1


class NotRowPerTask(SheetsyncError):
    """The best table looks like a calendar grid or one column per person or department."""

    def __init__(self, sheet: str, kind: str, en: str, zh: str):
        super().__init__(en, zh, code="not-row-per-task")
        self.sheet, self.kind = sheet, kind


# ------------------------------------------------------------------ cells and merges


def _text(v) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, str):
        return one_line(v)
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()[:10]
    return str(v).strip()


def _covering(sheet: SheetData, top: int, bottom: int, width: int) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    """Cells in rows top..bottom that lie inside a merged area -> that area (0-based inclusive)."""
    out = {}
    for area in sheet.merged:
        r0, c0, r1, c1 = area
        if r1 < top or r0 > bottom or c0 >= width:
            continue
        for r in range(max(r0, top), min(r1, bottom) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                out[(r, c)] = area
    return out


def _gridish(raw, text: str) -> bool:
    if isinstance(raw, (dt.date, dt.datetime)) or (isinstance(raw, (int, float)) and not isinstance(raw, bool)):
        return True
    t = text.strip().casefold()
    return t in _WEEKDAYS or bool(_GRID_TEXT.match(t))


@dataclass
class _Block:
    top: int
    bottom: int
    texts: dict[int, str]  # column -> combined header text
    grid: set[int]


def _block(sheet: SheetData, top: int, bottom: int, width: int, cover) -> _Block:
    texts: dict[int, str] = {}
    grid: set[int] = set()
    for c in range(width):
        parts: list[str] = []
        grid_part = False
        for r in range(top, bottom + 1):
            raw = sheet.value(r, c)
            area = cover.get((r, c))
            if (raw is None or raw == "") and area is not None and area[0] >= top:
                raw = sheet.value(area[0], area[1])  # a merged header fills the cells it spans
            t = _text(raw)
            if t and (not parts or parts[-1] != t):
                parts.append(t)
                grid_part = grid_part or _gridish(raw, t)
        if parts:
            texts[c] = " / ".join(parts)
            if grid_part:
                grid.add(c)
    return _Block(top, bottom, texts, _grid_runs(grid, texts))


def _grid_runs(grid: set[int], texts: dict[int, str]) -> set[int]:
    """Grid columns that form a run of at least four (a lone date-like header is a column, not a grid)."""
    keep: set[int] = set()
    run: list[int] = []
    for c in sorted(texts) + [10 ** 9]:
        if c in grid and (not run or c <= run[-1] + 2):
            run.append(c)
            continue
        if len(run) >= 4:
            keep.update(run)
        run = [c] if c in grid else []
    return keep


# ------------------------------------------------------------------ values below a header


def _samples(sheet: SheetData, first: int, c: int) -> list:
    out = []
    for r in range(first, min(first + SAMPLE_ROWS, len(sheet.rows))):
        v = sheet.value(r, c)
        if v is not None and v != "" and not (isinstance(v, str) and not v.strip()):
            out.append(v)
    return out


def _is_date(v, year: int) -> bool:
    if isinstance(v, (dt.date, dt.datetime)):
        return True
    if isinstance(v, bool):
        return False
    try:
        return parse_date(v, year) is not None
    except (ValueError, TypeError, OverflowError):
        return False


def _value_hints(scores: dict[str, tuple[float, str]], values: list, year: int) -> dict[str, tuple[float, str]]:
    """Adjust a column's scores by what sits below it: the header says what a column is for, the values
    decide between near fields ('Start Date:' over task names, 任务 over ids, 狀態 holding 0 / 0.5 / 1)."""
    if len(values) < 2:
        return scores
    out = dict(scores)
    n = len(values)
    texts = [v for v in values if isinstance(v, str)]
    dates = sum(_is_date(v, year) for v in values[:12])
    exact = [f for f in DATE_FIELDS if f != "time_point"]  # a time point is written as words ('活动前15天')
    wordy = [t for t in texts if not any(ch.isdigit() for ch in t)]  # a date typed as text has digits
    if any(f in out for f in exact) and dates * 3 < min(n, 12) and len(wordy) * 3 >= n * 2:
        for f in exact:  # words where dates should be; a header written as the templates write it stays
            if f in out and out[f][1] != "=":
                del out[f]
    tp = out.get("time_point")
    if tp and tp[1] in _GENERIC_DATE_WORDS and dates * 3 >= min(n, 12) * 2:
        # a bare 'Date' / '日期' over real dates: the day the work is due, not a time point such as 'T-15'
        del out["time_point"]
        out["deadline"] = max(out.get("deadline", (0, "")), tp)
    if "task" in out:
        ids = sum(not isinstance(v, (dt.date, dt.datetime)) and bool(_ID_LIKE.match(_text(v))) for v in values)
        if ids * 3 >= n * 2:
            s, w = out["task"]
            out["task"] = (s - 2.5, w)
            out["id"] = (max(out.get("id", (0, ""))[0], 3.0), out.get("id", (0, "values"))[1] or "values")
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    # a 'status' of fractions (0 / 0.5 / 1) is a share done; whole numbers alone say nothing of the kind
    if ("status" in out and len(numbers) * 3 >= n * 2 and all(0 <= x <= 1 for x in numbers)
            and any(0 < x < 1 for x in numbers)):
        out["progress"] = (max(out.get("progress", (0, ""))[0], out["status"][0] + 1), out["status"][1])
    if "progress" in out and len(texts) * 3 >= n * 2:
        known = 0
        for v in texts[:12]:
            try:
                known += parse_status(v) is not None
            except ValueError:
                pass
        if known * 3 >= min(len(texts), 12) * 2:
            out["status"] = (max(out.get("status", (0, ""))[0], out["progress"][0] + 1), out["progress"][1])
    return out


# ------------------------------------------------------------------ scoring one candidate


@dataclass
class _Candidate:
    sheet: SheetData
    block: _Block
    first_col: int
    last_col: int
    columns: dict[str, int]
    scores: dict[int, dict[str, tuple[float, str]]]
    managed: dict[str, int]
    total: float
    reasons: dict[int, tuple]
    kind: str = "range"
    name: str | None = None
    valid: bool = False
    mapped: str | None = None
    year: int = 2000


def _words_of(block: _Block, lo: int, hi: int) -> dict[int, HeaderWords]:
    cols = [c for c in sorted(block.texts) if lo <= c <= hi and c not in block.grid]
    words = [header_words(block.texts[c]) for c in cols]
    words = strip_common_cjk_prefix(strip_common_prefix(words))
    return dict(zip(cols, words))


def _score(sheet: SheetData, block: _Block, lo: int, hi: int, year: int, mapping: dict[str, int] | None,
           origin: str | None) -> _Candidate:
    words = _words_of(block, lo, hi)
    managed: dict[str, int] = {}
    scores: dict[int, dict[str, tuple[float, str]]] = {}
    first = block.bottom + 1
    for c, h in words.items():
        key = normalise_header(block.texts[c])
        hit = MANAGED_ALIASES.get(key)
        if hit is not None and not person_rates(hit[0], _samples(sheet, first, c)):
            managed.setdefault(hit[0], c)
            continue
        s = dict(score_header(h))
        alias = ALIASES.get(key)
        if alias is not None:
            s[alias[0]] = (max(KNOWN_HEADER, s.get(alias[0], (0, ""))[0]), "=")
        if s:
            s = _value_hints(s, _samples(sheet, first, c), year)
        scores[c] = s
    # Empty header over task-like text: the task column when nothing else is (a Gantt's unlabelled first columns)
    columns: dict[str, int] = {}
    reasons: dict[int, tuple] = {}
    total = 0.0
    taken: set[int] = set(managed.values())
    for fld, c in (mapping or {}).items():
        columns[fld] = c
        taken.add(c)
        reasons[c] = ("mapped", {"field": fld, "origin": origin})
        total += MAPPED
    if "task" not in columns:
        # the task column first (a table has one); between equals, a column whose best reading is the task
        best = max(((s["task"][0], s["task"][0] >= max(v for v, _ in s.values()), -c) for c, s in scores.items()
                    if "task" in s and c not in taken and not any(w == "=" and f != "task" for f, (v, w) in s.items())),
                   default=None)
        if best is not None and best[0] >= MIN_TASK:
            c = -best[2]
            columns["task"] = c
            taken.add(c)
            reasons[c] = ("word", {"field": "task", "word": scores[c]["task"][1]})
            total += best[0]
    pairs = sorted(((s, fld, c) for c, fs in scores.items() for fld, (s, _) in fs.items()
                    if c not in taken and fld not in columns and s >= MIN_ASSIGN), key=lambda p: (-p[0], p[2]))
    for s, fld, c in pairs:
        if fld in columns or c in taken:
            continue
        columns[fld] = c
        taken.add(c)
        reasons[c] = ("word", {"field": fld, "word": scores[c][fld][1]})
        total += s
    if "task" not in columns:
        c = _unlabelled_task(sheet, block, lo, hi, taken, first, scores)
        if c is not None:
            columns["task"] = c
            taken.add(c)
            reasons[c] = ("values", {"field": "task"})
            total += MIN_TASK
    if "id" not in columns and "task" in columns:
        c = _unlabelled_id(sheet, block, lo, columns["task"], taken, first)
        if c is not None:
            columns["id"] = c
            taken.add(c)
            reasons[c] = ("values", {"field": "id"})
    for c in words:
        if c in reasons:
            continue
        if c in managed.values():
            reasons[c] = ("managed", {})
            continue
        lost = [(s, f) for f, (s, _) in scores.get(c, {}).items() if f in columns and columns[f] != c and s >= MIN_ASSIGN]
        if lost:
            s, f = max(lost)
            reasons[c] = ("taken", {"field": f, "by": col_letter(columns[f])})
        else:
            reasons[c] = ("none", {})
    for c in block.grid:
        if lo <= c <= hi:
            reasons[c] = ("grid", {})
    support = any(scores.get(columns[f], {}).get(f, (0,))[0] >= MIN_SUPPORT or (mapping and f in mapping)
                  for f in SUPPORT_FIELDS if f in columns)
    known = sum(1 for c, fs in scores.items() for f, (v, w) in fs.items() if w == "=" and columns.get(f) == c)
    # a task with something to check, or three headers exactly as sheetsync's templates write them
    valid = ("task" in columns and support) or known >= 3
    columns.update(managed)
    return _Candidate(sheet, block, lo, hi, columns, scores, managed, total, reasons, valid=valid,
                      mapped=origin if mapping else None, year=year)


def _unlabelled_task(sheet, block: _Block, lo, hi, taken, first, scores) -> int | None:
    """When no header names the task: the column of longer text whose header says nothing else (no header at
    all, as Gantt charts leave it, or a word no field knows such as a tool's name)."""
    best = None
    for c in range(_left_edge(sheet, block, lo, first), hi + 1):
        if c in taken or c in block.grid or scores.get(c):
            continue
        values = _samples(sheet, first, c)
        texts = [v for v in values if isinstance(v, str) and len(v.strip()) >= 2 and not _ID_LIKE.match(v.strip())]
        if texts and any(s >= MIN_SUPPORT for s, _ in score_header(header_words(texts[0])).values()):
            continue  # the first value is itself a header: this row is above the table, not its header
        if len(texts) >= 3 and len(texts) * 3 >= len(values) * 2:
            avg = sum(len(t) for t in texts) / len(texts)
            if best is None or avg > best[0]:
                best = (avg, c)
    return best[1] if best else None


# ------------------------------------------------------------------ candidates in a sheet


def _left_edge(sheet: SheetData, block: _Block, lo: int, first: int) -> int:
    """Unheaded columns just left of the header that hold values belong to the table (an id column with no
    header)."""
    c = lo
    while c > 0 and (c - 1) not in block.texts and _samples(sheet, first, c - 1):
        c -= 1
    return c


def _unlabelled_id(sheet, block: _Block, lo, task_c, taken, first) -> int | None:
    """An unheaded column left of the task column holding 1, 2, 3 … or short codes: the id column."""
    for c in range(_left_edge(sheet, block, lo, first), task_c):
        if c in taken or c in block.texts:
            continue
        values = _samples(sheet, first, c)
        ids = [v for v in values if _ID_LIKE.match(_text(v))]
        if len(values) >= 2 and len(ids) * 3 >= len(values) * 2:
            return c
    return None


def _segments(block: _Block, sheet: SheetData) -> list[tuple[int, int]]:
    """Runs of header cells separated by a column that is empty in the header and below it."""
    cols = sorted(block.texts)
    if not cols:
        return []
    segs, start, prev = [], cols[0], cols[0]
    for c in cols[1:]:
        gap = range(prev + 1, c)
        if gap and all(not _samples(sheet, block.bottom + 1, g) for g in gap):
            segs.append((start, prev))
            start = c
        prev = c
    segs.append((start, prev))
    out: list[tuple[int, int]] = []
    for lo, hi in segs:  # a date grid set apart by an empty column still belongs to the table on its left
        if out and all(c in block.grid for c in cols if lo <= c <= hi):
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def _joins(sheet: SheetData, top: int, bottom: int, width: int, cover) -> bool:
    """May row `top` be part of a header that ends at `bottom`? Only as a header above a header: each of its
    cells is a group label merged across columns, a label merged down to the bottom row, or a label over an
    empty cell of the bottom row (a staggered header). A title merged across the whole table, or a data row,
    is not."""
    row = sheet.rows[top] if top < len(sheet.rows) else []
    used = [c for c in range(min(width, len(row))) if _text(row[c])]
    if not used:
        return False
    spans = 0
    for c in used:
        area = cover.get((top, c))
        if area is not None and area[0] == top and area[1] == c:
            if area[3] > area[1]:
                spans += 1
                if area[3] - area[1] + 1 >= max(4, 0.8 * width):  # a title over the table
                    return False
                continue
            if area[2] >= bottom:
                continue
        below = [sheet.value(r, c) for r in range(top + 1, bottom + 1)]
        if all(not _text(v) for v in below) or _gridish(row[c], _text(row[c])):  # grid headers stack: day over weekday
            continue
        return False
    return True


def _sheet_candidates(sheet: SheetData, year: int, mapping: ColumnMapping | None,
                      resolved: dict[str, int] | None) -> list[_Candidate]:
    n = min(len(sheet.rows), HEADER_SCAN_ROWS)
    width = min(max((len(r) for r in sheet.rows[:n + MAX_HEADER_ROWS]), default=0), MAX_COLUMNS)
    if not width:
        return []
    cover = _covering(sheet, 0, n + MAX_HEADER_ROWS, width)
    out: list[_Candidate] = []
    rows = range(n)
    if mapping is not None and mapping.header_row:
        rows = [mapping.header_row - 1] if mapping.header_row - 1 < len(sheet.rows) else []
    settled = None  # the header row of a clear table: rows far below it are its data, not headers
    for bottom in rows:
        if settled is not None and bottom > settled + MAX_HEADER_ROWS:
            break
        if not any(_text(v) for v in sheet.rows[bottom][:width]):
            continue
        best: _Candidate | None = None
        for depth in range(MAX_HEADER_ROWS):
            top = bottom - depth
            if top < 0 or (depth and not _joins(sheet, top, bottom, width, cover)):
                break
            block = _block(sheet, top, bottom, width, cover)
            if len(block.texts) < 1:
                continue
            for lo, hi in _segments(block, sheet):
                cols = _resolve(resolved, block, lo, hi, sheet, mapping)
                if cols is False:
                    continue
                cand = _score(sheet, block, lo, hi, year, cols, mapping.origin if cols else None)
                if best is None or _better(cand, best, 0.5 if depth else 0.0):
                    best = cand
        if best is not None:
            out.append(best)
            if settled is None and best.valid and len(best.columns) >= 3:
                settled = bottom
    for name, (r0, c0, r1, c1) in sheet.tables:  # Excel tables: their own header row and columns
        if r0 >= len(sheet.rows):
            continue
        block = _block(sheet, r0, r0, min(c1 + 1, MAX_COLUMNS), _covering(sheet, r0, r0, c1 + 1))
        cols = _resolve(resolved, block, c0, c1, sheet, mapping)
        if cols is False:
            continue
        cand = _score(sheet, block, c0, c1, year, cols, mapping.origin if cols else None)
        cand.kind, cand.name, cand.total = "excel-table", name, cand.total + 1
        out.append(cand)
    return out


def _better(a: _Candidate, b: _Candidate, margin: float) -> bool:
    """A valid table beats an invalid one; then the higher total, by more than `margin` (a header row joined
    with the rows above must earn it)."""
    if a.valid != b.valid:
        return a.valid
    return a.total > b.total + margin


# ------------------------------------------------------------------ a person's mapping


def _resolve(resolved, block: _Block, lo: int, hi: int, sheet: SheetData, mapping: ColumnMapping | None):
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


def _find_header(block: _Block, lo: int, hi: int, want: str) -> int | None:
    key = normalise_header(want)
    for c in range(lo, hi + 1):
        t = block.texts.get(c)
        if t is not None and (normalise_header(t) == key or normalise_header(t.rsplit(" / ", 1)[-1]) == key):
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
    width = min(max((len(r) for r in sheet.rows[:n]), default=0), MAX_COLUMNS)
    rows = [mapping.header_row - 1] if mapping.header_row else range(n)
    missing = ""
    best_texts: list[str] = []
    for r in rows:
        if r >= len(sheet.rows):
            continue
        block = _block(sheet, r, r, width, _covering(sheet, r, r, width))
        texts = [block.texts[c] for c in sorted(block.texts)]
        if len(texts) > len(best_texts):
            best_texts = texts
    for fld, want in mapping.columns.items():
        if not any(normalise_header(t) == normalise_header(want) for t in best_texts) and not _LETTERS.match(want.strip()):
            missing = f"{fld} = \"{want}\""
            break
    shown = ", ".join(best_texts[:30]) or "-"
    row_en = f" on row {mapping.header_row}" if mapping.header_row else ""
    row_zh = f"第 {mapping.header_row} 行" if mapping.header_row else ""
    return SheetsyncError(
        f"{where}: the column {missing or mapping.columns} is not a header{row_en} of sheet '{sheet.name}'; headers there: {shown}",
        f"{where_zh}:列 {missing or mapping.columns} 不是工作表“{sheet.name}”{row_zh}的表头;现有表头:{shown}",
        code="bad-mapping")


def field_of(name: str) -> str | None:
    """A field named by a person: its code (deadline), its canonical header (截止日期, Deadline)."""
    key = normalise_header(name)
    return _FIELD_NAMES.get(key) or (ALIASES.get(key) or (None,))[0]


# ------------------------------------------------------------------ the chosen table's rows


def _rows_below(sheet: SheetData, cand: _Candidate) -> tuple[int | None, frozenset, list[int]]:
    """One pass over the rows under the header: (end of the table, rows that are not tasks, start rows of the
    other tables below)."""
    cols = {f: c for f, c in cand.columns.items() if not f.startswith("m_")}
    task_c = cols.get("task")
    table_cols = sorted(set(cols.values()))
    header_keys = {t.strip().casefold() for t in cand.block.texts.values()}
    header_keys |= {t.rsplit(" / ", 1)[-1].strip().casefold() for t in cand.block.texts.values()}
    merged_rows: dict[int, tuple[int, int]] = {}
    first = cand.block.bottom + 1
    for r0, c0, r1, c1 in sheet.merged:
        if r0 >= first and c1 > c0 and c0 <= cand.last_col and c1 >= cand.first_col:
            merged_rows[r0] = (c0, c1)
    # the labels as people write them (case, a colon): one set lookup per row; padded text takes the slow path
    exact = {v + end for k in header_keys | TOTAL_WORDS
             for v in (k, k.upper(), k.title(), k.capitalize()) for end in ("", ":", "：")}
    numeric = [c for c in table_cols if any(v.__class__ in (int, float) for v in _samples(sheet, first, c))]
    sums: dict[int, float] = dict.fromkeys(numeric, 0.0)
    counts: dict[int, int] = dict.fromkeys(numeric, 0)
    skip: list[int] = []
    starts: list[int] = []
    rows = sheet.rows
    end = None
    body = rows[first:]
    # Most rows hold a task text that is no label: find the others in one cheap pass, then look at them
    if task_c is None:
        values = [None] * len(body)
    elif min(map(len, body), default=0) > task_c:
        values = list(map(itemgetter(task_c), body))
    else:
        values = [row[task_c] if task_c < len(row) else None for row in body]
    look = [i + first for i, v in enumerate(values)
            if v.__class__ is not str or not v or v in exact or v[0].isspace() or v[-1].isspace()]
    look = sorted(set(look) | {r for r in merged_rows if r >= first})
    summed = first  # rows above this one are in sums/counts (totals are compared with what is above them)

    def add_up_to(stop: int) -> None:
        nonlocal summed
        skipped = set(skip)
        for r in range(summed, stop):
            if r in skipped:
                continue
            row = rows[r]
            for c in numeric:
                if c < len(row):
                    v = row[c]
                    if v.__class__ is float or (v.__class__ is int and -1e300 < v < 1e300):
                        sums[c] += v
                        counts[c] += 1
        summed = max(summed, stop)

    for r in look:
        row = rows[r]
        tv = values[r - first]
        if tv.__class__ is str and tv.strip():
            key = tv.strip().casefold()
            if key in TOTAL_WORDS or key.rstrip(":：") in TOTAL_WORDS:
                skip.append(r)
                continue
            if r in merged_rows and _only_in(row, table_cols, merged_rows[r]):
                skip.append(r)  # a label merged across the row: a section, not a task
                continue
            if key in header_keys:
                if _repeated_header(sheet, r, cand):
                    skip.append(r)
                    continue
                end = r
                starts.append(r)
                break
        elif tv is None or tv == "" or tv.__class__ is str:
            if numeric:
                add_up_to(r)
            if _not_a_task(row, table_cols, r, merged_rows, sums, counts, cols):
                skip.append(r)
                continue
    return end, frozenset(skip), starts


def _only_in(row, table_cols, span) -> bool:
    c0, c1 = span
    return all(c0 <= c <= c1 or c >= len(row) or row[c] in (None, "") for c in table_cols)


def _not_a_task(row, table_cols, r, merged_rows, sums, counts, cols) -> bool:
    """A row with no task text: a totals row (labelled, or numbers equal to the sum or count above) or a
    section label (one text cell, merged across or in the first column, not a value of its column)."""
    filled = [(c, row[c]) for c in table_cols if c < len(row) and row[c] not in (None, "")
              and not (row[c].__class__ is str and not row[c].strip())]
    if not filled:
        return False
    for c, v in filled:
        if v.__class__ is str and v.strip().casefold().rstrip(":：") in TOTAL_WORDS:
            return True
    numbers = [(c, v) for c, v in filled if v.__class__ in (int, float)]
    if numbers and len(numbers) == len(filled):
        for c, v in numbers:
            if counts.get(c, 0) >= 2 and (abs(sums.get(c, 0.0) - v) < 1e-9 * max(1.0, abs(v)) or v == counts[c]):
                return True
    if r in merged_rows and _only_in(row, table_cols, merged_rows[r]):
        return True  # one label merged across the row: a section heading
    if len(filled) == 1 and filled[0][1].__class__ is str:
        c, v = filled[0]
        if c == table_cols[0]:
            fld = next((f for f, cc in cols.items() if cc == c), None)
            if fld == "status":
                try:
                    return parse_status(v) is None
                except ValueError:
                    return True
            return fld not in ("owner", "id")
    return False


def _repeated_header(sheet: SheetData, r: int, cand: _Candidate) -> bool:
    """A header row again below the table: the same table continued (same fields in the same columns,
    allowing small changes) or a different table that ends this one."""
    width = cand.last_col + 1
    block = _block(sheet, r, r, width, {})
    other = _score(sheet, block, cand.first_col, cand.last_col, cand.year, None, None)
    if other.columns.get("task") != cand.columns.get("task"):
        return False
    a, b = set(cand.columns), set(other.columns)
    return len(a & b) * 2 >= len(a | b)


def _fill_down(sheet: SheetData, cand: _Candidate) -> SheetData:
    """The sheet as the rows read it: a cell merged down a data column holds its value in every row it spans
    (a stage label merged down column A). Titles and labels merged across are left alone."""
    cols = set(c for f, c in cand.columns.items() if not f.startswith("m_"))
    first = cand.block.bottom + 1
    areas = [a for a in sheet.merged if a[2] > a[0] and a[0] >= first and a[1] in cols]
    if not areas:
        return sheet
    rows = list(sheet.rows)
    for r0, c0, r1, c1 in areas:
        value = sheet.value(r0, c0)
        if value in (None, ""):
            continue
        for r in range(r0 + 1, min(r1, len(rows) - 1) + 1):
            row = list(rows[r])
            if len(row) <= c0:
                row.extend([""] * (c0 + 1 - len(row)))
            if row[c0] in (None, ""):
                row[c0] = value
            rows[r] = row
    return SheetData(sheet.name, rows, sheet.merged, sheet.sheet_id, sheet.tables)


# ------------------------------------------------------------------ the workbook


def _seen(c: _Candidate, note: str = "") -> TableSeen:
    return TableSeen(c.sheet.name, c.block.bottom + 1, c.first_col, c.last_col, round(c.total, 2),
                     sorted(f for f in c.columns if not f.startswith("m_")), c.kind, c.name, note,
                     [c.block.texts[k] for k in sorted(c.block.texts) if c.first_col <= k <= c.last_col])


def task_sheets(workbook: WorkbookData, mapping: ColumnMapping | None) -> list[SheetData]:
    if mapping is not None and mapping.sheet:
        sheet = workbook.sheet(mapping.sheet) or next(
            (s for s in workbook.sheets if normalise_header(s.name) == normalise_header(mapping.sheet)), None)
        if sheet is None:
            raise mapping_error(workbook, mapping, None)
        return [sheet]
    return [s for s in workbook.sheets if not is_side_sheet(s.name)]


def find_table(workbook: WorkbookData, mapping: ColumnMapping | None = None, year: int | None = None
               ) -> tuple[TableLayout | None, list[TableSeen]]:
    """The layout of the task table, or None and the candidates seen (best first)."""
    year = year or 2000
    if mapping is not None and not (mapping.columns or mapping.sheet or mapping.header_row):
        mapping = None
    every: list[_Candidate] = []
    first_valid: _Candidate | None = None
    sheets = task_sheets(workbook, mapping)
    for sheet in sheets:
        cands = _sheet_candidates(sheet, year, mapping, None)
        every += cands
    if mapping is not None and mapping.columns and not any(c.mapped for c in every):
        raise mapping_error(workbook, mapping, sheets[0] if sheets else None)
    valid = [c for c in every if c.valid]
    if not valid:
        every.sort(key=lambda c: -c.total)
        return None, [_seen(c, _why_not(c)) for c in every[:8]]
    top = max(c.total for c in valid)
    # The first sheet that holds a table nearly as good as the best: people put the plan first.
    order = {id(s): i for i, s in enumerate(workbook.sheets)}
    first_valid = min((c for c in valid if c.total >= 0.6 * top), key=lambda c: (order.get(id(c.sheet), 0), -c.total))
    on_sheet = [c for c in valid if c.sheet is first_valid.sheet]
    best_here = max(c.total for c in on_sheet)
    # the topmost table nearly as good as the best: a repeated header further down continues it
    chosen = min((c for c in on_sheet if c.total >= 0.75 * best_here), key=lambda c: (c.block.bottom, -c.total))
    end, skip, starts = _rows_below(chosen.sheet, chosen)
    others = [c for c in every if c is not chosen and c.valid and not _overlaps(c, chosen, end)]
    for r in starts:
        block = _block(chosen.sheet, r, r, chosen.last_col + 1, {})
        other = _score(chosen.sheet, block, chosen.first_col, chosen.last_col, year, None, None)
        if other.valid:
            others.append(other)
    seen = [_seen(chosen)] + [_seen(c, "lower score" if c.sheet is chosen.sheet else "another sheet") for c in
                              sorted(others, key=lambda c: -c.total)[:8]]
    return _layout(chosen, end, skip, seen, mapping), seen


def _overlaps(c: _Candidate, chosen: _Candidate, end: int | None) -> bool:
    """A candidate header row inside the chosen table (or its title rows above) is the same table."""
    if c.sheet is not chosen.sheet:
        return False
    if c.kind == "excel-table" or chosen.kind == "excel-table":
        return c.block.bottom == chosen.block.bottom and c.first_col == chosen.first_col
    if c.last_col < chosen.first_col or c.first_col > chosen.last_col:
        return False
    return c.block.bottom <= (end if end is not None else 10 ** 9)


def _why_not(c: _Candidate) -> str:
    if "task" not in c.columns:
        return "no task column"
    return "only a task column"


def _layout(c: _Candidate, end, skip, seen, mapping) -> TableLayout:
    headers = {f: _as_written(c, col) or (header(f, "en") if not f.startswith("m_") else "") for f, col in c.columns.items()}
    named = [c.block.texts[col] for f, col in c.columns.items() if col in c.block.texts and not f.startswith("m_")]
    zh = sum(1 for t in named if has_cjk(t))
    language = "zh" if zh * 2 > len(named) or (zh and zh * 2 == len(named)) else "en"
    grid = (min(c.block.grid), max(c.block.grid)) if c.block.grid else None
    width = max(max(c.columns.values()) + 1, c.last_col + 1 if not grid else min(c.block.grid))
    texts = {col: t for col, t in c.block.texts.items() if c.first_col <= col <= c.last_col}
    return TableLayout(_fill_down(c.sheet, c), c.block.bottom, dict(c.columns), headers, language,
                       max(max(c.columns.values()) + 1, width), c.block.bottom - c.block.top + 1, c.first_col, end,
                       skip, texts, dict(c.reasons), grid, seen, c.total, c.mapped)


def _as_written(c: _Candidate, col: int) -> str:
    """A header cell as the person wrote it (stripped), for messages; a multi-row header joined with ' / '."""
    raw = c.sheet.value(c.block.bottom, col)
    if c.block.top == c.block.bottom and isinstance(raw, str) and raw.strip():
        return raw.strip()
    return c.block.texts.get(col, "")


def not_row_per_task(workbook: WorkbookData, seen: list[TableSeen], mapping: ColumnMapping | None) -> NotRowPerTask | None:
    """When no task table was found: is the best sheet a calendar grid or one column per person/group?"""
    for sheet in task_sheets(workbook, mapping):
        n = min(len(sheet.rows), HEADER_SCAN_ROWS)
        width = min(max((len(r) for r in sheet.rows[:n]), default=0), MAX_COLUMNS)
        cover = _covering(sheet, 0, n, width)
        for r in range(n):
            block = _block(sheet, r, r, width, cover)
            if len(block.texts) < 3:
                continue
            if len(block.grid) >= 4 and len(block.grid) * 2 >= len(block.texts) - 3:
                return _grid_error(sheet.name, "grid")
            if _transposed(sheet, block):
                return _grid_error(sheet.name, "transposed")
    return None


def _transposed(sheet: SheetData, block: _Block) -> bool:
    texts = list(block.texts.values())
    if len(texts) < 3:
        return False
    roles = 0
    unknown = 0
    for t in texts:
        h = header_words(t)
        w = h.words[-1] if h.words else ""
        if w in _ROLE_WORDS or (not w.isascii() and w.endswith(_ROLE_ENDS)):
            roles += 1
        elif not any(s >= MIN_SUPPORT for s, _ in score_header(h).values()):
            unknown += 1
    body = [v for c in block.texts for v in _samples(sheet, block.bottom + 1, c)]
    wordy = sum(1 for v in body if isinstance(v, str)) * 3 >= len(body) * 2 and len(body) >= 3
    return wordy and (roles * 2 >= len(texts) or (roles + unknown) * 3 >= len(texts) * 2 and unknown >= 2)


def transposed_header(sheet: SheetData, header_row: int, width: int) -> bool:
    block = _block(sheet, header_row, header_row, width, _covering(sheet, header_row, header_row, width))
    return _transposed(sheet, block)


def _grid_error(sheet: str, kind: str) -> NotRowPerTask:
    t = catalogue.CATALOGUE["not-row-per-task"]
    what_en = ("most header cells are dates, days or weeks (a calendar or Gantt grid)" if kind == "grid"
               else "its header cells name people, roles or departments with the tasks listed beneath")
    what_zh = "表头大多是日期、星期或周次(日历或甘特图网格)" if kind == "grid" else "表头是人名、角色或部门,任务写在下面"
    return NotRowPerTask(sheet, kind, t.message("en", sheet=sheet, what=what_en), t.message("zh", sheet=sheet, what_zh=what_zh))


def describe_seen(seen: list[TableSeen], limit: int = 5) -> str:
    if not seen:
        return "none (every sheet is empty)"
    parts = []
    for cand in seen[:limit]:
        # a header cell typed on two lines ("客户\n名称") is shown on one, so the message stays one line
        shown = ", ".join(" ".join(str(x).split()) for x in cand.headers[:6]) + (" …" if len(cand.headers) > 6 else "")
        parts.append(f"{cand.sheet}!{cand.header_row}: {shown or '-'}")
    return "; ".join(parts)
