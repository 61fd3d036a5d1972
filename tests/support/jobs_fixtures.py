"""Helpers for the jobs tests: a config written as TOML and loaded by the real loader, a settable clock, and
a process time zone switch (schedule keeps naive local times, so the process zone is part of the test)."""
from __future__ import annotations

import datetime as dt
import io
import os
import time
from contextlib import contextmanager
from pathlib import Path

from sheetsync.jobs import load_config
from sheetsync.jobs.eventlog import EventLog

UTC = dt.timezone.utc


def config_text(trackers: list[tuple[str, str]], *, nightly: str = "02:00", day: str = "monday",
                at: str = "08:30", owner: str | None = None) -> str:
    out = [f'state = "state"\n\n[smtp]\nhost = "127.0.0.1"\nport = 2525\ntls = "none"\nfrom = "s@localhost"\n',
           f'[jobs.nightly]\ntime = "{nightly}"\n\n[jobs.digest]\nday = "{day}"\ntime = "{at}"\n']
    for name, zone in trackers:
        out.append(f'[[trackers]]\nname = "{name}"\nsource = "{name}.xlsx"\ntimezone = "{zone}"\n'
                   + (f'owner = "{owner}"\n' if owner else ""))
    return "\n".join(out)


def make_config(tmp_path: Path, trackers=(("summer", "Asia/Shanghai"),), **kw):
    path = tmp_path / "sheetsync.toml"
    path.write_text(config_text(list(trackers), **kw), encoding="utf-8")
    return load_config(path)


class Clock:
    def __init__(self, start: dt.datetime):
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, *args) -> None:
        self.now = dt.datetime(*args, tzinfo=UTC)


def memory_log(clock=None) -> EventLog:
    return EventLog(io.StringIO(), clock=clock)


@contextmanager
def process_zone(name: str):
    old = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()
