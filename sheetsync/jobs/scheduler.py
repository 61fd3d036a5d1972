"""`sheetsync schedule`: a long-running loop on the `schedule` library, for hosts without cron or systemd.

What schedule does not do and this module adds: catching up a digest missed while the process was down,
surviving a failing job, one runner per state directory, a clean stop on SIGTERM/SIGINT between jobs, an
injectable clock and the right day after a daylight-saving change. schedule reads only the machine's clock
(and its next-run arithmetic repeats or skips a run around a daylight-saving change), so jobs are declared
through its public API and a thin layer here (ClockedScheduler) decides from the injected clock when each is
due; nothing of schedule's private methods or module globals is touched."""
from __future__ import annotations

import datetime as dt
import os
import signal
import threading
from contextlib import contextmanager
from itertools import groupby
from typing import Any, Callable, Iterator
from zoneinfo import ZoneInfo

import schedule

from ..model import contained
from ..periods import iso_period
from .config import DAYS, Config, TrackerConfig
from .eventlog import EventLog
from .lock import exclusive
from .runner import default_log, reason

Clock = Callable[[], dt.datetime]  # returns an aware datetime


def next_due(job: schedule.Job, now: dt.datetime) -> dt.datetime:
    """The first instant after `now` at which a daily or weekly job is due: its wall-clock time in its zone,
    by zoneinfo. A time the clocks skip (spring forward, 02:30) runs at the same distance after the gap
    (03:30); a time that happens twice (fall back, 01:30) runs at its first occurrence only."""
    zone = ZoneInfo(str(job.at_time_zone))
    day = now.astimezone(zone).date()
    weekday = None if job.start_day is None else DAYS.index(job.start_day)
    for offset in range(0, 9):
        candidate = day + dt.timedelta(days=offset)
        if weekday is not None and candidate.weekday() != weekday:
            continue
        # fold=0: the first of a repeated time; a missing time keeps the offset from before the gap
        due = dt.datetime.combine(candidate, job.at_time, tzinfo=zone).astimezone(dt.timezone.utc)
        if due > now:
            return due
    raise AssertionError("a daily or weekly job is due within 8 days")  # pragma: no cover


class ClockedScheduler:
    """The jobs are declared through `schedule`'s public API (`every().monday.at("08:30", zone).do(f).tag(t)`),
    which checks the time, the weekday and the zone; this thin layer decides when each is due, from the
    injected clock (schedule reads only the machine's, and computes the day after a spring-forward wrong), and
    stops between jobs when asked. `Job.run()` runs a job, as schedule's own loop does."""

    def __init__(self, clock: Clock | None = None, stop: threading.Event | None = None):
        self.jobs = schedule.Scheduler()
        self.clock = clock
        self.stop = stop or threading.Event()
        self.due: dict[schedule.Job, dt.datetime] = {}  # each job's next instant (aware, UTC)

    def now(self) -> dt.datetime:
        return self.clock() if self.clock else dt.datetime.now(dt.timezone.utc)

    def _add(self, job: schedule.Job) -> schedule.Job:
        self.due[job] = next_due(job, self.now())
        return job

    def daily(self, at: dt.time, zone: str, func: Callable[[], Any], tag: str) -> schedule.Job:
        return self._add(self.jobs.every().day.at(at.strftime("%H:%M"), zone).do(func).tag(tag))

    def weekly(self, day: str, at: dt.time, zone: str, func: Callable[[], Any], tag: str) -> schedule.Job:
        return self._add(getattr(self.jobs.every(), day).at(at.strftime("%H:%M"), zone).do(func).tag(tag))

    def get_jobs(self) -> list[schedule.Job]:
        return self.jobs.get_jobs()

    def run_pending(self) -> None:
        """Run every job that is due, earliest first; each is next due after the moment it finished."""
        now = self.now()
        for job in sorted((j for j, due in self.due.items() if due <= now), key=self.due.__getitem__):
            if self.stop.is_set():  # stop between jobs: the one running finished, the rest wait for the next start
                return
            job.run()
            self.due[job] = next_due(job, max(now, self.now()))

    def next_run(self, job: schedule.Job) -> dt.datetime:
        return self.due[job]

    def get_next_run(self, tag: str | None = None) -> dt.datetime | None:
        """When the next job (with `tag`) is due, as naive process-local time (schedule's convention)."""
        dues = [due for job, due in self.due.items() if tag is None or tag in job.tags]
        return min(dues).astimezone().replace(tzinfo=None) if dues else None

    @property
    def idle_seconds(self) -> float | None:
        if not self.due:
            return None
        return (min(self.due.values()) - self.now()).total_seconds()


def guarded(log: EventLog, job: str, zone: str, func: Callable[[], Any]) -> Callable[[], None]:
    """An exception escapes run_pending() and would end the loop: log it and carry on with later jobs."""

    def run() -> None:
        try:
            func()
        except BaseException as exc:  # a library's panic too: the loop goes on to the next job
            if not contained(exc):
                raise
            log.event(job, zone=zone, status="error", error=reason(exc))
    return run


def last_due(now: dt.datetime, weekday: int, at: dt.time, zone: str) -> dt.datetime:
    """The latest weekly instant (weekday, at, zone) not after `now`."""
    local = now.astimezone(ZoneInfo(zone))
    day = local.date() - dt.timedelta(days=(local.weekday() - weekday) % 7)
    due = dt.datetime.combine(day, at, tzinfo=ZoneInfo(zone))
    if due > local:
        due -= dt.timedelta(days=7)
    return due


def quiet_ends(trackers: list[TrackerConfig]) -> list[tuple[dt.time, list[TrackerConfig]]]:
    """The trackers with chat channels and quiet hours, by the time their quiet hours end."""
    ends: dict[dt.time, list[TrackerConfig]] = {}
    for t in trackers:
        if t.channels and t.quiet_hours is not None:
            ends.setdefault(t.quiet_hours.end, []).append(t)
    return sorted(ends.items())


def by_zone(trackers: list[TrackerConfig]) -> list[tuple[str, list[TrackerConfig]]]:
    ordered = sorted(trackers, key=lambda t: t.timezone)
    return [(zone, list(group)) for zone, group in groupby(ordered, key=lambda t: t.timezone)]


class JobSet:
    """The jobs of one config on one ClockedScheduler. `nightly(trackers)` and `digest(trackers, period)` do
    the work (the lead wires them to run_nightly / run_digest); `digest_sent(tracker, period)` asks the ledger."""

    def __init__(self, config: Config, scheduler: ClockedScheduler, log: EventLog, *,
                 nightly: Callable[[list[TrackerConfig]], Any],
                 digest: Callable[[list[TrackerConfig], str], Any],
                 digest_sent: Callable[[TrackerConfig, str], bool],
                 notice: Callable[[list[TrackerConfig]], Any] | None = None,
                 chat: Callable[[list[TrackerConfig]], Any] | None = None):
        self.config, self.scheduler, self.log = config, scheduler, log
        self.nightly, self.digest, self.digest_sent = nightly, digest, digest_sent
        jobs = config.jobs
        for zone, group in by_zone(config.trackers):
            scheduler.daily(jobs.nightly.time, zone, guarded(log, "nightly", zone, lambda g=group: self.nightly(g)),
                            "nightly")
            scheduler.weekly(jobs.digest.day, jobs.digest.time, zone,
                             guarded(log, "digest", zone, lambda g=group, z=zone: self._digest_now(g, z)), "digest")
            if notice is not None:  # daily: the launch notice decides itself whether today is its day
                scheduler.daily(jobs.notice.time, zone, guarded(log, "notice", zone, lambda g=group: notice(g)),
                                "notice")
            if chat is not None:  # at the end of quiet hours: the chat posts they held back go, once
                for end, held in quiet_ends(group):
                    scheduler.daily(end, zone, guarded(log, "chat", zone, lambda g=held: chat(g)), "chat")

    def _unsent(self, group: list[TrackerConfig], period: str, zone: str) -> list[TrackerConfig]:
        out = []
        for t in group:
            try:
                if not self.digest_sent(t, period):
                    out.append(t)
            except Exception as exc:  # an unreadable ledger must not turn into a second email
                self.log.event("digest", zone=zone, tracker=t.name, period=period, status="error",
                               error=f"cannot tell whether it was sent: {type(exc).__name__}: {exc}")
        return out

    def _digest_now(self, group: list[TrackerConfig], zone: str) -> None:
        period = iso_period(self.scheduler.now().astimezone(ZoneInfo(zone)).date())
        unsent = self._unsent(group, period, zone)
        if unsent:
            self.digest(unsent, period)

    def catch_up(self) -> int:
        """Send, once, a digest whose time in this period passed while nothing was running. Returns how many
        trackers were caught up."""
        jobs, now, count = self.config.jobs, self.scheduler.now(), 0
        for zone, group in by_zone(self.config.trackers):
            due = last_due(now, jobs.digest.weekday, jobs.digest.time, zone)
            period = iso_period(due.date())
            if period != iso_period(now.astimezone(ZoneInfo(zone)).date()):
                continue  # last period's digest is stale news; the next one is on schedule
            unsent = self._unsent(group, period, zone)
            if not unsent or self.scheduler.stop.is_set():
                continue
            self.log.event("digest", zone=zone, period=period, status="catch-up",
                           trackers=",".join(t.name for t in unsent), due=due.isoformat(timespec="minutes"))
            guarded(self.log, "digest", zone, lambda u=unsent, p=period: self.digest(u, p))()
            count += len(unsent)
        return count


@contextmanager
def stop_on_signals(stop: threading.Event, got: list[str]) -> Iterator[None]:
    """SIGTERM/SIGINT only set the flag: the job that is running finishes, then the loop ends."""

    def handler(signum, frame):
        got.append(signal.Signals(signum).name)
        stop.set()

    previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def serve(config: Config, *, nightly: Callable[[list[TrackerConfig]], Any],
          digest: Callable[[list[TrackerConfig], str], Any], digest_sent: Callable[[TrackerConfig, str], bool],
          clock: Clock | None = None, log: EventLog | None = None, stop: threading.Event | None = None,
          handle_signals: bool = True, max_wait: float = 30.0,
          notice: Callable[[list[TrackerConfig]], Any] | None = None,
          chat: Callable[[list[TrackerConfig]], Any] | None = None) -> int:
    """`sheetsync schedule --config FILE`. Holds <state>/scheduler.lock (AlreadyRunning, exit 2, if taken),
    catches up a missed digest, then runs jobs until SIGTERM/SIGINT or `stop`; returns 0 after a clean stop."""
    log = log or default_log(config, clock)
    stop = stop or threading.Event()
    got: list[str] = []
    with exclusive(config.state, "scheduler"):
        scheduler = ClockedScheduler(clock, stop)
        jobs = JobSet(config, scheduler, log, nightly=nightly, digest=digest, digest_sent=digest_sent, notice=notice,
                      chat=chat)
        signals = stop_on_signals(stop, got) if handle_signals else _nothing()
        with signals:
            for job in scheduler.get_jobs():
                zone = str(job.at_time_zone)
                log.event("schedule", zone=zone, task=sorted(job.tags)[0], tz=zone,
                          next=scheduler.next_run(job).astimezone(ZoneInfo(zone)).isoformat(timespec="minutes"))
            jobs.catch_up()
            log.event("schedule", status="running", pid=os.getpid())
            while not stop.is_set():
                scheduler.run_pending()
                if stop.is_set():
                    break
                idle = scheduler.idle_seconds
                stop.wait(max(0.0, min(max_wait, idle if idle is not None else max_wait)))
        log.event("schedule", status="stopped", signal=got[0] if got else None)
    return 0


@contextmanager
def _nothing() -> Iterator[None]:
    yield
