"""The owned report sheet: its worksheet XML, and how to recognise one sheetsync wrote before."""
from __future__ import annotations

import datetime as dt

from lxml import etree

from ..model import a1, col_letter
from .patch_spec import ReportSpec
from .xlsx_package import NS_MAIN, NS_R
from .xlsx_sheet import M, default_format, fill_cell
from .xlsx_styles import Styles

REPORT_MARKER = "sheetsync"
_BAD_TITLE = set(':\\/?*[]')


def check_title(title: str) -> bool:
    return 0 < len(title) <= 31 and not (set(title) & _BAD_TITLE) and not title.startswith("'")


def report_xml(spec: ReportSpec, styles: Styles, *, date1904: bool = False) -> bytes:
    root = etree.Element(M + "worksheet", nsmap={None: NS_MAIN, "r": NS_R})
    width = max((len(r) for r in spec.rows), default=1) or 1
    height = max(len(spec.rows), 1)
    etree.SubElement(root, M + "dimension", ref=f"A1:{a1(height - 1, width - 1)}" if (height, width) != (1, 1) else "A1")
    views = etree.SubElement(root, M + "sheetViews")
    etree.SubElement(views, M + "sheetView", workbookViewId="0")
    etree.SubElement(root, M + "sheetFormatPr", defaultRowHeight="15")
    if spec.col_widths:
        cols = etree.SubElement(root, M + "cols")
        for i, w in enumerate(spec.col_widths):
            etree.SubElement(cols, M + "col", min=str(i + 1), max=str(i + 1), width=f"{float(w):g}", customWidth="1")
    data = etree.SubElement(root, M + "sheetData")
    styles_for: dict[tuple, int] = {}
    for r, values in enumerate(spec.rows):
        row = etree.SubElement(data, M + "row", r=str(r + 1))
        for c, value in enumerate(values):
            if value is None or value == "":
                continue
            cell = etree.SubElement(row, M + "c", r=a1(r, c))
            fmt, bold = default_format(value), r == 0
            if fmt or bold:
                key = (fmt, bold)
                if key not in styles_for:
                    styles_for[key] = styles.cell_style(0, fmt, bold)
                if styles_for[key]:
                    cell.set("s", str(styles_for[key]))
            fill_cell(cell, value, date1904=date1904)
    if spec.links:
        links = etree.SubElement(root, M + "hyperlinks")
        for (r, c), location in sorted(spec.links.items()):
            etree.SubElement(links, M + "hyperlink", ref=a1(r, c), location=location,
                             display=location.replace("'", ""))
    etree.SubElement(root, M + "pageMargins", left="0.7", right="0.7", top="0.75", bottom="0.75", header="0.3",
                     footer="0.3")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


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


__all__ = ["report_xml", "first_text", "shared_strings", "check_title", "REPORT_MARKER", "col_letter", "dt"]
