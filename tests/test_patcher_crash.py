"""Crash safety: SIGKILL apply_patch at random moments; the file is always the whole old or the whole new version."""
from __future__ import annotations

import hashlib
import io
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from sheetsync.writers.xlsx_patch import patch_bytes

from patcher_fixtures import make_tracker, tracker_patch

ROWS = 3000
CHILD = (
    "import sys\n"
    "sys.path.insert(0, sys.argv[2])\n"
    "from patcher_fixtures import tracker_patch\n"
    "from sheetsync.writers.xlsx_patch import apply_patch\n"
    "patch = tracker_patch(int(sys.argv[3]))\n"
    "print('ready', flush=True)\n"
    "apply_patch(sys.argv[1], patch, backups=2)\n"
    "print('done', flush=True)\n")


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crash")
    old = make_tracker(folder / "old.xlsx", rows=ROWS).read_bytes()
    new = patch_bytes(old, tracker_patch(ROWS))
    assert new != old
    proc = _start(folder / "timing.xlsx", old)
    assert proc.stdout.readline().strip() == "ready"
    start = time.perf_counter()  # kills are spread over the patch itself, not the interpreter start-up
    proc.wait(timeout=120)
    assert proc.returncode == 0, proc.stderr.read()
    took = time.perf_counter() - start
    assert (folder / "timing.xlsx").read_bytes() == new  # the child writes exactly what patch_bytes gives
    return old, new, took


def _start(path: Path, data: bytes) -> subprocess.Popen:
    path.write_bytes(data)
    return subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(Path(__file__).parent), str(ROWS)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _kill_once(tmp_path: Path, versions, seed: int) -> str:
    old, new, took = versions
    rng = random.Random(seed)
    path = tmp_path / f"run{seed}.xlsx"
    proc = _start(path, old)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(rng.uniform(0, took * 1.1))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    assert digest in (hashlib.sha256(old).hexdigest(), hashlib.sha256(new).hexdigest()), seed
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
    shutil.rmtree(tmp_path / ".sheetsync", ignore_errors=True)
    outcome = "new" if data == new else "old"
    print(f"seed {seed}: killed after {took:.2f}s window -> {outcome}")
    return outcome


@pytest.mark.parametrize("seed", range(10))
def test_sigkill_leaves_old_or_new(tmp_path, versions, seed):
    _kill_once(tmp_path, versions, seed)


@pytest.mark.stress
@pytest.mark.parametrize("seed", range(10, 30))
def test_sigkill_leaves_old_or_new_stress(tmp_path, versions, seed):
    _kill_once(tmp_path, versions, seed)
