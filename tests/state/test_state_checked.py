"""State is checked, never guessed, and opened before the tracker is written: an empty, damaged or newer state
file is refused with one line naming it (never recreated), with the tracker byte for byte as it was;
`sheetsync state check` and `state reset --yes`; a history record that fails after the write says the
tracker WAS written."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sheetsync import api
from sheetsync.model import SheetsyncError
from sheetsync.state import open_store
from sheetsync.templates import create_tracker

MONDAY = dt.date(2026, 11, 23)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli(*args, cwd: Path, state: str | Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
    if state is not None:
        env["SHEETSYNC_STATE"] = str(state)
    return subprocess.run([sys.executable, "-m", "sheetsync", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120)


@pytest.fixture
def tracker(tmp_path) -> Path:
    return create_tracker(tmp_path / "tracker.xlsx", "campaign-launch", lang="zh", today=MONDAY, scenario="demo")


def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database at all\n" * 200)


def _damaged_inside(path: Path) -> None:
    store = open_store(path)
    store.execute("CREATE TABLE filler (x TEXT)")
    store.executemany("INSERT INTO filler VALUES (?)", [("x" * 500,) for _ in range(400)])
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for i in range(2 * page, min(len(data), 6 * page)):  # pages 3..6: the b-tree headers become garbage
        data[i] = 0xA5
    path.write_bytes(bytes(data))


def _newer(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 999")
    db.commit()
    db.close()


@pytest.mark.parametrize("spoil,want", [(lambda p: p.write_bytes(b""), "empty"), (_garbage, "not a SQLite"),
                                        (_damaged_inside, "damaged"), (_newer, "newer")])
def test_a_spoiled_state_file_is_refused_and_the_tracker_left_as_it_was(tmp_path, tracker, spoil, want):
    state = tmp_path / ".sheetsync" / "state.db"
    state.parent.mkdir()
    spoil(state)
    spoiled = state.read_bytes()
    before = sha(tracker)
    for lang in ("en", "zh"):
        out = cli("sync", tracker.name, "--today", MONDAY.isoformat(), "--lang", lang, cwd=tmp_path, state=state)
        lines = out.stderr.strip().splitlines()
        assert out.returncode == 2, out.stdout + out.stderr
        assert len(lines) == 1 and str(state) in lines[0] and "internal error" not in lines[0], out.stderr
        if lang == "en":
            assert want in lines[0], lines
        assert sha(tracker) == before  # opened first: the tracker was not written
        assert state.read_bytes() == spoiled  # never recreated
    # the digest refuses the same way: an empty file is not a new state (which would send the week again)
    out = cli("digest", tracker.name, "--outbox", tmp_path / "out", "--today", MONDAY.isoformat(), cwd=tmp_path,
              state=state)
    assert out.returncode == 2 and str(state) in out.stderr and not list((tmp_path / "out").glob("*.eml"))


def test_an_unreachable_state_database_leaves_the_tracker_as_it_was(tmp_path, tracker):
    pytest.importorskip("psycopg")
    before = sha(tracker)
    with pytest.raises(SheetsyncError):
        api.sync(tracker, today=MONDAY, state="postgresql://u@127.0.0.1:1/x?connect_timeout=2")
    assert sha(tracker) == before


def test_state_check_and_reset(tmp_path, tracker):
    state = tmp_path / ".sheetsync" / "state.db"
    assert cli("sync", tracker.name, "--today", MONDAY.isoformat(), cwd=tmp_path, state=state).returncode == 0
    ok = cli("state", "check", "--state", state, "--lang", "en", cwd=tmp_path)
    assert ok.returncode == 0 and "OK" in ok.stdout and str(state) in ok.stdout, ok.stdout + ok.stderr
    _damaged_inside(state)
    spoiled = state.read_bytes()
    bad = cli("state", "check", "--state", state, "--lang", "en", cwd=tmp_path)
    assert bad.returncode == 2 and str(state) in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    refused = cli("state", "reset", "--state", state, "--lang", "en", cwd=tmp_path)
    assert refused.returncode == 2 and "--yes" in refused.stderr and state.read_bytes() == spoiled
    reset = cli("state", "reset", "--yes", "--state", state, "--lang", "en", cwd=tmp_path)
    assert reset.returncode == 0, reset.stderr
    kept = [p for p in state.parent.iterdir() if p.name.startswith("state.db.damaged-") and p.suffix != ".db-wal"
            and not p.name.endswith(("-wal", "-shm"))]
    assert len(kept) == 1 and kept[0].read_bytes() == spoiled and str(kept[0]) in reset.stdout
    assert not state.exists()
    zh = cli("state", "check", "--state", state, "--lang", "zh", cwd=tmp_path)
    assert zh.returncode == 0 and str(state) in zh.stdout  # no file: a new state will be made, and said so
    assert cli("sync", tracker.name, "--today", MONDAY.isoformat(), cwd=tmp_path, state=state).returncode == 0


def test_a_failing_record_after_the_write_says_the_tracker_was_written(tmp_path, tracker):
    """The store opens fine, then the history table is gone (a restore gone wrong): the write stands, the
    record fails three times, and the error says the tracker WAS written."""
    state = tmp_path / "state.db"
    store = open_store(state)
    store.execute("DROP TABLE snapshots")
    store.close()
    before = sha(tracker)
    with pytest.raises(SheetsyncError) as caught:
        api.sync(tracker, today=MONDAY, state=state)
    assert sha(tracker) != before
    assert caught.value.code == "written-not-recorded" and "WAS written" in caught.value.message("en")
    assert "已写入" in caught.value.message("zh")


def test_state_check_on_postgresql(postgres_url):
    from sheetsync.state.check import check_state
    store = open_store(postgres_url)
    store.close()
    assert "OK" in check_state(postgres_url).message("en")
    store = open_store(postgres_url, migrate=False)
    store.execute("INSERT INTO schema_version (version) VALUES (999)")
    store.execute("DROP TABLE IF EXISTS nightly_errors")
    store.close()
    with pytest.raises(SheetsyncError) as caught:
        check_state(postgres_url)
    assert "newer" in caught.value.message("en")
    store = open_store(postgres_url, migrate=False)
    store.execute("DELETE FROM schema_version WHERE version = 999")
    store.close()
    with pytest.raises(SheetsyncError) as caught:
        check_state(postgres_url)
    assert "nightly_errors" in caught.value.message("en")
