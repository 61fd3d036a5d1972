"""Each task's due date: an explicit deadline wins; then a time point relative to launch or end; otherwise
as late as its successors allow (for a finish-to-start link, each successor's start: its due minus its
duration in working days, less the lag; SS, FF and SF links as engine/links.py says). A deadline a person
typed that cannot be read is never replaced by a derived date: it stays as typed, with its bad-date."""
from __future__ import annotations

from ..model import Campaign, Finding, Task, a1
from . import catalogue
from .calendar import WorkCalendar
from .graph import Graph
from .links import SIDES, latest_start, shift, start_of, work_days
from .table import TableLayout
from .timepoints import parse_time_point, resolve
from .values import parse_date_span


def derive(g: Graph, campaign: Campaign, cal: WorkCalendar, layout: TableLayout, lang: str,
           near=None) -> list[Finding]:
    """Due dates in place; findings for time points that cannot be used. A time-point cell that holds a date
    or a date range (a publish date, '2024/10/12-2024/10/14') is that date; `near` completes one without a
    year."""
    findings: list[Finding] = []
    cols, headers, sheet = layout.columns, layout.headers, layout.sheet.name
    tp_cache: dict[str, object] = {}
    for t in g.tasks:
        if t.explicit_due is not None:
            t.due, t.due_source = t.explicit_due, "explicit"
            continue
        if not t.time_point or t.due_source == "unreadable":
            continue
        tp = tp_cache.get(t.time_point)
        if tp is None:
            try:
                tp = parse_time_point(t.time_point)
            except ValueError:
                try:
                    tp = parse_date_span(t.time_point, near=near)
                except ValueError:
                    tp = False
            tp_cache[t.time_point] = tp
        where = dict(sheet=sheet, cell=a1(t.row - 1, cols["time_point"]), row=t.row,
                     column=headers["time_point"], task_id=t.id)
        if tp is False:
            findings.append(catalogue.make("bad-time-point", lang, value=t.time_point, **where))
            continue
        if tp.__class__ is tuple:  # a date typed as the time point
            t.due, t.due_source = tp[1], "time-point"
            if tp[0] != tp[1] and t.start is None:
                t.start = tp[0]
            continue
        cal.asker = t
        try:
            t.due, t.due_source = resolve(tp, campaign.launch, campaign.end, cal), "time-point"
        except OverflowError:  # 'T-9999999': a date outside the calendar is no time point
            findings.append(catalogue.make("bad-time-point", lang, value=t.time_point, **where))
        except ValueError:
            launch = tp.anchor == "T"
            findings.append(catalogue.make("missing-anchor", lang, value=t.time_point,
                                           anchor="launch" if launch else "end",
                                           anchor_zh="上线日期" if launch else "结束日期", **where))
    # Successors first: walk the topological order backwards.
    for i in reversed(g.order):
        t = g.tasks[i]
        if t.due is not None or t.due_source == "unreadable":
            continue
        best = None
        for s in g.succs[i]:
            succ = g.tasks[s]
            if succ.due is None or s in g.in_cycle:
                continue
            kind, lag, calendar = g.link(s, i)
            cal.asker = succ
            pred_side, succ_side = SIDES[kind]
            try:
                if pred_side == "finish":  # FS, FF: its finish is bounded (FS with no same-day overlap)
                    bound = latest_start(cal, succ) if succ_side == "start" else succ.due
                    bound = shift(cal, bound, -lag, calendar)
                else:  # SS, SF: its first day of work is bounded, so its finish by that plus the rest of its work
                    bound = start_of(cal, succ) if succ_side == "start" else succ.due
                    bound = cal.previous_workday(shift(cal, bound, -lag, calendar))
                    dur = work_days(t)
                    bound = cal.add_workdays(bound, dur - 1) if dur > 1 else bound
                candidate = cal.previous_workday(bound)
            except OverflowError:  # a duration reaching before year 1
                continue
            if best is None or candidate < best:
                best = candidate
        if best is not None:
            t.due, t.due_source = best, "successors"
    cal.asker = None
    return findings
