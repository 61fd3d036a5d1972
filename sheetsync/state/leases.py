"""One runner at a time per tracker: a lease row that its holder renews while it works and deletes when done.

A pod that dies stops renewing; once `expires` (database clock) has passed, another runner takes the lease
over. Taking and renewing are each one conditional upsert, so two runners can never both hold a tracker."""
from __future__ import annotations

import contextlib
import os
import secrets
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator

from ..model import SheetsyncError
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
    def held(self, tracker: str) -> Iterator["Held | None"]:
        """Yields the lease (a Held) when it was taken, else None; renews it every ttl/3 seconds meanwhile,
        releases it after.

        The renewal survives a lost connection (the store reconnects; a failed renewal is tried again at the
        next tick). When another runner has taken the lease, or no renewal succeeded for a whole ttl, the
        lease is lost: its `check()` (the sync calls it before writing) then raises LeaseLost."""
        if not self.take(tracker):
            yield None
            return
        stop = threading.Event()
        state = Held(tracker)

        def renew():
            store = None
            last = time.monotonic()
            try:
                while not stop.wait(self.ttl / 3):
                    try:
                        if store is None:
                            store = self.reopen() if self.reopen else self.store
                        if self.take(tracker, store):
                            last = time.monotonic()
                            continue
                        state.lost.set()  # another runner holds it now
                        return
                    except Exception:  # the database is away: try again at the next tick, while the lease lasts
                        if self.reopen and store is not None:
                            with contextlib.suppress(Exception):
                                store.close()
                            store = None
                    if time.monotonic() - last >= self.ttl:
                        state.lost.set()
                        return
            finally:
                if self.reopen and store is not None:
                    with contextlib.suppress(Exception):
                        store.close()

        thread = threading.Thread(target=renew, name=f"lease:{tracker}", daemon=True)
        thread.start()
        try:
            yield state
        finally:
            stop.set()
            thread.join()
            if not state.lost.is_set():
                with contextlib.suppress(Exception):  # unreachable now: the lease expires by itself
                    self.release(tracker)


class LeaseLost(SheetsyncError):
    """This runner no longer holds the tracker's lease: it stops that tracker before writing anything."""

    def __init__(self, tracker: str):
        super().__init__(f"{tracker}: this runner lost its lease (another runner or the database took it); "
                         f"stopped before writing, another runner takes it over",
                         f"{tracker}:本运行实例已失去租约(被其他实例接手或数据库中断);已在写入前停止,由其他实例接手",
                         code="lease-lost")


@dataclass
class Held:
    """A lease this runner holds on one tracker, handed to the sync of that tracker."""
    tracker: str
    lost: threading.Event = field(default_factory=threading.Event)

    def check(self) -> None:
        """Raise LeaseLost when the lease was lost (the sync calls it before it writes); else nothing."""
        if self.lost.is_set():
            raise LeaseLost(self.tracker)
