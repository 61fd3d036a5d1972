"""A small typed client of Feishu's open API: the tenant token of a self-built app (renewed before it expires),
one call() that unwraps Feishu's {"code", "msg", "data"} envelope, bounded retries with backoff on Feishu's
rate-limit answers (HTTP 429, code 99991400) honouring the reset header, and every request listed in `calls`.

Errors become one line in both languages saying what the owner must do. The app secret is sent only in the
token request's body and never appears in a message, a log line or an exception."""
from __future__ import annotations

import json
import os
import random
import time
from dataclasses import dataclass, field
from typing import Any, Optional

import requests

from ..model import SheetsyncError
from ..retry_after import Backoff

ENDPOINT_ENV = "SHEETSYNC_FEISHU_ENDPOINT"
APP_ID_ENV = "SHEETSYNC_FEISHU_APP_ID"
APP_SECRET_ENV = "SHEETSYNC_FEISHU_APP_SECRET"
FEISHU_ROOT = "https://open.feishu.cn"
LARK_ROOT = "https://open.larksuite.com"
TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal"
RENEW_BEFORE = 300  # seconds: a token with less life left than this is renewed before the next request

RATE_LIMITED = frozenset({99991400})  # "request trigger frequency limit"
BAD_TOKEN = frozenset({99991661, 99991663, 99991668, 99991677})  # missing / invalid / expired access token
NO_PERMISSION = frozenset({91403, 1310213, 99991672, 99991679, 131006})  # app not added / lacking a scope
NO_SCOPE = frozenset({99991672, 99991679})  # the app has not been granted the API's permission
NOT_FOUND = frozenset({91402, 1310214, 131005})
TOO_LARGE = frozenset({90221, 90227, 1310242})  # the answer or the range exceeds Feishu's limits
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass
class RetryPolicy(Backoff):
    """Backoff's fields, from SHEETSYNC_FEISHU_TRIES / _DEADLINE / _BACKOFF."""

    @classmethod
    def from_env(cls, environ: Optional[dict] = None) -> "RetryPolicy":
        p = cls()
        p.read_env("SHEETSYNC_FEISHU", environ)
        return p


@dataclass(frozen=True)
class App:
    app_id: str
    secret: str = field(repr=False)  # never shown


class FeishuUnavailable(SheetsyncError):
    def __init__(self, what: str, tries: int):
        super().__init__(f"Feishu did not answer ({what}) after {tries} tries; nothing more was written, run again later",
                         f"飞书服务无响应({what}),已尝试 {tries} 次;未再写入任何内容,请稍后再运行",
                         code="sheets-unavailable")
        self.what = what


class WriteFailed(Exception):
    """A write that may or may not have been applied (a timeout, a 5xx): only a fresh read can tell."""

    def __init__(self, what: str, retry_after: Optional[float] = None):
        super().__init__(what)
        self.what, self.retry_after = what, retry_after


def load_app(credentials: Optional[str] = None, environ: Optional[dict] = None) -> App:
    """The app's id and secret: from the credentials file when one is named (JSON {"app_id", "app_secret"}),
    else from SHEETSYNC_FEISHU_APP_ID / SHEETSYNC_FEISHU_APP_SECRET."""
    env = os.environ if environ is None else environ
    if credentials:
        if not os.path.isfile(credentials):
            raise SheetsyncError(f"{credentials}: credentials file not found", f"{credentials}:找不到凭据文件",
                                 code="no-credentials")
        try:
            with open(credentials, encoding="utf-8-sig") as fh:
                info = json.load(fh)
            return App(str(info["app_id"]).strip(), str(info["app_secret"]).strip())
        except (ValueError, KeyError, TypeError, AttributeError):
            raise SheetsyncError(
                f'{credentials}: not a Feishu app credentials file; write {{"app_id": "cli_…", "app_secret": "…"}}',
                f'{credentials}:不是飞书应用凭据文件;请写成 {{"app_id": "cli_…", "app_secret": "…"}}',
                code="bad-credentials") from None
    app_id, secret = (env.get(APP_ID_ENV) or "").strip(), (env.get(APP_SECRET_ENV) or "").strip()
    if not (app_id and secret):
        raise SheetsyncError(
            f"no Feishu app credentials: set {APP_ID_ENV} and {APP_SECRET_ENV} (the self-built app's App ID and "
            f"App Secret) or pass --credentials FILE",
            f"没有飞书应用凭据:请设置 {APP_ID_ENV} 和 {APP_SECRET_ENV}(企业自建应用的 App ID 与 App Secret),"
            f"或用 --credentials 文件 指定", code="no-credentials")
    return App(app_id, secret)


def endpoint(lark: bool = False, environ: Optional[dict] = None) -> str:
    env = os.environ if environ is None else environ
    return (env.get(ENDPOINT_ENV) or "").rstrip("/") or (LARK_ROOT if lark else FEISHU_ROOT)


def refusal(code: int, msg: str, app_id: str, doc: str) -> SheetsyncError:
    """Feishu's refusal as one line saying what the owner must do."""
    if code in NO_SCOPE:
        return SheetsyncError(
            f"the Feishu app {app_id} lacks the permission to edit sheets: in the developer console grant it "
            f"sheets:spreadsheet (and wiki:wiki:readonly for wiki links), then publish a new version",
            f"飞书应用 {app_id} 没有编辑表格的权限:请在开发者后台为其开通 sheets:spreadsheet(知识库链接还需 "
            f"wiki:wiki:readonly),然后发布新版本", code="not-shared")
    if code in NO_PERMISSION:
        return SheetsyncError(
            f"the Feishu app {app_id} cannot open {doc}: the owner must add the app to the document "
            f"(··· menu, More, Add document app) with edit permission",
            f"飞书应用 {app_id} 无法打开 {doc}:请文档所有者在右上角「···」→「更多」→「添加文档应用」中添加该应用,"
            f"并给予可编辑权限", code="not-shared")
    if code in NOT_FOUND:
        return SheetsyncError(f"Feishu spreadsheet {doc} not found: check the link",
                              f"找不到飞书表格 {doc}:请检查链接", code="not-found")
    if code in TOO_LARGE:
        return SheetsyncError(f"{doc}: over Feishu's size limit for one request ({msg[:80]}); nothing was written",
                              f"{doc}:超出飞书单次请求的大小限制({msg[:80]});未写入任何内容", code="too-large")
    return SheetsyncError(f"Feishu refused the request for {doc}: code {code} {msg[:120]}",
                          f"飞书拒绝了对 {doc} 的请求:错误码 {code} {msg[:120]}", code="sheets-error")


class Client:
    """One app's session against one API host; `calls` counts every request by (method, path)."""

    def __init__(self, app: App, root: str, policy: Optional[RetryPolicy] = None, doc: str = ""):
        self.app, self.root, self.policy, self.doc = app, root, policy or RetryPolicy.from_env(), doc
        self.session = requests.Session()
        self.session.trust_env = False if root.startswith("http://127.0.0.1") else True
        self.calls: list[tuple[str, str]] = []
        self.started = time.monotonic()
        self._token: Optional[str] = None
        self._expires = 0.0

    # -- sign-in -------------------------------------------------------------------------------------------
    def token(self) -> str:
        if self._token and time.monotonic() < self._expires - RENEW_BEFORE:
            return self._token
        for attempt in range(self.policy.tries):
            got, status, reset = self._send("POST", TOKEN_PATH, auth=False,
                                            body={"app_id": self.app.app_id, "app_secret": self.app.secret})
            if status != 429 and got.get("code") not in RATE_LIMITED:
                break
            if attempt + 1 >= self.policy.tries:
                raise FeishuUnavailable("rate limit", attempt + 1)
            self.pause(attempt, reset)
        token = got.get("tenant_access_token")
        if got.get("code") != 0 or not token:
            raise SheetsyncError(
                f"cannot sign in to Feishu with app {self.app.app_id}: code {got.get('code')} "
                f"{str(got.get('msg', ''))[:80]}; check {APP_ID_ENV} and {APP_SECRET_ENV}",
                f"无法以应用 {self.app.app_id} 登录飞书:错误码 {got.get('code')} {str(got.get('msg', ''))[:80]};"
                f"请检查 {APP_ID_ENV} 与 {APP_SECRET_ENV}", code="auth")
        self._token, self._expires = token, time.monotonic() + float(got.get("expire") or 7200)
        return token

    # -- requests ------------------------------------------------------------------------------------------
    def pause(self, attempt: int, reset: Optional[float] = None) -> None:
        p = self.policy
        wait = reset if reset is not None else min(p.cap, p.base * 2 ** attempt) * (0.5 + random.random() / 2)
        if wait > p.deadline - (time.monotonic() - self.started):
            raise FeishuUnavailable("rate limit", attempt + 1)
        time.sleep(max(0.0, wait))

    def call(self, method: str, path: str, *, params: Optional[dict] = None, body: Any = None,
             write: bool = False) -> dict:
        """The `data` of a successful answer. Rate-limit answers are retried (Feishu applied nothing); a write
        that timed out or met a 5xx raises WriteFailed; a read retries those too."""
        renewed = False
        for attempt in range(self.policy.tries):
            try:
                got, status, reset = self._send(method, path, params=params, body=body)
            except (requests.Timeout, requests.ConnectionError) as exc:
                if write:
                    raise WriteFailed(type(exc).__name__) from None
                if attempt + 1 >= self.policy.tries:
                    raise FeishuUnavailable(type(exc).__name__, attempt + 1) from None
                self.pause(attempt)
                continue
            code = got.get("code")
            if status == 429 or code in RATE_LIMITED:
                if attempt + 1 >= self.policy.tries:
                    raise FeishuUnavailable("rate limit", attempt + 1)
                self.pause(attempt, reset)
                continue
            if code in BAD_TOKEN and not renewed:  # revoked or expired early: sign in again, once
                self._token, renewed = None, True
                continue
            if status >= 500 and code in (None, 0):
                if write:
                    raise WriteFailed(f"HTTP {status}", reset)
                if attempt + 1 >= self.policy.tries:
                    raise FeishuUnavailable(f"HTTP {status}", attempt + 1)
                self.pause(attempt, reset)
                continue
            if code != 0:
                raise refusal(int(code) if isinstance(code, int) else -1, str(got.get("msg", "")),
                              self.app.app_id, self.doc)
            return got.get("data") or {}
        raise FeishuUnavailable("token", self.policy.tries)

    def _send(self, method: str, path: str, *, params=None, body=None, auth: bool = True):
        """(the answer's JSON, the HTTP status, the rate-limit reset in seconds or None)"""
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if auth:
            headers["Authorization"] = f"Bearer {self.token()}"
        self.calls.append((method, path))
        r = self.session.request(method, self.root + path, params=params, headers=headers,
                                 data=None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8"),
                                 timeout=self.policy.timeout)
        try:
            got = r.json()
        except ValueError:
            got = {"code": None, "msg": f"HTTP {r.status_code}"}
        if not isinstance(got, dict):
            got = {"code": None, "msg": f"HTTP {r.status_code}"}
        reset = r.headers.get("x-ogw-ratelimit-reset") or r.headers.get("Retry-After")
        try:
            wait = float(reset) if reset is not None else None
        except ValueError:
            wait = None
        return got, r.status_code, wait
