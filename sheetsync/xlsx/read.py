"""Read an Excel workbook into WorkbookData with python-calamine: values at their absolute positions."""
from __future__ import annotations

import gc
import io
import re
import time
import zipfile
import zlib
from pathlib import Path

import python_calamine as pc

from ..filekind import EXCEL_SUFFIXES, OLE_MAGIC
from ..grid import MAX_CELLS, merged_areas
from ..model import SheetData, SheetsyncError, WorkbookData, contained
from .contain import quiet_native_stderr, reader_failure
from .fills import read_fills
from .formats import ole_refusal
from .percent_cells import read_percent_cells

# Guards against zip bombs before calamine inflates anything: real trackers are far below these.
MAX_UNCOMPRESSED = 1 << 30
MAX_RATIO = 200
ZIP_MAGIC = b"PK\x03\x04"
# The grid calamine allocates for a sheet spans A1 to its farthest cell: one stray cell at XFD1048576 asks for
# 17 billion cells (a Rust abort, not an error). Sheets are scanned for far references first: a cheap pattern
# that no tracker under 200,000 rows and column AZ matches, then an exact count (against grid.MAX_CELLS) only
# when it does.
_LONGEST_TAG = 1 << 20  # a cell holds at most 32,767 characters: no honest tag or text run is longer
_FAR = re.compile(rb'r[ \t\n\r]*=[ \t\n\r]*["\'](?:(?:[B-Z][A-Z]|[A-Z]{3})\d|[A-Z]{0,3}(?:[2-9]\d{5}|[1-9]\d{6,})["\'])')
_REF = re.compile(rb'[ \t\n\r]r[ \t\n\r]*=[ \t\n\r]*["\']([A-Z]{0,3})(\d+)["\']')
XML_HEAD = 1 << 16  # a DOCTYPE must come before the root element: the prolog of each XML part is read, no more


def check_package(path: Path) -> None:
    """Refuse what is not a readable OOXML package, with a one-line reason."""
    if not path.exists():
        raise SheetsyncError(f"{path}: no such file", f"{path}:文件不存在", code="missing-file")
    if path.is_dir():
        raise SheetsyncError(f"{path}: is a folder, not a spreadsheet", f"{path}:这是文件夹,不是表格文件", code="not-a-spreadsheet")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == OLE_MAGIC:  # a real .xls, an encrypted .xlsx or another OLE file: each its own line
        raise ole_refusal(path)
    if not zipfile.is_zipfile(path):
        if head.startswith(ZIP_MAGIC) and being_saved(path):
            raise SheetsyncError(f"{path}: the workbook is being saved right now (it changed moments ago and is not "
                                 f"complete yet); wait for the save to finish and run again",
                                 f"{path}:工作簿正在保存(刚刚被修改,尚未写完);请等保存完成后重试", code="mid-save")
        if head.startswith(ZIP_MAGIC):  # a package that starts right but has no end: cut off while copied
            raise SheetsyncError(f"{path}: the workbook is damaged or incomplete (cut off while copying or downloading?); "
                                 f"copy it again, or open it in Excel and save it again",
                                 f"{path}:工作簿已损坏或不完整(复制或下载时中断?);请重新复制,或用 Excel 打开后重新保存",
                                 code="damaged")
        raise SheetsyncError(f"{path}: not an Excel workbook (.xlsx, .xlsm, .xltx, .xltm)",
                             f"{path}:不是 Excel 工作簿(.xlsx、.xlsm、.xltx、.xltm)", code="not-a-spreadsheet")
    try:
        _check_members(path)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise damaged_member(path, exc) from None


def being_saved(path: Path) -> bool:
    """A package cut short while Excel or LibreOffice has the file open (their owner file beside it), or that
    grows while it is looked at: a save still going on, not a copy cut off."""
    from .safe_write import lock_files  # the owner files' names, defined once with the write's refusal
    try:
        if any(lock.exists() for lock in lock_files(path)):
            return True
        first = path.stat()
        time.sleep(SAVING_PAUSE)
        second = path.stat()
        return (first.st_size, first.st_mtime_ns) != (second.st_size, second.st_mtime_ns)
    except OSError:
        return False


SAVING_PAUSE = 0.2  # seconds: a save in progress writes more within it
_MEMBER_NAME = re.compile(r"'([^']+)'")


def damaged_member(path: Path, exc: BaseException, member: str | None = None) -> SheetsyncError:
    """A zip member that cannot be inflated (bad CRC, a zlib error, cut short): one line naming it."""
    text = str(exc).strip() or type(exc).__name__
    named = member or (_MEMBER_NAME.search(text).group(1) if _MEMBER_NAME.search(text) else None)
    where = f"part {named} " if named else ""
    where_zh = f"部件 {named} " if named else ""
    return SheetsyncError(f"{path}: {where}is damaged ({text}); open the workbook in Excel and save it again, or "
                          f"restore it from a backup", f"{path}:{where_zh}已损坏({text});请用 Excel 打开后重新保存,"
                          f"或从备份恢复", code="damaged")


def _check_members(path: Path) -> None:
    with zipfile.ZipFile(path) as zf:
        names = [info.filename for info in zf.infolist()]
        twice = sorted({n for n in names if names.count(n) > 1}) if len(set(names)) != len(names) else []
        if twice:
            raise SheetsyncError(f"{path}: part {twice[0]} appears twice in the package (damaged, or made by a "
                                 f"broken tool); open the workbook in Excel and save it again",
                                 f"{path}:部件 {twice[0]} 在文件包中出现两次(已损坏,或由有缺陷的工具生成);"
                                 f"请用 Excel 打开后重新保存", code="damaged")
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
                try:
                    with zf.open(info) as fh:
                        head = fh.read(XML_HEAD)
                except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                    raise damaged_member(path, exc, info.filename) from None
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise SheetsyncError(f"{path}: {info.filename} declares a DOCTYPE/entities (possible billion-laughs attack); refusing",
                                         f"{path}:{info.filename} 含 DOCTYPE/实体声明(疑似“十亿笑”攻击),拒绝读取", code="hostile-xml")
        for info in zf.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                _check_extent(path, zf, info)
        names = set(zf.namelist())
        if "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
            raise SheetsyncError(f"{path}: a zip file, but not an Excel workbook",
                                 f"{path}:是 zip 文件,但不是 Excel 工作簿", code="not-a-spreadsheet")


def _scan(zf: zipfile.ZipFile, info, pattern: re.Pattern, found) -> None:
    """Run `pattern` over the member in 1 MiB pieces (overlapping, so no match is cut); found(match) -> stop?"""
    tail = b""
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                return
            buf = tail + chunk
            for m in pattern.finditer(buf):
                if found(m):
                    return
            tail = buf[buf.rfind(b"<"):]  # a tag cut by the piece is matched whole with the next one
            if len(tail) > _LONGEST_TAG:
                raise SheetsyncError(f"{info.filename}: an XML tag longer than 1 MiB; refusing",
                                     f"{info.filename}:XML 标签超过 1 MiB,拒绝读取", code="hostile-xml")


def _far(zf: zipfile.ZipFile, info) -> bool:
    tail = b""
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                return False
            buf = tail + chunk
            if _FAR.search(buf):
                return True
            tail = buf[buf.rfind(b"<"):]
            if len(tail) > _LONGEST_TAG:
                return True


def _check_extent(path: Path, zf: zipfile.ZipFile, info) -> None:
    if not _far(zf, info):
        return
    rows = cols = 0
    where = ""

    def note(m):
        nonlocal rows, cols, where
        letters, digits = m.groups()
        r = int(digits)
        c = 0
        for ch in letters:
            c = c * 26 + ch - 64
        if r > rows or c > cols:
            rows, cols = max(rows, r), max(cols, c)
            where = (letters + digits).decode()
        return False

    _scan(zf, info, _REF, note)
    if rows * max(cols, 1) > MAX_CELLS:
        raise SheetsyncError(
            f"{path}: {info.filename} reaches cell {where} ({rows} rows x {cols} columns), over the "
            f"{MAX_CELLS // 1_000_000} million cell limit; delete what sits far outside the table",
            f"{path}:{info.filename} 延伸到单元格 {where}({rows} 行 x {cols} 列),超过 {MAX_CELLS // 1_000_000} "
            f"百万单元格上限;请删除表格外很远处的内容", code="too-large")


def read_xlsx(path: str | Path, *, checked: bool = False) -> WorkbookData:
    """`checked`: the package checks already passed on these very bytes (the caller hashed them before and after)."""
    # calamine hands back millions of cell objects and no reference cycles: keep the cyclic collector from
    # rescanning the growing workbook on every generation-2 pass while the rows are built
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _read_xlsx(Path(path), checked)
    finally:
        if enabled:
            gc.enable()


def _read_xlsx(path: Path, checked: bool = False) -> WorkbookData:
    if not checked:
        check_package(path)
    book = read_book(path, "xlsx")
    book.fills = read_fills(path, book.sheets)
    book.percent_cells = read_percent_cells(path, book.sheets)
    return book


def _open(path: Path, kind: str):
    """calamine picks the format from the file name; a workbook saved under another suffix (an .xlsx named
    .xls) is opened by its content instead. Excel tables are loaded for xlsx only (calamine has none for xls)."""
    by_name = path.suffix.lower() in (EXCEL_SUFFIXES if kind == "xlsx" else (".xls",))

    def load(tables: bool):
        if by_name:
            return pc.CalamineWorkbook.from_path(str(path), load_tables=tables)
        return pc.CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()), load_tables=tables)

    if kind != "xlsx":
        return load(False)
    try:
        return load(True)
    except pc.CalamineError:
        # a damaged table part must not cost the cells: read again without tables (a damaged package
        # fails the same way there and is reported by the caller)
        return load(False)


def read_book(path: Path, kind: str) -> WorkbookData:
    """Every worksheet of an xlsx or xls workbook through calamine, values at their absolute positions. Whatever
    calamine raises (a Rust panic included) is one line naming the file (xlsx/contain.py)."""
    with quiet_native_stderr():
        return _read_book(path, kind)


def _read_book(path: Path, kind: str) -> WorkbookData:
    try:
        wb = _open(path, kind)
    except pc.PasswordError:
        raise SheetsyncError(f"{path}: the workbook is protected with a password; remove it (File > Info > Protect "
                             "Workbook) and save again", f"{path}:工作簿设置了打开密码:请取消密码(文件 > 信息 > 保护工作簿)"
                             "后重新保存", code="encrypted") from None
    except BaseException as exc:  # calamine raises several types for damaged packages, and panics
        if not contained(exc):
            raise
        raise reader_failure(path, None, exc) from None
    sheets = []
    current = None
    try:
        for meta in wb.sheets_metadata:
            if str(meta.typ).rsplit(".", 1)[-1] != "WorkSheet":
                continue
            current = meta.name
            sheet = wb.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            if not all(r.__class__ is list for r in rows):  # calamine returns fresh lists: copy only if not
                rows = [list(r) for r in rows]
            merged = merged_areas(sheet.merged_cell_ranges)
            sheets.append(SheetData(name=meta.name, rows=rows, merged=merged))
        current = None
        _attach_tables(wb, sheets)
    except BaseException as exc:  # a damaged or hostile sheet part: one line, never a traceback
        if not contained(exc):
            raise
        raise reader_failure(path, current, exc) from None
    finally:
        wb.close()
    return WorkbookData(source=str(path), sheets=sheets, kind=kind)


def _attach_tables(wb, sheets: list[SheetData]) -> None:
    """Excel tables (ListObjects) as (name, (r0, c0, r1, c1)) on their sheet, r0 the header row.

    calamine gives the data area (below the header, above a totals row). A table whose header row is hidden
    has its data from the top of its ref: then no row above holds its column names, and r0 is the first data row."""
    try:
        names = wb.table_names or []
    except pc.CalamineError:  # TablesNotLoaded / TablesNotSupported
        return
    by_name = {s.name: s for s in sheets}
    for name in names:
        try:
            t = wb.get_table_by_name(name)
        except pc.CalamineError:
            continue
        sheet = by_name.get(t.sheet)
        if sheet is None or t.start is None or t.end is None:
            continue
        (r0, c0), (r1, c1) = t.start, t.end
        above = {str(v).strip() for v in sheet.rows[r0 - 1][c0:c1 + 1]} if 0 < r0 <= len(sheet.rows) else set()
        if above & {str(c).strip() for c in t.columns}:
            r0 -= 1
        sheet.tables.append((t.name, (r0, c0, r1, c1)))
