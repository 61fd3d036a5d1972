"""Point the real gspread client at another Sheets endpoint (the emulator, or SHEETSYNC_SHEETS_ENDPOINT).

gspread 6.2.1 builds every URL from module constants (gspread.urls, copied into gspread.http_client at import),
all starting with https://sheets.googleapis.com. Rather than patch those globals for the whole process, the
session rewrites that prefix per request (sheetsync.sheets_http.EndpointSession, the same one sheetsync itself
uses), so one process can talk to Google and to an emulator at once."""
from __future__ import annotations

from typing import Any, Optional

from ..sheets_http import ENDPOINT_ENV, GOOGLE_SHEETS_ROOT, EndpointSession, endpoint_from_env, rewrite_url

__all__ = ["ENDPOINT_ENV", "GOOGLE_SHEETS_ROOT", "DriveNotEmulated", "endpoint_from_env", "rewrite_url",
           "endpoint_session", "gspread_client_for"]


class DriveNotEmulated(RuntimeError):
    """A Drive API call made through a session pointed at the emulator."""


class _EmulatorSession(EndpointSession):
    def refuse(self, url: str) -> Exception:
        # gspread's open(title), create, copy and open_all use Drive, which the emulator does not serve;
        # failing here keeps a test from quietly reaching the real Google.
        return DriveNotEmulated(
            f"Drive API is not emulated; use open_by_key / 模拟服务不提供 Drive API，请使用 open_by_key: {url}")


def endpoint_session(endpoint: str, credentials: Any = None) -> EndpointSession:
    """An AuthorizedSession bound to `endpoint`; anonymous credentials unless others are given."""
    from google.auth.credentials import AnonymousCredentials

    return _EmulatorSession(credentials or AnonymousCredentials(), endpoint)


def gspread_client_for(base_url: str, credentials: Any = None, timeout: Optional[float] = 30.0):
    """A real gspread.Client whose Sheets requests go to `base_url` (e.g. the emulator's)."""
    import gspread
    from gspread.http_client import HTTPClient

    client = gspread.Client(auth=None, session=endpoint_session(base_url, credentials), http_client=HTTPClient)
    client.set_timeout(timeout)
    return client
