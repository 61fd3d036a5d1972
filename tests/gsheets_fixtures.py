"""Helpers for the gsheets tests: load an .xlsx tracker into the emulator, point sheetsync at it, and a real
OAuth token endpoint on 127.0.0.1 for service-account credentials. Import explicitly."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sheetsync.sheets_http import RetryPolicy
from sheets_emulator.client import endpoint_session
from sheets_emulator import SheetsEmulator
from sheets_emulator.seed import upload_xlsx

SMALL = RetryPolicy(tries=4, deadline=20.0, base=0.02, cap=0.2, timeout=(2.0, 5.0))


def load_xlsx(emu: SheetsEmulator, path: Path) -> str:
    """The tracker as a Google spreadsheet in the emulator, created and filled through the HTTP API as a
    person's imported sheet would be (typed values, dates as serials with a date format, merges)."""
    key = upload_xlsx(endpoint_session(emu.base_url), path)
    emu.request_log.clear()
    return key


@pytest.fixture
def emu(monkeypatch, tmp_path):
    """A started emulator and SHEETSYNC_SHEETS_ENDPOINT pointing at it (no credentials file); sync's history
    goes to tmp_path, not to the working directory."""
    with SheetsEmulator() as e:
        monkeypatch.setenv("SHEETSYNC_SHEETS_ENDPOINT", e.base_url)
        monkeypatch.setenv("SHEETSYNC_STATE", str(tmp_path / "state.db"))
        monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
        yield e


def calls(emu: SheetsEmulator) -> list[str]:
    """The request log as 'GET values:batchGet', 'POST :batchUpdate', ..."""
    import re
    return [f"{e.method} {re.sub(r'^/v4/spreadsheets/[^/:]+', '', e.path) or 'get'}" for e in emu.request_log]


class TokenServer:
    """A real OAuth2 token endpoint for google-auth's service-account flow (JWT bearer grant)."""

    def __init__(self):
        self.grants: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                owner.grants.append(body)
                out = json.dumps({"access_token": "ya29.local", "expires_in": 3600, "token_type": "Bearer"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/token"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def service_account_file(path: Path, token_uri: str, email: str = "sheetsync-bot@demo-project.iam.gserviceaccount.com") -> Path:
    """A genuine service-account key file with a freshly generated RSA key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    info = {"type": "service_account", "project_id": "demo-project", "private_key_id": "k1", "private_key": pem,
            "client_email": email, "client_id": "1", "token_uri": token_uri}
    path.write_text(json.dumps(info), encoding="utf-8")
    return path


@pytest.fixture
def token_server():
    server = TokenServer()
    yield server
    server.close()
