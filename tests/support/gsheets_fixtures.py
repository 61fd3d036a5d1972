"""Helpers for the gsheets tests: load an .xlsx tracker into the emulator, point sheetsync at it, and
service-account key files that sign in at the emulator's own OAuth2 token endpoint. Import explicitly."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import pytest
import requests

from sheets_emulator.client import endpoint_session
from sheets_emulator.seed import upload_xlsx
from sheets_emulator.server import SheetsEmulator
from sheetsync.gsheets.http import RetryPolicy
from support.tracker_factory import make_tracker
from support.twin_trackers import TRACKERS

OWNER = "owner@demo-project.example"  # the person whose spreadsheets the tests seed
SMALL = RetryPolicy(tries=4, deadline=20.0, base=0.02, cap=0.2, timeout=(2.0, 5.0))


def load_xlsx(emu: SheetsEmulator, path: Path) -> str:
    """The tracker as a Google spreadsheet in the emulator, created and filled through the HTTP API as a
    person's imported sheet would be (typed values, dates as serials with a date format, merges)."""
    credentials = None
    if emu.auth:  # signed in as the sheet's owner
        from google.oauth2.credentials import Credentials
        credentials = Credentials(emu.tokens.issue(OWNER))
    key = upload_xlsx(endpoint_session(emu.base_url, credentials), path)
    emu.request_log.clear()
    return key


@pytest.fixture
def emu(monkeypatch, tmp_path):
    """A started emulator and SHEETSYNC_SHEETS_ENDPOINT pointing at it (no credentials file); sync's history
    goes to tmp_path, not to the working directory."""
    with SheetsEmulator() as e:
        _LIVE[e.token_uri] = e
        monkeypatch.setenv("SHEETSYNC_SHEETS_ENDPOINT", e.base_url)
        monkeypatch.setenv("SHEETSYNC_STATE", str(tmp_path / "state.db"))
        monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
        try:
            yield e
        finally:
            _LIVE.pop(e.token_uri, None)
        # every request sheetsync sent was one Google accepts (the emulator checks them against the discovery doc)
        assert not e.store.malformed, e.store.malformed


def calls(emu: SheetsEmulator) -> list[str]:
    """The request log as 'GET values:batchGet', 'POST :batchUpdate', ..."""
    import re
    return [f"{e.method} {re.sub(r'^/v4/spreadsheets/[^/:]+', '', e.path) or 'get'}" for e in emu.request_log]


def service_account_file(path: Path, token_uri: str, email: str = "sheetsync-bot@demo-project.iam.gserviceaccount.com",
                         emulator: Optional[SheetsEmulator] = None) -> Path:
    """A genuine service-account key file with a freshly generated RSA key. The emulator (given, or the one
    whose token_uri this is) is told the account's public key, as Google is when a key is made in the console."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    info = {"type": "service_account", "project_id": "demo-project", "private_key_id": "k1", "private_key": pem,
            "client_email": email, "client_id": "1", "token_uri": token_uri}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(info), encoding="utf-8")
    emulator = emulator or _LIVE.get(token_uri)
    if emulator is not None:
        emulator.trust_key_file(info)
    return path


_LIVE: dict[str, SheetsEmulator] = {}  # token_uri -> the emulator the `emu` fixture started


class TokenEndpoint:
    """The emulator's token endpoint as the tests see it: its URL and every form body posted to it."""

    def __init__(self, emulator: SheetsEmulator):
        self.emulator = emulator
        self.url = emulator.token_uri

    @property
    def grants(self) -> list[str]:
        return self.emulator.tokens.received


@pytest.fixture
def token_server(emu):
    """The `emu` emulator with sign-in required: Sheets calls need a bearer token from its token endpoint."""
    emu.auth = True
    yield TokenEndpoint(emu)


def batch(emu, key, reqs):
    r = requests.post(f"{emu.base_url}/v4/spreadsheets/{key}:batchUpdate", json={"requests": reqs}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def tracker(tmp_path, emu, name="mixed-zh", tasks=None):
    spec = dict(TRACKERS[name])
    spec_tasks = spec.pop("tasks")
    path = make_tracker(tmp_path / f"{name}.xlsx", tasks or spec_tasks, **spec)
    return path, load_xlsx(emu, path)
