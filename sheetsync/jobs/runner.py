"""One-shot runs any scheduler can call (cron, systemd, Kubernetes, the embedded loop).

The work for one tracker is injected (`sync_one`, `notify_owner`, `digest_one`), so these functions own only
what is common: every tracker is tried, a failure is reported and does not stop the others, and the exit code
says whether all succeeded. Idempotent: a second nightly run the same day finds no NEW errors and mails nobody."""
from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Protocol

from ..clock import current
from ..model import SheetsyncError, contained
from ..periods import iso_period
from ..redact import redact
from ..state.leases import LeaseLost
from .config import Config, TrackerConfig
from .eventlog import EventLog
from .fleet import Fleet
from .lock import exclusive
from .store import ErrorKey, NightlyErrors, errors_of


@dataclass(frozen=True)
class NightlyOutcome:
    """What `sync_one` reports: the error keys now in the sheet, and how many cells it wrote."""
    errors: frozenset[ErrorKey]
    warnings: int = 0
    written: int = 0
    waiting: str = ""  # what the write left for a later run (a workbook open in Excel: the rules and report)

    @classmethod
    def from_report(cls, report, written: int = 0) -> "NightlyOutcome":
        """From a sheetsync.model.Report: every error finding keyed by (code, Sheet!A1)."""
        keys = frozenset((f.code, f.ref or f.cell or "") for f in report.findings if f.severity == "error")
        warnings = sum(1 for f in report.findings if f.severity == "warning")
        return cls(errors=keys, warnings=warnings, written=written)


@dataclass(frozen=True)
class DigestOutcome:
    sent: int = 0
    skipped: bool = False  # e.g. `unchanged = "skip"` and nothing changed, or already sent for the period


class NotifyOwner(Protocol):
    def __call__(self, tracker: TrackerConfig, new_errors: list[ErrorKey], outcome: NightlyOutcome,
                 today: dt.date) -> Any: ...


DONE = "done"  # a skip reason: another run finished this tracker tonight
LEASE_LOST = "lease-lost"  # a skip reason: this runner lost the tracker's lease and stopped before writing


@dataclass
class TrackerResult:
    tracker: str
    status: str  # ok | failed | skipped (a fleet runner: done tonight by another run, or leased by another runner)
    detail: str = ""
    errors: int | None = None
    new_errors: tuple[ErrorKey, ...] = ()
    notified: bool = False


@dataclass
class RunSummary:
    job: str  # nightly | digest
    results: list[TrackerResult] = field(default_factory=list)

    @property
    def failed(self) -> list[TrackerResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def succeeded(self) -> list[TrackerResult]:
        return [r for r in self.results if r.status == "ok"]

    @property
    def skipped(self) -> list[TrackerResult]:
        return [r for r in self.results if r.status == "skipped"]

    @property
    def incomplete(self) -> list[TrackerResult]:
        """Skipped without being done: another runner holds the lease, or this runner lost its own; nobody can
        say tonight's work on them is finished."""
        return [r for r in self.skipped if r.detail != DONE]

    @property
    def exit_code(self) -> int:
        """0 every tracker succeeded (or was already done tonight); 1 at least one failed or was left undone
        (2, could not run at all, is the CLI's)."""
        return 1 if self.failed or self.incomplete else 0


def local_today(tracker: TrackerConfig, clock: Callable[[], dt.datetime] | None = None) -> dt.date:
    return current(clock).astimezone(tracker.zone).date()


def select(config: Config, only: Iterable[str] | None) -> list[TrackerConfig]:
    if only is None:
        return list(config.trackers)
    names = list(only)
    known = {t.name for t in config.trackers}
    unknown = [n for n in names if n not in known]
    if unknown:
        listed = ", ".join(sorted(known))
        raise SheetsyncError(f"no tracker named {', '.join(unknown)} in {config.path} (known: {listed})",
                             f"{config.path} 中没有名为 {', '.join(unknown)} 的 tracker(已有:{listed})", code="usage")
    return [t for t in config.trackers if t.name in names]


def reason(exc: BaseException) -> str:
    """A failure as one log line: the error's own line, secrets redacted."""
    if isinstance(exc, SheetsyncError):
        return redact(exc.en)
    return redact(f"{type(exc).__name__}: {exc}")


def default_log(config: Config, clock: Callable[[], dt.datetime] | None = None) -> EventLog:
    return EventLog(clock=clock, zone=config.trackers[0].timezone if config.trackers else None)


def _lock_name(job: str, fleet: Fleet | None) -> str:
    """Shards of one job may run side by side on one machine; the same shard twice may not."""
    if fleet is None or fleet.shard is None:
        return job
    return f"{job}-shard-{fleet.shard.index}-of-{fleet.shard.count}"


def _each(fleet: Fleet | None, tracker: TrackerConfig, label: str):
    """The fleet's lease/skip/quota context around one tracker, or nothing for a plain run."""
    if fleet is None:
        return nullcontext(None)
    return fleet.tracker(tracker, label)


def _skipped(result: TrackerResult, why: str, log: EventLog, job: str, tracker: TrackerConfig) -> None:
    result.status, result.detail = "skipped", why
    log.event(job, zone=tracker.timezone, tracker=tracker.name, status="skipped", reason=why)


def run_nightly(config: Config, *, sync_one: Callable[[TrackerConfig, dt.date], NightlyOutcome],
                notify_owner: NotifyOwner, today: dt.date | None = None, only: Iterable[str] | None = None,
                store: NightlyErrors | None = None, log: EventLog | None = None,
                clock: Callable[[], dt.datetime] | None = None, lock: bool = True,
                notify_chat: NotifyOwner | None = None, fleet: Fleet | None = None) -> RunSummary:
    """Sync every tracker; mail its owner only about errors that were not there the previous night.

    `notify_chat` (optional) posts to the tracker's chat channels. The first night of a tracker is a
    baseline (no note). The stored set is replaced only after the note went
    out, so a failed note is retried on the next run instead of being lost. With `lock`, a second nightly run
    on the same state directory (cron and a timer both set up, a slow night) refuses: AlreadyRunning, exit 2.
    With a `fleet` (several runners over one state store), only the fleet's shard of trackers, each under a lease and the shared quota."""
    if lock:
        with exclusive(config.state, _lock_name("nightly", fleet)):
            return run_nightly(config, sync_one=sync_one, notify_owner=notify_owner, today=today, only=only,
                               store=store, log=log, clock=clock, lock=False, notify_chat=notify_chat, fleet=fleet)
    if store is None and fleet is None:  # the config's state store, opened for this run
        store = errors_of(config)
        try:
            return run_nightly(config, sync_one=sync_one, notify_owner=notify_owner, today=today, only=only,
                               store=store, log=log, clock=clock, lock=False, notify_chat=notify_chat)
        finally:
            store.store.close()
    store = store or fleet.errors
    log = log or default_log(config, clock)
    summary = RunSummary("nightly")
    trackers = select(config, only)
    if fleet is not None:
        trackers = fleet.mine(trackers)
        first = today or (local_today(trackers[0], clock) if trackers else current(clock).date())
        fleet.begin("nightly", first.isoformat())
    with log.progress("nightly", len(trackers)) as advance:
        for tracker in trackers:
            day = today or local_today(tracker, clock)
            result = TrackerResult(tracker.name, "ok")
            try:
                with _each(fleet, tracker, day.isoformat()) as skip:
                    if skip:
                        _skipped(result, skip, log, "nightly", tracker)
                    else:
                        _nightly_one(tracker, day, result, sync_one=sync_one, notify_owner=notify_owner,
                                     notify_chat=notify_chat, store=store, log=log)
            except LeaseLost:  # stopped cleanly before writing: another runner takes it over
                _skipped(result, LEASE_LOST, log, "nightly", tracker)
            except BaseException as exc:  # one tracker's failure (a reader's panic too) must not stop the others
                if not contained(exc):
                    raise
                result.status, result.detail = "failed", reason(exc)
                if fleet is not None:
                    fleet.failed(tracker, result.detail)
                log.event("nightly", zone=tracker.timezone, tracker=tracker.name, status="failed", error=result.detail)
            summary.results.append(result)
            advance()
    if fleet is not None:
        fleet.finish()
    return summary


def _nightly_one(tracker: TrackerConfig, day: dt.date, result: TrackerResult, *, sync_one, notify_owner,
                 notify_chat, store, log: EventLog) -> None:
    outcome = sync_one(tracker, day)
    previous = store.previous(tracker.name)
    new = sorted(outcome.errors - previous) if previous is not None else []
    result.errors, result.new_errors = len(outcome.errors), tuple(new)
    if new and tracker.owner:
        notify_owner(tracker, new, outcome, day)
        result.notified = True
    store.record(tracker.name, day, outcome.errors)
    if notify_chat is not None and tracker.channels:
        # after the record: a failing chat must not make tomorrow mail the owner the same errors
        # again. It decides itself: only new errors, newly late tasks and new metric breaches.
        notify_chat(tracker, new, outcome, day)
    log.event("nightly", zone=tracker.timezone, tracker=tracker.name, status="ok",
              errors=len(outcome.errors), new=len(new), baseline=1 if previous is None else None,
              notified=tracker.owner if result.notified else None, written=outcome.written or None,
              waiting=outcome.waiting or None)


def run_digest(config: Config, *, digest_one: Callable[[TrackerConfig, str, dt.date], DigestOutcome | None],
               period: str | None = None, today: dt.date | None = None, only: Iterable[str] | None = None,
               log: EventLog | None = None, clock: Callable[[], dt.datetime] | None = None,
               lock: bool = True, job: str = "digest", fleet: Fleet | None = None) -> RunSummary:
    """Build and send each tracker's digest for `period` (default: the ISO week of today in the tracker's zone).
    `digest_one` must itself skip a (tracker, period) already sent: the digest ledger makes reruns harmless.
    job="notice" runs the launch notice the same way (one lock, one summary line per tracker)."""
    if lock:
        with exclusive(config.state, _lock_name(job, fleet)):
            return run_digest(config, digest_one=digest_one, period=period, today=today, only=only, log=log,
                              clock=clock, lock=False, job=job, fleet=fleet)
    log = log or default_log(config, clock)
    summary = RunSummary(job)
    trackers = select(config, only)
    if fleet is not None:
        trackers = fleet.mine(trackers)
        first = today or (local_today(trackers[0], clock) if trackers else current(clock).date())
        fleet.begin(job, period or (iso_period(first) if job == "digest" else first.isoformat()))
    with log.progress(job, len(trackers)) as advance:
        for tracker in trackers:
            day = today or local_today(tracker, clock)
            label = period or iso_period(day)
            result = TrackerResult(tracker.name, "ok")
            try:
                # the notice runs daily: its fleet label is the day, the digest's the period
                with _each(fleet, tracker, label if job == "digest" else day.isoformat()) as skip:
                    if skip:
                        _skipped(result, skip, log, job, tracker)
                    else:
                        outcome = digest_one(tracker, label, day)
                        log.event(job, zone=tracker.timezone, tracker=tracker.name, period=label, status="ok",
                                  sent=getattr(outcome, "sent", None),
                                  skipped=1 if getattr(outcome, "skipped", False) else None)
            except LeaseLost:
                _skipped(result, LEASE_LOST, log, job, tracker)
            except BaseException as exc:
                if not contained(exc):
                    raise
                result.status, result.detail = "failed", reason(exc)
                if fleet is not None:
                    fleet.failed(tracker, result.detail)
                log.event(job, zone=tracker.timezone, tracker=tracker.name, period=label, status="failed",
                          error=result.detail)
            summary.results.append(result)
            advance()
    if fleet is not None:
        fleet.finish()
    return summary
