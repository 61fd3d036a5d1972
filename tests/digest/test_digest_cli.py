"""`sheetsync digest TRACKER --today D --outbox DIR` on a tracker with late, unreviewed, blocked and finished
items: a team digest and one personal digest per owner, in the tracker's language; a rerun writes nothing."""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import subprocess
import sys

import pytest
from python_calamine import CalamineWorkbook

from sheetsync.dates_text import day_text

from sheetsync.templates import create_tracker

TODAY = dt.date(2026, 11, 23)
# the demo has no data errors: that section is left out, as every empty one is
SECTIONS = {"zh": ["逾期与风险", "需协助", "进行中", "未来", "至今已完成"],
            "en": ["Late and at risk", "Needs help", "In progress", "Coming up", "Done"]}


def run(*args):
    return subprocess.run([sys.executable, "-m", "sheetsync", *map(str, args)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "SHEETSYNC_SMTP_HOST": ""})


def people(path, lang):
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("人员" if lang == "zh" else "People").to_python()
    return {r[0]: r[1] for r in rows[1:] if r and r[0] and r[1]}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_digest_to_an_outbox_reads_correctly_and_is_written_once(tmp_path, lang):
    tracker = create_tracker(tmp_path / "tracker.xlsx", "campaign-launch", lang=lang, today=TODAY, scenario="demo")
    report = run("validate", tracker, "--today", TODAY, "--format", "json")
    import json
    data = json.loads(report.stdout)
    late = [t for t in data["tasks"] if t["health"] == "late"]
    assert late and any(t["health"] == "unreviewed" for t in data["tasks"])
    assert any(t["health"] == "blocked" for t in data["tasks"]) and any(t["health"] == "done" for t in data["tasks"])

    out = tmp_path / "out"
    first = run("digest", tracker, "--today", TODAY, "--outbox", out)
    assert first.returncode == 0, first.stderr
    emls = sorted(out.glob("*.eml"))
    head = first.stdout.splitlines()[0]
    n = len(emls)
    assert head.endswith(f"共 {n} 封。" if lang == "zh" else f": {n} messages.") and "(s)" not in head, head
    messages = {p.name: email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in emls}
    team = [m for n, m in messages.items() if "-team-" in n]
    personal = {m["To"].addresses[0].addr_spec: m for n, m in messages.items() if "-personal-" in n}
    assert team
    owners = {t["owner"] for t in data["tasks"] if t["owner"] and t["status"] != "done"}
    emails = people(tracker, lang)
    # one per owner with an address and something this week (an owner whose tasks are all
    # weeks away gets nothing); the owner of a blocked task always hears of it
    assert personal and set(personal) <= {emails[o] for o in owners if o in emails}
    for t in data["tasks"]:
        if t["health"] in ("blocked", "late") and t["owner"] in emails:
            assert emails[t["owner"]] in personal, t
    for m in personal.values():
        assert "== " in m.get_body(("plain",)).get_content()

    text = team[0].get_body(("plain",)).get_content()
    positions = [text.find(f"== {s}") for s in SECTIONS[lang]]
    assert -1 not in positions and positions == sorted(positions), positions  # every section, in order
    risks = text[positions[0]:positions[1]]
    for task in late:
        assert task["task"] in risks  # each late task is a risk, with its owner and due date
        assert task["owner"] in risks and day_text(dt.date.fromisoformat(task["due"]), lang) in risks
    subject = str(team[0]["Subject"])
    assert (f"第48周" if lang == "zh" else "Week 48") in subject and f"{len(late)}" in subject
    html = team[0].get_body(("html",)).get_content()
    assert 'lang="zh' in html if lang == "zh" else 'lang="en' in html

    stamps = {p: p.stat().st_mtime_ns for p in out.iterdir()}
    second = run("digest", tracker, "--today", TODAY, "--outbox", out)
    assert second.returncode == 0
    assert {p: p.stat().st_mtime_ns for p in out.iterdir()} == stamps  # nothing new, nothing rewritten
    assert ("相同的预览已写过" if lang == "zh" else "same preview already written") in second.stdout


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_command_says_how_many_tasks_reach_nobody_and_why(tmp_path, lang):
    import json

    from support.digest_fixtures import BUSY_CAMPAIGN, BUSY_TODAY, HOLIDAY_PEOPLE, TRACKER_FIELDS, busy_tasks
    from support.tracker_factory import make_tracker
    path = make_tracker(tmp_path / "tracker.xlsx", busy_tasks(lang), lang=lang, fields=TRACKER_FIELDS,
                        campaign=dict(BUSY_CAMPAIGN, calendar="CN"),
                        people=[(n, e, "") for n, e in HOLIDAY_PEOPLE.items()])
    text = run("digest", path, "--today", BUSY_TODAY, "--outbox", tmp_path / "out")
    assert text.returncode == 0, text.stderr
    line = ("无人接收：3 项任务（负责人不在人员表 2、没有负责人 1）" if lang == "zh"
            else "Reaches nobody: 3 tasks (owner not in the People sheet 2, no owner 1)")
    assert sum(line in x for x in text.stdout.splitlines()) == 1
    data = json.loads(run("digest", path, "--today", BUSY_TODAY, "--outbox", tmp_path / "out2", "--format",
                          "json").stdout)
    assert data["unreached"]["count"] == 3 and {t["task"] for t in data["unreached"]["tasks"]} == {"T9", "T10", "T32"}
