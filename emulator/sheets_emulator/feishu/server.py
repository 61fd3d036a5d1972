"""The Feishu emulator's HTTP server and its routes.

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

from .shapes import BODIES, ShapeError, check, check_condition_format
from .store import Book, RangeError, Sheet, col_letter, new_id, parse_range, put_seed, render, seed_book

APP_ID, APP_SECRET = "cli_emulator0000001", "emulator-app-secret"
TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal"
V2 = "/open-apis/sheets/v2/spreadsheets/"
V3 = "/open-apis/sheets/v3/spreadsheets/"
WIKI = "/open-apis/wiki/v2/spaces/get_node"
MAX_WRITE_ROWS, MAX_WRITE_COLS = 5000, 100
MAX_READ_CELLS = 2_000_000  # stands in for Feishu's 10 MB per answer
CF_PER_REQUEST, CF_PER_SHEET, CF_SHEETS_PER_GET = 10, 20, 10
# Feishu's codes
OK, BAD_REQUEST_V2, BAD_FIELD = 0, 90215, 99992402
MISSING_TOKEN, INVALID_TOKEN = 99991661, 99991663
NO_PERMISSION_V2, NO_PERMISSION_V3, NO_PERMISSION_WIKI = 91403, 1310213, 131006
NOT_FOUND_V2, NOT_FOUND_V3 = 91402, 1310214
RATE_LIMIT, TOO_LARGE = 99991400, 90221
APP_SECRET_INVALID = 10014


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


class Refused(Exception):
    def __init__(self, http: int, code: int, msg: str):
        super().__init__(msg)
        self.http, self.code, self.msg = http, code, msg


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
        handler = _ROUTES.get(key)
        if handler is None:
            raise Refused(404, 404, "404 page not found")
        shape = _BODY_OF.get(key)
        if shape is not None:
            try:
                check(body, BODIES[shape])
            except ShapeError as exc:
                raise Refused(400, BAD_FIELD if v3 else BAD_REQUEST_V2, f"wrong request body: {exc}") from None
        data = handler(self, book, query, body)
        return {"code": OK, "msg": "success", "data": data}


def _params(query: dict, allowed: set, required: set = frozenset()) -> dict:
    unknown = set(query) - allowed
    missing = required - set(query)
    if unknown or missing:
        raise Refused(400, BAD_REQUEST_V2, f"wrong request params: {sorted(unknown | missing)}")
    return {k: v[0] for k, v in query.items()}


def _box(book: Book, ref: str):
    try:
        return parse_range(book, ref)
    except RangeError as exc:
        raise Refused(400, BAD_REQUEST_V2, str(exc)) from None


def r_query(emu, book: Book, query, body) -> dict:
    _params(query, set())
    return {"sheets": [s.v3() for s in book.sheets]}


def r_metainfo(emu, book: Book, query, body) -> dict:
    _params(query, {"extFields", "user_id_type"})
    return {"spreadsheetToken": book.token,
            "properties": {"title": book.title, "ownerUser": 0, "sheetCount": len(book.sheets),
                           "revision": book.revision},
            "sheets": [{"sheetId": s.sheet_id, "title": s.title, "index": s.index, "rowCount": s.rows,
                        "columnCount": s.cols, "frozenRowCount": 0, "frozenColCount": 0,
                        "merges": [{"startRowIndex": r0, "startColumnIndex": c0, "rowCount": r1 - r0 + 1,
                                    "columnCount": c1 - c0 + 1} for r0, c0, r1, c1 in s.merges]}
                       for s in book.sheets]}


def r_values_get(emu, book: Book, query, body) -> dict:
    p = _params(query, {"ranges", "valueRenderOption", "dateTimeRenderOption", "user_id_type"}, {"ranges"})
    vr, dr = p.get("valueRenderOption", "ToString"), p.get("dateTimeRenderOption")
    if vr not in ("ToString", "FormattedValue", "Formula", "UnformattedValue") or dr not in (None, "FormattedString"):
        raise Refused(400, BAD_REQUEST_V2, "wrong valueRenderOption or dateTimeRenderOption")
    boxes = [_box(book, ref) for ref in p["ranges"].split(",")]
    out, total = [], 0
    for b in boxes:
        r1, c1 = min(b.r1, b.sheet.rows - 1), min(b.c1, b.sheet.cols - 1)
        total += max(0, r1 - b.r0 + 1) * max(0, c1 - b.c0 + 1)
        if total > MAX_READ_CELLS:
            raise Refused(400, TOO_LARGE, "data exceeded the 10 MB limit of one read; read smaller ranges")
        rows = [[render(b.sheet, r, c, vr, dr) for c in range(b.c0, c1 + 1)] for r in range(b.r0, r1 + 1)]
        ref = f"{b.sheet.sheet_id}!{_a1(b.r0, b.c0)}:{_a1(r1, c1)}"
        out.append({"majorDimension": "ROWS", "range": ref, "revision": book.revision, "values": rows})
    return {"revision": book.revision, "spreadsheetToken": book.token, "totalCells": total, "valueRanges": out}


def _a1(r: int, c: int) -> str:
    return f"{col_letter(c)}{r + 1}"


def _cell_in(v: Any) -> Any:
    if isinstance(v, dict):  # a rich value: its text is what the cell shows
        return v.get("text") or v.get("link") or ""
    return v


def r_values_update(emu, book: Book, query, body) -> dict:
    _params(query, set())
    boxes = [(_box(book, vr["range"]), vr["values"]) for vr in body["valueRanges"]]
    if sum(len(values) for _, values in boxes) > MAX_WRITE_ROWS or \
            any(len(line) > MAX_WRITE_COLS for _, values in boxes for line in values):
        raise Refused(400, 90227, "too many rows or columns in one write: at most 5000 rows and 100 columns")
    for b, values in boxes:
        if len(values) != b.r1 - b.r0 + 1 or any(len(line) != b.c1 - b.c0 + 1 for line in values):
            raise Refused(400, BAD_REQUEST_V2, f"values do not match the range {_a1(b.r0, b.c0)}:{_a1(b.r1, b.c1)}")
    responses = []
    for b, values in boxes:
        s = b.sheet
        s.rows, s.cols = max(s.rows, b.r1 + 1), max(s.cols, b.c1 + 1)  # a write past the grid grows it
        for dr, line in enumerate(values):
            for dc, v in enumerate(line):
                v = _cell_in(v)
                if v is None or v == "":
                    s.cells.pop((b.r0 + dr, b.c0 + dc), None)
                else:
                    s.cells[(b.r0 + dr, b.c0 + dc)] = v
        book.revision += 1
        responses.append({"spreadsheetToken": book.token, "updatedRange": f"{s.sheet_id}!{_a1(b.r0, b.c0)}:{_a1(b.r1, b.c1)}",
                          "updatedRows": b.r1 - b.r0 + 1, "updatedColumns": b.c1 - b.c0 + 1,
                          "updatedCells": (b.r1 - b.r0 + 1) * (b.c1 - b.c0 + 1), "revision": book.revision})
    return {"responses": responses, "revision": book.revision, "spreadsheetToken": book.token}


def r_styles_update(emu, book: Book, query, body) -> dict:
    _params(query, set())
    boxes = [(_box(book, ref), item["style"]) for item in body["data"] for ref in item["ranges"]]
    cells = 0
    for b, style in boxes:
        for r in range(b.r0, min(b.r1, b.sheet.rows - 1) + 1):
            for c in range(b.c0, min(b.c1, b.sheet.cols - 1) + 1):
                b.sheet.styles[(r, c)] = {**b.sheet.styles.get((r, c), {}), **style}
                cells += 1
    book.revision += 1
    return {"spreadsheetToken": book.token, "totalUpdatedCells": cells, "revision": book.revision}


def r_sheets_update(emu, book: Book, query, body) -> dict:
    _params(query, set())
    replies = []
    for req in body["requests"]:
        if len(req) != 1:
            raise Refused(400, BAD_REQUEST_V2, "one operation per request item")
        if "addSheet" in req:
            props = req["addSheet"]["properties"]
            if book.by_title(props["title"]) is not None:
                raise Refused(400, 90210, f"sheet title already exists: {props['title']}")
            sheet = Sheet(new_id(), props["title"], props.get("index", len(book.sheets)))
            book.sheets.insert(min(sheet.index, len(book.sheets)), sheet)
            for i, s in enumerate(book.sheets):
                s.index = i
            replies.append({"addSheet": {"properties": {"sheetId": sheet.sheet_id, "title": sheet.title,
                                                        "index": sheet.index}}})
        else:
            sheet = book.sheet(req["deleteSheet"]["sheetId"])
            if sheet is None:
                raise Refused(400, BAD_REQUEST_V2, "sheetId not found")
            book.sheets.remove(sheet)
            replies.append({"deleteSheet": {"result": True, "sheetId": sheet.sheet_id}})
    book.revision += 1
    return {"replies": replies}


def _dimension_sheet(book: Book, dim: dict) -> Sheet:
    sheet = book.sheet(dim["sheetId"])
    if sheet is None or dim["majorDimension"] not in ("ROWS", "COLUMNS"):
        raise Refused(400, BAD_REQUEST_V2, "wrong sheetId or majorDimension")
    return sheet


def r_dimension_add(emu, book: Book, query, body) -> dict:
    _params(query, set())
    dim = body["dimension"]
    sheet = _dimension_sheet(book, dim)
    if not 0 < dim["length"] <= 5000:
        raise Refused(400, BAD_REQUEST_V2, "length must be 1..5000")
    if dim["majorDimension"] == "ROWS":
        sheet.rows += dim["length"]
    else:
        sheet.cols += dim["length"]
    book.revision += 1
    return {"addCount": dim["length"], "majorDimension": dim["majorDimension"]}


def r_dimension_update(emu, book: Book, query, body) -> dict:
    _params(query, set())
    dim = body["dimension"]
    sheet = _dimension_sheet(book, dim)
    if not 1 <= dim["startIndex"] <= dim["endIndex"]:
        raise Refused(400, BAD_REQUEST_V2, "startIndex and endIndex are 1-based, start <= end")
    if dim["majorDimension"] == "COLUMNS" and body["dimensionProperties"].get("visible") is False:
        sheet.hidden_cols.update(range(dim["startIndex"] - 1, dim["endIndex"]))
    book.revision += 1
    return {}


def r_cf_get(emu, book: Book, query, body) -> dict:
    p = _params(query, {"sheet_ids"}, {"sheet_ids"})
    ids = p["sheet_ids"].split(",")
    if len(ids) > CF_SHEETS_PER_GET:
        raise Refused(400, BAD_REQUEST_V2, f"at most {CF_SHEETS_PER_GET} sheet_ids per request")
    out = []
    for sid in ids:
        sheet = book.sheet(sid)
        if sheet is None:
            raise Refused(400, BAD_REQUEST_V2, f"sheetId not found: {sid}")
        out += [{"sheet_id": sid, "condition_format": json.loads(json.dumps(cf))} for cf in sheet.cfs]
    return {"sheet_condition_formats": out}


def _cf_items(book: Book, items: list) -> list:
    if len(items) > CF_PER_REQUEST:
        raise Refused(400, BAD_REQUEST_V2, f"at most {CF_PER_REQUEST} condition formats per request")
    out = []
    for item in items:
        sheet = book.sheet(item["sheet_id"])
        if sheet is None:
            raise Refused(400, BAD_REQUEST_V2, f"sheetId not found: {item['sheet_id']}")
        cf = item.get("condition_format")
        if cf is not None:
            try:
                check_condition_format(cf)
            except ShapeError as exc:
                raise Refused(400, BAD_REQUEST_V2, str(exc)) from None
            for ref in cf["ranges"]:
                if _box(book, ref).sheet is not sheet:
                    raise Refused(400, BAD_REQUEST_V2, "a range on another sheet")
        out.append((sheet, item))
    return out


def r_cf_create(emu, book: Book, query, body) -> dict:
    _params(query, set())
    items = _cf_items(book, body["sheet_condition_formats"])
    responses = []
    for sheet, item in items:
        if len(sheet.cfs) >= CF_PER_SHEET:
            responses.append({"sheet_id": sheet.sheet_id, "cf_id": "", "res_code": 90228,
                              "res_msg": f"at most {CF_PER_SHEET} condition formats per sheet"})
            continue
        cf = {**json.loads(json.dumps(item["condition_format"])), "cf_id": new_id(10)}
        sheet.cfs.append(cf)
        responses.append({"sheet_id": sheet.sheet_id, "cf_id": cf["cf_id"], "res_code": 0, "res_msg": "success"})
    book.revision += 1
    return {"responses": responses}


def r_cf_update(emu, book: Book, query, body) -> dict:
    _params(query, set())
    responses = []
    for sheet, item in _cf_items(book, body["sheet_condition_formats"]):
        cf = item["condition_format"]
        i = next((i for i, have in enumerate(sheet.cfs) if have["cf_id"] == cf["cf_id"]), None)
        if i is None:
            responses.append({"sheet_id": sheet.sheet_id, "cf_id": cf["cf_id"], "res_code": 90229, "res_msg": "cf not found"})
            continue
        sheet.cfs[i] = json.loads(json.dumps(cf))
        responses.append({"sheet_id": sheet.sheet_id, "cf_id": cf["cf_id"], "res_code": 0, "res_msg": "success"})
    book.revision += 1
    return {"responses": responses}


def r_cf_delete(emu, book: Book, query, body) -> dict:
    _params(query, set())
    responses = []
    for sheet, item in _cf_items(book, body["sheet_cf_ids"]):
        before = len(sheet.cfs)
        sheet.cfs = [cf for cf in sheet.cfs if cf["cf_id"] != item["cf_id"]]
        found = len(sheet.cfs) < before
        responses.append({"sheet_id": sheet.sheet_id, "cf_id": item["cf_id"], "res_code": 0 if found else 90229,
                          "res_msg": "success" if found else "cf not found"})
    book.revision += 1
    return {"responses": responses}


_ROUTES = {
    ("GET", "v3/sheets/query"): r_query,
    ("GET", "metainfo"): r_metainfo,
    ("GET", "values_batch_get"): r_values_get,
    ("POST", "values_batch_update"): r_values_update,
    ("PUT", "styles_batch_update"): r_styles_update,
    ("POST", "sheets_batch_update"): r_sheets_update,
    ("POST", "dimension_range"): r_dimension_add,
    ("PUT", "dimension_range"): r_dimension_update,
    ("GET", "condition_formats"): r_cf_get,
    ("POST", "condition_formats/batch_create"): r_cf_create,
    ("POST", "condition_formats/batch_update"): r_cf_update,
    ("POST", "condition_formats/batch_delete"): r_cf_delete,
}
_BODY_OF = {
    ("POST", "values_batch_update"): "values_batch_update", ("PUT", "styles_batch_update"): "styles_batch_update",
    ("POST", "sheets_batch_update"): "sheets_batch_update", ("POST", "dimension_range"): "dimension_add",
    ("PUT", "dimension_range"): "dimension_update", ("POST", "condition_formats/batch_create"): "cf_create",
    ("POST", "condition_formats/batch_update"): "cf_update", ("POST", "condition_formats/batch_delete"): "cf_delete",
}


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
