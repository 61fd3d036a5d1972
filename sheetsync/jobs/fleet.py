"""A runner among several: its shard of the trackers, a lease on the tracker it works on, the shared Google
quota (handed to each Google client the work opens: jobs.work), and the shard's summary in the state store.

The runners (runner.py) call `Fleet.begin`, then `Fleet.tracker(...)` around each tracker and `Fleet.finish`;
without a Fleet they behave as they always did on one machine."""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..model import contained
from ..redact import redact
from ..state import open_store
from ..state.leases import LeaseLost, Leases, runner_id
from ..state.quota import MemoryBucket, Quota, build_quota
from ..state.nightly_errors import NightlyErrors
from ..state.shard_runs import ShardRuns
from .config import Config, TrackerConfig
from .shard import Shard, stable_bucket

ANONYMOUS = ("anonymous", "default")  # no key file (the local emulator): one account in one project


def account_file(config: Config, tracker: TrackerConfig, default: str | None = None) -> str | None:
    """The service-account key a tracker uses: one of [quota] service_accounts, always the same for a name."""
    accounts = config.quota.service_accounts
    if accounts:
        return str(accounts[stable_bucket(tracker.name, len(accounts))])
    return default


def account_identity(path: str | None) -> tuple[str, str]:
    """(client_email, project_id) of a key file: the user and the project Google counts requests against."""
    if not path:
        return ANONYMOUS
    try:
        info = json.loads(Path(path).read_text(encoding="utf-8"))
        return str(info.get("client_email") or path), str(info.get("project_id") or "default")
    except (OSError, ValueError):
        return str(path), "default"  # the source reports the unreadable key with its own message


@dataclass
class Tally:
    synced: int = 0
    failed: int = 0
    skipped: int = 0
    failures: list[str] = field(default_factory=list)


class Fleet:
    """`shard` None: every tracker, no skipping of trackers done tonight (a plain run on the shared store)."""

    def __init__(self, config: Config, shard: Shard | None, state_target: str | Path, credentials: str | None = None):
        self.config, self.shard, self.credentials = config, shard, credentials
        self.target = state_target
        self.store = open_store(state_target)
        self.runner = runner_id()
        self.leases = Leases(self.store, self.runner, ttl=config.quota.lease_seconds,
                             reopen=lambda: open_store(state_target))
        self.runs = ShardRuns(self.store)
        self.errors = NightlyErrors(self.store)
        self.memory: dict[str, MemoryBucket] = {}
        self.quotas: dict[str, Quota] = {}
        self.tally = Tally()
        self.job = self.night = ""
        self.lease = None  # the lease of the tracker being worked on (state.leases.Held), for its sync

    @property
    def index(self) -> tuple[int, int]:
        return (self.shard.index, self.shard.count) if self.shard else (0, 1)

    def mine(self, trackers: list[TrackerConfig]) -> list[TrackerConfig]:
        return [t for t in trackers if self.shard is None or self.shard.owns(t.name)]

    def quota_for(self, tracker: TrackerConfig) -> Quota:
        account, project = account_identity(account_file(self.config, tracker, self.credentials))
        if account not in self.quotas:
            shared = self.store if self.config.state_url else None  # one process alone: memory is enough
            self.quotas[account] = build_quota(self.config.quota.limits(), account, project, store=shared,
                                               memory=self.memory)
        return self.quotas[account]

    @property
    def requests(self) -> int:
        return sum(q.used for q in self.quotas.values())

    def begin(self, job: str, night: str) -> None:
        self.job, self.night = job, night
        self.runs.start(job, night, *self.index, self.runner)

    def _save(self, finished: bool = False) -> None:
        t = self.tally
        self.runs.update(self.job, self.night, *self.index, self.runner, synced=t.synced, failed=t.failed,
                         skipped=t.skipped, requests=self.requests, failures=t.failures, finished=finished)

    @contextmanager
    def tracker(self, tracker: TrackerConfig, label: str) -> Iterator[str | None]:
        """Around one tracker's work. Yields None to go on, or why it is skipped: "done" (a runner finished it
        tonight: a retried pod does not redo it), "leased" (another runner is on it now). The caller sets
        `.failed` on the yielded context by raising; the outcome is recorded either way."""
        if self.shard is not None and self.runs.done(self.job, label, tracker.name):
            self.tally.skipped += 1
            self._save()
            yield "done"
            return
        with self.leases.held(tracker.name) as got:
            self.lease = got  # the sync of this tracker checks it before writing
            if not got:
                self.tally.skipped += 1
                self._save()
                yield "leased"
                return
            try:
                yield None
            except LeaseLost:  # stopped before writing: neither done nor failed, another runner takes it
                self.tally.skipped += 1
                self._save()
                raise
            except BaseException as exc:
                if not contained(exc):
                    raise
                self.tally.failed += 1
                self.tally.failures.append(redact(f"{tracker.name}: {exc}"))
                self.runs.mark(self.job, label, tracker.name, self.runner, "failed")
                raise
            self.tally.synced += 1
            self.runs.mark(self.job, label, tracker.name, self.runner, "ok")
            self._save()

    def failed(self, tracker: TrackerConfig, reason: str) -> None:
        """The runner caught a tracker's failure itself: note the reason (the count is already taken)."""
        if self.tally.failures and self.tally.failures[-1].startswith(f"{tracker.name}: "):
            self.tally.failures[-1] = f"{tracker.name}: {reason}"
        self._save()

    def finish(self) -> None:
        self._save(finished=True)

    def close(self) -> None:
        self.store.close()
