"""styles.xml: append (never renumber) the number formats, cell formats and differential formats sheetsync needs.

Anything identical that already exists is reused, so repeated runs do not grow the lists."""
from __future__ import annotations

from lxml import etree

from .package import NS_MAIN

M = "{%s}" % NS_MAIN
STYLE_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
               "tableStyles", "colors", "extLst")
FIRST_CUSTOM_NUMFMT = 164


def _key(el) -> tuple:
    """Structural identity of an element, indifferent to prefixes and whitespace."""
    return (etree.QName(el).localname if isinstance(el.tag, str) else "", tuple(sorted(el.attrib.items())),
            tuple(_key(c) for c in el if isinstance(c.tag, str)))


def _argb(rgb: str) -> str:
    rgb = rgb.lstrip("#").upper()
    return rgb if len(rgb) == 8 else "FF" + rgb


class Styles:
    def __init__(self, tree: etree._ElementTree):
        self.root = tree.getroot()

    def _list(self, name: str, create: bool = True):
        el = self.root.find(M + name)
        if el is None and create:
            el = etree.Element(M + name)
            insert_ordered(self.root, el, STYLE_ORDER)
        return el

    def _append(self, list_name: str, item) -> int:
        """Index of an identical item, else of the newly appended one; keeps `count` right."""
        parent = self._list(list_name)
        children = [c for c in parent if isinstance(c.tag, str)]
        want = _key(item)
        for i, c in enumerate(children):
            if _key(c) == want:
                return i
        parent.append(item)
        parent.set("count", str(len(children) + 1))
        return len(children)

    def numfmt_id(self, code: str) -> int:
        parent = self._list("numFmts")
        used = [FIRST_CUSTOM_NUMFMT - 1]
        for nf in parent:
            if not isinstance(nf.tag, str):
                continue
            if nf.get("formatCode") == code:
                return int(nf.get("numFmtId"))
            used.append(int(nf.get("numFmtId", "0")))
        new_id = max(used) + 1
        nf = etree.SubElement(parent, M + "numFmt", numFmtId=str(new_id), formatCode=code)
        parent.set("count", str(sum(1 for c in parent if isinstance(c.tag, str))))
        del nf
        return new_id

    def _xf(self, index: int):
        xfs = [c for c in self._list("cellXfs") if isinstance(c.tag, str)]
        return xfs[index] if 0 <= index < len(xfs) else xfs[0]

    def cell_style(self, base: int, number_format: str | None, bold: bool, wrap: bool = False,
                   fill: str | None = None) -> int:
        """cellXfs index for a cell now styled `base` that needs this number format, bold, wrapped text and/or
        a solid `fill` (RRGGBB)."""
        xf = self._xf(base)
        new = etree.fromstring(etree.tostring(xf))
        if fill:
            el = etree.Element(M + "fill")
            pattern = etree.SubElement(el, M + "patternFill", patternType="solid")
            etree.SubElement(pattern, M + "fgColor", rgb=_argb(fill))
            etree.SubElement(pattern, M + "bgColor", indexed="64")
            new.set("fillId", str(self._append("fills", el)))
            new.set("applyFill", "1")
        if wrap:
            align = new.find(M + "alignment")
            if align is None:
                align = etree.Element(M + "alignment")
                new.insert(0, align)  # CT_Xf: alignment comes before protection and extLst
            align.set("wrapText", "1")
            align.set("vertical", align.get("vertical", "top"))
            new.set("applyAlignment", "1")
        if number_format is not None:
            fid = self.numfmt_id(number_format)
            new.set("numFmtId", str(fid))
            new.set("applyNumberFormat", "1")
        if bold:
            new.set("fontId", str(self._bold_font(int(xf.get("fontId", "0")))))
            new.set("applyFont", "1")
        if _key(new) == _key(xf):
            return base
        return self._append("cellXfs", new)

    def _bold_font(self, font_id: int) -> int:
        fonts = [c for c in self._list("fonts") if isinstance(c.tag, str)]
        font = fonts[font_id] if 0 <= font_id < len(fonts) else fonts[0]
        if font.find(M + "b") is not None:
            return font_id
        new = etree.fromstring(etree.tostring(font))
        new.insert(0, etree.Element(M + "b"))
        return self._append("fonts", new)

    def dxf(self, fill: str | None, font_color: str | None, bold: bool, border_color: str | None) -> int:
        dxf = etree.Element(M + "dxf", nsmap={None: NS_MAIN})
        if font_color or bold:
            font = etree.SubElement(dxf, M + "font")
            if bold:
                etree.SubElement(font, M + "b")
            if font_color:
                etree.SubElement(font, M + "color", rgb=_argb(font_color))
        if fill:
            pattern = etree.SubElement(etree.SubElement(dxf, M + "fill"), M + "patternFill", patternType="solid")
            etree.SubElement(pattern, M + "fgColor", rgb=_argb(fill))
            etree.SubElement(pattern, M + "bgColor", rgb=_argb(fill))
        if border_color:
            border = etree.SubElement(dxf, M + "border")
            for side in ("left", "right", "top", "bottom"):
                etree.SubElement(etree.SubElement(border, M + side, style="thin"), M + "color", rgb=_argb(border_color))
        return self._append("dxfs", etree.fromstring(etree.tostring(dxf)))


def insert_ordered(parent, child, order: tuple[str, ...]) -> None:
    """Insert `child` before the first sibling that the schema puts after it."""
    rank = order.index(etree.QName(child).localname)
    for i, sib in enumerate(parent):
        if not isinstance(sib.tag, str):
            continue
        name = etree.QName(sib).localname
        if name == "AlternateContent":
            name = _alternate_name(sib)
        if name in order and order.index(name) > rank:
            parent.insert(i, child)
            return
    parent.append(child)


def _alternate_name(el) -> str:
    for choice in el:
        for inner in choice:
            if isinstance(inner.tag, str):
                return etree.QName(inner).localname
    return ""
