"""Rehearsals never send: with SHEETSYNC_NOW set (or `schedule --rehearse`) every message is a preview file and a
real SMTP server on 127.0.0.1 receives nothing; `--send` delivers, once. A placeholder mail host from an example
is refused in one line, by `config check` and before a run would connect. `digest --status --config` reads the
state the jobs wrote."""
from __future__ import annotations

import re

from support.digest_fixtures import smtp_server
from test_jobs_cli import TODAY, run_scheduler, sheetsync, tracker, write_config  # noqa: F401 (tracker: a fixture)

MONDAY_0835 = "2026-11-23T08:35:00+08:00"


def _previews(folder) -> list:
    return sorted(p.name for p in folder.rglob("*.eml")) if folder.exists() else []


def test_run_digest_in_a_rehearsal_delivers_nothing_and_send_delivers_once(tmp_path, tracker):
    with smtp_server() as (controller, rec):
        config = write_config(tmp_path, tracker, port=controller.port)
        rehearsal = sheetsync("run", "digest", "--config", config, env={"SHEETSYNC_NOW": MONDAY_0835})
        assert rehearsal.returncode == 0, rehearsal.stdout + rehearsal.stderr
        assert rec.messages == []
        files = _previews(tmp_path / "state" / "rehearsal")
        assert any("team" in f for f in files), files
        sent = sheetsync("run", "digest", "--config", config, "--send", env={"SHEETSYNC_NOW": MONDAY_0835})
        assert sent.returncode == 0, sent.stdout + sent.stderr
        delivered = len(rec.messages)
        again = sheetsync("run", "digest", "--config", config, "--send", env={"SHEETSYNC_NOW": MONDAY_0835})
        assert again.returncode == 0, again.stdout + again.stderr
    team = [r for _, r, _ in rec.messages if r == ["team@localhost"]]
    assert delivered == len(rec.messages) and len(team) == 1  # the preview did not stop the send; no second one


def test_schedule_rehearsal_catches_up_into_files_and_a_real_scheduler_still_sends_once(tmp_path, tracker):
    with smtp_server() as (controller, rec):
        config = write_config(tmp_path, tracker, port=controller.port)
        folder = tmp_path / "state" / "rehearsal"
        code, err, _ = run_scheduler(config, "2026-11-23T09:30:00+08:00", lambda: _previews(folder), args=())
        assert code == 0 and "status=catch-up" in err and "status=previews-only" in err, err
        assert rec.messages == [] and _previews(folder)
        code, err, _ = run_scheduler(config, "2026-11-23T09:45:00+08:00", lambda: rec.messages)
        assert code == 0 and err.count("status=catch-up") == 1, err
    assert len([r for _, r, _ in rec.messages if r == ["team@localhost"]]) == 1


def test_schedule_rehearse_writes_previews_and_refuses_send_beside_it(tmp_path, tracker):
    with smtp_server() as (controller, rec):
        config = write_config(tmp_path, tracker, port=controller.port)
        folder = tmp_path / "state" / "rehearsal"
        code, err, _ = run_scheduler(config, "2026-11-23T09:30:00+08:00", lambda: _previews(folder),
                                     args=("--rehearse",))
        assert code == 0 and "status=previews-only" in err, err
        both = sheetsync("schedule", "--config", config, "--rehearse", "--send")
        assert both.returncode == 2 and len(both.stderr.strip().splitlines()) == 1, both.stderr
    assert rec.messages == [] and _previews(folder)


def test_one_tracker_digest_in_a_rehearsal_writes_previews_even_with_an_smtp_host(tmp_path, tracker):
    with smtp_server() as (controller, rec):
        env = {"SHEETSYNC_NOW": MONDAY_0835, "SHEETSYNC_SMTP_HOST": "127.0.0.1",
               "SHEETSYNC_SMTP_PORT": str(controller.port), "SHEETSYNC_SMTP_TLS": "none",
               "SHEETSYNC_SMTP_FROM": "bot@localhost", "SHEETSYNC_STATE": str(tmp_path / "s.db")}
        rehearsal = sheetsync("digest", tracker, env=env)
        assert rehearsal.returncode == 0, rehearsal.stdout + rehearsal.stderr
        assert rec.messages == [] and _previews(tmp_path)
        sent = sheetsync("digest", tracker, "--send", env=env)
        assert sent.returncode == 0, sent.stdout + sent.stderr
        assert rec.messages


def test_a_placeholder_mail_host_is_a_config_check_error_and_a_one_line_refusal(tmp_path, tracker):
    config = write_config(tmp_path, tracker)
    text = config.read_text(encoding="utf-8").replace('host = "127.0.0.1"', 'host = "smtp.example.com"')
    config.write_text(text, encoding="utf-8")
    checked = sheetsync("config", "check", "--config", config, "--lang", "en")
    assert checked.returncode == 2, checked.stdout + checked.stderr
    assert re.search(r"sheetsync\.toml:\d+: smtp\.host: smtp\.example\.com is a placeholder", checked.stderr), checked.stderr
    for host in ("smtp.example.org", "mail.invalid", "relay.test"):
        config.write_text(text.replace("smtp.example.com", host), encoding="utf-8")
        refused = sheetsync("run", "digest", "--config", config)
        lines = refused.stderr.strip().splitlines()
        assert refused.returncode == 2 and len(lines) == 1, refused.stderr
        assert host in lines[0] and "gaierror" not in refused.stderr and "Traceback" not in refused.stderr
        assert "占位" in lines[0] and "is a placeholder" not in lines[0]  # the config's trackers say language = "zh"
    # a config whose trackers do not say their language: both languages, since no tracker was read yet
    config.write_text(text.replace('language = "zh"\n', ""), encoding="utf-8")
    refused = sheetsync("run", "digest", "--config", config)
    assert refused.returncode == 2 and "占位" in refused.stderr and "is a placeholder" in refused.stderr
    # an outbox run needs no mail server, so it goes ahead
    assert sheetsync("run", "digest", "--config", config, "--outbox", tmp_path / "out").returncode == 0
    one = sheetsync("digest", tracker, "--send", env={"SHEETSYNC_SMTP_HOST": "smtp.example.com"})
    assert one.returncode == 2 and "SHEETSYNC_SMTP_HOST" in one.stderr and "Traceback" not in one.stderr


def test_localhost_and_real_names_are_not_placeholders():
    from sheetsync.mailhost import is_placeholder_host
    assert not any(map(is_placeholder_host, ("localhost", "127.0.0.1", "smtp.qq.com", "examples.com", "")))
    assert all(map(is_placeholder_host, ("example.com", "SMTP.Example.NET.", "x.invalid", "a.example", "b.test")))


def test_digest_status_with_the_config_sees_what_run_digest_sent(tmp_path, tracker):
    with smtp_server() as (controller, rec):
        config = write_config(tmp_path, tracker, port=controller.port)
        sent = sheetsync("run", "digest", "--config", config, "--today", TODAY.isoformat())
        assert sent.returncode == 0 and rec.messages, sent.stdout + sent.stderr
    for source in ("summer", tracker):
        seen = sheetsync("digest", source, "--status", "--config", config, "--period", "2026-W48", "--lang", "en")
        assert seen.returncode == 0, seen.stderr
        assert "team@localhost" in seen.stdout and "sent" in seen.stdout, seen.stdout
    alone = sheetsync("digest", tracker, "--status", "--period", "2026-W48", "--lang", "en",
                      env={"SHEETSYNC_STATE": str(tmp_path / "elsewhere.db")})
    assert "team@localhost" not in alone.stdout  # another state file: the reason --config exists
    wrong = sheetsync("digest", "winter", "--status", "--config", config)
    assert wrong.returncode == 2 and "summer" in wrong.stderr
