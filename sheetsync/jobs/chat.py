"""The chat side of the jobs: which posts a digest run and a nightly run make for one tracker's
channels, delivered through the ledger by channels.deliver. Metric alerts ride on both runs, keyed per breach,
so whichever run sees a breach first posts it and no run posts it twice. In a tracker's quiet hours every post is
held and goes once when they end (jobs/quiet.py)."""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from ..channels.compose import alert_doc, digest_doc, nightly_doc
from ..channels.deliver import ChatPost, held_parts, post_all, post_held
from ..digest.content import note_content
from ..history import History, tracker_key
from ..model import Report
from .. import registry
from .config import TrackerConfig


def report_link(tracker: TrackerConfig) -> str | None:
    """The "full report" link of a chat post: the config's report_url, else the link the tracker's backend gives
    (a Google or Feishu sheet; feishu:TOKEN opens as its sheet link), None for a local file."""
    return tracker.report_url or registry.link(tracker.source, ask=False)


def alert_posts(tracker: TrackerConfig, report: Report) -> list[ChatPost]:
    link = report_link(tracker)
    return [ChatPost(ch, f"metric.{a.key}", "alert", alert_doc(report, a, link=link))
            for a in report.alerts for ch in tracker.channels]


def digest_posts(tracker: TrackerConfig, batch, unchanged: str) -> list[ChatPost]:
    """The team digest (when it changed, or a one-line note with unchanged = "note") and new metric alerts,
    from the same report and links as the email digest of `batch`."""
    report = batch.report
    posts = []
    team = batch.team
    if team is not None and (team.changed or unchanged == "note"):
        content = team if team.changed else note_content(team)
        posts += [ChatPost(ch, batch.period, "team",
                           digest_doc(content, report, ch.kind, link=report_link(tracker), mentions=ch.mentions))
                  for ch in tracker.channels]
    return posts + alert_posts(tracker, report)


def chat_keys(report: Report) -> frozenset:
    """What the nightly chat post is about, as keys: every error (code, cell) and every late task ("late", key)."""
    errors = {(f.code, f.ref or f.cell or "") for f in report.findings if f.severity == "error"}
    return frozenset(errors | {("late", t.key) for t in report.tasks if t.health == "late"})


def nightly_posts(tracker: TrackerConfig, report: Report, new_keys, day: dt.date, channels=None) -> list[ChatPost]:
    """A post to `channels` (default: all the tracker's) only when errors or late tasks not yet announced there
    appeared (`new_keys`, from chat_keys)."""
    keys = set(new_keys)
    errors = [f for f in report.findings if f.severity == "error" and (f.code, f.ref or f.cell or "") in keys]
    late = [t for t in report.tasks if t.health == "late" and ("late", t.key) in keys]
    posts = []
    if errors or late:
        # keyed by what is new: a second run the same day posts only if something else appeared since
        what = sorted(f"{f.code}|{f.ref}" for f in errors) + sorted(f"late|{t.key}" for t in late)
        period = f"nightly.{day.isoformat()}.{hashlib.sha256(chr(31).join(what).encode()).hexdigest()[:12]}"
        posts += [ChatPost(ch, period, "nightly",
                           nightly_doc(report, errors, late, ch.kind, link=report_link(tracker), mentions=ch.mentions))
                  for ch in (tracker.channels if channels is None else channels)]
    return posts


HELD = "chat-held"  # in the state directory: what quiet hours held back, one folder per tracker


def held_folder(state: Path | str, tracker: TrackerConfig) -> Path:
    return Path(state) / HELD / hashlib.sha256(tracker_key(tracker.source).encode()).hexdigest()[:16]


def is_quiet(tracker: TrackerConfig, moment: dt.datetime | None) -> bool:
    """Whether `moment` (aware, or naive wall time in the tracker's zone; None: no hour known, as for a run
    pinned to a day with `--today YYYY-MM-DD`) falls in the tracker's quiet hours."""
    if tracker.quiet_hours is None or moment is None:
        return False
    if moment.tzinfo is not None:
        moment = moment.astimezone(tracker.zone)
    return tracker.quiet_hours.covers(moment.time())


def deliver(state_db, state_dir, tracker: TrackerConfig, posts: list[ChatPost], *, hold: Path | None,
            outbox=None, force: bool = False, env=None, clients=None):
    """Post `posts` to the tracker's channels once. In its quiet hours (`hold`: where they wait, from
    held_folder) they are held and nothing is posted; out of them, what was held goes first, then the new posts."""
    key, folder = tracker_key(tracker.source), held_folder(state_dir, tracker)
    if not posts and (hold is not None or outbox is not None or not held_parts(folder)):
        return []
    with History(state_db) as history:
        out = [] if hold is not None or outbox is not None else post_held(
            history, key, folder, tracker.channels, force=force, env=env, clients=clients)
        if posts:
            out += post_all(history, key, posts, outbox=outbox, force=force, env=env, clients=clients, hold=hold)
    return out
