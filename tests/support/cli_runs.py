"""The installed `sheetsync` command run as a person runs it (a subprocess, a clean environment pointed at a local
emulator), what a one-line error looks like, and the Sheets emulator started as its own process."""
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).parent / "sheetsync"  # the console script pip installed from pyproject
SHEETSYNC = [str(SCRIPT)]


def run(args, endpoint=None, cwd=None, **env):
    clean = {k: v for k, v in os.environ.items()
             if k not in ("SHEETSYNC_SHEETS_ENDPOINT", "GOOGLE_APPLICATION_CREDENTIALS", "SHEETSYNC_TODAY")}
    if endpoint:
        clean["SHEETSYNC_SHEETS_ENDPOINT"] = endpoint
    clean.update({"SHEETSYNC_SHEETS_TRIES": "3", "SHEETSYNC_SHEETS_DEADLINE": "20", "SHEETSYNC_SHEETS_BACKOFF": "0.02"})
    clean.update(env)
    assert SCRIPT.is_file(), f"{SCRIPT}: the sheetsync command is not installed (pip install -e .)"
    return subprocess.run(SHEETSYNC + args, capture_output=True, text=True, timeout=120, env=clean, cwd=cwd)


def one_line_exit_2(p):
    assert p.returncode == 2, (p.stdout, p.stderr)
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sheetsync: ") and "Traceback" not in p.stderr
    return lines[0]


@pytest.fixture
def standalone():
    """The emulator as a separate process on 127.0.0.1, empty: yields (process, base URL)."""
    proc = subprocess.Popen([sys.executable, "-m", "sheets_emulator", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        base = proc.stdout.readline().strip()
        assert base.startswith("http://127.0.0.1:"), base
        yield proc, base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
