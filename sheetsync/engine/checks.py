"""Row checks that need the whole picture: dependencies, schedule, time, review, lead time."""
from __future__ import annotations

import datetime as dt
import math

from ..counts import count
from ..model import Campaign, Finding, Person, Task, a1
from . import catalogue
from .calendar import WorkCalendar
from .graph import Graph
from .table import TableLayout
from .values import normalise_header

OPEN = ("not-started", "in-progress", "in-review", "blocked", None)
STARTED = ("in-progress", "in-review", "done")
CLOSED = ("done", "cancelled")
STATUS_ZH = {"in-progress": "开始进行", "in-review": "提交审核", "done": "完成"}
STATUS_EN = {"in-progress": "in progress", "in-review": "in review", "done": "done"}
PRE_LAUNCH_STAGES = {normalise_header(s) for s in (
    "策划", "审批", "资源筹备", "筹备", "准备", "上线前", "活动上线前", "活动前", "预热",
    "planning", "approval", "preparation", "prep", "pre-launch", "prelaunch", "before launch")}


class Checker:
    def __init__(self, g: Graph, campaign: Campaign, cal: WorkCalendar, layout: TableLayout, lang: str,
                 people: dict[str, Person] | None, today: dt.date, now: dt.datetime):
        self.g, self.campaign, self.cal, self.layout, self.lang = g, campaign, cal, layout, lang
        self.people, self.today, self.now = people, today, now
        self.findings: list[Finding] = []
        self.cols, self.headers, self.sheet = layout.columns, layout.headers, layout.sheet.name

    def add(self, code: str, t: Task, fld: str | None, **params) -> None:
        c = self.cols.get(fld) if fld else None
        if c is None:  # fall back to a column the table has, so the finding still names a cell
            for alt in ("task", "id", "status"):
                if alt in self.cols:
                    fld, c = alt, self.cols[alt]
                    break
        self.findings.append(catalogue.make(
            code, self.lang, sheet=self.sheet, cell=a1(t.row - 1, c) if c is not None else None, row=t.row,
            column=self.headers.get(fld) if fld else None, task_id=t.id, **params))

    def due_field(self, t: Task) -> str:
        return {"explicit": "deadline", "time-point": "time_point"}.get(t.due_source, "m_due")

    def run(self) -> list[Finding]:
        self.identity()
        self.dependencies()
        self.schedule()
        for t in self.g.tasks:
            self.timing(t)
        return self.findings

    # -- identity and references --------------------------------------------------------------
    def identity(self) -> None:
        g = self.g
        for i, first in g.duplicates:
            t = g.tasks[i]
            self.add("duplicate-id", t, "id", value=t.id, other_row=g.tasks[first].row)
        if self.people is not None and "owner" in self.cols:
            names = {normalise_header(n) for n in self.people}
            for t in g.tasks:
                if t.owner and t.owner not in self.people and normalise_header(t.owner) not in names:
                    self.add("unknown-owner", t, "owner", value=t.owner)
        for i, ref in g.unknown:
            self.add("unknown-dependency", g.tasks[i], "depends_on", value=ref,
                     key_kind="id" if "id" in self.cols else "name")
        told = set()  # every task in a cycle is told once, with the first cycle found through it
        for cycle in g.cycles:
            text = " → ".join(g.tasks[i].key for i in cycle)
            for i in dict.fromkeys(cycle):
                if i not in told:
                    told.add(i)
                    self.add("dependency-cycle", g.tasks[i], "depends_on", cycle=text)

    def dependencies(self) -> None:
        g = self.g
        for i, t in enumerate(g.tasks):
            if not g.preds[i]:
                continue
            for j in g.preds[i]:
                p = g.tasks[j]
                if t.status in STARTED and p.status not in CLOSED and i not in g.in_cycle:
                    self.add("dependency-not-done", t, "status", status=STATUS_EN[t.status],
                             status_zh=STATUS_ZH[t.status], pred=p.key, pred_task=p.task or "")
                if (t.due and p.due and t.due < p.due and t.due_source != "successors"
                        and t.status not in CLOSED and i not in g.in_cycle):
                    self.add("dependency-order", t, self.due_field(t), due=t.due.isoformat(), pred=p.key,
                             pred_due=p.due.isoformat())

    def schedule(self) -> None:
        """Forward pass over open tasks: a task cannot finish before its open predecessors finish plus
        its own duration. Done predecessors no longer constrain anything."""
        g, cal = self.g, self.cal
        finish: dict[int, dt.date] = {}
        for i in g.order:
            t = g.tasks[i]
            if t.status in CLOSED:
                continue
            starts = [finish[j] for j in g.preds[i] if j in finish]
            dur = math.ceil(t.duration) if t.duration else 0
            if starts:
                start = max(starts)
                try:
                    end = cal.add_workdays(start, dur) if dur else start
                except OverflowError:  # a duration of thousands of years: no finish date to compare
                    continue
                finish[i] = end
                if t.due and end > t.due:
                    self.add("schedule-risk", t, self.due_field(t), earliest_start=start.isoformat(),
                             duration=dur, earliest_finish=end.isoformat(), due=t.due.isoformat())
            else:
                # A ready task that has not started cannot finish before today plus its work.
                base = self.today
                if t.status in (None, "not-started", "blocked") and dur:
                    # today counts as the first working day when it is one
                    try:
                        finish[i] = cal.add_workdays(base, dur - 1 if cal.is_workday(base) else dur)
                    except OverflowError:
                        pass
                else:
                    finish[i] = max(base, t.due) if t.due else base

    # -- per task ---------------------------------------------------------------------------------
    def timing(self, t: Task) -> None:
        cal, today, campaign = self.cal, self.today, self.campaign
        if t.status == "blocked":
            self.add("blocked", t, "status")
        if t.status not in CLOSED and t.due is not None:
            if t.due < today:
                self.add("late", t, self.due_field(t), due=t.due.isoformat(),
                         days=max(cal.workdays_between(t.due, today), 1))
            else:
                days = cal.workdays_between(today, t.due)
                if days <= campaign.due_soon_days:
                    self.add("due-soon", t, self.due_field(t), due=t.due.isoformat(), days=days)
        self.review(t)
        if campaign.launch and t.due and t.due > campaign.launch and t.status not in CLOSED and self.pre_launch(t):
            self.add("after-launch", t, self.due_field(t), due=t.due.isoformat(), launch=campaign.launch.isoformat())
        self.lead_time(t)

    def review(self, t: Task) -> None:
        if t.status not in ("in-review", "done"):
            return
        reviewer = t.reviewer
        if (t.status == "in-review" and t.submitted and not t.reviewed
                and self.now - t.submitted > dt.timedelta(hours=self.campaign.review_sla_hours)):
            hours = int((self.now - t.submitted).total_seconds() // 3600)
            self.add("unreviewed", t, "submitted",
                     detail=f"Submitted {t.submitted:%Y-%m-%d %H:%M}, waiting {count('en', 'h', hours)} (over the "
                            f"{count('en', 'h', _whole(self.campaign.review_sla_hours))} review limit)",
                     detail_zh=f"{t.submitted:%Y-%m-%d %H:%M} 提交,已等待 {hours} 小时(超过 {self.campaign.review_sla_hours:g} 小时审核时限)",
                     reviewer_hint=f"{reviewer}, please" if reviewer else "the reviewer should",
                     reviewer_hint_zh=f"审核人{reviewer}" if reviewer else "审核人",
                     wait=f", {hours} h", wait_zh=f"({hours} 小时)")  # the Flags show the same hours
        elif t.status == "done" and reviewer and not t.reviewed and "reviewed" in self.cols:
            self.add("unreviewed", t, "reviewed", detail="Marked done but never reviewed",
                     detail_zh="已标记完成但未经审核",
                     reviewer_hint=f"{reviewer}, please" if reviewer else "the reviewer should",
                     reviewer_hint_zh=f"审核人{reviewer}" if reviewer else "审核人", wait="", wait_zh="")

    def pre_launch(self, t: Task) -> bool:
        if t.stage and normalise_header(t.stage) in PRE_LAUNCH_STAGES:
            return True
        tp = (t.time_point or "").replace(" ", "")
        return t.due_source == "time-point" and (tp.upper().startswith(("T-", "D-")) or
                                                 ("前" in tp and "结束" not in tp and "下线" not in tp))

    def department_of(self, t: Task) -> str | None:
        if t.department:
            return t.department
        if self.people and t.owner and t.owner in self.people:
            return self.people[t.owner].department
        return None

    def lead_time(self, t: Task) -> None:
        if not (t.requested and t.due) or t.status in CLOSED:
            return
        dept = self.department_of(t)
        if not dept:
            return
        key = normalise_header(dept)
        need = self.campaign.lead_times.get(key)
        if need is None:
            for name, days in self.campaign.lead_times.items():
                if normalise_header(name) and normalise_header(name) in key:
                    need = days
                    break
        if not need:
            return
        have = self.cal.workdays_between(t.requested, t.due)
        if have < need:
            self.add("lead-time", t, "requested", department=dept, need=need, have=have,
                     requested=t.requested.isoformat(), due=t.due.isoformat())


def _whole(x: float):
    """24.0 -> 24 (so it reads "24 hours"); 1.5 stays 1.5."""
    return int(x) if float(x).is_integer() else x


HEALTH_ORDER = ("done", "late", "unreviewed", "blocked", "at-risk", "due-soon", "invalid", "ok")


def assign_health(tasks: list[Task], findings: list[Finding], sheet: str) -> None:
    by_row: dict[int, set[str]] = {}
    errors: set[int] = set()
    for f in findings:
        if f.row is None or f.sheet != sheet:
            continue
        by_row.setdefault(f.row, set()).add(f.code)
        if f.severity == "error":
            errors.add(f.row)
    for t in tasks:
        codes = by_row.get(t.row, ())
        if t.status == "done":
            t.health = "done"
        elif "late" in codes:
            t.health = "late"
        elif "unreviewed" in codes:
            t.health = "unreviewed"
        elif t.status == "blocked":
            t.health = "blocked"
        elif any(c in codes for c in catalogue.AT_RISK_CODES):
            t.health = "at-risk"
        elif "due-soon" in codes:
            t.health = "due-soon"
        elif t.row in errors:
            t.health = "invalid"
        else:
            t.health = "ok"


def hours_waiting(submitted: dt.datetime, now: dt.datetime) -> int:
    """Whole hours a submitted draft has waited at `now` (never negative): the one figure the report sheet,
    the Flags and the digest all print."""
    return max(0, int((now - submitted).total_seconds() // 3600))
