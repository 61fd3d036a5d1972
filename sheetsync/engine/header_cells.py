"""A header candidate as text: each cell's text (a merged header fills the cells it spans, rows of a header
stacked as 'upper / lower'), which cells are part of a date grid, and the values below a column."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from ..model import SheetData
from .headers import header_words, one_line
from .values import parse_status
from .vocabulary import score_header

HEADER_SCAN_ROWS = 40
MAX_HEADER_ROWS = 4
MAX_COLUMNS = 400  # header cells further right are not read (a stray cell at XFD1 is not a column)
SAMPLE_ROWS = 30
_WEEKDAYS = frozenset("m t w r f s u mo tu we th fr sa su mon tue wed thu fri sat sun 一 二 三 四 五 六 日 天".split())
_GRID_TEXT = re.compile(
    r"^(?:(?:周|星期|週|禮拜|礼拜)[一二三四五六日天]|w(?:ee)?k?\.?\s*\d+.*|week\s*\w+|\d{4}\s*年\s*\d{1,2}\s*月|第\s*[\d一二三四五六七八九十]+\s*[周週]|"
    r"[一二三四五六七八九十]{1,3}月|\d{1,2}\s*月(?:\s*\d{1,2}\s*日?)?|\d{1,4}[-/.]\d{1,2}(?:[-/.]\d{1,4})?|d\d{1,3}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:\s*\d{1,4})?|phase\s+\w+|q[1-4])$", re.I)
ID_LIKE = re.compile(r"^[A-Za-z]{0,5}[-_.]?\d+(?:[.\-]\d+)*(?:\([A-Za-z0-9]+\))?$")

def cell_text(v) -> str:
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


def covering(sheet: SheetData, top: int, bottom: int, width: int) -> dict[tuple[int, int], tuple[int, int, int, int]]:
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


def gridish(raw, text: str) -> bool:
    if isinstance(raw, (dt.date, dt.datetime)) or (isinstance(raw, (int, float)) and not isinstance(raw, bool)):
        return True
    t = text.strip().casefold()
    return t in _WEEKDAYS or bool(_GRID_TEXT.match(t))


@dataclass
class HeaderBlock:
    top: int
    bottom: int
    texts: dict[int, str]  # column -> combined header text
    grid: set[int]


def header_block(sheet: SheetData, top: int, bottom: int, width: int, cover) -> HeaderBlock:
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
            t = leading(raw) if raw.__class__ is str else cell_text(raw)
            if t and parts and is_legend(t):
                continue  # a legend of values under a merged header ('未开始/进行中/已完成') is not a header word
            if t and (not parts or parts[-1] != t):
                parts.append(t)
                grid_part = grid_part or gridish(raw, t)
        if parts:
            texts[c] = " / ".join(parts)
            if grid_part:
                grid.add(c)
    return HeaderBlock(top, bottom, texts, grid_runs(grid, texts))


def grid_runs(grid: set[int], texts: dict[int, str]) -> set[int]:
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



def samples(sheet: SheetData, first: int, c: int) -> list:
    out = []
    for r in range(first, min(first + SAMPLE_ROWS, len(sheet.rows))):
        v = sheet.value(r, c)
        if v is not None and v != "" and not (isinstance(v, str) and not v.strip()):
            out.append(v)
    return out


# An instruction or a legend after a header's leading words: after a line break, a colon, a semicolon, a comma
# or a spaced dash ('任务内容\n请在开始日期前填写', 'Owner - who does it; the status is theirs to keep').
_CLAUSE = re.compile(r"\s*(?:\n|[:：;；，,。]|\s[-–—]\s)\s*")
_AFTER_SLASH = re.compile(r"^([^/／()（）\[\]【】]{1,16}?)\s*[/／]\s*(.+)$", re.S)
_LIST = re.compile(r"\s*[,，、/／|｜]\s*")
_SAYS = 2.5  # the leading words alone must name a field this clearly to stand for the whole cell
_PRIORITY_WORDS = frozenset("高 中 低 紧急 一般 high medium low urgent normal p0 p1 p2 p3".split())


@lru_cache(maxsize=4096)
def leading(text: str) -> str:
    """A header cell read by its leading words: an instruction, or a list of the values allowed, written
    after them in the same cell says how to fill the column, not what it is. A header typed over two lines
    ('客户\n名称', 'Due\nDate') stays whole: the cut needs leading words that name a field and a longer rest."""
    t = text.strip()
    m = _AFTER_SLASH.match(t)
    if m and is_legend(m.group(2)) and _says(m.group(1)):
        return one_line(m.group(1))
    parts = _CLAUSE.split(t, maxsplit=1)
    if len(parts) == 2:
        head, rest = parts
        if head and _says(head) and (len(rest) >= max(8, 2 * len(head)) or is_legend(rest)):
            return one_line(head)
    return one_line(t)


def _says(words: str) -> bool:
    return any(s >= _SAYS for s, _ in score_header(header_words(words)).values())


@lru_cache(maxsize=4096)
def is_legend(text: str) -> bool:
    """'未开始/进行中/已完成', 'Not started, In progress, Done', '高/中/低': a list of values, most of them
    statuses or priorities."""
    items = [p for p in _LIST.split(text.strip().strip("()（）[]【】")) if p]
    if len(items) < 2:
        return False
    known = 0
    for p in items:
        if p.casefold() in _PRIORITY_WORDS:
            known += 1
            continue
        try:
            known += parse_status(p) is not None
        except ValueError:
            pass
    return known >= 2 and known * 3 >= len(items) * 2
