"""The state schema, step by step, for both stores. Append only: a released step is never edited; each store
records how many steps it has applied (SQLite: PRAGMA user_version; PostgreSQL: the schema_version table).

Steps are written in SQLite's dialect; `for_postgres` rewrites the few spellings PostgreSQL says otherwise,
so both stores hold the same tables and columns."""
from __future__ import annotations

MIGRATIONS: list[str] = [
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        tracker TEXT NOT NULL,
        kind TEXT NOT NULL,            -- sync | digest
        period TEXT,                   -- ISO week for digests
        at TEXT NOT NULL,              -- ISO timestamp of the run
        today TEXT NOT NULL            -- the report's today
    );
    CREATE INDEX runs_by_tracker ON runs (tracker, kind, period, id);
    CREATE TABLE snapshots (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        task_id TEXT, task TEXT, owner TEXT, status TEXT, due TEXT, health TEXT,
        submitted TEXT, reviewed TEXT, row INTEGER,
        PRIMARY KEY (run_id, key)
    );
    """,
    """
    CREATE TABLE ledger (
        tracker TEXT NOT NULL,
        period TEXT NOT NULL,
        recipient TEXT NOT NULL,
        kind TEXT NOT NULL,            -- team | personal
        state TEXT NOT NULL,           -- pending | sending | sent | failed | uncertain
        message_id TEXT,
        channel TEXT,                  -- smtp | outbox
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (tracker, period, recipient, kind)
    );
    """,
    # a channel in the key (email today, chat later); an outbox copy becomes a preview of the email, which
    # no longer blocks the real send (it did up to step 2, where the outbox counted as `sent`)
    """
    CREATE TABLE ledger_by_channel (
        tracker TEXT NOT NULL,
        period TEXT NOT NULL,
        recipient TEXT NOT NULL,
        channel TEXT NOT NULL,         -- email | dingtalk:NAME | ...
        kind TEXT NOT NULL,            -- team | personal
        state TEXT NOT NULL,           -- preview | pending | sending | sent | failed | uncertain
        message_id TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        updated_at TEXT NOT NULL,      -- last change of state, UTC
        previewed_at TEXT,             -- last preview, UTC
        preview_files TEXT,            -- the preview's files, one per line
        preview_fingerprint TEXT,      -- what the preview held, so an identical one is not rewritten
        PRIMARY KEY (tracker, period, recipient, channel, kind)
    );
    INSERT INTO ledger_by_channel (tracker, period, recipient, channel, kind, state, message_id, attempts, error,
                                   updated_at, previewed_at)
        SELECT tracker, period, recipient, 'email', kind,
               CASE WHEN channel = 'outbox' AND state = 'sent' THEN 'preview' ELSE state END,
               message_id, attempts, error, updated_at,
               CASE WHEN channel = 'outbox' AND state = 'sent' THEN updated_at END
        FROM ledger;
    DROP TABLE ledger;
    ALTER TABLE ledger_by_channel RENAME TO ledger;
    """,
    # several runners: a lease per tracker so one runner at a time syncs it, one token bucket per
    # Google quota shared by every runner, and what each shard of a run did. Times are seconds since the epoch
    # by the database's clock, so runners on machines whose clocks disagree still agree on who holds what.
    """
    CREATE TABLE leases (
        tracker TEXT PRIMARY KEY,
        holder TEXT NOT NULL,          -- runner id: host, pid and a random part
        expires REAL NOT NULL          -- epoch seconds, database clock
    );
    CREATE TABLE buckets (
        name TEXT PRIMARY KEY,         -- e.g. write:user:sa@project.iam / read:project:project
        tokens REAL NOT NULL,
        capacity REAL NOT NULL,
        per_second REAL NOT NULL,
        at REAL NOT NULL               -- epoch seconds of the last refill, database clock
    );
    CREATE TABLE shard_runs (
        job TEXT NOT NULL,             -- nightly | digest | notice
        night TEXT NOT NULL,           -- the run's date (the first tracker's today)
        shard INTEGER NOT NULL,
        shards INTEGER NOT NULL,
        runner TEXT NOT NULL,
        started TEXT NOT NULL,         -- UTC
        finished TEXT,                 -- UTC, NULL while running (or the runner died)
        synced INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0,
        requests INTEGER NOT NULL DEFAULT 0,
        failures TEXT,                 -- one "tracker: reason" per line
        PRIMARY KEY (job, night, shard, shards, runner)
    );
    CREATE TABLE tracker_done (
        job TEXT NOT NULL,
        night TEXT NOT NULL,
        tracker TEXT NOT NULL,
        runner TEXT NOT NULL,
        status TEXT NOT NULL,          -- ok | failed
        at TEXT NOT NULL,              -- UTC
        PRIMARY KEY (job, night, tracker)
    );
    CREATE TABLE nightly_errors (
        tracker TEXT PRIMARY KEY,      -- the nightly error store of jobs/store.py, shared by runners
        day TEXT NOT NULL,
        errors TEXT NOT NULL           -- JSON list of [code, cell]
    );
    """,
]

_POSTGRES_SPELLINGS = [
    ("id INTEGER PRIMARY KEY", "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    ("run_id INTEGER NOT NULL", "run_id BIGINT NOT NULL"),
    (" REAL ", " DOUBLE PRECISION "),
]


def for_postgres(step: str) -> str:
    for sqlite, postgres in _POSTGRES_SPELLINGS:
        step = step.replace(sqlite, postgres)
    return step
