"""The Feishu backend as the source registry sees it: its NAME, the SOURCEs it claims (links.py says what they
look like), open() for the backend object, and link() for the URL a person opens. Nothing heavy is imported
until open() is called."""
from __future__ import annotations

from .links import LINK, SCHEME, claims, parse  # noqa: F401  (claims: the registry's question)

NAME = "feishu"


def open(source: str, *, credentials: str | None = None, retry=None):  # noqa: A001  (the contract's name)
    """The sheet as a Backend: `credentials` an app's JSON file (else the environment's app id and secret),
    `retry` the request policy (tests). An option it does not take is the registry's one-line error."""
    from .backend import FeishuSheet
    return FeishuSheet(str(source), credentials=credentials, retry=retry)


def link(source: str) -> str | None:
    """The URL a person opens: a link as given; feishu:TOKEN as a feishu.cn sheet link."""
    text = str(source)
    if LINK.match(text):
        return text
    m = SCHEME.match(text)
    return f"https://feishu.cn/sheets/{m.group(1)}" if m else None


def sheet_links(source: str, workbook, task_sheet: str | None, lang: str):
    """(a task's link, the report's link) for the digest: the sheet's own link (?sheet=ID) of the task sheet
    and of the report sheet the last sync wrote, else the spreadsheet."""
    from ..model import REPORT_TITLE
    base = (link(source) or "").split("?", 1)[0].split("#", 1)[0]

    def at(title):
        sheet = workbook.sheet(title) if title else None
        return f"{base}?sheet={sheet.sheet_id}" if sheet is not None and sheet.sheet_id is not None else base

    task_link = at(task_sheet)
    return (lambda task: task_link), at(REPORT_TITLE[lang])
