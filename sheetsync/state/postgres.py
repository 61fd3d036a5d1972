"""The shared store: PostgreSQL through psycopg 3 (the optional extra `sheetsync[postgres]`), for several
runners (Kubernetes pods, machines) that must agree on the ledger, leases and the Google quota."""
from __future__ import annotations

import contextlib
import re
import time
from contextlib import contextmanager
from typing import Callable

from ..redact import redact, secrets_of
from .migrations import MIGRATIONS, for_postgres
from .store import StateError, Store

# one migration at a time across every runner: a transaction-level advisory lock (any fixed number will do)
_MIGRATION_LOCK = 0x5EE75

_PLACEHOLDER = re.compile(r"\?")
# a restarting server is back within seconds; a runner waits about a minute in all before giving up
RECONNECT_ATTEMPTS = 8
OPEN_ATTEMPTS = 3
RECONNECT_PAUSE = 0.5
RECONNECT_PAUSE_MAX = 15.0


class PostgresStore(Store):
    dialect = "postgresql"
    now_sql = "extract(epoch from now())::double precision"  # the statement's start (autocommit): one value per statement

    def __init__(self, url: str, *, attempts: int = RECONNECT_ATTEMPTS, sleep: Callable[[float], None] = time.sleep):
        self.url, self.attempts, self.sleep = url, attempts, sleep
        self.where = redact(url, known=secrets_of(url))
        try:
            import psycopg
        except ImportError:
            raise StateError(f"state {self.where} needs psycopg: pip install 'sheetsync[postgres]'",
                             f"状态库 {self.where} 需要 psycopg:pip install 'sheetsync[postgres]'") from None
        self.psycopg = psycopg
        self.in_transaction = False
        self.db = self._connect(first=True)
        # IF NOT EXISTS is not safe against a concurrent CREATE: runners starting together take turns
        with self.db.transaction():
            self.db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            self.db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")

    def _connect(self, first: bool = False):
        """A connection, retried with backoff while the server is restarting (refused, or in recovery). A store
        being opened tries a few times only, so a wrong URL is one line within seconds."""
        from psycopg.rows import dict_row
        tries = min(OPEN_ATTEMPTS, self.attempts) if first else self.attempts
        for attempt in range(tries):
            try:
                # autocommit: every statement outside `transaction()` is committed at once, like the SQLite store
                return self.psycopg.connect(self.url, autocommit=True, row_factory=dict_row, connect_timeout=10)
            except self.psycopg.Error as exc:
                if attempt + 1 >= tries:
                    raise self._unreachable(exc) from None
                self.sleep(min(RECONNECT_PAUSE * 2 ** attempt, RECONNECT_PAUSE_MAX))
        raise AssertionError("unreachable")

    def _unreachable(self, exc: BaseException) -> StateError:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        reason = redact(reason, known=secrets_of(self.url))
        return StateError(f"cannot connect to the state database {self.where}: {reason}",
                          f"无法连接状态数据库 {self.where}:{reason}")

    def _lost(self, exc: BaseException) -> bool:
        """The connection is gone (server restarted, network dropped), not a statement's own error."""
        return isinstance(exc, self.psycopg.OperationalError) and (self.db.closed or self.db.broken)

    def _again(self, run):
        """Run `run()` on the connection; when the connection was lost outside a transaction, connect again and
        run it once more. Each statement is safe to repeat: upserts and conditional updates decide the same way,
        a claim repeated after its first answer was lost finds the row taken (and sends nothing)."""
        try:
            return run()
        except self.psycopg.Error as exc:
            if self.in_transaction or not self._lost(exc):
                if self._lost(exc):
                    raise self._unreachable(exc) from None
                raise
        with contextlib.suppress(Exception):
            self.db.close()
        self.db = self._connect()
        try:
            return run()
        except self.psycopg.OperationalError as exc:
            raise self._unreachable(exc) from None

    @staticmethod
    def _sql(sql: str) -> str:
        return _PLACEHOLDER.sub("%s", sql.replace("%", "%%"))

    def execute(self, sql, args=()):
        return self._again(lambda: self.db.execute(self._sql(sql), tuple(args)))

    def executemany(self, sql, rows):
        def run():
            with self.db.cursor() as cur:
                cur.executemany(self._sql(sql), rows)
        self._again(run)

    @contextmanager
    def transaction(self):
        """A transaction whose connection was lost is not repeated here (its statements ran in Python between):
        the caller's retry runs it again on a fresh connection."""
        if self.db.closed or self.db.broken:
            self.db = self._connect()
        self.in_transaction = True
        try:
            with self.db.transaction():
                yield
        except self.psycopg.OperationalError as exc:
            if self._lost(exc):
                raise self._unreachable(exc) from None
            raise
        finally:
            self.in_transaction = False

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
