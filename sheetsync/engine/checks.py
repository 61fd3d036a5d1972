"""Row checks that need the whole picture: dependencies, schedule, time, review, lead time."""
from __future__ import annotations

import datetime as dt
import math

from .counts import count
from .review_clock import waiting_seconds
from ..model import Campaign, Finding, Person, Task, a1
from . import catalogue
from .calendar import WorkCalendar
from .graph import FS, Graph
from .links import SIDES, planned_work, rule_text, shift, start_of, work_days
from .schema import header
from .table import TableLayout
from .values import normalise_header

OPEN = ("not-started", "in-progress", "in-review", "blocked", None)
STARTED = ("in-progress", "in-review", "done")
CLOSED = ("done", "cancelled")
STATUS_ZH = {"in-progress": "开始进行", "in-review": "提交审核", "done": "完成"}
STATUS_EN = {"in-progress": "in progress", "in-review": "in review", "done": "done"}
NOT_STARTED = (None, "not-started")
_DUE_FIELD = {"explicit": "deadline", "time-point": "time_point"}  # the cell a due date came from
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
        column = self.headers.get(fld) if fld else None
        if c is None and fld == "m_due" and code in catalogue.DUE_CELL_CODES and fld in self.layout.managed:
            # a derived deadline lives in the Due column sync writes, even before the first sync made it
            c, column = self.layout.managed[fld], header(fld, self.lang)
        if c is None:  # fall back to a column the table has, so the finding still names a cell
            for alt in ("task", "id", "status"):
                if alt in self.cols:
                    fld, c = alt, self.cols[alt]
                    column = self.headers.get(fld)
                    break
        self.findings.append(catalogue.make(
            code, self.lang, sheet=self.sheet, cell=a1(t.row - 1, c) if c is not None else None, row=t.row,
            column=column, task_id=t.id, **params))

    def due_field(self, t: Task) -> str:
        return _DUE_FIELD.get(t.due_source, "m_due")

    def run(self) -> list[Finding]:
        self.identity()
        self.dependencies()
        self.schedule()
        for t in self.g.tasks:
            self.cal.asker = t
            self.timing(t)
        self.cal.asker = None
        self.calendar_gap()
        return self.findings

    def calendar_gap(self) -> None:
        """One warning per tracker, on the first cell whose dates needed a year the holiday data lacks."""
        gaps = self.cal.gaps
        if not gaps:
            return
        t = min(gaps.values(), key=lambda asker: asker.row)
        fld = self.due_field(t)  # the deadline or time-point cell that drove the count
        years = sorted(gaps)
        lang = self.lang
        self.add("calendar-gap", t, fld, calendar=self.campaign.calendar or "-", year=years[0],
                 years=catalogue.join_list(years, "en"), years_zh=catalogue.join_list(years, "zh"),
                 those="that year" if len(years) == 1 else "those years",
                 count=len(years))

    # -- identity and references --------------------------------------------------------------
    def identity(self) -> None:
        g = self.g
        for i, first in g.duplicates:
            t = g.tasks[i]
            self.add("duplicate-id", t, "id", value=t.id, other_row=g.tasks[first].row)
        if self.people is not None and "owner" in self.cols:
            names = {normalise_header(n) for n in self.people}
            for t in g.tasks:
                for owner in (t.owners or ([t.owner] if t.owner else ())):
                    if owner not in self.people and normalise_header(owner) not in names:
                        self.add("unknown-owner", t, "owner", value=owner)
        for i, ref in g.unknown:
            if "id" in self.cols:
                kind, kind_zh = "id or name", "编号或任务名"
            elif g.by_position and ref.isdigit():
                kind, kind_zh = ("row number (counting the first row under the header as 1)",
                                 "行号(表头下第一行为 1)")
            else:
                kind, kind_zh = "name", "任务名"
            self.add("unknown-dependency", g.tasks[i], "depends_on", value=ref, key_kind=kind, key_kind_zh=kind_zh)
        told = set()  # every task in a cycle is told once, with the first cycle found through it
        for cycle in g.cycles:
            text = " → ".join(g.tasks[i].key for i in cycle)
            for i in dict.fromkeys(cycle):
                if i not in told:
                    told.add(i)
                    self.add("dependency-cycle", g.tasks[i], "depends_on", cycle=text)

    def dependencies(self) -> None:
        """Each link's order, by its type and lag: by status (a successor under way before its predecessor
        allows it) and by the dates as planned."""
        g = self.g
        kinds = g.kinds
        self._starts: dict[int, dt.date | None] = {}  # each task's start, counted once however many links
        for i, t in enumerate(g.tasks):
            if not g.preds[i] or i in g.in_cycle:
                continue
            for j in g.preds[i]:
                p = g.tasks[j]
                kind, lag, calendar = kinds[(i, j)] if kinds and (i, j) in kinds else FS
                pred_side, succ_side = SIDES[kind]
                waits = t.status in STARTED if succ_side == "start" else t.status == "done"
                pred_ok = p.status in CLOSED if pred_side == "finish" else p.status not in NOT_STARTED
                if waits and not pred_ok:
                    self.add("dependency-not-done", t, "status", status=STATUS_EN[t.status],
                             status_zh=STATUS_ZH[t.status], pred=p.key, pred_task=p.task or "",
                             pred_state="is not done yet" if pred_side == "finish" else "has not started yet",
                             pred_state_zh="尚未完成" if pred_side == "finish" else "尚未开始",
                             fix=f"finish {p.key} first" if pred_side == "finish" else f"start {p.key} first",
                             fix_zh=f"请先完成{p.key}" if pred_side == "finish" else f"请先开始{p.key}")
                if t.status in CLOSED or t.due_source in ("successors", "unreadable"):
                    continue
                self.order(i, j, kind, lag, calendar)

    def side(self, i: int, side: str) -> dt.date | None:
        t = self.g.tasks[i]
        if side == "finish":
            return t.due
        if i not in self._starts:
            self._starts[i] = start_of(self.cal, t)
        return self._starts[i]

    def order(self, i: int, j: int, kind: str, lag: float, calendar: bool) -> None:
        """dependency-order: the successor's planned start or finish before what the link allows."""
        cal = self.cal
        t, p = self.g.tasks[i], self.g.tasks[j]
        pred_side, succ_side = SIDES[kind]
        if t.start is None and t.due is None:
            return
        cal.asker = t
        try:
            mine = self.side(i, succ_side)
            theirs = self.side(j, pred_side)
            if mine is None or theirs is None:
                return
            need = shift(cal, theirs, lag, calendar) if lag else theirs
        except OverflowError:
            return
        if mine >= need:
            return
        lang = self.lang
        if succ_side == "start" and t.start is not None:
            # the Start cell, or the deadline cell when the start came from a range typed there
            fld, what, what_zh = ("start" if "start" in self.cols else self.due_field(t)), "Start", "开始日期"
            fix, fix_zh = f"start on {need.isoformat()} or later", f"请把开始日期调到 {need.isoformat()} 或之后"
        elif succ_side == "start":
            dur = work_days(t)
            fld = self.due_field(t)
            if dur:
                what = f"Planned start ({catalogue.days_text(dur, 'en')} of work up to the deadline {t.due.isoformat()})"
                what_zh = f"计划开始日(工期 {catalogue.days_text(dur, 'zh')},截止 {t.due.isoformat()})"
            else:
                what, what_zh = "Deadline", "截止日期"
            fix, fix_zh = "move the deadline later or shorten the work", "请推迟截止日期或缩短工期"
        else:
            fld, what, what_zh = self.due_field(t), "Deadline", "截止日期"
            fix, fix_zh = f"move the deadline to {need.isoformat()} or later", f"请把截止日期调到 {need.isoformat()} 或之后"
        side_en = "finishes" if pred_side == "finish" else "starts"
        side_zh = "完成" if pred_side == "finish" else "开始"
        self.add("dependency-order", t, fld, what=what, what_zh=what_zh, date=mine.isoformat(),
                 need=need.isoformat(), pred=p.key, pred_side=side_en, pred_side_zh=side_zh,
                 pred_date=theirs.isoformat(), rule=rule_text(kind, lag, calendar, "en"),
                 rule_zh=rule_text(kind, lag, calendar, "zh"), fix=fix, fix_zh=fix_zh,
                 due=t.due.isoformat() if t.due else "", pred_due=p.due.isoformat() if p.due else "")

    def schedule(self) -> None:
        """Forward pass over open tasks: earliest start and finish through each link's type and lag. A task
        cannot finish before its open predecessors allow plus its own duration. Done predecessors no longer
        constrain anything; a ready task that has not started starts today at the earliest."""
        g, cal = self.g, self.cal
        kinds = g.kinds
        today = self.today
        # the day before today's work: a task starting today finishes `dur` working days after it
        before_today = cal.add_workdays(today, -1) if cal.is_workday(today) else today
        start: dict[int, dt.date] = {}
        finish: dict[int, dt.date] = {}
        for i in g.order:
            t = g.tasks[i]
            if t.status in CLOSED:
                continue
            cal.asker = t
            dur = work_days(t)
            starts, finishes = [], []
            try:
                for j in g.preds[i]:
                    if j not in finish:
                        continue
                    if not kinds or (i, j) not in kinds:  # a plain finish-to-start link
                        starts.append(finish[j])
                        continue
                    kind, lag, calendar = kinds[(i, j)]
                    pred_side, succ_side = SIDES[kind]
                    base = finish[j] if pred_side == "finish" else start[j]
                    (starts if succ_side == "start" else finishes).append(shift(cal, base, lag, calendar))
            except OverflowError:
                continue
            if starts or finishes:
                es = max(starts) if starts else before_today
                if t.status in NOT_STARTED + ("blocked",):
                    es = max(es, before_today)
                # without a duration, its Start and deadline say how much work it is; with neither, none is counted
                work, work_from = planned_work(cal, t) or (0, None)
                try:
                    end = cal.add_workdays(es, work) if work else es
                except OverflowError:  # a duration of thousands of years: no finish date to compare
                    continue
                if finishes:
                    end = max([end, *finishes])
                start[i], finish[i] = es, end
                # a task already late says so itself: that it cannot finish by the deadline is no news
                if t.due and end > t.due and t.due_source != "unreadable" and t.due >= today:
                    self.add("schedule-risk", t, self.due_field(t), earliest_start=es.isoformat(),
                             duration=work, work_known=int(work_from is not None),
                             work_from=catalogue.WORK_FROM[work_from][0], work_from_zh=catalogue.WORK_FROM[work_from][1],
                             earliest_finish=end.isoformat(), due=t.due.isoformat())
            elif t.status in (None, "not-started", "blocked") and dur:
                start[i] = before_today
                try:
                    finish[i] = cal.add_workdays(before_today, dur)
                except OverflowError:
                    pass
            else:  # under way, or no duration to count: it ends by its deadline (today at the earliest)
                start[i] = min(t.start, before_today) if t.start else before_today
                finish[i] = max(today, t.due) if t.due else today
        cal.asker = None

    # -- per task ---------------------------------------------------------------------------------
    def timing(self, t: Task) -> None:
        cal, today, campaign = self.cal, self.today, self.campaign
        if t.status == "blocked":
            self.add("blocked", t, "status")
        if t.start and t.due and t.start > t.due and t.due_source in ("explicit", "time-point"):
            self.add("start-after-deadline", t, "start" if "start" in self.cols else self.due_field(t),
                     start=t.start.isoformat(), due=t.due.isoformat())
        if t.status not in CLOSED and t.due is not None:
            if t.due < today:
                days = max(cal.workdays_between(t.due, today), 1)
                self.add("late", t, self.due_field(t), due=t.due.isoformat(), days=days,
                         late_by=catalogue.days_text(days, "en"))
            else:
                days = cal.workdays_between(today, t.due)
                if days <= campaign.due_soon_days:
                    self.add("due-soon", t, self.due_field(t), due=t.due.isoformat(), days=days,
                             when=f"in {catalogue.days_text(days, 'en')}" if days else "today",
                             when_zh=f"还剩 {catalogue.days_text(days, 'zh')}" if days else "今天到期")
        self.review(t)
        if campaign.launch and t.due and t.due > campaign.launch and t.status not in CLOSED and self.pre_launch(t):
            self.add("after-launch", t, self.due_field(t), due=t.due.isoformat(), launch=campaign.launch.isoformat())
        self.lead_time(t)

    def review(self, t: Task) -> None:
        if t.status not in ("in-review", "done"):
            return
        reviewer = t.reviewer
        waited = (waiting_seconds(t.submitted, self.now, self.cal, self.campaign.review_clock)
                  if t.status == "in-review" and t.submitted and not t.reviewed else 0.0)
        if waited > self.campaign.review_sla_hours * 3600:
            hours = int(waited // 3600)
            working = self.campaign.review_clock == "working"  # say which hours were counted
            self.add("unreviewed", t, "submitted",
                     detail=f"Submitted {t.submitted:%Y-%m-%d %H:%M}, waiting {count('en', 'h', hours)} (over the "
                            f"{count('en', 'h', _whole(self.campaign.review_sla_hours))} review limit"
                            f"{'; working days only' if working else ''})",
                     detail_zh=f"{t.submitted:%Y-%m-%d %H:%M} 提交,已等待 {hours} 小时(超过 {self.campaign.review_sla_hours:g} 小时审核时限"
                               f"{',只计工作日' if working else ''})",
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
        if self.people and t.owner and t.owner in self.people:  # the first owner's department
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
        if f.sheet != sheet:
            continue
        for row, _ in f.spots():
            if row is None:
                continue
            by_row.setdefault(row, set()).add(f.code)
            if f.severity == "error":
                errors.add(row)
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


