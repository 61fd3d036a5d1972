"""Point the real gspread client (or any google-auth session) at the emulator.

gspread 6.2.1 builds every URL from module constants (gspread.urls, copied into gspread.http_client at import),
all starting with https://sheets.googleapis.com. Rather than patch those globals for the whole process, the
session rewrites that prefix per request, so one process can talk to Google and to an emulator at once.
Anything that is not the Sheets API (Drive, which gspread's open(title) uses) is refused, so a test never
quietly reaches the real Google."""
from __future__ import annotations

from typing import Any, Optional

from google.auth.transport.requests import AuthorizedSession

GOOGLE_SHEETS_ROOT = "https://sheets.googleapis.com"

__all__ = ["GOOGLE_SHEETS_ROOT", "DriveNotEmulated", "rewrite_url", "endpoint_session", "gspread_client_for"]


class DriveNotEmulated(RuntimeError):
    """A Drive API call made through a session pointed at the emulator."""


def rewrite_url(url: str, endpoint: Optional[str]) -> str:
    """'https://sheets.googleapis.com/v4/...' -> endpoint + '/v4/...'; other URLs (and no endpoint) unchanged."""
    if endpoint and url.startswith(GOOGLE_SHEETS_ROOT + "/"):
        return endpoint.rstrip("/") + url[len(GOOGLE_SHEETS_ROOT):]
    return url


class EmulatorSession(AuthorizedSession):
    """An AuthorizedSession whose Sheets calls go to `endpoint`."""

    def __init__(self, credentials: Any, endpoint: str, **kwargs: Any):
        super().__init__(credentials, **kwargs)
        self.endpoint = endpoint.rstrip("/")

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        if not url.startswith(GOOGLE_SHEETS_ROOT + "/"):
            # gspread's open(title), create, copy and open_all use Drive, which the emulator does not serve
            raise DriveNotEmulated(
                f"Drive API is not emulated; use open_by_key / 模拟服务不提供 Drive API，请使用 open_by_key: {url}")
        return super().request(method, rewrite_url(url, self.endpoint), *args, **kwargs)


def endpoint_session(endpoint: str, credentials: Any = None) -> EmulatorSession:
    """An AuthorizedSession bound to `endpoint`; anonymous credentials unless others are given."""
    from google.auth.credentials import AnonymousCredentials

    return EmulatorSession(credentials or AnonymousCredentials(), endpoint)


def gspread_client_for(base_url: str, credentials: Any = None, timeout: Optional[float] = 30.0):
    """A real gspread.Client whose Sheets requests go to `base_url` (e.g. the emulator's)."""
    import gspread
    from gspread.http_client import HTTPClient

    client = gspread.Client(auth=None, session=endpoint_session(base_url, credentials), http_client=HTTPClient)
    client.set_timeout(timeout)
    return client
