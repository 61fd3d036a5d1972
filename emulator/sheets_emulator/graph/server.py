"""The Graph emulator's HTTP server: the client-credentials sign-in (the OpenID configuration MSAL reads and the
token endpoint), drive items (metadata, content download and upload with eTags, 412, 423), the shares resolution,
and the workbook endpoints sheetsync uses (sessions, usedRange, range GET/PATCH, $batch).

Faults are consumed in order, as in the Sheets emulator: the first queued fault whose `match` is a substring of
"METHOD path?query" fires `times` times (inside a $batch too); a fault with `before` calls it (given the emulator)
before the request is handled, e.g. to save a person's edit between sheetsync's download and its upload."""
from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import secrets
import signal
import sys
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Optional
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from . import shapes, workbook as wbk
from .shapes import Refused

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HOST = "contoso-my.sharepoint.com"


@dataclass
class Item:
    drive: str
    id: str
    name: str
    data: bytes
    guid: str = field(default_factory=lambda: str(uuid.uuid4()).upper())
    version: int = 1
    locked: bool = False
    modified: str = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))

    @property
    def etag(self) -> str:
        return f'"{{{self.guid}}},{self.version}"'

    @property
    def ctag(self) -> str:
        return f'"c:{{{self.guid}}},{self.version}"'

    @property
    def web_url(self) -> str:
        return f"https://{HOST}/personal/emulator/_layouts/15/Doc.aspx?sourcedoc=%7B{self.guid}%7D&file=" \
               f"{quote(self.name)}&action=default&mobileredirect=true"

    @property
    def share_link(self) -> str:
        return f"https://{HOST}/:x:/g/personal/emulator/{self.id}"

    def metadata(self) -> dict:
        return {"id": self.id, "name": self.name, "eTag": self.etag, "cTag": self.ctag, "size": len(self.data),
                "webUrl": self.web_url, "lastModifiedDateTime": self.modified, "file": {"mimeType": XLSX_TYPE},
                "parentReference": {"driveId": self.drive, "driveType": "business", "id": "root"}}


@dataclass
class Fault:
    status: Optional[int] = None
    retry_after: Optional[float] = None
    times: int = 1
    match: str = ""
    before: Optional[Callable[["GraphEmulator"], None]] = None


def graph_error(status: int, code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message,
                      "innerError": {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"),
                                     "request-id": str(uuid.uuid4()), "client-request-id": str(uuid.uuid4())}}}


class GraphEmulator:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, tenant: str = "contoso",
                 client_id: str = "sheetsync-app", client_secret: Optional[str] = None):
        self.host, self.port, self.tenant = host, port, tenant
        self.client_id, self.client_secret = client_id, client_secret or secrets.token_urlsafe(24)
        self.consented = True  # False: tokens carry no roles, so Graph answers 403 (no admin consent)
        self.workbook_app_only = True  # False: the Excel service refuses app-only tokens (403), as some tenants do
        self.items: dict[str, Item] = {}
        self.sessions: dict[str, str] = {}  # session id -> item id
        self.tokens: set[str] = set()
        self.faults: list[Fault] = []
        self.log: list[tuple[str, str, int]] = []  # (method, path, status) of Graph requests, batch parts included
        self.lock = threading.RLock()
        self.drive = "b!" + base64.urlsafe_b64encode(secrets.token_bytes(12)).decode().rstrip("=")
        self._server: Optional[ThreadingHTTPServer] = None

    # -- life ---------------------------------------------------------------------------------------------------
    def start(self) -> str:
        self._server = ThreadingHTTPServer((self.host, self.port), _Handler)
        self._server.daemon_threads = True
        self._server.emulator = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self.base_url

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "GraphEmulator":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def root(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return self.root + "/v1.0"

    def environ(self) -> dict:
        """The variables that point sheetsync at this emulator."""
        return {"SHEETSYNC_GRAPH_ENDPOINT": self.base_url, "SHEETSYNC_GRAPH_AUTHORITY": self.root,
                "SHEETSYNC_GRAPH_TENANT": self.tenant, "SHEETSYNC_GRAPH_CLIENT_ID": self.client_id,
                "SHEETSYNC_GRAPH_CLIENT_SECRET": self.client_secret}

    # -- items --------------------------------------------------------------------------------------------------
    def add_item(self, data: bytes, name: str = "tracker.xlsx") -> str:
        item_id = "01" + secrets.token_hex(16).upper()
        with self.lock:
            self.items[item_id] = Item(self.drive, item_id, name, data)
        return item_id

    def source(self, item_id: str) -> str:
        return f"onedrive:{self.drive}/{item_id}"

    def item(self, item_id: str) -> Item:
        return self.items[item_id]

    def content(self, item_id: str) -> bytes:
        return self.items[item_id].data

    def save(self, item_id: str, data: bytes) -> None:
        """A new version of the file, as a person saving it (the eTag changes)."""
        with self.lock:
            it = self.items[item_id]
            it.data, it.version = data, it.version + 1

    def open_in_excel(self, item_id: str, is_open: bool = True) -> None:
        with self.lock:
            self.items[item_id].locked = is_open

    def inject(self, status: Optional[int] = None, retry_after: Optional[float] = None, times: int = 1,
               match: str = "", before: Optional[Callable] = None) -> Fault:
        fault = Fault(status, retry_after, times, match, before)
        with self.lock:
            self.faults.append(fault)
        return fault

    def take_fault(self, target: str) -> Optional[Fault]:
        with self.lock:
            for f in self.faults:
                if f.match in target:
                    f.times -= 1
                    if f.times <= 0:
                        self.faults.remove(f)
                    return f
        return None

    # -- sign-in ------------------------------------------------------------------------------------------------
    def openid_configuration(self, tenant: str, host: str) -> dict:
        # MSAL accepts only https authorities: the emulator is named https://HOST to it (sheetsync reaches a
        # loopback authority over http), so its configuration names https URLs of the same host
        base = f"https://{host}/{tenant}"
        return {"issuer": f"{base}/v2.0", "token_endpoint": f"{base}/oauth2/v2.0/token",
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
                "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
                "scopes_supported": ["openid", "profile", "email", "offline_access"],
                "tenant_region_scope": "EU", "cloud_instance_name": "microsoftonline.com"}

    def token(self, tenant: str, form: dict) -> tuple[int, dict]:
        def refuse(status, error, code, text):
            return status, {"error": error, "error_description": f"AADSTS{code}: {text}", "error_codes": [code]}
        if tenant != self.tenant:
            return refuse(400, "invalid_request", 90002, f"Tenant '{tenant}' not found.")
        if form.get("grant_type") != "client_credentials":
            return refuse(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.")
        if form.get("client_id") != self.client_id:
            return refuse(400, "unauthorized_client", 700016, "Application was not found in the directory.")
        if "client_secret" not in form:
            return refuse(401, "invalid_client", 7000218, "The request body must contain client_secret or "
                                                          "client_assertion.")
        if form["client_secret"] != self.client_secret:
            return refuse(401, "invalid_client", 7000215, "Invalid client secret provided.")
        if not str(form.get("scope", "")).endswith("/.default"):
            return refuse(400, "invalid_scope", 1002012, "The provided value for scope is not valid. Client "
                                                         "credential flows must have a scope value with /.default")
        token = secrets.token_urlsafe(32)
        with self.lock:
            self.tokens.add(token)
        return 200, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token}

    # -- Graph --------------------------------------------------------------------------------------------------
    def handle(self, method: str, target: str, headers: dict, body: bytes) -> tuple[int, dict, Any]:
        """(status, headers, JSON body | bytes) of one Graph request; target is '/path?query' under /v1.0."""
        fault = self.take_fault(f"{method} {target}")
        if fault is not None:
            if fault.before is not None:
                fault.before(self)
            if fault.status is not None:
                h = {"Retry-After": str(int(fault.retry_after))} if fault.retry_after is not None else {}
                code = {429: "TooManyRequests", 503: "serviceNotAvailable"}.get(fault.status, "generalException")
                self.log.append((method, target, fault.status))
                return fault.status, h, graph_error(fault.status, code, "Please retry after the time given.")
        try:
            status, h, out = self._route(method, target, headers, body)
        except Refused as r:
            status, h, out = r.status, {}, graph_error(r.status, r.code, r.message)
        self.log.append((method, target, status))
        return status, h, out

    def _route(self, method, target, headers, body):
        split = urlsplit(target)
        path, query = unquote(split.path), dict(parse_qsl(split.query))
        shapes.check_query(query)
        auth = headers.get("authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
            raise Refused(401, "InvalidAuthenticationToken", "Access token is empty." if not auth else
                          "IDX14100: JWT is not well formed.")
        if not self.consented:
            raise Refused(403, "accessDenied", "Either scp or roles claim need to be present in the token.")
        parts = [p for p in path.split("/") if p]
        if parts == ["$batch"] and method == "POST":
            return 200, {}, self._batch(_json_body(body, headers), headers)
        if len(parts) == 3 and parts[0] == "shares" and parts[2] == "driveItem" and method == "GET":
            return 200, {}, _select(self._shared(parts[1]).metadata(), query)
        if len(parts) < 4 or parts[0] != "drives" or parts[2] != "items":
            raise Refused(400, "invalidRequest", f"Invalid request: {method} {path}")
        with self.lock:
            it = self.items.get(parts[3])
        if it is None or it.drive != parts[1]:
            raise Refused(404, "itemNotFound", "The resource could not be found.")
        rest = parts[4:]
        if not rest and method == "GET":
            return 200, {}, _select(it.metadata(), query)
        if rest == ["content"] and method == "GET":
            return 200, {"ETag": it.etag, "Content-Type": XLSX_TYPE}, it.data
        if rest == ["content"] and method == "PUT":
            return self._upload(it, headers, body)
        if rest[:1] == ["workbook"]:
            if not self.workbook_app_only:
                raise Refused(403, "accessDenied", "The Excel service does not accept application permissions "
                                                   "for this operation.")
            return self._workbook(it, method, rest[1:], headers, body)
        raise Refused(400, "invalidRequest", f"Invalid request: {method} {path}")

    def _shared(self, token: str) -> Item:
        if not token.startswith("u!"):
            raise Refused(400, "invalidRequest", "Invalid shares key.")
        raw = token[2:] + "=" * (-len(token[2:]) % 4)
        try:
            url = base64.urlsafe_b64decode(raw).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            raise Refused(400, "invalidRequest", "Invalid shares key.") from None
        with self.lock:
            for it in self.items.values():
                if url in (it.web_url, it.share_link):
                    return it
        raise Refused(404, "itemNotFound", "The sharing link no longer exists, or you do not have permission to "
                                           "access it.")

    def _upload(self, it: Item, headers: dict, body: bytes):
        if not body:
            raise Refused(400, "invalidRequest", "The request body is empty.")
        with self.lock:
            if it.locked:
                raise Refused(423, "resourceLocked", "The resource you are attempting to access is locked")
            match = headers.get("if-match")
            if match is not None and match not in (it.etag, it.ctag, "*"):
                raise Refused(412, "resourceModified", "ETag does not match current item's value")
            it.data, it.version = body, it.version + 1
            return 200, {}, it.metadata()

    def _session(self, it: Item, headers: dict) -> None:
        sid = headers.get("workbook-session-id")
        if sid is not None and self.sessions.get(sid) != it.id:
            raise Refused(404, "invalidSessionReCreatable", "The target session is invalid.")

    def _workbook(self, it: Item, method: str, rest: list[str], headers: dict, body: bytes):
        if rest == ["createSession"] and method == "POST":
            persist = shapes.check_create_session(_json_body(body, headers))
            sid = "cluster=US5&session=" + secrets.token_hex(12)
            with self.lock:
                self.sessions[sid] = it.id
            return 201, {}, {"id": sid, "persistChanges": persist}
        if rest == ["closeSession"] and method == "POST":
            sid = headers.get("workbook-session-id")
            with self.lock:
                if sid is None or self.sessions.pop(sid, None) != it.id:
                    raise Refused(400, "invalidRequest", "The workbook-session-id header is missing or invalid.")
            return 204, {}, None
        self._session(it, headers)
        if len(rest) == 3 and rest[0] == "worksheets":
            name, op = rest[1], rest[2]
            if name.startswith("('") and name.endswith("')"):
                name = name[2:-2].replace("''", "'")
            if op in ("usedRange", "usedRange()", "usedRange(valuesOnly=true)", "usedRange(valuesOnly=false)") \
                    and method == "GET":
                with self.lock:
                    return 200, {}, _select(wbk.used_range(it.data, name), {})
            if op.startswith("range(address='") and op.endswith("')"):
                address = op[len("range(address='"):-2]
                if method == "GET":
                    with self.lock:
                        return 200, {}, wbk.get_range(it.data, name, address)
                if method == "PATCH":
                    r0, c0, r1, c1 = shapes.parse_address(address)
                    patch = shapes.check_range_patch(_json_body(body, headers), r1 - r0 + 1, c1 - c0 + 1)
                    with self.lock:  # co-authoring saves the edit into the file: a new version
                        data, out = wbk.patch_range(it.data, name, address, patch)
                        it.data, it.version = data, it.version + 1
                    return 200, {}, out
        raise Refused(400, "invalidRequest", f"Invalid request: {method} workbook/{'/'.join(rest)}")

    def _batch(self, body, headers: dict) -> dict:
        out = []
        for r in shapes.check_batch(body):
            sub = {k.lower(): v for k, v in (r.get("headers") or {}).items()}
            sub["authorization"] = headers.get("authorization", "")
            payload = json.dumps(r["body"]).encode() if "body" in r else b""
            url = r["url"] if r["url"].startswith("/") else "/" + r["url"]
            status, h, answer = self.handle(r["method"].upper(), url, sub, payload)
            out.append({"id": r["id"], "status": status, "headers": h,
                        **({"body": answer} if isinstance(answer, dict) else {})})
        return {"responses": out}


def _json_body(body: bytes, headers: dict):
    if "application/json" not in headers.get("content-type", ""):
        raise Refused(415, "UnsupportedMediaType", "The request needs Content-Type: application/json.")
    try:
        return json.loads(body.decode("utf-8") or "null")
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "BadRequest", "Unable to read JSON request payload.") from None


def _select(resource: dict, query: dict) -> dict:
    wanted = query.get("$select")
    if not wanted:
        return resource
    names = [n.strip() for n in wanted.split(",") if n.strip()]
    unknown = [n for n in names if n not in resource]
    if unknown:
        raise Refused(400, "BadRequest", f"Could not find a property named '{unknown[0]}' on type "
                                         f"'microsoft.graph.driveItem'.")
    return {n: resource[n] for n in names}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - keep test output quiet
        pass

    def _handle(self, method: str) -> None:
        emu: GraphEmulator = self.server.emulator  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        split = urlsplit(self.path)
        parts = [p for p in split.path.split("/") if p]
        if len(parts) == 4 and parts[1:] == ["v2.0", ".well-known", "openid-configuration"] and method == "GET":
            if parts[0] != emu.tenant:
                return self._send(400, {}, {"error": "invalid_tenant", "error_description":
                                            f"AADSTS90002: Tenant '{parts[0]}' not found."})
            return self._send(200, {}, emu.openid_configuration(parts[0], self.headers.get("Host", "")))
        if len(parts) == 4 and parts[1:] == ["oauth2", "v2.0", "token"] and method == "POST":
            status, out = emu.token(parts[0], dict(parse_qsl(body.decode("utf-8"))))
            return self._send(status, {}, out)
        if parts == ["_control", "open-in-excel"] and method == "POST":  # the switch, for a standalone emulator
            query = dict(parse_qsl(split.query))
            if query.get("item") not in emu.items:
                return self._send(404, {}, {"error": "no such item"})
            emu.open_in_excel(query["item"], query.get("open", "1") == "1")
            return self._send(204, {}, None)
        if parts[:1] != ["v1.0"]:
            return self._send(404, {}, graph_error(404, "invalidRequest", "Unknown version."))
        target = self.path[len("/v1.0"):]
        status, h, out = emu.handle(method, target, headers, body)
        self._send(status, h, out)

    def _send(self, status: int, headers: dict, out) -> None:
        if isinstance(out, (bytes, bytearray)):
            payload, ctype = bytes(out), headers.pop("Content-Type", "application/octet-stream")
        elif out is None:
            payload, ctype = b"", None
        else:
            payload, ctype = json.dumps(out, ensure_ascii=False).encode("utf-8"), "application/json"
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")

    def do_PATCH(self):
        self._handle("PATCH")


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sheets_emulator --api graph",
                                     description="Local Microsoft Graph emulator / 本地 Microsoft Graph 模拟服务")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed-xlsx", action="append", default=[], help=".xlsx to store / 要存入的 .xlsx 文件")
    parser.add_argument("--tenant", default="contoso")
    parser.add_argument("--client-id", default="sheetsync-app")
    parser.add_argument("--client-secret-env", default="SHEETSYNC_GRAPH_CLIENT_SECRET",
                        help="the app's secret is read from this variable (never a flag: it would show in ps)")
    parser.add_argument("--open-in-excel", action="store_true", help="the seeded items are open: uploads get 423")
    args = parser.parse_args(argv)
    import os
    emu = GraphEmulator(args.host, args.port, args.tenant, args.client_id, os.environ.get(args.client_secret_env))
    ids = [emu.add_item(Path(p).read_bytes(), Path(p).name) for p in args.seed_xlsx]
    for i in ids:
        emu.open_in_excel(i, args.open_in_excel)
    print(emu.start(), flush=True)
    for i in ids:
        print(emu.source(i), flush=True)
    print(f"Graph emulator at {emu.base_url} (authority {emu.root}, tenant {emu.tenant}); Ctrl+C to stop. / "
          f"Graph 模拟服务已启动;按 Ctrl+C 停止。", file=sys.stderr, flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    emu.stop()
    return 0
