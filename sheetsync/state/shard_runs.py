"""What each shard of a fleet run did (synced, failed, skipped, requests) and which trackers are done for the
night: in the state store, so every runner and `sheetsync status` see them."""
from __future__ import annotations

import datetime as dt

from .store import Store


def _utc() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


class ShardRuns:
    def __init__(self, store: Store):
        self.store = store

    def start(self, job: str, night: str, shard: int, shards: int, runner: str) -> None:
        self.store.execute("INSERT INTO shard_runs (job, night, shard, shards, runner, started) VALUES (?, ?, ?, ?, ?, ?) "
                           "ON CONFLICT (job, night, shard, shards, runner) DO NOTHING",
                           (job, night, shard, shards, runner, _utc()))

    def update(self, job: str, night: str, shard: int, shards: int, runner: str, *, synced: int, failed: int,
               skipped: int, requests: int, failures: list[str], finished: bool = False) -> None:
        """Written after every tracker, so a runner killed mid-run leaves what it had done."""
        self.store.execute(
            "UPDATE shard_runs SET synced = ?, failed = ?, skipped = ?, requests = ?, failures = ?, finished = ? "
            "WHERE job = ? AND night = ? AND shard = ? AND shards = ? AND runner = ?",
            (synced, failed, skipped, requests, "\n".join(failures) or None, _utc() if finished else None,
             job, night, shard, shards, runner))

    def done(self, job: str, night: str, tracker: str) -> bool:
        """Whether a runner already finished `tracker` successfully for this job and night."""
        return self.store.execute("SELECT 1 FROM tracker_done WHERE job = ? AND night = ? AND tracker = ? AND "
                                  "status = 'ok'", (job, night, tracker)).fetchone() is not None

    def mark(self, job: str, night: str, tracker: str, runner: str, status: str) -> None:
        self.store.execute(
            "INSERT INTO tracker_done (job, night, tracker, runner, status, at) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (job, night, tracker) DO UPDATE SET runner = excluded.runner, status = excluded.status, "
            "at = excluded.at", (job, night, tracker, runner, status, _utc()))

    def last(self, job: str) -> list[dict]:
        """Every shard row of the latest night this job ran."""
        row = self.store.execute("SELECT max(night) AS night FROM shard_runs WHERE job = ?", (job,)).fetchone()
        if not row or row["night"] is None:
            return []
        return [dict(r) for r in self.store.execute(
            "SELECT * FROM shard_runs WHERE job = ? AND night = ? ORDER BY shard, started", (job, row["night"]))]

    def done_count(self, job: str, night: str) -> dict[str, int]:
        rows = self.store.execute("SELECT status, count(*) AS n FROM tracker_done WHERE job = ? AND night = ? "
                                  "GROUP BY status", (job, night))
        return {r["status"]: int(r["n"]) for r in rows}
