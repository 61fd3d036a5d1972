"""Preview, then send, through the real command: `digest --outbox` previews, a later `digest --send` to a real
SMTP server (aiosmtpd on 127.0.0.1) delivers every message once, a second send delivers nothing, and
`digest --status` shows the preview and the send, in the sheet's language."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest

from support.digest_fixtures import smtp_server
from support.tracker_factory import make_tracker

D = dt.date
TODAY = "2026-11-23T08:30"
STATE_WORDS = {"zh": ("预览(未发送)", "已发送"), "en": ("preview (not sent)", "sent")}


def tracker(tmp_path, lang):
    status = {"zh": ("进行中", "待审核"), "en": ("In progress", "In review")}[lang]
    tasks = [{"id": "T1", "task": "海报", "owner": "张三", "status": status[0], "deadline": D(2026, 11, 20)},
             {"id": "T2", "task": "文案", "owner": "李四", "status": status[1], "deadline": D(2026, 11, 25),
              "reviewer": "张三", "submitted": dt.datetime(2026, 11, 21, 10)}]
    return make_tracker(tmp_path / "t.xlsx", tasks, lang=lang,
                        campaign={"name": "活动", "recipients": "team@example.com", "timezone": "Asia/Shanghai"},
                        people=[("张三", "zhangsan@example.com", ""), ("李四", "lisi@example.com", "")])


def run(*args, port=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
    if port is not None:
        env.update(SHEETSYNC_SMTP_HOST="127.0.0.1", SHEETSYNC_SMTP_PORT=str(port), SHEETSYNC_SMTP_TLS="none",
                   SHEETSYNC_SMTP_FROM="ops@example.com")
    return subprocess.run([sys.executable, "-m", "sheetsync", *map(str, args)], capture_output=True, text=True,
                          timeout=120, env=env)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_preview_then_send_delivers_once_and_status_shows_both(tmp_path, lang):
    path = tracker(tmp_path, lang)
    preview = run("digest", path, "--today", TODAY, "--outbox", tmp_path / "out")
    assert preview.returncode == 0, preview.stderr
    written = sorted(p.name for p in (tmp_path / "out").glob("*.eml"))
    assert "2026-W48-team-team@example.com.eml" in written and len(written) == 3  # team + two personal

    with smtp_server() as (controller, rec):
        first = run("digest", path, "--today", TODAY, "--send", port=controller.port)
        assert first.returncode == 0, first.stderr + first.stdout
        got = sorted(r for _, rcpts, _ in rec.messages for r in rcpts)
        assert got == ["lisi@example.com", "team@example.com", "zhangsan@example.com"]  # the preview blocked none
        second = run("digest", path, "--today", TODAY, "--send", port=controller.port)
        assert second.returncode == 0, second.stderr
        assert len(rec.messages) == 3  # nothing twice
        assert ("已发送过" if lang == "zh" else "already sent") in second.stdout

    status = run("digest", path, "--today", TODAY, "--status")
    assert status.returncode == 0, status.stderr
    lines = status.stdout.splitlines()
    assert "2026-W48" in lines[0] and "Asia/Shanghai" in lines[0]
    previewed, sent = STATE_WORDS[lang]
    team = [line for line in lines if "team@example.com" in line]
    assert len(team) == 2 and previewed in team[0] and sent in team[1]
    assert sum(sent in line and previewed not in line for line in lines) == 3

    as_json = json.loads(run("digest", path, "--today", TODAY, "--status", "--format", "json").stdout)
    states = sorted((r["recipient"], r["state"]) for r in as_json["ledger"])
    assert states == sorted([(r, s) for r in ("lisi@example.com", "team@example.com", "zhangsan@example.com")
                             for s in ("preview", "sent")])
    assert all(r["channel"] == "email" for r in as_json["ledger"])

    other = run("digest", path, "--status", "--period", "2026-W47")
    assert other.returncode == 0 and "2026-W47" in other.stdout and len(other.stdout.splitlines()) == 1
