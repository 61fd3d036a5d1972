"""The embedded store: one SQLite file, WAL and a busy timeout because a sync and a digest may overlap."""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path

from .migrations import MIGRATIONS
from .store import Store


class SqliteStore(Store):
    dialect = "sqlite"
    now_sql = "((julianday('now') - 2440587.5) * 86400.0)"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.where = str(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we open transactions ourselves so a ledger write is committed at once
        self.db = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA busy_timeout = 30000")
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA foreign_keys = ON")

    def execute(self, sql, args=()):
        return self.db.execute(sql, tuple(args))

    def executemany(self, sql, rows):
        self.db.executemany(sql, rows)

    @contextmanager
    def transaction(self):
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def _apply(self, step: int) -> None:
        # re-read under the write lock: another process may have migrated meanwhile
        if self._version() != step:
            return
        for statement in MIGRATIONS[step].split(";"):
            if statement.strip():
                self.db.execute(statement)
        self.db.execute(f"PRAGMA user_version = {step + 1}")

    def close(self) -> None:
        self.db.close()
