"""The job commands as a scheduler calls them: real `sheetsync` processes, a real tracker, a real SMTP server."""
from __future__ import annotations

import datetime as dt
import email
import email.policy
from email.header import decode_header, make_header
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from support.digest_fixtures import smtp_server
from sheetsync.templates import create_tracker

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 23)  # a Monday


def sheetsync(*args, env=None, timeout=120, **kw) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "TZ": "UTC", **(env or {})}
    return subprocess.run([sys.executable, "-m", "sheetsync", *map(str, args)], capture_output=True, text=True,
                          env=full_env, timeout=timeout, **kw)


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def write_config(tmp_path: Path, tracker: Path, *, port: int = 25, owner: str = "owner@example.com") -> Path:
    """The example config of jobs/, pointed at this test's tracker, state directory and SMTP server."""
    text = (ROOT / "jobs" / "example.toml").read_text(encoding="utf-8")
    text = text.replace('state = "../.sheetsync-state"', 'state = "state"')
    text = text.replace("port = 25", f"port = {port}").replace('host = "localhost"', 'host = "127.0.0.1"')
    text = text.replace('"../demo-output/夏日清凉服务季.xlsx"', f'"{tracker.name}"')
    text = text.replace('owner = "owner@localhost"', f'owner = "{owner}"')
    path = tmp_path / "sheetsync.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tracker(tmp_path) -> Path:
    return create_tracker(tmp_path / "tracker.xlsx", "campaign-launch", lang="zh", today=TODAY, scenario="demo")


def test_init_config_writes_an_example_that_checks(tmp_path):
    out = sheetsync("init", "--config", tmp_path / "sheetsync.toml")
    assert out.returncode == 0, out.stderr
    checked = sheetsync("config", "check", "--config", tmp_path / "sheetsync.toml", "--lang", "en")
    assert checked.returncode == 0 and "OK. 1 tracker: summer" in checked.stdout, checked.stdout + checked.stderr
    again = sheetsync("init", "--config", tmp_path / "sheetsync.toml")
    assert again.returncode == 2 and "already exists" in again.stderr + again.stdout


def test_config_check_names_the_key_and_line(tmp_path):
    path = tmp_path / "sheetsync.toml"
    sheetsync("init", "--config", path)
    lines = path.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if line.startswith('time = "08:30"'))
    lines[n] = 'time = "8.30am"'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = sheetsync("config", "check", "--config", path, "--lang", "en")
    assert out.returncode == 2
    assert f"sheetsync.toml:{n + 1}: jobs.digest.time:" in out.stderr
    assert "Traceback" not in out.stderr


def test_run_nightly_notes_the_owner_only_about_new_errors(tmp_path, tracker):
    config = write_config(tmp_path, tracker)
    notes = tmp_path / "notes"
    first = sheetsync("run", "nightly", "--config", config, "--today", TODAY, "--outbox", notes)
    assert first.returncode == 0, first.stderr
    assert "status=ok" in first.stderr and "baseline=1" in first.stderr
    assert not notes.exists()  # the first night is a baseline
    synced = openpyxl.load_workbook(tracker)
    assert "同步报告" in synced.sheetnames  # the nightly run really synced the sheet

    # a person clears an owner: a new error
    ws = synced["任务"]
    owner_row = next(r for r in ws.iter_rows(min_row=1, max_row=5) if "负责人" in [c.value for c in r])
    col = [c.value for c in owner_row].index("负责人") + 1
    target = owner_row[0].row + 2
    ws.cell(target, col).value = None
    synced.save(tracker)

    second = sheetsync("run", "nightly", "--config", config, "--today", TODAY, "--outbox", notes)
    assert second.returncode == 0, second.stderr
    (note,) = notes.glob("*.eml")
    msg = email.message_from_bytes(note.read_bytes(), policy=email.policy.default)
    assert msg["To"] == "owner@example.com" and "新增 1 个错误" in msg["Subject"]
    cell = f"{openpyxl.utils.get_column_letter(col)}{target}"
    assert f"任务!{cell} [missing-value]" in msg.get_content()

    third = sheetsync("run", "nightly", "--config", config, "--today", TODAY, "--outbox", notes)
    assert third.returncode == 0 and len(list(notes.glob("*.eml"))) == 1  # not new any more: no second note


def test_one_broken_tracker_does_not_stop_the_others(tmp_path, tracker):
    config = write_config(tmp_path, tracker)
    text = config.read_text(encoding="utf-8")
    broken = text.split("[[trackers]]")[1].split("[trackers.lead_times]")[0]
    broken = broken.replace('name = "summer"', 'name = "missing"').replace('"tracker.xlsx"', '"gone.xlsx"')
    config.write_text(text.replace("[[trackers]]", "[[trackers]]" + broken + "\n[[trackers]]", 1), encoding="utf-8")
    out = sheetsync("run", "nightly", "--config", config, "--today", TODAY, "--outbox", tmp_path / "notes",
                    "--lang", "en")
    assert out.returncode == 1
    assert "1 of 2 trackers succeeded" in out.stdout and "failed: missing" in out.stdout
    assert "tracker=summer status=ok" in out.stderr


def test_run_digest_twice_for_the_same_week_sends_once(tmp_path, tracker):
    with smtp_server() as (controller, rec):
        config = write_config(tmp_path, tracker, port=controller.port)
        first = sheetsync("run", "digest", "--config", config, "--today", TODAY)
        assert first.returncode == 0, first.stderr
        received = len(rec.messages)
        assert received >= 2  # the team digest and at least one personal digest
        subjects = [subject(m) for _, _, m in rec.messages]
        assert any("第48周" in s and "逾期" in s for s in subjects)
        second = sheetsync("run", "digest", "--config", config, "--today", TODAY)
        assert second.returncode == 0, second.stderr
        assert len(rec.messages) == received
        assert "sent=0" in second.stderr and "skipped=1" in second.stderr


def test_another_run_holding_the_lock_makes_a_second_refuse(tmp_path, tracker):
    from sheetsync.jobs import exclusive, load_config
    config = write_config(tmp_path, tracker)
    with exclusive(load_config(config).state, "digest"):
        out = sheetsync("run", "digest", "--config", config, "--today", TODAY, "--outbox", tmp_path / "out")
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "Traceback" not in out.stderr


def _wait_for(predicate, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def run_scheduler(config: Path, now: str, until, *, settle: float = 1.0, timeout: float = 40, args=("--send",)):
    """The real `sheetsync schedule` on a UTC machine with its clock started at `now`; stopped with SIGTERM
    `settle` seconds after `until()` holds. Returns (exit code, stderr, seconds until `until()` held)."""
    env = {**os.environ, "TZ": "UTC", "SHEETSYNC_NOW": now, "PYTHONUNBUFFERED": "1"}
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "sheetsync", "schedule", "--config", str(config), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert _wait_for(until, timeout), "nothing happened in time"
        waited = time.monotonic() - started
        time.sleep(settle)  # let the batch finish
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, err, waited


def test_schedule_sends_the_monday_digest_at_0830_shanghai_on_a_utc_machine(tmp_path, tracker):
    # the real `sheetsync schedule` on jobs/example.toml, its clock started at 08:29:56 Shanghai (00:29:56 UTC)
    with smtp_server() as (controller, rec):
        config = write_config(tmp_path, tracker, port=controller.port)
        code, err, waited = run_scheduler(config, "2026-11-23T00:29:56+00:00", lambda: rec.messages)
        assert code == 0, err
        assert waited >= 3.5  # fired at 08:30, not at start (nothing to catch up before 08:30)
        team = [m for _, rcpts, m in rec.messages if rcpts == ["team@localhost"]]
        assert len(team) == 1, ([r for _, r, _ in rec.messages], err)
        assert "第48周" in subject(team[0])
        assert "digest tracker=summer period=2026-W48 status=ok" in err
        assert "status=stopped signal=SIGTERM" in err


def test_schedule_started_after_0830_catches_up_once(tmp_path, tracker):
    with smtp_server() as (controller, rec):
        config = write_config(tmp_path, tracker, port=controller.port)
        code, err, _ = run_scheduler(config, "2026-11-23T09:30:00+08:00", lambda: rec.messages)
        assert code == 0 and err.count("status=catch-up") == 1, err
        sent = len(rec.messages)
        # started again the same morning: the week is in the ledger, so nothing is caught up or sent
        code, err, _ = run_scheduler(config, "2026-11-23T09:45:00+08:00", lambda: True, settle=3.0)
        assert code == 0 and "status=catch-up" not in err, err
        assert len(rec.messages) == sent
        team = [m for _, rcpts, m in rec.messages if rcpts == ["team@localhost"]]
        assert len(team) == 1
