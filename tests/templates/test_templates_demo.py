"""The demo scenario keeps its promises on whatever day it runs: some rows late, exactly one unreviewed,
one dependency problem, one blocked, several done, some due in the next days. Checked twice: by resolving
the time points ourselves, and by the engine's own findings."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from python_calamine import CalamineWorkbook

from sheetsync import api
from sheetsync.engine.calendar import WorkCalendar
from sheetsync.engine.timepoints import parse_time_point, resolve
from sheetsync.engine.values import parse_status
from sheetsync.templates import FIELDS, create_tracker, list_templates

DAYS = [
    dt.date(2026, 11, 23),  # Monday
    dt.date(2026, 9, 25),   # Friday before the National Day week (Oct 1-7 off, Sat Oct 10 a workday)
    dt.date(2026, 2, 14),   # a make-up working Saturday, just before Spring Festival
    dt.date(2026, 6, 21),   # Sunday
    dt.date(2026, 12, 28),  # the campaign runs into 2027, which the CN data does not cover
]
CASES = [(name, lang, day) for name in ("campaign-launch", "material-prep", "execution-sop")
         for lang in ("zh", "en") for day in DAYS]
TASKS = {"zh": "任务", "en": "Tasks"}


@pytest.fixture(params=CASES, ids=[f"{n}-{lang}-{d}" for n, lang, d in CASES])
def demo(request, tmp_path):
    name, lang, today = request.param
    path = create_tracker(tmp_path / "demo.xlsx", name, lang=lang, today=today, scenario="demo")
    return lang, today, path


def _read(path, lang):
    wb = CalamineWorkbook.from_path(str(path))
    rows = wb.get_sheet_by_name(TASKS[lang]).to_python(skip_empty_area=False)
    tasks = [dict(zip(FIELDS, r)) for r in rows[3:] if r and r[0]]
    campaign = {str(r[0]).lower(): r[1] for r in wb.get_sheet_by_name(wb.sheet_names[1]).to_python()}
    holidays = wb.get_sheet_by_name(wb.sheet_names[3]).to_python()[1:]
    return tasks, campaign, holidays


def test_scenario_by_own_resolution(demo):
    lang, today, path = demo
    tasks, campaign, holidays = _read(path, lang)
    launch = campaign["上线日期" if lang == "zh" else "launch"]
    end = campaign["结束日期" if lang == "zh" else "end"]
    assert launch > today  # the campaign is still ahead: this is the preparation crunch
    cal = WorkCalendar("CN", holidays=[h[0] for h in holidays if h[1] in ("休息", "day off")])
    status = {t["id"]: parse_status(t["status"]) for t in tasks}

    def due(t):
        if isinstance(t["deadline"], dt.date):
            return t["deadline"]
        tp = parse_time_point(t["time_point"])
        return resolve(tp, launch, end, cal) if tp else None

    late = [t["id"] for t in tasks if due(t) and due(t) < today and status[t["id"]] not in ("done", "cancelled")]
    assert len(late) >= 2
    soon = [t["id"] for t in tasks if due(t) and today <= due(t) <= today + dt.timedelta(days=7)
            and status[t["id"]] != "done"]
    assert soon

    counts = Counter(status.values())
    assert counts["blocked"] == 1 and counts["in-review"] == 1 and counts["done"] >= 3
    review = next(t for t in tasks if status[t["id"]] == "in-review")
    # two working days ago: the review clock counts working days only, so the draft is overdue on any weekday
    assert review["submitted"] == dt.datetime.combine(cal.add_workdays(today, -2), dt.time(10))
    assert review["reviewed"] in ("", None)
    for t in tasks:  # finished work with a reviewer looks signed off, before today
        if status[t["id"]] == "done" and t["reviewer"]:
            assert t["submitted"] < t["reviewed"] < dt.datetime.combine(today, dt.time())

    started = ("in-progress", "in-review", "done")
    problems = [(t["id"], p) for t in tasks if status[t["id"]] in started
                for p in str(t["depends_on"]).replace("、", ",").split(",") if p.strip()
                and status[p.strip()] not in ("done", "cancelled")]
    assert len(problems) == 1


def test_scenario_by_engine_findings(demo):
    lang, today, path = demo
    report = api.validate(path, today=today)
    codes = Counter(f.code for f in report.findings)
    assert len({f.task_id for f in report.findings if f.code == "late"}) >= 2
    assert codes["unreviewed"] == 1
    assert codes["dependency-not-done"] == 1
    assert codes["blocked"] == 1
    assert report.exit_code == 0, [f.message for f in report.findings if f.severity == "error"]
    assert not {"unknown-owner", "unknown-dependency", "dependency-cycle", "bad-time-point"} & set(codes)
    health = Counter(t.health for t in report.tasks)
    assert health["done"] >= 3 and health["late"] >= 2
    unreviewed = next(f for f in report.findings if f.code == "unreviewed")
    assert unreviewed.cell.startswith("M")  # the submitted column: the engine names the cell
    # everyone the engine would email has a demo address
    assert all(a.endswith("@example.com") for a in report.campaign.recipients)


def test_demo_ignores_launch_and_is_deterministic(tmp_path):
    today = dt.date(2026, 11, 23)
    a = create_tracker(tmp_path / "a.xlsx", "campaign-launch", today=today, scenario="demo",
                       launch=dt.date(2030, 1, 1))
    b = create_tracker(tmp_path / "b.xlsx", "campaign-launch", today=today, scenario="demo")
    ra, rb = api.validate(a, today=today), api.validate(b, today=today)
    assert ra.campaign.launch == rb.campaign.launch < dt.date(2030, 1, 1)
    assert [(t.id, t.status, t.due) for t in ra.tasks] == [(t.id, t.status, t.due) for t in rb.tasks]


def test_plain_tracker_has_no_progress(tmp_path):
    today = dt.date(2026, 11, 23)
    for name in list_templates():
        path = create_tracker(tmp_path / f"{name}.xlsx", name, lang="en", today=today)
        tasks, campaign, _ = _read(path, "en")
        assert {t["status"] for t in tasks} == {"Not started"}
        assert all(t["submitted"] in ("", None) and t["reviewed"] in ("", None) for t in tasks)
        assert campaign["launch"] == today + dt.timedelta(days=21)
