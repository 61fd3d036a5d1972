"""MIME building: multipart/alternative (text, then multipart/related HTML + the chart PNG by cid).

Headers take text from the sheet (campaign name, people's names), so every header value is cleaned:
CR, LF and NUL removed, and `=?` broken up because CPython 3.11.7 still turns an encoded word that
decodes to a newline into a new header line (CVE-2024-6923)."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, format_datetime, parseaddr

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]+")
# a deliberately plain check: one @, a dotted domain (or `localhost`, for a local relay's mailboxes), no
# spaces or quotes; anything odd is reported, not sent
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:localhost|[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+)$")


def clean_header(text: str | None, limit: int = 200) -> str:
    """One safe line: control characters become spaces, encoded-word openers are neutralised."""
    text = unicodedata.normalize("NFC", str(text or ""))
    text = _CONTROL.sub(" ", text)
    text = text.replace("=?", "= ?")
    text = re.sub(r"\s+", " ", text).strip()
    return text[:limit]


def valid_address(addr: str | None) -> str | None:
    """The bare address when it is a plain, safe email address; None otherwise."""
    if not addr or _CONTROL.search(addr):
        return None
    _, bare = parseaddr(addr.strip())
    bare = bare.strip()
    if not bare or len(bare) > 254 or not _EMAIL.match(bare) or "=?" in bare:
        return None
    return bare


def message_id(tracker: str, period: str, recipient: str, kind: str, domain: str = "sheetsync.invalid") -> str:
    """Same inputs, same Message-ID: a resend after an uncertain delivery lets receivers deduplicate."""
    digest = hashlib.sha256("\x1f".join((tracker, period, recipient.lower(), kind)).encode()).hexdigest()[:40]
    return f"<{kind}.{period}.{digest}@{domain}>"


def build_message(*, subject: str, sender: str, recipient: str, recipient_name: str | None, text: str, html: str,
                  png: bytes | None, cid: str | None, msg_id: str, date=None) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = clean_header(subject, 250)
    msg["From"] = sender
    local, _, domain = recipient.partition("@")
    name = clean_header(recipient_name, 80) if recipient_name else ""
    msg["To"] = Address(display_name=name, username=local, domain=domain) if name else recipient
    msg["Message-ID"] = msg_id
    if date is not None:
        msg["Date"] = format_datetime(date)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: out-of-office replies should not answer a digest
    msg.set_content(text, subtype="plain", charset="utf-8", cte="base64" if not text.isascii() else None)
    msg.add_alternative(html, subtype="html", charset="utf-8")
    if png is not None and cid is not None:
        msg.get_payload()[1].add_related(png, maintype="image", subtype="png", cid=f"<{cid}>",
                                         filename="progress.png", disposition="inline")
    return msg


def sender_address(value: str | None) -> str:
    name, addr = parseaddr(value or "")
    bare = valid_address(addr) or "sheetsync@localhost"
    return formataddr((clean_header(name, 80), bare)) if name else bare
