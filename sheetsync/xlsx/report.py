"""The owned report sheet: its worksheet XML, and how to recognise one sheetsync wrote before."""
from __future__ import annotations

import datetime as dt

from html import escape  # xml.sax.saxutils would import urllib.request, http and email with it

from lxml import etree

from ..model import a1, col_letter
from ..owned import HEADER_ROW, MESSAGE_COL
from .patch_spec import ReportSpec
from .package import NS_MAIN, NS_R
from .sheet import M, default_format
from .sheetdata import cell_xml, cell_ref
from .styles import Styles

_BAD_TITLE = set(':\\/?*[]')
HEADER_FILL = "DDEBF7"  # the findings table's header row: bold on a light blue, as Excel's own table headers
LINE_PT = 15  # points per line of wrapped text (the sheet's default row height)
MAX_LINES = 12


def check_title(title: str) -> bool:
    return 0 < len(title) <= 31 and not (set(title) & _BAD_TITLE) and not title.startswith("'")


def report_xml(spec: ReportSpec, styles: Styles, *, date1904: bool = False) -> bytes:
    """The whole report worksheet. Written as text, not as an lxml tree: at 100k tasks the report holds tens
    of thousands of findings, and building them element by element took longer than the rest of the patch."""
    width = max((len(r) for r in spec.rows), default=1) or 1
    height = max(len(spec.rows), 1)
    ref = f"A1:{a1(height - 1, width - 1)}" if (height, width) != (1, 1) else "A1"
    out = [b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n",
           f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_R}"><dimension ref="{ref}"/>'
           '<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/>'.encode()]
    cols = {i: b'<col min="%d" max="%d" width="%s" customWidth="1"/>' % (i + 1, i + 1, f"{float(w):g}".encode())
            for i, w in enumerate(spec.col_widths)}
    for i in spec.hidden_cols:
        cols[i] = b'<col min="%d" max="%d" width="9" hidden="1" customWidth="1"/>' % (i + 1, i + 1)
    if cols:
        out.append(b"<cols>" + b"".join(cols[i] for i in sorted(cols)) + b"</cols>")
    out.append(b"<sheetData>")
    styles_for: dict[tuple, int | None] = {}
    for r, values in enumerate(spec.rows):
        cells = []
        header = r == HEADER_ROW and len(values) > 1
        for c, value in enumerate(values):
            if value is None or value == "":
                continue
            style = None
            fmt, bold = default_format(value), r == 0 or header
            wrap = c == MESSAGE_COL and r > HEADER_ROW
            fill = HEADER_FILL if header else None
            if fmt or bold or wrap:
                key = (fmt, bold, wrap, fill)
                if key not in styles_for:
                    styles_for[key] = styles.cell_style(0, fmt, bold, wrap, fill) or None
                style = styles_for[key]
            cells.append(cell_xml(cell_ref(r, c), None, style, value, date1904))
        lines = _lines(values, spec.col_widths) if r > HEADER_ROW else 1
        attrs = b' ht="%d" customHeight="1"' % (LINE_PT * lines) if lines > 1 else b""
        out.append(b'<row r="%d"%s>' % (r + 1, attrs) + b"".join(cells) + b"</row>" if cells
                   else b'<row r="%d"/>' % (r + 1))
    out.append(b"</sheetData>")
    if spec.links:
        out.append(b"<hyperlinks>" + b"".join(
            b'<hyperlink ref="' + cell_ref(r, c) + b'" location="' + _attr(location) + b'" display="'
            + _attr(location.replace("'", "")) + b'"/>' for (r, c), location in sorted(spec.links.items()))
            + b"</hyperlinks>")
    out.append(b'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
               b"</worksheet>")
    return b"".join(out)


def _lines(values: list, widths) -> int:
    """How many lines the wrapped Message cell of a findings row takes (a CJK character is two wide)."""
    if len(values) <= MESSAGE_COL or not isinstance(values[MESSAGE_COL], str) or len(widths) <= MESSAGE_COL:
        return 1
    width = max(int(widths[MESSAGE_COL]) - 2, 10)
    text = values[MESSAGE_COL]
    return min(sum(-(-max(east_asian_width(line), 1) // width) for line in text.split("\n")), MAX_LINES)


def east_asian_width(text: str) -> int:
    """Display width, CJK characters two wide: from the UTF-8 length (a CJK character is three bytes), which is
    one C call where a per-character lookup over 100k findings took seconds."""
    if text.isascii():
        return len(text)
    return len(text) + (len(text.encode("utf-8")) - len(text)) // 2


def _attr(text: str) -> bytes:
    return escape(text, quote=False).replace('"', "&quot;").encode("utf-8")


def first_text(sheet_root, shared: list[str] | None) -> str:
    """Text of cell A1 (inline or shared), '' when there is none."""
    for c in sheet_root.iter(M + "c"):
        if c.get("r") not in (None, "A1"):
            return ""
        if c.get("t") == "inlineStr":
            return "".join(t.text or "" for t in c.iter(M + "t"))
        v = c.findtext(M + "v") or ""
        if c.get("t") == "s" and shared is not None and v.isdigit() and int(v) < len(shared):
            return shared[int(v)]
        return v
    return ""


def shared_strings(tree) -> list[str]:
    return ["".join(t.text or "" for t in si.iter(M + "t") if t.getparent().tag != M + "rPh")
            for si in tree.getroot().iter(M + "si")]


__all__ = ["report_xml", "first_text", "shared_strings", "check_title", "col_letter", "dt"]
