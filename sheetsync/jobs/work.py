"""The work behind each job, for one tracker of a config: sync it, note new errors to its owner, send its digest.

runner.py and scheduler.py take these as plain callables (so their own tests inject fakes); this module is
the one place that wires them to the library (the `library` it is given: api.sync, api.digest, api.notice),
the history database and the SMTP settings of the config. Everything a person reads here exists in Chinese and English."""
from __future__ import annotations

import dataclasses
import datetime as dt
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from html import escape as html_escape
from pathlib import Path

from ..clock import current
from ..context import Delivery, Reading
from ..history import EMAIL, History, tracker_key
from ..model import Report, SheetsyncError
from ..periods import iso_period
from .. import registry
from .config import Config, TrackerConfig
from .fleet import account_file
from .runner import DigestOutcome, NightlyOutcome, run_digest, run_nightly
from .store import ErrorKey, errors_of, history_path  # noqa: F401  (history_path: the commands')


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
                 force: bool = False, clock=None, fleet=None):
        """`library`: sync, digest and notice for one tracker (jobs.commands.Library over sheetsync.api);
        `fleet`: the jobs.fleet.Fleet this run is part of (its shared quota and error store), None alone."""
        self.config, self.library, self.outbox, self.credentials, self.force = config, library, outbox, credentials, force
        self.fleet = fleet
        self.clock = clock  # the scheduler's clock, so "today" is the scheduler's today
        self.reports: dict[str, Report] = {}  # last night's reports, for the owner's note
        self.chat_env = None  # None: os.environ (tests pass the webhook variables here)
        self.chat_clients = None  # channel id -> ChatClient, for tests with a fake clock
        self.errors = fleet.errors if fleet is not None else None  # the nightly error store, for the chat keys
        self.pinned: tuple = (None, None)  # (day, moment) of --today: quiet hours judge the moment, if one is given

    def join(self, fleet) -> None:
        """Work as part of `fleet` (its shared quota and nightly error store), or alone (None)."""
        self.fleet = fleet
        self.errors = fleet.errors if fleet is not None else None

    def moment(self, tracker: TrackerConfig, day: dt.date):
        """The run's clock for this tracker: the scheduler's (or SHEETSYNC_NOW's, or the machine's) moment when it
        falls on `day`; a run pinned to another day (`--today`) starts at that day's 00:00, as every command does."""
        now = current(self.clock).astimezone(tracker.zone)
        return now if now.date() == day else day

    def _source_options(self, tracker: TrackerConfig) -> dict:
        """The key file (the tracker's own, else [quota] service_accounts spread over trackers) and the shared
        quota, for a source that signs in and counts requests."""
        credentials = tracker.credentials or account_file(self.config, tracker, self.credentials)
        quota = self.fleet.quota_for(tracker) if self.fleet is not None else None
        return registry.source_options(tracker.source, credentials=credentials, quota=quota)

    def _reading(self, tracker: TrackerConfig, day: dt.date) -> Reading:
        """How this run reads `tracker`: its moment, language, mapping and the campaign facts its config sets."""
        return Reading(today=self.moment(tracker, day), lang=tracker.language, mapping=tracker.mapping,
                       overrides=tracker.overrides())

    # nightly ---------------------------------------------------------------------------------------------------
    def sync_one(self, tracker: TrackerConfig, day: dt.date) -> NightlyOutcome:
        from .changes import change_token, default_tokens
        options, tokens = self._source_options(tracker), default_tokens(self.config.state)
        remote = not registry.is_path(tracker.source)  # a local file is read whole anyway; a service is asked
        if remote and tokens.unchanged(tracker.name, change_token(tracker.source, **options), day):
            # nothing changed since this day's last sync: read for the notes and posts, write nothing
            seen = self.library.sync(tracker.source, reading=self._reading(tracker, day), dry_run=True,
                                     record=False, **options)
            self.reports[tracker.name] = seen.report
            self.calendar_feeds(tracker, seen.report)
            return NightlyOutcome.from_report(seen.report, written=0)
        lease = getattr(self.fleet, "lease", None)  # a runner among several: its lease on this tracker
        result = self.library.sync(tracker.source, reading=self._reading(tracker, day),
                                   state=history_path(self.config),
                                   **({"lease": lease} if lease is not None else {}), **options)
        self.reports[tracker.name] = result.report
        if remote:  # the revision the sync left (its own write included)
            tokens.record(tracker.name, change_token(tracker.source, **options), day)
        self.calendar_feeds(tracker, result.report)  # after the sync is recorded: a feed that fails fails alone
        outcome = NightlyOutcome.from_report(result.report, written=len(result.plan.cells) if result.changed else 0)
        return dataclasses.replace(outcome, waiting=result.note) if result.note else outcome

    # calendar feeds ---------------------------------------------------------------------------------------------
    def calendar_feeds(self, tracker: TrackerConfig, report: Report, root: Path | str | None = None):
        """The nightly's calendar step: the tracker's deadline feeds under `root` (default [jobs.calendar] ics),
        in a folder named after the tracker. Nothing when no folder is configured."""
        root = root if root is not None else self.config.jobs.calendar.ics
        if root is None:
            return None
        from ..calendar_feed import feed_folder, tracker_link, write_feeds  # lazy: only with feeds configured
        return write_feeds(report, feed_folder(root, tracker.name), tracker=tracker_key(tracker.source),
                           link=tracker_link(tracker.source, tracker.report_url),
                           now=report.clock.aware if report.clock else None)

    def calendar_one(self, tracker: TrackerConfig, period: str, day: dt.date, root: Path | str | None = None):
        """`sheetsync calendar --config`: read and check the tracker (nothing written to it), then its feeds."""
        seen = self.library.sync(tracker.source, today=self.moment(tracker, day), lang=tracker.language,
                                 overrides=tracker.overrides(), mapping=tracker.mapping, dry_run=True,
                                 record=False, **self._source_options(tracker))
        feeds = self.calendar_feeds(tracker, seen.report, root)
        return DigestOutcome(sent=len(feeds.files) if feeds else 0, skipped=feeds is None)

    def notify_owner(self, tracker: TrackerConfig, new_errors: list[ErrorKey], outcome: NightlyOutcome,
                     day: dt.date) -> None:
        """The owner's note goes through the delivery ledger like every message: claimed once per tracker, owner
        and night, so a rerun after a dropped connection does not send it again (an `uncertain` note is not
        resent without --force). A note that failed before anything left raises: tomorrow says it again."""
        from ..digest import DigestBatch, DigestMessage  # lazy: a nightly without notes never loads the digest
        from ..digest.send import deliver
        report = self.reports.get(tracker.name)
        message = owner_note(tracker, new_errors, report, day, sender=self._sender())
        settings = None if self.outbox is not None else smtp_settings(self.config)
        outbox = self.outbox if self.outbox is not None else (None if settings else Path(self.config.state) / "outbox")
        text = message.get_content()
        note = DigestMessage(kind=f"{OWNER_NOTE}-{day.isoformat()}", recipient=tracker.owner, period=iso_period(day),
                             content=None, email=message, message_id=message["Message-ID"], text=text,
                             html=f"<pre>{html_escape(text)}</pre>")
        with History(history_path(self.config)) as history:
            result = deliver(DigestBatch(tracker_key(tracker.source), note.period, [note]), history, outbox=outbox,
                             smtp=settings, force=self.force)
        failed = [o for o in result.outcomes if o.status == "failed"]
        if failed:
            raise SheetsyncError(f"the note to {tracker.owner} was not delivered ({failed[0].error})",
                                 f"给 {tracker.owner} 的提醒未送达({failed[0].error})", code="note-failed")

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
        store, now = self.errors or errors_of(self.config), chat.chat_keys(report)
        try:
            outcomes = []
            for ch in tracker.channels:
                name = f"{tracker.name}#{ch.kind}:{ch.name}"
                told = store.previous(name)
                posts = chat.nightly_posts(tracker, report, now - told if told is not None else (), day, [ch])
                got = self._chat_posts(tracker, posts)
                if not any(o.status == "failed" for o in got):
                    store.record(name, day, now)
                outcomes += got
        finally:
            if store is not self.errors:
                store.store.close()
        outcomes += self._chat_posts(tracker, chat.alert_posts(tracker, report))
        _raise_undelivered(outcomes)

    def chat_moment(self):
        """The moment quiet hours are judged at: --today's time, else the run's clock; a day without a time
        (--today YYYY-MM-DD) has no hour, so it is not quiet."""
        day, moment = self.pinned
        if moment is not None or day is not None:
            return moment
        return current(self.clock)

    def _chat_posts(self, tracker: TrackerConfig, posts) -> list:
        from . import chat
        return chat.deliver(history_path(self.config), self.config.state, tracker, posts, hold=self._hold(tracker),
                            outbox=self.outbox, force=self.force, env=self.chat_env, clients=self.chat_clients)

    def _hold(self, tracker: TrackerConfig):
        """Where a post goes instead of the chat now, in the tracker's quiet hours (None: post it)."""
        from . import chat
        quiet = self.outbox is None and chat.is_quiet(tracker, self.chat_moment())
        return chat.held_folder(self.config.state, tracker) if quiet else None

    def chat_one(self, tracker: TrackerConfig, period: str, day: dt.date) -> DigestOutcome:
        """`run chat`: post what the tracker's quiet hours held back, once, and nothing else."""
        outcomes = self._chat_delivered(tracker, []) if tracker.channels else []
        sent = sum(o.status == "sent" for o in outcomes)
        return DigestOutcome(sent=sent, skipped=sent == 0)

    def chat_for(self, log):
        return self._daily_for(log, self.chat_one, "chat")

    def _daily_for(self, log, one, job: str):
        """A scheduler job that runs `one` (notice_one, chat_one) over some trackers, one summary line each."""

        def daily(trackers: list[TrackerConfig]):
            return run_digest(self.config, digest_one=one, only=[t.name for t in trackers], log=log,
                              clock=self.clock, job=job)
        return daily

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
        from ..digest.options import DigestOptions  # lazy: a nightly run loads no digest
        delivery = Delivery(outbox=outbox, smtp=settings, state=history_path(self.config), force=self.force)
        wanted = DigestOptions(period=period, kinds="all", unchanged=self.config.jobs.digest.unchanged)
        batch, result = self.library.digest(tracker.source, reading=self._reading(tracker, day), delivery=delivery,
                                            options=wanted, tracker_link=tracker.report_url,
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
        """The launch notice on its day, by email and to the tracker's channels; `period` is unused
        (the notice keys itself by the launch date)."""
        from . import chat
        settings = None if self.outbox is not None else smtp_settings(self.config)
        from ..notice import NoticeOptions  # lazy: only the notice job loads the notice
        delivery = Delivery(outbox=self.outbox, smtp=settings, state=history_path(self.config), force=self.force)
        wanted = NoticeOptions(spec=tracker.notice, channels=tracker.channels, env=self.chat_env,
                               tracker=tracker_key(tracker.source), link=chat.report_link(tracker),
                               clients=self.chat_clients, hold=self._hold(tracker))
        result = self.library.notice(tracker.source, reading=self._reading(tracker, day), delivery=delivery,
                                     options=wanted, **self._source_options(tracker))
        bad = [o for o in result.outcomes if o.status in ("failed", "uncertain")]
        if bad:
            listed = "; ".join(f"{o.recipient}: {o.status} {o.error or ''}".strip() for o in bad)
            raise SheetsyncError(f"{len(bad)} of {len(result.outcomes)} notices not delivered ({listed})",
                                 f"{len(result.outcomes)} 条通知中有 {len(bad)} 条未送达({listed})",
                                 code="notice-failed")
        delivered = sum(o.status in ("sent", "written") for o in result.outcomes)
        return DigestOutcome(sent=delivered, skipped=delivered == 0)

    def notice_for(self, log):
        return self._daily_for(log, self.notice_one, "notice")

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


OWNER_NOTE = "owner-note"  # the ledger kind of the nightly note, followed by its night


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
