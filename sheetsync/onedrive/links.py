"""The SOURCE forms of a OneDrive/SharePoint workbook: a sharing link or the file's URL as people copy it, or
onedrive:<drive-id>/<item-id>. A URL is resolved by Graph's shares API, which takes it as an opaque string."""
from __future__ import annotations

import base64
import re
from dataclasses import dataclass

SCHEME = re.compile(r"^onedrive:(?P<drive>[^/\s]+)/(?P<item>[^/\s]+)$", re.I)
# OneDrive for Business and SharePoint (tenant.sharepoint.com, tenant-my.sharepoint.com), personal OneDrive and
# its short links
URL = re.compile(r"^https://([a-z0-9-]+\.sharepoint\.com|onedrive\.live\.com|1drv\.ms)/\S+$", re.I)


@dataclass(frozen=True)
class Target:
    url: str | None = None  # a sharing link or file URL, resolved through /shares
    drive: str | None = None
    item: str | None = None


def claims(source: str) -> bool:
    text = source.strip()
    return bool(SCHEME.match(text) or URL.match(text))


def parse(source: str) -> Target:
    text = source.strip()
    m = SCHEME.match(text)
    if m:
        return Target(drive=m.group("drive"), item=m.group("item"))
    return Target(url=text)


def share_id(url: str) -> str:
    """Graph's sharing token for a URL: 'u!' + unpadded base64url of the URL."""
    return "u!" + base64.urlsafe_b64encode(url.encode("utf-8")).decode("ascii").rstrip("=")
