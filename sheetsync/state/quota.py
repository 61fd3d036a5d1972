"""One Google quota for every runner: token buckets the HTTP client takes from before each Sheets request.

Google counts requests per minute per user (service account) and per project, reads and writes apart (about
60 and 300). Each runner respecting it alone exceeds it together, so the buckets are shared: rows of the
`buckets` table refilled from the database's clock in one UPDATE ... RETURNING (PostgreSQL, several runners),
or kept in memory (one process). A bucket of size `burst` refilled at (limit - burst) per minute lets through
at most `limit` requests in any 60 seconds, and runs at that rate while there is work. The refill keeps a
second burst's worth in hand: a request reaches Google some milliseconds after its token was taken, and those
delays differ, so arrivals bunch a little more than takes."""
from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from typing import Callable, Optional, Protocol

from .store import Store



@dataclass(frozen=True)
class Limit:
    per_minute: float

    @property
    def burst(self) -> float:
        # a second's worth (at least one request): small enough that any minute stays under the limit
        return max(1.0, self.per_minute / 60.0)

    @property
    def per_second(self) -> float:
        return max(self.per_minute - 2 * self.burst, 1.0) / 60.0


class Bucket(Protocol):
    def try_take(self) -> float:
        """Take one token: 0.0 when taken, else the seconds until one will be there."""


class MemoryBucket:
    def __init__(self, limit: Limit, clock: Callable[[], float] = time.monotonic):
        self.limit, self.clock = limit, clock
        self.tokens, self.at = limit.burst, clock()
        self.lock = threading.Lock()

    def try_take(self) -> float:
        with self.lock:
            now = self.clock()
            self.tokens = min(self.limit.burst, self.tokens + (now - self.at) * self.limit.per_second)
            self.at = now
            if self.tokens >= 1.0:
                self.tokens -= 1.0
                return 0.0
            return (1.0 - self.tokens) / self.limit.per_second


def _least(a: str, b: str) -> str:
    return f"(CASE WHEN {a} < {b} THEN {a} ELSE {b} END)"  # SQLite has no LEAST, PostgreSQL no 2-arg MIN


class StoreBucket:
    """A row of `buckets`; the refill and the take are one statement, so runners never both take the last token."""

    def __init__(self, store: Store, name: str, limit: Limit):
        self.store, self.name, self.limit = store, name, limit
        now = store.now_sql
        # a changed limit in the config applies at once; the tokens already there stay
        store.execute(f"INSERT INTO buckets (name, tokens, capacity, per_second, at) VALUES (?, ?, ?, ?, {now}) "
                      "ON CONFLICT (name) DO UPDATE SET capacity = excluded.capacity, "
                      "per_second = excluded.per_second", (name, limit.burst, limit.burst, limit.per_second))
        refill = _least("capacity", f"tokens + ({now} - at) * per_second")
        self._take = (f"UPDATE buckets SET tokens = {refill} - 1, at = {now} WHERE name = ? AND {refill} >= 1 "
                      "RETURNING tokens")
        self._peek = f"SELECT {refill} AS tokens, per_second FROM buckets WHERE name = ?"

    def try_take(self) -> float:
        if self.store.execute(self._take, (self.name,)).fetchone() is not None:
            return 0.0
        row = self.store.execute(self._peek, (self.name,)).fetchone()
        return max(0.001, (1.0 - float(row["tokens"])) / float(row["per_second"]))


class Quota:
    """The hook the Google HTTP client (gsheets.http) calls before each request: `take(write)` waits until every bucket of
    that kind (the service account's and the project's) gave a token. `used` counts the requests let through."""

    def __init__(self, buckets: dict[str, list[Bucket]], sleep: Callable[[float], None] = time.sleep):
        self.buckets, self.sleep = buckets, sleep
        self.used = 0
        self.waited = 0.0

    def take(self, write: bool) -> None:
        for bucket in self.buckets["write" if write else "read"]:
            while True:
                wait = bucket.try_take()
                if wait <= 0:
                    break
                # jitter: runners that all wait for the same refill do not all ask again in the same instant
                pause = min(wait, 2.0) * random.uniform(1.0, 1.25)
                self.waited += pause
                self.sleep(pause)
        self.used += 1


def bucket_names(account: str, project: str) -> dict[str, list[tuple[str, str]]]:
    """kind -> [(bucket name, scope)] for one service account in one project."""
    return {kind: [(f"{kind}:user:{account}", "user"), (f"{kind}:project:{project}", "project")]
            for kind in ("write", "read")}


def build_quota(limits: dict[str, dict[str, float]], account: str, project: str, store: Store | None = None,
                memory: dict[str, MemoryBucket] | None = None) -> Quota:
    """Buckets for `account` in `project`: rows of `store` when given (shared), else in `memory` (one process;
    pass the same dict for every tracker so they share it)."""
    memory = {} if memory is None else memory
    chosen: dict[str, list[Bucket]] = {}
    for kind, names in bucket_names(account, project).items():
        chosen[kind] = []
        for name, scope in names:
            limit = Limit(float(limits[kind][scope]))
            if store is not None:
                chosen[kind].append(StoreBucket(store, name, limit))
            else:
                chosen[kind].append(memory.setdefault(name, MemoryBucket(limit)))
    return Quota(chosen)
