"""Posting ChatDocs to the configured channels exactly once, through the delivery ledger (history.py).

Ledger rows: channel "KIND:NAME" (e.g. "dingtalk:ops"), recipient NAME, and the caller's period and kind; a
doc split into parts adds "#2", "#3" to the kind so a rerun posts only the parts still missing. The row is
`sending` while the HTTP request is out; the client's answer makes it sent, failed (refused or never
connected: retried next run) or uncertain (the connection dropped after the post: never resent without
force). With an outbox, the JSON bodies are written as files and noted as previews. Neither the ledger nor
the outbox ever holds the webhook URL or the secret: the signature is added when posting."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import requests

from ..atomic import write_atomic
from ..digest.send import Outcome
from ..history import History
from . import platform as make_platform
from .base import ChatClient
from .content import ChatDoc


@dataclass
class ChatPost:
    channel: object  # jobs.config.ChannelConfig (kind, name, webhook_env, secret_env, mentions)
    period: str
    kind: str  # team | alert | nightly | notice | correction
    doc: ChatDoc


def channel_id(channel) -> str:
    return f"{channel.kind}:{channel.name}"


def _message_id(tracker: str, period: str, channel: str, kind: str) -> str:
    return hashlib.sha256(f"{tracker}|{period}|{channel}|{kind}".encode()).hexdigest()[:24]


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text)[:80]


def post_all(history: History, tracker: str, posts: list[ChatPost], *, outbox: Path | str | None = None,
             force: bool = False, env=None, session: requests.Session | None = None, clients: dict | None = None
             ) -> list[Outcome]:
    """Deliver every post not yet delivered; returns one Outcome per message part. `clients` maps a channel id
    to a ready ChatClient (tests pass clients with a fake clock and sleep)."""
    outcomes: list[Outcome] = []
    own_session = session is None and outbox is None
    session = session or (requests.Session() if outbox is None else None)
    clients = dict(clients or {})
    try:
        for post in posts:
            cid = channel_id(post.channel)
            plat = make_platform(post.channel.kind)
            for i, payload in enumerate(plat.payloads(post.doc)):
                kind = post.kind if i == 0 else f"{post.kind}#{i + 1}"
                mid = _message_id(tracker, post.period, cid, kind)
                outcome = Outcome(kind, cid, "", mid)
                outcomes.append(outcome)
                if outbox is not None:
                    folder = Path(outbox)
                    folder.mkdir(parents=True, exist_ok=True)
                    path = folder / f"chat-{_safe(post.channel.name)}-{_safe(post.period)}-{_safe(kind)}.json"
                    data = json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
                    write_atomic(path, data)
                    history.ledger_preview(tracker, post.period, post.channel.name, kind, channel=cid, message_id=mid,
                                           files=[path], fingerprint=hashlib.sha256(data).hexdigest()[:16])
                    outcome.status, outcome.files = "written", [path]
                    continue
                client = clients.get(cid)
                if client is None:
                    url = post.channel.webhook(env)
                    if not url:
                        outcome.status = "failed"
                        outcome.error = (f"{cid}: the environment variable {post.channel.webhook_env} is not set; "
                                         "set it to the webhook URL")
                        break
                    client = clients[cid] = ChatClient(plat, post.channel.name, url, post.channel.secret(env),
                                                       session=session)
                blocked = history.ledger_claim(tracker, post.period, post.channel.name, kind, channel=cid,
                                               message_id=mid, force=force)
                if blocked is not None:
                    outcome.status = {"sent": "skipped-already-sent", "uncertain": "skipped-uncertain"}.get(
                        blocked, "skipped-in-progress")
                    continue
                history.ledger_set(tracker, post.period, post.channel.name, kind, "sending", channel=cid,
                                   error="no answer yet")
                result = client.post(payload)
                outcome.status, outcome.error = result.status, result.error
                history.ledger_set(tracker, post.period, post.channel.name, kind, result.status, channel=cid,
                                   error=result.error)
                if result.status != "sent":
                    break  # keep the parts in order: the rest goes out on the next run
    finally:
        if own_session and session is not None:
            session.close()
    return outcomes
