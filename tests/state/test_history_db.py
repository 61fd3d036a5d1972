"""The SQLite state file: migrations, pragmas, snapshots, ledger, default location."""
from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from support.digest_fixtures import campaign_week
from support.needs import module
from sheetsync.history import MIGRATIONS, History, default_state_path
from sheetsync.model import SheetsyncError


def test_new_file_is_fully_migrated_with_wal(tmp_path):
    path = tmp_path / ".sheetsync" / "state.db"
    with History(path) as h:
        assert h.schema_version == len(MIGRATIONS) == 4
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"runs", "snapshots", "ledger"} <= tables


def test_old_file_is_migrated_and_keeps_its_data(tmp_path):
    path = tmp_path / "state.db"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0])
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO runs (tracker, kind, period, at, today) VALUES ('t', 'sync', NULL, '2026-10-01T08:00', "
               "'2026-10-01')")
    db.commit()
    db.close()
    with History(path) as h:
        assert h.schema_version == 4
        assert [r["kind"] for r in h.runs("t")] == ["sync"]
        h.ledger_set("t", "2026-W42", "A@Example.com", "team", "sent")
        assert h.ledger_get("t", "2026-W42", "a@example.com", "team")["state"] == "sent"


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "state.db"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(RuntimeError, match="newer"):
        History(path)


def test_two_connections_share_the_file(tmp_path):
    path = tmp_path / "state.db"
    with History(path) as a, History(path) as b:
        a.record_snapshot("t", campaign_week("zh", 42), "sync", dt.datetime(2026, 10, 12, 8))
        assert len(b.runs("t")) == 1
        assert b.db.execute("PRAGMA busy_timeout").fetchone()[0] == 30000


def test_snapshots_and_previous_digest(state_target):
    with History(state_target) as h:
        assert h.previous_digest_snapshot("t", "2026-W42") is None
        h.record_snapshot("t", campaign_week("en", 41), "digest", dt.datetime(2026, 10, 5, 8, 30), period="2026-W41")
        h.record_snapshot("t", campaign_week("en", 42), "sync", dt.datetime(2026, 10, 12, 7), period=None)
        run42 = h.record_snapshot("t", campaign_week("en", 42), "digest", dt.datetime(2026, 10, 12, 8, 30),
                                  period="2026-W42")
        h.record_snapshot("other", campaign_week("en", 43), "digest", dt.datetime(2026, 10, 19), period="2026-W43")
        prev = h.previous_digest_snapshot("t", "2026-W43")
        assert prev == h.snapshot(run42)
        row = {r["key"]: r for r in prev}["T5"]
        assert row["status"] == "in-review" and row["health"] == "unreviewed" and row["owner"] == "陈静"
        assert row["due"] == "2026-10-14" and row["submitted"] == "2026-10-09T10:00:00" and row["reviewed"] is None
        # the digest of the same period is never its own baseline
        assert {r["key"]: r for r in h.previous_digest_snapshot("t", "2026-W42")}["T5"]["health"] == "ok"
        assert len(h.last_snapshot_before("t", dt.date(2026, 10, 12))) == 12


def test_ledger_counts_attempts(state_target):
    with History(state_target) as h:
        h.ledger_set("t", "2026-W42", "x@example.com", "personal", "pending", message_id="<m@x>", attempt=True)
        h.ledger_set("t", "2026-W42", "x@example.com", "personal", "failed", error="550")
        h.ledger_set("t", "2026-W42", "x@example.com", "personal", "pending", attempt=True)
        row = h.ledger_get("t", "2026-W42", "x@example.com", "personal")
        assert row["attempts"] == 2 and row["state"] == "pending" and row["message_id"] == "<m@x>"


def test_default_state_path(tmp_path, monkeypatch):
    monkeypatch.delenv("SHEETSYNC_STATE", raising=False)
    tracker = tmp_path / "plans" / "tracker.xlsx"
    assert default_state_path(tracker) == tmp_path / "plans" / ".sheetsync" / "state.db"
    assert default_state_path(tmp_path) == tmp_path / ".sheetsync" / "state.db"
    monkeypatch.setenv("SHEETSYNC_STATE", str(tmp_path / "elsewhere.db"))
    assert default_state_path(tracker) == tmp_path / "elsewhere.db"


def test_record_sync_writes_beside_the_tracker(tmp_path, monkeypatch):
    from sheetsync.history import record_sync
    monkeypatch.delenv("SHEETSYNC_STATE", raising=False)
    tracker = tmp_path / "tracker.xlsx"
    run_id = record_sync(tracker, campaign_week("zh", 42), at=dt.datetime(2026, 10, 12, 7))
    with History(tmp_path / ".sheetsync" / "state.db") as h:
        runs = h.runs(str(tracker.resolve()))
        assert [(r["id"], r["kind"], r["today"]) for r in runs] == [(run_id, "sync", "2026-10-12")]
        assert len(h.snapshot(run_id)) == 12


def test_a_crash_during_data_is_in_progress_then_uncertain_never_resent(state_target):
    # a process killed between the final dot and the server's reply leaves `sending`
    with History(state_target) as h:
        key = ("t.xlsx", "2026-W42", "a@example.com", "team")
        assert h.ledger_claim(*key, message_id="<m@x>", channel="email") is None
        h.ledger_set(*key, "sending", message_id="<m@x>")
        assert h.ledger_claim(*key, message_id="<m@x>", channel="email") == "pending"
        later = dt.timedelta(seconds=0)
        assert h.ledger_claim(*key, message_id="<m@x>", channel="email", stale_after=later) == "uncertain"
        assert h.ledger_get(*key)["state"] == "uncertain"  # recorded as it is called
        assert h.ledger_claim(*key, message_id="<m@x>", channel="email", stale_after=later, force=True) is None


def _ledger_v2(path, rows):
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + MIGRATIONS[1])
    db.execute("PRAGMA user_version = 2")
    db.executemany("INSERT INTO ledger (tracker, period, recipient, kind, state, message_id, channel, attempts, "
                   "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)", rows)
    db.commit()
    db.close()


def test_a_step_2_ledger_gains_channels_and_its_outbox_rows_become_previews(tmp_path):
    path = tmp_path / "state.db"
    local = (dt.datetime.now() - dt.timedelta(hours=2)).isoformat(timespec="seconds")  # step 2 wrote local time
    _ledger_v2(path, [("t", "2026-W42", "a@example.com", "team", "sent", "<a@x>", "outbox", local),
                      ("t", "2026-W42", "b@example.com", "team", "sent", "<b@x>", "smtp", local),
                      ("t", "2026-W42", "c@example.com", "personal", "pending", "<c@x>", "smtp", local)])
    with History(path) as h:
        assert h.schema_version == 4
        rows = {r["recipient"]: r for r in h.ledger("t", "2026-W42")}
        assert {r["channel"] for r in rows.values()} == {"email"}
        assert rows["a@example.com"]["state"] == "preview" and rows["a@example.com"]["previewed_at"] == local
        assert rows["b@example.com"]["state"] == "sent" and rows["b@example.com"]["previewed_at"] is None
        # the old outbox "sent" was only a preview: the real send may go now; the SMTP one stays sent
        assert h.ledger_claim("t", "2026-W42", "a@example.com", "team", message_id="<a@x>") is None
        assert h.ledger_claim("t", "2026-W42", "b@example.com", "team", message_id="<b@x>") == "sent"
        # a claim left two hours ago in local time (no offset) is stale, whatever the machine's zone
        assert h.ledger_claim("t", "2026-W42", "c@example.com", "personal", message_id="<c@x>") is None
        assert h.ledger_get("t", "2026-W42", "c@example.com", "personal")["attempts"] == 2


def test_channels_are_separate_and_a_preview_never_blocks(state_target):
    with History(state_target) as h:
        key = ("t", "2026-W42", "Team@Example.com", "team")
        h.ledger_preview(*key, message_id="<m@x>", files=["/tmp/a.eml"], fingerprint="f1")
        assert h.ledger_get(*key)["state"] == "preview"
        assert h.ledger_claim(*key, message_id="<m@x>") is None
        h.ledger_set(*key, "sent")
        assert h.ledger_claim(*key, message_id="<m@x>") == "sent"
        # a chat channel of the same period and kind is its own row
        assert h.ledger_get(*key, channel="dingtalk:ops") is None
        assert h.ledger_claim(*key, message_id="<m@x>", channel="dingtalk:ops") is None
        h.ledger_set(*key, "failed", channel="dingtalk:ops", error="HTTP 500")
        # a preview after the send keeps the delivery's state
        h.ledger_preview(*key, message_id="<m@x>", files=["/tmp/b.eml"], fingerprint="f2")
        row = h.ledger_get(*key)
        assert row["state"] == "sent" and row["preview_files"] == "/tmp/b.eml" and row["attempts"] == 1
        states = {(r["channel"], r["state"]) for r in h.ledger("t", "2026-W42")}
        assert states == {("email", "sent"), ("dingtalk:ops", "failed")}
        with pytest.raises(ValueError):
            h.ledger_set(*key, "delivered")


def test_postgres_store_is_migrated_once_and_refuses_a_newer_schema(postgres_url):
    with History(postgres_url) as a, History(postgres_url) as b:  # the second open finds it migrated
        assert a.schema_version == b.schema_version == len(MIGRATIONS)
        tables = {r["table_name"] for r in a.db.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")}
        assert {"runs", "snapshots", "ledger", "leases", "buckets", "shard_runs"} <= tables
        a.db.execute("INSERT INTO schema_version (version) VALUES (%s)", (len(MIGRATIONS) + 1,))
    with pytest.raises(SheetsyncError, match="newer") as err:
        History(postgres_url)
    assert "postgres@" in err.value.en and err.value.zh


def test_an_unreachable_postgres_is_one_line_in_both_languages(tmp_path):
    module("psycopg", "pip install -e '.[test]'")
    url = f"postgresql://u:secret@/nowhere?host={tmp_path}"
    with pytest.raises(SheetsyncError) as err:
        History(url)
    assert "cannot connect" in err.value.en and "无法连接" in err.value.zh
    assert "secret" not in err.value.en and "\n" not in err.value.en


def test_two_runners_racing_for_one_message_only_one_wins(state_target):
    """Many connections claim the same messages at once (threads, each with its own connection): every
    message is claimed by exactly one of them."""
    import threading
    History(state_target).close()
    wins: list[tuple[int, int]] = []
    barrier = threading.Barrier(6)

    def runner(i):
        with History(state_target) as h:
            barrier.wait()
            for m in range(30):
                if h.ledger_claim("t", "2026-W42", f"p{m}@example.com", "personal", message_id=f"<{m}@x>") is None:
                    wins.append((i, m))

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(m for _, m in wins) == list(range(30))
    with History(state_target) as h:
        assert all(r["state"] == "pending" and r["attempts"] == 1 for r in h.ledger("t", "2026-W42"))
