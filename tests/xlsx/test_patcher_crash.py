"""Crash safety: `sheetsync sync` killed with SIGKILL at random moments; the tracker is always the complete old or
the complete new version, a valid zip, and the next sync finishes the job.

Each killed process runs the installed command's entry point (`sheetsync.cli:main`, as `sheetsync sync
tracker.xlsx --today ... --format json`) on a real tracker (`sheetsync init`'s campaign-launch template, grown with more rows).
To keep 30 kills cheap the process is forked from a helper that has already imported sheetsync, so the moments
are spread over the sync itself (read, check, patch, verify, backup, replace, history) rather than over Python's
start-up; the kill moments are stratified over the whole run, so every phase gets hit, and some kills come after
the process finished (the new version). The helper, which is the synced process's parent, sends the SIGKILL
itself before reaping it, so a recycled process id can never be hit."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import random
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc

from sheetsync.templates import create_tracker

NOW = "2026-12-08T09:00"
ROWS, STRESS_ROWS = 200, 2000  # task rows added to the template's 16
KILLS, STRESS_KILLS = 30, 50

# Reads commands on stdin: "run PATH" forks a child that runs `sheetsync sync PATH --today NOW --format json` (as
# a nightly job would; the text report's table takes longer to print than the sync takes to write) and answers
# "pid N"; then "kill" (SIGKILL the child unless it already ended) or "wait"; answers "exit STATUS SECONDS".
ZYGOTE = r"""
import os, signal, sys, time
import sheetsync.cli, sheetsync.api, sheetsync.planner, sheetsync.xlsx.write, sheetsync.history
import openpyxl, python_calamine, lxml.etree
print("ready", flush=True)
for line in sys.stdin:
    cmd, _, arg = line.strip().partition(" ")
    if cmd == "run":
        folder, name = os.path.split(arg)
        began = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            code = 70
            try:
                os.chdir(folder)
                log = os.open("sync.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
                os.dup2(log, 1)
                os.dup2(log, 2)
                sheetsync.cli.main(["sync", name, "--today", sys.argv[1], "--format", "json"])
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            finally:
                os._exit(code)
        print(f"pid {pid}", flush=True)
    elif cmd in ("kill", "wait"):
        done, status = os.waitpid(pid, os.WNOHANG) if cmd == "kill" else os.waitpid(pid, 0)
        if not done:  # still running, not yet reaped: its id is still its own
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
        print(f"exit {status} {time.perf_counter() - began:.4f}", flush=True)
"""


class Zygote:
    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, "-c", ZYGOTE, NOW], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, bufsize=1)
        assert self._line() == "ready"

    def _line(self) -> str:
        line = self.proc.stdout.readline().strip()
        assert line, "the helper process died"
        return line

    def run(self, path: Path) -> None:
        self.proc.stdin.write(f"run {path}\n")
        self.proc.stdin.flush()
        assert self._line().startswith("pid ")

    def finish(self, how: str) -> tuple[int, float]:
        self.proc.stdin.write(how + "\n")
        self.proc.stdin.flush()
        _, status, took = self._line().split()
        return int(status), float(took)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def make_tracker(path: Path, extra_rows: int) -> Path:
    """The template tracker with people's edits and `extra_rows` more tasks in every status."""
    create_tracker(path, "campaign-launch", lang="zh", launch=dt.date(2026, 12, 15))
    wb = openpyxl.load_workbook(path)
    ws = wb["任务"]
    base = [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_row=19)]
    for i in range(extra_rows):
        row = list(base[i % len(base)])
        row[0], row[7] = f"X{i + 1}", None  # own id, no dependencies
        row[11] = ("进行中", "未开始", "待审核", "已完成", "受阻")[i % 5]
        if row[11] == "待审核":
            row[12] = dt.datetime(2026, 12, 6, 10, 0)
        ws.append(row)
    wb.save(path)
    return path


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def zygote():
    z = Zygote()
    yield z
    z.close()


def _versions(folder: Path, zygote: Zygote, rows: int):
    old = make_tracker(folder / "old" / "tracker.xlsx", rows).read_bytes()
    timing = folder / "timing"
    timing.mkdir()
    (timing / "tracker.xlsx").write_bytes(old)
    zygote.run(timing / "tracker.xlsx")
    status, took = zygote.finish("wait")
    assert status == 0, (timing / "sync.log").read_text()
    new = (timing / "tracker.xlsx").read_bytes()
    assert new != old
    zygote.run(timing / "tracker.xlsx")  # the new version is what every complete sync gives: a rerun keeps it
    assert zygote.finish("wait")[0] == 0 and (timing / "tracker.xlsx").read_bytes() == new
    return old, new, took


@pytest.fixture(scope="module")
def versions(tmp_path_factory, zygote):
    return _versions(tmp_path_factory.mktemp("crash"), zygote, ROWS)


@pytest.fixture(scope="module")
def stress_versions(tmp_path_factory, zygote):
    return _versions(tmp_path_factory.mktemp("crash-stress"), zygote, STRESS_ROWS)


def _kill_once(folder: Path, zygote: Zygote, versions, seed: int, kills: int) -> str:
    old, new, took = versions
    rng = random.Random(seed)
    run = folder / f"run{seed}"
    run.mkdir()
    path = run / "tracker.xlsx"
    path.write_bytes(old)
    # stratified: run k of n is killed at a random moment in the k-th slice of [0, 1.15 x the sync's time]
    at = (seed % kills + rng.random()) / kills * took * 1.15
    zygote.run(path)
    time.sleep(at)
    status, _ = zygote.finish("kill")
    data = path.read_bytes()
    assert sha(data) in (sha(old), sha(new)), f"seed {seed}: killed at {at:.3f}s, the file is neither version"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
    pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("任务").to_python()
    outcome = "new" if data == new else "old"
    backups = run / ".sheetsync" / "backups"
    temps = _temps(run, backups)
    for p in temps:  # as the next night finds them
        os.utime(p, (time.time() - 3600, time.time() - 3600))
    # the next sync (the next night's run) completes the job from whatever the kill left, and clears its litter
    zygote.run(path)
    assert zygote.finish("wait")[0] == 0, (run / "sync.log").read_text()
    assert path.read_bytes() == new
    assert _temps(run, backups) == []
    kept = sorted(backups.iterdir()) if backups.is_dir() else []
    assert kept and all(sha(p.read_bytes()) == sha(old) for p in kept)  # backups are whole copies of the old one
    temps = [p.name for p in temps]
    print(f"seed {seed}: killed at {at:.3f}s of {took:.3f}s (status {status}) -> {outcome}"
          f"{', temp left: ' + ' '.join(temps) if temps else ''}")
    shutil.rmtree(run)
    return outcome


def _temps(*folders: Path) -> list[Path]:
    return sorted(p for f in folders if f.is_dir() for p in f.iterdir() if p.name.startswith(".~sheetsync-"))


@pytest.mark.parametrize("seed", range(KILLS))
def test_sigkill_leaves_old_or_new(tmp_path, zygote, versions, seed):
    _kill_once(tmp_path, zygote, versions, seed, KILLS)


@pytest.mark.stress
@pytest.mark.parametrize("seed", range(STRESS_KILLS))
def test_sigkill_leaves_old_or_new_stress(tmp_path, zygote, stress_versions, seed):
    _kill_once(tmp_path, zygote, stress_versions, seed, STRESS_KILLS)


def test_only_stale_temp_files_are_swept(tmp_path):
    """A temp copy minutes old may be a sync running right now (another tracker in the folder): kept. An hour-old
    one was left by a killed run: removed with the next write. Nothing else is touched."""
    from sheetsync.api import sync

    path = make_tracker(tmp_path / "tracker.xlsx", 0)
    stale, fresh = tmp_path / ".~sheetsync-killed.xlsx", tmp_path / ".~sheetsync-running.xlsx"
    other, theirs = tmp_path / ".~lockfree.xlsx", tmp_path / "sheetsync-notes.xlsx"
    for p in (stale, fresh, other, theirs):
        p.write_bytes(b"partial")
    hour_ago = time.time() - 3600
    for p in (stale, other, theirs):
        os.utime(p, (hour_ago, hour_ago))
    os.utime(fresh, (time.time() - 60, time.time() - 60))
    before = path.read_bytes()
    assert sync(path, today=NOW, dry_run=True).changed is False and stale.exists()  # a dry run touches nothing
    result = sync(path, today=NOW, record=False)
    assert result.changed and path.read_bytes() != before
    assert not stale.exists() and fresh.exists() and other.exists() and theirs.exists()
    assert sync(path, today=NOW, record=False).changed is False  # nothing to write: nothing swept either
