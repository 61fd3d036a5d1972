"""The SOURCE forms the Google Sheets backend claims: a spreadsheet link (https://docs.google.com/spreadsheets/d/
KEY/..., with an optional #gid=N), gsheet:KEY[!Title], and a link to another Google document (Docs, Slides,
Forms, Drawings) pasted by mistake, which it refuses in one line naming what it is. Plain patterns: claiming a
SOURCE loads no Google client."""
from __future__ import annotations

import re

from ..model import SheetsyncError
from .links import GSHEET_KEY, GSHEET_URL

NAME = "gsheets"

# Google documents that are not spreadsheets: a Docs, Slides, Forms or Drawings link pasted by mistake
OTHER_GOOGLE = re.compile(r"^https?://docs\.google\.com/(document|presentation|forms|drawings)/", re.I)
OTHER_KINDS = {"document": ("Google Docs document", "Google 文档"), "presentation": ("Google Slides presentation",
               "Google 幻灯片"), "forms": ("Google Form", "Google 表单"), "drawings": ("Google Drawing", "Google 绘图")}


def is_spreadsheet(source: str) -> bool:
    return bool(GSHEET_URL.match(source) or GSHEET_KEY.match(source))


def claims(source: str) -> bool:
    return is_spreadsheet(source) or bool(OTHER_GOOGLE.match(source))


def not_a_spreadsheet(source: str) -> SheetsyncError:
    en, zh = OTHER_KINDS[OTHER_GOOGLE.match(source).group(1).lower()]
    return SheetsyncError(f"{source}: a {en}, not a Google Sheets spreadsheet; open the tracker spreadsheet and "
                          f"copy its link (https://docs.google.com/spreadsheets/d/…)",
                          f"{source}:这是{zh},不是 Google 表格;请打开跟踪表表格并复制其链接"
                          f"(https://docs.google.com/spreadsheets/d/…)", code="not-a-spreadsheet")


def refusal(source: str) -> SheetsyncError | None:
    """Why a SOURCE it claims can never be opened (another Google document), known without any request."""
    return not_a_spreadsheet(source) if OTHER_GOOGLE.match(source) else None


def open(source: str, *, credentials: str | None = None, retry=None, quota=None):
    """`credentials` a service-account key file (default: GOOGLE_APPLICATION_CREDENTIALS, else anonymous);
    `retry` a gsheets.http.RetryPolicy; `quota` the bucket every request takes a token from (the jobs' shared
    quota), None for none."""
    problem = refusal(source)
    if problem is not None:
        raise problem
    from .backend import GoogleSheet  # the HTTP client loads only when a Google sheet is opened
    return GoogleSheet(source, credentials=credentials, retry=retry, quota=quota)


def link(source: str) -> str:
    """The spreadsheet's link a person opens (also for gsheet:KEY)."""
    key = (GSHEET_KEY.match(source) or GSHEET_URL.match(source)).group(1)
    return f"https://docs.google.com/spreadsheets/d/{key}/edit"
