"""HTTP to Microsoft Graph: a bearer token on every request, a timeout, and bounded retries that honour
Retry-After within the run's deadline (Graph throttles per app and per tenant with 429 and 503).

Retrying a write is safe here: an upload carries If-Match (if the first try was applied, the retry answers 412
and the run plans again from a fresh read), and a range PATCH writes the same values again."""
from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass, field

from ..model import SheetsyncError
from ..retry_after import Backoff, seconds
from .auth import Credentials, consent_error

GRAPH = "https://graph.microsoft.com/v1.0"
RETRYABLE = frozenset({429, 500, 502, 503, 504})


@dataclass
class Policy(Backoff):
    """Backoff's fields (Graph's own defaults), from SHEETSYNC_GRAPH_TRIES / _DEADLINE / _BACKOFF."""
    tries: int = 6
    deadline: float = 120.0
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def from_env(cls, environ=None) -> "Policy":
        p = cls()
        p.read_env("SHEETSYNC_GRAPH", environ)
        return p

    def left(self) -> float:
        return self.deadline - (time.monotonic() - self.started)


class GraphUnavailable(SheetsyncError):
    def __init__(self, what: str, tries: int, written: str = "nothing was written"):
        zh = {"nothing was written": "未写入任何内容"}.get(written, "部分管理单元格可能已写入,下次同步会补全")
        super().__init__(f"OneDrive/SharePoint did not answer ({what}) after {tries} tries; {written}, run again later",
                         f"OneDrive/SharePoint 无响应({what}),已尝试 {tries} 次;{zh},请稍后再运行",
                         code="graph-unavailable")


class GraphError(SheetsyncError):
    """An answer that is not retried: its status and Graph's error code travel with it."""

    def __init__(self, status: int, code: str, en: str, zh: str):
        super().__init__(en, zh, code="graph-error")
        self.status, self.graph_code = status, code


def retry_after(response) -> float | None:
    return seconds(response.headers.get("Retry-After")) if response is not None else None


def error_code(response) -> str:
    try:
        return str(((response.json() or {}).get("error") or {}).get("code") or "")
    except ValueError:
        return ""


class Graph:
    """Requests to one Graph endpoint (SHEETSYNC_GRAPH_ENDPOINT, else graph.microsoft.com/v1.0)."""

    def __init__(self, credentials: Credentials | None = None, policy: Policy | None = None, environ=None):
        import requests
        env = os.environ if environ is None else environ
        self.root = (env.get("SHEETSYNC_GRAPH_ENDPOINT") or GRAPH).strip().rstrip("/")
        self.credentials = credentials or Credentials(env)
        self.policy = policy or Policy.from_env(env)
        self.session = requests.Session()
        self.sleep = time.sleep
        self.sent = 0

    def request(self, method: str, path: str, *, expect=(200,), headers=None, **kwargs):
        """The response for `path` (relative to the endpoint); statuses in `expect` are returned, retryable ones
        retried, anything else raised as GraphError (401/403 as the consent line)."""
        import requests
        attempt = 0
        while True:
            response, what = None, ""
            token = self.credentials.token()
            try:
                self.sent += 1
                response = self.session.request(method, self.root + path, timeout=self.policy.timeout,
                                                headers={"Authorization": f"Bearer {token}", **(headers or {})},
                                                **kwargs)
            except (requests.Timeout, requests.ConnectionError) as exc:
                what = "timeout" if isinstance(exc, requests.Timeout) else "connection failed"
            if response is not None:
                if response.status_code in expect:
                    return response
                if response.status_code in (401, 403):
                    raise consent_error(f"HTTP {response.status_code} {error_code(response)}".strip())
                if response.status_code not in RETRYABLE:
                    code = error_code(response)
                    raise GraphError(response.status_code, code,
                                     f"OneDrive/SharePoint refused {method} ({response.status_code} {code})",
                                     f"OneDrive/SharePoint 拒绝了 {method} 请求({response.status_code} {code})")
                what = f"HTTP {response.status_code}"
            attempt += 1
            hint = retry_after(response)
            wait = max(random.uniform(0, min(self.policy.cap, self.policy.base * 2 ** (attempt - 1))), hint or 0.0)
            if attempt >= self.policy.tries or wait >= self.policy.left():
                raise GraphUnavailable(what, attempt, "nothing was written" if method == "GET" or "content" in path
                                       else "some managed cells may be written")
            self.sleep(wait)

    def json(self, method: str, path: str, **kwargs) -> dict:
        return self.request(method, path, **kwargs).json()
