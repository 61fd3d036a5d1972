"""A command imports what it needs when it needs it: `validate` and `sync` of an .xlsx, run as a user
runs them (a subprocess, output to a pipe), under `python -X importtime`; its stderr names every module loaded.

validate never loads openpyxl, matplotlib, jinja2, gspread or the Google stack (nor numpy, pandas, watchdog,
icalendar); sync of an
.xlsx loads none of those nor the digest package. Output to a pipe is plain lines, so rich's console and table
are not loaded either."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import subprocess
import sys

from support.tracker_factory import make_tracker

D = dt.date
HEAVY = ("openpyxl", "matplotlib", "jinja2", "gspread", "google", "numpy", "pandas", "rich.console", "rich.table",
         "watchdog", "icalendar")  # the last two: only `watch` and `calendar` need them
SYNC_HEAVY = HEAVY + ("sheetsync.digest",)
_LINE = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)\s*$")


def _tracker(tmp_path):
    tasks = [{"id": f"T{i}", "task": f"任务 {i}", "owner": "张三", "status": "进行中" if i % 3 else "已完成",
              "depends_on": f"T{i - 1}" if i > 1 else None, "duration": 2, "deadline": D(2026, 9, 10 + i)}
             for i in range(1, 11)]
    return make_tracker(tmp_path / "tracker.xlsx", tasks,
                        campaign={"name": "秋季活动", "launch": D(2026, 10, 12), "end": D(2026, 10, 30)},
                        people=[("张三", "zhangsan@example.com", "运营")])


def _imported(*args) -> tuple[set[str], subprocess.CompletedProcess]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "sheetsync", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=120)
    modules = {m.group(1) for line in proc.stderr.splitlines() if (m := _LINE.match(line))}
    return modules, proc


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_validate_imports_nothing_heavy(tmp_path):
    path = _tracker(tmp_path)
    modules, proc = _imported("validate", path, "--today", "2026-09-21")
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert "10 个任务" in proc.stdout, proc.stdout  # it ran to its summary line
    assert {"sheetsync.engine", "sheetsync.xlsx.read", "python_calamine"} <= modules  # the parse saw real imports
    assert _loaded(modules, HEAVY) == []


def test_sync_of_an_xlsx_imports_neither_openpyxl_nor_the_digest(tmp_path):
    path = _tracker(tmp_path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    modules, proc = _imported("sync", path, "--today", "2026-09-21")
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert hashlib.sha256(path.read_bytes()).hexdigest() != before  # it wrote the tracker (and verified it)
    assert (tmp_path / ".sheetsync" / "state.db").is_file()  # and recorded the run in the history
    assert {"sheetsync.xlsx.verify", "sheetsync.history", "lxml.etree"} <= modules
    assert _loaded(modules, SYNC_HEAVY) == []
