"""One-shot nightly and digest runs: new-error notes, idempotent reruns, isolation of failures, log lines."""
from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest

from sheetsync import api
from sheetsync.jobs import DigestOutcome, NightlyOutcome, run_digest, run_nightly
from sheetsync.jobs.eventlog import EventLog
from sheetsync.jobs.store import default_store

from support.jobs_fixtures import UTC, Clock, make_config

NIGHT = dt.datetime(2026, 11, 22, 18, 0, 1, tzinfo=UTC)  # 02:00:01 on Monday 2026-11-23 in Shanghai


class Sheets:
    """Stands in for the engine: the error keys each tracker has tonight, or an exception."""

    def __init__(self, **errors):
        self.errors = errors
        self.calls: list[tuple[str, dt.date]] = []

    def sync_one(self, tracker, today):
        self.calls.append((tracker.name, today))
        value = self.errors[tracker.name]
        if isinstance(value, Exception):
            raise value
        return NightlyOutcome(errors=frozenset(value), written=len(value))


class Mailbox:
    def __init__(self, fail: bool = False):
        self.sent: list[tuple[str, str, list]] = []
        self.fail = fail

    def __call__(self, tracker, new_errors, outcome, today):
        if self.fail:
            raise ConnectionRefusedError("SMTP 127.0.0.1:2525 refused")
        self.sent.append((tracker.owner, tracker.name, list(new_errors)))


def log_for(clock) -> EventLog:
    return EventLog(io.StringIO(), clock=clock)


def test_owner_is_mailed_only_about_new_errors_and_reruns_send_nothing(tmp_path):
    config = make_config(tmp_path, owner="owner@example.com")
    clock = Clock(NIGHT)
    mail = Mailbox()
    first = Sheets(summer={("bad-date", "任务!F3")})
    summary = run_nightly(config, sync_one=first.sync_one, notify_owner=mail, log=log_for(clock), clock=clock)
    assert summary.exit_code == 0 and mail.sent == []  # the first night is the baseline
    assert first.calls == [("summer", dt.date(2026, 11, 23))]

    clock.now += dt.timedelta(days=1)
    second = Sheets(summer={("bad-date", "任务!F3"), ("unknown-dependency", "任务!E3"), ("bad-date", "任务!F9")})
    log = log_for(clock)
    summary = run_nightly(config, sync_one=second.sync_one, notify_owner=mail, log=log, clock=clock)
    assert mail.sent == [("owner@example.com", "summer", [("bad-date", "任务!F9"), ("unknown-dependency", "任务!E3")])]
    assert summary.results[0].new_errors == (("bad-date", "任务!F9"), ("unknown-dependency", "任务!E3"))
    assert log.lines == ["2026-11-24T02:00:01+08:00 nightly tracker=summer status=ok errors=3 new=2 "
                         "notified=owner@example.com written=3"]

    # the same night again (cron started it twice): nothing new, no second note
    summary = run_nightly(config, sync_one=second.sync_one, notify_owner=mail, log=log_for(clock), clock=clock)
    assert len(mail.sent) == 1 and summary.results[0].new_errors == ()

    # an error fixed and none added: still no note
    third = Sheets(summer={("bad-date", "任务!F3")})
    run_nightly(config, sync_one=third.sync_one, notify_owner=mail, log=log_for(clock), clock=clock)
    assert len(mail.sent) == 1
    # ...but one that comes back is new again
    run_nightly(config, sync_one=second.sync_one, notify_owner=mail, log=log_for(clock), clock=clock)
    assert len(mail.sent) == 2
    stored = default_store(config.state).previous("summer")  # in the state store, as a fleet's are
    assert len(stored) == 3


def test_one_failing_tracker_does_not_stop_the_others(tmp_path):
    config = make_config(tmp_path, trackers=(("a", "Asia/Shanghai"), ("b", "Asia/Shanghai"), ("c", "Asia/Shanghai")))
    clock = Clock(NIGHT)
    sheets = Sheets(a=set(), b=PermissionError("任务 sheet is protected"), c={("bad-date", "任务!F3")})
    log = log_for(clock)
    summary = run_nightly(config, sync_one=sheets.sync_one, notify_owner=Mailbox(), log=log, clock=clock)
    assert [c[0] for c in sheets.calls] == ["a", "b", "c"]
    assert [r.status for r in summary.results] == ["ok", "failed", "ok"]
    assert summary.exit_code == 1 and [r.tracker for r in summary.failed] == ["b"]
    assert 'tracker=b status=failed error="PermissionError: 任务 sheet is protected"' in log.lines[1]
    assert default_store(config.state).previous("b") is None  # nothing recorded for a failed sync
    assert default_store(config.state).previous("c") == {("bad-date", "任务!F3")}


def test_a_failed_note_is_retried_next_run(tmp_path):
    config = make_config(tmp_path, owner="owner@example.com")
    clock = Clock(NIGHT)
    run_nightly(config, sync_one=Sheets(summer=set()).sync_one, notify_owner=Mailbox(), log=log_for(clock), clock=clock)
    broken = Sheets(summer={("bad-date", "任务!F3")})
    summary = run_nightly(config, sync_one=broken.sync_one, notify_owner=Mailbox(fail=True), log=log_for(clock),
                          clock=clock)
    assert summary.exit_code == 1 and "ConnectionRefusedError" in summary.results[0].detail
    mail = Mailbox()
    run_nightly(config, sync_one=broken.sync_one, notify_owner=mail, log=log_for(clock), clock=clock)
    assert mail.sent == [("owner@example.com", "summer", [("bad-date", "任务!F3")])]


def test_no_owner_no_note_but_errors_are_remembered(tmp_path):
    config = make_config(tmp_path)
    clock = Clock(NIGHT)
    mail = Mailbox()
    run_nightly(config, sync_one=Sheets(summer=set()).sync_one, notify_owner=mail, log=log_for(clock), clock=clock)
    summary = run_nightly(config, sync_one=Sheets(summer={("x", "A1")}).sync_one, notify_owner=mail,
                          log=log_for(clock), clock=clock)
    assert mail.sent == [] and summary.results[0].new_errors == (("x", "A1"),) and not summary.results[0].notified


def test_today_is_the_trackers_own_date(tmp_path):
    config = make_config(tmp_path, trackers=(("cn", "Asia/Shanghai"), ("ny", "America/New_York")))
    clock = Clock(dt.datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    sheets = Sheets(cn=set(), ny=set())
    log = log_for(clock)
    run_nightly(config, sync_one=sheets.sync_one, notify_owner=Mailbox(), log=log, clock=clock)
    assert sheets.calls == [("cn", dt.date(2026, 11, 23)), ("ny", dt.date(2026, 11, 22))]
    assert log.lines[0].startswith("2026-11-23T10:00:00+08:00 nightly tracker=cn")
    assert log.lines[1].startswith("2026-11-22T21:00:00-05:00 nightly tracker=ny")


def test_secrets_never_reach_a_log_line(tmp_path, monkeypatch):
    monkeypatch.setenv("SHEETSYNC_SMTP_PASSWORD", "pw-Zq9-secret")
    config = make_config(tmp_path)
    clock = Clock(NIGHT)
    sheets = Sheets(summer=RuntimeError("login failed for user ops with password pw-Zq9-secret\nretry later"))
    log = log_for(clock)
    summary = run_nightly(config, sync_one=sheets.sync_one, notify_owner=Mailbox(), log=log, clock=clock)
    text = log.stream.getvalue()
    assert "pw-Zq9-secret" not in text and "***" in text
    assert text.count("\n") == 1  # one event, one line, even with a newline in the error
    assert summary.exit_code == 1
    assert log.line("test", {"smtp_password": "abc", "token": "xyz"}).endswith("test smtp_password=*** token=***")


def test_digest_runs_every_tracker_for_its_own_week(tmp_path):
    config = make_config(tmp_path, trackers=(("cn", "Asia/Shanghai"), ("ny", "America/New_York"),
                                             ("bad", "Asia/Shanghai")))
    clock = Clock(dt.datetime(2026, 11, 23, 0, 30, tzinfo=UTC))  # Monday 08:30 Shanghai, Sunday 19:30 New York
    calls = []

    def digest_one(tracker, period, today):
        calls.append((tracker.name, period, today))
        if tracker.name == "bad":
            raise OSError("tracker file missing")
        return DigestOutcome(sent=2)

    log = log_for(clock)
    summary = run_digest(config, digest_one=digest_one, log=log, clock=clock)
    assert calls == [("cn", "2026-W48", dt.date(2026, 11, 23)), ("ny", "2026-W47", dt.date(2026, 11, 22)),
                     ("bad", "2026-W48", dt.date(2026, 11, 23))]
    assert summary.exit_code == 1 and [r.status for r in summary.results] == ["ok", "ok", "failed"]
    assert log.lines[0] == "2026-11-23T08:30:00+08:00 digest tracker=cn period=2026-W48 status=ok sent=2"
    calls.clear()
    summary = run_digest(config, digest_one=digest_one, period="2026-W40", only=["cn"], log=log_for(clock), clock=clock)
    assert calls == [("cn", "2026-W40", dt.date(2026, 11, 23))] and summary.exit_code == 0


def test_unknown_tracker_name_is_refused(tmp_path):
    from sheetsync.model import SheetsyncError
    config = make_config(tmp_path)
    with pytest.raises(SheetsyncError) as info:
        run_digest(config, digest_one=lambda *a: None, only=["winter"], log=log_for(Clock(NIGHT)))
    assert "winter" in info.value.en and "summer" in info.value.en and "winter" in info.value.zh


def test_progress_bar_on_a_terminal(tmp_path):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    config = make_config(tmp_path, trackers=(("a", "Asia/Shanghai"), ("b", "Asia/Shanghai")))
    clock = Clock(NIGHT)
    log = EventLog(Terminal(), clock=clock)
    run_nightly(config, sync_one=Sheets(a=set(), b=set()).sync_one, notify_owner=Mailbox(), log=log, clock=clock)
    screen = log.stream.getvalue()
    assert "2/2" in screen and "\x1b[" in screen  # rich drew a bar with terminal control codes
    assert "tracker=a status=ok" in screen and "tracker=b status=ok" in screen
    plain = EventLog(io.StringIO(), clock=clock)
    run_nightly(config, sync_one=Sheets(a=set(), b=set()).sync_one, notify_owner=Mailbox(), log=plain, clock=clock)
    assert "\x1b[" not in plain.stream.getvalue() and len(plain.stream.getvalue().splitlines()) == 2


def test_outcome_from_a_real_report(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务"
    ws.append(["ID", "任务", "负责人", "部门", "前置任务", "截止日期", "完成状态"])
    ws.append(["T1", "海报", "张三", "市场部", "", "2026-11-20", "进行中"])
    ws.append(["T2", "H5", "李四", "IT部门", "T9", "明天左右", "未开始"])
    wb.save(tmp_path / "t.xlsx")
    report = api.validate(tmp_path / "t.xlsx", today=dt.date(2026, 11, 23))
    outcome = NightlyOutcome.from_report(report)
    errors = {(f.code, f.ref) for f in report.findings if f.severity == "error"}
    assert errors and outcome.errors == errors
    assert all(re.fullmatch(r"任务![A-Z]+\d+", cell) for _, cell in outcome.errors)
    assert outcome.warnings == sum(1 for f in report.findings if f.severity == "warning")


def test_a_second_run_of_the_same_job_refuses_while_one_is_going(tmp_path):
    from sheetsync.jobs import AlreadyRunning, exclusive
    config = make_config(tmp_path)
    clock = Clock(NIGHT)
    sheets = Sheets(summer=set())
    with exclusive(config.state, "nightly"):
        with pytest.raises(AlreadyRunning) as info:
            run_nightly(config, sync_one=sheets.sync_one, notify_owner=Mailbox(), log=log_for(clock), clock=clock)
        assert "nightly" in info.value.en
        # the digest is a different job and may run meanwhile
        assert run_digest(config, digest_one=lambda *a: None, log=log_for(clock), clock=clock).exit_code == 0
    assert sheets.calls == []
    assert run_nightly(config, sync_one=sheets.sync_one, notify_owner=Mailbox(), log=log_for(clock),
                       clock=clock).exit_code == 0
