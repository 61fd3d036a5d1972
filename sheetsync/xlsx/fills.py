"""Cell fills of the sheets that hold a row of dates: the bars of a Gantt chart are drawn by filling cells, and
calamine reads values only. Read from the sheet XML (`<c r="F5" s="12">`) and styles.xml (cellXfs -> fillId ->
fills), into plain data: per sheet, (row, col) 0-based -> a colour key ('rgb:00B050', 'theme:4:0.4',
'indexed:13'). What a fill means (a bar, a band, a legend swatch) is the engine's business.

Only sheets with a date-like header row are read, so an ordinary tracker costs no style parsing."""
from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from ..model import SheetData

SCAN_ROWS = 40  # where a Gantt's header rows are: the engine scans as far for a header
MIN_RUN = 4  # date-like cells side by side that make a row of dates
MAX_ROWS = 20_000  # a chart drawn by hand is far smaller; a larger sheet is a data table, its fills not read
# The header cells of a date row: day and week numbers, months, dates typed as text, weekday letters.
_DATE_TEXT = re.compile(
    r"^(?:w(?:ee)?k?\.?\s*\d+.*|week\s*\w+|第\s*[\d一二三四五六七八九十]+\s*[周週]|[一二三四五六七八九十]{1,3}月|"
    r"\d{1,4}\s*[年月/.\-]\s*\d{0,2}.*|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:\s*\d{1,4})?|"
    r"[mtwrfsu]|mon|tue|wed|thu|fri|sat|sun|[一二三四五六日]|(?:周|星期|週)[一二三四五六日天]|d\d{1,3})$", re.I)
_WHITE = frozenset({"rgb:FFFFFF", "indexed:9", "indexed:64", "indexed:65", "theme:0:0"})


def _datelike(v) -> bool:
    if isinstance(v, (dt.date, dt.datetime)):
        return True
    if isinstance(v, bool) or v is None:
        return False
    if isinstance(v, (int, float)):
        return 1 <= v <= 31 or 20000 <= v <= 80000  # a day of the month, or a date serial
    return isinstance(v, str) and len(v) <= 24 and bool(_DATE_TEXT.match(v.strip()))


def _ordinal(v) -> float | None:
    """A header cell as a day count, to check the spacing of a row of dates; None for a label (W1, 3月)."""
    if isinstance(v, dt.datetime):
        return v.date().toordinal()
    if isinstance(v, dt.date):
        return v.toordinal()
    if isinstance(v, (int, float)):
        return float(v)
    return None


def _spaced(prev: float, x: float, step: float | None) -> float | None:
    """The step from one dated header cell to the next when it keeps the row's spacing (a day, a week, a
    month; day numbers wrap at a month's end), else None."""
    s = x - prev
    if prev >= 28 and x <= 3 and prev <= 31:
        s = 1.0  # 30, 31, 1: the next month
    if not 1 <= s <= 31:
        return None
    if step is not None and s != step and not (s >= 28 and step >= 28):
        return None
    return s


def has_date_row(sheet: SheetData) -> bool:
    """A row near the top with at least MIN_RUN date-like cells side by side, evenly spaced when they are
    dates or numbers (a data row's requested / start / due dates are not a chart's header). Empty cells
    between them are allowed: a month label merged over its weeks or days leaves the cells it spans empty."""
    if len(sheet.rows) > MAX_ROWS:
        return False
    spans = {(r0, c0): c1 - c0 + 1 for r0, c0, r1, c1 in sheet.merged if r0 < SCAN_ROWS}
    for r, row in enumerate(sheet.rows[:SCAN_ROWS]):
        run, prev, step = 0, None, None
        for c, v in enumerate(row):
            if v is None or v == "":
                continue
            if not _datelike(v):
                run, prev, step = 0, None, None
                continue
            width = spans.get((r, c), 1)  # a month merged over its weeks counts each
            x = _ordinal(v)
            if run and prev is not None and x is not None:
                s = _spaced(prev, x, step)
                run, step = (run + width, s) if s is not None else (width, None)
            else:
                run += width
            prev = x
            if run >= MIN_RUN:
                return True
    return False


def read_fills(path: Path, sheets: list[SheetData]) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet name -> {(row, col): colour key} for the sheets with a row of dates; {} when none has one. A
    package whose styles cannot be read gives no fills (its values are read all the same)."""
    wanted = {s.name for s in sheets if has_date_row(s)}
    if not wanted:
        return {}
    from lxml import etree  # lxml loads only for a workbook with a row of dates

    from .package import Package, PatchRefused

    try:
        return _read(Package(path.read_bytes(), path.name), wanted)
    except (PatchRefused, etree.LxmlError, OSError, ValueError, KeyError, AttributeError):
        return {}


def _read(pkg, wanted: set[str]) -> dict[str, dict[tuple[int, int], str]]:
    styles, parts = sheet_parts(pkg, wanted)
    if styles is None:
        return {}
    keys = _style_fills(styles)
    if not any(keys):
        return {}
    return {name: styled_cells(pkg.read(part), keys) for name, part in parts.items()}


def sheet_parts(pkg, wanted: set[str]):
    """(styles.xml as a tree or None, {sheet name: its part} for the wanted sheets the package holds)."""
    from .package import NS_MAIN, NS_R, REL_WORKSHEET, resolve

    book = pkg.workbook_part()
    rel_name, rels = pkg.rels(book)
    targets = {}
    styles_part = None
    for rel in rels.getroot() if rels is not None else ():
        if rel.get("Type") == REL_WORKSHEET:
            targets[rel.get("Id")] = resolve(book, rel.get("Target", ""))
        elif rel.get("Type", "").endswith("/styles"):
            styles_part = resolve(book, rel.get("Target", ""))
    if styles_part is None or not pkg.has(styles_part):
        return None, {}
    parts = {}
    for sh in pkg.xml(book).getroot().iter(f"{{{NS_MAIN}}}sheet"):
        part = targets.get(sh.get(f"{{{NS_R}}}id"))
        if sh.get("name") in wanted and part and pkg.has(part):
            parts[sh.get("name")] = part
    return pkg.xml(styles_part), parts


def _colour(el) -> str | None:
    if el is None:
        return None
    if el.get("rgb"):
        rgb = el.get("rgb").upper()
        return "rgb:" + rgb[-6:]  # the alpha byte: Excel writes FF, LibreOffice too; it draws no different bar
    tint = round(float(el.get("tint", "0") or 0), 2)
    if el.get("theme") is not None:
        return f"theme:{el.get('theme')}:{tint:g}"
    if el.get("indexed") is not None:
        return f"indexed:{el.get('indexed')}"
    return None


def _style_fills(styles) -> list[str | None]:
    """cellXfs index -> the colour key of its fill (None: no fill, the default fills, or white)."""
    from .package import NS_MAIN

    root = styles.getroot()
    ns = f"{{{NS_MAIN}}}"
    fills: list[str | None] = []
    fills_el = root.find(f"{ns}fills")
    for fill in fills_el if fills_el is not None else ():
        key = None
        pattern = fill.find(f"{ns}patternFill")
        if pattern is not None and pattern.get("patternType", "none") not in ("none", "gray125"):
            # a solid fill is drawn in its foreground colour; a hatch in its foreground over the background
            key = _colour(pattern.find(f"{ns}fgColor")) or _colour(pattern.find(f"{ns}bgColor"))
        elif fill.find(f"{ns}gradientFill") is not None:
            stop = fill.find(f"{ns}gradientFill/{ns}stop/{ns}color")
            key = _colour(stop)
        fills.append(None if key in _WHITE else key)
    out: list[str | None] = []
    xfs = root.find(f"{ns}cellXfs")
    for xf in xfs if xfs is not None else ():
        try:
            i = int(xf.get("fillId", "0"))
        except ValueError:
            i = 0
        out.append(fills[i] if 0 <= i < len(fills) else None)
    return out


_REF = re.compile(r"([A-Z]{1,3})(\d+)")


def styled_cells(xml: bytes, keys: list) -> dict[tuple[int, int], object]:
    """The cells of one sheet part whose style (cellXfs index) has a truthy key, as {(row, col): key}. Only
    start tags are looked at (r and s); a cell without `r` takes the position after the previous one, as Excel
    reads it."""
    from lxml import etree  # the sheet is walked as events: a large part is never one tree

    from .package import NS_MAIN

    out: dict[tuple[int, int], object] = {}
    tag_c, tag_row = f"{{{NS_MAIN}}}c", f"{{{NS_MAIN}}}row"
    r, c = -1, -1
    for event, el in etree.iterparse(io.BytesIO(xml), events=("start",), tag=(tag_row, tag_c),
                                     resolve_entities=False, no_network=True, huge_tree=False):
        if el.tag == tag_row:
            n = el.get("r")
            r = int(n) - 1 if n and n.isdigit() else r + 1
            c = -1
            continue
        ref = el.get("r")
        if ref:
            m = _REF.match(ref)
            if m:
                c = 0
                for ch in m.group(1):
                    c = c * 26 + ord(ch) - 64
                c -= 1
                r = int(m.group(2)) - 1
            else:
                c += 1
        else:
            c += 1
        s = el.get("s")
        if s and s.isdigit():
            i = int(s)
            key = keys[i] if i < len(keys) else None
            if key:
                out[(r, c)] = key
        if r >= MAX_ROWS:
            break
    return out
