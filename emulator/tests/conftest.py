"""pytest fixtures for the emulator's own tests: a started Sheets emulator and the real gspread client over it."""
from __future__ import annotations

import pytest

from sheets_emulator.client import gspread_client_for
from sheets_emulator.server import SheetsEmulator


@pytest.fixture
def sheets_emulator():
    """A started emulator on 127.0.0.1 (random port); stopped after the test."""
    with SheetsEmulator() as emu:
        yield emu


@pytest.fixture
def gspread_client(sheets_emulator):
    """The real gspread 6.2.1 client, talking HTTP to the emulator through google-auth's AuthorizedSession."""
    return gspread_client_for(sheets_emulator.base_url, timeout=10)
