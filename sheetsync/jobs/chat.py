"""The chat side of the jobs (issue 13): which posts a digest run and a nightly run make for one tracker's
channels, delivered through the ledger by channels.deliver. Metric alerts ride on both runs, keyed per breach,
so whichever run sees a breach first posts it and no run posts it twice."""
from __future__ import annotations

import datetime as dt
import hashlib

from ..channels.compose import alert_doc, digest_doc, nightly_doc
from ..channels.deliver import ChatPost, post_all
from ..digest.content import note_content
from ..history import History
from ..model import Report
from ..sources import feishu_source, is_feishu
from .config import TrackerConfig


def report_link(tracker: TrackerConfig) -> str | None:
    if not tracker.report_url and is_feishu(tracker.source):
        return feishu_source.link(tracker.source)  # feishu:TOKEN opens as its sheet link
    return tracker.report_url or (tracker.source if "://" in tracker.source else None)


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


def deliver(state_db, tracker_key: str, posts: list[ChatPost], *, outbox=None, force: bool = False, env=None,
            clients=None):
    if not posts:
        return []
    with History(state_db) as history:
        return post_all(history, tracker_key, posts, outbox=outbox, force=force, env=env, clients=clients)
