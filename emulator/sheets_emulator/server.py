"""A local Google Sheets API v4 emulator on 127.0.0.1 with an in-memory store.

    with SheetsEmulator() as emu:                 # or emu.start() -> "http://127.0.0.1:PORT"
        sid = emu.create_spreadsheet("Plan", sheets={"Tasks": [["ID", "任务"], [1, "海报"]]})
        client = gspread_client_for(emu.base_url)  # sheets_emulator.client
        emu.inject(status=429, retry_after=2, times=3, match="batchUpdate")

Standalone: ``python -m sheets_emulator --port 0 [--seed FILE.json] [--seed-xlsx FILE.xlsx] [--auth KEY.json]``
prints the base URL (then any seeded spreadsheet ids) on stdout and serves until SIGINT/SIGTERM. With --auth the
Sheets routes require a bearer token from BASE_URL/token, where the given service-account keys sign in (their
token_uri must be that URL, so give a fixed --port).

Every request is checked against Google's discovery document for Sheets v4 (validate.py) and refused with
Google's 400 INVALID_ARGUMENT texts, so a request Google would reject fails here too. Of Drive, only files.get of
a spreadsheet is served (GET /drive/v3/files/ID?fields=version): its version grows with every write.

Faults are consumed in order: the first queued fault whose `match` is a substring of "METHOD path?query"
fires, `times` times. `before_write` faults call a function (given the emulator) just before the next write
is applied, e.g. to insert a row as a person editing the sheet would."""
from __future__ import annotations

import argparse
import os
import copy
import json
import re
import secrets
import signal
import socket
import string
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional
from urllib.parse import parse_qs, unquote, urlsplit

from . import cells as cells_mod
from . import dimensions as dims
from .a1 import parse_cells
from .routes import Store, is_write, route
from .oauth import DRIVE_METADATA_SCOPES, TokenService
from .store import Sheet, new_spreadsheet

TOKEN_PATH = "/token"

_ID_CHARS = string.ascii_letters + string.digits + "-_"

HTML_503 = ("<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Error 503 (Service Unavailable)!!1</title>"
            "<p><b>503.</b> <ins>That's an error.</ins><p>The service you requested is not available yet. "
            "Please try again in 30 seconds. <ins>That's all we know.</ins></html>")


@dataclass
class Fault:
    status: Optional[int] = None
    retry_after: Optional[float] = None
    times: int = 1
    match: str = ""
    html: bool = False
    delay: float = 0.0
    before_write: Optional[Callable[["SheetsEmulator"], Any]] = None
    message: Optional[str] = None

    def applies(self, method: str, target: str) -> bool:
        if self.times <= 0 or self.match not in f"{method} {target}":
            return False
        return self.before_write is None or is_write(method, urlsplit(target).path)


@dataclass
class LoggedRequest:
    """One request as the emulator received it; path is percent-decoded, query as parse_qs gives it."""
    method: str
    path: str
    query: dict
    body: Any
    status: int = 0


class SheetsEmulator:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, auth: bool = False):
        """auth: the Sheets routes require a bearer token from the emulator's own token endpoint (token_uri),
        which service accounts it was told about (trust_key_file / tokens.add_account) can sign in to."""
        self.host, self.port = host, port
        self.auth = auth
        self.tokens = TokenService()
        self.store = Store(self._new_id)
        self.faults: list[Fault] = []
        self.request_log: list[LoggedRequest] = []
        self._server: Optional[ThreadingHTTPServer] = None
        self._thread: Optional[threading.Thread] = None
        self._connections: set = set()
        self.base_url = ""

    # --- lifecycle ---------------------------------------------------------------------------------------------
    def start(self) -> str:
        emu = self

        class Handler(_Handler):
            emulator = emu

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.base_url = f"http://{self.host}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="sheets-emulator", daemon=True)
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
            # keep-alive connections would otherwise keep their threads waiting for another request
            with self.store.lock:
                conns, self._connections = list(self._connections), set()
            for conn in conns:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    @property
    def token_uri(self) -> str:
        """The OAuth2 token endpoint; a service-account key file's token_uri points here."""
        return self.base_url + TOKEN_PATH

    def trust_key_file(self, path_or_info: Any) -> str:
        """Know the service account of a key file (its path or its parsed JSON), as Google knows the public key
        of every key made in the Cloud console; returns its client_email."""
        info = path_or_info
        if not isinstance(info, dict):
            with open(path_or_info, encoding="utf-8") as fh:
                info = json.load(fh)
        return self.tokens.add_key_file(info)

    def __enter__(self) -> "SheetsEmulator":
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # --- seeding and inspection ------------------------------------------------------------------------------
    def _new_id(self) -> str:
        return "1" + "".join(secrets.choice(_ID_CHARS) for _ in range(43))

    def create_spreadsheet(self, title: str = "Untitled spreadsheet", sheets: Optional[dict] = None,
                           sheet_ids: Optional[list[int]] = None, shared: bool = True, rows: int = 1000,
                           cols: int = 26, spreadsheet_id: Optional[str] = None, user_entered: bool = False) -> str:
        """Seed a spreadsheet. `sheets` maps titles to rows of values (written RAW unless user_entered);
        date, datetime and time values become serial numbers with a date/time format."""
        sheets = sheets if sheets is not None else {"Sheet1": []}
        with self.store.lock:
            sid = spreadsheet_id or self._new_id()
            ss = new_spreadsheet(sid, title, list(sheets), sheet_ids, shared=shared)
            for sheet, rows_in in zip(ss.sheets, sheets.values()):
                rows_in = rows_in or []
                sheet.grid["rowCount"] = max(rows, len(rows_in))
                sheet.grid["columnCount"] = max(cols, max((len(r) for r in rows_in), default=0))
                for r, row in enumerate(rows_in):
                    for c, v in enumerate(row):
                        if v is not None and v != "":
                            cells_mod.seed_value(sheet.cell_for_write(r, c), v, user_entered)
            self.store.spreadsheets[sid] = ss
        return sid

    def _sheet(self, spreadsheet_id: str, sheet_title: str) -> Sheet:
        ss = self.store.spreadsheets[spreadsheet_id]
        sheet = ss.sheet_by_title(sheet_title)
        if sheet is None:
            raise KeyError(sheet_title)
        return sheet

    def values(self, spreadsheet_id: str, sheet_title: str) -> list[list]:
        """Effective values, trailing empties trimmed, '' for empty cells inside the used area."""
        with self.store.lock:
            sheet = self._sheet(spreadsheet_id, sheet_title)
            rows, cols = sheet.used_extent()
            out = []
            for r in range(rows):
                line = [cells_mod.render(sheet.cells.get((r, c)), "UNFORMATTED_VALUE", "SERIAL_NUMBER")
                        for c in range(cols)]
                while line and line[-1] == "":
                    line.pop()
                out.append(line)
            return out

    def cell(self, spreadsheet_id: str, sheet_title: str, a1: str) -> dict:
        with self.store.lock:
            b = parse_cells(a1)
            cell = self._sheet(spreadsheet_id, sheet_title).cells.get((b.r0, b.c0)) or {}
            return {"userEnteredValue": cell.get("userEnteredValue"), "effectiveValue": cell.get("effectiveValue"),
                    "userEnteredFormat": cell.get("userEnteredFormat"), "note": cell.get("note")}

    def conditional_formats(self, spreadsheet_id: str, sheet_title: str) -> list:
        with self.store.lock:
            return copy.deepcopy(self._sheet(spreadsheet_id, sheet_title).conditional_formats)

    def sheet_properties(self, spreadsheet_id: str, sheet_title: str) -> dict:
        with self.store.lock:
            return copy.deepcopy(self._sheet(spreadsheet_id, sheet_title).properties)

    def insert_rows(self, spreadsheet_id: str, sheet_title: str, row: int, rows: list[list]) -> None:
        """As a person would: insert len(rows) rows before 1-based `row` and type the values in."""
        with self.store.lock:
            ss = self.store.spreadsheets[spreadsheet_id]
            sheet = self._sheet(spreadsheet_id, sheet_title)
            dims.insert(ss, sheet, "ROWS", row - 1, len(rows))
            for dr, line in enumerate(rows):
                for c, v in enumerate(line):
                    cells_mod.seed_value(sheet.cell_for_write(row - 1 + dr, c), v, True)
                    sheet.drop_if_blank(row - 1 + dr, c)

    def set_values(self, spreadsheet_id: str, sheet_title: str, a1: str, rows: list[list],
                   user_entered: bool = True) -> None:
        with self.store.lock:
            sheet = self._sheet(spreadsheet_id, sheet_title)
            b = parse_cells(a1)
            for dr, line in enumerate(rows):
                for dc, v in enumerate(line):
                    cells_mod.seed_value(sheet.cell_for_write(b.r0 + dr, b.c0 + dc), v, user_entered)
                    sheet.drop_if_blank(b.r0 + dr, b.c0 + dc)

    def spreadsheet_ids(self) -> list[str]:
        with self.store.lock:
            return list(self.store.spreadsheets)

    # --- faults ------------------------------------------------------------------------------------------------
    def inject(self, status: Optional[int] = None, retry_after: Optional[float] = None, times: int = 1,
               match: str = "", html: bool = False, delay: float = 0.0,
               before_write: Optional[Callable[["SheetsEmulator"], Any]] = None,
               message: Optional[str] = None) -> Fault:
        fault = Fault(status, retry_after, times, match, html, delay, before_write, message)
        with self.store.lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self.store.lock:
            self.faults.clear()

    def _take_fault(self, method: str, target: str) -> Optional[Fault]:
        with self.store.lock:
            for f in self.faults:
                if f.applies(method, target):
                    f.times -= 1
                    if f.times <= 0:
                        self.faults.remove(f)
                    return f
        return None


_ERROR_STATUS = {429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 502: "UNAVAILABLE", 503: "UNAVAILABLE",
                 504: "DEADLINE_EXCEEDED", 403: "PERMISSION_DENIED", 400: "INVALID_ARGUMENT"}
_ERROR_TEXT = {429: "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' "
                    "of service 'sheets.googleapis.com'.",
               500: "Internal error encountered.", 503: "The service is currently unavailable."}


# Drive v3 files.get: the one Drive call the emulator serves (a spreadsheet's version, for a watcher's poll)
DRIVE_FILE = re.compile(r"^/drive/v3/files/([^/]+)$")


class _Handler(BaseHTTPRequestHandler):
    emulator: SheetsEmulator
    protocol_version = "HTTP/1.1"
    # Headers and body leave in one segment: unbuffered writes meet Nagle + delayed ACK (40 ms a request).
    wbufsize = 1 << 16
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
        pass

    def setup(self) -> None:
        super().setup()
        with self.emulator.store.lock:
            self.emulator._connections.add(self.connection)

    def finish(self) -> None:
        with self.emulator.store.lock:
            self.emulator._connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        emu = self.emulator
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        if split.path == TOKEN_PATH:  # oauth2.googleapis.com/token; outside fault injection and the Sheets log
            if method != "POST":
                self._send_json(405, {"error": "invalid_request", "error_description": "Use POST."})
                return
            self._send_json(*emu.tokens.exchange(raw, emu.token_uri))
            return
        query = parse_qs(split.query, keep_blank_values=True)
        try:
            body = json.loads(raw) if raw.strip() else None
        except ValueError:
            self._send_json(400, {"error": {"code": 400, "message": "Invalid JSON payload received.",
                                            "status": "INVALID_ARGUMENT"}})
            return
        entry = LoggedRequest(method, unquote(split.path), query, body)  # readable: 'Tasks'!A1, not %27...
        with emu.store.lock:
            emu.request_log.append(entry)
        fault = emu._take_fault(method, self.path)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.before_write is not None:
                fault.before_write(emu)
            if fault.status is not None:
                entry.status = fault.status
                self._send_fault(fault)
                return
        drive = DRIVE_FILE.match(split.path)
        refused = emu.tokens.check(self.headers.get("Authorization"), is_write(method, split.path),
                                   DRIVE_METADATA_SCOPES if drive is not None else None) if emu.auth else None
        if refused is not None:
            status, message, word = refused
            entry.status = status
            self._send_json(status, {"error": {"code": status, "message": message, "status": word}},
                            {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'})
            return
        if drive is not None and method == "GET":
            status, out = emu.store.drive_file(unquote(drive.group(1)), query)
        else:
            status, out = route(emu.store, method, split.path, query, body)
        entry.status = status
        self._send_json(status, out)

    def _send_fault(self, fault: Fault) -> None:
        status = fault.status or 500
        headers = {}
        if fault.retry_after is not None:
            headers["Retry-After"] = str(int(fault.retry_after) if float(fault.retry_after).is_integer()
                                         else fault.retry_after)
        if fault.html:
            self._send(status, HTML_503.encode(), "text/html; charset=UTF-8", headers)
            return
        body = {"error": {"code": status, "message": fault.message or _ERROR_TEXT.get(status, "Error."),
                          "status": _ERROR_STATUS.get(status, "UNKNOWN")}}
        self._send_json(status, body, headers)

    def _send_json(self, status: int, body: Any, headers: Optional[dict] = None) -> None:
        self._send(status, json.dumps(body, ensure_ascii=False, indent=2).encode(), "application/json; charset=UTF-8",
                   headers or {})

    def _send(self, status: int, payload: bytes, ctype: str, headers: dict) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(payload)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. its timeout fired during an injected delay)


# --- standalone ----------------------------------------------------------------------------------------------

def seed_from_json(emu: SheetsEmulator, path: str) -> list[str]:
    """{"title": ..., "sheets": {"Tasks": [[...], ...]}} or a list of such objects."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    specs = data if isinstance(data, list) else [data]
    return [emu.create_spreadsheet(s.get("title", "Untitled spreadsheet"), sheets=s.get("sheets"),
                                   sheet_ids=s.get("sheet_ids"), spreadsheet_id=s.get("spreadsheet_id"),
                                   user_entered=s.get("user_entered", False))
            for s in specs]


def seed_from_xlsx(emu: SheetsEmulator, path: str) -> str:
    """Each sheet's values read with python-calamine (dates become serial numbers with a date format) and its
    merged areas, as seed.upload_xlsx would send them, put straight into the store before serving."""
    from .seed import read_xlsx

    sheets, merges = read_xlsx(path)
    sid = emu.create_spreadsheet(os.path.splitext(os.path.basename(path))[0], sheets=sheets)
    requests = []
    for name, areas in merges.items():
        # a merged area may reach past the last filled row or column: the grid grows to cover it, as Google's
        # own .xlsx import does (mergeCells outside the grid is refused)
        with emu.store.lock:
            grid = emu._sheet(sid, name).grid
            for (_, _), (r1, c1) in areas:
                grid["rowCount"] = max(grid["rowCount"], r1 + 1)
                grid["columnCount"] = max(grid["columnCount"], c1 + 1)
        sheet_id = emu.sheet_properties(sid, name)["sheetId"]
        requests += [{"mergeCells": {"mergeType": "MERGE_ALL", "range": {
            "sheetId": sheet_id, "startRowIndex": r0, "endRowIndex": r1 + 1, "startColumnIndex": c0,
            "endColumnIndex": c1 + 1}}} for (r0, c0), (r1, c1) in areas]
    if requests:
        status, out = route(emu.store, "POST", f"/v4/spreadsheets/{sid}:batchUpdate", {}, {"requests": requests})
        if status != 200:
            raise ValueError(f"{path}: merged areas refused: {out}")
    return sid


def main(argv: Optional[list[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if "--api=feishu" in argv or any(a == "--api" and b == "feishu" for a, b in zip(argv, argv[1:])):
        from .feishu.server import main as feishu_main  # the Feishu emulator, started the same way
        return feishu_main(argv)
    if "--api" in argv:  # --api sheets (this module) | graph (sheets_emulator.graph)
        i = argv.index("--api")
        api = argv[i + 1] if i + 1 < len(argv) else ""
        argv = argv[:i] + argv[i + 2:]
        if api == "graph":
            from .graph.server import main as graph_main
            return graph_main(argv)
    parser = argparse.ArgumentParser(
        prog="python -m sheets_emulator",
        description="Local Google Sheets API v4 emulator / 本地 Google Sheets API v4 模拟服务")
    parser.add_argument("--api", choices=("google", "feishu", "graph"), default="google",
                        help="which API to emulate / 模拟哪个 API")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind / 绑定地址")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port / 0 表示自动选择空闲端口")
    parser.add_argument("--seed", action="append", default=[], help="JSON seed file / JSON 种子文件")
    parser.add_argument("--seed-xlsx", action="append", default=[], help=".xlsx to load / 要载入的 .xlsx 文件")
    parser.add_argument("--auth", action="append", default=[], metavar="KEY.json",
                        help="require sign-in; trust this service-account key file (repeatable) / "
                             "要求登录；信任此服务账号密钥文件（可重复）")
    args = parser.parse_args(argv)
    emu = SheetsEmulator(args.host, args.port, auth=bool(args.auth))
    for path in args.auth:
        emu.trust_key_file(path)
    ids = []
    for path in args.seed:
        ids.extend(seed_from_json(emu, path))
    for path in args.seed_xlsx:
        ids.append(seed_from_xlsx(emu, path))
    print(emu.start(), flush=True)
    for sid in ids:
        print(sid, flush=True)
    print(f"Sheets emulator at {emu.base_url}; Ctrl+C to stop. / Sheets 模拟服务已启动：{emu.base_url}；按 Ctrl+C 停止。",
          file=sys.stderr, flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    emu.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
