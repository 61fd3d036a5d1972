"""Digest content over a sequence of weekly snapshots, in both languages."""
from __future__ import annotations

import datetime as dt

import pytest

from support.digest_fixtures import campaign_week
from sheetsync.digest.content import Section
from sheetsync.digest import History, build_digests, gsheet_link_for, iso_period, parse_period
from sheetsync.engine.calendar import WorkCalendar
from sheetsync.model import SheetsyncError

LANGS = ["zh", "en"]
TITLES = {"zh": {"poster": "海报设计", "app": "预约小程序开发", "h5": "H5 页面", "cards": "门店话术卡片",
                 "print": "物料印刷", "plan": "活动方案"},
          "en": {"poster": "Poster design", "app": "Booking mini-program", "h5": "H5 page", "cards": "Store script cards",
                 "print": "Print materials", "plan": "Campaign plan"}}


def team(batch):
    return next(m for m in batch.messages if m.kind == "team")


def section(message, name):
    """The section `name`; an empty one when the digest leaves it out (empty sections are not shown)."""
    return next((s for s in message.content.sections if s.name == name), Section(name, "", []))


def titles(sec):
    return [i.title for i in sec.items]


def run(history, lang, week, today=None, **kw):
    report = campaign_week(lang, week)
    if today:
        report.today = today
    return build_digests(report, history, tracker="tracker.xlsx", today=report.today, **kw)


@pytest.fixture
def history(tmp_path):
    with History(tmp_path / "state.db") as h:
        yield h


@pytest.mark.parametrize("lang", LANGS)
def test_finished_this_period_appears_once(history, lang):
    names = TITLES[lang]
    w41 = run(history, lang, 41)
    assert titles(section(team(w41), "done")) == [names["plan"]]  # first digest: everything done so far
    w42 = run(history, lang, 42)
    assert titles(section(team(w42), "done")) == []  # plan was already done at week 41
    w43 = run(history, lang, 43)
    done = section(team(w43), "done")
    assert titles(done) == [names["poster"]]
    assert names["poster"] not in titles(section(team(w43), "progress"))
    # a rerun of week 43 compares with week 42 again, not with itself
    assert titles(section(team(run(history, lang, 43)), "done")) == [names["poster"]]
    w44 = run(history, lang, 43, today=dt.date(2026, 10, 26), unchanged="note")
    assert names["poster"] not in team(w44).text


@pytest.mark.parametrize("lang", LANGS)
def test_newly_late_and_slipped_due_date(history, lang):
    names = TITLES[lang]
    badge = "新逾期" if lang == "zh" else "newly late"
    first = team(run(history, lang, 43, period="2026-W40"))  # no earlier digest: nothing is called new
    assert badge not in first.text
    run(history, lang, 42)
    w43 = team(run(history, lang, 43))
    risks = {i.title: i for i in section(w43, "risks").items}
    assert risks[names["app"]].badge == badge
    due = "10-16（周五）" if lang == "zh" else "Oct 16 (Fri)"
    assert risks[names["app"]].due == due  # its due date, with its weekday
    assert any(("已逾期 1 个工作日" if lang == "zh" else "late by 1 working day") in n for n in risks[names["app"]].notes)
    slip = "10-20（周二） → 10-23（周五）" if lang == "zh" else "Oct 20 (Tue) → Oct 23 (Fri)"
    assert any(slip in n for n in risks[names["h5"]].notes)
    assert f"[{badge}] {names['app']}" in w43.text and slip in w43.text
    # what moved since the last digest, at the top, in the headline's own words and numbers
    assert ("与上次周报相比：逾期 0 → 1、已完成 1 → 2" if lang == "zh"
            else "Since the last digest: Late 0 → 1, Done 1 → 2") in w43.content.status
    # a week later the same lateness is no longer new and the date no longer moved
    w44 = team(run(history, lang, 43, today=dt.date(2026, 10, 26), unchanged="note"))
    assert badge not in w44.text and slip not in w44.text


@pytest.mark.parametrize("lang", LANGS)
def test_needs_help_lists_blocked_unreviewed_and_overloaded(history, lang):
    names = TITLES[lang]
    w42 = team(run(history, lang, 42))
    helped = {i.title: i for i in section(w42, "help").items}
    assert names["print"] in helped and names["cards"] in helped
    # Fri 10:00 to Mon 08:30 on the working clock: 14 h on Friday, all of Saturday 10-10 (a make-up working day),
    # none of Sunday, 8.5 h on Monday: 46 hours, not the 70 the wall clock gives
    assert "46" in helped[names["cards"]].notes[0] and "王芳" in helped[names["cards"]].notes[0]
    week44 = "第44周（10-26 至 11-01）" if lang == "zh" else "week 44 (Oct 26 to Nov 1)"
    overload = [i for i in helped.values() if week44 in i.notes[0]]
    assert len(overload) == 1 and "李雷" in overload[0].notes[0] and "6" in overload[0].notes[0]
    fewer = team(run(history, lang, 42, busy_threshold=6))
    assert not any(week44 in n for i in section(fewer, "help").items for n in i.notes)


@pytest.mark.parametrize("lang", LANGS)
def test_headline_subject_and_refs(history, lang):
    w42 = team(run(history, lang, 42))
    days = WorkCalendar("CN").workdays_between(dt.date(2026, 10, 12), dt.date(2026, 10, 26))
    if lang == "zh":
        assert w42.email["Subject"] == "[夏日清凉服务季] 第42周 进度 1/12 · 逾期 0 · 受阻 1 · 待审核超时 1"
        assert "任务!C4" in w42.text and f"距上线（工作日）：{days}" in w42.text
    else:
        assert (w42.email["Subject"]
                == "[Summer Service Week] Week 42 progress 1/12 · late 0 · blocked 1 · review overdue 1")
        assert "Tasks!C4" in w42.text and f"Working days to launch: {days}" in w42.text
    coming = section(w42, "coming")  # the next 5 working days, said in the heading; working tasks are in progress
    report = campaign_week(lang, 42)
    due = {x.key: x.due for x in report.tasks}
    assert all(dt.date(2026, 10, 12) <= due[i.key] <= dt.date(2026, 10, 16) for i in coming.items)
    keys = [i.key for sec in w42.content.sections for i in sec.items if not i.key.startswith(("fix:", "overloaded:"))]
    assert len(keys) == len(set(keys))  # each task once
    # the text alternative carries every item of the HTML
    for sec in w42.content.sections:
        for item in sec.items:
            assert item.title in w42.text and item.title in w42.html


def test_gsheet_links(history):
    url = "https://docs.google.com/spreadsheets/d/abc123/edit"
    batch = run(history, "en", 42, link_for=gsheet_link_for(url, 987))
    html = team(batch).html
    assert 'href="https://docs.google.com/spreadsheets/d/abc123/edit#gid=987&amp;range=A4"' in html


@pytest.mark.parametrize("lang", LANGS)
def test_personal_digests_carry_only_what_each_person_owes(history, lang):
    names = TITLES[lang]
    run(history, lang, 42)
    batch = run(history, lang, 43)
    personal = {m.recipient: m for m in batch.messages if m.kind == "personal"}
    zhang = personal["zhang.wei@example.com"]
    # the late mini-program holds up the H5 page (at risk): once, in "waiting on you", with both reasons
    waiting = section(zhang, "waiting").items
    assert [i.title for i in waiting] == [names["app"]] and "T4" in waiting[0].notes[0]
    due = "10-16（周五）" if lang == "zh" else "Oct 16 (Fri)"
    assert waiting[0].due == due and any(("已逾期" if lang == "zh" else "late by") in n for n in waiting[0].notes[1:])
    assert titles(section(zhang, "late")) == [] and titles(section(zhang, "coming")) == []
    assert zhang.content.count("late") == 1  # listed under "waiting on you", still counted as late
    blocked = section(zhang, "blocked").items  # a blocked task reaches its owner, with the reason
    assert [i.title for i in blocked] == [names["print"]] and ("印刷厂" in blocked[0].notes[0] or
                                                              "printer" in blocked[0].notes[0])
    wang = personal["wang.fang@example.com"]
    assert [i.title for i in section(wang, "waiting").items] == [names["cards"]]  # a review she owes
    assert names["poster"] not in zhang.text and names["poster"] not in wang.text
    # her card waits on 王芳's review: listed as such, not as hers to do
    chen = personal["chen.jing@example.com"]
    others = section(chen, "others").items
    assert [i.title for i in others] == [names["cards"]]
    assert ("等待 王芳 审核" if lang == "zh" else "waiting on 王芳's review") in others[0].notes[0]
    assert all(not section(chen, s).items for s in ("waiting", "late", "blocked", "coming"))
    li = personal["li.lei@example.com"]
    # due 10-23, within the next 5 working days, and at risk: listed once, under At risk, counted in both
    assert titles(section(li, "risk")) == [names["h5"]]
    assert li.content.count("due-soon") == 1 and li.content.count("at-risk") == 1
    assert any(w.subject == "赵敏" and w.code == "bad-address" for w in batch.warnings)
    assert str(zhang.email["To"]) == "张伟 <zhang.wei@example.com>"


@pytest.mark.parametrize("lang", LANGS)
def test_unchanged_skip_or_note(history, lang):
    run(history, lang, 43)
    skipped = run(history, lang, 43, today=dt.date(2026, 10, 19) + dt.timedelta(days=7), kinds="team")
    assert skipped.messages == [] and not skipped.changed
    assert [w.code for w in skipped.warnings] == ["unchanged"]
    noted = run(history, lang, 43, today=dt.date(2026, 11, 2), kinds="team", unchanged="note")
    line = "自上次周报以来没有任何变化。" if lang == "zh" else "Nothing has changed since the last digest."
    assert len(noted.messages) == 2 and line in noted.messages[0].text
    assert noted.messages[0].content.sections == [] and noted.messages[0].png is None


def test_to_overrides_team_recipients_and_filters_personal(history):
    batch = run(history, "en", 42, to=["Ops <ops@example.com>", "li.lei@example.com", "nope"])
    assert {(m.kind, m.recipient) for m in batch.messages} == {
        ("team", "ops@example.com"), ("team", "li.lei@example.com"), ("personal", "li.lei@example.com")}
    assert any(w.subject == "nope" for w in batch.warnings)


def test_periods():
    assert iso_period(dt.date(2026, 10, 12)) == "2026-W42"
    assert iso_period(dt.date(2027, 1, 1)) == "2026-W53"
    assert parse_period("2026-W42") == (dt.date(2026, 10, 12), dt.date(2026, 10, 18))
    with pytest.raises(SheetsyncError):
        parse_period("2026-W60")
    with pytest.raises(SheetsyncError):
        parse_period("week 42")


def test_explicit_period_is_the_ledger_key(history):
    batch = run(history, "zh", 42, period="2026w41")
    assert batch.period == "2026-W41" and team(batch).content.week == 41
