"""`python -m sheets_emulator` as a separate process: prints its URL, serves, stops on SIGTERM."""
from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import sys

import openpyxl
import pytest
import requests


def _start(args):
    proc = subprocess.Popen([sys.executable, "-m", "sheets_emulator", "--port", "0", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = [proc.stdout.readline().strip()]
    return proc, lines


def _stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_standalone_prints_base_url_and_serves_a_json_seed(tmp_path):
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"title": "活动", "spreadsheet_id": "demo-1",
                                "sheets": {"Tasks": [["ID", "任务"], ["T1", "海报"]]}}), encoding="utf-8")
    proc, lines = _start(["--seed", str(seed)])
    try:
        base = lines[0]
        assert base.startswith("http://127.0.0.1:")
        assert proc.stdout.readline().strip() == "demo-1"
        r = requests.get(f"{base}/v4/spreadsheets/demo-1/values/Tasks", timeout=5)
        assert r.json()["values"] == [["ID", "任务"], ["T1", "海报"]]
    finally:
        _stop(proc)


def test_standalone_seeds_an_xlsx_with_dates_as_serials(tmp_path):
    path = tmp_path / "tracker.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务"
    ws.append(["ID", "截止日期", "工期"])
    ws.append(["T1", dt.date(2026, 7, 8), 3])
    wb.save(path)
    proc, lines = _start(["--seed-xlsx", str(path)])
    try:
        base, sid = lines[0], proc.stdout.readline().strip()
        url = f"{base}/v4/spreadsheets/{sid}/values/{requests.utils.quote('任务')}"
        raw = requests.get(url, params={"valueRenderOption": "UNFORMATTED_VALUE"}, timeout=5).json()
        assert raw["values"] == [["ID", "截止日期", "工期"], ["T1", 46211, 3]]
        shown = requests.get(url, timeout=5).json()
        assert shown["values"][1] == ["T1", "2026-07-08", "3"]
        meta = requests.get(f"{base}/v4/spreadsheets/{sid}", timeout=5).json()
        assert meta["properties"]["title"] == "tracker"
    finally:
        _stop(proc)


def test_bad_arguments_fail_with_usage():
    proc = subprocess.run([sys.executable, "-m", "sheets_emulator", "--port", "x"],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2 and "usage" in proc.stderr


@pytest.mark.parametrize("seed", ['{"title": "x", "sheets": {"A": [[1, 2]]}}', '[{"sheets": {"B": []}}]'])
def test_seed_file_forms(tmp_path, seed):
    from sheets_emulator.server import SheetsEmulator, seed_from_json
    path = tmp_path / "s.json"
    path.write_text(seed, encoding="utf-8")
    emu = SheetsEmulator()
    ids = seed_from_json(emu, str(path))
    assert len(ids) == 1 and ids[0] in emu.spreadsheet_ids()
