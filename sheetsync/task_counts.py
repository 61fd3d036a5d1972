"""What "a task" is when a message counts tasks: every row the engine read as a task except cancelled ones.
The report sheet's task count, the console's summary line and the digest's progress all count these, so
`任务数 31` and `已完成 5/31` agree."""
from __future__ import annotations


def counted(tasks) -> list:
    """The tasks every count is over: a cancelled task is no longer work anyone owes."""
    return [t for t in tasks if t.status != "cancelled"]


def cancelled(tasks) -> int:
    return sum(t.status == "cancelled" for t in tasks)


def progress(tasks) -> tuple[int, int]:
    """(done, total) over the counted tasks."""
    live = counted(tasks)
    return sum(t.status == "done" for t in live), len(live)


def by_health(tasks) -> dict[str, int]:
    """Counted tasks by health (done, late, unreviewed, blocked, at-risk, due-soon, invalid, ok)."""
    out: dict[str, int] = {}
    for t in counted(tasks):
        out[t.health] = out.get(t.health, 0) + 1
    return out
