"""A Feishu tracker in sheetsync.toml: the nightly job syncs it, a second run the same day finds the same
revision and writes nothing; the app's credentials file named in the config is used; the digest links to the
sheet; the chat post mentions people by the Feishu ids of the People sheet; the app secret is never in output,
state or outbox."""
from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from support.feishu_fixtures import feishu, writes  # noqa: F401
from sheets_emulator.feishu.server import APP_ID, APP_SECRET
from sheetsync import api
from sheetsync.jobs import load_config
from sheetsync.jobs.config import ConfigError
from sheetsync.templates import create_tracker

MONDAY = dt.date(2026, 11, 23)


def tracker_with_feishu_ids(path):
    create_tracker(path, "campaign-launch", lang="zh", today=MONDAY, scenario="demo")
    wb = openpyxl.load_workbook(path)
    people = next(wb[n] for n in wb.sheetnames if n in ("人员", "People"))
    head = [c.value for c in people[1]]
    col = len(head) + 1
    people.cell(1, col, "飞书")
    for r in range(2, people.max_row + 1):
        if people.cell(r, 1).value:
            people.cell(r, col, f"ou_{r:04d}abcdef")
    wb.save(path)
    return path


def write_config(tmp_path, source, credentials=None):
    text = (f'state = "state"\n\n[smtp]\nhost = "127.0.0.1"\nport = 2525\ntls = "none"\nfrom = "s@localhost"\n\n'
            f'[[trackers]]\nname = "summer"\nsource = "{source}"\ntimezone = "Asia/Shanghai"\n')
    if credentials:
        text += f'credentials = "{credentials}"\n'
    path = tmp_path / "sheetsync.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_nightly_syncs_a_feishu_tracker_and_a_second_run_writes_nothing(tmp_path, feishu, monkeypatch, capfd):
    token = feishu.seed_xlsx(str(tracker_with_feishu_ids(tmp_path / "summer.xlsx")))
    # the config names a credentials file; the environment holds no secret
    creds = tmp_path / "feishu-app.json"
    creds.write_text(json.dumps({"app_id": APP_ID, "app_secret": APP_SECRET}), encoding="utf-8")
    monkeypatch.delenv("SHEETSYNC_FEISHU_APP_ID")
    monkeypatch.delenv("SHEETSYNC_FEISHU_APP_SECRET")
    config = write_config(tmp_path, f"https://acme.feishu.cn/sheets/{token}", "feishu-app.json")
    first = api.run_nightly(config, today=MONDAY, outbox=tmp_path / "notes")
    assert [(r.tracker, r.status) for r in first.results] == [("summer", "ok")]
    assert feishu.books[token].by_title("同步报告") is not None and writes(feishu) > 0
    feishu.request_log.clear()
    second = api.run_nightly(config, today=MONDAY, outbox=tmp_path / "notes")
    assert [r.status for r in second.results] == ["ok"] and writes(feishu) == 0
    assert any(e.path.endswith("/metainfo") for e in feishu.request_log)  # the revision, asked once
    # a person edits the sheet: the revision moves, the next run syncs again
    feishu.set_values(token, "任务", 40, 0, [["新任务"]])
    feishu.request_log.clear()
    api.run_nightly(config, today=MONDAY, outbox=tmp_path / "notes")
    assert any(e.path.endswith("values_batch_get") for e in feishu.request_log)
    logged = capfd.readouterr()
    assert "nightly tracker=summer status=ok" in logged.err and APP_SECRET not in logged.out + logged.err
    everything = "".join(p.read_text(encoding="utf-8", errors="replace") for p in tmp_path.rglob("*")
                         if p.is_file() and p.suffix != ".json" and p.name != creds.name)
    assert APP_SECRET not in everything
    for db in (tmp_path / "state").rglob("*"):
        if db.is_file() and db.name != creds.name:
            assert APP_SECRET.encode() not in db.read_bytes(), db


def test_credentials_in_the_config_are_only_for_a_feishu_tracker(tmp_path):
    create_tracker(tmp_path / "summer.xlsx", "campaign-launch", lang="zh", today=MONDAY, scenario="demo")
    with pytest.raises(ConfigError):
        load_config(write_config(tmp_path, "summer.xlsx", "app.json"))


def test_digest_links_to_the_feishu_sheet(tmp_path, feishu):
    token = feishu.seed_xlsx(str(tracker_with_feishu_ids(tmp_path / "summer.xlsx")))
    sid = feishu.sheet(token, "任务").sheet_id
    link = f"https://acme.feishu.cn/sheets/{token}?sheet={sid}"
    out = tmp_path / "out"
    api.digest(link, today=MONDAY, outbox=out, state=tmp_path / "s.db")
    mails = [p.read_text(encoding="utf-8", errors="replace") for p in out.glob("*.eml")]
    assert mails and any(f"sheets/{token}?sheet=3D{sid}" in m or f"sheets/{token}?sheet={sid}" in m for m in mails)
    assert all(APP_SECRET not in m for m in mails)


def test_chat_mentions_use_the_feishu_ids_of_the_people_sheet(tmp_path, feishu):
    from sheetsync.channels.feishu import Feishu
    from sheetsync.jobs import chat
    token = feishu.seed_xlsx(str(tracker_with_feishu_ids(tmp_path / "summer.xlsx")))
    config = write_config(tmp_path, f"feishu:{token}")
    text = config.read_text(encoding="utf-8") + ('\n[[trackers.channels]]\nkind = "feishu"\nname = "team"\n'
                                                 'webhook_env = "FEISHU_HOOK"\n')
    config.write_text(text, encoding="utf-8")
    cfg = load_config(config)
    report = api.validate(f"feishu:{token}", today=MONDAY)
    posts = chat.nightly_posts(cfg.trackers[0], report, chat.chat_keys(report), MONDAY, cfg.trackers[0].channels)
    bodies = [json.dumps(Feishu().payload(p.doc), ensure_ascii=False) for p in posts if hasattr(p, "doc")]
    assert bodies and any("<at id=ou_" in b for b in bodies)
    assert chat.report_link(cfg.trackers[0]) == f"https://feishu.cn/sheets/{token}"  # feishu:TOKEN as a link
