"""Managed cells written into <sheetData> at the string level: rows without writes are never parsed.

A 100k-row sheet is ~70 MB of XML; a full lxml tree of it costs seconds and over a gigabyte. Here only the
start tags of rows and the cells of touched rows are looked at. Anything unusual (prefixed or non-UTF-8 XML,
CDATA, comments, extLst inside rows or cells, rows or cells without `r`) raises Unsupported and the caller
uses the lxml path instead."""
from __future__ import annotations

import bisect
import datetime as dt
import gc
import math
import re
from html import escape  # xml.sax.saxutils would import urllib.request, http and email with it

from ..model import a1, col_index
from ..serials import to_serial
from .patch_spec import CellWrite, PatchRefused
from .sheet import num_text, default_format, xstring
from .styles import Styles

ATTR_RE = re.compile(rb"([\w:.-]+)\s*=\s*(\"[^\"]*\"|'[^']*')")
F_RE = re.compile(rb"<f\b([^>]*)")
START_RE = re.compile(rb"<sheetData\b[^>]*?(/?)>")


class Unsupported(Exception):
    """This sheet needs the lxml path."""


def split(raw: bytes) -> tuple[bytes, bytes, bytes, bytes]:
    """(before, sheetData start tag, body, after) of a worksheet part, or Unsupported."""
    if not (raw.startswith(b"<") or raw.startswith(b"\xef\xbb\xbf<")):
        raise Unsupported("encoding")
    head = raw[:200].lower()
    if b"encoding" in head and not re.search(rb"encoding\s*=\s*[\"']utf-8[\"']", head):
        raise Unsupported("encoding")
    starts = list(START_RE.finditer(raw))
    if len(starts) != 1:
        raise Unsupported("sheetData")
    m = starts[0]
    if m.group(1):  # <sheetData/>
        return raw[: m.start()], raw[m.start(): m.end() - 2] + b">", b"", raw[m.end():]
    end = raw.rfind(b"</sheetData>")
    if end < m.end():
        raise Unsupported("sheetData")
    body = raw[m.end(): end]
    if b"<![CDATA[" in body or b"<!--" in body or b"<extLst" in body or b"<?" in body:
        raise Unsupported("content")
    return raw[: m.start()], raw[m.start(): m.end()], body, raw[end + len(b"</sheetData>"):]


def _attrs(tag: bytes) -> list[tuple[bytes, bytes]]:
    return ATTR_RE.findall(tag)


def _get(attrs, name: bytes) -> bytes | None:
    for k, v in attrs:
        if k == name:
            return v[1:-1]
    return None


def cell_xml(ref: str | bytes, attrs, style: int | None, value, date1904: bool) -> bytes:
    head = [b'r="' + (ref if ref.__class__ is bytes else ref.encode()) + b'"']
    if style is not None:
        head.append(b's="%d"' % style)
    if attrs:
        head += [k + b"=" + v for k, v in attrs if k not in (b"r", b"s", b"t", b"cm", b"vm")]
    if value is None:
        return b"<c " + b" ".join(head) + b"/>"
    cls = value.__class__
    if cls is str:
        head.append(b't="inlineStr"')
        inner = b'<is><t xml:space="preserve">' + _text_xml(value) + b"</t></is>"
    elif cls is bool:
        head.append(b't="b"')
        inner = b"<v>1</v>" if value else b"<v>0</v>"
    elif cls is dt.date:
        key = (value, date1904)
        inner = _DATE_CACHE.get(key)
        if inner is None:
            inner = b"<v>" + num_text(to_serial(value, date1904)).encode() + b"</v>"
            if len(_DATE_CACHE) < 65536:
                _DATE_CACHE[key] = inner
    elif isinstance(value, (dt.date, dt.datetime)):
        inner = b"<v>" + num_text(to_serial(value, date1904)).encode() + b"</v>"
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        inner = b"<v>" + num_text(value).encode() + b"</v>"
    elif isinstance(value, bool):
        head.append(b't="b"')
        inner = b"<v>1</v>" if value else b"<v>0</v>"
    else:
        head.append(b't="inlineStr"')
        inner = b'<is><t xml:space="preserve">' + _text_xml(str(value)) + b"</t></is>"
    return b"<c " + b" ".join(head) + b">" + inner + b"</c>"


_TEXT_CACHE: dict[str, bytes] = {}
_DATE_CACHE: dict[tuple, bytes] = {}


def _text_xml(text: str) -> bytes:
    """Text as the content of <t>: ST_Xstring escapes, XML escapes, CR kept; memoised (Health words recur)."""
    got = _TEXT_CACHE.get(text)
    if got is None:
        if text.isprintable() and "_x" not in text:  # nothing for xstring to escape
            out = text
        else:
            out = xstring(text)
        if "&" in out or "<" in out or ">" in out:
            out = escape(out, quote=False)
        got = out.replace("\r", "&#13;").encode("utf-8")
        if len(_TEXT_CACHE) < 4096 and len(text) < 200:
            _TEXT_CACHE[text] = got
    return got


_LETTERS: list[bytes] = []


def cell_ref(r: int, c: int) -> bytes:
    """0-based (row, col) -> b'F12'."""
    while len(_LETTERS) <= c:
        _LETTERS.append(a1(0, len(_LETTERS))[:-1].encode())
    return _LETTERS[c] + b"%d" % (r + 1)


ROW_R_RE = re.compile(rb"\sr\s*=\s*[\"'](\d+)[\"']")


def _rows(body: bytes) -> list[tuple[int, int, int]]:
    rows, pos, current = [], 0, 0
    find, index = body.find, body.index
    while True:
        s = find(b"<row", pos)
        if s < 0:
            return rows
        if body[s + 4] not in _CELL_NEXT:
            raise Unsupported("row")
        te = index(b">", s)
        e = te + 1 if body[te - 1] == 47 else index(b"</row>", te) + 6  # 47 is '/'
        m = ROW_R_RE.search(body, s, te)
        current = int(m.group(1)) if m else current + 1
        rows.append((current - 1, s, e))
        pos = e


def used_range(body: bytes) -> tuple[int, int, int, int] | None:
    """(r0, c0, r1, c1) covering every cell of a sheetData body, 0-based; None when it has no cells."""
    r0 = c0 = 1 << 30
    r1 = c1 = -1
    for r, s, e in _rows(body):
        first = body.find(b"<c", s + 4, e)
        if first < 0:
            continue
        last = body.rfind(b"<c", s + 4, e)
        for at in (first, last):
            if body[at + 2] not in _CELL_NEXT:  # a cell's own children never start with <c
                raise Unsupported("cell")
            m = R_ATTR_RE.search(body, at, body.index(b">", at))
            if m is None:
                raise Unsupported("cell without r")
            col = _col(m.group(1))
            c0, c1 = min(c0, col), max(c1, col)
        r0, r1 = min(r0, r), max(r1, r)
    return None if r1 < 0 else (r0, c0, r1, c1)


def patch_body(body: bytes, writes: list[CellWrite], styles: Styles, *, date1904: bool, where: str
               ) -> tuple[bytes, list[str]]:
    """The new sheetData body and the cells whose formulas were replaced."""
    # Hundreds of thousands of small objects and no reference cycles: the cyclic collector would only rescan
    # everything alive (the whole workbook the engine read) on each generation-2 pass.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _patch_body(body, writes, styles, date1904=date1904, where=where)
    finally:
        if enabled:
            gc.enable()


def _patch_body(body: bytes, writes: list[CellWrite], styles: Styles, *, date1904: bool, where: str
                ) -> tuple[bytes, list[str]]:
    by_row: dict[int, dict[int, CellWrite]] = {}
    for w in writes:
        row_writes = by_row.get(w.row)
        if row_writes is None:
            by_row[w.row] = row_writes = {}
        row_writes[w.col] = w
    rows = _rows(body)  # (row index, start, end) in body order
    indices = [r for r, _, _ in rows]
    if indices != sorted(indices):
        raise Unsupported("row order")
    where_row = {r: (s, e) for r, s, e in rows}
    removed: list[str] = []
    style_cache: dict[tuple, int] = {}
    pieces: list[tuple[int, int, bytes]] = []  # (start, end, replacement) in body coordinates
    for r, row_writes in sorted(by_row.items()):
        if r in where_row:
            s, e = where_row[r]
            new = _patch_row(body[s:e], r, row_writes, styles, style_cache, removed, date1904, where)
            if new is not None:
                pieces.append((s, e, new))
        else:
            cells = [cell_xml(a1(r, c), [], _style(styles, style_cache, 0, w), w.value, date1904)
                     for c, w in sorted(row_writes.items()) if w.value is not None or w.bold]
            if cells:
                i = bisect.bisect_right(indices, r)
                at = rows[i][1] if i < len(rows) else len(body)
                pieces.append((at, at, b'<row r="%d">' % (r + 1) + b"".join(cells) + b"</row>"))
    if not pieces:
        return body, removed
    if not all(pieces[i][:2] <= pieces[i + 1][:2] for i in range(len(pieces) - 1)):  # row order is body order
        pieces.sort(key=lambda p: (p[0], p[1]))
    out, pos = [], 0
    for s, e, new in pieces:
        out.append(body[pos:s])
        out.append(new)
        pos = e
    out.append(body[pos:])
    return b"".join(out), removed


def _style(styles: Styles, cache: dict, base: int, w: CellWrite) -> int | None:
    fmt = w.number_format or default_format(w.value)
    if fmt is None and not w.bold and not w.wrap:
        return base or None
    key = (base, fmt, w.bold, w.wrap)
    if key not in cache:
        cache[key] = styles.cell_style(base, fmt, w.bold, w.wrap)
    return cache[key] or None


def _copied_style(w: CellWrite, by_col: dict) -> int | None:
    """The style id of the cell `w.style_col` of the same row, when it has one."""
    if w.style_col is None or w.style_col not in by_col:
        return None
    s = _get(_attrs(by_col[w.style_col][3]), b"s")
    return int(s) if s is not None and s.isdigit() and int(s) else None


CELL_AT_RE = re.compile(rb"<c\b([^>]*?)(?:/>|>.*?</c>)", re.S)
R_ATTR_RE = re.compile(rb"\sr\s*=\s*[\"']([A-Z]+)(\d+)[\"']")
_CELL_NEXT = frozenset(b" \t\r\n/>")
_COLS: dict[bytes, int] = {}


def _col(letters: bytes) -> int:
    col = _COLS.get(letters)
    if col is None:
        col = _COLS[letters] = col_index(letters.decode())
    return col


def _cells_from_end(inner: bytes, min_col: int) -> list[tuple[int, int, int, bytes]]:
    """(col, start, end, start-tag attributes) of the row's cells with col >= min_col, scanning backwards.

    Managed columns are usually the last ones, so a row of 15 cells costs about 3 look-ups. Inside a row only
    cells start with `<c` followed by a space, `/` or `>` (values, formulas and rich text use other names)."""
    found: list[tuple[int, int, int, bytes]] = []
    pos, last_col = len(inner), None
    while True:
        lt = inner.rfind(b"<c", 0, pos)
        if lt < 0:
            break
        pos = lt
        if lt + 2 >= len(inner) or inner[lt + 2] not in _CELL_NEXT:
            continue
        # what CELL_AT_RE matches, without the regex's byte-by-byte lazy scan: up to the first '>', then either
        # '/>' or the content up to the first '</c>'
        te = inner.find(b">", lt)
        if te < 0:
            raise Unsupported("cell")
        if inner[te - 1] == 47:  # '/'
            attrs, end = inner[lt + 2: te - 1], te + 1
        else:
            close = inner.find(b"</c>", te)
            if close < 0:
                raise Unsupported("cell")
            attrs, end = inner[lt + 2: te], close + 4
        ref = R_ATTR_RE.search(attrs)
        if ref is None:
            raise Unsupported("cell without r")
        col = _col(ref.group(1))
        if last_col is not None and col >= last_col:
            raise Unsupported("cell order")
        last_col = col
        if col < min_col:
            break
        found.append((col, lt, end, attrs))
    found.reverse()
    return found


def _patch_row(row: bytes, r: int, writes: dict[int, CellWrite], styles, cache, removed, date1904, where):
    tag_end = row.index(b">") + 1
    start_tag = row[:tag_end]
    inherited = 0
    if b"customFormat" in start_tag:
        row_attrs = _attrs(start_tag)
        if _get(row_attrs, b"customFormat") in (b"1", b"true"):
            inherited = int(_get(row_attrs, b"s") or 0)
    if start_tag.endswith(b"/>"):
        inner, close = b"", b"</row>"
        start_tag = start_tag[:-2].rstrip() + b">"
    else:
        inner, close = row[tag_end: -len(b"</row>")], b"</row>"
    cols = sorted(writes)
    style_cols = [w.style_col for w in writes.values() if w.style_col is not None]
    cells = _cells_from_end(inner, min([cols[0], *style_cols]))
    by_col = {c[0]: c for c in cells} if cells else {}
    pieces, inserted = [], False
    for col in cols:
        w = writes[col]
        have = by_col.get(col)
        copied = _copied_style(w, by_col) if style_cols else None
        if have is None:
            if w.value is None and not w.bold:
                continue
            at = next((c[1] for c in cells if c[0] > col), len(inner)) if cells else len(inner)
            style = copied if copied is not None else _style(styles, cache, inherited, w)
            pieces.append((at, at, cell_xml(cell_ref(r, col), (), style, w.value, date1904)))
            inserted = True
            continue
        _, s, e, head = have
        cell = inner[s:e]
        attrs = _attrs(head)
        f = F_RE.search(cell) if b"<f" in cell else None
        if f is not None:
            ref = cell_ref(r, col).decode()
            fa = _attrs(f.group(1))
            span = _get(fa, b"ref")
            if span and b":" in span and _get(fa, b"t") in (b"shared", b"array"):
                span_s = span.decode()
                raise PatchRefused(
                    f"{where}: cell {ref} holds a shared or array formula for {span_s}; sheetsync will not overwrite it. Move the formula out of the managed column.",
                    f"{where}:单元格 {ref} 是 {span_s} 的共享/数组公式,sheetsync 不会覆盖它。请把公式移出受管列。",
                    code="formula-in-managed-cell")
            removed.append(ref)
        own = _get(attrs, b"s")
        base = int(own) if own is not None else inherited
        style = copied if copied is not None else _style(styles, cache, base, w)
        if style is None and own is not None:
            style = int(own)
        new = cell_xml(cell_ref(r, col), attrs, style, w.value, date1904)
        if new != cell:
            pieces.append((s, e, new))
    if not pieces:
        return None
    if len(pieces) == 1:
        s, e, new = pieces[0]
        out = [inner[:s], new, inner[e:]]
    else:
        out, pos = [], 0
        # pieces come in column order, which is body order; sort only if that ever stops being true
        ordered = all(pieces[i][:2] <= pieces[i + 1][:2] for i in range(len(pieces) - 1))
        for s, e, new in (pieces if ordered else sorted(pieces, key=lambda p: (p[0], p[1]))):
            out.append(inner[pos:s])
            out.append(new)
            pos = e
        out.append(inner[pos:])
    if inserted and b"spans" in start_tag:
        start_tag = re.sub(rb"\s+spans\s*=\s*(\"[^\"]*\"|'[^']*')", b"", start_tag)
    return start_tag + b"".join(out) + close
