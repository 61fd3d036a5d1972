"""A reader library's failure on one tracker (a Rust panic in python-calamine included) is that tracker's one
line: exit 2 for a command, a failed tracker in a job while the others go on."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from support.jobs_fixtures import config_text
from sheetsync import api
from sheetsync.model import SheetsyncError
from sheetsync.templates import create_tracker

MONDAY = dt.date(2026, 11, 23)


def poison(path: Path, value: float = -1e12) -> Path:
    """A tracker whose one date-formatted cell holds a number no date can be (calamine panics converting it)."""
    create_tracker(path, "campaign-launch", lang="zh", today=MONDAY, scenario="demo")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    cell = ws.cell(ws.max_row, 1)
    cell.value, cell.number_format = value, "yyyy-mm-dd"
    wb.save(path)
    return path


def run_cli(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
    env["SHEETSYNC_STATE"] = str(cwd / ".sheetsync" / "state.db")
    return subprocess.run([sys.executable, "-m", "sheetsync", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120)


@pytest.mark.parametrize("lang,want", [("en", "a number no date can be"), ("zh", "不可能是日期")])
def test_a_panicking_cell_is_one_line_naming_it(tmp_path, lang, want):
    path = poison(tmp_path / "poison.xlsx")
    before = path.read_bytes()
    for command in ("validate", "sync"):
        out = run_cli(command, path.name, "--lang", lang, cwd=tmp_path)
        lines = out.stderr.strip().splitlines()
        assert out.returncode == 2, (command, out.stdout, out.stderr)
        assert len(lines) == 1 and lines[0].startswith("sheetsync: ") and want in lines[0], out.stderr
        assert "panicked" not in out.stderr and "Traceback" not in out.stderr
        wb = openpyxl.load_workbook(path, read_only=True)
        sheet = wb.worksheets[0].title
        assert f"{sheet}!A" in lines[0]  # the cell is named
    assert path.read_bytes() == before


def test_the_library_raises_its_one_error_not_a_panic(tmp_path):
    path = poison(tmp_path / "poison.xlsx", value=-5e15)
    with pytest.raises(SheetsyncError) as caught:
        api.validate(path)
    assert caught.value.code == "bad-cell"


def test_a_poisoned_tracker_among_good_ones_costs_one_line_and_the_night_goes_on(tmp_path):
    names = ["alpha", "poison", "gamma"]
    for name in names:
        if name == "poison":
            poison(tmp_path / f"{name}.xlsx")
        else:
            create_tracker(tmp_path / f"{name}.xlsx", "campaign-launch", lang="zh", today=MONDAY, scenario="demo")
    before = {n: (tmp_path / f"{n}.xlsx").read_bytes() for n in names}
    config = tmp_path / "sheetsync.toml"
    config.write_text(config_text([(n, "Asia/Shanghai") for n in names]), encoding="utf-8")
    summary = api.run_nightly(config, today=MONDAY, outbox=tmp_path / "notes")
    assert [(r.tracker, r.status) for r in summary.results] == [("alpha", "ok"), ("poison", "failed"),
                                                                ("gamma", "ok")]
    assert summary.exit_code == 1
    assert "no date can be" in summary.results[1].detail and "\n" not in summary.results[1].detail
    for n in ("alpha", "gamma"):  # really synced
        assert (tmp_path / f"{n}.xlsx").read_bytes() != before[n]
    assert (tmp_path / "poison.xlsx").read_bytes() == before["poison"]
    # the command: the summary line names it, exit 1 (a tracker failed), no traceback
    out = run_cli("run", "nightly", "--config", config, "--today", MONDAY.isoformat(), "--outbox", tmp_path / "n2",
                  "--lang", "en", cwd=tmp_path)
    assert out.returncode == 1, out.stderr
    assert "2 of 3 trackers succeeded" in out.stdout and "failed: poison:" in out.stdout
    assert "Traceback" not in out.stderr and "panicked" not in out.stderr
