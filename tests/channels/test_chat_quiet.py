"""Quiet hours: a chat post due at night (the 02:00 nightly post, a metric alert) @-mentions nobody then; it is
held in the state directory and noted in the ledger, and the first run after the team's working hours begin
posts it once. Real `sheetsync run ...` processes, a real tracker, local DingTalk and Feishu stand-ins."""
from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager

from hypothesis import given, strategies as st

from support.chat_fixtures import chat_tracker
from support.chat_servers import SECRETS, TOKENS, platform_server
from support.digest_fixtures import smtp_server
from sheetsync.jobs.quiet import DEFAULT, parse_quiet_hours
from test_chat_jobs import CAC_ROWS, _env, sheetsync, write_config


@contextmanager
def chat_job(tmp_path, tracker):
    """A config for `tracker` with a real SMTP server and signed DingTalk and Feishu stand-ins:
    (config, the webhook environment, the DingTalk server, the Feishu server, the mail received)."""
    with smtp_server() as (controller, rec), platform_server("dingtalk", SECRETS["dingtalk"]) as (ding, d_url), \
            platform_server("feishu", SECRETS["feishu"]) as (fei, f_url):
        yield write_config(tmp_path, tracker, controller.port), _env(d_url, f_url), ding, fei, rec.messages


def _held(tmp_path) -> list:
    folder = tmp_path / "state" / "chat-held"
    return sorted(folder.rglob("*.json")) if folder.exists() else []


def _chat_rows(tmp_path, tracker) -> list[dict]:
    from sheetsync.history import History, tracker_key
    with History(tmp_path / "state" / "state.db") as history:
        return [r for r in history.ledger(tracker_key(tracker)) if r["channel"] != "email"]


def test_the_0200_nightly_post_and_alert_wait_for_working_hours_then_go_once(tmp_path):
    tracker = chat_tracker(tmp_path / "tracker.xlsx", metrics=CAC_ROWS)
    with chat_job(tmp_path, tracker) as (config, env, ding, fei, _):
        for moment in ("2026-10-19T02:00", "2026-10-21T02:00", "2026-10-21T02:30"):
            # baseline night (the CAC alert), the night 海报设计 became late, and a rerun the same night
            out = sheetsync("run", "nightly", "--config", config, "--today", moment, env=env)
            assert out.returncode == 0, out.stdout + out.stderr
        assert ding.posts == [] and fei.posts == []  # nobody was woken up
        held = _held(tmp_path)
        assert len(held) == 4, held  # the alert and the nightly post, for each of two channels: not doubled
        stored = "".join(p.read_text(encoding="utf-8") for p in held)
        assert all(secret not in stored for secret in list(SECRETS.values()) + list(TOKENS.values()))
        assert sorted(r["state"] for r in _chat_rows(tmp_path, tracker)) == ["preview"] * 4  # the ledger knows them
        morning = sheetsync("run", "chat", "--config", config, "--today", "2026-10-21T08:31", env=env)
        assert morning.returncode == 0, morning.stdout + morning.stderr
        later = sheetsync("run", "nightly", "--config", config, "--today", "2026-10-21T09:00", env=env)
        assert later.returncode == 0, later.stdout + later.stderr
        again = sheetsync("run", "chat", "--config", config, "--today", "2026-10-21T10:00", env=env)
        assert again.returncode == 0, again.stdout + again.stderr
    for server in (ding, fei):
        texts = [json.dumps(p, ensure_ascii=False) for p in server.posts]
        assert len(texts) == 2, texts  # each once
        assert sum("获客成本" in t for t in texts) == 1 and sum("海报设计" in t for t in texts) == 1
    late = next(p for p in ding.posts if "海报设计" in json.dumps(p, ensure_ascii=False))
    assert "@lilei" in late["markdown"]["text"] and "lilei" in late["at"]["atUserIds"]
    assert _held(tmp_path) == []
    assert sorted(r["state"] for r in _chat_rows(tmp_path, tracker)) == ["sent"] * 4


def test_a_run_after_quiet_hours_posts_what_was_held_before_its_own_posts(tmp_path):
    tracker = chat_tracker(tmp_path / "tracker.xlsx")
    with chat_job(tmp_path, tracker) as (config, env, ding, fei, _):
        for moment in ("2026-10-20T12:00", "2026-10-21T23:15"):  # baseline by day; the late task at night
            assert sheetsync("run", "nightly", "--config", config, "--today", moment, env=env).returncode == 0
        assert ding.posts == [] and len(_held(tmp_path)) == 2
        morning = sheetsync("run", "nightly", "--config", config, "--today", "2026-10-22T08:30", env=env)
        assert morning.returncode == 0, morning.stdout + morning.stderr
    assert len(ding.posts) == 1 and len(fei.posts) == 1 and _held(tmp_path) == []


def test_quiet_hours_off_or_another_range_in_the_config(tmp_path):
    tracker = chat_tracker(tmp_path / "tracker.xlsx")
    config = write_config(tmp_path, tracker, 2525)
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('report_url =', 'quiet_hours = "nine to five"\nreport_url ='), encoding="utf-8")
    bad = sheetsync("config", "check", "--config", config, "--lang", "en")
    assert bad.returncode == 2 and "quiet_hours" in bad.stderr and "21:00-08:30" in bad.stderr
    config.write_text(text.replace('report_url =', 'quiet_hours = "off"\nreport_url ='), encoding="utf-8")
    from sheetsync.jobs import load_config
    assert load_config(config).trackers[0].quiet_hours is None
    config.write_text(text.replace('report_url =', 'quiet_hours = "22:00-07:00"\nreport_url ='), encoding="utf-8")
    assert load_config(config).trackers[0].quiet_hours.text() == "22:00-07:00"
    shown = sheetsync("config", "check", "--config", config, "--lang", "en")
    assert "summer chat quiet hours: 22:00-07:00 (Asia/Shanghai)" in shown.stdout, shown.stdout + shown.stderr
    config.write_text(text, encoding="utf-8")
    assert load_config(config).trackers[0].quiet_hours == DEFAULT


@given(st.times())
def test_the_default_quiet_hours_are_the_evening_and_the_night(t):
    night = t >= dt.time(21) or t < dt.time(8, 30)
    assert DEFAULT.covers(t) == night
    assert parse_quiet_hours("08:30-21:00").covers(t) == (not night)  # a range within one day
    assert not parse_quiet_hours("09:00-09:00").covers(t)


def test_a_launch_notice_due_in_quiet_hours_mails_now_and_posts_to_chat_when_they_end(tmp_path):
    tracker = chat_tracker(tmp_path / "tracker.xlsx")
    with chat_job(tmp_path, tracker) as (config, env, ding, fei, mail):
        early = sheetsync("run", "notice", "--config", config, "--today", "2026-10-21T07:00", env=env)
        assert early.returncode == 0, early.stdout + early.stderr
        assert len(mail) == 3 and ding.posts == [] and fei.posts == []  # email is read at work anyway
        for moment in ("2026-10-21T09:00", "2026-10-21T10:00"):
            out = sheetsync("run", "chat", "--config", config, "--today", moment, env=env)
            assert out.returncode == 0, out.stdout + out.stderr
    assert len(ding.posts) == 1 and len(fei.posts) == 1 and len(mail) == 3
    assert "上线通知" in json.dumps(ding.posts[0], ensure_ascii=False)
