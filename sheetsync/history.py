"""State that outlives a run: task snapshots per sync/digest and the delivery ledger, in one SQLite file.

One file beside the tracker (`.sheetsync/state.db`) so a job copied to another machine keeps its memory, or
a PostgreSQL database shared by several runners (a `postgresql://` URL): sheetsync.state holds both stores.

The ledger: one row per message, keyed (tracker, period, recipient, channel, kind). `channel` is where the
message goes: "email" (SMTP), or a chat channel such as "dingtalk:NAME"; `kind` is "team" or "personal"
(a channel may add its own). `recipient` is an address, or the chat's name for a chat channel.
States (LEDGER_STATES):
- preview: only written to files (an outbox); never blocks a later real delivery;
- pending: claimed by a run, nothing has left yet (a crash here is retried once the claim is stale);
- sending: the message is on the wire (after DATA's final dot, or the chat request is out) with no answer;
- sent: the far end accepted it; failed: refused or not reached, retried on the next run;
- uncertain: the far end may have it (answer lost, or `sending` gone stale); never resent without force.
The API, for every channel:
- `ledger_claim(tracker, period, recipient, kind, channel=, message_id=, force=)` -> None when this run
  may deliver (the row is now `pending`), else the state that forbids it ("sent", "uncertain", "pending");
- `ledger_set(tracker, period, recipient, kind, state, channel=, error=)`: mark sending / sent / failed /
  uncertain, committed before it returns;
- `ledger_preview(tracker, period, recipient, kind, channel=, message_id=, files=, fingerprint=)`: note a
  preview; keeps a real delivery's state;
- `ledger_get(tracker, period, recipient, kind, channel=)` -> the row as a dict or None ("state of");
- `ledger(tracker, period=None)` -> every row, for `digest --status`.
Ledger times are the machine's wall clock in UTC (they order real deliveries and age claims); the
tracker's clock (api.Clock) is what the content of a message uses."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from .clock import current
from .model import Report
from . import registry  # which SOURCEs are paths on this machine
from .state import STATE_ENV, is_url, open_store
from .state.migrations import MIGRATIONS  # noqa: F401  (the schema's steps, for readers of this module)

EMAIL = "email"
LEDGER_STATES = ("preview", "pending", "sending", "sent", "failed", "uncertain")
# states that mean the message may already be with its reader: a new claim is refused
DELIVERED = ("sent", "uncertain")

# a claim (`pending`) or a message on the wire (`sending`) older than this was left by a run that stopped
CLAIM_TIMEOUT = dt.timedelta(minutes=15)
STALE_SENDING = "no answer before the run stopped"

SNAPSHOT_FIELDS = ("key", "task_id", "task", "owner", "status", "due", "health", "submitted", "reviewed", "row")


def default_state_path(source_or_config: str | Path | None = None) -> Path | str:
    """SHEETSYNC_STATE (a file path or a postgresql:// URL), else `.sheetsync/state.db` beside the tracker or
    config file (cwd for a URL)."""
    env = os.environ.get(STATE_ENV)
    if env:
        return env if is_url(env) else Path(env)
    text = str(source_or_config or "")
    if not text or "://" in text or not registry.is_path(text):
        return Path.cwd() / ".sheetsync" / "state.db"
    path = Path(text)
    folder = path if path.is_dir() else path.parent
    return folder / ".sheetsync" / "state.db"


def tracker_key(source) -> str:
    """A tracker's identity in the state database: the resolved path, or the sheet URL without its fragment."""
    text = str(source)
    if "://" in text or not registry.is_path(text):  # a URL or a scheme (onedrive:D/I) names it from anywhere
        return text.split("#", 1)[0]
    return str(Path(text).resolve())


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


class History:
    """Snapshots of every task per run, and the digest ledger; creates and migrates the file on open."""

    def __init__(self, path: str | Path):
        """`path`: a SQLite file, or a postgresql:// URL."""
        self.store = open_store(path)  # created and migrated on open
        self.path = path if is_url(path) else Path(path)
        self.db = self.store.db  # the driver's connection, for callers that inspect the database itself

    def migrate(self) -> int:
        return self.store.migrate()

    @property
    def schema_version(self) -> int:
        return self.store.schema_version

    def close(self) -> None:
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- snapshots -------------------------------------------------------------------------------------------

    def record_snapshot(self, tracker: str, report: Report, kind: str, at: dt.datetime | None = None,
                        period: str | None = None) -> int:
        """Store every task of `report`; returns the run id."""
        at = at or current().astimezone().replace(tzinfo=None, microsecond=0)  # callers pass the run's clock
        rows = {}
        for t in report.tasks:
            rows[t.key] = (t.key, t.id, t.task, t.owner, t.status, _iso(t.due), t.health,
                           _iso(t.submitted), _iso(t.reviewed), t.row)  # duplicate keys: the last row wins
        with self.store.transaction():
            run_id = self.store.execute(
                "INSERT INTO runs (tracker, kind, period, at, today) VALUES (?, ?, ?, ?, ?) RETURNING id",
                (tracker, kind, period, at.isoformat(), report.today.isoformat())).fetchone()["id"]
            self.store.executemany(
                f"INSERT INTO snapshots (run_id, {', '.join(SNAPSHOT_FIELDS)}) VALUES (?{', ?' * len(SNAPSHOT_FIELDS)})",
                [(run_id, *r) for r in rows.values()])
        return run_id

    def snapshot(self, run_id: int) -> list[dict]:
        cur = self.store.execute(f"SELECT {', '.join(SNAPSHOT_FIELDS)} FROM snapshots WHERE run_id = ? ORDER BY row",
                                 (run_id,))
        return [dict(r) for r in cur]

    def previous_digest_run(self, tracker: str, before_period: str) -> dict | None:
        # ISO week labels ('2026-W09') sort as text
        return self.store.execute(
            "SELECT * FROM runs WHERE tracker = ? AND kind = 'digest' AND period < ? ORDER BY period DESC, id DESC "
            "LIMIT 1", (tracker, before_period)).fetchone()

    def previous_digest_snapshot(self, tracker: str, before_period: str) -> list[dict] | None:
        """Tasks as the last digest of an earlier period saw them; None before the first digest."""
        run = self.previous_digest_run(tracker, before_period)
        return self.snapshot(run["id"]) if run else None

    def last_snapshot_before(self, tracker: str, day: dt.date) -> list[dict] | None:
        """The latest snapshot of any kind taken before `day` (baseline for a first digest)."""
        run = self.store.execute("SELECT id FROM runs WHERE tracker = ? AND today < ? ORDER BY today DESC, id DESC "
                              "LIMIT 1", (tracker, day.isoformat())).fetchone()
        return self.snapshot(run["id"]) if run else None

    def runs(self, tracker: str) -> list[dict]:
        return [dict(r) for r in self.store.execute("SELECT * FROM runs WHERE tracker = ? ORDER BY id", (tracker,))]

    # -- ledger (see the module docstring) ------------------------------------------------------------------

    def ledger_get(self, tracker: str, period: str, recipient: str, kind: str, *,
                   channel: str = EMAIL) -> dict | None:
        row = self.store.execute("SELECT * FROM ledger WHERE tracker = ? AND period = ? AND recipient = ? AND "
                              "channel = ? AND kind = ?",
                              (tracker, period, recipient.lower(), channel, kind)).fetchone()
        return dict(row) if row else None

    def ledger_set(self, tracker: str, period: str, recipient: str, kind: str, state: str, *,
                   channel: str = EMAIL, message_id: str | None = None, error: str | None = None,
                   attempt: bool = False) -> None:
        """Upsert one ledger row's state; committed before returning so a crash right after cannot lose it."""
        if state not in LEDGER_STATES:
            raise ValueError(f"ledger state must be one of {', '.join(LEDGER_STATES)}, not {state!r}")
        self.store.execute(
            "INSERT INTO ledger (tracker, period, recipient, channel, kind, state, message_id, attempts, error, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (tracker, period, recipient, channel, kind) DO UPDATE SET state = excluded.state, "
            "message_id = COALESCE(excluded.message_id, ledger.message_id), attempts = ledger.attempts + ?, "
            "error = excluded.error, updated_at = excluded.updated_at",
            (tracker, period, recipient.lower(), channel, kind, state, message_id, int(attempt), error,
             _wall_clock().isoformat(), int(attempt)))

    def ledger_preview(self, tracker: str, period: str, recipient: str, kind: str, *, channel: str = EMAIL,
                       message_id: str | None = None, files=(), fingerprint: str | None = None) -> None:
        """Note that a message was written as a preview; a row that already has a delivery state keeps it."""
        now = _wall_clock().isoformat()
        self.store.execute(
            "INSERT INTO ledger (tracker, period, recipient, channel, kind, state, message_id, updated_at, "
            "previewed_at, preview_files, preview_fingerprint) VALUES (?, ?, ?, ?, ?, 'preview', ?, ?, ?, ?, ?) "
            "ON CONFLICT (tracker, period, recipient, channel, kind) DO UPDATE SET "
            "message_id = COALESCE(ledger.message_id, excluded.message_id), previewed_at = excluded.previewed_at, "
            "preview_files = excluded.preview_files, preview_fingerprint = excluded.preview_fingerprint",
            (tracker, period, recipient.lower(), channel, kind, message_id, now, now,
             "\n".join(str(f) for f in files), fingerprint))

    def ledger_claim(self, tracker: str, period: str, recipient: str, kind: str, *, message_id: str,
                     channel: str = EMAIL, force: bool = False,
                     stale_after: dt.timedelta = CLAIM_TIMEOUT) -> str | None:
        """Take one message for delivery: None when claimed (now `pending`), else the state that forbids it.

        A cron job started twice, or several runners sharing one PostgreSQL, run deliveries at once: the claim
        itself is one conditional statement (insert-if-absent, or update-if-unchanged), so only one of them sends. A `preview` or `failed` row is claimed. A `pending` row younger than
        `stale_after` belongs to a run still going; an older one was left by a crash before anything left and
        is taken over. A `sending` row (the message is on the wire) is in progress while young; once stale it
        counts as `uncertain` and is never resent without force, because the far end may well have it."""
        now = _wall_clock()
        key = (tracker, period, recipient.lower(), channel, kind)
        row = self.ledger_get(tracker, period, recipient, kind, channel=channel)
        if row and not force:
            if row["state"] in DELIVERED:
                return row["state"]
            young = now - _parse_utc(row["updated_at"]) < stale_after
            if row["state"] in ("pending", "sending") and young:
                return "pending"
            if row["state"] == "sending":  # left by a crash on the wire: from now on it is called uncertain
                self.store.execute(
                    "UPDATE ledger SET state = 'uncertain', error = COALESCE(error, ?), updated_at = ? WHERE "
                    "tracker = ? AND period = ? AND recipient = ? AND channel = ? AND kind = ? AND state = 'sending' "
                    "AND updated_at = ?", (STALE_SENDING, now.isoformat(), *key, row["updated_at"]))
                return "uncertain"
        # One statement decides: a new row is inserted only if none exists, an existing one is taken only if it
        # is still exactly what was judged above. Several runners may judge at once; only one statement wins.
        if row is None:
            won = self.store.execute(
                "INSERT INTO ledger (tracker, period, recipient, channel, kind, state, message_id, attempts, "
                "updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, 1, ?) "
                "ON CONFLICT (tracker, period, recipient, channel, kind) DO NOTHING RETURNING state",
                (*key, message_id, now.isoformat())).fetchone()
        else:
            won = self.store.execute(
                "UPDATE ledger SET state = 'pending', message_id = COALESCE(?, message_id), "
                "attempts = attempts + 1, error = NULL, updated_at = ? WHERE tracker = ? AND period = ? AND "
                "recipient = ? AND channel = ? AND kind = ? AND state = ? AND updated_at = ? AND attempts = ? RETURNING state",
                (message_id, now.isoformat(), *key, row["state"], row["updated_at"], row["attempts"])).fetchone()
        if won is not None:
            return None
        # another runner claimed (or delivered) it between our read and our write
        now_row = self.ledger_get(tracker, period, recipient, kind, channel=channel)
        return now_row["state"] if now_row and now_row["state"] in DELIVERED else "pending"

    def ledger(self, tracker: str, period: str | None = None) -> list[dict]:
        sql, args = "SELECT * FROM ledger WHERE tracker = ?", [tracker]
        if period:
            sql, args = sql + " AND period = ?", args + [period]
        return [dict(r) for r in self.store.execute(sql + " ORDER BY period, kind, recipient, channel", args)]


def shown_state(row: dict, now: dt.datetime | None = None) -> str:
    """A ledger row's state as a person should read it: a `sending` row older than CLAIM_TIMEOUT was left by a
    run that stopped with the message on the wire, so it is `uncertain` (resent only with --force)."""
    if row["state"] == "sending" and (now or _wall_clock()) - _parse_utc(row["updated_at"]) >= CLAIM_TIMEOUT:
        return "uncertain"
    return row["state"]


def _wall_clock() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _parse_utc(text: str) -> dt.datetime:
    """Ledger times; rows written before step 3 carry the machine's local time without an offset."""
    value = dt.datetime.fromisoformat(text)
    return value.astimezone(dt.timezone.utc) if value.tzinfo is None else value


parse_ledger_time = _parse_utc  # for readers of the ledger (digest --status)


def record_sync(source, report: Report, *, state: str | Path | None = None, at: dt.datetime | None = None) -> int:
    """What `sync` calls after validating: one snapshot in the tracker's state file."""
    with History(state or default_state_path(source)) as history:
        return history.record_snapshot(tracker_key(source), report, "sync", at=at)
