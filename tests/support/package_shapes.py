"""Packages of the shapes the patcher must handle, built here so the tests need nothing beside the repository.

openpyxl writes a plain transitional workbook; each builder then reshapes its parts the way Excel, LibreOffice or
the ISO Strict writers lay them out (namespaces, calc chain, shared formulas, macro and template content types).
The corpus in ../shared holds real files of the same shapes; tests over it are extra, never the only check."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.chart import BarChart, Reference

T_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
T_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
S_MAIN = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
S_REL = b"http://purl.oclc.org/ooxml/officeDocument/relationships"
REL_CALC_CHAIN = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
CT_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_MACRO = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_TEMPLATE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"
# Not a real VBA project: the patcher must copy the member byte for byte whatever it holds.
VBA_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8


def _parts(wb: openpyxl.Workbook) -> dict[str, bytes]:
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as z:
        return {name: z.read(name) for name in z.namelist()}


def _write(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def _add_rel(rels: bytes, rel_id: str, kind: str, target: str) -> bytes:
    entry = f'<Relationship Id="{rel_id}" Type="{kind}" Target="{target}"/>'.encode()
    return rels.replace(b"</Relationships>", entry + b"</Relationships>")


def _add_override(types: bytes, part: str, content_type: bytes) -> bytes:
    entry = b'<Override PartName="' + part.encode() + b'" ContentType="' + content_type + b'"/>'
    return types.replace(b"</Types>", entry + b"</Types>")


def _small_sheet(title: str = "Sheet1") -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    ws.append(["ID", "Task", "Owner"])
    ws.append(["T-1", "poster", "Ana"])
    return wb


def iso_strict(path: Path) -> Path:
    """An ISO/IEC 29500 Strict workbook: the strict namespaces everywhere, as Excel's 'Strict Open XML' saves."""
    parts = _parts(_small_sheet())
    for name, data in parts.items():
        if name.endswith((".xml", ".rels")):
            parts[name] = data.replace(T_MAIN, S_MAIN).replace(T_REL, S_REL)
    return _write(path, parts)


def with_chartsheet(path: Path, chart_title: str = "Chart2") -> Path:
    """A workbook whose second sheet is a chart sheet (no cells at all)."""
    wb = _small_sheet("Data")
    ws = wb.active
    for i in range(3, 8):
        ws.append([f"T-{i}", f"task {i}", i])
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=3, min_row=2, max_row=7))
    wb.create_chartsheet(chart_title).add_chart(chart)
    return _write(path, _parts(wb))


def with_calc_chain(path: Path | None = None) -> bytes:
    """Sheet 'CF' with formulas in C2 and D4 listed in a calc chain, and D2 the master of a shared formula D2:U17."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "CF"
    for r in range(2, 18):
        ws.cell(r, 1, r)
    ws["C2"] = "=A2*2"
    ws["D2"] = "=A2+1"
    ws["D4"] = "=A4+1"
    parts = _parts(wb)
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b'<c r="D2"><f>A2+1</f>', b'<c r="D2"><f t="shared" ref="D2:U17" si="0">A2+1</f>')
    assert b't="shared"' in parts[sheet], "openpyxl changed how it writes formulas"
    parts["xl/calcChain.xml"] = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                                 b'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                 b'<c r="C2" i="1"/><c r="D2" i="1"/><c r="D4" i="1"/></calcChain>')
    parts["xl/_rels/workbook.xml.rels"] = _add_rel(parts["xl/_rels/workbook.xml.rels"], "rIdCalc", REL_CALC_CHAIN,
                                                   "calcChain.xml")
    parts["[Content_Types].xml"] = _add_override(parts["[Content_Types].xml"], "/xl/calcChain.xml",
                                                 b"application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    if path is not None:
        path.write_bytes(buf.getvalue())
    return buf.getvalue()


def macro_enabled(path: Path) -> Path:
    """An .xlsm: the macro-enabled main content type and a vbaProject.bin part."""
    parts = _parts(_small_sheet())
    parts["[Content_Types].xml"] = _add_override(parts["[Content_Types].xml"].replace(CT_MAIN, CT_MACRO),
                                                 "/xl/vbaProject.bin", b"application/vnd.ms-office.vbaProject")
    parts["xl/_rels/workbook.xml.rels"] = _add_rel(parts["xl/_rels/workbook.xml.rels"], "rIdVBA", REL_VBA,
                                                   "vbaProject.bin")
    parts["xl/vbaProject.bin"] = VBA_BYTES
    return _write(path, parts)


def template(path: Path) -> Path:
    """An .xltx: the template main content type."""
    parts = _parts(_small_sheet())
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(CT_MAIN, CT_TEMPLATE)
    return _write(path, parts)
