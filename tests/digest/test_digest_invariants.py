"""Invariants of every digest over generated trackers (hypothesis): random owners (one not in the People sheet,
one with none), statuses, dates around China's National Day holiday, reviews and dependencies, read by the real
engine. In every message each number equals the size of the list it heads; every owner's late, blocked, at-risk,
invalid and due-within-5-working-days tasks are in their personal digest; the team digest lists every open task
whose owner no personal digest reaches."""
from __future__ import annotations

import datetime as dt
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.digest_fixtures import HOLIDAY_PEOPLE, NOT_IN_PEOPLE, tracker_rows
from sheetsync.digest import build_digests
from sheetsync.engine import analyse
from sheetsync.engine.calendar import WorkCalendar
from sheetsync.engine.values import STATUS_LABELS

CN = WorkCalendar("CN")
OWNERS = list(HOLIDAY_PEOPLE) + [NOT_IN_PEOPLE, None]
STATUSES = ("not-started", "in-progress", "in-review", "done", "blocked", "cancelled")
FIRST_DAY = dt.date(2026, 9, 24)


@st.composite
def trackers(draw):
    lang = draw(st.sampled_from(["zh", "en"]))
    n = draw(st.integers(1, 14))
    tasks = []
    for i in range(1, n + 1):
        status = draw(st.sampled_from(STATUSES))
        due = draw(st.one_of(st.none(), st.integers(0, 30).map(lambda d: FIRST_DAY + dt.timedelta(days=d)),
                             st.just("9月31日" if lang == "zh" else "Sep 31")))
        row = dict(id=f"T{i}", stage="执行", task=f"任务{i}", owner=draw(st.sampled_from(OWNERS)),
                   status=STATUS_LABELS[lang][status], deadline=due)
        if i > 1 and draw(st.booleans()):
            row["depends_on"] = f"T{draw(st.integers(1, i - 1))}"
        if status == "in-review":
            row["reviewer"] = draw(st.sampled_from(list(HOLIDAY_PEOPLE)))
            row["submitted"] = dt.datetime.combine(FIRST_DAY + dt.timedelta(days=draw(st.integers(0, 14))),
                                                   dt.time(draw(st.integers(8, 19))))
        if status == "blocked" and draw(st.booleans()):
            row["notes"] = "等待审批" if lang == "zh" else "waiting for approval"
        tasks.append(row)
    campaign = {"name": "国庆活动", "launch": dt.date(2026, 10, 15), "timezone": "Asia/Shanghai", "calendar": "CN",
                "recipients": "team@example.com"}
    today = FIRST_DAY + dt.timedelta(days=draw(st.integers(0, 20)))
    return lang, tasks, campaign, today


def _digests(lang, tasks, campaign, today):
    report = analyse(tracker_rows(tasks, lang, campaign, HOLIDAY_PEOPLE), today,
                     now=dt.datetime.combine(today, dt.time(8, 30)))
    batch = build_digests(report, None, tracker="tracker.xlsx", today=today, chart=False)
    return report, batch


def _window(today: dt.date) -> tuple[dt.date, dt.date]:
    first = today if CN.is_workday(today) else CN.add_workdays(today, 1)
    return today, CN.add_workdays(first, 4)


HEADING = re.compile(r"^== (.*) · (\d+)(?: 项)? ==$", re.MULTILINE)


def _check_numbers(message) -> None:
    """Each heading's number is its list's size, each headline number the count of listed items with its flag,
    and the subject shows the same numbers as the headline."""
    content, text = message.content, message.text
    blocks = HEADING.split(text)[1:]
    headings = [(blocks[i], int(blocks[i + 1]), blocks[i + 2]) for i in range(0, len(blocks), 3)]
    assert len(headings) == len(content.sections)
    for (title, n, body), sec in zip(headings, content.sections):
        listed = len(re.findall(r"^\* ", body.split("\n-- \n")[0], re.MULTILINE))
        assert n == len(sec.items) == listed, (title, n, listed)
    items = content.items()
    for box, (label, value) in zip(content.boxes, content.headline):
        if box.flag is not None:
            assert int(value) == sum(box.flag in it.flags for it in items), label
            assert f"{label}{'：' if content.lang == 'zh' else ': '}{value}" in text
    for key, value in content.counts.items():
        if key in ("late", "blocked", "review_overdue") and content.kind == "team":
            assert f" {value}" in message.email["Subject"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trackers())
def test_every_number_is_its_list_and_everyone_gets_what_is_theirs(case):
    lang, tasks, campaign, today = case
    report, batch = _digests(lang, tasks, campaign, today)
    team = next(m for m in batch.messages if m.kind == "team")
    personal = {m.content.recipient_name: m for m in batch.messages if m.kind == "personal"}
    for message in batch.messages:
        _check_numbers(message)

    live = [t for t in report.tasks if t.status not in ("done", "cancelled")]
    listed = {it.key: it for it in team.content.items()}
    # the team's numbers are over every open task: nothing late, blocked or overdue goes uncounted
    assert team.content.count("late") == sum(t.health == "late" for t in live)
    assert team.content.count("blocked") == sum(t.status == "blocked" or t.health == "blocked" for t in live)
    overdue = {f.task_id for f in report.findings if f.code == "unreviewed"}  # also when late comes first
    assert team.content.count("review-overdue") == sum(t.key in overdue for t in live)

    start, end = _window(today)
    errors = {f.row for f in report.findings if f.severity == "error"}
    for t in live:
        owed = (t.health in ("late", "blocked", "at-risk") or t.status == "blocked" or t.row in errors
                or (t.due is not None and t.health != "late" and start <= t.due <= end))
        owners = [o for o in (t.owners or [t.owner]) if o]
        reached = [o for o in owners if o in HOLIDAY_PEOPLE]
        if owed:
            for owner in reached:
                assert owner in personal, (t.key, owner)
                keys = {it.key for it in personal[owner].content.items()}
                assert t.key in keys, (t.key, owner, t.health)
        if not reached:  # the team digest says it reaches nobody, and why
            assert t.key in listed and "nobody" in listed[t.key].flags, t.key
    assert len(batch.unreached) == sum(not [o for o in (t.owners or [t.owner]) if o in HOLIDAY_PEOPLE]
                                       for t in live)


def test_a_task_listed_once_counts_in_every_number_it_belongs_to():
    """Late, blocked and due within five working days: one item, under Late, counted in all three headline
    numbers, with both badges beside it; the subject says the same numbers."""
    lang = "zh"
    s = STATUS_LABELS[lang]
    tasks = [dict(id="T1", task="支付接口", owner="张三", status=s["blocked"], deadline=dt.date(2026, 10, 9),
                  notes="等待支付机构审批"),
             dict(id="T2", task="海报", owner="张三", status=s["in-progress"], deadline=dt.date(2026, 10, 12))]
    campaign = {"name": "国庆活动", "launch": dt.date(2026, 10, 15), "recipients": "team@example.com"}
    report, batch = _digests(lang, tasks, campaign, dt.date(2026, 10, 12))
    mine = next(m for m in batch.messages if m.kind == "personal").content
    assert [it.key for it in mine.items()] == ["T1", "T2"]
    first = mine.items()[0]
    assert {"late", "blocked"} <= first.flags and first.badges[:2] == ["逾期", "受阻"]
    assert "受阻原因：等待支付机构审批" in first.notes  # the owner's own words, not "fill in the notes"
    assert mine.count("late") == 1 and mine.count("blocked") == 1 and mine.count("due-soon") == 1
    assert "逾期 1 · 受阻 1" in mine.subject


def test_without_a_people_sheet_the_command_says_why_nobody_is_reached():
    from sheetsync.model import SheetData, WorkbookData
    s = STATUS_LABELS["en"]
    tasks = [dict(id="T1", task="Poster", owner="Ann", status=s["in-progress"], deadline=dt.date(2026, 10, 9))]
    book = tracker_rows(tasks, "en", {"name": "C", "recipients": "team@example.com"}, {})
    book = WorkbookData(book.source, [sh for sh in book.sheets if sh.name != "People"] + [SheetData("x", [])])
    report = analyse(book, dt.date(2026, 10, 8))
    batch = build_digests(report, None, tracker="tracker.xlsx", today=dt.date(2026, 10, 8), chart=False)
    assert len(batch.unreached) == 1 and batch.unreached.no_people
    line = next(w.message for w in batch.warnings if w.code == "unreached")
    assert line.startswith("Reaches nobody: 1 task (") and "People sheet" in line
    team = next(m for m in batch.messages if m.kind == "team").content
    assert not any(s.name == "nobody" for s in team.sections)  # one line, not every task listed as noise


def test_the_trackers_own_days_off_move_the_five_working_days(tmp_path):
    from sheetsync import api
    from support.tracker_factory import make_tracker
    s = STATUS_LABELS["zh"]
    tasks = [dict(id="T1", task="物料", owner="张三", status=s["not-started"], deadline=dt.date(2026, 10, 14))]
    campaign = {"name": "国庆活动", "launch": dt.date(2026, 10, 20), "recipients": "team@example.com"}
    people = [(n, e, "") for n, e in HOLIDAY_PEOPLE.items()]

    def coming(holidays):
        path = make_tracker(tmp_path / f"t{len(holidays)}.xlsx", tasks, lang="zh", campaign=campaign, people=people,
                            holidays=holidays)
        batch, _ = api.digest(path, today="2026-10-08T08:30", outbox=tmp_path / "out", state=tmp_path / "s.db")
        team = next(m for m in batch.messages if m.kind == "team").content
        return next((sec for sec in team.sections if sec.name == "coming"), None)
    # 10-08, 10-09, the make-up Saturday 10-10, 10-12, 10-13: the 14th is the sixth working day
    assert coming([]) is None
    # the team's own day off on Friday 10-09 (the Holidays sheet) makes the 14th the fifth
    got = coming([(dt.date(2026, 10, 9), "休息", "团建")])
    assert got is not None and [i.key for i in got.items] == ["T1"] and "10-14（周三）" in got.title
