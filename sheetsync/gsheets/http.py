"""HTTP plumbing for Google Sheets: a bounded retry, a timeout on every request, and the endpoint override.

gspread's BackOffHTTPClient (6.2.1) never stops, ignores Retry-After and retries writes; this client retries
reads only (429, 500, 502, 503, 504, timeouts, dropped connections) with jittered exponential backoff that honours
Retry-After, within a number of tries and a deadline shared by the whole sync. A failed write is never resent
here: it raises WriteFailed so the caller reads the sheet again before deciding what to write."""
from __future__ import annotations

import json as _json
import os
import random
import time
from dataclasses import dataclass, field
from typing import Any, Optional, Protocol

import requests
from google.auth.transport.requests import AuthorizedSession
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from ..model import SheetsyncError
from ..retry_after import Backoff, seconds

SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
# only a change token's connection asks for more: the Drive file's metadata (its `version`), read only
VERSION_SCOPES = SCOPES + ["https://www.googleapis.com/auth/drive.metadata.readonly"]


class QuotaHook(Protocol):
    """What the client calls before every request (retries included): blocks until it may go. The jobs hand
    their shared quota (sheetsync.state.quota.Quota) to the client they open; a one-off command has none."""

    def take(self, write: bool) -> None: ...

GOOGLE_SHEETS_ROOT = "https://sheets.googleapis.com"
DRIVE_FILES = "https://www.googleapis.com/drive/v3/files/"  # files.get, the one Drive call made
ENDPOINT_ENV = "SHEETSYNC_SHEETS_ENDPOINT"
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass
class RetryPolicy(Backoff):
    """tries: attempts per request (and writes per sync); deadline: no retry starts after this many seconds
    of the sync; timeout: (connect, read) seconds of every single request."""
    max_body: int = 9_500_000  # Google refuses request bodies over 10 MiB

    @classmethod
    def from_env(cls, environ: Optional[dict] = None) -> "RetryPolicy":
        env = os.environ if environ is None else environ
        p = cls()
        p.read_env("SHEETSYNC_SHEETS", env)
        p.max_body = int(env.get("SHEETSYNC_SHEETS_MAX_BODY") or p.max_body)
        read = env.get("SHEETSYNC_SHEETS_TIMEOUT")
        if read:
            p.timeout = (min(p.timeout[0], float(read)), float(read))
        return p


@dataclass
class Budget:
    """The time left for one sync; every request and every wait draws on it."""
    policy: RetryPolicy
    started: float = field(default_factory=time.monotonic)

    def left(self) -> float:
        return self.policy.deadline - (time.monotonic() - self.started)


class SheetsUnavailable(SheetsyncError):
    """Google kept refusing (429/5xx/timeouts) until the tries or the deadline ran out."""

    def __init__(self, what: str, tries: int):
        super().__init__(
            f"Google Sheets did not answer ({what}) after {tries} tries; nothing was written, run again later",
            f"Google 表格服务无响应({what}),已尝试 {tries} 次;未写入任何内容,请稍后再运行",
            code="sheets-unavailable")
        self.what = what


class WriteFailed(Exception):
    """A batchUpdate failed in a way that may pass (429/5xx/timeout). Google applies a batchUpdate all or
    nothing, but after a timeout we do not know which: the caller must read again before writing again."""

    def __init__(self, what: str, retry_after: Optional[float] = None):
        super().__init__(what)
        self.what, self.retry_after = what, retry_after


def body_bytes(body: Any) -> bytes:
    return _json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def endpoint_from_env(environ: Optional[dict] = None) -> Optional[str]:
    value = ((os.environ if environ is None else environ).get(ENDPOINT_ENV) or "").strip()
    return value.rstrip("/") or None


def rewrite_url(url: str, endpoint: Optional[str]) -> str:
    """'https://sheets.googleapis.com/v4/...' -> endpoint + '/v4/...', a Drive files.get URL -> endpoint +
    '/drive/v3/files/...'; other URLs (and no endpoint) unchanged."""
    if endpoint and url.startswith(GOOGLE_SHEETS_ROOT + "/"):
        return endpoint.rstrip("/") + url[len(GOOGLE_SHEETS_ROOT):]
    if endpoint and url.startswith(DRIVE_FILES):
        return endpoint.rstrip("/") + "/drive/v3/files/" + url[len(DRIVE_FILES):]
    return url


class EndpointSession(AuthorizedSession):
    """AuthorizedSession whose Sheets calls go to `endpoint` (the local emulator) instead of Google.
    Anything else (Drive's other calls, which open-by-title would use) is refused rather than sent to Google."""

    def __init__(self, credentials: Any, endpoint: Optional[str] = None, **kwargs: Any):
        super().__init__(credentials, **kwargs)
        self.endpoint = endpoint.rstrip("/") if endpoint else None

    def refuse(self, url: str) -> Exception:
        return SheetsyncError(f"refusing a non-Sheets request under {ENDPOINT_ENV}: {url}",
                              f"设置了 {ENDPOINT_ENV} 时拒绝非 Sheets 请求:{url}", code="endpoint")

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        if self.endpoint and not url.startswith((GOOGLE_SHEETS_ROOT + "/", DRIVE_FILES)):
            raise self.refuse(url)
        return super().request(method, rewrite_url(url, self.endpoint), *args, **kwargs)


def retry_after(response: Optional[requests.Response]) -> Optional[float]:
    """Seconds from a Retry-After header (delta-seconds or HTTP date), or None."""
    return seconds(response.headers.get("Retry-After")) if response is not None else None


def backoff(policy: RetryPolicy, attempt: int, hint: Optional[float]) -> float:
    """Full jitter on base*2^attempt, never shorter than the server's Retry-After."""
    wait = random.uniform(0, min(policy.cap, policy.base * (2 ** attempt)))
    return max(wait, hint or 0.0)


def describe(status: Optional[int], exc: Optional[BaseException]) -> str:
    if status is not None:
        return f"HTTP {status}"
    return "timeout" if isinstance(exc, requests.Timeout) else f"connection failed ({type(exc).__name__})"


class BoundedHTTPClient(HTTPClient):
    """gspread HTTPClient with a timeout on every request and a bounded retry of reads."""

    def __init__(self, auth: Any = None, session: Optional[requests.Session] = None,
                 policy: Optional[RetryPolicy] = None, quota: Optional[QuotaHook] = None) -> None:
        super().__init__(auth, session=session)
        self.quota = quota
        self.policy = policy or RetryPolicy()
        self.budget = Budget(self.policy)
        self.timeout = self.policy.timeout
        self.max_body = self.policy.max_body
        self.sleep = time.sleep
        self.sent = 0  # HTTP requests made, retries included

    def request(self, method, endpoint, params=None, data=None, json=None, files=None, headers=None):
        write = method.lower() != "get"
        if json is not None:  # compact UTF-8: Chinese text costs 3 bytes, not a 6-byte \uXXXX escape
            data, json = body_bytes(json), None
            headers = {**(headers or {}), "Content-Type": "application/json; charset=utf-8"}
        attempt = 0
        while True:
            status, exc, response = None, None, None
            if self.quota is not None:
                self.quota.take(write)
            try:
                self.sent += 1
                response = self.session.request(method=method, url=endpoint, json=json, params=params, data=data,
                                                files=files, headers=headers, timeout=self.policy.timeout)
            except (requests.Timeout, requests.ConnectionError) as e:
                exc = e
            if response is not None:
                if response.ok:
                    return response
                if response.status_code not in RETRYABLE_STATUS:
                    raise APIError(response)
                status = response.status_code
            hint = retry_after(response)
            what = describe(status, exc)
            if write:
                raise WriteFailed(what, hint)
            attempt += 1
            wait = backoff(self.policy, attempt - 1, hint)
            if attempt >= self.policy.tries or wait >= self.budget.left():
                raise SheetsUnavailable(what, attempt)
            self.sleep(wait)

    def pause(self, attempt: int, hint: Optional[float]) -> None:
        """Wait before re-reading after a failed write; raises when the deadline would pass."""
        wait = backoff(self.policy, attempt, hint)
        if wait >= self.budget.left():
            raise SheetsUnavailable("write", attempt + 1)
        self.sleep(wait)
