"""Last night's error keys per tracker, so the nightly note names only what is NEW (and the chat keys a channel
was told): one table in the state store, the same for a run on one machine (SQLite) and for a fleet (PostgreSQL)."""
from __future__ import annotations

import datetime as dt
import json

from .store import Store

ErrorKey = tuple[str, str]  # (finding code, cell reference such as "任务!F12"; "" for table-wide findings)


class NightlyErrors:
    def __init__(self, store: Store):
        self.store = store

    def previous(self, tracker: str) -> frozenset[ErrorKey] | None:
        """None when this tracker has never been recorded (the first night is a baseline)."""
        row = self.store.execute("SELECT errors FROM nightly_errors WHERE tracker = ?", (tracker,)).fetchone()
        if row is None:
            return None
        return frozenset((str(code), str(cell)) for code, cell in json.loads(row["errors"]))

    def record(self, tracker: str, day: dt.date, errors: frozenset[ErrorKey]) -> None:
        """Replaces the tracker's keys in one statement: a crash leaves the old set or the new one."""
        self.store.execute("INSERT INTO nightly_errors (tracker, day, errors) VALUES (?, ?, ?) ON CONFLICT (tracker) "
                           "DO UPDATE SET day = excluded.day, errors = excluded.errors",
                           (tracker, day.isoformat(), json.dumps(sorted([list(k) for k in errors]), ensure_ascii=False)))
