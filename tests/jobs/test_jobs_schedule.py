"""The embedded scheduler under a controlled clock: zones, catch-up, failing jobs, the lock, signals, DST."""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sheetsync.jobs import AlreadyRunning, exclusive
from sheetsync.jobs.scheduler import ClockedScheduler, JobSet, last_due, serve

from support.jobs_fixtures import UTC, Clock, make_config, memory_log, process_zone

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


class Calls:
    def __init__(self, clock: Clock, fail: set[str] = frozenset()):
        self.clock, self.fail = clock, fail
        self.nightly: list[tuple[list[str], dt.datetime]] = []
        self.digest: list[tuple[list[str], str, dt.datetime]] = []
        self.sent: set[tuple[str, str]] = set()

    def do_nightly(self, trackers):
        self.nightly.append(([t.name for t in trackers], self.clock()))
        if any(t.name in self.fail for t in trackers):
            raise RuntimeError("sheet is locked by another user")

    def do_digest(self, trackers, period):
        self.digest.append(([t.name for t in trackers], period, self.clock()))
        if any(t.name in self.fail for t in trackers):
            raise RuntimeError("SMTP refused")
        self.sent.update((t.name, period) for t in trackers)

    def was_sent(self, tracker, period) -> bool:
        return (tracker.name, period) in self.sent

    def jobset(self, config, scheduler, log):
        return JobSet(config, scheduler, log, nightly=self.do_nightly, digest=self.do_digest, digest_sent=self.was_sent)


@pytest.mark.parametrize("machine_zone", ["UTC", "America/Los_Angeles"])
def test_digest_fires_at_0830_shanghai_whatever_the_machine_zone(tmp_path, machine_zone):
    config = make_config(tmp_path)
    clock = Clock(dt.datetime(2026, 11, 22, 12, 0, tzinfo=UTC))  # Sunday 20:00 in Shanghai
    calls = Calls(clock)
    with process_zone(machine_zone):
        scheduler = ClockedScheduler(clock)
        calls.jobset(config, scheduler, memory_log(clock))
        clock.set(2026, 11, 23, 0, 29, 59)  # Monday 08:29:59 Shanghai
        scheduler.run_pending()
        assert calls.digest == []
        clock.set(2026, 11, 23, 0, 30, 0)  # Monday 08:30:00 Shanghai
        scheduler.run_pending()
        assert [(names, period) for names, period, _ in calls.digest] == [(["summer"], "2026-W48")]
        clock.set(2026, 11, 23, 0, 45, 0)
        scheduler.run_pending()
        assert len(calls.digest) == 1
        # the next one is a week later, again 00:30 UTC
        assert scheduler.get_next_run("digest").astimezone() == dt.datetime(2026, 11, 30, 0, 30, tzinfo=UTC)


def test_nightly_fires_at_0200_local_each_zone(tmp_path):
    config = make_config(tmp_path, trackers=(("cn", "Asia/Shanghai"), ("uk", "Europe/London")))
    clock = Clock(dt.datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    calls = Calls(clock)
    with process_zone("UTC"):
        scheduler = ClockedScheduler(clock)
        calls.jobset(config, scheduler, memory_log(clock))
        for hour in range(13, 24 + 4):
            clock.now = dt.datetime(2026, 11, 22, 12, 0, tzinfo=UTC) + dt.timedelta(hours=hour - 12)
            scheduler.run_pending()
    assert [(names, when.hour) for names, when in calls.nightly] == [(["cn"], 18), (["uk"], 2)]


def test_failing_job_is_logged_and_the_next_still_runs(tmp_path):
    # two zones with the same offset give two jobs due at the same instant: the first raises
    config = make_config(tmp_path, trackers=(("broken", "Asia/Chongqing"), ("fine", "Asia/Shanghai")))
    clock = Clock(dt.datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    calls = Calls(clock, fail={"broken"})
    log = memory_log(clock)
    with process_zone("UTC"):
        scheduler = ClockedScheduler(clock)
        calls.jobset(config, scheduler, log)
        clock.set(2026, 11, 22, 18, 0, 0)
        scheduler.run_pending()  # must not raise
        clock.set(2026, 11, 23, 0, 30, 0)
        scheduler.run_pending()
    assert sorted(names[0] for names, _ in calls.nightly) == ["broken", "fine"]
    assert sorted(names[0] for names, _, _ in calls.digest) == ["broken", "fine"]
    errors = [line for line in log.lines if "status=error" in line]
    assert len(errors) == 2 and all("RuntimeError" in line for line in errors)
    assert any(line.startswith("2026-11-23T02:00:00+08:00 nightly") for line in errors)
    assert ("fine", "2026-W48") in calls.sent and ("broken", "2026-W48") not in calls.sent


def run_serve_until_running(config, calls, clock, log):
    """serve() in a thread until it logs that the loop is running, then stop it; returns its exit code."""
    stop = threading.Event()
    result: list[int] = []
    thread = threading.Thread(target=lambda: result.append(
        serve(config, nightly=calls.do_nightly, digest=calls.do_digest, digest_sent=calls.was_sent, clock=clock,
              log=log, stop=stop, handle_signals=False, max_wait=0.05)))
    thread.start()
    deadline = time.monotonic() + 30
    while not any("status=running" in line for line in log.lines):
        assert time.monotonic() < deadline and thread.is_alive(), log.lines
        time.sleep(0.01)
    stop.set()
    thread.join(30)
    assert not thread.is_alive()
    return result[0]


def test_catch_up_sends_a_missed_digest_once(tmp_path):
    config = make_config(tmp_path)
    clock = Clock(dt.datetime(2026, 11, 23, 1, 30, tzinfo=UTC))  # Monday 09:30 Shanghai, digest was due 08:30
    calls = Calls(clock)
    with process_zone("UTC"):
        log = memory_log(clock)
        assert run_serve_until_running(config, calls, clock, log) == 0
        assert [(n, p) for n, p, _ in calls.digest] == [(["summer"], "2026-W48")]
        assert any("status=catch-up" in line and "period=2026-W48" in line for line in log.lines)
        # a second start: the injected ledger says it was sent
        clock.set(2026, 11, 23, 2, 0, 0)
        log2 = memory_log(clock)
        assert run_serve_until_running(config, calls, clock, log2) == 0
        assert len(calls.digest) == 1
        assert not any("catch-up" in line for line in log2.lines)
        assert log2.lines[-1].endswith("schedule status=stopped")


@pytest.mark.parametrize("now,expected", [
    (dt.datetime(2026, 11, 23, 0, 0, tzinfo=UTC), False),  # Monday 08:00 Shanghai: not due yet this week
    (dt.datetime(2026, 11, 29, 15, 0, tzinfo=UTC), True),  # Sunday 23:00: this week's is still unsent
    (dt.datetime(2026, 11, 29, 16, 0, tzinfo=UTC), False),  # Monday 00:00 next week: last week's is old news
])
def test_catch_up_only_within_the_period(tmp_path, now, expected):
    config = make_config(tmp_path)
    clock = Clock(now)
    calls = Calls(clock)
    with process_zone("UTC"):
        scheduler = ClockedScheduler(clock)
        jobs = calls.jobset(config, scheduler, memory_log(clock))
        assert jobs.catch_up() == (1 if expected else 0)
    assert len(calls.digest) == (1 if expected else 0)


def test_last_due_in_the_trackers_zone():
    now = dt.datetime(2026, 11, 23, 1, 30, tzinfo=UTC)
    assert last_due(now, 0, dt.time(8, 30), "Asia/Shanghai") == dt.datetime(2026, 11, 23, 8, 30,
                                                                             tzinfo=ZoneInfo("Asia/Shanghai"))
    # in New York it is still Sunday evening: the last Monday 08:30 was a week ago
    assert last_due(now, 0, dt.time(8, 30), "America/New_York").date() == dt.date(2026, 11, 16)


def test_second_lock_attempt_refuses(tmp_path):
    with exclusive(tmp_path / "state", "scheduler") as path:
        assert path.exists()
        with pytest.raises(AlreadyRunning) as info:
            with exclusive(tmp_path / "state", "scheduler"):
                pass
        assert "already running" in info.value.en and "正在运行" in info.value.zh
        assert "\n" not in info.value.en
    with exclusive(tmp_path / "state", "scheduler"):  # released: free again
        pass


def test_serve_refuses_when_the_lock_is_held(tmp_path):
    config = make_config(tmp_path)
    clock = Clock(dt.datetime(2026, 11, 23, 1, 30, tzinfo=UTC))
    calls = Calls(clock)
    with exclusive(config.state, "scheduler"):
        with pytest.raises(AlreadyRunning):
            serve(config, nightly=calls.do_nightly, digest=calls.do_digest, digest_sent=calls.was_sent, clock=clock,
                  log=memory_log(clock), handle_signals=False)
    assert calls.digest == []  # refused before any catch-up


def _spawn(config_path: Path, mode: str, release: Path, tmp_path: Path, tag: str):
    out, err = tmp_path / f"{tag}.out", tmp_path / f"{tag}.err"
    env = dict(os.environ, TZ="UTC", PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, str(HERE / "jobs_serve_script.py"), str(config_path), mode, str(release)],
                            stdout=out.open("w"), stderr=err.open("w"), env=env, cwd=str(tmp_path))
    return proc, out, err


def _wait_for(path: Path, text: str, proc) -> None:
    deadline = time.monotonic() + 60
    while text not in path.read_text(encoding="utf-8"):
        assert proc.poll() is None, f"exited {proc.returncode}: {path.read_text()}"
        assert time.monotonic() < deadline, path.read_text()
        time.sleep(0.02)


def test_sigterm_finishes_the_running_job_then_exits_0(tmp_path):
    config = make_config(tmp_path)
    release = tmp_path / "release"
    proc, out, err = _spawn(config.path, "busy", release, tmp_path, "busy")
    try:
        _wait_for(out, "job started 2026-W48", proc)
        # meanwhile a second runner on the same state directory refuses with one line and exit 2
        second, out2, err2 = _spawn(config.path, "idle", tmp_path / "never", tmp_path, "second")
        assert second.wait(60) == 2
        lines = err2.read_text(encoding="utf-8").strip().splitlines()
        assert len(lines) == 1 and "already running" in lines[0], lines
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.2)  # not a timing assertion: gives the handler a chance to run while the job still works
        assert proc.poll() is None  # the job is not abandoned
        release.touch()
        assert proc.wait(60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "job finished 2026-W48" in out.read_text(encoding="utf-8")
    log = err.read_text(encoding="utf-8").strip().splitlines()
    assert log[-1].endswith("schedule status=stopped signal=SIGTERM"), log
    assert log[-1].startswith("2026-11-23T")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_while_idle_stops_cleanly(tmp_path, sig):
    config = make_config(tmp_path)
    proc, out, err = _spawn(config.path, "idle", tmp_path / "never", tmp_path, "idle")
    try:
        _wait_for(err, "status=running", proc)
        proc.send_signal(sig)
        assert proc.wait(60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    log = err.read_text(encoding="utf-8")
    assert f"status=stopped signal={sig.name}" in log
    assert "job started" not in out.read_text(encoding="utf-8")
    assert "Traceback" not in log


def _step_day(tmp_path, zone: str, at: str, start: dt.datetime, end: dt.datetime):
    config = make_config(tmp_path, trackers=(("us", zone),), nightly=at)
    clock = Clock(start)
    calls = Calls(clock)
    with process_zone("UTC"):
        scheduler = ClockedScheduler(clock)
        calls.jobset(config, scheduler, memory_log(clock))
        while clock.now < end:
            clock.now += dt.timedelta(minutes=1)
            scheduler.run_pending()
    return [when.astimezone(ZoneInfo(zone)) for _, when in calls.nightly]


def test_daily_job_fires_once_on_the_fall_back_day(tmp_path):
    # 2026-11-01: New York clocks go from 01:59 EDT back to 01:00 EST, so 01:30 happens twice
    fired = _step_day(tmp_path, "America/New_York", "01:30",
                      dt.datetime(2026, 10, 30, 12, 0, tzinfo=UTC), dt.datetime(2026, 11, 3, 12, 0, tzinfo=UTC))
    assert [f.date() for f in fired] == [dt.date(2026, 10, 31), dt.date(2026, 11, 1), dt.date(2026, 11, 2),
                                         dt.date(2026, 11, 3)]
    assert all((f.hour, f.minute) == (1, 30) for f in fired)
    assert [f.utcoffset() for f in fired][:2] == [dt.timedelta(hours=-4), dt.timedelta(hours=-4)]
    assert fired[2].utcoffset() == dt.timedelta(hours=-5)


def test_daily_job_fires_once_on_the_spring_forward_day(tmp_path):
    # 2026-03-08: 02:00 EST jumps to 03:00 EDT, so 02:30 does not exist that day; it still runs exactly once
    fired = _step_day(tmp_path, "America/New_York", "02:30",
                      dt.datetime(2026, 3, 6, 12, 0, tzinfo=UTC), dt.datetime(2026, 3, 10, 0, 0, tzinfo=UTC))
    days = [f.date() for f in fired]
    assert days == [dt.date(2026, 3, 7), dt.date(2026, 3, 8), dt.date(2026, 3, 9)]
    assert fired[1].hour == 3  # the first moment after the gap


def test_the_chat_held_in_quiet_hours_goes_at_their_end_in_each_trackers_zone(tmp_path):
    import dataclasses
    from sheetsync.jobs.config import ChannelConfig
    from sheetsync.jobs.quiet import parse_quiet_hours
    config = make_config(tmp_path, trackers=(("cn", "Asia/Shanghai"), ("uk", "Europe/London"), ("mute", "UTC")))
    ch = (ChannelConfig("dingtalk", "ops", "HOOK"),)
    cn, uk, mute = config.trackers
    config = dataclasses.replace(config, trackers=[
        dataclasses.replace(cn, channels=ch), dataclasses.replace(uk, channels=ch,
                                                                  quiet_hours=parse_quiet_hours("22:00-07:00")),
        dataclasses.replace(mute, channels=ch, quiet_hours=None)])  # quiet hours off: nothing is ever held
    clock = Clock(dt.datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    calls = Calls(clock)
    chat: list[tuple[list[str], dt.datetime]] = []
    with process_zone("UTC"):
        scheduler = ClockedScheduler(clock)
        JobSet(config, scheduler, memory_log(clock), nightly=calls.do_nightly, digest=calls.do_digest,
               digest_sent=calls.was_sent, chat=lambda trackers: chat.append(([t.name for t in trackers], clock())))
        for minute in range(0, 24 * 60, 15):
            clock.now = dt.datetime(2026, 11, 22, 12, 0, tzinfo=UTC) + dt.timedelta(minutes=minute)
            scheduler.run_pending()
    # 08:30 in Shanghai is 00:30 UTC; 07:00 in London is 07:00 UTC (winter); once each
    assert [(names, when.strftime("%H:%M")) for names, when in chat] == [(["cn"], "00:30"), (["uk"], "07:00")]
