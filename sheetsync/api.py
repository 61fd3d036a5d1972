"""The library surface the CLI wraps: validate, inspect, sync, digest, notice, digest_status; the jobs over a
sheetsync.toml (run_nightly, run_digest, run_notice, schedule, fleet_status); init, init_config, check_config."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import registry
from . import sync as pipeline
from .clock import parse_today  # noqa: F401  (parse_today: the CLI's)
from .model import ColumnMapping, Overrides, Report, SheetsyncError, WorkbookData
from .sync import SyncResult, analyse_at, clock_for, refuse_empty  # noqa: F401  (the library surface)
from .context import Delivery, Reading, gather
from .understood import Inspection, guess_language

if TYPE_CHECKING:  # the groups of digest and notice, imported when the command runs
    from .digest.options import DigestOptions
    from .notice import NoticeOptions

NO_TABLE_CODES = ("no-task-table", "not-row-per-task")  # inspect still reports what it saw


def validate(source: str | Path, *, reading: Reading | None = None, workbook: WorkbookData | None = None,
             **given) -> Report:
    """Read SOURCE, check every row and derive deadlines. Raises SheetsyncError when it cannot run.
    `reading` (context.Reading: today, lang, mapping, overrides), or those names as keywords; the rest are the
    source's options. `mapping` (sheet, header row, columns) wins over recognition and over the Campaign
    sheet's mapping rows.

    Example:
        report = api.validate("tracker.xlsx", today="2026-12-01")
        report.exit_code, [f.message for f in report.findings]
    """
    reading = gather(Reading, given, reading)
    workbook = workbook or registry.read(source, **given)
    return _analyse(workbook, reading)


def _analyse(workbook: WorkbookData, reading: Reading) -> Report:
    return analyse_at(workbook, reading.today, lang=reading.lang, overrides=reading.overrides,
                      mapping=reading.mapping)


def inspect(source: str | Path, *, reading: Reading | None = None, workbook: WorkbookData | None = None,
            **given) -> Inspection:
    """What sheetsync understands of SOURCE: its sheets, the task table and how each column was read.
    `reading` and the keywords as for `validate`.

    A workbook with no task table (or no row-per-task layout) is not an error here: the Inspection says what
    was seen and carries the error, and its exit_code is 2. Anything else that stops the read raises.

    Example:
        seen = api.inspect("export.csv")
        seen.to_dict()["sheet"], seen.exit_code  # the task sheet it found, 0 (or 2: no task table)
    """
    reading = gather(Reading, given, reading)
    workbook = workbook or registry.read(source, **given)
    try:
        report = _analyse(workbook, reading)
    except SheetsyncError as exc:
        if exc.code not in NO_TABLE_CODES:
            raise
        return Inspection(workbook, reading.lang or guess_language(workbook), error=exc)
    return Inspection(workbook, report.language, report=report)


def sync(source: str | Path, *, reading: Reading | None = None, dry_run: bool = False, backups: int = 5,
         state: str | Path | None = None, record: bool = True, lease=None, **given) -> SyncResult:
    """Validate, derive, then write the managed columns, owned highlight rules and the report sheet back.
    `reading` and the keywords as for `validate`.

    Unless `dry_run` (or record=False), the tasks are recorded in the history (`state`, default
    .sheetsync/state.db beside the tracker) so the digest can tell what changed. The same pipeline
    (sheetsync.sync) runs for an .xlsx file and a Google sheet; .xls and CSV are refused before anything."""
    reading = gather(Reading, given, reading)
    return pipeline.sync(source, reading=reading, dry_run=dry_run, backups=backups, state=state, record=record,
                         lease=lease, **given)


def digest(source: str | Path, *, reading: Reading | None = None, delivery: Delivery | None = None,
           options: "DigestOptions | None" = None, report: Report | None = None, **given):
    """`sheetsync digest SOURCE`: read and validate, build the team and personal digests, deliver them once
    through the ledger. Returns (DigestBatch, DeliveryResult).

    `reading` (context.Reading: today, lang, mapping, overrides) says how the tracker is read, `delivery`
    (context.Delivery: outbox, send, smtp, force, state) where the messages go, `options`
    (digest.DigestOptions: period, kinds, to, unchanged, busy_threshold) which messages; each of their field
    names may also be given as a keyword, as may the links (`link_for`, `tracker_link`: a config's report_url)
    and the source's options. `report` skips the read (a report validated already).

    Every message links to the tracker: `tracker_link`, else the Google Sheets URL, else the file's path.
    `today` as for every command (sheetsync.clock): the run's one clock, read once in the tracker's zone.
    Messages go to `outbox` when given, else over SMTP when `send` or SHEETSYNC_SMTP_HOST is set, else to
    `.sheetsync/outbox` beside the state file.

    Example:
        batch, result = api.digest("tracker.xlsx", today="2026-10-12", outbox="out/")
        [o.status for o in result.outcomes]  # ['written', 'written', ...]
    """
    # lazy: validate and sync need not load the digest (Jinja2, the chart) or the Google stack
    from .digest import DigestOptions, Links, build_digests, deliver
    from .history import History, default_state_path, tracker_key
    reading, delivery = gather(Reading, given, reading), gather(Delivery, given, delivery)
    options = gather(DigestOptions, given, options or DigestOptions(kinds="all"))
    links = gather(Links, given)
    link_for, tracker_link, report_link = links.link_for, links.tracker_link, None
    key = tracker_key(source)
    if report is None:
        workbook = registry.read(source, **given)
        report = validate(source, reading=reading, workbook=workbook)
        url = registry.link(source) if link_for is None else None  # a local file has no link: its path is named
        if url is not None:
            link_for, report_link = registry.sheet_links(source, workbook, report.sheet, report.language) \
                or _links(url, workbook, report)
            tracker_link = tracker_link or url
    if tracker_link is None:
        tracker_link = _tracker_link(source)
    smtp = _smtp(delivery)
    options = replace(options, today=report.today, sender=smtp.sender if smtp else None)
    with History(delivery.state or default_state_path(source)) as history:
        batch = build_digests(report, history, tracker=key, options=options,
                              links=Links(link_for, report_link, tracker_link))
        result = deliver(batch, history, outbox=delivery.outbox,
                         smtp=None if delivery.outbox is not None else smtp, force=delivery.force)
    return batch, result


def _smtp(delivery: Delivery):
    """The SMTP settings a delivery uses: the ones given, else (no outbox) the environment's; `send` with
    nothing configured still falls back to the outbox."""
    if delivery.smtp is None and delivery.outbox is None:
        from .digest import SmtpSettings  # lazy: see digest
        return SmtpSettings.from_env()
    return delivery.smtp


def _links(url: str, workbook: WorkbookData, report: Report):
    """The digest's link for each task and for the report sheet of a tracker that lives at `url`: a Google
    sheet's row and sheet links (#gid=...&range=A12); any other link opens the tracker itself."""
    from .digest import gsheet_link_for, gsheet_report_link
    if not url.startswith("https://docs.google.com/spreadsheets/"):
        return (lambda task: url), url
    sheet = workbook.sheet(report.sheet) if report.sheet else None
    return (gsheet_link_for(url, sheet.sheet_id if sheet and sheet.sheet_id is not None else 0),
            gsheet_report_link(url, workbook, report.language))


def _tracker_link(source) -> str | None:
    """The tracker's link as its backend gives it, or the absolute path of a file (what a reader opens from the
    email)."""
    text = str(source)
    url = registry.link(text)
    if url is not None:
        return url
    if "://" in text:
        return text
    return str(Path(text).expanduser().resolve())


def notice(source: str | Path, *, reading: Reading | None = None, delivery: Delivery | None = None,
           options: "NoticeOptions | None" = None, report: Report | None = None, **given):
    """`sheetsync notice SOURCE`: read and validate, decide, then deliver the launch notice (or its correction)
    once through the ledger. Returns a notice.NoticeResult (decision, notice, outcomes, exit_code).

    `reading` and `delivery` as for `digest`; `options` (notice.NoticeOptions: spec, channels, env, tracker,
    link, clients, hold); each of their field names may also be given as a keyword, as may the source's options.
    With `outbox` the notice is written as a preview whatever the day; otherwise it is sent only when due
    (`spec` before the launch, default notice.DEFAULT_SPEC: T-3wd), by SMTP (`smtp`, or SHEETSYNC_SMTP_* when `send`) and to `channels`.

    Example:
        result = api.notice("tracker.xlsx", today="2026-12-10", outbox="out/")
        result.decision.action, [o.status for o in result.outcomes]  # ('send', ['written', ...])
    """
    # lazy: the notice's mail and chat stack only for this command
    from .history import History, default_state_path, tracker_key
    from .notice import DEFAULT_SPEC, NoticeOptions, check_spec, deliver_notice
    reading, delivery = gather(Reading, given, reading), gather(Delivery, given, delivery)
    options = gather(NoticeOptions, given, options)
    if options.spec is None:  # not given: the default
        options = replace(options, spec=DEFAULT_SPEC)
    check_spec(options.spec)  # before anything is read
    key = options.tracker or tracker_key(source)
    report = report or validate(source, reading=reading, **given)
    with History(delivery.state or default_state_path(source)) as history:
        return deliver_notice(report, history, tracker=key, options=options,
                              delivery=replace(delivery, smtp=_smtp(delivery)))


def digest_status(source: str | Path, *, period: str | None = None, state=None, today=None, lang: str | None = None,
                  overrides: Overrides | dict | None = None, config: str | Path | None = None, **source_options):
    """`sheetsync digest SOURCE --status`: the ledger of SOURCE for `period` (default: this week where the team
    is). Reads the tracker only for its language and zone; writes nothing. Returns a digest.status.LedgerStatus.
    With `config` (a sheetsync.toml), the state its jobs write, and SOURCE may be a tracker's name there.

    Example:
        seen = api.digest_status("tracker.xlsx", period="2026-W42")
        seen = api.digest_status("summer", config="sheetsync.toml")   # what `run digest` sent
        print("\\n".join(seen.text()))
    """
    from .digest.status import ledger_status  # lazy: only `digest --status` reads the ledger this way
    from .engine.table import find_table
    if config is not None:
        from .jobs.commands import tracker_state  # lazy: see _library
        tracker, job_state = tracker_state(config, source)
        source, state = tracker.source, state or job_state
        overrides = Overrides.of(tracker.overrides()).merged(overrides)
        lang = lang or tracker.language
    workbook = registry.read(source, **source_options)
    layout, _ = find_table(workbook)
    language = lang or (layout.language if layout is not None else "en")
    clock = clock_for(workbook, today, language, overrides)
    return ledger_status(source, period=period, state=state, today=clock.today, language=language, zone=clock.zone)


# ---- unattended jobs over a sheetsync.toml (sheetsync.jobs.commands, with this module's sync, digest, notice) ----

def _library():
    from .jobs.commands import Library  # lazy, as in each job below: a one-tracker command never loads the jobs
    return Library(sync=sync, digest=digest, notice=notice)


def run_nightly(config, *, only: list[str] | None = None, today=None, outbox: Path | str | None = None,
                credentials: str | None = None, shard: str | None = None, send: bool = False):
    """`sheetsync run nightly`: sync every tracker of `config` (a sheetsync.toml path or a loaded jobs.Config),
    or `only` these by name; mail an owner only about errors new since last night. `shard` "I/N" takes one
    shard of the trackers. Returns a jobs.RunSummary (results, failed, exit_code 0 all succeeded, 1 some failed).

    Example:
        summary = api.run_nightly("sheetsync.toml", today="2026-12-08")
        summary.exit_code, [r.tracker for r in summary.failed]
    """
    from .jobs import commands  # lazy: see _library
    return commands.nightly(config, _library(), only=only, today=today, outbox=outbox, credentials=credentials,
                            shard=shard, send=send)


def run_digest(config, *, only: list[str] | None = None, today=None, outbox: Path | str | None = None,
               credentials: str | None = None, shard: str | None = None, period: str | None = None,
               force: bool = False, send: bool = False):
    """`sheetsync run digest`: each tracker's weekly digests for `period` (YYYY-Www, default this week in each
    tracker's zone); a second run for the same week sends nothing. Returns a jobs.RunSummary.

    Example:
        summary = api.run_digest("sheetsync.toml", period="2026-W42", outbox="out/")
    """
    from .jobs import commands  # lazy: see _library
    return commands.digest(config, _library(), only=only, today=today, outbox=outbox, credentials=credentials,
                           shard=shard, period=period, force=force, send=send)


def run_notice(config, *, only: list[str] | None = None, today=None, outbox: Path | str | None = None,
               credentials: str | None = None, shard: str | None = None, force: bool = False,
               send: bool = False):
    """`sheetsync run notice`: each tracker's launch notice on its day (`notice = "T-3wd"`), once; any other day
    it sends nothing. Returns a jobs.RunSummary.

    Example:
        summary = api.run_notice("sheetsync.toml", today="2026-12-10")
    """
    from .jobs import commands  # lazy: see _library
    return commands.notice(config, _library(), only=only, today=today, outbox=outbox, credentials=credentials,
                           shard=shard, force=force, send=send)


def run_chat(config, *, only: list[str] | None = None, today=None, outbox: Path | str | None = None,
             credentials: str | None = None, shard: str | None = None, force: bool = False, send: bool = False):
    """`sheetsync run chat`: post, once, the chat messages each tracker's quiet hours (`quiet_hours =
    "21:00-08:30"`) held back; nothing else. For cron at the end of quiet hours; `schedule` runs it itself.

    Example:
        summary = api.run_chat("sheetsync.toml")
    """
    from .jobs import commands  # lazy: see _library
    return commands.chat(config, _library(), only=only, today=today, outbox=outbox, credentials=credentials,
                         shard=shard, force=force, send=send)


def schedule(config, *, outbox: Path | str | None = None, credentials: str | None = None, clock=None,
             send: bool = False, rehearse: bool = False, **serve_options) -> int:
    """`sheetsync schedule`: run the nightly sync, the weekly digest and the launch notices at their times in
    each tracker's zone until stopped (SIGTERM, Ctrl-C, or `stop=threading.Event()`); returns the exit code.
    `clock` defaults to the SHEETSYNC_NOW rehearsal clock (jobs.commands.rehearsal_clock), else the machine's.

    Example:
        code = api.schedule("sheetsync.toml", outbox="out/")
    """
    from .jobs import commands  # lazy: see _library
    return commands.schedule(config, _library(), outbox=outbox, credentials=credentials, clock=clock,
                             send=send, rehearse=rehearse, **serve_options)


def fleet_status(config, *, lang: str | None = None) -> list[str]:
    """`sheetsync status`: what every shard of the fleet did in its last nightly, digest and notice run, as lines
    in `lang` (default: the language of most of the config's trackers).

    Example:
        print("\\n".join(api.fleet_status("fleet.toml", lang="en")))
    """
    from .jobs import commands  # lazy: see _library
    return commands.fleet_status(config, lang)


# ---- starting out: a tracker from a template, an example job config (the demo sits above: it runs this API) ---

def init(path: str | Path, *, template: str = "campaign-launch", lang: str = "zh", launch=None) -> Path:
    """`sheetsync init PATH`: a new tracker from a template (campaign-launch, material-prep, execution-sop);
    `launch` a date or YYYY-MM-DD (default three weeks from today). Never overwrites an existing file.

    Example:
        api.init("tracker.xlsx", lang="en", launch="2026-12-15")  # -> Path('tracker.xlsx')
    """
    from .templates import create_tracker  # lazy: only init writes workbooks with openpyxl
    if isinstance(launch, str):
        launch = parse_today(launch, option="--launch")[0] if launch else None
    try:
        return create_tracker(path, template, lang=lang, launch=launch)
    except FileExistsError:
        raise SheetsyncError(f"{path}: already exists; choose another name or delete it first",
                             f"{path}:文件已存在,请换个名字或先删除") from None
    except KeyError as exc:
        raise SheetsyncError(f"unknown template {exc}", f"未知模板 {exc}") from None


def init_config(path: str | Path = "sheetsync.toml") -> list[Path]:
    """`sheetsync init --config PATH`: a commented example sheetsync.toml, and the tracker it names (unless one
    is there already) so `config check` passes at once. Returns the files written.

    Example:
        api.init_config("sheetsync.toml")  # -> [Path('sheetsync.toml'), Path('夏日清凉服务季.xlsx')]
    """
    from .jobs import write_example_config, write_example_tracker  # lazy: see _library
    out = write_example_config(path)
    tracker = write_example_tracker(out)
    return [out] + ([tracker] if tracker is not None else [])


def check_config(config: str | Path):
    """`sheetsync config check`: every key of a sheetsync.toml and every tracker file it names; a problem is a
    SheetsyncError naming the key and line. Returns the loaded jobs.Config.

    Example:
        cfg = api.check_config("sheetsync.toml")
        [t.name for t in cfg.trackers]
    """
    from .jobs import check_config as check  # lazy: see _library
    return check(config, files=True)


# ---- the state store: checked, and moved aside only when asked -------------------------------------------------

def state_target(config: str | Path | None = None, state: str | Path | None = None) -> str | Path:
    """The state store a command means: `state` (a file or a postgresql:// URL), else the config's, else
    SHEETSYNC_STATE or .sheetsync/state.db in the working directory."""
    if state:
        from .state import is_url
        return str(state) if is_url(str(state)) else Path(state)
    if config:
        from .jobs import load_config
        from .jobs.work import history_path
        return history_path(load_config(config))
    from .history import default_state_path
    return default_state_path()


def state_check(config: str | Path | None = None, state: str | Path | None = None):
    """`sheetsync state check`: SQLite's integrity check or PostgreSQL's schema check; a SheetsyncError (one line
    naming the store) when it is damaged or newer than this sheetsync. Returns what was found (.message(lang))."""
    from .state.check import check_state
    return check_state(state_target(config, state))


def state_reset(config: str | Path | None = None, state: str | Path | None = None):
    """`sheetsync state reset --yes`: move a damaged state file aside (kept, and named in the answer)."""
    from .state.check import reset_state
    return reset_state(state_target(config, state))


# ---- reacting as people work: the watch, and deadlines in calendars ---------------------------------------------

def calendar(source: str | Path, ics: str | Path, *, today=None, lang: str | None = None,
             overrides: dict | None = None, mapping: ColumnMapping | None = None, **source_options):
    """`sheetsync calendar SOURCE --ics DIR`: one iCalendar feed per owner and one for the team (team.ics) in DIR,
    each open task's deadline an all-day event with a UID stable across runs. Returns calendar_feed.Feeds.

    Example:
        feeds = api.calendar("tracker.xlsx", "feeds/")
        sorted(feeds.files)  # ['person-…ics', …, 'team.ics']
    """
    from .calendar_feed import tracker_link, write_feeds  # lazy: validate and sync never load icalendar
    from .history import tracker_key
    report = validate(source, today=today, lang=lang, overrides=overrides, mapping=mapping, **source_options)
    return write_feeds(report, ics, tracker=tracker_key(source), link=tracker_link(source),
                       now=report.clock.aware if report.clock else None)


def run_calendar(config, *, ics: str | Path | None = None, only: list[str] | None = None, today=None,
                 credentials: str | None = None):
    """`sheetsync calendar --config`: every tracker's feeds under `ics` (default [jobs.calendar] ics), in a
    folder per tracker; the nightly writes them too when [jobs.calendar] ics is set. Returns a jobs.RunSummary."""
    from .jobs import commands  # lazy: see _library
    return commands.calendar(config, _library(), ics=ics, only=only, today=today, credentials=credentials)


def watch(source: str | Path | None = None, *, config=None, only: list[str] | None = None, poll: float = 60.0,
          settle: float = 3.0, state: str | Path | None = None, credentials: str | None = None, stop=None,
          log=None, **sync_options) -> int:
    """`sheetsync watch`: sync SOURCE (or every tracker of `config`) soon after each change, until SIGTERM or
    Ctrl-C (or `stop`, a threading.Event); returns the exit code, 0 after a clean stop. A file is synced once it
    is closed and unchanged for `settle` seconds; a remote sheet's change token is asked every `poll` seconds.
    What it watches, and when each tracker last synced, is in the state folder (`sheetsync status`).

    Example:
        api.watch("tracker.xlsx", poll=60, settle=3)
    """
    from .watch import run_watch, watch_config  # lazy: only the watch loads watchdog
    if config is not None:
        return watch_config(config, _library(), only=only, poll=poll, settle=settle, credentials=credentials,
                            stop=stop, log=log)
    options = registry.source_options(source, credentials=credentials)
    return run_watch(source, lambda: sync(source, state=state, **sync_options, **options), options,
                     folder=watch_folder(source, state), poll=poll, settle=settle, stop=stop, log=log)


def watch_folder(source: str | Path | None = None, state: str | Path | None = None) -> Path:
    """Where a one-SOURCE watch keeps its status record: beside the state file (`state`, SHEETSYNC_STATE, else
    .sheetsync beside a tracker file or in the working directory)."""
    from .history import default_state_path
    from .state import is_url
    where = state or default_state_path(source)
    return Path.cwd() / ".sheetsync" if is_url(str(where)) else Path(where).parent


def watch_status(source: str | Path | None = None, *, config=None, state: str | Path | None = None,
                 lang: str = "en") -> list[str]:
    """The watch's lines of `sheetsync status`: what it watches and when each tracker last synced."""
    from .watch.status import status_lines
    if config is not None:
        from .jobs import load_config
        return status_lines(load_config(config).state, lang)
    return status_lines(watch_folder(source, state), lang)


def __getattr__(name: str):
    """`import_holidays` (`sheetsync holidays import`'s library surface) loads the notice reader when asked
    for, not with every command."""
    if name == "import_holidays":
        from .holidays_import import import_holidays
        return import_holidays
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
