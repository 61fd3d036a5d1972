"""One runner at a time per tracker: a lease row that its holder renews while it works and deletes when done.

A pod that dies stops renewing; once `expires` (database clock) has passed, another runner takes the lease
over. Taking and renewing are each one conditional upsert, so two runners can never both hold a tracker."""
from __future__ import annotations

import os
import secrets
import socket
import threading
from contextlib import contextmanager
from typing import Callable, Iterator

from .store import Store


def runner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class Leases:
    def __init__(self, store: Store, holder: str, ttl: float = 60.0,
                 reopen: Callable[[], Store] | None = None):
        """`reopen` gives the renewal thread a connection of its own (SQLite connections stay in their thread)."""
        self.store, self.holder, self.ttl, self.reopen = store, holder, ttl, reopen

    def take(self, tracker: str, store: Store | None = None) -> bool:
        """Take or renew the lease; False when another runner holds one that has not expired."""
        store = store or self.store
        now = store.now_sql
        row = store.execute(
            f"INSERT INTO leases (tracker, holder, expires) VALUES (?, ?, {now} + ?) ON CONFLICT (tracker) DO UPDATE "
            "SET holder = excluded.holder, expires = excluded.expires "
            f"WHERE leases.holder = excluded.holder OR leases.expires < {now} RETURNING holder",
            (tracker, self.holder, self.ttl)).fetchone()
        return row is not None

    def release(self, tracker: str) -> None:
        self.store.execute("DELETE FROM leases WHERE tracker = ? AND holder = ?", (tracker, self.holder))

    def holder_of(self, tracker: str) -> str | None:
        row = self.store.execute(f"SELECT holder FROM leases WHERE tracker = ? AND expires >= {self.store.now_sql}",
                                 (tracker,)).fetchone()
        return row["holder"] if row else None

    @contextmanager
    def held(self, tracker: str) -> Iterator[bool]:
        """Yields whether the lease was taken; renews it every ttl/3 seconds meanwhile, releases it after."""
        if not self.take(tracker):
            yield False
            return
        stop = threading.Event()

        def renew():
            store = self.reopen() if self.reopen else self.store
            try:
                while not stop.wait(self.ttl / 3):
                    self.take(tracker, store)
            finally:
                if self.reopen:
                    store.close()

        thread = threading.Thread(target=renew, name=f"lease:{tracker}", daemon=True)
        thread.start()
        try:
            yield True
        finally:
            stop.set()
            thread.join()
            self.release(tracker)
