"""The text output of validate as a person reads it: tasks by id and name, counts by kind, at most 50 findings
per severity with how many more, --all for every one, counts with the right plural."""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys

from support.tracker_factory import make_tracker

D = dt.date
SHEETSYNC = [sys.executable, "-m", "sheetsync.cli"]


def run(*args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
    env["COLUMNS"] = "200"  # rich wraps at the terminal width; a wide one keeps a table row on one line
    return subprocess.run(SHEETSYNC + list(map(str, args)), capture_output=True, text=True, env=env, timeout=120)


def _tracker(tmp_path, n_late: int, lang: str = "zh"):
    name = "设计海报" if lang == "zh" else "Design poster"
    tasks = [{"id": f"T{i}", "task": f"{name} {i}", "owner": "张三",
              "status": "进行中" if lang == "zh" else "In progress", "deadline": D(2026, 9, 1)}
             for i in range(1, n_late + 1)]
    tasks.append({"id": "X1", "task": "Typo", "owner": "张三", "status": "进行中", "deadline": "not a date"})
    return make_tracker(tmp_path / "t.xlsx", tasks, lang=lang,
                        campaign={"name": "C", "launch": D(2026, 10, 12), "end": D(2026, 10, 30)},
                        people=[("张三", "zhangsan@example.com", "运营")])


def test_text_table_names_tasks_and_stops_at_50_per_severity(tmp_path):
    path = _tracker(tmp_path, 62)
    p = run("validate", path, "--today", "2026-09-21")
    assert p.returncode == 1, p.stderr
    out = p.stdout
    # the reading line first, then the counts by kind, each kind by its title (its code is in the Code column)
    lines = out.splitlines()
    assert lines[0].startswith("读取 "), out[:500]
    assert lines[1].startswith("按问题类型：") and "已逾期 62 条" in lines[1] and "(late)" not in lines[1], out[:500]
    assert "日期无法识别 1 条" in lines[1]
    # the task column shows the id with the task's name
    assert "T1 设计海报 1" in out and "X1 Typo" in out
    shown = {int(m) for m in re.findall(r"T(\d+) 设计海报", out)}
    assert len(shown) == 50 and max(shown) == 50, sorted(shown)
    assert "… 另有 12 条（见报告表，或用 --format json；--all 显示全部）" in out
    assert "62 个任务" not in out and "63 个任务" in out  # the summary line counts every task


def test_all_prints_every_finding_and_english_counts_agree(tmp_path):
    path = _tracker(tmp_path, 62, lang="en")
    p = run("validate", path, "--today", "2026-09-21", "--all", "--lang", "en")
    assert p.returncode == 1, p.stderr
    shown = {int(m) for m in re.findall(r"T(\d+) Design poster", p.stdout)}
    assert shown == set(range(1, 63))
    assert "more (report sheet" not in p.stdout
    assert "63 tasks, 1 error, 62 warnings" in p.stdout
    assert "1 errors" not in p.stdout


def test_few_findings_print_no_more_line(tmp_path):
    path = _tracker(tmp_path, 1, lang="en")
    p = run("validate", path, "--today", "2026-09-21", "--lang", "en")
    assert "… and" not in p.stdout and "2 tasks, 1 error, 1 warning." in p.stdout
    assert "T1 Design poster 1" in p.stdout
