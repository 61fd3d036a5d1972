"""What History, leases, quota buckets and run summaries need from a database, whichever it is.

SQL is written once with `?` placeholders in the subset SQLite and PostgreSQL share (ON CONFLICT upserts,
RETURNING); a store translates placeholders and supplies what differs: how a write transaction starts,
the database clock, and how the schema version is kept."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, Sequence

from ..model import SheetsyncError
from .migrations import MIGRATIONS


class StateError(SheetsyncError, RuntimeError):
    """The state store cannot be opened or used (bad URL, server down, newer schema); a RuntimeError as the
    SQLite-only History raised before."""

    def __init__(self, en: str, zh: str, code: str = "state"):
        super().__init__(en, zh, code=code)


class Store:
    """One connection to the state database. Rows come back as mappings (row["state"], dict(row))."""

    dialect = ""
    #: SQL expression for the database's clock in epoch seconds (leases and buckets use it, not the runner's)
    now_sql = ""
    where = ""  # shown in messages: the file path or the URL without its password

    def execute(self, sql: str, args: Sequence[Any] = ()):
        raise NotImplementedError

    def executemany(self, sql: str, rows: list[Sequence[Any]]) -> None:
        raise NotImplementedError

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction: SQLite takes the write lock at once (BEGIN IMMEDIATE), PostgreSQL a plain BEGIN."""
        raise NotImplementedError
        yield

    def _version(self) -> int:
        raise NotImplementedError

    def _apply(self, step: int) -> None:
        """Run migration `step` and record it, inside the caller's transaction; skip if someone else did it."""
        raise NotImplementedError

    @property
    def schema_version(self) -> int:
        return self._version()

    def refuse_newer(self, version: int) -> None:
        if version > len(MIGRATIONS):
            raise StateError(f"{self.where}: state schema {version} is newer than this sheetsync ({len(MIGRATIONS)}); "
                             f"upgrade sheetsync", f"{self.where}:状态库结构版本 {version} 比当前 sheetsync 支持的"
                             f"({len(MIGRATIONS)})更新;请升级 sheetsync", code="state-newer")

    def migrate(self) -> int:
        version = self._version()
        self.refuse_newer(version)
        for step in range(version, len(MIGRATIONS)):
            with self.transaction():
                self._apply(step)
        return self._version()

    def close(self) -> None:
        raise NotImplementedError
