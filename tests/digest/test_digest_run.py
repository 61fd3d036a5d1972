"""api.digest end to end: a real .xlsx through the engine, the state file beside it, outbox or SMTP."""
from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy

from support.digest_fixtures import smtp_server
from sheetsync.api import digest as run_digest
from sheetsync.digest import SmtpSettings
from sheetsync.history import History
from support.tracker_factory import make_tracker

D = dt.date
CAMPAIGN = {"name": "夏日清凉服务季", "launch": D(2026, 10, 26), "end": D(2026, 11, 6),
            "recipients": "team@example.com, boss@example.com"}
PEOPLE = [("张三", "zhangsan@example.com", "运营"), ("李四", "lisi@example.com", "市场部")]


def tracker(tmp_path, poster_status="进行中"):
    tasks = [
        {"id": "T1", "stage": "策划", "task": "活动方案", "owner": "张三", "status": "已完成", "deadline": D(2026, 10, 9)},
        {"id": "T2", "stage": "资源筹备", "task": "海报设计 <b>", "owner": "李四", "status": poster_status,
         "deadline": D(2026, 10, 16)},
        {"id": "T3", "stage": "资源筹备", "task": "预约小程序", "owner": "张三", "status": "进行中",
         "deadline": D(2026, 10, 14), "depends_on": "T1"},
    ]
    return make_tracker(tmp_path / "t.xlsx", tasks, campaign=CAMPAIGN, people=PEOPLE)


def test_outbox_by_default_then_nothing_twice(tmp_path, monkeypatch):
    for var in ("SHEETSYNC_SMTP_HOST", "SHEETSYNC_STATE"):
        monkeypatch.delenv(var, raising=False)
    path = tracker(tmp_path)
    batch, result = run_digest(path, today="2026-10-12")
    outbox = tmp_path / ".sheetsync" / "outbox"
    assert (tmp_path / ".sheetsync" / "state.db").is_file()
    assert batch.period == "2026-W42" and result.count("written") == len(batch.messages) >= 3
    names = sorted(p.name for p in outbox.iterdir())
    assert "2026-W42-team-team@example.com.eml" in names and "2026-W42-personal-lisi@example.com.html" in names
    msg = message_from_bytes((outbox / "2026-W42-team-team@example.com.eml").read_bytes(), policy=policy.default)
    assert msg["Subject"].startswith("[夏日清凉服务季] 第42周 进度 1/3")
    html = msg.get_body(("html",)).get_content()
    assert "海报设计 &lt;b&gt;" in html and "任务!" in html
    again_batch, again = run_digest(path, today="2026-10-12")
    assert again.count("skipped-already-previewed") == len(again_batch.messages) and again.count("written") == 0


def test_next_week_over_smtp_reports_what_finished(tmp_path, monkeypatch):
    monkeypatch.delenv("SHEETSYNC_STATE", raising=False)
    state = tmp_path / "state.db"
    run_digest(tracker(tmp_path), today="2026-10-12", state=state, outbox=tmp_path / "w42")
    path = tracker(tmp_path, poster_status="已完成")
    with smtp_server() as (controller, rec):
        monkeypatch.setenv("SHEETSYNC_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("SHEETSYNC_SMTP_PORT", str(controller.port))
        monkeypatch.setenv("SHEETSYNC_SMTP_TLS", "none")
        monkeypatch.setenv("SHEETSYNC_SMTP_FROM", "运营 <ops@example.com>")
        assert SmtpSettings.from_env().sender == "运营 <ops@example.com>"
        batch, result = run_digest(path, today="2026-10-19", state=state, kinds="team")
    assert result.connections == 1 and result.count("sent") == 2 == len(rec.messages)
    team = next(m for m in batch.messages if m.recipient == "team@example.com")
    done = next(s for s in team.content.sections if s.name == "done")
    assert [i.title for i in done.items] == ["海报设计 <b>"]
    assert rec.messages[0][0] == "ops@example.com"
    with History(state) as h:
        states = {(r["period"], r["kind"], r["recipient"]): (r["state"], r["channel"]) for r in h.ledger(batch.tracker)}
    assert states[("2026-W43", "team", "team@example.com")] == ("sent", "email")
    assert states[("2026-W42", "team", "team@example.com")] == ("preview", "email")  # an outbox run previews
