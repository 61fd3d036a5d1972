"""One line per event for logs and journald: `2026-11-23T02:00:01+08:00 nightly tracker=summer status=ok errors=3`.

Secrets never reach a line: keys that look secret are masked, and the SMTP password from the environment is
scrubbed from every value (an exception text could carry it)."""
from __future__ import annotations

import datetime as dt
import re
import sys
import threading
from contextlib import contextmanager
from typing import Callable, Iterator, TextIO
from zoneinfo import ZoneInfo

from ..redact import MASK, redact

_SECRET_KEY = re.compile(r"pass|secret|token|credential|api_?key", re.IGNORECASE)
_PLAIN = re.compile(r"^[^\s\"=]+$")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _scrub(text: str) -> str:
    return re.sub(r"[\r\n\0]+", " ", redact(text))


def format_value(value: object) -> str:
    text = _scrub(str(value))
    if text and _PLAIN.match(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class EventLog:
    """Writes event lines to `stream` (stderr by default). `clock` returns an aware datetime; lines are stamped
    in `zone` (the tracker's zone when an event names one)."""

    def __init__(self, stream: TextIO | None = None, *, clock: Callable[[], dt.datetime] | None = None,
                 zone: str | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock or _now
        self.zone = zone
        self._lock = threading.Lock()
        self._console = None  # a rich Console while a progress bar owns the terminal
        self.lines: list[str] = []  # kept for summaries and tests; small: one per event

    def line(self, job: str, fields: dict, zone: str | None = None) -> str:
        now = self.clock()
        zone = zone or self.zone
        stamp = now.astimezone(ZoneInfo(zone)) if zone else now.astimezone()
        parts = [stamp.isoformat(timespec="seconds"), job]
        for key, value in fields.items():
            if value is None:
                continue
            parts.append(f"{key}={MASK if _SECRET_KEY.search(key) else format_value(value)}")
        return " ".join(parts)

    def event(self, job: str, *, zone: str | None = None, **fields) -> str:
        text = self.line(job, fields, zone)
        with self._lock:
            self.lines.append(text)
            if self._console is not None:
                self._console.print(text, markup=False, highlight=False, soft_wrap=True)
            else:
                self.stream.write(text + "\n")
                self.stream.flush()
        return text

    def is_terminal(self) -> bool:
        isatty = getattr(self.stream, "isatty", None)
        return bool(isatty and isatty())

    @contextmanager
    def progress(self, label: str, total: int) -> Iterator[Callable[[], None]]:
        """A rich progress bar on a terminal; nothing extra otherwise (the event lines are the progress)."""
        if not self.is_terminal():
            yield lambda: None
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
        console = Console(file=self.stream)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=False) as bar:
            task = bar.add_task(label, total=total)
            self._console = bar.console
            try:
                yield lambda: bar.advance(task)
            finally:
                self._console = None
