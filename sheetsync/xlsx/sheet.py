"""The task sheet's XML: managed cell values, owned conditional-format rules and the used-range dimension.

Cells are data: text is always an inline string, and any formula in a managed cell is removed."""
from __future__ import annotations

import datetime as dt
import math
import re

from lxml import etree

from ..model import a1, parse_a1
from ..serials import to_serial
from .patch_spec import CellWrite, PatchRefused, RuleSpec, owned_rule
from .package import NS_MAIN
from .styles import Styles, insert_ordered

M = "{%s}" % NS_MAIN
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
SHEET_ORDER = ("sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
               "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate",
               "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations",
               "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks",
               "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing",
               "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts",
               "extLst")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_CELL_REF = re.compile(r"([A-Za-z]+)(\d+)")
# characters XML 1.0 cannot carry, written with the ST_Xstring escape Excel uses
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def xstring(text: str) -> str:
    text = _ESCAPE_LIKE.sub(r"_x005F_\1", text)
    return _BAD_XML.sub(lambda m: "_x%04X_" % ord(m.group()), text)


def fill_cell(c, value, *, date1904: bool = False) -> None:
    """Give <c> this value (its `s` stays); removes formulas, rich values and old content."""
    for child in list(c):
        if etree.QName(child).localname in ("f", "v", "is"):
            c.remove(child)
    for attr in ("t", "cm", "vm"):
        c.attrib.pop(attr, None)
    if value is None:
        return
    if isinstance(value, bool):
        c.set("t", "b")
        _v(c, "1" if value else "0")
    elif isinstance(value, (dt.date, dt.datetime)):
        _v(c, num_text(to_serial(value, date1904)))
    elif isinstance(value, (int, float)) and math.isfinite(value):
        _v(c, num_text(value))
    else:
        c.set("t", "inlineStr")
        t = etree.SubElement(etree.Element(M + "is"), M + "t")
        t.text = xstring(str(value))
        t.set(XML_SPACE, "preserve")
        _insert_value(c, t.getparent())


def num_text(x) -> str:
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer() and abs(x) < 1e15):
        return str(int(x))
    return repr(float(x))


def _v(c, text: str) -> None:
    v = etree.Element(M + "v")
    v.text = text
    _insert_value(c, v)


def _insert_value(c, el) -> None:
    # <c> children: f, v / is, extLst
    ext = c.find(M + "extLst")
    if ext is not None:
        ext.addprevious(el)
    else:
        c.append(el)


def default_format(value) -> str | None:
    if isinstance(value, dt.datetime):
        return DATETIME_FORMAT
    if isinstance(value, dt.date):
        return DATE_FORMAT
    return None


class SheetPatch:
    def __init__(self, tree: etree._ElementTree, where: str):
        self.root = tree.getroot()
        self.where = where
        self.sheet_data = self.root.find(M + "sheetData")
        if self.sheet_data is None:
            self.sheet_data = etree.Element(M + "sheetData")
            insert_ordered(self.root, self.sheet_data, SHEET_ORDER)
        self.removed_formulas: list[str] = []

    # ---- cells -------------------------------------------------------------------------------------------
    def _rows(self) -> dict[int, object]:
        rows, current = {}, 0
        for row in self.sheet_data:
            if not isinstance(row.tag, str):
                continue
            r = row.get("r")
            current = int(r) if r else current + 1
            rows[current - 1] = row
        return rows

    @staticmethod
    def _cells(row) -> dict[int, object]:
        cells, current = {}, -1
        for c in row:
            if not isinstance(c.tag, str) or etree.QName(c).localname != "c":
                continue
            r = c.get("r")
            current = parse_a1(r)[1] if r else current + 1
            cells[current] = c
        return cells

    def write_cells(self, writes: list[CellWrite], styles: Styles, *, date1904: bool = False) -> None:
        by_row: dict[int, dict[int, CellWrite]] = {}
        for w in writes:
            by_row.setdefault(w.row, {})[w.col] = w  # the last write to a cell wins
        rows = self._rows()
        style_cache: dict[tuple, int] = {}
        new_rows = []
        for r, row_writes in sorted(by_row.items()):
            row = rows.get(r)
            if row is None:
                if all(w.value is None and not w.bold for w in row_writes.values()):
                    continue
                row = etree.Element(M + "row", r=str(r + 1))
                new_rows.append((r, row))
                cells = {}
            else:
                cells = self._cells(row)
            inserted = False
            for col, w in sorted(row_writes.items()):
                c = cells.get(col)
                if c is None:
                    if w.value is None and not w.bold:
                        continue
                    c = etree.Element(M + "c", r=a1(r, col))
                    self._insert_cell(row, c, col, cells)
                    cells[col] = c
                    inserted = True
                self._check_formula(c, r, col)
                fmt = w.number_format or default_format(w.value)
                beside = cells.get(w.style_col) if w.style_col is not None else None
                if beside is not None and (beside.get("s") or "0") != "0":
                    c.set("s", beside.get("s"))  # the tracker's own header style, as it is
                elif fmt is not None or w.bold or w.wrap:
                    inherited = row.get("s") if row.get("customFormat") in ("1", "true") else None
                    base = int(c.get("s") or inherited or 0)
                    key = (base, fmt, w.bold, w.wrap)
                    if key not in style_cache:
                        style_cache[key] = styles.cell_style(base, fmt, w.bold, w.wrap)
                    if style_cache[key] != int(c.get("s") or 0):
                        c.set("s", str(style_cache[key]))
                fill_cell(c, w.value, date1904=date1904)
            if inserted:
                row.attrib.pop("spans", None)
        self._insert_rows(new_rows, rows)
        self.grow_dimension(writes)

    @staticmethod
    def _insert_cell(row, c, col: int, cells: dict[int, object]) -> None:
        after = [k for k in cells if k > col]
        if after:
            cells[min(after)].addprevious(c)
        else:
            ext = row.find(M + "extLst")
            if ext is not None:
                ext.addprevious(c)
            else:
                row.append(c)

    def _insert_rows(self, new_rows, rows: dict[int, object]) -> None:
        if not new_rows:
            return
        existing = sorted(rows)
        import bisect
        for r, row in new_rows:
            i = bisect.bisect_right(existing, r)
            if i < len(existing):
                rows[existing[i]].addprevious(row)
            else:
                self.sheet_data.append(row)

    def _check_formula(self, c, r: int, col: int) -> None:
        f = c.find(M + "f")
        if f is None:
            return
        ref = f.get("ref")
        if ref and ":" in ref and f.get("t") in ("shared", "array"):
            raise PatchRefused(
                f"{self.where}: cell {a1(r, col)} holds a shared or array formula for {ref}; sheetsync will not overwrite it. Move the formula out of the managed column.",
                f"{self.where}:单元格 {a1(r, col)} 是 {ref} 的共享/数组公式,sheetsync 不会覆盖它。请把公式移出受管列。",
                code="formula-in-managed-cell")
        self.removed_formulas.append(a1(r, col))

    def grow_dimension(self, writes: list[CellWrite], used=None) -> None:
        """Make <dimension> cover every cell of the sheet once cells were written: a person's and the managed
        ones. A range the sheet declared covers the person's cells and is grown over the written ones; a
        missing or single-cell one (Excel's A1 for an empty sheet, or a writer that did not count) says
        nothing, so the used range is measured: `used()` gives it (0-based r0, c0, r1, c1) when the caller
        can, else it is read from the tree. Readers such as SheetJS drop every cell outside the dimension."""
        live = [w for w in writes if w.value is not None]
        if not live:
            return
        dim = self.root.find(M + "dimension")
        ref = dim.get("ref") if dim is not None else None
        try:
            parts = (ref or "").split(":")
            declared = parse_a1(parts[0]) + parse_a1(parts[-1]) if len(parts) == 2 else None
        except ValueError:
            declared = None
        if declared is None:
            declared = used() if used is not None else self._used_range()
        if declared is None:
            return
        r0 = min([declared[0]] + [w.row for w in live])
        c0 = min([declared[1]] + [w.col for w in live])
        r1 = max([declared[2]] + [w.row for w in live])
        c1 = max([declared[3]] + [w.col for w in live])
        new = a1(r0, c0) if (r0, c0) == (r1, c1) else f"{a1(r0, c0)}:{a1(r1, c1)}"
        if dim is None:
            insert_ordered(self.root, etree.Element(M + "dimension", ref=new), SHEET_ORDER)
        elif new != ref:
            dim.set("ref", new)

    def _used_range(self) -> tuple[int, int, int, int] | None:
        r0 = c0 = 1 << 30
        r1 = c1 = -1
        for r, row in self._rows().items():
            cols = self._cells(row)
            if cols:
                r0, r1 = min(r0, r), max(r1, r)
                c0, c1 = min(c0, min(cols)), max(c1, max(cols))
        return None if r1 < 0 else (r0, c0, r1, c1)

    # ---- column widths -----------------------------------------------------------------------------------------
    def set_widths(self, widths: dict[int, float]) -> None:
        """Give a width to columns no <col> covers (the managed columns sync appended, which would otherwise show
        dates as ####). A width a person set, or a <col> range that covers the column, is never changed."""
        if not widths:
            return
        cols = self.root.find(M + "cols")
        covered = []
        for col in (cols if cols is not None else ()):
            if isinstance(col.tag, str) and etree.QName(col).localname == "col":
                try:
                    covered.append((int(col.get("min")), int(col.get("max"))))
                except (TypeError, ValueError):
                    return  # a <cols> we cannot read: leave it alone
        todo = {c + 1: w for c, w in widths.items()
                if not any(lo <= c + 1 <= hi for lo, hi in covered)}
        if not todo:
            return
        if cols is None:
            cols = etree.Element(M + "cols")
            insert_ordered(self.root, cols, SHEET_ORDER)
        for n, width in sorted(todo.items()):
            el = etree.Element(M + "col", min=str(n), max=str(n), width=f"{width:g}", customWidth="1")
            after = [c for c in cols if isinstance(c.tag, str) and int(c.get("min", "0")) < n]
            if after:
                after[-1].addnext(el)
            else:
                cols.insert(0, el)

    # ---- conditional formatting -----------------------------------------------------------------------------
    def set_rules(self, rules: list[RuleSpec], styles: Styles) -> None:
        for cf in self.root.findall(M + "conditionalFormatting"):
            for rule in cf.findall(M + "cfRule"):
                if owned_rule(rule.findtext(M + "formula")):
                    cf.remove(rule)
            if cf.find(M + "cfRule") is None:
                self.root.remove(cf)
        top = 0
        for rule in self.root.iter("{*}cfRule"):
            try:
                top = max(top, int(rule.get("priority", "0")))
            except ValueError:
                pass
        for i, spec in enumerate(rules):
            if not owned_rule(spec.formula):
                raise ValueError(f"rule formula lacks the ownership marker: {spec.formula!r}")
            cf = etree.Element(M + "conditionalFormatting", sqref=spec.sqref)
            rule = etree.SubElement(cf, M + "cfRule", type="expression",
                                    dxfId=str(styles.dxf(spec.fill, spec.font_color, spec.bold, spec.border_color)),
                                    priority=str(top + i + 1))
            if spec.stop_if_true:
                rule.set("stopIfTrue", "1")
            etree.SubElement(rule, M + "formula").text = spec.formula.lstrip("=")
            insert_ordered(self.root, cf, SHEET_ORDER)
