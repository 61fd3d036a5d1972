"""The OneDrive/SharePoint entry of the source dispatcher: its SOURCE forms, how to open one, the link a person
opens. Imports nothing heavy: MSAL and requests load only when a workbook is opened.

`open` needs `open_file(path) -> Backend`, the dispatcher's own way of opening a local file: the downloaded copy
is read and patched by the .xlsx backend without this package importing it."""
from __future__ import annotations

from .links import URL, claims as _claims, parse

NAME = "onedrive"


def claims(source: str) -> bool:
    return _claims(str(source))


def open(source: str, *, open_file, dry_run: bool = False):  # noqa: A001 - the contract's name
    """The workbook as a Backend; `open_file(path)` opens the downloaded copy with the file backend (the registry
    passes it). An option it does not take is the registry's one-line error."""
    from .backend import OneDriveWorkbook
    return OneDriveWorkbook(str(source), open_file=open_file, dry_run=dry_run)


def link(source: str) -> str | None:
    """A sharing link or file URL is the link people open; onedrive:DRIVE/ITEM has its webUrl only from Graph
    (OneDriveWorkbook.web_url)."""
    text = str(source).strip()
    return text if URL.match(text) and parse(text).url else None


def web_url(source: str) -> str | None:
    """The workbook's webUrl, from Graph (one request): the digest's link to the tracker."""
    from .backend import OneDriveWorkbook
    return OneDriveWorkbook(str(source), open_file=None).web_url()
