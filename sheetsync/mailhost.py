"""Placeholder mail hosts: names reserved for documentation and testing (RFC 2606, RFC 6761) that no mail server
answers for, refused before any connection so a copied example fails in one line instead of a DNS error.
`localhost` and addresses are real places a relay can listen; they are fine."""
from __future__ import annotations

from .model import SheetsyncError

RESERVED_DOMAINS = ("example.com", "example.org", "example.net")
RESERVED_SUFFIXES = (".invalid", ".example", ".test")


def is_placeholder_host(host: str | None) -> bool:
    name = (host or "").strip().rstrip(".").lower()
    if not name:
        return False
    if name in RESERVED_DOMAINS or any(name.endswith("." + d) for d in RESERVED_DOMAINS):
        return True
    return name in {s[1:] for s in RESERVED_SUFFIXES} or name.endswith(RESERVED_SUFFIXES)


def placeholder_problem(host: str) -> tuple[str, str]:
    """What is wrong with a placeholder host and what to write instead, in English and Chinese."""
    return (f"{host} is a placeholder from an example, not a mail server; write your mail server's name "
            "(e.g. smtp.yourcompany.com), or localhost for a relay on this machine",
            f"{host} 是示例中的占位名称\uff0c不是邮件服务器\uff1b请填写你们的邮件服务器地址"
            "\uff08例如 smtp.yourcompany.com\uff09\uff0c本机中继可写 localhost")


def refuse_placeholder(host: str | None, where: str) -> None:
    """One line, before anything is read or sent, when `host` (named by `where`) is a placeholder."""
    if is_placeholder_host(host):
        en, zh = placeholder_problem(host)
        raise SheetsyncError(f"{where}: {en}", f"{where}\uff1a{zh}", code="placeholder-host")
