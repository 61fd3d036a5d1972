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
import time
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


def _write_json(path: Path, data: dict) -> bytes:
    body = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, body)
    return body


class _Sender:
    """Posts one message part through the ledger: claimed, `sending` while on the wire, then what the client
    said. One client per channel for the whole run (its rate limiter spans the run)."""

    def __init__(self, history: History, tracker: str, *, force: bool, env, session, clients: dict):
        self.history, self.tracker, self.force, self.env, self.session = history, tracker, force, env, session
        self.clients = clients

    def send(self, channel, period: str, kind: str, mid: str, payload: dict, outcome: Outcome) -> Outcome:
        cid = channel_id(channel)
        client = self.clients.get(cid)
        if client is None:
            url = channel.webhook(self.env)
            if not url:
                outcome.status = "failed"
                outcome.error = (f"{cid}: the environment variable {channel.webhook_env} is not set; "
                                 "set it to the webhook URL")
                return outcome
            client = self.clients[cid] = ChatClient(make_platform(channel.kind), channel.name, url,
                                                    channel.secret(self.env), session=self.session)
        blocked = self.history.ledger_claim(self.tracker, period, channel.name, kind, channel=cid, message_id=mid,
                                            force=self.force)
        if blocked is not None:
            outcome.status = {"sent": "skipped-already-sent", "uncertain": "skipped-uncertain"}.get(
                blocked, "skipped-in-progress")
            return outcome
        self.history.ledger_set(self.tracker, period, channel.name, kind, "sending", channel=cid,
                                error="no answer yet")
        result = client.post(payload)
        outcome.status, outcome.error = result.status, result.error
        self.history.ledger_set(self.tracker, period, channel.name, kind, result.status, channel=cid,
                                error=result.error)
        return outcome


def post_all(history: History, tracker: str, posts: list[ChatPost], *, outbox: Path | str | None = None,
             force: bool = False, env=None, session: requests.Session | None = None, clients: dict | None = None,
             hold: Path | str | None = None) -> list[Outcome]:
    """Deliver every post not yet delivered; returns one Outcome per message part. `clients` maps a channel id
    to a ready ChatClient (tests pass clients with a fake clock and sleep).

    `hold` (a folder): it is quiet hours, so nothing is posted; each part not yet delivered is kept there as
    the payload to post (status `held`, noted in the ledger as a preview) until post_held sends it."""
    outcomes: list[Outcome] = []
    own_session = session is None and outbox is None and hold is None
    session = session or (requests.Session() if own_session else None)
    sender = _Sender(history, tracker, force=force, env=env, session=session, clients=dict(clients or {}))
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
                if hold is not None:
                    _hold(history, tracker, Path(hold), post, cid, kind, mid, payload, outcome, force)
                    continue
                if sender.send(post.channel, post.period, kind, mid, payload, outcome).status != "sent" \
                        and not outcome.status.startswith("skipped"):
                    break  # keep the parts in order: the rest goes out on the next run
    finally:
        if own_session and session is not None:
            session.close()
    return outcomes


def _hold(history: History, tracker: str, folder: Path, post: ChatPost, cid: str, kind: str, mid: str,
          payload: dict, outcome: Outcome, force: bool) -> None:
    row = history.ledger_get(tracker, post.period, post.channel.name, kind, channel=cid)
    if row is not None and row["state"] in ("sent", "uncertain") and not force:
        outcome.status = "skipped-already-sent" if row["state"] == "sent" else "skipped-uncertain"
        return
    # named by when it was first held, so parts go in their order; held again (a rerun at night), it keeps its place
    path = next(iter(folder.glob(f"*-{mid}.json")), None) or folder / f"{time.time_ns():020d}-{mid}.json"
    # the webhook URL and the secret are not in a payload (the signature is added when posting)
    data = _write_json(path, {"channel": cid, "period": post.period, "kind": kind, "message_id": mid,
                              "payload": payload})
    history.ledger_preview(tracker, post.period, post.channel.name, kind, channel=cid, message_id=mid, files=[path],
                           fingerprint=hashlib.sha256(data).hexdigest()[:16])
    outcome.status, outcome.files = "held", [path]


def held_parts(folder: Path | str) -> list[Path]:
    """The parts kept in quiet hours, oldest first (parts of one post in their order)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.json"))


def post_held(history: History, tracker: str, folder: Path | str, channels, *, force: bool = False, env=None,
              session: requests.Session | None = None, clients: dict | None = None) -> list[Outcome]:
    """Post, once, what quiet hours held back for `tracker` (channels: the tracker's channel configs). A part
    delivered (or whose delivery is uncertain) leaves the folder; a failed one stays for the next run; one for a
    channel no longer configured is dropped."""
    by_id = {channel_id(ch): ch for ch in channels}
    parts = held_parts(folder)
    if not parts:
        return []
    outcomes: list[Outcome] = []
    own_session = session is None
    session = session or requests.Session()
    sender = _Sender(history, tracker, force=force, env=env, session=session, clients=dict(clients or {}))
    failed: set[str] = set()
    try:
        for path in parts:
            try:
                held = json.loads(path.read_text(encoding="utf-8"))
                cid, period, kind, mid = held["channel"], held["period"], held["kind"], held["message_id"]
            except (OSError, ValueError, KeyError, TypeError):
                path.unlink(missing_ok=True)  # not ours, or cut short by a crash: the post is made again
                continue
            channel = by_id.get(cid)
            if channel is None or cid in failed:
                if channel is None:
                    path.unlink(missing_ok=True)
                continue
            outcome = sender.send(channel, period, kind, mid, held["payload"], Outcome(kind, cid, "", mid))
            outcomes.append(outcome)
            if outcome.status in ("failed",):
                failed.add(cid)  # keep this channel's parts in order: they go on the next run
            else:
                path.unlink(missing_ok=True)
    finally:
        if own_session:
            session.close()
    return outcomes
