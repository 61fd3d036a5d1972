"""The SOURCE dispatcher: a SOURCE string into WorkbookData, through the reader its kind needs (Excel workbooks,
.xlsx and the old .xls, in xlsx.read; CSV/TSV exports here in delimited.py; Google Sheets in gsheets.read).
The readers never import this package."""
from __future__ import annotations

import re
from pathlib import Path

from ..feishu import source as feishu_source
from ..gsheets.links import GSHEET_KEY, GSHEET_URL
from ..model import SheetsyncError, WorkbookData
from ..xlsx.formats import READABLE, file_kind, html_refusal, ole_refusal, read_only_refusal  # noqa: F401  (read_only_refusal: the sync pipeline)


def is_gsheet(source: str) -> bool:
    return bool(GSHEET_URL.match(source) or GSHEET_KEY.match(source))


def is_feishu(source: str) -> bool:
    return feishu_source.claims(str(source))


def is_remote(source: str) -> bool:
    """A spreadsheet on a service (signed in with --credentials), not a file."""
    return is_gsheet(str(source)) or is_feishu(str(source))


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
    if is_feishu(text):
        return feishu_source.open(text, **options).read()
    if is_gsheet(text):
        from ..gsheets.read import read_gsheet  # gspread is only imported when a Google source is used
        return read_gsheet(text, **options)
    path = Path(text)
    kind = file_kind(path) if path.is_file() else "xlsx"  # a missing path or a folder: the xlsx checks say so
    if kind == "csv":
        from .delimited import read_delimited
        return read_delimited(path)
    if kind == "xls":
        from ..xlsx.read import read_book
        return read_book(path, "xls")
    if kind in ("encrypted", "ole"):
        raise ole_refusal(path)
    if kind == "html":
        raise html_refusal(path)
    if kind == "unknown":
        raise SheetsyncError(f"{path}: not a spreadsheet ({READABLE}) or a Google Sheets URL",
                             f"{path}:不是表格文件({READABLE.replace(', ', '、')})或 Google 表格链接",
                             code="not-a-spreadsheet")
    from ..xlsx.read import read_xlsx
    return read_xlsx(path)
