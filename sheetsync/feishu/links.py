"""What a Feishu Sheets SOURCE looks like: plain patterns and no heavy import, so a dispatcher can tell a Feishu
source without loading the client.

SOURCE forms: a sheet link as people copy it (https://TENANT.feishu.cn/sheets/TOKEN?sheet=ID, the same on
larksuite.com), a wiki link to a sheet (https://TENANT.feishu.cn/wiki/NODE?sheet=ID, resolved through the wiki
node API), or feishu:TOKEN[!Sheet title]."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional
from urllib.parse import parse_qs, urlsplit

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


