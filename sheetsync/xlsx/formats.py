"""Which kind of file a SOURCE path is, by its content first and its name second, and the one-line refusals
that depend on the kind. Reading each kind lives in its own module (xlsx/read.py for .xlsx and .xls,
sources/delimited.py for CSV/TSV); the SOURCE dispatcher (sources/) asks this module which one."""
from __future__ import annotations

import zipfile
from pathlib import Path

from ..model import SheetsyncError
from .ole import is_ole, ole_kind

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
DELIMITED_SUFFIXES = (".csv", ".tsv")
READABLE = ".xlsx, .xlsm, .xltx, .xltm, .xls, .csv, .tsv"


def file_kind(path: Path) -> str:
    """'xlsx', 'xls', 'csv', 'encrypted', 'ole' (an OLE file that is no workbook), 'html' or 'unknown'.

    Content decides where it can: people rename files, and exports arrive with the wrong suffix."""
    if is_ole(path):
        kind = ole_kind(path)
        return kind if kind in ("xls", "encrypted") else "ole"
    suffix = path.suffix.lower()
    if suffix in DELIMITED_SUFFIXES:
        return "csv"
    if suffix in EXCEL_SUFFIXES or (suffix == ".xls" and zipfile.is_zipfile(path)):
        return "xlsx"
    if suffix == ".xls":  # web apps "export to Excel" as an HTML table or as tab-separated text named .xls
        with path.open("rb") as fh:
            head = fh.read(1024).lstrip(b"\xef\xbb\xbf \t\r\n")
        return "html" if head[:1] == b"<" else "csv"
    return "unknown"


def ole_refusal(path: Path) -> SheetsyncError:
    """The one-line reason an OLE file cannot be read or written as an .xlsx package."""
    kind = ole_kind(path)
    if kind == "encrypted":
        return SheetsyncError(f"{path}: the workbook is protected with a password (encrypted); remove the password "
                              "(File > Info > Protect Workbook) and save it again",
                              f"{path}:工作簿设置了密码(已加密):请取消密码(文件 > 信息 > 保护工作簿)后重新保存",
                              code="encrypted")
    if kind == "xls":
        return read_only_refusal(path, "xls")
    return SheetsyncError(f"{path}: an OLE compound file (such as a Word document), but not an Excel workbook",
                          f"{path}:是 OLE 复合文件(例如 Word 文档),但不是 Excel 工作簿", code="not-a-spreadsheet")


def read_only_refusal(path: Path, kind: str) -> SheetsyncError:
    """Why `sync` cannot write back to an .xls or a CSV file (validate, inspect and digest read them)."""
    if kind == "xls":
        return SheetsyncError(f"{path}: old Excel 97-2003 format: save it as .xlsx to sync",
                              f"{path}:旧版 Excel 97-2003 格式:请另存为 .xlsx 后再同步", code="read-only-format")
    return SheetsyncError(f"{path}: CSV has no formatting to keep: save it as .xlsx to sync",
                          f"{path}:CSV 没有可保留的格式:请另存为 .xlsx 后再同步", code="read-only-format")


def html_refusal(path: Path) -> SheetsyncError:
    return SheetsyncError(f"{path}: a web page (HTML table) saved under an .xls name, not a workbook; open it in Excel "
                          "and save it as .xlsx", f"{path}:这是以 .xls 命名的网页(HTML 表格),不是工作簿:请用 Excel 打开后另存为 .xlsx",
                          code="not-a-spreadsheet")
