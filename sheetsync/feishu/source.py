"""What a Feishu Sheets SOURCE looks like, and the backend it opens. Plain patterns and no heavy import, so a
dispatcher can tell a Feishu source without loading the client.

SOURCE forms: a sheet link as people copy it (https://TENANT.feishu.cn/sheets/TOKEN?sheet=ID, the same on
larksuite.com), a wiki link to a sheet (https://TENANT.feishu.cn/wiki/NODE?sheet=ID, resolved through the wiki
node API), or feishu:TOKEN[!Sheet title]."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional
from urllib.parse import parse_qs, urlsplit

NAME = "feishu"

LINK = re.compile(r"^https?://(?:[A-Za-z0-9-]+\.)*(feishu\.cn|larksuite\.com)/(sheets|wiki)/([A-Za-z0-9]+)(?=$|[/?#])",
                  re.I)
SCHEME = re.compile(r"^feishu:([A-Za-z0-9]+)(?:!(.+))?$")


@dataclass(frozen=True)
class Target:
    token: str  # the spreadsheet token, or the wiki node token when `wiki`
    wiki: bool = False
    sheet_id: Optional[str] = None  # ?sheet=ID of a link
    title: Optional[str] = None  # feishu:TOKEN!Title
    lark: bool = False  # a larksuite.com link: the international API host


def claims(source: str) -> bool:
    text = str(source)
    return bool(LINK.match(text) or SCHEME.match(text))


def parse(source: str) -> Target:
    text = str(source)
    m = SCHEME.match(text)
    if m:
        return Target(m.group(1), title=m.group(2) or None)
    m = LINK.match(text)
    if m:
        sheet = (parse_qs(urlsplit(text).query).get("sheet") or [None])[0]
        return Target(m.group(3), wiki=m.group(2).lower() == "wiki", sheet_id=sheet,
                      lark=m.group(1).lower() == "larksuite.com")
    from ..model import SheetsyncError
    raise SheetsyncError(f"{text}: not a Feishu sheet link or feishu:TOKEN", f"{text}:不是飞书表格链接或 feishu:TOKEN",
                         code="usage")


def open(source: str, **options):  # noqa: A001  (the contract's name)
    from .backend import FeishuSheet
    return FeishuSheet(str(source), **options)


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
