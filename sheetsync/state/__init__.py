"""Where sheetsync keeps what outlives a run (history, ledger, leases, quota, run summaries): a SQLite file
by default, or a PostgreSQL database shared by several runners (`state = "postgresql://..."`)."""
from __future__ import annotations

from pathlib import Path

from .store import StateError, Store

URL_SCHEMES = ("postgresql://", "postgres://")
STATE_ENV = "SHEETSYNC_STATE"  # a SQLite file path or a postgresql:// URL


def is_url(target: str | Path | None) -> bool:
    return isinstance(target, str) and target.startswith(URL_SCHEMES)


def open_store(target: str | Path, migrate: bool = True) -> Store:
    """A PostgreSQL URL opens the shared store; anything else is a SQLite file path. Brought to the current
    schema unless `migrate` is False."""
    if is_url(target):
        from .postgres import PostgresStore  # psycopg only for those who use it
        store: Store = PostgresStore(str(target))
    else:
        from .sqlite import SqliteStore
        store = SqliteStore(target)
    if migrate:
        try:
            store.migrate()
        except BaseException:
            store.close()
            raise
    return store


__all__ = ["STATE_ENV", "StateError", "Store", "is_url", "open_store", "URL_SCHEMES"]
