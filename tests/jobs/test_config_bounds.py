"""Configs within bounds: every quota and lease value a finite number in a range that makes sense, tracker names
from a safe character set and length, recipients at most `max_recipients` (default 100), and a TOML nested
5,000 deep one line; each problem names the key and its line, in both languages, through `config check`."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sheetsync import api
from sheetsync.jobs import load_config
from sheetsync.jobs.config import ConfigError
from sheetsync.templates import create_tracker

MONDAY = dt.date(2026, 11, 23)
SMTP = '[smtp]\nhost = "127.0.0.1"\nfrom = "s@localhost"\n\n'
GOOD = SMTP + '[[trackers]]\nname = "summer"\nsource = "summer.xlsx"\n'


def problems(tmp_path: Path, text: str) -> ConfigError:
    path = tmp_path / "sheetsync.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return caught.value


@pytest.mark.parametrize("key", ["write_per_user", "write_per_project", "read_per_user", "read_per_project",
                                 "lease_seconds"])
@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e-300", "-5", "0", "1e300"])
def test_quota_and_lease_values_are_finite_and_sensible(tmp_path, key, value):
    err = problems(tmp_path, f"[quota]\n{key} = {value}\n\n" + GOOD)
    assert len(err.problems) == 1 and err.problems[0].key == f"quota.{key}" and err.problems[0].line == 2
    assert "out of range" in err.message("en") and "超出范围" in err.message("zh")


def test_sensible_values_pass(tmp_path):
    path = tmp_path / "sheetsync.toml"
    path.write_text("[quota]\nread_per_user = 60\nlease_seconds = 30.5\n\n" + GOOD, encoding="utf-8")
    cfg = load_config(path)
    assert cfg.quota.lease_seconds == 30.5 and cfg.trackers[0].max_recipients == 100


@pytest.mark.parametrize("name", ["../../etc/x", "a/b", "..", "x\u0000y", "x" * 101, ".hidden", "a\\b", "tab\there"])
def test_unsafe_tracker_names_are_refused(tmp_path, name):
    quoted = name.replace("\\", "\\\\").replace("\u0000", "\\u0000").replace("\t", "\\t")
    err = problems(tmp_path, SMTP + f'[[trackers]]\nname = "{quoted}"\nsource = "summer.xlsx"\n')
    assert [p.key for p in err.problems] == ["trackers[1].name"] and err.problems[0].line == 6
    assert "not a safe name" in err.message("en") and "\u0000" not in err.message("en")


@pytest.mark.parametrize("name", ["summer", "summer-2026", "夏日 清凉_v1.2", "Q4 campaign"])
def test_ordinary_names_pass(tmp_path, name):
    path = tmp_path / "sheetsync.toml"
    path.write_text(SMTP + f'[[trackers]]\nname = "{name}"\nsource = "summer.xlsx"\n', encoding="utf-8")
    assert load_config(path).trackers[0].name == name


def test_recipients_over_the_maximum_are_a_problem(tmp_path):
    many = ", ".join(f'"p{i}@example.com"' for i in range(101))
    err = problems(tmp_path, GOOD + f"recipients = [{many}]\n")
    assert [p.key for p in err.problems] == ["trackers[1].recipients"] and "max_recipients (100)" in err.message("en")
    path = tmp_path / "ok.toml"
    path.write_text(GOOD + f"max_recipients = 200\nrecipients = [{many}]\n", encoding="utf-8")
    assert len(load_config(path).trackers[0].recipients) == 101
    err = problems(tmp_path, GOOD + "max_recipients = 0\n")
    assert err.problems[0].key == "trackers[1].max_recipients"


def test_toml_nested_deep_is_one_line(tmp_path):
    err = problems(tmp_path, "x = " + "[" * 5000 + "]" * 5000 + "\n" + GOOD)
    assert len(err.message("en").splitlines()) == 1 and "nested too deeply" in err.message("en")


def test_config_check_command_names_key_and_line(tmp_path):
    path = tmp_path / "sheetsync.toml"
    path.write_text("[quota]\nlease_seconds = inf\nread_per_user = nan\n\n" + GOOD, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
    for lang, word in (("en", "out of range"), ("zh", "超出范围")):
        out = subprocess.run([sys.executable, "-m", "sheetsync", "config", "check", "--config", str(path), "--lang",
                              lang], capture_output=True, text=True, env=env, timeout=60)
        assert out.returncode == 2 and "Traceback" not in out.stderr
        assert "sheetsync.toml:2: quota.lease_seconds" in out.stderr and "sheetsync.toml:3: quota.read_per_user" \
            in out.stderr and word in out.stderr, out.stderr


def test_the_campaign_sheets_recipients_are_bounded_with_a_finding(tmp_path):
    import openpyxl
    path = create_tracker(tmp_path / "t.xlsx", "campaign-launch", lang="zh", today=MONDAY, scenario="demo")
    wb = openpyxl.load_workbook(path)
    ws = wb["活动信息"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "收件人")
    ws.cell(row, 2).value = ", ".join(f"p{i}@example.com" for i in range(1507))
    wb.save(path)
    report = api.validate(path, today=MONDAY)
    assert len(report.campaign.recipients) == 100
    found = [f for f in report.findings if f.code == "bad-campaign" and "1507" in f.message]
    assert len(found) == 1 and found[0].cell in (f"A{row}", f"B{row}")
    smaller = api.validate(path, today=MONDAY, overrides={"max_recipients": 2000})
    assert len(smaller.campaign.recipients) == 1507
