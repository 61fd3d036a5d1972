"""The work behind each job, for one tracker of a config: sync it, note new errors to its owner, send its digest.

runner.py and scheduler.py take these as plain callables (so their own tests inject fakes); this module is
the one place that wires them to the library (the `library` it is given: api.sync, api.digest, api.notice),
the history database and the SMTP settings of the config. Everything a person reads here exists in Chinese and English."""
from __future__ import annotations

import datetime as dt
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from ..clock import current
from ..history import EMAIL, History, tracker_key
from ..model import Report, SheetsyncError
from ..sources import is_feishu, is_gsheet
from .config import Config, TrackerConfig
from .fleet import account_file
from .runner import DigestOutcome, NightlyOutcome, run_digest, run_nightly
from .store import ErrorKey, default_store

STATE_DB = "state.db"


def history_path(config: Config) -> Path | str:
    """One history database for every tracker of a config: the shared PostgreSQL URL, else a file in its state
    directory."""
    return config.state_url or Path(config.state) / STATE_DB


def smtp_settings(config: Config):
    """The config's [smtp] with the password from SHEETSYNC_SMTP_PASSWORD (never from the file)."""
    from ..digest.send import SmtpSettings  # lazy here and below: a nightly without mail never loads the digest
    s = config.smtp
    if s is None:
        return SmtpSettings.from_env()
    return SmtpSettings(host=s.host, port=s.port, user=s.user, password=s.password, tls=s.tls, sender=s.sender)


class Work:
    """The callables the runners and the scheduler take, bound to one config.

    `outbox` writes every message (digests and owner notes) as files instead of sending them: for trying a
    config out, and for machines without a mail server."""

    def __init__(self, config: Config, library, *, outbox: Path | str | None = None, credentials: str | None = None,
                 force: bool = False, clock=None):
        """`library`: sync, digest and notice for one tracker (jobs.commands.Library over sheetsync.api)."""
        self.config, self.library, self.outbox, self.credentials, self.force = config, library, outbox, credentials, force
        self.clock = clock  # the scheduler's clock, so "today" is the scheduler's today
        self.reports: dict[str, Report] = {}  # last night's reports, for the owner's note
        self.chat_env = None  # None: os.environ (tests pass the webhook variables here)
        self.chat_clients = None  # channel id -> ChatClient, for tests with a fake clock
        self.errors = None  # the nightly error store for chat keys; None: the JSON file in the state directory

    def moment(self, tracker: TrackerConfig, day: dt.date):
        """The run's clock for this tracker: the scheduler's (or SHEETSYNC_NOW's, or the machine's) moment when it
        falls on `day`; a run pinned to another day (`--today`) starts at that day's 00:00, as every command does."""
        now = current(self.clock).astimezone(tracker.zone)
        return now if now.date() == day else day

    def _source_options(self, tracker: TrackerConfig) -> dict:
        if is_feishu(tracker.source):  # the app's file the tracker names, else the environment's app id and secret
            return {"credentials": tracker.credentials} if tracker.credentials else {}
        credentials = account_file(self.config, tracker, self.credentials)  # [quota] service_accounts spread
        return {"credentials": credentials} if is_gsheet(tracker.source) and credentials else {}

    # nightly ---------------------------------------------------------------------------------------------------
    def sync_one(self, tracker: TrackerConfig, day: dt.date) -> NightlyOutcome:
        from .changes import change_token, default_tokens
        options, tokens = self._source_options(tracker), default_tokens(self.config.state)
        offers_token = is_feishu(tracker.source)  # the sources whose backend offers change_token()
        if offers_token and tokens.unchanged(tracker.name, change_token(tracker.source, **options), day):
            # nothing changed since this day's last sync: read for the notes and posts, write nothing
            seen = self.library.sync(tracker.source, today=self.moment(tracker, day), lang=tracker.language,
                                     overrides=tracker.overrides(), mapping=tracker.mapping, dry_run=True,
                                     record=False, **options)
            self.reports[tracker.name] = seen.report
            return NightlyOutcome.from_report(seen.report, written=0)
        result = self.library.sync(tracker.source, today=self.moment(tracker, day), lang=tracker.language, overrides=tracker.overrides(),
                          state=history_path(self.config), mapping=tracker.mapping,
                          **options)
        self.reports[tracker.name] = result.report
        if offers_token:  # the revision the sync left (its own write included)
            tokens.record(tracker.name, change_token(tracker.source, **options), day)
        return NightlyOutcome.from_report(result.report, written=len(result.plan.cells) if result.changed else 0)

    def notify_owner(self, tracker: TrackerConfig, new_errors: list[ErrorKey], outcome: NightlyOutcome,
                     day: dt.date) -> None:
        report = self.reports.get(tracker.name)
        message = owner_note(tracker, new_errors, report, day, sender=self._sender())
        if self.outbox is not None or smtp_settings(self.config) is None:
            folder = Path(self.outbox) if self.outbox is not None else Path(self.config.state) / "outbox"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{day.isoformat()}-note-{tracker.name}.eml"
            tmp = path.with_suffix(".eml.tmp")
            tmp.write_bytes(message.as_bytes())
            tmp.replace(path)
            return
        from ..digest.send import connect
        conn = connect(smtp_settings(self.config))
        try:
            conn.send_message(message)
        finally:
            try:
                conn.quit()
            except (OSError, smtplib.SMTPException):
                conn.close()

    def notify_chat(self, tracker: TrackerConfig, new_errors: list[ErrorKey], outcome: NightlyOutcome,
                    day: dt.date) -> None:
        """The nightly chat post (only when errors or late tasks not yet announced there appeared) and new metric
        alerts. What each channel was told lives in the nightly error store under "NAME#KIND:CHANNEL", replaced
        only when no post to it failed: a failed post is said again the next night, an uncertain one is not (it
        may have arrived), and a channel's first night is a baseline."""
        report = self.reports.get(tracker.name)
        if not tracker.channels or report is None:
            return
        from . import chat  # lazy here and below: only trackers with chat channels load the chat clients
        store, now = self.errors or default_store(self.config.state), chat.chat_keys(report)
        outcomes = []
        for ch in tracker.channels:
            name = f"{tracker.name}#{ch.kind}:{ch.name}"
            told = store.previous(name)
            posts = chat.nightly_posts(tracker, report, now - told if told is not None else (), day, [ch])
            got = self._chat_posts(tracker, posts)
            if not any(o.status == "failed" for o in got):
                store.record(name, day, now)
            outcomes += got
        outcomes += self._chat_posts(tracker, chat.alert_posts(tracker, report))
        _raise_undelivered(outcomes)

    def _chat_posts(self, tracker: TrackerConfig, posts) -> list:
        from . import chat
        return chat.deliver(history_path(self.config), tracker_key(tracker.source), posts, outbox=self.outbox,
                            force=self.force, env=self.chat_env, clients=self.chat_clients)

    def _chat_delivered(self, tracker: TrackerConfig, posts) -> list:
        outcomes = self._chat_posts(tracker, posts)
        _raise_undelivered(outcomes)
        return outcomes

    def _sender(self) -> str:
        settings = smtp_settings(self.config)
        return settings.sender if settings else "sheetsync@localhost"

    # digest ----------------------------------------------------------------------------------------------------
    def digest_one(self, tracker: TrackerConfig, period: str, day: dt.date) -> DigestOutcome:
        settings = None if self.outbox is not None else smtp_settings(self.config)
        outbox = self.outbox if self.outbox is not None else (None if settings else Path(self.config.state) / "outbox")
        batch, result = self.library.digest(tracker.source, today=self.moment(tracker, day), period=period, kinds="all",
                                   outbox=outbox, smtp=settings, state=history_path(self.config), force=self.force,
                                   unchanged=self.config.jobs.digest.unchanged, lang=tracker.language,
                                   overrides=tracker.overrides(), mapping=tracker.mapping,
                                   **self._source_options(tracker))
        if tracker.channels:
            from . import chat
            posts = chat.digest_posts(tracker, batch, self.config.jobs.digest.unchanged)
            # a failed post raises after the email went out (in the ledger): the posts are retried next run
            result.outcomes += self._chat_delivered(tracker, posts)
        bad = [o for o in result.outcomes if o.status in ("failed", "uncertain")]
        if bad:
            listed = "; ".join(f"{o.recipient}: {o.status} {o.error or ''}".strip() for o in bad)
            raise SheetsyncError(f"{len(bad)} of {len(result.outcomes)} messages not delivered ({listed})",
                                 f"{len(result.outcomes)} 封中有 {len(bad)} 封未送达({listed})", code="digest-failed")
        delivered = result.count("sent") + result.count("written")
        return DigestOutcome(sent=delivered, skipped=delivered == 0)

    # launch notice --------------------------------------------------------------------------------------------
    def notice_one(self, tracker: TrackerConfig, period: str, day: dt.date) -> DigestOutcome:
        """The launch notice on its day (seed 004), by email and to the tracker's channels; `period` is unused
        (the notice keys itself by the launch date)."""
        from . import chat
        settings = None if self.outbox is not None else smtp_settings(self.config)
        result = self.library.notice(tracker.source, today=self.moment(tracker, day), outbox=self.outbox, smtp=settings,
                            state=history_path(self.config), force=self.force, lang=tracker.language,
                            spec=tracker.notice, channels=tracker.channels, env=self.chat_env,
                            tracker=tracker_key(tracker.source), link=chat.report_link(tracker),
                            overrides=tracker.overrides(), clients=self.chat_clients, **self._source_options(tracker))
        bad = [o for o in result.outcomes if o.status in ("failed", "uncertain")]
        if bad:
            listed = "; ".join(f"{o.recipient}: {o.status} {o.error or ''}".strip() for o in bad)
            raise SheetsyncError(f"{len(bad)} of {len(result.outcomes)} notices not delivered ({listed})",
                                 f"{len(result.outcomes)} 条通知中有 {len(bad)} 条未送达({listed})",
                                 code="notice-failed")
        delivered = sum(o.status in ("sent", "written") for o in result.outcomes)
        return DigestOutcome(sent=delivered, skipped=delivered == 0)

    def notice_for(self, log):

        def notice(trackers: list[TrackerConfig]):
            return run_digest(self.config, digest_one=self.notice_one, only=[t.name for t in trackers], log=log,
                              clock=self.clock, job="notice")
        return notice

    def digest_sent(self, tracker: TrackerConfig, period: str) -> bool:
        """Whether this period's team digest left (or may have left) already: the scheduler's catch-up asks."""
        path = history_path(self.config)
        if isinstance(path, Path) and not path.exists():
            return False
        with History(path) as history:
            rows = history.ledger(tracker_key(tracker.source), period)
        # a job without SMTP only ever previews: for it, a preview of the week is the week done
        previews = self._previews_only()
        return any(r["kind"] == "team" and r["channel"] == EMAIL
                   and (r["state"] in ("sent", "uncertain", "sending") or (previews and bool(r["previewed_at"])))
                   for r in rows)

    def _previews_only(self) -> bool:
        return self.outbox is not None or smtp_settings(self.config) is None

    # scheduler -------------------------------------------------------------------------------------------------
    def nightly_for(self, log):

        def nightly(trackers: list[TrackerConfig]):
            return run_nightly(self.config, sync_one=self.sync_one, notify_owner=self.notify_owner,
                               notify_chat=self.notify_chat, only=[t.name for t in trackers], log=log,
                               clock=self.clock)
        return nightly

    def digest_for(self, log):

        def digest(trackers: list[TrackerConfig], period: str):
            return run_digest(self.config, digest_one=self.digest_one, period=period,
                              only=[t.name for t in trackers], log=log, clock=self.clock)
        return digest


def _raise_undelivered(outcomes) -> None:
    bad = [o for o in outcomes if o.status in ("failed", "uncertain")]
    if bad:
        listed = "; ".join(f"{o.recipient}: {o.status} {o.error or ''}".strip() for o in bad)
        raise SheetsyncError(f"{len(bad)} of {len(outcomes)} chat posts not delivered ({listed})",
                             f"{len(outcomes)} 条群消息中有 {len(bad)} 条未送达({listed})", code="chat-failed")


_NOTE = {
    "en": {"subject": "[{name}] {n} new error(s) in the tracker ({day})",
           "intro": "The nightly check of {name} found {n} new error(s) since the previous night:",
           "outro": "Fix them in the sheet; the Flags column and the report sheet say how. "
                    "You get this note only when new errors appear."},
    "zh": {"subject": "[{name}] 表格新增 {n} 个错误({day})",
           "intro": "夜间检查发现 {name} 比前一晚新增 {n} 个错误:",
           "outro": "请在表格中修正;“提示”列和报告表写明了改法。只有出现新错误时才会收到这封提醒。"},
}


def owner_note(tracker: TrackerConfig, new_errors: list[ErrorKey], report: Report | None, day: dt.date, *,
               sender: str) -> EmailMessage:
    """The short nightly note to a tracker's owner: only the errors that are new, each with its cell."""
    lang = tracker.language or (report.language if report else "zh")
    tx = _NOTE[lang]
    name = (report.campaign.name if report and report.campaign and report.campaign.name else None) or tracker.name
    messages = {}
    if report:
        for f in report.findings:
            if f.severity == "error":
                messages.setdefault((f.code, f.ref or f.cell or ""), f.message)
    lines = [tx["intro"].format(name=name, n=len(new_errors)), ""]
    for code, cell in new_errors:
        lines.append(f"- {cell or '—'} [{code}] {messages.get((code, cell), '')}".rstrip())
    lines += ["", tx["outro"], "", str(tracker.source)]
    msg = EmailMessage()
    # header values come from the sheet: EmailMessage refuses CR/LF in them, so nothing can be injected
    msg["Subject"] = tx["subject"].format(name=" ".join(name.split()), n=len(new_errors), day=day.isoformat())
    msg["From"] = sender
    msg["To"] = tracker.owner
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "sheetsync.invalid")
    msg.set_content("\n".join(lines))
    return msg
