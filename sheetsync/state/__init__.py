"""Where sheetsync keeps what outlives a run (history, ledger, leases, quota, run summaries): a SQLite file
by default, or a PostgreSQL database shared by several runners (`state = "postgresql://..."`)."""
from __future__ import annotations

from pathlib import Path

from .store import StateError, Store

URL_SCHEMES = ("postgresql://", "postgres://")


def is_url(target: str | Path | None) -> bool:
    return isinstance(target, str) and target.startswith(URL_SCHEMES)


def open_store(target: str | Path) -> Store:
    """A PostgreSQL URL opens the shared store; anything else is a SQLite file path."""
    if is_url(target):
        from .postgres import PostgresStore  # psycopg only for those who use it
        return PostgresStore(str(target))
    from .sqlite import SqliteStore
    return SqliteStore(target)


__all__ = ["StateError", "Store", "is_url", "open_store", "URL_SCHEMES"]
