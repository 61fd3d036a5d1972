"""The job commands over one sheetsync.toml: load the config, assemble the work, the fleet, the event log and the
clock, then run. sheetsync.api exposes them (api.run_nightly, api.run_digest, api.run_notice, api.schedule,
api.fleet_status) with its own sync, digest and notice as the `Library`, so the jobs never import the surface
above them."""
from __future__ import annotations

import datetime as dt
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from ..clock import env_now, parse_today
from ..periods import normalise_period
from .config import Config, load_config
from .fleet import Fleet
from .fleet_status import config_language, fleet_status as status_lines
from .runner import RunSummary, default_log, run_digest as run_digests, run_nightly as run_nightlies
from .scheduler import serve
from .shard import Shard
from .work import Work, history_path


@dataclass(frozen=True)
class Library:
    """What a job does to one tracker, as the library does it for one command: `sync(source, **options)` ->
    SyncResult, `digest(source, **options)` -> (DigestBatch, DeliveryResult), `notice(source, **options)` ->
    NoticeResult (api.sync, api.digest, api.notice)."""
    sync: Callable
    digest: Callable
    notice: Callable


def config_of(config: Config | str | Path) -> Config:
    """A loaded Config, or the path of one (checked: a problem is one line naming the key)."""
    return config if isinstance(config, Config) else load_config(config)


def rehearsal_clock(env=None) -> Callable[[], dt.datetime] | None:
    """SHEETSYNC_NOW=2026-11-23T08:29:50+08:00 starts the scheduler's clock there and lets it run at normal
    speed: a rehearsal of Monday morning on any day (and how the tests drive the real command)."""
    start = env_now(env)
    if start is None:
        return None
    began = time.monotonic()
    return lambda: start + dt.timedelta(seconds=time.monotonic() - began)


def open_fleet(config: Config, shard: str | None, credentials: str | None) -> Fleet | None:
    """A Fleet when this run is one of several (a shard, from `shard` "I/N" or a Kubernetes Indexed Job's
    environment, or a shared PostgreSQL state); None for a plain run."""
    part = Shard.parse(shard) if shard else Shard.from_env()
    if part is None and config.state_url is None:
        return None
    return Fleet(config, part, history_path(config), credentials=credentials)


@contextmanager
def fleet_of(config: Config, shard: str | None, credentials: str | None) -> Iterator[Fleet | None]:
    """The run's Fleet (closed after the run), or None for a plain run."""
    fleet = open_fleet(config, shard, credentials)
    try:
        yield fleet
    finally:
        if fleet is not None:
            fleet.close()


def _day(today) -> dt.date | None:
    return parse_today(today)[0]


def nightly(config: Config | str | Path, library: Library, *, only: list[str] | None = None, today=None,
            outbox: Path | str | None = None, credentials: str | None = None, shard: str | None = None) -> RunSummary:
    """Sync every tracker (or `only` these); mail an owner only about errors new since last night."""
    cfg = config_of(config)
    with fleet_of(cfg, shard, credentials) as fleet:
        work = Work(cfg, library, outbox=outbox, credentials=credentials, fleet=fleet)
        return run_nightlies(cfg, fleet=fleet, sync_one=work.sync_one, notify_owner=work.notify_owner,
                             notify_chat=work.notify_chat, today=_day(today), only=list(only) if only else None)


def digest(config: Config | str | Path, library: Library, *, only: list[str] | None = None, today=None,
           outbox: Path | str | None = None, credentials: str | None = None, shard: str | None = None,
           period: str | None = None, force: bool = False) -> RunSummary:
    """Each tracker's weekly digests for `period` (default: this week in each tracker's zone), once per week."""
    cfg = config_of(config)
    day = _day(today)
    period = normalise_period(period) if period else None  # a bad week is one line, before any work
    with fleet_of(cfg, shard, credentials) as fleet:
        work = Work(cfg, library, outbox=outbox, credentials=credentials, force=force, fleet=fleet)
        return run_digests(cfg, fleet=fleet, digest_one=work.digest_one, period=period, today=day,
                           only=list(only) if only else None)


def notice(config: Config | str | Path, library: Library, *, only: list[str] | None = None, today=None,
           outbox: Path | str | None = None, credentials: str | None = None, shard: str | None = None,
           force: bool = False) -> RunSummary:
    """Each tracker's launch notice on its day, once."""
    cfg = config_of(config)
    with fleet_of(cfg, shard, credentials) as fleet:
        work = Work(cfg, library, outbox=outbox, credentials=credentials, force=force, fleet=fleet)
        return run_digests(cfg, fleet=fleet, digest_one=work.notice_one, today=_day(today),
                           only=list(only) if only else None, job="notice")


def schedule(config: Config | str | Path, library: Library, *, outbox: Path | str | None = None,
             credentials: str | None = None, clock: Callable[[], dt.datetime] | None = None, **serve_options) -> int:
    """The embedded scheduler until stopped; its exit code. `clock` defaults to the SHEETSYNC_NOW rehearsal
    clock, else the machine's."""
    cfg = config_of(config)
    clock = clock or rehearsal_clock()
    log = default_log(cfg, clock)
    work = Work(cfg, library, outbox=outbox, credentials=credentials, clock=clock)
    return serve(cfg, nightly=work.nightly_for(log), digest=work.digest_for(log), digest_sent=work.digest_sent,
                 clock=clock, log=log, notice=work.notice_for(log), **serve_options)


def fleet_status(config: Config | str | Path, lang: str | None = None) -> list[str]:
    """The lines of `sheetsync status`: what every shard did in its last run of each job."""
    cfg = config_of(config)
    zone = cfg.trackers[0].zone if cfg.trackers else dt.timezone.utc
    return status_lines(cfg, history_path(cfg), lang or config_language(cfg), zone)
