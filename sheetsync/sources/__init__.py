"""Sources turn a SOURCE string into WorkbookData. Excel files here; Google Sheets in sources.gsheets."""
from __future__ import annotations

import re
from pathlib import Path

from ..model import SheetsyncError, WorkbookData

GSHEET_URL = re.compile(r"^https://docs\.google\.com/spreadsheets/d/([A-Za-z0-9_-]+)(?:/[^#?]*)?(?:\?[^#]*)?(?:#gid=(\d+))?")
GSHEET_KEY = re.compile(r"^gsheet:([A-Za-z0-9_-]+)(?:!(.+))?$")


def is_gsheet(source: str) -> bool:
    return bool(GSHEET_URL.match(source) or GSHEET_KEY.match(source))


# Google documents that are not spreadsheets: a Docs, Slides, Forms or Drawings link pasted by mistake
OTHER_GOOGLE = re.compile(r"^https?://docs\.google\.com/(document|presentation|forms|drawings)/", re.I)


def read(source: str | Path, **options) -> WorkbookData:
    text = str(source)
    other = OTHER_GOOGLE.match(text)
    if other:
        kind = {"document": ("Google Docs document", "Google 文档"), "presentation": ("Google Slides presentation",
                "Google 幻灯片"), "forms": ("Google Form", "Google 表单"), "drawings": ("Google Drawing", "Google 绘图")}
        en, zh = kind[other.group(1).lower()]
        raise SheetsyncError(f"{text}: a {en}, not a Google Sheets spreadsheet; open the tracker spreadsheet and "
                             f"copy its link (https://docs.google.com/spreadsheets/d/…)",
                             f"{text}:这是{zh},不是 Google 表格;请打开跟踪表表格并复制其链接"
                             f"(https://docs.google.com/spreadsheets/d/…)", code="not-a-spreadsheet")
    if is_gsheet(text):
        from .gsheets import read_gsheet  # gspread is only imported when a Google source is used
        return read_gsheet(text, **options)
    path = Path(text)
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".xltx", ".xltm") and path.exists() and not path.is_dir():
        raise SheetsyncError(f"{path}: not an Excel workbook (.xlsx, .xlsm, .xltx, .xltm) or a Google Sheets URL",
                             f"{path}:不是 Excel 工作簿(.xlsx、.xlsm、.xltx、.xltm)或 Google 表格链接",
                             code="not-a-spreadsheet")
    from .xlsx import read_xlsx
    return read_xlsx(path)
