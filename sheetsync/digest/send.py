"""Delivery with the ledger: SMTP over one reused connection, or an outbox folder of .eml files.

An outbox copy is a preview (ledger state `preview`): it never stands in for the real send, so a later run
with SMTP delivers the same period; an identical preview already written is not rewritten.

Exactly once, as far as SMTP allows (RFC 5321 §6.1): the ledger row turns `sending` just before the
final '.' of DATA goes out and `sent` when the server answers 250. A lost connection in between makes it
`uncertain`, and a crash leaves `sending`, which a later run treats as in progress and, once stale, as
`uncertain`; neither is resent without force; anything that fails earlier stays
`failed` (or `pending` after a crash) and is retried on the next run."""
from __future__ import annotations

import hashlib
import os
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from email.message import EmailMessage
from email.utils import parseaddr

from ..atomic import write_atomic
from ..history import EMAIL, History

TLS_MODES = ("starttls", "ssl", "none")


@dataclass
class SmtpSettings:
    host: str
    port: int = 587
    user: str | None = None
    password: str | None = field(default=None, repr=False)  # never printed
    tls: str = "starttls"
    sender: str = "sheetsync@localhost"
    cafile: str | None = None
    timeout: float = 60.0

    def __post_init__(self):
        if self.tls not in TLS_MODES:
            raise ValueError(f"SHEETSYNC_SMTP_TLS must be one of {', '.join(TLS_MODES)}, not {self.tls!r}")

    @classmethod
    def from_env(cls, env=None) -> "SmtpSettings | None":
        """SHEETSYNC_SMTP_*; None when no host is configured (the caller then writes an outbox)."""
        env = os.environ if env is None else env
        host = env.get("SHEETSYNC_SMTP_HOST")
        if not host:
            return None
        tls = (env.get("SHEETSYNC_SMTP_TLS") or "starttls").strip().lower()
        port = env.get("SHEETSYNC_SMTP_PORT")
        return cls(host=host, port=int(port) if port else (465 if tls == "ssl" else 587 if tls == "starttls" else 25),
                   user=env.get("SHEETSYNC_SMTP_USER") or None, password=env.get("SHEETSYNC_SMTP_PASSWORD") or None,
                   tls=tls, sender=env.get("SHEETSYNC_SMTP_FROM") or "sheetsync@localhost",
                   cafile=env.get("SHEETSYNC_SMTP_CAFILE") or None)

    def context(self) -> ssl.SSLContext:
        # smtplib on 3.11 verifies no certificate unless given a context: this one verifies
        return ssl.create_default_context(cafile=self.cafile)


class _TracksFinalDot:
    """smtplib.SMTP.data() sends the whole message ending in CRLF.CRLF in one send(); we note that moment."""
    before_final_dot: Callable[[], None] | None = None
    data_sent = False

    def send(self, s):
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n") and self.before_final_dot is not None:
            self.data_sent = True
            hook, self.before_final_dot = self.before_final_dot, None
            hook()
        return super().send(s)


class _SMTP(_TracksFinalDot, smtplib.SMTP):
    pass


class _SMTP_SSL(_TracksFinalDot, smtplib.SMTP_SSL):
    pass


def connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.tls == "ssl":
        conn = _SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=settings.context())
    else:
        conn = _SMTP(settings.host, settings.port, timeout=settings.timeout)
        conn.ehlo()
        if settings.tls == "starttls":
            conn.starttls(context=settings.context())
            conn.ehlo()
    if settings.user:
        conn.login(settings.user, settings.password or "")
    return conn


@dataclass
class Outcome:
    kind: str
    recipient: str
    # sent | written (a preview) | skipped-already-previewed | skipped-already-sent | skipped-uncertain |
    # skipped-in-progress | failed | uncertain
    status: str
    message_id: str
    error: str | None = None
    files: list[Path] = field(default_factory=list)


@dataclass
class DeliveryResult:
    outcomes: list[Outcome] = field(default_factory=list)
    connections: int = 0

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def files(self) -> list[Path]:
        return [p for o in self.outcomes for p in o.files]

    @property
    def exit_code(self) -> int:
        return 1 if any(o.status in ("failed", "uncertain") for o in self.outcomes) else 0

    def to_dict(self) -> dict:
        return {"connections": self.connections,
                "messages": [{"kind": o.kind, "recipient": o.recipient, "status": o.status,
                              "message_id": o.message_id, "error": o.error, "files": [str(p) for p in o.files]}
                             for o in self.outcomes]}


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9@._-]+", "_", text)[:120]


def write_outbox(message, outbox: Path) -> list[Path]:
    """`.eml` to import in a mail client, `.html` (image inlined as data:) to open in a browser."""
    outbox.mkdir(parents=True, exist_ok=True)
    stem = f"{message.period}-{message.kind}-{_safe_name(message.recipient)}"
    eml, html = outbox / f"{stem}.eml", outbox / f"{stem}.html"
    write_atomic(eml, message.email.as_bytes())
    write_atomic(html, message.browser_html().encode("utf-8"))
    return [eml, html]


def fingerprint(message) -> str:
    """What a preview holds, without its Date header: the same digest previewed twice is the same."""
    h = hashlib.sha256()
    for part in (message.email["Subject"] or "", message.text, message.html):
        h.update(str(part).encode("utf-8") + b"\x1f")
    h.update(message.png or b"")
    return h.hexdigest()[:32]


def _preview(message, batch, history: History, outbox: Path, force: bool) -> Outcome:
    outcome = Outcome(message.kind, message.recipient, "", message.message_id)
    mark = fingerprint(message)
    row = history.ledger_get(batch.tracker, batch.period, message.recipient, message.kind, channel=EMAIL)
    if (not force and row and row.get("preview_fingerprint") == mark and row.get("preview_files")
            and all(Path(p).is_file() for p in row["preview_files"].splitlines())):
        outcome.status = "skipped-already-previewed"
        return outcome
    try:
        outcome.files = write_outbox(message, outbox)
    except OSError as exc:
        # a preview that could not be written is no delivery: the ledger keeps whatever it had
        outcome.status, outcome.error = "failed", _describe(exc)
        return outcome
    outcome.status = "written"
    history.ledger_preview(batch.tracker, batch.period, message.recipient, message.kind, channel=EMAIL,
                           message_id=message.message_id, files=[p.resolve() for p in outcome.files],
                           fingerprint=mark)
    return outcome


def _describe(exc: BaseException) -> str:
    # smtplib exceptions carry the server's reply, never our credentials
    return f"{type(exc).__name__}: {exc}"[:500]


def deliver(batch, history: History, *, outbox: Path | str | None = None, smtp: SmtpSettings | None = None,
            force: bool = False) -> DeliveryResult:
    """Send every message of `batch` not already delivered for its (tracker, period, recipient, email, kind),
    or, with `outbox` or without SMTP settings, write each as a preview (see the module docstring).

    force=True resends `sent` and `uncertain`, and rewrites an identical preview."""
    result = DeliveryResult()
    use_outbox = outbox is not None or smtp is None
    outbox_path = Path(outbox) if outbox is not None else None
    if use_outbox and outbox_path is None:
        outbox_path = history.path.parent / "outbox"
    conn: smtplib.SMTP | None = None
    connect_error: str | None = None
    envelope_from = parseaddr(smtp.sender)[1] if smtp else None

    def ledger(message, state, **kw):
        history.ledger_set(batch.tracker, batch.period, message.recipient, message.kind, state, channel=EMAIL,
                           message_id=message.message_id, **kw)

    try:
        for message in batch.messages:
            if use_outbox:
                result.outcomes.append(_preview(message, batch, history, outbox_path, force))
                continue
            outcome = Outcome(message.kind, message.recipient, "", message.message_id)
            result.outcomes.append(outcome)
            blocked = history.ledger_claim(batch.tracker, batch.period, message.recipient, message.kind,
                                           channel=EMAIL, message_id=message.message_id, force=force)
            if blocked is not None:
                outcome.status = {"sent": "skipped-already-sent", "uncertain": "skipped-uncertain"}.get(
                    blocked, "skipped-in-progress")
                continue
            for attempt in (1, 2):
                if conn is None and connect_error is None:
                    try:
                        conn = connect(smtp)
                        result.connections += 1
                    except (OSError, smtplib.SMTPException) as exc:
                        connect_error = _describe(exc)  # the rest of the batch fails fast, retried next run
                if conn is None:
                    outcome.status, outcome.error = "failed", connect_error
                    break
                conn.data_sent = False
                conn.before_final_dot = lambda m=message: ledger(m, "sending", error="no reply after DATA")
                try:
                    conn.send_message(message.email, from_addr=envelope_from, to_addrs=[message.recipient])
                    outcome.status, outcome.error = "sent", None
                    break
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
                    # the server answered no: nothing was accepted, and the connection is still usable
                    outcome.status, outcome.error = "failed", _describe(exc)
                    break
                except (OSError, smtplib.SMTPException) as exc:
                    outcome.error = _describe(exc)
                    outcome.status = "uncertain" if conn.data_sent else "failed"
                    _close(conn)
                    conn = None
                    # a connection dropped before DATA (idle timeout between messages) gets one fresh try now
                    if outcome.status == "uncertain" or attempt == 2:
                        break
                finally:
                    if conn is not None:
                        conn.before_final_dot = None
            ledger(message, outcome.status, error=outcome.error)
    finally:
        if conn is not None:
            try:
                conn.quit()
            except (OSError, smtplib.SMTPException):
                _close(conn)
    return result


def save_eml(message: EmailMessage, path: Path) -> Path:
    """One message as an .eml file (a preview a mail client opens), written atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_atomic(path, message.as_bytes())


def send_one(settings: SmtpSettings, message: EmailMessage) -> None:
    """One message over a connection of its own (a note outside any batch), closed however it ends."""
    conn = connect(settings)
    try:
        conn.send_message(message)
    finally:
        try:
            conn.quit()
        except (OSError, smtplib.SMTPException):
            _close(conn)


def _close(conn) -> None:
    try:
        conn.close()
    except OSError:
        pass
