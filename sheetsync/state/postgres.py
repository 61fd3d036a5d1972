"""The shared store: PostgreSQL through psycopg 3 (the optional extra `sheetsync[postgres]`), for several
runners (Kubernetes pods, machines) that must agree on the ledger, leases and the Google quota."""
from __future__ import annotations

import re
from contextlib import contextmanager

from ..redact import redact, secrets_of
from .migrations import MIGRATIONS, for_postgres
from .store import StateError, Store

# one migration at a time across every runner: a transaction-level advisory lock (any fixed number will do)
_MIGRATION_LOCK = 0x5EE75

_PLACEHOLDER = re.compile(r"\?")


class PostgresStore(Store):
    dialect = "postgresql"
    now_sql = "extract(epoch from now())::double precision"  # the statement's start (autocommit): one value per statement

    def __init__(self, url: str):
        self.where = redact(url, known=secrets_of(url))
        try:
            import psycopg
            from psycopg.rows import dict_row
        except ImportError:
            raise StateError(f"state {self.where} needs psycopg: pip install 'sheetsync[postgres]'",
                             f"状态库 {self.where} 需要 psycopg:pip install 'sheetsync[postgres]'") from None
        try:
            # autocommit: every statement outside `transaction()` is committed at once, like the SQLite store
            self.db = psycopg.connect(url, autocommit=True, row_factory=dict_row, connect_timeout=10)
        except psycopg.Error as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            reason = redact(reason, known=secrets_of(url))
            raise StateError(f"cannot connect to the state database {self.where}: {reason}",
                             f"无法连接状态数据库 {self.where}:{reason}") from None
        # IF NOT EXISTS is not safe against a concurrent CREATE: runners starting together take turns
        with self.db.transaction():
            self.db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            self.db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")

    @staticmethod
    def _sql(sql: str) -> str:
        return _PLACEHOLDER.sub("%s", sql.replace("%", "%%"))

    def execute(self, sql, args=()):
        return self.db.execute(self._sql(sql), tuple(args))

    def executemany(self, sql, rows):
        with self.db.cursor() as cur:
            cur.executemany(self._sql(sql), rows)

    @contextmanager
    def transaction(self):
        with self.db.transaction():
            yield

    def _version(self) -> int:
        row = self.db.execute("SELECT max(version) AS v FROM schema_version").fetchone()
        return int(row["v"] or 0)

    def _apply(self, step: int) -> None:
        self.db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        if self._version() != step:
            return
        self.db.execute(for_postgres(MIGRATIONS[step]))
        self.db.execute("INSERT INTO schema_version (version) VALUES (%s)", (step + 1,))

    def close(self) -> None:
        self.db.close()
