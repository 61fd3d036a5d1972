"""The work behind each job, for one tracker of a config: sync it, note new errors to its owner, send its digest.

runner.py and scheduler.py take these as plain callables (so their own tests inject fakes); this module is
the one place that wires them to the library: api.sync, api.digest, the history database and the SMTP
settings of the config. Everything a person reads here exists in Chinese and English."""
from __future__ import annotations

import datetime as dt
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from .. import api
from ..model import Report, SheetsyncError
from .config import Config, TrackerConfig
from .runner import DigestOutcome, NightlyOutcome
from .store import ErrorKey

STATE_DB = "state.db"


def history_path(config: Config) -> Path:
    """One history database for every tracker of a config, in its state directory."""
    return Path(config.state) / STATE_DB


def smtp_settings(config: Config):
    """The config's [smtp] with the password from SHEETSYNC_SMTP_PASSWORD (never from the file)."""
    from ..digest.send import SmtpSettings
    s = config.smtp
    if s is None:
        return SmtpSettings.from_env()
    return SmtpSettings(host=s.host, port=s.port, user=s.user, password=s.password, tls=s.tls, sender=s.sender)


class Work:
    """The callables the runners and the scheduler take, bound to one config.

    `outbox` writes every message (digests and owner notes) as files instead of sending them: for trying a
    config out, and for machines without a mail server."""

    def __init__(self, config: Config, *, outbox: Path | str | None = None, credentials: str | None = None,
                 force: bool = False, clock=None):
        self.config, self.outbox, self.credentials, self.force = config, outbox, credentials, force
        self.clock = clock  # the scheduler's clock, so "today" is the scheduler's today
        self.reports: dict[str, Report] = {}  # last night's reports, for the owner's note

    def _source_options(self, tracker: TrackerConfig) -> dict:
        from ..sources import is_gsheet
        return {"credentials": self.credentials} if is_gsheet(tracker.source) and self.credentials else {}

    # nightly ---------------------------------------------------------------------------------------------------
    def sync_one(self, tracker: TrackerConfig, day: dt.date) -> NightlyOutcome:
        result = api.sync(tracker.source, today=day, lang=tracker.language, overrides=tracker.overrides(),
                          state=history_path(self.config), mapping=tracker.mapping, **self._source_options(tracker))
        self.reports[tracker.name] = result.report
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

    def _sender(self) -> str:
        settings = smtp_settings(self.config)
        return settings.sender if settings else "sheetsync@localhost"

    # digest ----------------------------------------------------------------------------------------------------
    def digest_one(self, tracker: TrackerConfig, period: str, day: dt.date) -> DigestOutcome:
        settings = None if self.outbox is not None else smtp_settings(self.config)
        outbox = self.outbox if self.outbox is not None else (None if settings else Path(self.config.state) / "outbox")
        batch, result = api.digest(tracker.source, today=day, period=period, kinds="all", outbox=outbox,
                                   smtp=settings, state=history_path(self.config), force=self.force,
                                   unchanged=self.config.jobs.digest.unchanged, lang=tracker.language,
                                   overrides=tracker.overrides(), mapping=tracker.mapping,
                                   **self._source_options(tracker))
        bad = [o for o in result.outcomes if o.status in ("failed", "uncertain")]
        if bad:
            listed = "; ".join(f"{o.recipient}: {o.status} {o.error or ''}".strip() for o in bad)
            raise SheetsyncError(f"{len(bad)} of {len(result.outcomes)} messages not delivered ({listed})",
                                 f"{len(result.outcomes)} 封中有 {len(bad)} 封未送达({listed})", code="digest-failed")
        delivered = result.count("sent") + result.count("written")
        return DigestOutcome(sent=delivered, skipped=delivered == 0)

    def digest_sent(self, tracker: TrackerConfig, period: str) -> bool:
        """Whether this period's team digest left (or may have left) already: the scheduler's catch-up asks."""
        from ..digest import tracker_key
        from ..history import History
        path = history_path(self.config)
        if not path.exists():
            return False
        with History(path) as history:
            rows = history.ledger(tracker_key(tracker.source), period)
        return any(r["kind"] == "team" and r["state"] in ("sent", "uncertain", "sending") for r in rows)

    # scheduler -------------------------------------------------------------------------------------------------
    def nightly_for(self, log):
        from .runner import run_nightly

        def nightly(trackers: list[TrackerConfig]):
            return run_nightly(self.config, sync_one=self.sync_one, notify_owner=self.notify_owner,
                               only=[t.name for t in trackers], log=log, clock=self.clock)
        return nightly

    def digest_for(self, log):
        from .runner import run_digest

        def digest(trackers: list[TrackerConfig], period: str):
            return run_digest(self.config, digest_one=self.digest_one, period=period,
                              only=[t.name for t in trackers], log=log, clock=self.clock)
        return digest


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
