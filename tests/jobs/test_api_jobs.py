"""The job commands as a library: sheetsync.api.run_nightly, run_digest, run_notice, schedule and fleet_status over
a real config, a real tracker and an outbox, as the CLI calls them (the CLI tests run the same through processes)."""
from __future__ import annotations

import datetime as dt
import threading
import time
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from support.jobs_fixtures import config_text
from sheetsync import api
from sheetsync.jobs import load_config
from sheetsync.jobs.commands import rehearsal_clock
from sheetsync.model import SheetsyncError
from sheetsync.templates import create_tracker

MONDAY = dt.date(2026, 11, 23)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def config(tmp_path):
    create_tracker(tmp_path / "summer.xlsx", "campaign-launch", lang="zh", today=MONDAY, scenario="demo")
    path = tmp_path / "sheetsync.toml"
    path.write_text(config_text([("summer", "Asia/Shanghai")]), encoding="utf-8")
    return path


def test_run_nightly_syncs_every_tracker_of_the_config(config, tmp_path):
    summary = api.run_nightly(config, today=MONDAY, outbox=tmp_path / "notes")
    assert summary.job == "nightly" and summary.exit_code == 0
    assert [(r.tracker, r.status) for r in summary.results] == [("summer", "ok")]
    assert "同步报告" in openpyxl.load_workbook(tmp_path / "summer.xlsx").sheetnames  # really synced
    with pytest.raises(SheetsyncError) as caught:
        api.run_nightly(config, only=["winter"], today=MONDAY)
    assert "winter" in caught.value.message("en")


def test_run_digest_takes_a_loaded_config_and_sends_once_per_week(config, tmp_path):
    out = tmp_path / "out"
    first = api.run_digest(load_config(config), today=MONDAY, outbox=out)
    assert first.exit_code == 0 and [r.status for r in first.results] == ["ok"]
    written = sorted(out.glob("*.eml"))
    assert len(written) >= 2  # the team digest and at least one personal digest
    again = api.run_digest(config, period="2026-W48", today=MONDAY, outbox=out)
    assert again.exit_code == 0 and sorted(out.glob("*.eml")) == written
    with pytest.raises(SheetsyncError):  # a bad week is one line, before any work
        api.run_digest(config, period="week 48", today=MONDAY, outbox=out)


def test_run_notice_sends_nothing_before_it_is_due_and_previews_any_day(config, tmp_path):
    early = dt.date(2026, 1, 5)
    # not due: nothing is tried (the config's SMTP server does not exist, so a send would fail the run)
    summary = api.run_notice(config, today=early)
    assert summary.job == "notice" and summary.exit_code == 0 and [r.status for r in summary.results] == ["ok"]
    assert not (tmp_path / "state" / "outbox").exists()
    preview = api.run_notice(config, today=early, outbox=tmp_path / "out")
    assert preview.exit_code == 0 and list((tmp_path / "out").glob("*.eml"))


def test_schedule_catches_up_the_missed_digest_and_stops(config, tmp_path):
    tuesday = dt.datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)  # Monday 08:30 has passed: caught up once
    stop, out = threading.Event(), tmp_path / "out"

    def stop_when_written():
        for _ in range(600):
            if list(out.glob("*.eml")):
                break
            time.sleep(0.1)
        stop.set()

    watcher = threading.Thread(target=stop_when_written)
    watcher.start()
    try:
        assert api.schedule(config, outbox=out, clock=lambda: tuesday, stop=stop, handle_signals=False) == 0
    finally:
        stop.set()
        watcher.join()
    assert len(list(out.glob("*.eml"))) >= 2  # the team digest and a personal one, from the start-up catch-up


def test_fleet_status_of_a_config_without_fleet_runs(config):
    (line,) = api.fleet_status(config, lang="en")
    assert line.startswith("No fleet run recorded yet")


def test_the_rehearsal_clock_starts_at_sheetsync_now_and_runs():
    assert rehearsal_clock({}) is None
    clock = rehearsal_clock({"SHEETSYNC_NOW": "2026-11-23T08:29:50+08:00"})
    first = clock()
    assert first >= dt.datetime(2026, 11, 23, 8, 29, 50, tzinfo=SHANGHAI)
    assert first - dt.datetime(2026, 11, 23, 8, 29, 50, tzinfo=SHANGHAI) < dt.timedelta(seconds=5)
    time.sleep(0.05)
    assert clock() > first


def test_init_config_writes_a_config_that_checks_and_init_never_overwrites(tmp_path):
    written = api.init_config(tmp_path / "sheetsync.toml")
    assert written[0] == tmp_path / "sheetsync.toml" and all(p.is_file() for p in written) and len(written) == 2
    assert [t.name for t in api.check_config(written[0]).trackers] == ["summer"]
    tracker = api.init(tmp_path / "new.xlsx", lang="en", launch="2026-12-15")
    assert openpyxl.load_workbook(tracker).sheetnames
    with pytest.raises(SheetsyncError) as caught:
        api.init(tracker)
    assert "already exists" in caught.value.message("en")
    with pytest.raises(SheetsyncError):
        api.init(tmp_path / "other.xlsx", template="no-such-template")
