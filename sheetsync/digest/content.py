"""What a digest says, as plain data: headline numbers and the five sections of seed 000 principle 4
(done, in progress, to do, risks, needs help), and each person's own list (seed 004 step 3: one message
per person with everything they owe, instead of a trickle of requests)."""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from ..model import Report, Task, col_letter
from .i18n import t

OPEN = frozenset({"not-started", "in-progress", "in-review", "blocked", None})
AT_RISK_CODES = ("dependency-not-done", "dependency-order", "schedule-risk", "lead-time", "after-launch")


@dataclass
class Item:
    key: str
    title: str
    owner: str
    due: str
    ref: str | None = None  # `任务!F12`
    url: str | None = None
    notes: list[str] = field(default_factory=list)
    badge: str | None = None  # short marker such as "new"


@dataclass
class Section:
    name: str  # done | progress | coming | risks | help | owe | late | waiting
    title: str
    items: list[Item]


@dataclass
class DigestContent:
    kind: str  # team | personal
    lang: str
    campaign: str
    period: str
    week: int
    title: str
    subject: str
    headline: list[tuple[str, str]]  # (label, value)
    sections: list[Section]
    counts: dict
    changed: bool = True
    note: str | None = None  # one-line body when nothing changed
    intro: str | None = None
    recipient_name: str | None = None


def sheet_ref(sheet: str) -> str:
    """`任务` stays bare as Excel shows it; names with spaces or punctuation, or that look like a cell, are quoted."""
    if all(ch.isalnum() or ch == "_" for ch in sheet) and not re.fullmatch(r"[A-Za-z]{1,3}\d+", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def default_link_for(report: Report) -> Callable[[Task], str]:
    """`任务!C12`: the task-name cell of the row, so a reader can jump to it with Ctrl+G."""
    col = report.columns.get("task", report.columns.get("id", 0))
    sheet = report.sheet

    def link(task: Task) -> str:
        cell = f"{col_letter(col)}{task.row}"
        return f"{sheet_ref(sheet)}!{cell}" if sheet else cell
    return link


def gsheet_link_for(url: str, gid) -> Callable[[Task], str]:
    """A Google Sheets URL that opens the row: .../edit#gid=123&range=A12."""
    base = url.split("#", 1)[0]
    return lambda task: f"{base}#gid={gid}&range=A{task.row}"


def owners_of(task: Task) -> list[str]:
    """Everyone the task's owner cell names (Task.owners), or the one owner of a task built without them."""
    return task.owners or ([task.owner] if task.owner else [])


class _Weekdays:
    """Mon-Fri when the campaign's calendar cannot be loaded."""

    def workdays_between(self, a: dt.date, b: dt.date) -> int:
        if b < a:
            return -self.workdays_between(b, a)
        return sum((a + dt.timedelta(days=i)).weekday() < 5 for i in range(1, (b - a).days + 1))


def calendar_for(report: Report):
    try:
        from ..engine.calendar import WorkCalendar
        return WorkCalendar(report.campaign.calendar)
    except Exception:  # unknown country or no holiday data: still send the digest
        return _Weekdays()


class Facts:
    """Shared derivations from a report and its baseline snapshot."""

    def __init__(self, report: Report, baseline: list[dict] | None, *, period: str, monday: dt.date,
                 today: dt.date, now: dt.datetime, link_for, calendar, busy_threshold: int):
        self.report, self.lang, self.today, self.now = report, report.language, today, now
        self.period, self.monday = period, monday
        self.week = monday.isocalendar()[1]
        self.link_for = link_for or default_link_for(report)
        self.calendar = calendar or calendar_for(report)
        self.busy_threshold = busy_threshold
        self.baseline = {row["key"]: row for row in baseline} if baseline is not None else None
        self.tasks = [x for x in report.tasks if x.status != "cancelled"]
        self.by_key = {x.key: x for x in report.tasks}
        self.findings: dict[str, list] = defaultdict(list)
        for f in report.findings:
            if f.task_id is not None:
                self.findings[f.task_id].append(f)
            elif f.row is not None:
                self.findings[f"row:{f.row}"].append(f)
        self.successors: dict[str, list[Task]] = defaultdict(list)
        self.owned: dict[str, list[Task]] = defaultdict(list)
        self.to_review: dict[str, list[Task]] = defaultdict(list)
        for x in self.tasks:
            for dep in x.depends_on:
                self.successors[dep].append(x)
            for owner in owners_of(x):  # '张三、李四': the task is in both personal digests
                self.owned[owner].append(x)
            if x.reviewer:
                self.to_review[x.reviewer].append(x)

    # -- per task ---------------------------------------------------------------------------------------------

    def findings_of(self, task: Task) -> list:
        out = list(self.findings.get(task.key, ()))
        if task.id is None or task.id != task.key:
            out += [f for f in self.findings.get(task.id or "", ()) if f not in out]
        out += [f for f in self.findings.get(f"row:{task.row}", ()) if f not in out]
        return out

    def reasons(self, task: Task, codes) -> list[str]:
        return [f.message for f in self.findings_of(task) if f.code in codes]

    def item(self, task: Task, notes=(), badge=None) -> Item:
        link = self.link_for(task) if self.link_for else None
        url = link if link and "://" in link else None
        return Item(key=task.key, title=task.task or task.key, owner=("、" if self.lang == "zh" else ", ").join(owners_of(task)) or "—",
                    due=task.due.isoformat() if task.due else t(self.lang, "no_due"),
                    ref=None if url else link, url=url, notes=list(notes), badge=badge)

    def is_open(self, task: Task) -> bool:
        return task.status in OPEN

    def was(self, task: Task) -> dict | None:
        return self.baseline.get(task.key) if self.baseline is not None else None

    # -- derived lists ----------------------------------------------------------------------------------------

    def finished(self) -> list[Task]:
        """Done now and not done at the previous digest (everything done, before the first digest)."""
        out = []
        for x in self.tasks:
            if x.status != "done":
                continue
            before = self.was(x)
            if self.baseline is None or before is None or before["status"] != "done":
                out.append(x)
        return out

    def newly_late(self, task: Task) -> bool:
        if self.baseline is None:  # nothing to compare with: "new" would be a guess
            return False
        before = self.was(task)
        return task.health == "late" and (before is None or before["health"] != "late")

    def slipped(self, task: Task) -> tuple[str, str] | None:
        before = self.was(task)
        if before and before["due"] and task.due and task.due.isoformat() > before["due"]:
            return before["due"], task.due.isoformat()
        return None

    def changed(self) -> bool:
        if self.baseline is None:
            return True
        now = {x.key: (x.status, x.due.isoformat() if x.due else None, x.health, x.owner) for x in self.report.tasks}
        then = {k: (r["status"], r["due"], r["health"], r["owner"]) for k, r in self.baseline.items()}
        return now != then

    def coming(self, owner: str | None = None) -> list[Task]:
        horizon = self.today + dt.timedelta(days=7)
        pool = self.tasks if owner is None else self.owned.get(owner, ())
        return sorted((x for x in pool if self.is_open(x) and x.due and self.today <= x.due <= horizon
                       and x.health != "late"), key=lambda x: x.due)

    def overloaded(self) -> list[tuple[str, str, int, list[Task]]]:
        """(owner, week label, count, tasks) where one person has more than N open tasks due in one week."""
        groups: dict[tuple[str, str], list[Task]] = defaultdict(list)
        for x in self.tasks:
            if self.is_open(x) and x.due and x.due >= self.monday:
                y, w, _ = x.due.isocalendar()
                for owner in owners_of(x):
                    groups[(owner, f"{y}-W{w:02d}")].append(x)
        return [(o, w, len(v), v) for (o, w), v in sorted(groups.items()) if len(v) > self.busy_threshold]

    def hours_waiting(self, task: Task) -> int | None:
        if task.submitted is None:
            return None
        return max(0, int((self.now - task.submitted).total_seconds() // 3600))

    def awaiting_review(self, task: Task) -> bool:
        return task.status == "in-review" or (task.submitted is not None and task.reviewed is None
                                              and self.is_open(task))

    def workdays_to_launch(self) -> int | None:
        launch = self.report.campaign.launch
        return self.calendar.workdays_between(self.today, launch) if launch else None

    def counts(self) -> dict:
        return {"total": len(self.tasks), "done": sum(x.status == "done" for x in self.tasks),
                "late": sum(x.health == "late" for x in self.tasks),
                "unreviewed": sum(x.health == "unreviewed" for x in self.tasks),
                "at_risk": sum(x.health == "at-risk" for x in self.tasks)}


def _campaign_name(report: Report) -> str:
    return report.campaign.name or (report.sheet or "sheetsync")


def team_content(f: Facts) -> DigestContent:
    lang, c = f.lang, f.counts()
    name = _campaign_name(f.report)
    days = f.workdays_to_launch()
    headline = [(t(lang, "done_of_total"), f"{c['done']}/{c['total']}"), (t(lang, "late"), str(c["late"])),
                (t(lang, "unreviewed"), str(c["unreviewed"])), (t(lang, "at_risk"), str(c["at_risk"]))]
    if days is not None:
        headline.append((t(lang, "days_to_launch"), str(days) if days >= 0 else t(lang, "launched")))

    done = [f.item(x) for x in f.finished()]
    progress = [f.item(x) for x in f.tasks if x.status in ("in-progress", "in-review")]
    coming = [f.item(x) for x in f.coming()]

    risks = []
    for x in sorted(f.tasks, key=lambda x: (x.due or dt.date.max, x.row)):
        if not f.is_open(x):
            continue
        notes, badge = [], None
        if x.health == "late":
            notes += f.reasons(x, ("late",))
            badge = t(lang, "newly_late") if f.newly_late(x) else None
        elif x.health == "at-risk":
            notes += f.reasons(x, AT_RISK_CODES)
        slip = f.slipped(x)
        if slip:
            notes.append(t(lang, "slipped", old=slip[0], new=slip[1]))
        if notes or x.health in ("late", "at-risk"):
            risks.append(f.item(x, notes, badge))

    help_items = []
    for x in f.tasks:
        if x.health == "blocked" or x.status == "blocked":
            help_items.append(f.item(x, f.reasons(x, ("blocked",)) or [t(lang, "blocked")]))
        elif x.health == "unreviewed":
            hours = f.hours_waiting(x)
            help_items.append(f.item(x, [t(lang, "unreviewed_for", hours="?" if hours is None else hours,
                                           reviewer=x.reviewer or "—")]))
    for owner, week, count, tasks in f.overloaded():
        first = tasks[0]
        item = f.item(first, [t(lang, "overloaded", owner=owner, week=week, count=count)])
        item.title = ", ".join((x.task or x.key) for x in tasks)
        item.due = week
        help_items.append(item)

    sections = [Section("done", t(lang, "sec_done"), done), Section("progress", t(lang, "sec_progress"), progress),
                Section("coming", t(lang, "sec_coming"), coming), Section("risks", t(lang, "sec_risks"), risks),
                Section("help", t(lang, "sec_help"), help_items)]
    subject = t(lang, "team_subject", campaign=name, week=f.week, **c)
    return DigestContent(kind="team", lang=lang, campaign=name, period=f.period, week=f.week,
                         title=t(lang, "title_team", campaign=name, week=f.week), subject=subject,
                         headline=headline, sections=sections, counts=c, changed=f.changed(),
                         intro=t(lang, "first_digest") if f.baseline is None else None)


def note_content(team: DigestContent) -> DigestContent:
    """The one-line message sent instead of a full digest when nothing changed."""
    lang, c = team.lang, team.counts
    return DigestContent(kind="team", lang=lang, campaign=team.campaign, period=team.period, week=team.week,
                         title=team.title, subject=t(lang, "note_subject", campaign=team.campaign, week=team.week, **c),
                         headline=team.headline, sections=[], counts=c, changed=False, note=t(lang, "note_line"))


def personal_content(f: Facts, person: str) -> DigestContent | None:
    """What `person` owes: due this coming week, late, reviews they owe, successors waiting on them."""
    lang = f.lang
    owe = [f.item(x) for x in f.coming(person)]
    mine = f.owned.get(person, ())
    late = [f.item(x, f.reasons(x, ("late",)), t(lang, "newly_late") if f.newly_late(x) else None)
            for x in mine if x.health == "late" and f.is_open(x)]
    waiting = []
    for x in f.to_review.get(person, ()):
        if person not in owners_of(x) and f.awaiting_review(x):
            sub = x.submitted.strftime("%Y-%m-%d %H:%M") if x.submitted else "—"
            waiting.append(f.item(x, [t(lang, "review_owed", submitted=sub)]))
    for x in mine:
        if f.is_open(x):
            held = [s for s in f.successors.get(x.key, ()) if f.is_open(s)]
            if held:
                names = ", ".join(f"{s.key} {s.task or ''}".strip() for s in held)
                waiting.append(f.item(x, [t(lang, "blocks", successors=names)]))
    if not (owe or late or waiting):
        return None
    name = _campaign_name(f.report)
    counts = {"due": len(owe), "late": len(late), "waiting": len(waiting)}
    return DigestContent(kind="personal", lang=lang, campaign=name, period=f.period, week=f.week,
                         title=t(lang, "title_personal", name=person, week=f.week),
                         subject=t(lang, "personal_subject", campaign=name, week=f.week, **counts),
                         headline=[(t(lang, "sec_owe"), str(len(owe))), (t(lang, "sec_late"), str(len(late))),
                                   (t(lang, "sec_waiting"), str(len(waiting)))],
                         sections=[Section("owe", t(lang, "sec_owe"), owe), Section("late", t(lang, "sec_late"), late),
                                   Section("waiting", t(lang, "sec_waiting"), waiting)],
                         counts=counts, recipient_name=person)
