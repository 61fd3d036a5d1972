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
from ..history import tracker_key
from ..mailhost import refuse_placeholder
from ..model import SheetsyncError
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


REHEARSAL_FOLDER = "rehearsal"


def rehearsal_outbox(config: Config, outbox: Path | str | None, *, send: bool, rehearse: bool = False,
                     env=None, mails: bool = True) -> Path | str | None:
    """Where a job's messages go. A rehearsal (SHEETSYNC_NOW set, or `schedule --rehearse`) never sends: without
    `send` its messages are previews in the given outbox, else in <state>/rehearsal. A real run that `mails`
    sends (or writes `outbox` when given); a placeholder mail host is then refused in one line before any work."""
    if outbox is None and not send and (rehearse or env_now(env) is not None):
        return Path(config.state) / REHEARSAL_FOLDER
    if outbox is None and mails and config.smtp is not None:
        refuse_placeholder(config.smtp.host, f"{config.path} [smtp] host")
    return outbox


def tracker_state(config: Config | str | Path, source: str | Path):
    """(the config's tracker that SOURCE names, by name or by file, and the state its jobs write): what
    `digest --status --config` reads, so it sees what `run digest` sent."""
    cfg = config_of(config)
    key = tracker_key(source)
    for t in cfg.trackers:
        if t.name == str(source) or tracker_key(t.source) == key:
            return t, history_path(cfg)
    names = ", ".join(t.name for t in cfg.trackers)
    raise SheetsyncError(f"{source}: not a tracker of {cfg.path} (its trackers: {names})",
                         f"{source}:不是 {cfg.path} 中的跟踪表(其中的跟踪表:{names})", code="usage")


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


def _on_fleet(config: Config, shard: str | None, credentials: str | None, work: Work, run_all, **kwargs) -> RunSummary:
    """Run `run_all` on the run's Fleet (or none), `work` using its shared quota and error store."""
    with fleet_of(config, shard, credentials) as fleet:
        work.join(fleet)
        return run_all(config, fleet=fleet, **kwargs)


def _day(today) -> dt.date | None:
    return parse_today(today)[0]


def _work(config: Config | str | Path, library: Library, *, today, outbox, send: bool, credentials,
          force: bool = False, job: str = "digest") -> tuple[Config, Work]:
    """The config and the Work of a one-shot run: a rehearsal writes previews, and --today pins the moment
    (its time, when it has one, is what quiet hours are judged at)."""
    cfg = config_of(config)
    # the nightly mails only trackers' owners; the chat job mails nobody
    mails = job in ("digest", "notice") or (job == "nightly" and any(t.owner for t in cfg.trackers))
    outbox = rehearsal_outbox(cfg, outbox, send=send, mails=mails)
    work = Work(cfg, library, outbox=outbox, credentials=credentials, force=force)
    work.pinned = parse_today(today)
    return cfg, work


def nightly(config: Config | str | Path, library: Library, *, only: list[str] | None = None, today=None,
            outbox: Path | str | None = None, credentials: str | None = None, shard: str | None = None,
            send: bool = False) -> RunSummary:
    """Sync every tracker (or `only` these); mail an owner only about errors new since last night."""
    cfg, work = _work(config, library, today=today, outbox=outbox, send=send, credentials=credentials,
                      job="nightly")
    return _on_fleet(cfg, shard, credentials, work, run_nightlies, sync_one=work.sync_one,
                     notify_owner=work.notify_owner, notify_chat=work.notify_chat, today=_day(today),
                     only=list(only) if only else None)


def digest(config: Config | str | Path, library: Library, *, only: list[str] | None = None, today=None,
           outbox: Path | str | None = None, credentials: str | None = None, shard: str | None = None,
           period: str | None = None, force: bool = False, send: bool = False) -> RunSummary:
    """Each tracker's weekly digests for `period` (default: this week in each tracker's zone), once per week."""
    cfg, work = _work(config, library, today=today, outbox=outbox, send=send, credentials=credentials, force=force)
    period = normalise_period(period) if period else None  # a bad week is one line, before any work
    return _on_fleet(cfg, shard, credentials, work, run_digests, digest_one=work.digest_one, period=period,
                     today=_day(today), only=list(only) if only else None)


def _daily(job: str, config, library: Library, *, only, today, outbox, credentials, shard, force: bool,
           send: bool) -> RunSummary:
    cfg, work = _work(config, library, today=today, outbox=outbox, send=send, credentials=credentials, force=force,
                      job=job)
    one = {"notice": work.notice_one, "chat": work.chat_one}[job]
    return _on_fleet(cfg, shard, credentials, work, run_digests, digest_one=one, today=_day(today),
                     only=list(only) if only else None, job=job)


def notice(config: Config | str | Path, library: Library, *, only: list[str] | None = None, today=None,
           outbox: Path | str | None = None, credentials: str | None = None, shard: str | None = None,
           force: bool = False, send: bool = False) -> RunSummary:
    """Each tracker's launch notice on its day, once."""
    return _daily("notice", config, library, only=only, today=today, outbox=outbox, credentials=credentials,
                  shard=shard, force=force, send=send)


def chat(config: Config | str | Path, library: Library, *, only: list[str] | None = None, today=None,
         outbox: Path | str | None = None, credentials: str | None = None, shard: str | None = None,
         force: bool = False, send: bool = False) -> RunSummary:
    """Post what each tracker's quiet hours held back (`sheetsync run chat`, for cron at the end of quiet
    hours; `schedule` does it itself). In quiet hours, or in a rehearsal, it posts nothing."""
    return _daily("chat", config, library, only=only, today=today, outbox=outbox, credentials=credentials,
                  shard=shard, force=force, send=send)


def calendar(config: Config | str | Path, library: Library, *, ics: Path | str | None = None,
             only: list[str] | None = None, today=None, credentials: str | None = None) -> RunSummary:
    """Each tracker's deadline feeds under `ics` (default: [jobs.calendar] ics), one folder per tracker."""
    cfg = config_of(config)
    root = ics if ics is not None else cfg.jobs.calendar.ics
    if root is None:
        raise SheetsyncError(f"{cfg.path}: say where the feeds go: --ics DIR, or [jobs.calendar] ics = \"feeds/\"",
                             f"{cfg.path}:请指定日历文件的位置:--ics 文件夹,或 [jobs.calendar] ics = \"feeds/\"",
                             code="usage")
    work = Work(cfg, library, credentials=credentials)
    work.pinned = parse_today(today)
    return run_digests(cfg, digest_one=lambda t, period, day: work.calendar_one(t, period, day, root),
                       today=_day(today), only=list(only) if only else None, job="calendar")


def schedule(config: Config | str | Path, library: Library, *, outbox: Path | str | None = None,
             credentials: str | None = None, clock: Callable[[], dt.datetime] | None = None, send: bool = False,
             rehearse: bool = False, **serve_options) -> int:
    """The embedded scheduler until stopped; its exit code. `clock` defaults to the SHEETSYNC_NOW rehearsal
    clock, else the machine's. A rehearsal (SHEETSYNC_NOW, or `rehearse`) writes previews and sends nothing
    unless `send`."""
    cfg = config_of(config)
    outbox = rehearsal_outbox(cfg, outbox, send=send, rehearse=rehearse)
    clock = clock or rehearsal_clock()
    log = default_log(cfg, clock)
    if outbox is not None:
        log.event("schedule", status="previews-only", outbox=str(outbox))
    work = Work(cfg, library, outbox=outbox, credentials=credentials, clock=clock)
    return serve(cfg, nightly=work.nightly_for(log), digest=work.digest_for(log), digest_sent=work.digest_sent,
                 clock=clock, log=log, notice=work.notice_for(log), chat=work.chat_for(log), **serve_options)


def fleet_status(config: Config | str | Path, lang: str | None = None) -> list[str]:
    """The lines of `sheetsync status`: what every shard did in its last run of each job."""
    cfg = config_of(config)
    zone = cfg.trackers[0].zone if cfg.trackers else dt.timezone.utc
    return status_lines(cfg, history_path(cfg), lang or config_language(cfg), zone)
