"""Check a written package before it replaces the tracker, with lxml alone.

python-calamine read the tracker for the engine, so it cannot vouch for the copy, and openpyxl costs more to
import than a small sync takes. Here every zip member is inflated in full (its CRC checked), every part that is
new or differs from the original must be well-formed XML, the new package must still hold every member of the
original, and each managed cell of the task sheet must read back, from the written bytes, as planned. The task
sheet and the report sheet are streamed row by row (a 100k-row sheet is ~70 MB of XML), so memory stays flat.

Any failure is one PatchRefused(code="verify-failed") saying what was wrong; the caller leaves the file alone."""
from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from ..model import a1
from .package import NS_MAIN, NS_R, REL_STYLES, REL_WORKSHEET, Package, resolve
from .patch_spec import CellWrite, PatchRefused, WorkbookPatch
from ..serials import to_serial

M = "{%s}" % NS_MAIN
_C, _ROW, _V, _F, _IS, _T, _R, _SI = (M + x for x in ("c", "row", "v", "f", "is", "t", "r", "si"))
REL_SHARED_STRINGS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
_CHUNK = 1 << 20
_XML_PARTS = (".xml", ".rels", ".vml")
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)$")
_XSTRING = re.compile(r"_x([0-9A-Fa-f]{4})_")
# number formats Excel builds in that show a date (ECMA-376 18.8.30, with the East Asian ones)
_BUILTIN_DATES = set(range(14, 23)) | set(range(27, 37)) | {45, 46, 47} | set(range(50, 59))
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


class Unverified(Exception):
    """What is wrong with the written copy (one line, English; the caller words the refusal)."""


def verify_package(written: Path, original: bytes, patch: WorkbookPatch) -> None:
    """Raise Unverified unless the package at `written` is sound and holds the patch's managed cells."""
    try:
        data = written.read_bytes()
        _verify(data, original, patch)
    except Unverified:
        raise
    except PatchRefused as exc:  # the package helpers' own refusals (missing part, bad XML, DOCTYPE)
        raise Unverified(exc.en) from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError, KeyError,
            etree.XMLSyntaxError) as exc:
        raise Unverified(f"{type(exc).__name__}: {exc}") from exc


def _verify(data: bytes, original: bytes, patch: WorkbookPatch) -> None:
    pkg = Package(data, "the written copy")
    before = {i.filename: (i.CRC, i.file_size) for i in zipfile.ZipFile(io.BytesIO(original)).infolist()}
    names = [i.filename for i in pkg.infos]
    if len(set(names)) != len(names):
        raise Unverified("a zip member appears twice")
    lost = sorted(set(before) - set(names))
    if lost:
        raise Unverified(f"member {lost[0]} of the original is missing")

    wb_part = pkg.workbook_part()
    wb = pkg.xml(wb_part).getroot()
    _, rels = pkg.rels(wb_part)
    if rels is None:
        raise Unverified("the workbook has no relationships part")
    targets = {r.get("Id"): (r.get("Type"), resolve(wb_part, r.get("Target", ""))) for r in rels.getroot()
               if isinstance(r.tag, str) and r.get("TargetMode") != "External"}
    sheets = {s.get("name"): targets.get(s.get("{%s}id" % NS_R), (None, None)) for s in wb.iter(M + "sheet")}
    pr = wb.find(M + "workbookPr")
    date1904 = pr is not None and pr.get("date1904") in ("1", "true")
    task_part = _worksheet(sheets, patch.sheet)
    report_part = _worksheet(sheets, patch.report.title) if patch.report is not None else None
    shared_part = next((p for t, p in targets.values() if t == REL_SHARED_STRINGS), None)
    styles_part = next((p for t, p in targets.values() if t == REL_STYLES), None)
    date_styles = _date_styles(pkg.xml(styles_part)) if styles_part and pkg.has(styles_part) else set()

    pending: list[tuple[CellWrite, int]] = []  # managed cells that point into the shared strings
    for info in pkg.infos:
        name = info.filename
        if info.is_dir():
            continue
        if name == task_part:
            pending = _check_task_sheet(pkg, info, patch, date1904, date_styles)
        elif name == report_part or (name.endswith(_XML_PARTS) and before.get(name) != (info.CRC, info.file_size)):
            _well_formed(pkg, info)  # sheetsync wrote it: it must parse
        else:
            _inflate(pkg, info)
    if pending:
        if not shared_part or not pkg.has(shared_part):
            raise Unverified("a managed cell points into shared strings the package does not have")
        strings = _shared_strings(pkg, pkg.by_name[shared_part], {i for _, i in pending})
        for w, i in pending:
            if i not in strings or not _matches(w.value, strings[i], False, False):
                raise _mismatch(w, strings.get(i))


def _worksheet(sheets: dict, title: str) -> str:
    kind, part = sheets.get(title, (None, None))
    if kind != REL_WORKSHEET or not part:
        raise Unverified(f"sheet {title!r} is not a worksheet of the package")
    return part


def _inflate(pkg: Package, info: zipfile.ZipInfo) -> None:
    """Read the member to its end: zipfile checks the CRC there."""
    with pkg.zip.open(info) as fh:
        while fh.read(_CHUNK):
            pass


class _NoTree:
    """A parser target that keeps nothing: lxml checks well-formedness at C speed and builds no elements."""

    def close(self) -> None:
        return None


def _well_formed(pkg: Package, info: zipfile.ZipInfo) -> None:
    parser = etree.XMLParser(target=_NoTree(), resolve_entities=False, no_network=True, load_dtd=False)
    with pkg.zip.open(info) as fh:
        head = True
        while chunk := fh.read(_CHUNK):
            if head and (b"<!DOCTYPE" in chunk[:4096] or b"<!ENTITY" in chunk[:4096]):
                raise Unverified(f"{info.filename} declares a DOCTYPE")
            head = False
            parser.feed(chunk)
    parser.close()


def _stream(pkg: Package, info: zipfile.ZipInfo, on_row, tag: str = _ROW) -> None:
    """Parse a member as XML without building it whole; `on_row` sees each finished `tag` element."""
    with pkg.zip.open(info) as fh:
        head = fh.peek(4096)[:4096] if hasattr(fh, "peek") else b""
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise Unverified(f"{info.filename} declares a DOCTYPE")
        for _, el in etree.iterparse(fh, events=("end",), tag=tag, resolve_entities=False, no_network=True,
                                     load_dtd=False):
            on_row(el)
            el.clear()
            while el.getprevious() is not None:  # rows already seen: keep the tree from growing
                del el.getparent()[0]
        while fh.read(_CHUNK):  # the parser may stop short of the end: the CRC is checked there
            pass


def _check_task_sheet(pkg, info, patch: WorkbookPatch, date1904: bool, date_styles: set[int]):
    wanted: dict[int, dict[str, CellWrite]] = {}  # row -> {"F12": its write}
    for w in patch.cells:  # the last write to a cell wins, as in the patcher
        wanted.setdefault(w.row, {})[a1(w.row, w.col)] = w
    pending: list[tuple[CellWrite, int]] = []
    state = {"row": -1}

    def check(w: CellWrite, cell) -> None:
        shared = _check_cell(w, cell, date1904, date_styles)
        if shared is not None:
            pending.append((w, shared))

    def on_row(row) -> None:
        ref = row.get("r")
        r = int(ref) - 1 if ref else state["row"] + 1
        state["row"] = r
        cells = wanted.pop(r, None)
        if not cells:
            return
        # from the end of the row: managed columns are usually the last ones, so most rows stop after a few cells
        for cell in row.iterchildren(_C, reversed=True):
            ref = cell.get("r")
            if ref is None:  # cells without a reference count by position: walk the row from its start
                _by_position(row, r, cells, check)
                break
            w = cells.pop(ref, None)
            if w is not None:
                check(w, cell)
                if not cells:
                    return
        for w in cells.values():  # planned cells the row does not hold
            if not _empty(w.value):
                raise _mismatch(w, None)

    _stream(pkg, info, on_row)
    for cells in wanted.values():  # planned cells in rows the sheet does not hold
        for w in cells.values():
            if not _empty(w.value):
                raise _mismatch(w, None)
    return pending


def _by_position(row, r: int, cells: dict[str, CellWrite], check) -> None:
    last = None  # the previous cell's reference: a cell without one is the next column
    for cell in row.iterchildren(_C):
        ref = cell.get("r") or a1(r, _col(last) + 1 if last else 0)
        last = ref
        w = cells.pop(ref, None)
        if w is not None:
            check(w, cell)


def _col(ref: str) -> int:
    m = _CELL_REF.match(ref)
    if m is None:
        raise Unverified(f"cell reference {ref!r} is not valid")
    n = 0
    for ch in m.group(1):
        n = n * 26 + ord(ch) - 64
    return n - 1


def _check_cell(w: CellWrite, cell, date1904: bool, date_styles: set[int]) -> int | None:
    """Compare one written cell with its plan; the shared-string index when the text lives there."""
    kind = cell.get("t", "n")
    got = None
    for child in cell:
        tag = child.tag
        if tag == _V:
            got = child.text
        elif tag == _IS:
            got = _text(child) if kind == "inlineStr" else None
        elif tag == _F:
            raise _mismatch(w, "a formula")
    if got is not None and got != "" and kind != "inlineStr":
        if kind == "n":
            got = float(got)
        elif kind == "s":
            return int(got)
        elif kind == "b":
            got = got.strip() in ("1", "true")
    if not _matches(w.value, got, int(cell.get("s", "0")) in date_styles, date1904):
        raise _mismatch(w, got)
    return None


def _matches(planned, got, date_styled: bool, date1904: bool) -> bool:
    """Does the value read back (str, float, bool or None) show what was planned?"""
    if planned.__class__ is str and planned:  # most managed cells: Health words and Flags
        return got.__class__ is str and got == planned
    if _empty(planned) or got is None or got == "":
        return _empty(planned) and got in (None, "")
    if isinstance(planned, bool):
        return got is planned
    if isinstance(planned, (dt.date, dt.datetime)):
        tol = 1 / 86400 if isinstance(planned, dt.datetime) else 1e-9
        return (date_styled and isinstance(got, float)
                and abs(got - to_serial(planned, date1904)) <= tol)
    if isinstance(planned, (int, float)) and math.isfinite(planned):
        return isinstance(got, float) and math.isclose(got, planned, rel_tol=1e-12)
    return isinstance(got, str) and got == str(planned)


def _text(inline) -> str:
    """The text of <is> or <si>: its <t>, or its runs' <t>; phonetic runs (<rPh>) are not part of it."""
    parts = []
    for child in inline:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _R:
            parts.extend(t.text or "" for t in child.iterchildren(_T))
    text = "".join(parts)
    return _XSTRING.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _empty(value) -> bool:
    return value is None or value == ""


def _shared_strings(pkg: Package, info, needed: set[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    state = {"i": 0}

    def on_si(si) -> None:
        if state["i"] in needed:
            out[state["i"]] = _text(si)
        state["i"] += 1

    _stream(pkg, info, on_si, tag=_SI)
    return out


def _date_styles(styles) -> set[int]:
    """Indexes into cellXfs whose number format shows a date."""
    custom = {}
    for nf in styles.getroot().iter(M + "numFmt"):
        try:
            custom[int(nf.get("numFmtId", ""))] = nf.get("formatCode", "")
        except ValueError:
            continue
    xfs = styles.getroot().find(M + "cellXfs")
    out = set()
    for i, xf in enumerate(xfs if xfs is not None else ()):
        try:
            fid = int(xf.get("numFmtId", "0"))
        except ValueError:
            continue
        code = custom.get(fid)
        if (fid in _BUILTIN_DATES and code is None) or (code is not None and _shows_date(code)):
            out.add(i)
    return out


def _shows_date(code: str) -> bool:
    bare = _QUOTED.sub("", code.split(";", 1)[0]).lower()
    return any(ch in bare for ch in "ydm") and "general" not in bare


def _mismatch(w: CellWrite, got) -> Unverified:
    return Unverified(f"cell ({w.row}, {w.col}) reads back {got!r} instead of {w.value!r}")
