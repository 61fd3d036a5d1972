"""Chat delivery as a scheduler runs it: real `sheetsync run ...` processes, a real tracker, a real
SMTP server and local DingTalk and Feishu stand-ins (signed), webhooks and secrets only in the environment."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl

from support.chat_fixtures import chat_tracker
from support.chat_servers import SECRETS, TOKENS, platform_server
from support.digest_fixtures import smtp_server

CAC_ROWS = [("周", "指标", "数值")] + [(f"2026-W{w}", "获客成本", v) for w, v in
                                      ((40, 100), (41, 120), (42, 144), (43, 173))]


def sheetsync(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sheetsync", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, "TZ": "UTC", **(env or {})}, timeout=180)


def write_config(tmp_path: Path, tracker: Path, port: int) -> Path:
    path = tmp_path / "sheetsync.toml"
    path.write_text(f'''state = "state"

[smtp]
host = "127.0.0.1"
port = {port}
tls = "none"
from = "bot@example.com"

[[trackers]]
name = "summer"
source = "{tracker.name}"
language = "zh"
recipients = ["team@example.com"]
owner = "owner@example.com"
report_url = "https://docs.example.com/summer"

[[trackers.channels]]
kind = "dingtalk"
name = "ops"
webhook_env = "TEST_DINGTALK_WEBHOOK"
secret_env = "TEST_DINGTALK_SECRET"

[[trackers.channels]]
kind = "feishu"
name = "market"
webhook_env = "TEST_FEISHU_WEBHOOK"
secret_env = "TEST_FEISHU_SECRET"
''', encoding="utf-8")
    return path


def _env(ding, fei):
    return {"TEST_DINGTALK_WEBHOOK": ding, "TEST_DINGTALK_SECRET": SECRETS["dingtalk"],
            "TEST_FEISHU_WEBHOOK": fei, "TEST_FEISHU_SECRET": SECRETS["feishu"]}


def test_run_digest_delivers_email_dingtalk_and_feishu_once_and_nothing_on_a_rerun(tmp_path):
    tracker = chat_tracker(tmp_path / "tracker.xlsx", metrics=CAC_ROWS)
    with smtp_server() as (controller, rec), platform_server("dingtalk", SECRETS["dingtalk"]) as (ding, d_url), \
            platform_server("feishu", SECRETS["feishu"]) as (fei, f_url):
        config = write_config(tmp_path, tracker, controller.port)
        env = _env(d_url, f_url)
        first = sheetsync("run", "digest", "--config", config, "--today", "2026-10-19", env=env)
        assert first.returncode == 0, first.stdout + first.stderr
        emails = len(rec.messages)
        second = sheetsync("run", "digest", "--config", config, "--today", "2026-10-19", env=env)
        assert second.returncode == 0, second.stdout + second.stderr
    assert emails >= 1 and len(rec.messages) == emails
    status = sheetsync("digest", tracker, "--status", "--state", tmp_path / "state" / "state.db", "--today",
                       "2026-10-19", "--lang", "en")
    assert status.returncode == 0, status.stderr
    lines = status.stdout.splitlines()
    for channel in ("email", "ops / dingtalk:ops", "market / feishu:market"):
        assert any(channel in line and "sent" in line for line in lines), (channel, status.stdout)
    team = [m for _, rcpt, m in rec.messages if rcpt == ["team@example.com"]]
    assert len(team) == 1
    # each channel: the team digest and the acquisition-cost alert, once
    for server in (ding, fei):
        assert len(server.posts) == 2, [json.dumps(p, ensure_ascii=False)[:200] for p in server.posts]
        texts = [json.dumps(p, ensure_ascii=False) for p in server.posts]
        assert any("获客成本连续 3 周环比上涨 20% 及以上" in t for t in texts)
        assert any("指标预警" in t and "风险" in t for t in texts)  # the alert is a line in the digest's risks
    assert "获客成本" in team[0].as_string() or "=?utf-8?" in team[0].as_string()
    logs = first.stdout + first.stderr + second.stdout + second.stderr
    db = (tmp_path / "state" / "state.db").read_bytes().decode("latin-1")
    for secret in (TOKENS["dingtalk"], TOKENS["feishu"], SECRETS["dingtalk"], SECRETS["feishu"]):
        assert secret not in logs and secret not in db


def test_the_metric_alert_reaches_the_sheet_the_digest_and_the_chat(tmp_path):
    tracker = chat_tracker(tmp_path / "tracker.xlsx", metrics=CAC_ROWS)
    with smtp_server() as (controller, rec), platform_server("dingtalk", SECRETS["dingtalk"]) as (ding, d_url), \
            platform_server("feishu", SECRETS["feishu"]) as (fei, f_url):
        config = write_config(tmp_path, tracker, controller.port)
        env = _env(d_url, f_url)
        night = sheetsync("run", "nightly", "--config", config, "--today", "2026-10-19", env=env)
        assert night.returncode == 0, night.stdout + night.stderr
        again = sheetsync("run", "nightly", "--config", config, "--today", "2026-10-20", env=env)
        assert again.returncode == 0, again.stdout + again.stderr
    # the chat: the alert once, though two nights saw it (the first night is a baseline for errors only)
    for server in (ding, fei):
        alerts = [p for p in server.posts if "获客成本" in json.dumps(p, ensure_ascii=False)]
        assert len(alerts) == 1
    # the sheet: the report sheet lists the finding with a link to the metric's cell, and the value is highlighted
    wb = openpyxl.load_workbook(tracker)
    report = wb["同步报告"]
    rows = [[c.value for c in r] for r in report.iter_rows()]
    hit = [r for r in rows if r and r[4] == "metric-alert"]
    assert hit and hit[0][1] == "指标!C5"


def test_nightly_posts_only_when_new_errors_or_newly_late_tasks_appear(tmp_path):
    tracker = chat_tracker(tmp_path / "tracker.xlsx")
    with smtp_server() as (controller, rec), platform_server("dingtalk", SECRETS["dingtalk"]) as (ding, d_url), \
            platform_server("feishu", SECRETS["feishu"]) as (fei, f_url):
        config = write_config(tmp_path, tracker, controller.port)
        env = _env(d_url, f_url)
        for day in ("2026-10-19", "2026-10-20"):  # baseline, then nothing new
            out = sheetsync("run", "nightly", "--config", config, "--today", day, env=env)
            assert out.returncode == 0, out.stdout + out.stderr
        assert ding.posts == [] and fei.posts == []
        late = sheetsync("run", "nightly", "--config", config, "--today", "2026-10-21", env=env)  # 海报设计 due 10-20
        assert late.returncode == 0, late.stdout + late.stderr
        assert len(ding.posts) == 1 and "海报设计" in json.dumps(ding.posts[0], ensure_ascii=False)
        assert "@13800138000" in ding.posts[0]["markdown"]["text"] or "@lilei" in ding.posts[0]["markdown"]["text"]
        wb = openpyxl.load_workbook(tracker)
        ws = wb["任务"]
        ws["K4"] = "不是日期"  # a person types a bad deadline: a new error
        wb.save(tracker)
        err = sheetsync("run", "nightly", "--config", config, "--today", "2026-10-21", env=env)
        assert err.returncode == 0, err.stdout + err.stderr
        same = sheetsync("run", "nightly", "--config", config, "--today", "2026-10-21", env=env)
    assert len(ding.posts) == 2 and "不是日期" in json.dumps(ding.posts[1], ensure_ascii=False)
    assert len(fei.posts) == 2 and same.returncode == 0


def test_run_notice_sends_once_at_t_minus_3_working_days(tmp_path):
    tracker = chat_tracker(tmp_path / "tracker.xlsx")
    with smtp_server() as (controller, rec), platform_server("dingtalk", SECRETS["dingtalk"]) as (ding, d_url), \
            platform_server("feishu", SECRETS["feishu"]) as (fei, f_url):
        config = write_config(tmp_path, tracker, controller.port)
        env = _env(d_url, f_url)
        counts = []
        for day in ("2026-10-20", "2026-10-21", "2026-10-21", "2026-10-22"):
            out = sheetsync("run", "notice", "--config", config, "--today", day, env=env)
            assert out.returncode == 0, out.stdout + out.stderr
            counts.append((len(rec.messages), len(ding.posts), len(fei.posts)))
    assert counts == [(0, 0, 0), (3, 1, 1), (3, 1, 1), (3, 1, 1)]


def test_config_check_names_channel_variables_but_never_their_values(tmp_path):
    tracker = chat_tracker(tmp_path / "tracker.xlsx")
    config = write_config(tmp_path, tracker, 2525)
    out = sheetsync("config", "check", "--config", config, "--lang", "en",
                    env={"TEST_DINGTALK_WEBHOOK": "https://oapi.dingtalk.com/robot/send?access_token=SECRETTOKEN1"})
    assert out.returncode == 0, out.stderr
    assert "dingtalk:ops: TEST_DINGTALK_WEBHOOK set" in out.stdout
    assert "! summer feishu:market: TEST_FEISHU_WEBHOOK NOT SET" in out.stdout
    assert "SECRETTOKEN1" not in out.stdout + out.stderr
    text = config.read_text(encoding="utf-8").replace('webhook_env = "TEST_FEISHU_WEBHOOK"',
                                                      'webhook = "https://open.feishu.cn/open-apis/bot/v2/hook/abcdef"')
    config.write_text(text, encoding="utf-8")
    bad = sheetsync("config", "check", "--config", config, "--lang", "en")
    assert bad.returncode == 2 and "webhook_env" in bad.stderr and "abcdef" not in bad.stderr


def test_sync_highlights_the_breached_metric_value_until_the_breach_ends(tmp_path):
    from sheetsync import api
    tracker = chat_tracker(tmp_path / "tracker.xlsx", metrics=CAC_ROWS)
    api.sync(tracker, today="2026-10-19", state=tmp_path / "s.db")
    ws = openpyxl.load_workbook(tracker)["指标"]
    ranges = [(str(cf.sqref), [r.formula for r in cf.rules]) for cf in ws.conditional_formatting]
    assert ranges == [("C5", [['AND("sheetsync"="sheetsync",TRUE)']])]
    again = api.sync(tracker, today="2026-10-19", state=tmp_path / "s.db")
    assert not again.changed  # a second sync of an unchanged sheet writes nothing
    wb = openpyxl.load_workbook(tracker)
    wb["指标"]["C5"] = 150  # the cost fell back: no breach
    wb.save(tracker)
    api.sync(tracker, today="2026-10-19", state=tmp_path / "s.db")
    assert list(openpyxl.load_workbook(tracker)["指标"].conditional_formatting) == []


def test_a_nightly_post_refused_by_one_channel_is_said_again_there_only(tmp_path):
    tracker = chat_tracker(tmp_path / "tracker.xlsx")
    with smtp_server() as (controller, rec), platform_server("dingtalk", SECRETS["dingtalk"]) as (ding, d_url), \
            platform_server("feishu", SECRETS["feishu"]) as (fei, f_url):
        config = write_config(tmp_path, tracker, controller.port)
        env = _env(d_url, f_url)
        assert sheetsync("run", "nightly", "--config", config, "--today", "2026-10-20", env=env).returncode == 0
        fei.script = ["error"]
        late = sheetsync("run", "nightly", "--config", config, "--today", "2026-10-21", env=env)
        assert late.returncode == 1 and "feishu:market" in late.stdout + late.stderr
        assert len(ding.posts) == 1 and fei.posts == []
        owner_notes = len(rec.messages)
        next_day = sheetsync("run", "nightly", "--config", config, "--today", "2026-10-22", env=env)
        assert next_day.returncode == 0, next_day.stdout + next_day.stderr
    assert len(ding.posts) == 1  # not told twice
    assert len(fei.posts) == 1 and "海报设计" in json.dumps(fei.posts[0], ensure_ascii=False)
    assert len(rec.messages) == owner_notes  # and the owner is not mailed the same errors again
