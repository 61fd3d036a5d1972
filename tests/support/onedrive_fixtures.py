"""The Graph emulator for the OneDrive/SharePoint tests: started on 127.0.0.1, sheetsync pointed at it through
the environment (endpoint, authority, tenant, client id and secret), and real .xlsx trackers stored in it."""
from __future__ import annotations

import pytest

from sheets_emulator.graph import GraphEmulator
from support.twin_trackers import TRACKERS
from support.tracker_factory import make_tracker

TODAY = "2026-09-21"


@pytest.fixture
def graph(monkeypatch):
    with GraphEmulator() as emu:
        for k, v in emu.environ().items():
            monkeypatch.setenv(k, v)
        for k, v in {"SHEETSYNC_GRAPH_TRIES": "4", "SHEETSYNC_GRAPH_DEADLINE": "20",
                     "SHEETSYNC_GRAPH_BACKOFF": "0.01"}.items():
            monkeypatch.setenv(k, v)
        yield emu


def tracker_file(tmp_path, name: str = "mixed-zh"):
    path = tmp_path / f"{name}.xlsx"
    make_tracker(path, **TRACKERS[name])
    return path


def stored(graph, path) -> str:
    """The tracker at `path` stored in the emulator: its onedrive:DRIVE/ITEM source."""
    return graph.source(graph.add_item(path.read_bytes(), path.name))


def item_of(source: str) -> str:
    return source.rsplit("/", 1)[1]
