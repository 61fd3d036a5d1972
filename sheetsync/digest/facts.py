"""What a digest derives from a report and the previous digest's snapshot: each task's flags (what it counts
in), its reasons in the reader's language, the working-day windows, who a task reaches. Every message (team
and personal digests, chat posts) takes its items' flags from here, so their numbers agree with each other."""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Callable

from ..dates_text import calendar_of, day_text, finding_text, readable, week_text
from ..engine.counts import count
from ..engine.review_clock import waiting_hours
from ..engine.schema import REPORT_TITLE
from ..labels import blocked_because
from ..model import Finding, Report, Task, col_letter
from .i18n import t
from .mail import valid_address

OPEN = frozenset({"not-started", "in-progress", "in-review", "blocked", None})
AT_RISK_CODES = ("dependency-not-done", "dependency-order", "schedule-risk", "lead-time", "after-launch")
WORKING = ("in-progress", "in-review")
COMING_WORKDAYS = 5  # "Coming up": the next five working days on the tracker's calendar

# What an item counts in. A task is listed once, in the first section that applies, and counts in every one
# of these that is true of it; each headline number is the count of listed items carrying its flag.
LATE, BLOCKED, AT_RISK, REVIEW_OVERDUE, IN_REVIEW = "late", "blocked", "at-risk", "review-overdue", "in-review"
DUE_SOON, INVALID, MOVED, NOBODY, REVIEW_OWED, DONE = "due-soon", "invalid", "moved", "nobody", "review-owed", "done"
BADGED = (LATE, BLOCKED, AT_RISK, REVIEW_OVERDUE, INVALID)  # the flags shown beside a task's title


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


def named(task: Task) -> str:
    """`T4 H5 页面`: the id and the name, as people refer to a task."""
    return f"{task.key} {task.task}" if task.task and task.task != task.key else task.key


def reachable(report: Report) -> dict[str, str]:
    """Person -> the bare address their personal digest goes to (People sheet first, then the owner cell's)."""
    out = {}
    for name, p in report.people.items():
        bare = valid_address(p.email)
        if bare:
            out[name] = bare
    for task in report.tasks:
        for name in owners_of(task)[:1]:
            bare = valid_address(task.owner_email)
            if bare and name not in out:
                out[name] = bare
    return out


class Facts:
    """Shared derivations from a report and its baseline snapshot."""

    def __init__(self, report: Report, baseline: list[dict] | None, *, period: str, monday: dt.date,
                 today: dt.date, now: dt.datetime, link_for, calendar, busy_threshold: int,
                 report_link: str | None = None, tracker_link: str | None = None):
        self.report, self.lang, self.today, self.now = report, report.language, today, now
        self.period, self.monday, self.sunday = period, monday, monday + dt.timedelta(days=6)
        self.report_link = report_link or report_sheet_ref(report)
        self.tracker_link = tracker_link
        self.week = monday.isocalendar()[1]
        self.link_for = link_for or default_link_for(report)
        self.calendar = calendar or calendar_of(report)
        self.busy_threshold = busy_threshold
        self.baseline = {row["key"]: row for row in baseline} if baseline is not None else None
        self.tasks = [x for x in report.tasks if x.status != "cancelled"]
        self.by_key = {x.key: x for x in report.tasks}
        self.addresses = reachable(report)
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
        self.coming_start, self.coming_end = self._coming_window()

    # -- words ------------------------------------------------------------------------------------------------

    def day(self, d: dt.date | None, **kw) -> str:
        return day_text(d, self.lang, self.calendar, **kw) if d else t(self.lang, "no_due")

    def text(self, message: str) -> str:
        """An engine message (ISO dates, week and time-point tokens) as the reader reads it."""
        return readable(message, self.lang, self.calendar, self.today)

    def week_of(self, d: dt.date) -> str:
        return week_text(d, self.lang)

    # -- per task ---------------------------------------------------------------------------------------------

    def findings_of(self, task: Task) -> list[Finding]:
        out = list(self.findings.get(task.key, ()))
        if task.id is None or task.id != task.key:
            out += [f for f in self.findings.get(task.id or "", ()) if f not in out]
        out += [f for f in self.findings.get(f"row:{task.row}", ()) if f not in out]
        return out

    def reasons(self, task: Task, codes) -> list[str]:
        return [finding_text(f, self.lang, self.calendar, self.today) for f in self.findings_of(task) if f.code in codes]

    def is_open(self, task: Task) -> bool:
        return task.status in OPEN

    def was(self, task: Task) -> dict | None:
        return self.baseline.get(task.key) if self.baseline is not None else None

    def due_text(self, task: Task) -> str:
        """The due date with its weekday; a deadline that could not be read says so (its reason is a note)."""
        if task.due is None and task.due_source == "unreadable":
            return t(self.lang, "bad_due")
        return self.day(task.due)

    def flags(self, task: Task) -> set[str]:
        """Everything `task` counts in (see the flag names above)."""
        out = set()
        if task.status == "done":
            out.add(DONE)
        if not self.is_open(task):
            return out
        if task.health == "late":
            out.add(LATE)
        if task.status == "blocked" or task.health == "blocked":
            out.add(BLOCKED)
        if self.at_risk_reasons(task) or task.health == "at-risk":
            out.add(AT_RISK)
        if self.review_overdue(task):
            out.add(REVIEW_OVERDUE)
        if self.awaiting_review(task):
            out.add(IN_REVIEW)
        if self.due_soon(task):
            out.add(DUE_SOON)
        if self.invalid(task):
            out.add(INVALID)
        if self.moved(task):
            out.add(MOVED)
        if not self.reaches_someone(task):
            out.add(NOBODY)
        return out

    def badges(self, flags: set[str], task: Task) -> list[str]:
        out = []
        for flag in BADGED:
            if flag in flags:
                out.append(t(self.lang, "newly_late") if flag == LATE and self.newly_late(task) else
                           t(self.lang, "badge_" + flag.replace("-", "_")))
        return out

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

    def moved(self, task: Task) -> tuple[str, str] | None:
        """(old, new) due dates when the due date differs from the previous digest's."""
        before = self.was(task)
        if before and before["due"] and task.due and task.due.isoformat() != before["due"]:
            try:
                old = dt.date.fromisoformat(before["due"])
            except ValueError:
                return None
            return self.day(old), self.day(task.due)
        return None

    def changed(self) -> bool:
        if self.baseline is None:
            return True
        now = {x.key: (x.status, x.due.isoformat() if x.due else None, x.health, x.owner) for x in self.report.tasks}
        then = {k: (r["status"], r["due"], r["health"], r["owner"]) for k, r in self.baseline.items()}
        return now != then

    def _coming_window(self) -> tuple[dt.date, dt.date]:
        """Today through the fifth working day counted from today (today counts when it is a working day)."""
        try:
            first = self.today if self.calendar.is_workday(self.today) else self.calendar.add_workdays(self.today, 1)
            return self.today, self.calendar.add_workdays(first, COMING_WORKDAYS - 1)
        except OverflowError:
            return self.today, self.today + dt.timedelta(days=COMING_WORKDAYS - 1)

    def coming_title(self, key: str) -> str:
        return t(self.lang, key, days=COMING_WORKDAYS, start=self.day(self.coming_start),
                 end=self.day(self.coming_end))

    def due_soon(self, task: Task) -> bool:
        return (self.is_open(task) and task.health != "late" and task.due is not None
                and self.coming_start <= task.due <= self.coming_end)

    def started(self, task: Task) -> bool:
        return (task.status in WORKING or (task.progress or 0) > 0
                or (task.start is not None and task.start <= self.today))

    def invalid(self, task: Task) -> bool:
        return any(f.severity == "error" for f in self.findings_of(task))

    def reaches_someone(self, task: Task) -> bool:
        return any(o in self.addresses for o in owners_of(task))

    def nobody_kind(self, task: Task) -> str:
        """Why no personal digest reaches `task`: no_owner | no_email | not_in_people."""
        owners = owners_of(task)
        if not owners:
            return "no_owner"
        return "no_email" if owners[0] in self.report.people else "not_in_people"

    def nobody_reason(self, task: Task) -> str:
        owners = owners_of(task)
        return t(self.lang, "nobody_" + self.nobody_kind(task), name=owners[0] if owners else "")

    # -- reasons: each a line a reader understands, in the sheet's language ------------------------------------

    def late_reasons(self, task: Task) -> list[str]:
        if task.health != "late":
            return []
        if task.due is not None:
            days = max(self.calendar.workdays_between(task.due, self.today), 1)
            return [t(self.lang, "late_by", days=count(self.lang, "wd", days))]  # the due date is beside it
        return self.reasons(task, ("late",)) or [t(self.lang, "badge_late")]

    def at_risk_reasons(self, task: Task) -> list[str]:
        # a late task's schedule no longer fitting is not news: its being late says it
        codes = tuple(c for c in AT_RISK_CODES if not (c == "schedule-risk" and task.health == "late"))
        return self.reasons(task, codes)

    def risk_reasons(self, task: Task) -> list[str]:
        """Late, at risk, or its due date moved since the last digest; empty when none applies."""
        notes = self.late_reasons(task) + self.at_risk_reasons(task)
        if task.health == "at-risk" and not notes:
            notes.append(t(self.lang, "badge_at_risk"))
        notes += self.moved_reasons(task)
        return notes

    def moved_reasons(self, task: Task) -> list[str]:
        move = self.moved(task)
        return [t(self.lang, "slipped", old=move[0], new=move[1])] if move else []

    def blocked_reasons(self, task: Task) -> list[str]:
        """The owner's own words from the notes; asked for only when the notes are empty."""
        if task.status != "blocked" and task.health != "blocked":
            return []
        notes = [blocked_because(task.notes, self.lang)] if task.notes else [t(self.lang, "blocked_no_notes")]
        preds = [self.by_key[k] for k in task.depends_on if k in self.by_key and self.is_open(self.by_key[k])]
        if preds:
            comma = "、" if self.lang == "zh" else ", "
            names = comma.join(t(self.lang, "named_owner", task=named(p), owner=comma.join(owners_of(p)) or "—")
                               for p in preds)
            notes.append(t(self.lang, "preds_open", tasks=names))
        return notes

    def review_overdue(self, task: Task) -> bool:
        return task.health == "unreviewed" or any(f.code == "unreviewed" for f in self.findings_of(task))

    def overdue_review_reasons(self, task: Task) -> list[str]:
        if not self.review_overdue(task):
            return []
        return [t(self.lang, "unreviewed_for", hours=self.hours_text(task), reviewer=task.reviewer or "—")]

    def help_reasons(self, task: Task) -> list[str]:
        return self.blocked_reasons(task) + self.overdue_review_reasons(task)

    def error_reasons(self, task: Task) -> list[str]:
        return [finding_text(f, self.lang, self.calendar, self.today) for f in self.findings_of(task)
                if f.severity == "error"]

    def progress_reason(self, task: Task) -> str:
        if task.status == "in-review" or self.awaiting_review(task):
            key = "in_review" if task.reviewer else "in_review_nobody"
            return t(self.lang, key, reviewer=task.reviewer or "", hours=self.hours_text(task))
        if task.progress:
            return t(self.lang, "in_progress_pct", pct=round(task.progress * 100))
        return t(self.lang, "in_progress")

    def due_reason(self, task: Task) -> str:
        if task.due == self.today:
            return t(self.lang, "due_today")
        days = self.calendar.workdays_between(self.today, task.due)
        if days <= 0:  # due on a day off before the next working day
            return t(self.lang, "due_on", due=self.day(task.due))
        return t(self.lang, "due_in", days=count(self.lang, "wd", days))

    def hours_waiting(self, task: Task) -> int | None:
        if task.submitted is None:
            return None
        return waiting_hours(task.submitted, self.now, self.calendar, self.report.campaign.review_clock)

    def hours_text(self, task: Task) -> str:
        hours = self.hours_waiting(task)
        if hours is None:
            return "?"
        key = "hours_working" if self.report.campaign.review_clock == "working" else "hours_calendar"
        return t(self.lang, key, hours=count(self.lang, "h", hours))

    def held_up(self, task: Task, started_only: bool = False) -> list[tuple[Task, str]]:
        """Successors `task` holds up that matter now: started, at risk, or due within the period."""
        out = []
        for s in self.successors.get(task.key, ()):
            if not self.is_open(s):
                continue
            if self.started(s):
                why = t(self.lang, "held_started")
            elif started_only:
                continue
            elif s.health in ("at-risk", "late"):
                why = t(self.lang, "held_risk")
            elif s.due is not None and s.due <= self.sunday:
                why = t(self.lang, "held_due", due=self.day(s.due))
            else:
                continue
            out.append((s, why))
        return out

    def held_text(self, held: list[tuple[Task, str]]) -> str:
        comma = "、" if self.lang == "zh" else ", "
        return t(self.lang, "blocks", successors=comma.join(t(self.lang, "named_why", task=named(s), why=why)
                                                            for s, why in held))

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

    def overloaded(self) -> list[tuple[str, dt.date, list[Task]]]:
        """(owner, Monday of the week, tasks) where one person has more than N open tasks due in one week."""
        groups: dict[tuple[str, dt.date], list[Task]] = defaultdict(list)
        for x in self.tasks:
            if self.is_open(x) and x.due and x.due >= self.monday:
                monday = x.due - dt.timedelta(days=x.due.weekday())
                for owner in owners_of(x):
                    groups[(owner, monday)].append(x)
        return [(o, w, v) for (o, w), v in sorted(groups.items()) if len(v) > self.busy_threshold]

    def awaiting_review(self, task: Task) -> bool:
        return task.status == "in-review" or (task.submitted is not None and task.reviewed is None
                                              and self.is_open(task))

    def workdays_to_launch(self) -> int | None:
        launch = self.report.campaign.launch
        return self.calendar.workdays_between(self.today, launch) if launch else None
