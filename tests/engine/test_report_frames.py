"""Report.tasks_frame() and Report.findings_frame(): a real tracker read by validate gives
one row per task and per finding, dates as datetime64, the cell of every finding; without pandas a one-line
error in both languages names the extra to install."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import sheetsync.api as api
from support.tracker_factory import make_tracker

D = dt.date
TODAY = "2026-09-21"
CAMPAIGN = {"name": "夏日清凉服务季", "launch": D(2026, 10, 12), "end": D(2026, 10, 30)}
PEOPLE = [("张三", "zhangsan@example.com", "运营"), ("李四", "lisi@example.com", "设计")]
FIELDS = ("id", "task", "owner", "depends_on", "duration", "deadline", "status", "submitted")
TASKS = [
    {"id": "T1", "task": "海报设计", "owner": "李四", "deadline": D(2026, 9, 18), "status": "进行中"},  # late
    {"id": "T2", "task": "海报印刷", "owner": "张三", "depends_on": "T1", "duration": 2, "deadline": D(2026, 10, 9),
     "status": "未开始"},
    {"id": "T3", "task": "文案", "owner": "王五", "deadline": "下周五前", "status": "未开始"},  # unreadable date
    {"id": "T4", "task": "发布", "owner": "张三", "depends_on": "T9", "status": "未开始",  # unknown dependency
     "submitted": dt.datetime(2026, 9, 20, 15, 30)},
]


@pytest.fixture
def report(tmp_path):
    path = make_tracker(tmp_path / "t.xlsx", TASKS, fields=FIELDS, campaign=CAMPAIGN, people=PEOPLE)
    return api.validate(path, today=TODAY)


def test_tasks_frame_has_one_row_per_task_with_dates_as_datetime64(report):
    frame = report.tasks_frame()
    assert len(frame) == len(report.tasks) == len(TASKS)
    assert list(frame["id"]) == [t["id"] for t in TASKS]
    assert list(frame["row"]) == [t.row for t in report.tasks] and frame["row"].dtype == "int64"
    for name in ("due", "explicit_due", "start", "done_date", "requested", "submitted", "reviewed"):
        assert str(frame[name].dtype) == "datetime64[ns]", name
    by_id = frame.set_index("id")
    assert by_id.loc["T1", "explicit_due"] == pd.Timestamp("2026-09-18")
    assert by_id.loc["T1", "due"] == pd.Timestamp("2026-09-18")
    assert pd.isna(by_id.loc["T3", "explicit_due"])  # typed text, not a date: NaT, never a guess
    assert by_id.loc["T4", "submitted"] == pd.Timestamp("2026-09-20 15:30")
    assert frame["duration"].dtype == "float64" and by_id.loc["T2", "duration"] == 2.0
    assert pd.isna(by_id.loc["T1", "duration"])
    assert by_id.loc["T2", "depends_on"] == ["T1"]
    assert by_id.loc["T1", "health"] == {t.id: t.health for t in report.tasks}["T1"]
    assert list(frame["key"]) == [t.key for t in report.tasks]
    # a pandas question a person would ask: how many tasks each owner has
    assert frame.groupby("owner").size().to_dict() == {"张三": 2, "李四": 1, "王五": 1}


def test_findings_frame_has_one_row_per_finding_with_its_cell(report):
    frame = report.findings_frame()
    assert len(report.findings) >= 3
    assert len(frame) == len(report.findings)
    assert list(frame.columns) == ["code", "severity", "sheet", "cell", "ref", "row", "column", "task_id", "message"]
    assert list(frame["code"]) == [f.code for f in report.findings]
    assert list(frame["ref"]) == [f.ref for f in report.findings]
    assert str(frame["row"].dtype) == "Int64"
    assert list(frame["severity"].cat.categories) == ["error", "warning", "info"] and frame["severity"].cat.ordered
    bad = frame[frame["code"] == "bad-date"]
    deadline_col = "ABCDEFGH"[FIELDS.index("deadline")]
    t3_row = {t.id: t.row for t in report.tasks}["T3"]
    assert list(bad["ref"]) == [f"任务!{deadline_col}{t3_row}"]
    assert list(bad["cell"]) == [f"{deadline_col}{t3_row}"] and list(bad["row"]) == [t3_row]
    assert set(frame["code"]) >= {"bad-date", "late"}
    # sorting by severity puts errors first
    ordered = frame.sort_values("severity", kind="stable")["severity"].tolist()
    assert ordered == sorted(ordered, key=["error", "warning", "info"].index)


def test_empty_report_gives_empty_frames_with_the_same_columns(report):
    report.tasks, report.findings = [], []
    tasks, findings = report.tasks_frame(), report.findings_frame()
    assert len(tasks) == 0 and str(tasks["due"].dtype) == "datetime64[ns]"
    assert len(findings) == 0 and "ref" in findings.columns


def test_without_pandas_the_error_names_the_extra_in_both_languages(tmp_path):
    path = make_tracker(tmp_path / "t.xlsx", TASKS, fields=FIELDS, campaign=CAMPAIGN, people=PEOPLE)
    # sys.modules["pandas"] = None makes `import pandas` raise ImportError, as on an install without the extra
    code = (
        "import json, sys\n"
        "sys.modules['pandas'] = None\n"
        "import sheetsync.api as api\n"
        "from sheetsync.model import SheetsyncError\n"
        f"report = api.validate({str(path)!r}, today={TODAY!r})\n"
        "out = []\n"
        "for method in (report.tasks_frame, report.findings_frame):\n"
        "    try:\n"
        "        method()\n"
        "    except SheetsyncError as exc:\n"
        "        out.append([exc.en, exc.zh])\n"
        "print(json.dumps(out))\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=120)
    assert done.returncode == 0, done.stderr
    messages = json.loads(done.stdout)
    assert len(messages) == 2
    for en, zh in messages:
        assert "pip install 'sheetsync[pandas]'" in en and "pandas" in en and "\n" not in en
        assert "pip install 'sheetsync[pandas]'" in zh and "需要" in zh and "\n" not in zh
