"""The last check is the rename: a person's save that lands at any step of the write (after the read, after the
temporary copy, after verifying it, after the backup, after the final comparison, in the middle of the
exchange, after the replace) is kept or the run refuses with "changed while syncing"; it is never
overwritten, and no backup is left that holds the older version as if it were the last.

The save is replayed through apply_patch's step hook, the way Excel saves (a new file renamed over the old
one) and the way some editors do (the same file rewritten in place)."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from sheetsync.xlsx.patch import PatchRefused
from sheetsync.xlsx.safe_write import BACKUP_DIR, STEPS, apply_patch, exchange

from support.patcher_fixtures import make_tracker, tracker_patch


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def saved_version(original: bytes) -> bytes:
    """What a person's save writes: the same workbook, other bytes (a zip comment, as a re-save changes bytes)."""
    import io
    import zipfile
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.comment = b"saved by a person"
    return out.getvalue()


def save_by_rename(path: Path, data: bytes) -> None:
    tmp = path.with_name("~excel-save.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def save_in_place(path: Path, data: bytes) -> None:
    with open(path, "r+b") as fh:
        fh.truncate(0)
        fh.write(data)


@pytest.mark.parametrize("way", [True, False], ids=["exchange", "hard-link"])
@pytest.mark.parametrize("how", [save_by_rename, save_in_place], ids=["rename", "in-place"])
@pytest.mark.parametrize("at", STEPS)
def test_a_save_at_any_step_is_kept_or_the_run_refuses(tmp_path, at, how, way):
    path = make_tracker(tmp_path / "tracker.xlsx")
    original = path.read_bytes()
    theirs = saved_version(original)
    backups = tmp_path / BACKUP_DIR
    earlier = None
    if at == "replaced":  # an earlier sync's backup exists: the newest backup must not become misleading
        apply_patch(path, tracker_patch(rules=1))
        original = path.read_bytes()
        theirs = saved_version(original)
        earlier = sorted(backups.iterdir())
    landed = []

    def hook(step):
        if step == at:
            how(path, theirs)
            landed.append(step)

    try:
        result = apply_patch(path, tracker_patch(), hook=hook, exchange_files=way)
        refused = None
    except PatchRefused as exc:
        refused = exc
    assert landed == [at]
    final = path.read_bytes()
    if refused is not None:
        assert refused.code == "file-changed" and "changed while syncing" in refused.message("en") \
            or "saved twice" in refused.message("en")
        assert "同步" in refused.message("zh")
        assert final == theirs  # the person's save is in place
        now = sorted(backups.iterdir()) if backups.is_dir() else []
        assert now == (earlier or [])  # no backup of a version sheetsync did not overwrite
    else:
        # the run went through: only a save after the exchange can have landed, and it is what the file holds
        assert at in ("exchanged", "replaced"), f"a save at {at} was overwritten"
        assert final == theirs
        assert result.changed
        newest = sorted(backups.iterdir())[-1]
        assert newest.read_bytes() == original  # the backup is what sheetsync replaced
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~sheetsync-")]


def test_without_a_save_the_write_goes_through_and_backs_up_what_it_replaced(tmp_path):
    path = make_tracker(tmp_path / "tracker.xlsx")
    original = path.read_bytes()
    steps = []
    result = apply_patch(path, tracker_patch(), hook=steps.append)
    assert steps == list(STEPS) and result.changed and path.read_bytes() != original
    assert result.backup.read_bytes() == original


def test_exchange_swaps_two_files_atomically(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_bytes(b"A")
    b.write_bytes(b"B")
    if not exchange(a, b):
        pytest.skip("this filesystem has no atomic exchange; the hard-link fallback is used")
    assert a.read_bytes() == b"B" and b.read_bytes() == b"A"


@pytest.mark.stress
def test_saves_at_random_moments_during_real_syncs_are_never_overwritten(tmp_path):
    """A person saves at a random moment while a real sync runs (threads, no hook): afterwards the save is either
    what the file holds, or the sync read it (it is then the newest backup, the version the sync replaced)."""
    import datetime as dt
    import random
    import threading
    import time

    from sheetsync import api
    from sheetsync.model import SheetsyncError
    from sheetsync.templates import create_tracker

    rng = random.Random(2)
    base = create_tracker(tmp_path / "base.xlsx", "campaign-launch", lang="zh", today=dt.date(2026, 11, 23),
                          scenario="demo").read_bytes()
    timing = tmp_path / "timing.xlsx"
    timing.write_bytes(base)
    started = time.monotonic()
    api.sync(timing, today=dt.date(2026, 11, 23), state=tmp_path / "t.db")
    took = time.monotonic() - started  # saves are aimed over the whole sync, its write included
    outcomes = {"kept": 0, "read": 0}
    for i in range(40):
        folder = tmp_path / f"run{i}"
        folder.mkdir()
        path = folder / "tracker.xlsx"
        path.write_bytes(base)
        theirs = saved_version(base)
        delay = rng.uniform(0, took * 1.2)
        saver = threading.Thread(target=lambda: (time.sleep(delay), save_by_rename(path, theirs)))
        saver.start()
        try:
            api.sync(path, today=dt.date(2026, 11, 23), state=folder / "state.db")
        except SheetsyncError as exc:
            assert exc.code == "file-changed", exc.message("en")
        saver.join()
        final = path.read_bytes()
        if final == theirs:
            outcomes["kept"] += 1
            continue
        backups = sorted((folder / BACKUP_DIR).iterdir())
        assert backups and backups[-1].read_bytes() == theirs, f"run {i}: the save at {delay:.3f}s was overwritten"
        outcomes["read"] += 1
    assert outcomes["kept"] > 0
