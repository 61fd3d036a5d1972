"""Secrets never printed, whatever form carries them: one redaction function (sheetsync.redact) behind every
error and log line, checked over every form, and through the real state-store error and the real command."""
from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from hypothesis import given, strategies as st

from sheetsync.jobs.eventlog import EventLog
from sheetsync.redact import MASK, redact

SECRET = "Zq9-s3cr3t"

FORMS = [
    f"postgresql://sheetsync:{SECRET}@db:5432/sheetsync",
    f"postgres://u:{SECRET}@db/x?sslmode=require",
    f"postgresql://db:5432/sheetsync?user=u&password={SECRET}",
    f"postgresql://db/sheetsync?sslpassword={SECRET}&sslmode=verify-full",
    f"postgresql://db/sheetsync?PASSWORD={SECRET}",
    f"host=db port=5432 user=u password={SECRET} dbname=x",
    f"host=db password='{SECRET} with spaces' dbname=x",
    f"host=db password = {SECRET}",
    f"sslpassword={SECRET} host=db",
    f'connection failed: password="{SECRET}"',
    f"https://oapi.dingtalk.com/robot/send?access_token={SECRET}",
    f"smtp://ops:{SECRET}@mail.example.com:587",
    f"postgresql://u:{SECRET}@with@at@db/x",
]


@pytest.mark.parametrize("text", FORMS)
def test_every_form_is_redacted(text):
    out = redact(f"could not connect to {text}: timeout", env={})
    assert SECRET not in out and MASK in out
    assert "could not connect to" in out and out.endswith("timeout")


def test_the_rest_of_the_line_stays_readable():
    out = redact("postgresql://sheetsync:pw@db:5432/sheetsync?sslmode=require failed", env={})
    assert out == "postgresql://sheetsync:***@db:5432/sheetsync?sslmode=require failed"
    assert redact("nightly tracker=summer status=ok errors=3", env={}) == "nightly tracker=summer status=ok errors=3"


def test_the_password_variables_are_masked_wherever_they_appear():
    env = {"SHEETSYNC_SMTP_PASSWORD": "smtp-pw-77", "SHEETSYNC_STATE": f"postgresql://u:{SECRET}@db/x"}
    out = redact(f"login failed with smtp-pw-77; server said {SECRET}", env=env)
    assert "smtp-pw-77" not in out and SECRET not in out


@given(st.text(alphabet=st.characters(blacklist_characters="@/?#& \t\n'\"\\", blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
               min_size=3, max_size=30))
def test_any_password_in_any_form(password):
    for form in (f"postgresql://u:{password}@db/x", f"postgresql://db/x?password={password}",
                 f"host=db password={password}", f"host=db password='{password}'"):
        out = redact(form, env={})
        assert password not in out.replace(MASK, ""), (form, out)


def test_log_lines_use_it():
    log = EventLog(io.StringIO())
    line = log.line("nightly", {"error": f"cannot connect to postgresql://db/x?password={SECRET}"})
    assert SECRET not in line


def test_the_real_state_error_prints_no_password(tmp_path):
    pytest.importorskip("psycopg")
    for url in (f"postgresql://u:{SECRET}@127.0.0.1:1/x?connect_timeout=2",
                f"postgresql://127.0.0.1:1/x?user=u&password={SECRET}&connect_timeout=2",
                f"postgresql://127.0.0.1:1/x?sslpassword={SECRET}&connect_timeout=2"):
        tracker = tmp_path / "t.xlsx"
        from sheetsync.templates import create_tracker
        import datetime as dt
        if not tracker.exists():
            create_tracker(tracker, "campaign-launch", lang="en", today=dt.date(2026, 11, 23), scenario="demo")
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
        env["SHEETSYNC_STATE"] = url
        out = subprocess.run([sys.executable, "-m", "sheetsync", "sync", str(tracker), "--lang", "en"],
                             capture_output=True, text=True, env=env, timeout=120)
        assert out.returncode == 2, out.stderr
        assert SECRET not in out.stdout + out.stderr, out.stderr
        assert len(out.stderr.strip().splitlines()) == 1, out.stderr
