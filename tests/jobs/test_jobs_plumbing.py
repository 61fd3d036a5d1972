"""The jobs' plumbing, each piece in one place: the Google client takes its quota bucket as an argument (no
context variable), the jobs own no delivery code (the digest's sends the owner note), and the scheduler uses
`schedule` through its public API only."""
from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import sheetsync
from support.gsheets_fixtures import emu  # noqa: F401
from sheetsync import registry

PACKAGE = Path(sheetsync.__file__).parent


class CountingQuota:
    """A quota bucket that lets every request through and counts them by kind."""

    def __init__(self):
        self.reads = self.writes = 0

    def take(self, write: bool) -> None:
        if write:
            self.writes += 1
        else:
            self.reads += 1


def test_the_google_client_takes_the_quota_it_is_handed(emu):
    key = emu.create_spreadsheet("t", sheets={"Tasks": [["ID", "Task", "Owner", "Deadline", "Status"],
                                                        ["T1", "Poster", "Ann", dt.date(2026, 9, 25), "in progress"]]})
    quota = CountingQuota()
    registry.read(f"gsheet:{key}", quota=quota)
    assert (quota.reads, quota.writes) == (2, 0)  # metadata and one batchGet, each through the bucket
    again = CountingQuota()
    registry.read(f"gsheet:{key}")  # no quota given: none is taken from anywhere else
    assert (again.reads, quota.reads) == (0, 2)


def _imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            out.add(node.module or "")
    return out


def test_no_module_hands_state_down_through_a_context_variable():
    users = [p.relative_to(PACKAGE).as_posix() for p in sorted(PACKAGE.rglob("*.py")) if "contextvars" in _imports(p)]
    assert users == []


def test_the_jobs_own_no_delivery_code():
    """SMTP connections and message files belong to the digest's delivery (digest/send.py) and the channels."""
    found = {p.name: sorted(_imports(p) & {"smtplib", "email.generator", "requests"})
             for p in sorted((PACKAGE / "jobs").glob("*.py"))}
    assert {name: mods for name, mods in found.items() if mods} == {}


def private_schedule_uses(source: str) -> list[str]:
    """A private name of another object used (a schedule job's or scheduler's), a schedule class subclassed (to
    override its methods), or a name assigned on the schedule module."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        own = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__") \
                and not own:  # our own layer's private helpers are its business
            found.append(f"{node.lineno}: .{node.attr}")
        if isinstance(node, ast.ClassDef) and any(
                isinstance(b, ast.Attribute) and isinstance(b.value, ast.Name) and b.value.id == "schedule"
                for b in node.bases):
            found.append(f"{node.lineno}: subclasses schedule.{node.bases[0].attr}")
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "schedule"
                for t in node.targets):
            found.append(f"{node.lineno}: assigns a schedule module global")
    return found


def test_the_scheduler_uses_schedule_through_its_public_api_only():
    bad = ("import schedule\nclass J(schedule.Job):\n    def _schedule_next_run(self):\n        pass\n"
           "schedule.datetime = None\nx = job._run_job\n")
    assert len(private_schedule_uses(bad)) == 3  # the check can fail
    source = (PACKAGE / "jobs" / "scheduler.py").read_text(encoding="utf-8")
    assert private_schedule_uses(source) == []
