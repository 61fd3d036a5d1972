"""The validate command as a person runs it: a real process, exit codes, JSON shape, one-line errors."""
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from support.tracker_factory import make_tracker

D = dt.date
CAMPAIGN = {"name": "夏日清凉服务季", "launch": D(2026, 10, 12), "end": D(2026, 10, 30)}
SHEETSYNC = [sys.executable, "-m", "sheetsync.cli"]


def run(*args, env=None):
    e = dict(os.environ, **(env or {}))
    return subprocess.run(SHEETSYNC + list(map(str, args)), capture_output=True, text=True, env=e, timeout=120)


def tracker(tmp_path, tasks):
    return make_tracker(tmp_path / "t.xlsx", tasks, campaign=CAMPAIGN,
                        people=[("张三", "zhangsan@example.com", "运营")])


def test_json_has_the_documented_shape_and_exit_1_on_errors(tmp_path):
    path = tracker(tmp_path, [{"id": "T1", "task": "写方案", "owner": "张三", "status": "进行中", "deadline": D(2026, 9, 18)},
                              {"id": "T2", "task": "审批", "owner": None, "status": "未开始", "time_point": "T-15"}])
    p = run("validate", path, "--format", "json", "--today", "2026-09-21")
    assert p.returncode == 1, p.stderr
    data = json.loads(p.stdout)
    assert set(data) == {"source", "today", "language", "sheet", "header_row", "columns", "ignored", "tasks", "findings", "summary"}
    assert data["today"] == "2026-09-21" and data["language"] == "zh" and data["sheet"] == "任务" and data["header_row"] == 3
    assert data["tasks"][0] == {"id": "T1", "row": 4, "task": "写方案", "owner": "张三", "owners": ["张三"],
                                "status": "in-progress",
                                "due": "2026-09-18", "due_source": "explicit", "health": "late"}
    assert data["tasks"][1]["due"] == "2026-09-24" and data["tasks"][1]["due_source"] == "time-point"
    f = data["findings"][0]
    assert set(f) == {"code", "severity", "sheet", "cell", "range", "cells", "row", "column", "task_id", "message"}
    assert (f["code"], f["cell"], f["severity"]) == ("missing-value", "D5", "error")
    assert data["summary"]["tasks"] == 2 and data["summary"]["errors"] == 1
    assert data["summary"]["by_health"] == {"late": 1, "invalid": 1}


def test_clean_tracker_exits_0_and_text_has_a_summary_line(tmp_path):
    path = tracker(tmp_path, [{"id": "T1", "task": "写方案", "owner": "张三", "status": "进行中", "deadline": D(2026, 10, 9)}])
    p = run("validate", path, env={"SHEETSYNC_TODAY": "2026-09-21"})
    assert p.returncode == 0, p.stdout + p.stderr
    assert "1 个任务，0 个错误" in p.stdout


def test_cannot_run_exits_2_with_one_line_and_no_traceback(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "fake.xlsx").write_text("not a zip")
    import openpyxl
    wb = openpyxl.Workbook()
    wb.active.append(["Name", "Amount"])
    wb.save(tmp_path / "empty.xlsx")
    for target in (tmp_path / "missing.xlsx", tmp_path / "notes.txt", tmp_path / "fake.xlsx", tmp_path / "empty.xlsx"):
        p = run("validate", target, "--today", "2026-09-21")
        assert p.returncode == 2, (target, p.stdout, p.stderr)
        assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
        assert p.stderr.startswith("sheetsync: ")
    p = run("validate", tmp_path / "empty.xlsx", "--lang", "zh")
    assert "找不到任务表" in p.stderr or "没有找到任务表" in p.stderr


def test_bad_today_is_a_usage_error(tmp_path):
    path = tracker(tmp_path, [{"id": "T1", "task": "x", "owner": "张三", "status": "进行中"}])
    p = run("validate", path, "--today", "yesterday")
    assert p.returncode == 2 and "YYYY-MM-DD" in p.stderr
