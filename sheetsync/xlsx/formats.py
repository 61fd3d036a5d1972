"""The one-line refusals of the Excel backend that depend on a file's kind (sheetsync.filekind tells the kind):
an encrypted workbook, an OLE file that is no workbook, an HTML page named .xls, an old .xls that sync cannot
write back."""
from __future__ import annotations

from pathlib import Path

from ..filekind import ole_kind
from ..model import SheetsyncError

READABLE = ".xlsx, .xlsm, .xltx, .xltm, .xls, .csv, .tsv"


def ole_refusal(path: Path) -> SheetsyncError:
    """The one-line reason an OLE file cannot be read or written as an .xlsx package."""
    kind = ole_kind(path)
    if kind == "encrypted":
        return SheetsyncError(f"{path}: the workbook is protected with a password (encrypted); remove the password "
                              "(File > Info > Protect Workbook) and save it again",
                              f"{path}:工作簿设置了密码(已加密):请取消密码(文件 > 信息 > 保护工作簿)后重新保存",
                              code="encrypted")
    if kind == "xls":
        return read_only_refusal(path)
    return SheetsyncError(f"{path}: an OLE compound file (such as a Word document), but not an Excel workbook",
                          f"{path}:是 OLE 复合文件(例如 Word 文档),但不是 Excel 工作簿", code="not-a-spreadsheet")


def read_only_refusal(path: Path) -> SheetsyncError:
    """Why `sync` cannot write back to an .xls file (validate, inspect and digest read it)."""
    return SheetsyncError(f"{path}: old Excel 97-2003 format: save it as .xlsx to sync",
                          f"{path}:旧版 Excel 97-2003 格式:请另存为 .xlsx 后再同步", code="read-only-format")


def html_refusal(path: Path) -> SheetsyncError:
    return SheetsyncError(f"{path}: a web page (HTML table) saved under an .xls name, not a workbook; open it in Excel "
                          "and save it as .xlsx", f"{path}:这是以 .xls 命名的网页(HTML 表格),不是工作簿:请用 Excel 打开后另存为 .xlsx",
                          code="not-a-spreadsheet")
