"""Read an Excel workbook into WorkbookData with python-calamine: values at their absolute positions."""
from __future__ import annotations

import gc
import zipfile
from pathlib import Path

import python_calamine as pc

from ..model import SheetData, SheetsyncError, WorkbookData

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
# Guards against zip bombs before calamine inflates anything: real trackers are far below these.
MAX_UNCOMPRESSED = 1 << 30
MAX_RATIO = 200
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
XML_HEAD = 1 << 16  # a DOCTYPE must come before the root element: the prolog of each XML part is read, no more


def check_package(path: Path) -> None:
    """Refuse what is not a readable OOXML package, with a one-line reason."""
    if not path.exists():
        raise SheetsyncError(f"{path}: no such file", f"{path}:文件不存在", code="missing-file")
    if path.is_dir():
        raise SheetsyncError(f"{path}: is a folder, not a spreadsheet", f"{path}:这是文件夹,不是表格文件", code="not-a-spreadsheet")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == OLE_MAGIC:
        raise SheetsyncError(f"{path}: the workbook is encrypted or in the old .xls format; save it as an unprotected .xlsx",
                             f"{path}:工作簿已加密或为旧版 .xls 格式,请另存为未加密的 .xlsx", code="encrypted")
    if not zipfile.is_zipfile(path):
        raise SheetsyncError(f"{path}: not an Excel workbook (.xlsx, .xlsm, .xltx, .xltm)",
                             f"{path}:不是 Excel 工作簿(.xlsx、.xlsm、.xltx、.xltm)", code="not-a-spreadsheet")
    with zipfile.ZipFile(path) as zf:
        total = 0
        for info in zf.infolist():
            total += info.file_size
            if info.compress_size and info.file_size / max(info.compress_size, 1) > MAX_RATIO and info.file_size > (16 << 20):
                raise SheetsyncError(f"{path}: member {info.filename} inflates {info.file_size // max(info.compress_size, 1)}x; refusing a possible zip bomb",
                                     f"{path}:成员 {info.filename} 压缩比异常,疑似压缩炸弹,拒绝读取", code="zip-bomb")
        if total > MAX_UNCOMPRESSED:
            raise SheetsyncError(f"{path}: unpacks to {total >> 20} MiB, over the {MAX_UNCOMPRESSED >> 20} MiB limit",
                                 f"{path}:解压后 {total >> 20} MiB,超过 {MAX_UNCOMPRESSED >> 20} MiB 上限", code="zip-bomb")
        for info in zf.infolist():  # a DOCTYPE in any XML part: entity expansion (billion laughs) or worse
            if info.filename.endswith((".xml", ".rels", ".vml")) and info.file_size:
                with zf.open(info) as fh:
                    head = fh.read(XML_HEAD)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise SheetsyncError(f"{path}: {info.filename} declares a DOCTYPE/entities (possible billion-laughs attack); refusing",
                                         f"{path}:{info.filename} 含 DOCTYPE/实体声明(疑似“十亿笑”攻击),拒绝读取", code="hostile-xml")
        names = set(zf.namelist())
        if "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
            raise SheetsyncError(f"{path}: a zip file, but not an Excel workbook",
                                 f"{path}:是 zip 文件,但不是 Excel 工作簿", code="not-a-spreadsheet")


def _fill_merged(rows: list[list], merged) -> list[tuple[int, int, int, int]]:
    """Every cell of a merged area reads as the area's value, as a person sees it."""
    areas = []
    for (r0, c0), (r1, c1) in merged or ():
        areas.append((r0, c0, r1, c1))
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        if value in (None, ""):
            continue
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0) and row[c] in (None, ""):
                    row[c] = value
    return areas


def read_xlsx(path: str | Path) -> WorkbookData:
    # calamine hands back millions of cell objects and no reference cycles: keep the cyclic collector from
    # rescanning the growing workbook on every generation-2 pass while the rows are built
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _read_xlsx(Path(path))
    finally:
        if enabled:
            gc.enable()


def _read_xlsx(path: Path) -> WorkbookData:
    check_package(path)
    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several types for damaged packages
        raise SheetsyncError(f"{path}: cannot be read as a workbook ({type(exc).__name__}: {str(exc)[:120]})",
                             f"{path}:无法作为工作簿读取({type(exc).__name__})", code="not-a-spreadsheet") from None
    sheets = []
    try:
        for meta in wb.sheets_metadata:
            if str(meta.typ).rsplit(".", 1)[-1] != "WorkSheet":
                continue
            try:
                sheet = wb.get_sheet_by_name(meta.name)
                rows = sheet.to_python(skip_empty_area=False)
            except Exception as exc:  # a damaged or hostile sheet part: one line, never a traceback
                raise SheetsyncError(f"{path}: sheet {meta.name!r} cannot be read ({type(exc).__name__}: {str(exc)[:120]})",
                                     f"{path}:工作表“{meta.name}”无法读取({type(exc).__name__})",
                                     code="not-a-spreadsheet") from None
            if not all(r.__class__ is list for r in rows):  # calamine returns fresh lists: copy only if not
                rows = [list(r) for r in rows]
            merged = _fill_merged(rows, sheet.merged_cell_ranges)
            sheets.append(SheetData(name=meta.name, rows=rows, merged=merged))
    finally:
        wb.close()
    return WorkbookData(source=str(path), sheets=sheets, kind="xlsx")
