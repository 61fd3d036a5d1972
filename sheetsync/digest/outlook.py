"""The lines at the top of the team digest, as a campaign owner reads them: the launch date against the forecast
finish of the work it needs, what changed since the last digest (`逾期 0 → 3`), and the goal."""
from __future__ import annotations

import datetime as dt

from . import facts as F
from .i18n import t

# headline numbers compared with the previous digest, and how its snapshot tells each one (a snapshot keeps
# status and health, not findings: an overdue review that is also late is not told apart, so it is not compared)
_COMPARED = ((F.LATE, "late", lambda r: r["health"] == "late"),
             (F.BLOCKED, "blocked", lambda r: r["status"] == "blocked" or r["health"] == "blocked"),
             (F.DONE, "done_of_total", lambda r: r["status"] == "done"))


def forecast_finish(f: F.Facts) -> dt.date | None:
    """When the work due by launch will be done: each open task ends on its deadline, on the earliest finish
    the schedule check found when that is later, and not before today when it is late."""
    launch = f.report.campaign.launch
    if launch is None:
        return None
    ends = []
    for x in f.tasks:
        if not f.is_open(x) or x.due is None or x.due > launch:
            continue
        end = x.due
        for finding in f.findings_of(x):
            earliest = finding.params.get("earliest_finish") if finding.code == "schedule-risk" else None
            if earliest:
                try:
                    end = max(end, dt.date.fromisoformat(str(earliest)))
                except ValueError:
                    pass
        if x.health == "late":
            end = max(end, f.today)
        ends.append(end)
    return max(ends) if ends else None


def launch_line(f: F.Facts) -> str | None:
    launch = f.report.campaign.launch
    if launch is None:
        return None
    if launch < f.today:
        return t(f.lang, "launched_on", launch=f.day(launch))
    forecast = forecast_finish(f)
    if forecast is None or forecast <= launch:
        return t(f.lang, "launch_on_track", launch=f.day(launch),
                 forecast=f.day(forecast) if forecast else f.day(launch))
    return t(f.lang, "launch_at_risk", launch=f.day(launch), forecast=f.day(forecast))


def changes_line(f: F.Facts, content) -> str | None:
    """`与上次周报相比:逾期 0 → 3`: only the numbers that moved; none before the first digest."""
    if f.baseline is None:
        return None
    rows = [r for r in f.baseline.values() if r.get("status") != "cancelled"]
    moved = []
    for flag, label, was in _COMPARED:
        before = sum(1 for r in rows if was(r))
        now = content.progress[0] if flag == F.DONE else content.count(flag)
        if before != now:
            moved.append(t(f.lang, "change", label=t(f.lang, label), before=before, now=now))
    if not moved:
        return None
    return t(f.lang, "changes", changes=("、" if f.lang == "zh" else ", ").join(moved))


def status_lines(f: F.Facts, content) -> list[str]:
    lines = [launch_line(f), changes_line(f, content)]
    if f.report.campaign.target:
        lines.append(t(f.lang, "goal", target=f.report.campaign.target))
    return [x for x in lines if x]
