"""One clock per run (sheetsync.clock): read once, in the tracker's zone, from --today, SHEETSYNC_TODAY,
SHEETSYNC_NOW or the machine; the config's zone beats the Campaign sheet's, which beats the machine's."""
from __future__ import annotations

import datetime as dt

import pytest

from sheetsync import api
from sheetsync import registry as sources
from sheetsync.clock import Clock, make_clock, machine_zone
from sheetsync.model import SheetsyncError
from support.tracker_factory import make_tracker

D = dt.date
MONDAY_2330_UTC = "2026-11-23T23:30:00+00:00"  # already Tuesday 07:30 in Shanghai


@pytest.fixture
def no_env(monkeypatch):
    for var in ("SHEETSYNC_NOW", "SHEETSYNC_TODAY"):
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


def workbook(tmp_path, **campaign):
    tasks = [{"id": "T1", "task": "方案", "owner": "张三", "status": "进行中", "deadline": D(2026, 11, 27)}]
    tmp_path.mkdir(parents=True, exist_ok=True)
    return sources.read(make_tracker(tmp_path / "t.xlsx", tasks, campaign={"name": "活动", **campaign}))


def test_sheetsync_now_is_read_in_the_trackers_zone(no_env):
    no_env.setenv("SHEETSYNC_NOW", MONDAY_2330_UTC)
    shanghai = make_clock("Asia/Shanghai")
    assert shanghai == Clock(D(2026, 11, 24), dt.datetime(2026, 11, 24, 7, 30), "Asia/Shanghai")
    assert shanghai.aware == dt.datetime.fromisoformat(MONDAY_2330_UTC)
    assert make_clock("Europe/London").today == D(2026, 11, 23)


def test_today_pins_the_moment_and_beats_the_environment(no_env):
    no_env.setenv("SHEETSYNC_NOW", MONDAY_2330_UTC)
    assert make_clock("Asia/Shanghai", "2026-11-23").now == dt.datetime(2026, 11, 23, 0, 0)  # a date: its start
    assert make_clock("Asia/Shanghai", "2026-11-23T08:30").now == dt.datetime(2026, 11, 23, 8, 30)  # wall time there
    assert make_clock("Asia/Shanghai", "2026-11-23T08:30+00:00").now == dt.datetime(2026, 11, 23, 16, 30)
    no_env.setenv("SHEETSYNC_TODAY", "2026-10-12")
    assert make_clock("Asia/Shanghai").today == D(2026, 10, 12)


def test_a_bad_moment_is_one_line_in_both_languages(no_env):
    no_env.setenv("SHEETSYNC_NOW", "2026-11-23T23:30")  # no offset: which 23:30?
    with pytest.raises(SheetsyncError) as err:
        make_clock("Asia/Shanghai")
    assert "SHEETSYNC_NOW" in err.value.en and "时区偏移" in err.value.zh
    with pytest.raises(SheetsyncError):
        make_clock("Asia/Shanghai", "next monday")


def test_the_zone_is_the_configs_else_the_sheets_else_the_machines(tmp_path, no_env):
    no_env.setenv("SHEETSYNC_NOW", MONDAY_2330_UTC)
    no_env.setenv("TZ", "America/New_York")
    assert machine_zone() == "America/New_York"
    in_sheet = workbook(tmp_path / "a", timezone="Asia/Shanghai")
    assert api.clock_for(in_sheet).zone == "Asia/Shanghai"
    assert api.clock_for(in_sheet, overrides={"timezone": "Europe/London"}).zone == "Europe/London"
    bare = workbook(tmp_path / "b")
    clock = api.clock_for(bare)
    assert (clock.zone, clock.now) == ("America/New_York", dt.datetime(2026, 11, 23, 18, 30))


def test_the_report_carries_the_clock_the_engine_used(tmp_path, no_env):
    no_env.setenv("SHEETSYNC_NOW", MONDAY_2330_UTC)
    path = make_tracker(tmp_path / "t.xlsx", [{"id": "T1", "task": "方案", "owner": "张三", "status": "待审核",
                                               "deadline": D(2026, 11, 27), "submitted": dt.datetime(2026, 11, 22, 9)}],
                        campaign={"name": "活动", "timezone": "Asia/Shanghai"})
    report = api.validate(path)
    assert report.today == D(2026, 11, 24) and report.clock.now == dt.datetime(2026, 11, 24, 7, 30)
    waited = next(f for f in report.findings if f.code == "unreviewed")
    # working hours: Sunday is off, so Mon 00:00 to Tue 07:30 in Shanghai (31 h); the UTC date would give 23 h
    assert "31 小时" in waited.message
