"""The watch loop: each tracker is a Target (a file, or a remote sheet with a change token) and the loop syncs it
when it changed, and only then.

- A file is synced once nobody has it open (no owner file beside it) and its size and mtime have not moved for
  `settle` seconds: a save in progress, or a workbook open all day, is synced when it is closed. Filesystem
  events wake the loop; a stat every `poll` seconds catches a change whose event was lost (a network share).
- A remote sheet's change token (one small request) is asked every `poll` seconds.
- After its own sync the loop remembers the file's signature or the sheet's token, so its own write is not a
  change. A failing tracker is retried after an exponential, capped pause and logged; the others go on.
- SIGTERM or Ctrl-C (or `stop`) ends it after the sync under way: exit 0."""
from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..jobs.eventlog import EventLog
from ..jobs.runner import reason
from ..jobs.scheduler import stop_on_signals
from ..model import contained
from .files import FolderEvents, is_open, signature
from .status import WatchStatus

BACKOFF_BASE = 5.0  # seconds before the first retry of a failing tracker; doubled each time
BACKOFF_CAP = 900.0  # a tracker failing all day is still tried every quarter of an hour
LONGEST_SLEEP = 1.0  # the loop notices a stop within this


@dataclass
class Target:
    """One tracker to watch. `sync()` syncs it (raising on failure); `token()` asks a remote sheet for its change
    token (None: it has none, then every poll syncs); `path` is set for a file."""
    name: str
    source: str
    sync: Callable[[], Any]
    token: Callable[[], str | None] | None = None
    path: Path | None = None

    @property
    def kind(self) -> str:
        return "file" if self.path is not None else "remote"


@dataclass
class _State:
    pending: bool = True  # a change (or the start) not synced yet
    seen: tuple | None = None  # the file's signature last looked at, and since when it has not moved
    seen_at: float = 0.0
    synced: Any = None  # the signature or token its own last sync left
    failures: int = 0
    retry_at: float = 0.0
    next_poll: float = 0.0
    open: bool = False


class Watcher:
    def __init__(self, targets: list[Target], *, poll: float = 60.0, settle: float = 3.0, log: EventLog | None = None,
                 status: WatchStatus | None = None, stop: threading.Event | None = None,
                 backoff: tuple[float, float] = (BACKOFF_BASE, BACKOFF_CAP), clock: Callable[[], float] = time.monotonic):
        self.targets, self.poll, self.settle = targets, poll, settle
        self.log = log or EventLog()
        self.status = status
        self.stop = stop or threading.Event()
        self.backoff = backoff
        self.clock = clock
        self.wake = threading.Event()
        self.states = {t.name: _State() for t in targets}

    def poke(self, path: Path) -> None:
        """A filesystem event on a watched file or its owner file (watchdog's thread)."""
        for t in self.targets:
            if t.path == path:
                self.states[t.name].pending = True
        self.wake.set()

    def run(self, *, handle_signals: bool = True) -> int:
        files = [t.path for t in self.targets if t.path is not None]
        events = FolderEvents(files, self.poke) if files else None
        got: list[str] = []
        for t in self.targets:
            if self.status is not None:
                self.status.watching(t.name, t.source, t.kind)
            self.log.event("watch", tracker=t.name, kind=t.kind, source=t.source, status="watching")
        if self.status is not None:
            self.status.save()
        signals = stop_on_signals(self.stop, got) if handle_signals else _nothing()
        with signals:
            if events is not None:
                events.start()
            try:
                self.log.event("watch", status="running", poll=self.poll, settle=self.settle)
                while not self.stop.is_set():
                    for t in self.targets:
                        if self.stop.is_set():
                            break
                        self.step(t, self.clock())
                    self.wake.wait(self.sleep(self.clock()))
                    self.wake.clear()
            finally:
                if events is not None:
                    events.stop()
                if self.status is not None:
                    self.status.stopped()
                self.log.event("watch", status="stopped", signal=got[0] if got else None)
        return 0

    def sleep(self, now: float) -> float:
        """Until the next thing due: a settling file is looked at again soon, a poll at its time."""
        due = [LONGEST_SLEEP]
        for t in self.targets:
            s = self.states[t.name]
            if s.retry_at > now:
                due.append(s.retry_at - now)
            elif s.pending and t.path is not None:
                due.append(min(0.25, self.settle / 4))
            else:
                due.append(s.next_poll - now)
        return max(0.01, min(due))

    # one tracker ----------------------------------------------------------------------------------------------
    def step(self, t: Target, now: float) -> None:
        s = self.states[t.name]
        if now < s.retry_at:
            return
        if t.path is not None:
            self._file(t, s, now)
        else:
            self._remote(t, s, now)

    def _file(self, t: Target, s: _State, now: float) -> None:
        if not s.pending and now >= s.next_poll:
            s.next_poll = now + self.poll  # a stat now and then: a save whose event was lost
            s.pending = signature(t.path) != s.synced
        if not s.pending:
            return
        if is_open(t.path):
            s.seen = None  # settling starts again once it is closed
            if not s.open:
                s.open = True
                self.log.event("watch", tracker=t.name, status="open")
                self._status(t, state="open")
            return
        sig = signature(t.path)
        if sig is None:
            return  # replaced mid-way: wait for the new file
        if sig != s.seen:
            s.seen, s.seen_at = sig, now
            return
        if now - s.seen_at < self.settle:
            return
        if s.open:
            s.open = False
            self._status(t, state="ok")
        if sig == s.synced:
            s.pending = False  # its own write, or a save that changed nothing
            return
        self._sync(t, s, now, why="start" if s.synced is None else "changed")

    def _remote(self, t: Target, s: _State, now: float) -> None:
        if not s.pending:
            if now < s.next_poll:
                return
            s.next_poll = now + self.poll
            try:
                token = t.token() if t.token is not None else None
            except BaseException as exc:
                if not contained(exc):
                    raise
                self._failed(t, s, now, exc)
                return
            if token is not None and token == s.synced:
                return
            s.pending = True
        self._sync(t, s, now, why="start" if s.synced is None else "changed")

    def _sync(self, t: Target, s: _State, now: float, *, why: str) -> None:
        try:
            t.sync()
            after = signature(t.path) if t.path is not None else (t.token() if t.token is not None else None)
        except BaseException as exc:  # one tracker's failure (a reader's panic too) must not stop the others
            if not contained(exc):
                raise
            self._failed(t, s, now, exc)
            return
        s.synced, s.pending, s.failures, s.retry_at = after, False, 0, 0.0
        s.next_poll = self.clock() + self.poll
        self.log.event("watch", tracker=t.name, status="synced", reason=why)
        if self.status is not None:
            self.status.synced(t.name)

    def _failed(self, t: Target, s: _State, now: float, exc: BaseException) -> None:
        s.failures += 1
        base, cap = self.backoff
        pause = min(cap, base * 2 ** (s.failures - 1))
        s.retry_at = now + pause
        s.next_poll = s.retry_at
        s.pending = True
        why = reason(exc)
        self.log.event("watch", tracker=t.name, status="failed", error=why, retry_in=round(pause, 1))
        if self.status is not None:
            self.status.failed(t.name, why, dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=pause))

    def _status(self, t: Target, **fields) -> None:
        if self.status is not None:
            self.status.update(t.name, **fields)


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
