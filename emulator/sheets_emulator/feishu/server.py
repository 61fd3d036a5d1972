"""The Feishu emulator's HTTP server: sign-in, the spreadsheets it holds, faults, and the standalone command.

    with FeishuEmulator() as emu:                  # or emu.start() -> "http://127.0.0.1:PORT"
        token = emu.create_spreadsheet("Plan", {"Tasks": [["ID", "任务"], [1, "海报"]]})
        emu.inject(status=429, times=3, match="values_batch_update")     # Feishu's rate limit, 3 times
        emu.inject(before_write=lambda e: e.insert_rows(token, "Tasks", 3, [["X"]]))

Apps sign in at /open-apis/auth/v3/tenant_access_token/internal with an app id and secret the emulator knows
(`apps`, by default one: APP_ID / APP_SECRET); a spreadsheet answers only apps added to it (`apps=` when it is
created; every known app by default). Faults are taken in order: the first queued one whose `match` is a
substring of "METHOD path?query" fires, `times` times; a `before_write` fault runs a function just before the
next write is applied (a person inserting a row mid-sync)."""
from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional
from urllib.parse import parse_qs, urlsplit

from .routes import (APP_SECRET_INVALID, BAD_FIELD, BAD_REQUEST_V2, BODY_OF, INVALID_TOKEN, MISSING_TOKEN,
                     NO_PERMISSION_V2, NO_PERMISSION_V3, NO_PERMISSION_WIKI, NOT_FOUND_V2, NOT_FOUND_V3, OK,
                     RATE_LIMIT, ROUTES, Refused)
from .shapes import BODIES, ShapeError, check
from .store import Book, Sheet, new_id, put_seed, seed_book

APP_ID, APP_SECRET = "cli_emulator0000001", "emulator-app-secret"
TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal"
V2 = "/open-apis/sheets/v2/spreadsheets/"
V3 = "/open-apis/sheets/v3/spreadsheets/"
WIKI = "/open-apis/wiki/v2/spaces/get_node"
@dataclass
class Fault:
    status: Optional[int] = None
    code: int = RATE_LIMIT
    reset: Optional[float] = None
    times: int = 1
    match: str = ""
    before_write: Optional[Callable[["FeishuEmulator"], Any]] = None

    def applies(self, method: str, target: str) -> bool:
        if self.times <= 0 or self.match not in f"{method} {target}":
            return False
        return self.before_write is None or method != "GET"


@dataclass
class Logged:
    method: str
    path: str
    query: dict
    body: Any
    code: Optional[int] = None

class FeishuEmulator:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, apps: Optional[dict[str, str]] = None,
                 token_ttl: int = 7200):
        self.host, self.port = host, port
        self.apps = dict(apps) if apps is not None else {APP_ID: APP_SECRET}
        self.token_ttl = token_ttl
        self.tokens: dict[str, tuple[str, float]] = {}  # tenant token -> (app id, expiry)
        self.books: dict[str, Book] = {}
        self.wiki: dict[str, tuple[str, str]] = {}  # node token -> (obj token, obj type)
        self.faults: list[Fault] = []
        self.request_log: list[Logged] = []
        self.lock = threading.RLock()
        self._server: Optional[ThreadingHTTPServer] = None
        self.base_url = ""

    # -- lifecycle ------------------------------------------------------------------------------------------
    def start(self) -> str:
        emu = self

        class Handler(_Handler):
            emulator = emu

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.base_url = f"http://{self.host}:{self.port}"
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True, name="feishu-emulator").start()
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FeishuEmulator":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- seeding and looking ----------------------------------------------------------------------------------
    def create_spreadsheet(self, title: str = "Untitled", sheets: Optional[dict] = None, merges: Optional[dict] = None,
                           apps: Optional[set] = None) -> str:
        """sheets: title -> rows of values (dates become serials with a date formatter); merges: title ->
        [((r0, c0), (r1, c1))] 0-based inclusive. Returns the spreadsheet token."""
        book = seed_book(title, sheets if sheets is not None else {"Sheet1": []}, merges)
        book.apps = set(apps) if apps is not None else None
        with self.lock:
            self.books[book.token] = book
        return book.token

    def seed_xlsx(self, path: str) -> str:
        from ..seed import read_xlsx  # python-calamine, as the Excel backend reads the file
        sheets, merges = read_xlsx(path)
        return self.create_spreadsheet(os.path.splitext(os.path.basename(path))[0], sheets, merges)

    def add_wiki_node(self, token: str, obj_type: str = "sheet") -> str:
        node = new_id(27)
        with self.lock:
            self.wiki[node] = (token, obj_type)
        return node

    def sheet(self, token: str, title: str) -> Sheet:
        s = self.books[token].by_title(title)
        if s is None:
            raise KeyError(title)
        return s

    def values(self, token: str, title: str) -> list[list]:
        """Stored values, rows up to the last filled one, trailing empties trimmed."""
        with self.lock:
            s = self.sheet(token, title)
            if not s.cells:
                return []
            height = max(r for r, _ in s.cells) + 1
            out = []
            for r in range(height):
                line = [s.cells.get((r, c), "") for c in range(s.cols)]
                while line and line[-1] == "":
                    line.pop()
                out.append(line)
            return out

    def condition_formats(self, token: str, title: str) -> list[dict]:
        with self.lock:
            return json.loads(json.dumps(self.sheet(token, title).cfs))

    def add_condition_format(self, token: str, title: str, cf: dict) -> str:
        """As a person adds a rule in the Feishu UI."""
        with self.lock:
            cf = {**cf, "cf_id": new_id(10)}
            self.sheet(token, title).cfs.append(cf)
            self.books[token].revision += 1
            return cf["cf_id"]

    def insert_rows(self, token: str, title: str, row: int, rows: list[list]) -> None:
        """As a person would: insert len(rows) rows before 1-based `row` and type the values in."""
        with self.lock:
            s = self.sheet(token, title)
            s.insert_rows(row - 1, len(rows))
            for dr, line in enumerate(rows):
                for c, v in enumerate(line):
                    put_seed(s, row - 1 + dr, c, v)
            self.books[token].revision += 1

    def set_values(self, token: str, title: str, row: int, col: int, rows: list[list]) -> None:
        """Type values from 0-based (row, col), as a person would."""
        with self.lock:
            s = self.sheet(token, title)
            for dr, line in enumerate(rows):
                for dc, v in enumerate(line):
                    put_seed(s, row + dr, col + dc, v)
            self.books[token].revision += 1

    # -- faults ---------------------------------------------------------------------------------------------
    def inject(self, status: Optional[int] = 429, code: int = RATE_LIMIT, reset: Optional[float] = None,
               times: int = 1, match: str = "", before_write: Optional[Callable] = None) -> Fault:
        fault = Fault(None if before_write else status, code, reset, times, match, before_write)
        with self.lock:
            self.faults.append(fault)
        return fault

    def _take_fault(self, method: str, target: str) -> Optional[Fault]:
        with self.lock:
            for f in self.faults:
                if f.applies(method, target):
                    f.times -= 1
                    if f.times <= 0:
                        self.faults.remove(f)
                    return f
        return None

    def sheets_requests(self) -> list[Logged]:
        return [e for e in self.request_log if e.path != TOKEN_PATH]

    # -- routes ---------------------------------------------------------------------------------------------
    def handle(self, method: str, path: str, query: dict, body: Any, auth: Optional[str]) -> tuple[int, dict, dict]:
        if path == TOKEN_PATH:
            return self._token(method, body)
        app = self._app_of(auth)
        if path == WIKI and method == "GET":
            return self._wiki(app, query)
        for root, v3 in ((V2, False), (V3, True)):
            if path.startswith(root):
                token, _, rest = path[len(root):].partition("/")
                with self.lock:
                    book = self.books.get(token)
                    if book is None:
                        raise Refused(404 if v3 else 400, NOT_FOUND_V3 if v3 else NOT_FOUND_V2, "spreadsheet not found")
                    if book.apps is not None and app not in book.apps:
                        raise Refused(403, NO_PERMISSION_V3 if v3 else NO_PERMISSION_V2, "forbidden")
                    return 200, self._sheets(book, method, rest, v3, query, body), {}
        raise Refused(404, 404, "404 page not found")

    def _token(self, method: str, body: Any) -> tuple[int, dict, dict]:
        if method != "POST":
            raise Refused(405, BAD_FIELD, "method not allowed")
        try:
            check(body, BODIES["token"])
        except ShapeError as exc:
            raise Refused(400, BAD_FIELD, f"field validation failed: {exc}") from None
        if self.apps.get(body["app_id"]) != body["app_secret"]:
            raise Refused(400, APP_SECRET_INVALID, "app secret invalid")
        token = "t-" + secrets.token_hex(16)
        with self.lock:
            self.tokens[token] = (body["app_id"], time.monotonic() + self.token_ttl)
        return 200, {"code": 0, "msg": "ok", "tenant_access_token": token, "expire": self.token_ttl}, {}

    def _app_of(self, auth: Optional[str]) -> str:
        if not auth or not auth.startswith("Bearer "):
            raise Refused(400, MISSING_TOKEN, "Missing access token for authorization")
        with self.lock:
            got = self.tokens.get(auth[len("Bearer "):].strip())
        if got is None or got[1] < time.monotonic():
            raise Refused(400, INVALID_TOKEN, "Invalid access token for authorization")
        return got[0]

    def _wiki(self, app: str, query: dict) -> tuple[int, dict, dict]:
        unknown = set(query) - {"token", "obj_type"}
        if unknown or "token" not in query:
            raise Refused(400, BAD_FIELD, f"field validation failed: {sorted(unknown) or 'token required'}")
        with self.lock:
            node = self.wiki.get(query["token"][0])
            if node is None:
                raise Refused(404, 131005, "node not found")
            book = self.books.get(node[0])
            if book is not None and book.apps is not None and app not in book.apps:
                raise Refused(403, NO_PERMISSION_WIKI, "permission denied")
        return 200, {"code": 0, "msg": "success", "data": {"node": {
            "node_token": query["token"][0], "obj_token": node[0], "obj_type": node[1], "title": book.title if book else "",
            "has_child": False, "node_type": "origin"}}}, {}

    def _sheets(self, book: Book, method: str, rest: str, v3: bool, query: dict, body: Any) -> dict:
        key = (method, "v3/" + rest if v3 else rest)
        handler = ROUTES.get(key)
        if handler is None:
            raise Refused(404, 404, "404 page not found")
        shape = BODY_OF.get(key)
        if shape is not None:
            try:
                check(body, BODIES[shape])
            except ShapeError as exc:
                raise Refused(400, BAD_FIELD if v3 else BAD_REQUEST_V2, f"wrong request body: {exc}") from None
        data = handler(self, book, query, body)
        return {"code": OK, "msg": "success", "data": data}

class _Handler(BaseHTTPRequestHandler):
    emulator: FeishuEmulator
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def _handle(self, method: str) -> None:
        emu = self.emulator
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        query = parse_qs(split.query, keep_blank_values=True)
        entry = Logged(method, split.path, query, None)
        try:
            try:
                body = json.loads(raw) if raw.strip() else None
            except ValueError:
                raise Refused(400, BAD_REQUEST_V2, "invalid JSON body") from None
            entry.body = body
            with emu.lock:
                emu.request_log.append(entry)
            fault = emu._take_fault(method, self.path) if split.path != TOKEN_PATH else None
            if fault is not None and fault.before_write is not None:
                fault.before_write(emu)
            elif fault is not None:
                headers = {"x-ogw-ratelimit-reset": str(fault.reset)} if fault.reset is not None else {}
                entry.code = fault.code
                msg = "request trigger frequency limit" if fault.code == RATE_LIMIT else "internal error"
                self._send(fault.status or 400, {"code": fault.code, "msg": msg}, headers)
                return
            status, out, headers = emu.handle(method, split.path, query, body, self.headers.get("Authorization"))
        except Refused as exc:
            entry.code = exc.code
            self._send(exc.http, {"code": exc.code, "msg": exc.msg, "data": {}}, {})
            return
        entry.code = out.get("code")
        self._send(status, out, headers)

    def _send(self, status: int, body: dict, headers: dict) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError, socket.error):
            pass


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sheets_emulator --api feishu",
                                     description="Local Feishu Sheets API emulator / 本地飞书表格 API 模拟服务")
    parser.add_argument("--api", choices=("feishu",), default="feishu")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind / 绑定地址")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port / 0 表示自动选择空闲端口")
    parser.add_argument("--seed-xlsx", action="append", default=[], help=".xlsx to load / 要载入的 .xlsx 文件")
    parser.add_argument("--app", action="append", default=[], metavar="APP_ID:APP_SECRET",
                        help=f"an app that may sign in (default {APP_ID} with its fixed secret) / 可登录的应用")
    args = parser.parse_args(argv)
    apps = dict(a.split(":", 1) for a in args.app) if args.app else None
    emu = FeishuEmulator(args.host, args.port, apps=apps)
    tokens = [emu.seed_xlsx(p) for p in args.seed_xlsx]
    print(emu.start(), flush=True)
    for t in tokens:
        print(t, flush=True)
    print(f"Feishu emulator at {emu.base_url}; Ctrl+C to stop. / 飞书模拟服务已启动:{emu.base_url};按 Ctrl+C 停止。",
          file=sys.stderr, flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    emu.stop()
    return 0
