"""A header candidate as text: each cell's text (a merged header fills the cells it spans, rows of a header
stacked as 'upper / lower'), which cells are part of a date grid, and the values below a column."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..model import SheetData
from .headers import one_line

HEADER_SCAN_ROWS = 40
MAX_HEADER_ROWS = 4
MAX_COLUMNS = 400  # header cells further right are not read (a stray cell at XFD1 is not a column)
SAMPLE_ROWS = 30
_WEEKDAYS = frozenset("m t w r f s u mo tu we th fr sa su mon tue wed thu fri sat sun 一 二 三 四 五 六 日 天".split())
_GRID_TEXT = re.compile(
    r"^(?:(?:周|星期|週|禮拜|礼拜)[一二三四五六日天]|w(?:ee)?k\.?\s*\d+.*|week\s*\w+|第\s*[\d一二三四五六七八九十]+\s*[周週]|"
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
            t = cell_text(raw)
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

