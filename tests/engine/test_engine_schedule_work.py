"""schedule-risk counts a task's own work: its duration, else the working days from its Start to its deadline on
the tracker's calendar (its Holidays sheet included); with neither it says so, never "needs 0 working days".
Real .xlsx trackers, both languages."""
import datetime as dt

import pytest

import sheetsync.api as api
from support.tracker_factory import make_tracker

D = dt.date
TODAY = D(2026, 11, 9)  # a Monday; no public holiday in November on the CN calendar
CAMPAIGN = {"name": "双十二预热", "launch": D(2026, 12, 1), "end": D(2026, 12, 12)}
PEOPLE = [("张三", "zhangsan@example.com", "运营")]
FIELDS = ("id", "task", "owner", "depends_on", "start", "duration", "deadline", "status")
# T1: 3 working days from today (Mon 11-09 .. Wed 11-11); the others follow it
T1 = {"id": "T1", "task": "海报设计", "owner": "张三", "duration": 3, "deadline": D(2026, 11, 11), "status": "未开始"}


def risks(tmp_path, tasks, lang, holidays=None):
    path = make_tracker(tmp_path / f"t-{lang}.xlsx", [T1, *tasks], fields=FIELDS, lang=lang, campaign=CAMPAIGN,
                        people=PEOPLE, holidays=holidays)
    report = api.validate(path, today=TODAY, lang=lang)
    return {f.task_id: f for f in report.findings if f.code == "schedule-risk"}


@pytest.mark.parametrize("lang, holidays, days, finish, needs", [
    # Wed 11-11 .. Fri 11-13 is 3 working days; it can start after 11-11 and so ends Mon 11-16
    ("en", None, 3, "2026-11-16", "needs 3 working days (from its start date to its deadline)"),
    ("zh", None, 3, "2026-11-16", "本任务需 3 个工作日(按开始日期至截止日期计)"),
    # a day off on the tracker's Holidays sheet (Thu 11-12) leaves 2 working days, and moves the finish too
    ("en", [(D(2026, 11, 12), "Holiday", "team day")], 2, "2026-11-16", "needs 2 working days (from its start"),
    ("zh", [(D(2026, 11, 12), "休息", "团建")], 2, "2026-11-16", "本任务需 2 个工作日(按开始"),
])
def test_work_comes_from_start_to_deadline_on_the_trackers_calendar(tmp_path, lang, holidays, days, finish, needs):
    t2 = {"id": "T2", "task": "海报印刷", "owner": "张三", "depends_on": "T1", "start": D(2026, 11, 11),
          "deadline": D(2026, 11, 13), "status": "未开始"}
    found = risks(tmp_path, [t2], lang, holidays)
    assert set(found) == {"T2"}
    f = found["T2"]
    assert needs in f.message and finish in f.message and "2026-11-13" in f.message
    assert f.params["duration"] == days
    assert "0 working days" not in f.message and "0 个工作日" not in f.message


@pytest.mark.parametrize("lang, needs", [("en", "needs 1 working day (from"), ("zh", "本任务需 1 个工作日(按")])
def test_one_working_day_from_the_dates_is_singular(tmp_path, lang, needs):
    # starts and is due on Wed 11-11, the day T1 ends: one day of work, so it ends Thu 11-12
    t2 = {"id": "T2", "task": "海报印刷", "owner": "张三", "depends_on": "T1", "start": D(2026, 11, 11),
          "deadline": D(2026, 11, 11), "status": "未开始"}
    f = risks(tmp_path, [t2], lang)["T2"]
    assert needs in f.message and "2026-11-12" in f.message


@pytest.mark.parametrize("lang, says", [
    ("en", "its own work is not counted (it has no duration, and no start date to count from)"),
    ("zh", "本任务的工期未计入(没有工期,也没有可计算的开始日期)"),
])
def test_without_duration_or_start_it_says_so_without_a_number(tmp_path, lang, says):
    # due Tue 11-10, but T1 only ends Wed 11-11: late before any work of its own
    t3 = {"id": "T3", "task": "文案", "owner": "张三", "depends_on": "T1", "deadline": D(2026, 11, 10),
          "status": "未开始"}
    f = risks(tmp_path, [t3], lang)["T3"]
    assert says in f.message and "2026-11-11" in f.message and "2026-11-10" in f.message
    assert "working day" not in f.message and "工作日" not in f.message  # no count at all, not even zero
    assert f.params["work_known"] == 0


@pytest.mark.parametrize("lang, needs", [("en", "needs 2 working days, so"), ("zh", "本任务需 2 个工作日,最早")])
def test_a_duration_wins_over_the_dates_and_says_nothing_about_them(tmp_path, lang, needs):
    t2 = {"id": "T2", "task": "海报印刷", "owner": "张三", "depends_on": "T1", "start": D(2026, 11, 11),
          "duration": 2, "deadline": D(2026, 11, 12), "status": "未开始"}
    f = risks(tmp_path, [t2], lang)["T2"]
    assert needs in f.message and "2026-11-13" in f.message  # 11-11 + 2 working days
    assert "start date" not in f.message and "开始日期至" not in f.message


def test_a_plan_that_fits_its_dates_is_no_risk(tmp_path):
    # starts the day after T1 ends and is due three working days later: fits exactly
    t2 = {"id": "T2", "task": "海报印刷", "owner": "张三", "depends_on": "T1", "start": D(2026, 11, 12),
          "deadline": D(2026, 11, 16), "status": "未开始"}
    assert risks(tmp_path, [t2], "en") == {}
