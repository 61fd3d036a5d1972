"""What a predecessor link requires of the dates of the two tasks it joins (MS Project / Smartsheet types).

FS: the successor starts after the predecessor finishes; SS: starts after it starts; FF: finishes after it
finishes; SF: finishes after it starts; each plus the lag (a negative lag is a lead). A task's start is its
Start cell, else it is counted back from its deadline by its duration in working days, else it is the
deadline. A lag counts working days unless it was written in calendar days."""
from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache

from ..model import Task
from .calendar import WorkCalendar
from .catalogue import days_text

# kind -> (the predecessor's side, the successor's side)
SIDES = {"FS": ("finish", "start"), "SS": ("start", "start"), "FF": ("finish", "finish"), "SF": ("start", "finish")}
_NAMES = {"FS": ("finish-to-start", "完成-开始"), "SS": ("start-to-start", "开始-开始"),
          "FF": ("finish-to-finish", "完成-完成"), "SF": ("start-to-finish", "开始-完成")}


def work_days(t: Task) -> int:
    return math.ceil(t.duration) if t.duration else 0


def planned_work(cal: WorkCalendar, t: Task) -> tuple[int, str] | None:
    """The working days of the task's own work and where they come from: its duration ("duration"), else the
    working days from its Start to its deadline, both counted ("dates"); None when neither can say."""
    if t.duration is not None:
        return work_days(t), "duration"
    if t.start is None or t.due is None or t.due_source not in ("explicit", "time-point") or t.start > t.due:
        return None
    return cal.workdays_between(t.start, t.due) + cal.is_workday(t.start), "dates"


def shift(cal: WorkCalendar, d: dt.date, days: float, calendar: bool) -> dt.date:
    """d moved by a lag: calendar days, or working days (a fraction of a day rounds away from zero)."""
    if not days:
        return d
    if calendar:
        return d + dt.timedelta(days=math.ceil(days) if days > 0 else math.floor(days))
    return cal.add_workdays(d, math.ceil(days) if days > 0 else math.floor(days))


def start_of(cal: WorkCalendar, t: Task) -> dt.date | None:
    """The first day of the task's work: its Start cell, else the working day that leaves `duration` working
    days up to the deadline, else the deadline. A successor may start on the day its predecessor finishes
    (a same-day hand-over is no finding)."""
    if t.start is not None:
        return t.start
    if t.due is None:
        return None
    dur = work_days(t)
    return cal.add_workdays(t.due, -(dur - 1)) if dur > 1 else t.due


def latest_start(cal: WorkCalendar, t: Task) -> dt.date | None:
    """The last day a predecessor may finish for `t` to start in time: its Start cell, else its deadline less
    its duration in working days (the schedule and derived deadlines leave no same-day overlap)."""
    if t.start is not None:
        return t.start
    if t.due is None:
        return None
    dur = work_days(t)
    return cal.add_workdays(t.due, -dur) if dur else t.due


@lru_cache(maxsize=256)  # a handful of link kinds, named in thousands of findings
def rule_text(kind: str, lag: float, calendar: bool, lang: str) -> str:
    """'finish-to-start +2 working days', zh '完成-开始 +2 个工作日'."""
    name = _NAMES[kind][1 if lang == "zh" else 0]
    if not lag:
        return name
    return f"{name} {'+' if lag > 0 else '-'}{days_text(abs(lag), lang, calendar)}"
