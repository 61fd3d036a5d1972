"""The digest's sections on a real .xlsx built to hit every case, over syncs and digests on different days, in both
languages: each task once in the team digest (first section that applies, every reason beside it), personal
digests that hold exactly what waits on the reader, data errors counted, no recipients said in one line.

The tracker (period 2026-W48: Monday 11-23 to Sunday 11-29; the digest runs Monday 08:30 in Shanghai):
T1 张三 in progress, due 11-25: holds up T2 (started) and T8 (due this week)
T2 李四 in progress, due 11-20: late AND started before T1 is done; holds up only T3, due in a month
T3 王五 not started, due 12-21, after T2
T4 张三 blocked, due 11-19: late AND blocked
T5 赵六 in review since Thu 10:00, reviewer 张三: a review 张三 owes, 46 hours overdue on the working clock
   (Thursday 14, Friday 24, Monday 8.5: the weekend does not count)
T6 王五 not started, due next Monday 11-30: neither coming up nor due this week
T7 王五 not started, due 11-27
T8 李四 not started, due 11-26, after T1
T9 赵六 done
T10, T11 李四: deadlines that are not dates (data errors)
"""
from __future__ import annotations

import datetime as dt

import pytest

from support.gsheets_fixtures import emu, load_xlsx  # noqa: F401
from sheetsync import api
from sheetsync.api import digest as run_digest
from sheetsync.digest import History
from sheetsync.engine.catalogue import CATALOGUE
from sheetsync.engine.values import STATUS_LABELS
from sheetsync.dates_text import readable
from sheetsync.engine.calendar import WorkCalendar
from support.tracker_factory import make_tracker

CN = WorkCalendar("CN")

D = dt.date
MONDAY = "2026-11-23T08:30"
NEXT_MONDAY = "2026-11-30T08:30"
EMAIL = {"张三": "zhangsan@example.com", "李四": "lisi@example.com", "王五": "wangwu@example.com",
         "赵六": "zhaoliu@example.com"}
TEAM = ("nobody", "risks", "help", "progress", "coming", "done", "fix")
PERSONAL = ("waiting", "late", "blocked", "risk", "fix", "coming", "moved", "busy", "others")


def tasks(lang: str, done: tuple[str, ...] = (), working: tuple[str, ...] = ()) -> list[dict]:
    s = STATUS_LABELS[lang]
    rows = [
        dict(id="T1", task="活动方案", owner="张三", status=s["in-progress"], deadline=D(2026, 11, 25)),
        dict(id="T2", task="海报设计", owner="李四", status=s["in-progress"], deadline=D(2026, 11, 20),
             depends_on="T1"),
        dict(id="T3", task="H5 页面", owner="王五", status=s["not-started"], deadline=D(2026, 12, 21),
             depends_on="T2"),
        dict(id="T4", task="物料印刷", owner="张三", status=s["blocked"], deadline=D(2026, 11, 19)),
        dict(id="T5", task="门店话术", owner="赵六", status=s["in-review"], deadline=D(2026, 11, 24), reviewer="张三",
             submitted=dt.datetime(2026, 11, 19, 10, 0)),
        dict(id="T6", task="门店培训", owner="王五", status=s["not-started"], deadline=D(2026, 11, 30)),
        dict(id="T7", task="预约系统", owner="王五", status=s["not-started"], deadline=D(2026, 11, 27)),
        dict(id="T8", task="上线准备", owner="李四", status=s["not-started"], deadline=D(2026, 11, 26),
             depends_on="T1"),
        dict(id="T9", task="目标设定", owner="赵六", status=s["done"], deadline=D(2026, 11, 18)),
        dict(id="T10", task="海报二稿", owner="李四", status=s["not-started"], deadline="见备注"),
        dict(id="T11", task="推文", owner="李四", status=s["not-started"], deadline="问小王"),
    ]
    for row in rows:
        if row["id"] in done:
            row["status"] = s["done"]
        if row["id"] in working:
            row["status"] = s["in-progress"]
    return rows


def tracker(tmp_path, lang, done=(), recipients="team@example.com", working=()):
    campaign = {"name": "冬日活动", "launch": D(2026, 12, 7), "end": D(2026, 12, 20), "timezone": "Asia/Shanghai"}
    if recipients:
        campaign["recipients"] = recipients
    path = tmp_path / "tracker.xlsx"
    if path.exists():
        path.unlink()  # the same tracker, as people left it on a later day
    return make_tracker(path, tasks(lang, done, working), lang=lang, campaign=campaign,
                        people=[(n, e, "") for n, e in EMAIL.items()])


def digest(path, today, **kw):
    batch, result = run_digest(path, today=today, outbox=path.parent / "out", state=path.parent / "state.db", **kw)
    return batch


def sections(message) -> dict[str, dict[str, list[str]]]:
    """section name -> {task id: notes}; ids read back from the item's cell (`任务!C5` is row 5)."""
    out = {name: {} for name in TEAM + PERSONAL}  # a section left out is empty
    for sec in message.content.sections:
        out[sec.name] = {i.key: i.notes for i in sec.items}
    return out


def messages(batch):
    team = next(m for m in batch.messages if m.kind == "team")
    personal = {m.recipient: m for m in batch.messages if m.kind == "personal"}
    return team, personal


def finding_messages(report, task_id, *codes):
    return [f.message for f in report.findings if f.task_id == task_id and f.code in codes]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_task_once_in_the_first_section_that_applies(tmp_path, lang):
    path = tracker(tmp_path, lang, working=("T9",))
    api.sync(path, today="2026-11-20T18:00", state=tmp_path / "state.db")  # Friday's sync: the baseline
    path = tracker(tmp_path, lang)  # T9 finished over the weekend
    report = api.validate(path, today=MONDAY)
    team, _ = messages(digest(path, MONDAY))
    got = sections(team)
    placed = [k for name in TEAM for k in got[name] if not k.startswith(("fix:", "overloaded:"))]
    assert len(placed) == len(set(placed)), placed  # no task twice

    # late, started before its predecessor is done, in progress: once, in Risks, both reasons beside it
    assert "T2" in got["risks"]
    for reason in finding_messages(report, "T2", "dependency-not-done"):
        assert readable(reason, lang, CN, report.today) in got["risks"]["T2"]
    assert got["risks"]["T2"][0] == ("已逾期 1 个工作日" if lang == "zh" else "late by 1 working day")
    # late and blocked: Risks, with the blocked reason too (the notes are empty: it asks for them)
    assert any(("备注为空" if lang == "zh" else "notes are empty") in n for n in got["risks"]["T4"])
    assert len(got["risks"]["T4"]) >= 2
    # a review overdue: Needs help, with the hours the report sheet gives
    assert "T5" in got["help"]
    hours = next(f for f in report.findings if f.code == "unreviewed" and f.task_id == "T5")
    assert ("46 小时" if lang == "zh" else "46 hours") in got["help"]["T5"][0]
    assert "46" in hours.message
    assert "T1" in got["progress"]
    # the next 5 working days, said in the heading: the 27th is in, next Monday the 30th is not
    coming = next(s for s in team.content.sections if s.name == "coming")
    first, last = ("11-23（周一）", "11-27（周五）") if lang == "zh" else ("Nov 23 (Mon)", "Nov 27 (Fri)")
    assert first in coming.title and last in coming.title
    assert "T7" in got["coming"] and "T8" in got["coming"] and "T6" not in placed and "T3" not in placed
    assert list(got["done"]) == ["T9"]

    # Fix in the sheet: the two bad deadlines, by kind, titled in the reader's language, with their cells
    fix = got["fix"]
    assert list(fix) == ["fix:bad-date"]
    title = next(i.title for s in team.content.sections if s.name == "fix" for i in s.items)
    assert title == (CATALOGUE["bad-date"].title_zh if lang == "zh" else CATALOGUE["bad-date"].title_en)
    cells = [f"{f.sheet}!{f.cell}" for f in report.findings if f.code == "bad-date"]
    assert len(cells) == 2 and all(c in fix["fix:bad-date"][0] for c in cells)
    assert ("2 处" if lang == "zh" else "2 cells") in fix["fix:bad-date"][0]
    assert ("同步报告" if lang == "zh" else "sheetsync") in team.text

    # sections in the order they are chosen, in the text a phone shows
    heads = [team.text.find(f"== {s.title}") for s in team.content.sections]
    assert -1 not in heads and heads == sorted(heads)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_personal_digests_hold_exactly_what_waits_on_the_reader(tmp_path, lang):
    path = tracker(tmp_path, lang)
    report = api.validate(path, today=MONDAY)
    _, personal = messages(digest(path, MONDAY))
    zhang, li, wang, zhao = (sections(personal[EMAIL[n]]) for n in ("张三", "李四", "王五", "赵六"))

    # reviews you owe, and your unfinished task holding up a started successor / one due this period
    assert set(zhang["waiting"]) == {"T5", "T1"}
    assert "T2" in zhang["waiting"]["T1"][0] and "T8" in zhang["waiting"]["T1"][0]
    # the owner of a blocked (and late) task hears of it, with the reason
    assert "T4" in zhang["late"]
    assert any(("备注为空" if lang == "zh" else "notes are empty") in n for n in zhang["late"]["T4"])
    # T2 holds up only T3, due in a month: late, but not "waiting on you"
    assert li["waiting"] == {} and "T2" in li["late"]
    # due in the next 5 working days: the 27th, not next Monday
    assert list(wang["coming"]) == ["T7"] and "T6" not in str(wang) and "T3" not in str(wang)
    coming = next(s for s in personal[EMAIL["王五"]].content.sections if s.name == "coming")
    assert ("11-27（周五）" if lang == "zh" else "Nov 27 (Fri)") in coming.title
    # 赵六's draft waits on 张三: said so, and nothing is hers to do
    assert list(zhao["others"]) == ["T5"]
    assert ("等待 张三 审核" if lang == "zh" else "waiting on 张三's review") in zhao["others"]["T5"][0]
    assert all(zhao[name] == {} for name in ("waiting", "late", "blocked", "coming"))
    # every task a personal digest lists, it lists once
    for message in personal.values():
        keys = [k for items in sections(message).values() for k in items]
        assert len(keys) == len(set(keys))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_week_later_done_means_done_since_the_last_digest(tmp_path, lang):
    path = tracker(tmp_path, lang)
    first, _ = messages(digest(path, MONDAY))
    assert list(sections(first)["done"]) == ["T9"]  # the first digest: done so far
    path = tracker(tmp_path, lang, done=("T1", "T2"))
    api.sync(path, today="2026-11-27T18:00", state=tmp_path / "state.db")  # a sync in between
    team, personal = messages(digest(path, NEXT_MONDAY))
    got = sections(team)
    assert list(got["done"]) == ["T1", "T2"]  # not T9 again
    assert "T2" not in got["risks"]
    # next Monday's task is now coming up, for the team and for its owner
    assert "T6" in got["coming"] and "T6" in sections(personal[EMAIL["王五"]])["coming"]
    # T1 is done: 张三 no longer holds anything up
    assert "T1" not in sections(personal[EMAIL["张三"]])["waiting"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_recipients_skips_the_team_digest_in_one_line_and_personal_ones_still_go(tmp_path, lang):
    path = tracker(tmp_path, lang, recipients=None)
    batch = digest(path, MONDAY)
    assert [m for m in batch.messages if m.kind == "team"] == []
    assert {m.recipient for m in batch.messages} >= {EMAIL["张三"], EMAIL["赵六"]}
    line = next(w.message for w in batch.warnings if w.code == "no-recipients")
    assert "\n" not in line and "sheetsync.toml" in line and "recipients" in line
    assert (("活动信息" in line and "收件人" in line) if lang == "zh" else ("Campaign" in line and "Recipients" in line))
    with History(tmp_path / "state.db") as h:
        assert {r["kind"] for r in h.ledger(batch.tracker, batch.period)} == {"personal"}


def test_a_google_trackers_fix_section_links_to_its_report_sheet(tmp_path, emu):  # noqa: F811
    path = tracker(tmp_path, "zh")
    key = load_xlsx(emu, path)
    source = f"gsheet:{key}"
    api.sync(source, today=MONDAY)  # writes the report sheet the digest points at
    gid = emu.sheet_properties(key, "同步报告")["sheetId"]
    batch, _ = run_digest(source, today=MONDAY, outbox=tmp_path / "out", state=tmp_path / "state.db", kinds="team")
    team, _ = messages(batch)
    fix = next(s for s in team.content.sections if s.name == "fix")
    assert [i.key for i in fix.items] == ["fix:bad-date"]
    assert fix.items[0].url is not None and fix.items[0].url.endswith(f"#gid={gid}")
    assert f"#gid={gid}" in team.html
    # a gsheet:KEY source still gives links a reader can open, the report sheet's and each task's row
    urls = [i.url for sec in team.content.sections for i in sec.items if not i.key.startswith("overloaded:")]
    assert urls and all(u and u.startswith(f"https://docs.google.com/spreadsheets/d/{key}/edit#gid=") for u in urls)
