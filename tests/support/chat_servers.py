"""Local stand-ins for the five chat platforms on 127.0.0.1 (http.server in a thread). Each checks what the
platform's documentation requires — URL shape, JSON body, size limit, the signature and its one-hour
timestamp window (DingTalk, Feishu) — and answers as the platform does, including its rate-limit and error
responses. `script` queues faults for the next requests: "rate" (the platform's rate-limit answer), "error"
(a refusal) or "drop" (read the post, keep it, close the connection without answering)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TOKENS = {"wecom": "wk-3f1c9a77-5b2e-4d1a-9c55-0e2f6a7b8c9d", "dingtalk": "dt0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d",
          "feishu": "fs-7d2e1c0b-aaaa-bbbb-cccc-1234567890ab", "slack": "T000AAAA/B000BBBB/XyZsecretSlackKey12345",
          "teams": "wf9f8e7d6c5b4a39281706f5e4d3c2b1a0"}
SECRETS = {"dingtalk": "SECdingtalk0123456789abcdefsecret", "feishu": "feishuSigningSecret0123456789"}


class Platform:
    kind = ""
    rate = None  # (count, seconds)

    def __init__(self, secret=None):
        self.secret = secret
        self.posts: list[dict] = []  # accepted bodies
        self.received: list[dict] = []  # every body that arrived, accepted or not
        self.script: list[str] = []
        self.times: list[float] = []
        self.lock = threading.Lock()
        self.clock = time.monotonic  # the rate window's clock; a test shares its fake clock with the client

    def path(self) -> str:
        raise NotImplementedError

    def url(self, port: int) -> str:
        return f"http://127.0.0.1:{port}{self.path()}"

    def limited(self) -> bool:
        if not self.rate:
            return False
        count, per = self.rate
        now = self.clock()
        self.times = [t for t in self.times if now - t < per]
        if len(self.times) >= count:
            return True
        self.times.append(now)
        return False

    def handle(self, path: str, query: dict, body: dict) -> tuple[int, dict | str, dict]:
        raise NotImplementedError


def _ok_json(data):
    return 200, data, {}


class WeCom(Platform):
    kind, rate = "wecom", (20, 60.0)

    def path(self):
        return f"/cgi-bin/webhook/send?key={TOKENS['wecom']}"

    def handle(self, path, query, body):
        if path != "/cgi-bin/webhook/send" or query.get("key") != [TOKENS["wecom"]]:
            return _ok_json({"errcode": 93000, "errmsg": "invalid webhook url"})
        if body.get("msgtype") != "markdown" or not isinstance(body.get("markdown", {}).get("content"), str):
            return _ok_json({"errcode": 40008, "errmsg": "invalid message type"})
        if len(body["markdown"]["content"].encode()) > 4096:
            return _ok_json({"errcode": 40058, "errmsg": "markdown.content exceed max length 4096"})
        if self.limited():
            return _ok_json({"errcode": 45009, "errmsg": "api freq out of limit"})
        return _ok_json({"errcode": 0, "errmsg": "ok"})


class DingTalk(Platform):
    kind, rate = "dingtalk", (20, 60.0)

    def path(self):
        return f"/robot/send?access_token={TOKENS['dingtalk']}"

    def handle(self, path, query, body):
        if path != "/robot/send" or query.get("access_token") != [TOKENS["dingtalk"]]:
            return _ok_json({"errcode": 300001, "errmsg": "token is not exist"})
        if self.secret:
            ts, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
            if not ts.isdigit() or abs(time.time() * 1000 - int(ts)) > 3600 * 1000:
                return _ok_json({"errcode": 310000, "errmsg": "invalid timestamp"})
            want = base64.b64encode(hmac.new(self.secret.encode(), f"{ts}\n{self.secret}".encode(),
                                             hashlib.sha256).digest()).decode()
            if sign != want:  # parse_qs already url-decoded it
                return _ok_json({"errcode": 310000, "errmsg": "sign not match"})
        md = body.get("markdown") or {}
        if body.get("msgtype") != "markdown" or not md.get("title") or not isinstance(md.get("text"), str):
            return _ok_json({"errcode": 40035, "errmsg": "缺少参数 markdown"})
        if self.size > 20000:
            return _ok_json({"errcode": 460101, "errmsg": "message too long, exceed 20000 bytes"})
        if self.limited():
            return _ok_json({"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"})
        return _ok_json({"errcode": 0, "errmsg": "ok"})


class Feishu(Platform):
    kind = "feishu"

    def path(self):
        return f"/open-apis/bot/v2/hook/{TOKENS['feishu']}"

    def handle(self, path, query, body):
        if path != f"/open-apis/bot/v2/hook/{TOKENS['feishu']}":
            return 404, {"code": 19001, "msg": "param invalid: incoming webhook access token invalid"}, {}
        if self.size > 20 * 1024:
            return 400, {"code": 9499, "msg": "Bad Request", "data": {}}, {}
        if self.secret:
            ts, sign = str(body.get("timestamp", "")), body.get("sign")
            key = f"{ts}\n{self.secret}".encode()
            want = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
            if not ts.isdigit() or abs(time.time() - int(ts)) > 3600 or sign != want:
                return _ok_json({"code": 19021, "msg": "sign match fail or timestamp is not within one hour "
                                 "from current time"})
        card = body.get("card") or {}
        if body.get("msg_type") != "interactive" or not card.get("elements") or "header" not in card:
            return 400, {"code": 9499, "msg": "Bad Request", "data": {}}, {}
        if self.limited():
            return _ok_json({"code": 11232, "msg": "frequency limited psm[lark.oapi.app_platform_runtime]"})
        return _ok_json({"code": 0, "msg": "success", "data": {}, "StatusCode": 0, "StatusMessage": "success"})


class Slack(Platform):
    kind = "slack"

    def path(self):
        return f"/services/{TOKENS['slack']}"

    def handle(self, path, query, body):
        if path != f"/services/{TOKENS['slack']}":
            return 404, "no_service", {}
        blocks = body.get("blocks")
        if not body.get("text") and not blocks:
            return 400, "no_text", {}
        if blocks is not None:
            if not isinstance(blocks, list) or len(blocks) > 50:
                return 400, "invalid_blocks", {}
            for b in blocks:
                if b.get("type") == "section" and len(b["text"]["text"]) > 3000:
                    return 400, "invalid_blocks", {}
        if self.limited():
            return 429, "rate_limited", {"Retry-After": "1"}
        return 200, "ok", {}


class Teams(Platform):
    kind = "teams"

    def path(self):
        return (f"/workflows/{TOKENS['teams']}/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual"
                f"%2Frun&sv=1.0&sig=teamsSigValue0123456789")

    def handle(self, path, query, body):
        if path != f"/workflows/{TOKENS['teams']}/triggers/manual/paths/invoke" or "sig" not in query:
            return 401, {"error": {"code": "DirectApiAuthorizationRequired"}}, {}
        att = body.get("attachments") or [{}]
        card = att[0].get("content") or {}
        if body.get("type") != "message" or att[0].get("contentType") != "application/vnd.microsoft.card.adaptive" \
                or card.get("type") != "AdaptiveCard" or not card.get("body"):
            return 400, {"error": {"code": "InvalidRequestContent"}}, {}
        if self.size > 28 * 1024:
            return 413, {"error": {"code": "MessageTooLarge"}}, {}
        if self.limited():
            return 429, {"error": {"code": "TooManyRequests"}}, {"Retry-After": "1"}
        return 202, "", {}


PLATFORMS = {p.kind: p for p in (WeCom, DingTalk, Feishu, Slack, Teams)}
_FAULTS = {"wecom": {"errcode": 45009, "errmsg": "api freq out of limit"},
           "dingtalk": {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"},
           "feishu": {"code": 9499, "msg": "too many request"}}


def _handler(platform: Platform):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet
            pass

        def do_POST(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            try:
                assert self.headers.get("Content-Type", "").startswith("application/json")
                body = json.loads(raw.decode("utf-8"))
            except (AssertionError, ValueError):
                return self._answer(400, {"errcode": 40001, "errmsg": "invalid json"}, {})
            with platform.lock:
                platform.size = len(raw)  # the bytes on the wire, as the platforms measure
                platform.received.append(body)
                fault = platform.script.pop(0) if platform.script else None
                if fault == "drop":
                    platform.posts.append(body)  # the platform got it; the answer never arrives
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if fault == "rate":
                    if platform.kind in _FAULTS:
                        return self._answer(200, _FAULTS[platform.kind], {})
                    return self._answer(429, "rate_limited", {"Retry-After": "0"})
                if fault == "error":
                    return self._answer(400, {"errcode": 400, "code": 400, "msg": "refused"}, {})
                status, answer, headers = platform.handle(parts.path, query, body)
                if isinstance(answer, str):
                    accepted = status in (200, 202) and answer in ("ok", "")
                else:
                    accepted = status == 200 and answer.get("errcode", answer.get("code")) == 0
                if accepted:
                    platform.posts.append(body)
            self._answer(status, answer, headers)

        def _answer(self, status, answer, headers):
            data = answer.encode() if isinstance(answer, str) else json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain" if isinstance(answer, str) else "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
    return Handler


@contextmanager
def platform_server(kind: str, secret: str | None = None):
    """Yields (platform, webhook URL)."""
    platform = PLATFORMS[kind](secret)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(platform))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield platform, platform.url(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def text_of(kind: str, body: dict) -> str:
    """Everything a reader sees in a posted body, as one string."""
    return json.dumps(body, ensure_ascii=False)
