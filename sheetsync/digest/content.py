"""What a digest says, as plain data: headline numbers and the five sections of seed 000 principle 4
(done, in progress, to do, risks, needs help) plus the sheet's data errors, and each person's own list
(seed 004 step 3: one message per person with everything they owe, instead of a trickle of requests).

The team digest lists each task once, in the first section that applies: Risks (late, at risk, due date
moved), Needs help (blocked, review overdue), In progress, Coming up (due in the next 7 days from today),
Done (finished since the last digest); every reason that applies stands beside it. A personal digest
also lists each task once: Waiting on you (reviews you owe; your unfinished tasks holding up a successor
that has started, is at risk or is due within the period), Late, Blocked, Due this week (the ISO week of
the period), and Waiting on someone else's review (your drafts: not yours to do)."""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from ..engine.counts import count
from ..engine import catalogue
from ..engine.checks import hours_waiting
from ..engine.schema import REPORT_TITLE
from ..model import Finding, Report, Task, col_letter
from .i18n import t

OPEN = frozenset({"not-started", "in-progress", "in-review", "blocked", None})
AT_RISK_CODES = ("dependency-not-done", "dependency-order", "schedule-risk", "lead-time", "after-launch")
WORKING = ("in-progress", "in-review")
COMING_DAYS = 7  # "Coming up": today and the six days after it
FIX_CELLS = 3  # cells named per kind of data error; the report sheet has them all


@dataclass
class Item:
    key: str
    title: str
    owner: str | None  # None: not about one task (a count of data errors)
    due: str | None
    ref: str | None = None  # `任务!F12`
    url: str | None = None
    notes: list[str] = field(default_factory=list)
    badge: str | None = None  # short marker such as "new"


@dataclass
class Section:
    name: str  # team: risks | help | progress | coming | done | fix; personal: waiting | late | blocked | owe | others
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


def report_sheet_ref(report: Report) -> str:
    """Where the report sheet a sync writes is: `同步报告!A1`."""
    return f"{sheet_ref(REPORT_TITLE[report.language])}!A1"


def owners_of(task: Task) -> list[str]:
    """Everyone named in the owner cell (the first is `owner`)."""
    return list(task.owners) if task.owners else ([task.owner] if task.owner else [])


class _Weekdays:
    """Mon-Fri when the campaign's calendar cannot be loaded."""

    def workdays_between(self, a: dt.date, b: dt.date) -> int:
        if b < a:
            return -self.workdays_between(b, a)
        return sum((a + dt.timedelta(days=i)).weekday() < 5 for i in range(1, (b - a).days + 1))


def calendar_for(report: Report):
    if report.work_calendar is not None:  # the engine's: the Holidays sheet and an imported notice included
        return report.work_calendar
    try:
        from ..engine.calendar import WorkCalendar
        return WorkCalendar(report.campaign.calendar)
    except Exception:  # unknown country or no holiday data: still send the digest
        return _Weekdays()


class Facts:
    """Shared derivations from a report and its baseline snapshot."""

    def __init__(self, report: Report, baseline: list[dict] | None, *, period: str, monday: dt.date,
                 today: dt.date, now: dt.datetime, link_for, calendar, busy_threshold: int,
                 report_link: str | None = None):
        self.report, self.lang, self.today, self.now = report, report.language, today, now
        self.period, self.monday, self.sunday = period, monday, monday + dt.timedelta(days=6)
        self.report_link = report_link or report_sheet_ref(report)
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
            else:  # a finding over a range belongs to each of its rows
                for row, _ in f.spots():
                    if row is not None:
                        self.findings[f"row:{row}"].append(f)
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

    def coming_window(self) -> tuple[dt.date, dt.date]:
        return self.today, self.today + dt.timedelta(days=COMING_DAYS - 1)

    def in_period(self, day: dt.date | None) -> bool:
        return day is not None and self.monday <= day <= self.sunday

    def started(self, task: Task) -> bool:
        return (task.status in WORKING or (task.progress or 0) > 0
                or (task.start is not None and task.start <= self.today))

    # -- reasons: each a line a reader understands, in the sheet's language ------------------------------------

    def risk_reasons(self, task: Task) -> list[str]:
        """Late, at risk, or its due date moved since the last digest; empty when none applies."""
        notes = self.reasons(task, ("late",))
        if task.health == "late" and not notes:
            notes.append(t(self.lang, "late"))
        at_risk = self.reasons(task, AT_RISK_CODES)
        notes += at_risk
        if task.health == "at-risk" and not at_risk:
            notes.append(t(self.lang, "at_risk"))
        slip = self.slipped(task)
        if slip:
            notes.append(t(self.lang, "slipped", old=slip[0], new=slip[1]))
        return notes

    def blocked_reasons(self, task: Task) -> list[str]:
        if task.status != "blocked" and task.health != "blocked":
            return []
        notes = self.reasons(task, ("blocked",)) or [t(self.lang, "blocked")]
        preds = [self.by_key[k] for k in task.depends_on if k in self.by_key and self.is_open(self.by_key[k])]
        if preds:
            names = ", ".join(f"{_named(p)} ({', '.join(owners_of(p)) or '—'})" for p in preds)
            notes.append(t(self.lang, "preds_open", tasks=names))
        return notes

    def overdue_review_reasons(self, task: Task) -> list[str]:
        if task.health != "unreviewed" and not any(f.code == "unreviewed" for f in self.findings_of(task)):
            return []
        return [t(self.lang, "unreviewed_for", hours=self.hours_text(task), reviewer=task.reviewer or "—")]

    def help_reasons(self, task: Task) -> list[str]:
        return self.blocked_reasons(task) + self.overdue_review_reasons(task)

    def progress_reason(self, task: Task) -> str:
        if task.status == "in-review" or self.awaiting_review(task):
            key = "in_review" if task.reviewer else "in_review_nobody"
            return t(self.lang, key, reviewer=task.reviewer or "", hours=self.hours_text(task))
        if task.progress:
            return t(self.lang, "in_progress_pct", pct=round(task.progress * 100))
        return t(self.lang, "in_progress")

    def due_reason(self, task: Task) -> str:
        days = (task.due - self.today).days
        return t(self.lang, "due_today") if days == 0 else t(self.lang, "due_in", days=count(self.lang, "day", days))

    def hours_text(self, task: Task) -> str:
        hours = self.hours_waiting(task)
        return "?" if hours is None else count(self.lang, "h", hours)

    def held_up(self, task: Task) -> list[tuple[Task, str]]:
        """Successors `task` holds up that matter now: started, at risk, or due within the period."""
        out = []
        for s in self.successors.get(task.key, ()):
            if not self.is_open(s):
                continue
            if self.started(s):
                why = t(self.lang, "held_started")
            elif s.health in ("at-risk", "late"):
                why = t(self.lang, "held_risk")
            elif s.due is not None and s.due <= self.sunday:
                why = t(self.lang, "held_due", due=s.due.isoformat())
            else:
                continue
            out.append((s, why))
        return out

    def data_errors(self) -> list[tuple[str, list[Finding]]]:
        """Errors by kind, most cells first; within a kind, the cells of open tasks due soonest first."""
        groups: dict[str, list[Finding]] = defaultdict(list)
        for f in self.report.findings:
            if f.severity == "error":
                groups[f.code].append(f)

        def weight(f: Finding):
            task = self.by_key.get(f.task_id) if f.task_id else None
            open_first = 0 if task is None or self.is_open(task) else 1
            return (open_first, (task.due if task and task.due else dt.date.max), f.row or 0, f.cell or "")
        return sorted(((code, sorted(fs, key=weight)) for code, fs in groups.items()),
                      key=lambda kv: (-len(kv[1]), kv[0]))

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
        return hours_waiting(task.submitted, self.now)

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


def _named(task: Task) -> str:
    """`T4 H5 页面`: the id and the name, as people refer to a task."""
    return f"{task.key} {task.task}" if task.task and task.task != task.key else task.key


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

    risks, help_items, progress, coming = [], [], [], []
    start, end = f.coming_window()
    for x in sorted(f.tasks, key=lambda x: (x.due or dt.date.max, x.row)):
        if not f.is_open(x):
            continue
        risk, helping = f.risk_reasons(x), f.help_reasons(x)
        if risk:  # the first section that applies; every reason stands beside it
            risks.append(f.item(x, risk + helping, t(lang, "newly_late") if f.newly_late(x) else None))
        elif helping:
            help_items.append(f.item(x, helping))
        elif x.status in WORKING or f.awaiting_review(x):
            progress.append(f.item(x, [f.progress_reason(x)]))
        elif x.due is not None and start <= x.due <= end:
            coming.append(f.item(x, [f.due_reason(x)]))
    for owner, week, n, tasks in f.overloaded():
        # about a person, not a task: the tasks themselves stay in their own sections
        help_items.append(Item(key=f"overloaded:{owner}:{week}", title=owner, owner=None, due=week,
                               notes=[t(lang, "overloaded", owner=owner, week=week, count=count(lang, "item", n))]))
    for alert in f.report.alerts:  # seed 001's metric thresholds are risks too (issue 13)
        risks.append(Item(key=f"metric:{alert.key}", title=alert.metric, owner=None, due=alert.period,
                          ref=alert.ref, notes=[alert.message], badge=t(lang, "metric_badge")))
    done = [f.item(x) for x in f.finished()]

    sections = [Section("risks", t(lang, "sec_risks"), risks), Section("help", t(lang, "sec_help"), help_items),
                Section("progress", t(lang, "sec_progress"), progress),
                Section("coming", t(lang, "sec_coming", start=start.isoformat(), end=end.isoformat()), coming),
                Section("done", t(lang, "sec_done_first" if f.baseline is None else "sec_done"), done),
                Section("fix", t(lang, "sec_fix"), fix_items(f))]
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


def fix_items(f: Facts) -> list[Item]:
    """One line per kind of data error: its title, how many cells, the first few, and the report sheet."""
    lang, out = f.lang, []
    url = f.report_link if "://" in f.report_link else None
    for code, found in f.data_errors():
        ftype = catalogue.CATALOGUE.get(code)
        title = (ftype.title_zh if lang == "zh" else ftype.title_en) if ftype else code
        # a finding over a range is listed as its range and counts each of its cells
        refs = [f"{sheet_ref(x.sheet)}!{x.range or x.cell}" if x.sheet and x.cell else (x.ref or "—")
                for x in found[:FIX_CELLS]]
        listed = ("、" if lang == "zh" else ", ").join(refs)
        if len(found) > FIX_CELLS:
            listed += (" " if lang == "en" else "") + t(lang, "fix_more")
        out.append(Item(key=f"fix:{code}", title=title, owner=None, due=None, ref=None if url else f.report_link,
                        url=url, notes=[t(lang, "fix_cells", cells=count(lang, "spot", sum(len(x.spots()) for x in found)), refs=listed),
                                        t(lang, "fix_report", ref=REPORT_TITLE[lang])]))
    return out


def personal_content(f: Facts, person: str) -> DigestContent | None:
    """What `person` owes (see the module docstring); None when nothing concerns them this period."""
    lang = f.lang
    waiting, late, blocked, owe, others = [], [], [], [], []
    for x in f.to_review.get(person, ()):
        if person not in owners_of(x) and f.awaiting_review(x):
            sub = x.submitted.strftime("%Y-%m-%d %H:%M") if x.submitted else "—"
            waiting.append(f.item(x, [t(lang, "review_owed", submitted=sub, hours=f.hours_text(x))]))
    for x in sorted(f.owned.get(person, ()), key=lambda x: (x.due or dt.date.max, x.row)):
        if not f.is_open(x):
            continue
        reasons = f.reasons(x, ("late",)) + f.blocked_reasons(x)
        if f.awaiting_review(x) and x.reviewer != person:
            key = "waiting_on_review" if x.reviewer else "waiting_on_nobody"
            others.append(f.item(x, [t(lang, key, reviewer=x.reviewer or "", hours=f.hours_text(x))] + reasons))
            continue
        held = f.held_up(x)
        badge = t(lang, "newly_late") if f.newly_late(x) else None
        if held:
            names = ", ".join(f"{_named(s)} ({why})" for s, why in held)
            waiting.append(f.item(x, [t(lang, "blocks", successors=names)] + reasons, badge))
        elif x.health == "late":
            late.append(f.item(x, reasons or [t(lang, "late")], badge))
        elif x.status == "blocked" or x.health == "blocked":
            blocked.append(f.item(x, reasons))
        elif f.in_period(x.due):
            owe.append(f.item(x, [f.due_reason(x)] if x.due >= f.today else []))
    if not (waiting or late or blocked or owe or others):
        return None
    name = _campaign_name(f.report)
    counts = {"due": len(owe), "late": len(late), "waiting": len(waiting)}
    owe_title = t(lang, "sec_owe", start=f.monday.isoformat(), end=f.sunday.isoformat())
    return DigestContent(kind="personal", lang=lang, campaign=name, period=f.period, week=f.week,
                         title=t(lang, "title_personal", name=person, week=f.week),
                         subject=t(lang, "personal_subject", campaign=name, week=f.week, **counts),
                         headline=[(t(lang, "sec_waiting"), str(len(waiting))), (t(lang, "sec_late"), str(len(late))),
                                   (t(lang, "sec_owe_short"), str(len(owe)))],
                         sections=[Section("waiting", t(lang, "sec_waiting"), waiting),
                                   Section("late", t(lang, "sec_late"), late),
                                   Section("blocked", t(lang, "sec_blocked"), blocked),
                                   Section("owe", owe_title, owe),
                                   Section("others", t(lang, "sec_others"), others)],
                         counts=counts, recipient_name=person)
