"""pytest fixtures for the Feishu emulator. Import explicitly: `from feishu_fixtures import feishu, load`.
The `feishu` fixture starts an emulator on 127.0.0.1 and points sheetsync at it through the environment:
SHEETSYNC_FEISHU_ENDPOINT and the emulator app's id and secret."""
from __future__ import annotations

import pytest

from sheets_emulator.feishu.server import APP_ID, APP_SECRET, TOKEN_PATH, FeishuEmulator


@pytest.fixture
def feishu(monkeypatch):
    with FeishuEmulator() as emu:
        monkeypatch.setenv("SHEETSYNC_FEISHU_ENDPOINT", emu.base_url)
        monkeypatch.setenv("SHEETSYNC_FEISHU_APP_ID", APP_ID)
        monkeypatch.setenv("SHEETSYNC_FEISHU_APP_SECRET", APP_SECRET)
        monkeypatch.setenv("SHEETSYNC_FEISHU_BACKOFF", "0.01")
        yield emu


def calls(emu) -> list[str]:
    """The sheets requests sheetsync made, as 'METHOD last-path-part' (the token request left out)."""
    out = []
    for e in emu.request_log:
        if e.path == TOKEN_PATH:
            continue
        tail = e.path.split("/spreadsheets/", 1)[-1].split("/", 1)[-1]
        out.append(f"{e.method} {tail}")
    return out


def reads(emu) -> int:
    return sum(1 for c in calls(emu) if c.startswith("GET"))


def writes(emu) -> int:
    return sum(1 for c in calls(emu) if not c.startswith("GET"))
