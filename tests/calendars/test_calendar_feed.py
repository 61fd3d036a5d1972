"""`sheetsync calendar`: the deadline feeds read back through icalendar as a calendar app reads them; UIDs that
stay the same from run to run (and when rows move), so a subscription updates its events; a task done or
cancelled leaves every feed; each owner's feed holds only their tasks (a task with two owners is in both)."""
from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings, strategies as st
from icalendar import Calendar

from sheetsync import api
from sheetsync.calendar_feed import TEAM_FILE, person_file
from support.tracker_factory import make_tracker

TODAY = "2026-12-07"
D = dt.date
FIELDS = ("id", "stage", "task", "owner", "deadline", "status")


def rows() -> list[dict]:
    return [dict(id="T1", stage="筹备", task="活动方案", owner="张三", status="进行中", deadline=D(2026, 12, 4)),
            dict(id="T2", stage="筹备", task="预算审批", owner="李四、张三", status="未开始", deadline=D(2026, 12, 22)),
            dict(id="T3", stage="执行", task="海报", owner="王五", status="已完成", deadline=D(2026, 12, 10)),
            dict(id="T4", stage="执行", task="直播", owner="Anna Lee", status="已取消", deadline=D(2026, 12, 24)),
            dict(id="T5", stage="执行", task="门店培训", owner="Anna Lee", status="进行中", deadline=D(2026, 12, 18))]


def events(path: Path) -> dict[str, dict]:
    """UID -> the event's fields, as icalendar reads the file back."""
    cal = Calendar.from_ical(path.read_bytes())
    return {str(e["uid"]): {"summary": str(e["summary"]), "start": e.decoded("dtstart"), "end": e.decoded("dtend"),
                            "description": str(e["description"])} for e in cal.walk("VEVENT")}


def feed(tmp_path: Path, tasks: list[dict], name: str = "feeds"):
    tracker = make_tracker(tmp_path / "tracker.xlsx", tasks, fields=FIELDS)
    return tracker, api.calendar(tracker, tmp_path / name, today=TODAY)


def test_feeds_read_back_with_each_open_deadline_as_an_all_day_event(tmp_path):
    tracker, feeds = feed(tmp_path, rows())
    team = events(feeds.folder / TEAM_FILE)
    by_task = {e["summary"].split(" · ")[0]: e for e in team.values()}
    assert set(by_task) == {"T1 活动方案", "T2 预算审批", "T5 门店培训"}  # done and cancelled are left out
    t1 = by_task["T1 活动方案"]
    assert t1["start"] == D(2026, 12, 4) and t1["end"] == D(2026, 12, 5)  # a date: all day
    assert t1["summary"].endswith("逾期")  # its state, in the tracker's language
    assert "阶段：筹备" in t1["description"] and "状态：进行中" in t1["description"]
    assert str(tracker.resolve()) in t1["description"]  # the tracker's link: the file's path
    assert feeds.files[TEAM_FILE] == list(team)


def test_each_owner_gets_only_their_tasks_and_a_shared_task_is_in_both(tmp_path):
    _, feeds = feed(tmp_path, rows())
    of = {p: {e["summary"].split(" · ")[0] for e in events(feeds.folder / person_file(p)).values()}
          for p in ("张三", "李四", "Anna Lee")}
    assert of == {"张三": {"T1 活动方案", "T2 预算审批"}, "李四": {"T2 预算审批"}, "Anna Lee": {"T5 门店培训"}}
    assert not (feeds.folder / person_file("王五")).exists()  # only a done task: no feed
    team = events(feeds.folder / TEAM_FILE)
    for p in ("张三", "李四", "Anna Lee"):
        assert set(events(feeds.folder / person_file(p))) <= set(team)  # the same UID as in the team's feed


def test_a_second_run_gives_the_same_uids_even_after_rows_move(tmp_path):
    _, first = feed(tmp_path, rows())
    again = api.calendar(tmp_path / "tracker.xlsx", tmp_path / "feeds", today=TODAY)
    assert again.files == first.files
    moved = [dict(id="T0", stage="筹备", task="新任务", owner="张三", status="未开始", deadline=D(2026, 12, 30))]
    moved += list(reversed(rows()))
    (tmp_path / "tracker.xlsx").unlink()
    _, after = feed(tmp_path, moved)
    assert set(first.files[TEAM_FILE]) < set(after.files[TEAM_FILE])  # every old event kept its UID


def test_a_task_marked_done_leaves_the_team_feed_and_its_owners(tmp_path):
    tracker, first = feed(tmp_path, rows())
    anna = first.folder / person_file("Anna Lee")
    assert len(events(anna)) == 1
    wb = openpyxl.load_workbook(tracker)
    for row in wb.worksheets[0].iter_rows():
        if row[0].value == "T5":
            row[5].value = "已完成"
    wb.save(tracker)
    second = api.calendar(tracker, tmp_path / "feeds", today=TODAY)
    team = events(second.folder / TEAM_FILE)
    assert len(team) == 2 and not any("T5" in e["summary"] for e in team.values())
    assert events(anna) == {}  # still there, empty: the subscription empties instead of failing
    assert "Anna Lee" in str(Calendar.from_ical(anna.read_bytes())["x-wr-calname"])


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=60))
def test_a_persons_file_name_is_safe_and_their_own(name):
    file = person_file(name)
    assert re.fullmatch(r"person-([a-z0-9]+(-[a-z0-9]+)*-)?[0-9a-f]{10}\.ics", file), file
    assert person_file(name + "x") != file


def test_the_nightly_writes_the_feeds_when_the_config_says_where(tmp_path):
    make_tracker(tmp_path / "tracker.xlsx", rows(), fields=FIELDS)
    config = tmp_path / "sheetsync.toml"
    config.write_text('state = "state"\n[smtp]\nhost = "localhost"\nfrom = "sheetsync@localhost"\n'
                      '[jobs.calendar]\nics = "feeds"\n[[trackers]]\nname = "summer"\nsource = "tracker.xlsx"\n',
                      encoding="utf-8")
    summary = api.run_nightly(config, today=TODAY, outbox=tmp_path / "out")
    assert summary.exit_code == 0
    nightly = events(tmp_path / "feeds" / "summer" / TEAM_FILE)
    assert len(nightly) == 3
    alone = api.calendar(tmp_path / "tracker.xlsx", tmp_path / "alone", today=TODAY)
    assert set(alone.files[TEAM_FILE]) == set(nightly)  # the same tracker: the same UIDs either way


def test_cli_calendar_says_what_it_wrote_and_refuses_without_a_folder(tmp_path):
    tracker = make_tracker(tmp_path / "tracker.xlsx", rows(), fields=FIELDS)
    run = [sys.executable, "-m", "sheetsync", "calendar", str(tracker), "--today", TODAY]
    ok = subprocess.run(run + ["--ics", str(tmp_path / "f"), "--lang", "en"], capture_output=True, text=True,
                        timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("Wrote 4 calendar feeds to") and "3 deadlines" in ok.stdout
    missing = subprocess.run(run, capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "--ics" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_config_check_names_an_unknown_calendar_key(tmp_path):
    from sheetsync.jobs import ConfigError, load_config
    make_tracker(tmp_path / "tracker.xlsx", rows(), fields=FIELDS)
    config = tmp_path / "sheetsync.toml"
    config.write_text('[smtp]\nhost = "localhost"\nfrom = "sheetsync@localhost"\n[jobs.calendar]\nfolder = "x"\n'
                      '[[trackers]]\nname = "summer"\nsource = "tracker.xlsx"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(config)
    assert "jobs.calendar.folder" in str(err.value) and "ics" in str(err.value)
