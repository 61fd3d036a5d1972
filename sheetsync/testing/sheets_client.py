"""Point the real gspread client at another Sheets endpoint (the emulator, or SHEETSYNC_SHEETS_ENDPOINT).

gspread 6.2.1 builds every URL from module constants (gspread.urls, copied into gspread.http_client at import),
all starting with https://sheets.googleapis.com. Rather than patch those globals for the whole process, the
session rewrites that prefix per request, so one process can talk to Google and to an emulator at once."""
from __future__ import annotations

import os
from typing import Any, Optional

GOOGLE_SHEETS_ROOT = "https://sheets.googleapis.com"
GOOGLE_DRIVE_ROOT = "https://www.googleapis.com/"
ENDPOINT_ENV = "SHEETSYNC_SHEETS_ENDPOINT"


class DriveNotEmulated(RuntimeError):
    """A Drive API call made through a session pointed at the emulator."""


def endpoint_from_env(environ: Optional[dict] = None) -> Optional[str]:
    """SHEETSYNC_SHEETS_ENDPOINT (e.g. http://127.0.0.1:40123), or None to talk to Google."""
    value = (environ if environ is not None else os.environ).get(ENDPOINT_ENV, "").strip()
    return value.rstrip("/") or None


def _authorized_session_class():
    from google.auth.transport.requests import AuthorizedSession

    class EndpointSession(AuthorizedSession):
        """An AuthorizedSession that sends Sheets API calls to `endpoint` instead of Google."""

        def __init__(self, credentials: Any, endpoint: str, **kwargs: Any):
            super().__init__(credentials, **kwargs)
            self.endpoint = endpoint.rstrip("/")

        def request(self, method: str, url: str, *args: Any, **kwargs: Any):  # type: ignore[override]
            if url.startswith(GOOGLE_DRIVE_ROOT):
                # gspread's open(title), create, copy and open_all use Drive, which the emulator does not
                # serve; failing here keeps a test from quietly reaching the real Google.
                raise DriveNotEmulated(
                    f"Drive API is not emulated; use open_by_key / 模拟服务不提供 Drive API，请使用 open_by_key: {url}")
            return super().request(method, rewrite_url(url, self.endpoint), *args, **kwargs)

    return EndpointSession


def rewrite_url(url: str, endpoint: Optional[str]) -> str:
    """'https://sheets.googleapis.com/v4/...' -> endpoint + '/v4/...'; other URLs are left alone."""
    if endpoint and url.startswith(GOOGLE_SHEETS_ROOT + "/"):
        return endpoint.rstrip("/") + url[len(GOOGLE_SHEETS_ROOT):]
    return url


def endpoint_session(endpoint: str, credentials: Any = None):
    """An AuthorizedSession bound to `endpoint`; anonymous credentials unless others are given."""
    from google.auth.credentials import AnonymousCredentials

    return _authorized_session_class()(credentials or AnonymousCredentials(), endpoint)


def gspread_client_for(base_url: str, credentials: Any = None, timeout: Optional[float] = 30.0):
    """A real gspread.Client whose Sheets requests go to `base_url` (e.g. the emulator's)."""
    import gspread
    from gspread.http_client import HTTPClient

    client = gspread.Client(auth=None, session=endpoint_session(base_url, credentials), http_client=HTTPClient)
    client.set_timeout(timeout)
    return client
