"""The shared database may restart: a runner's statements reconnect with bounded retries, the lease renewal
survives it, and a runner whose lease was lost stops that tracker before writing. Real PostgreSQL servers of
this module's own (stopping the session's server would cut other tests' connections)."""
from __future__ import annotations

import datetime as dt
import threading
import time

import pytest

from support.jobs_fixtures import make_config, memory_log
from support.postgres_fixtures import PostgresServer
from sheetsync.jobs.fleet import Fleet
from sheetsync.jobs.runner import NightlyOutcome, run_nightly
from sheetsync.jobs.shard import Shard
from sheetsync.model import SheetsyncError
from sheetsync.state import open_store
from sheetsync.state.leases import LeaseLost, Leases

DAY = dt.date(2026, 10, 12)
NAMES = [f"campaign-{i:02d}" for i in range(8)]


@pytest.fixture(scope="module")
def server():
    s = PostgresServer()
    yield s
    s.stop()


def _config(tmp_path, url):
    from dataclasses import replace
    cfg = make_config(tmp_path, trackers=[(n, "Asia/Shanghai") for n in NAMES])
    return replace(cfg, state_url=url)


def _night(cfg, url, sync_one, fleets=None):
    fleet = Fleet(cfg, Shard(0, 1), url)
    if fleets is not None:
        fleets.append(fleet)
    try:
        return run_nightly(cfg, sync_one=sync_one, notify_owner=lambda *a: None, today=DAY, log=memory_log(),
                           fleet=fleet, store=fleet.errors)
    finally:
        fleet.close()


def test_a_restart_mid_run_costs_a_retry_not_a_night(tmp_path, server):
    url = server.new_database()
    cfg = _config(tmp_path, url)
    synced: list[str] = []

    def sync_one(tracker, day):
        synced.append(tracker.name)
        if tracker.name == "campaign-03":  # in the middle of the night the database restarts
            server.restart(down=1.0)
        return NightlyOutcome(errors=frozenset())

    summary = _night(cfg, url, sync_one)
    assert sorted(synced) == sorted(NAMES)  # every tracker synced once
    assert summary.exit_code == 0 and [r.status for r in summary.results] == ["ok"] * len(NAMES)
    # what the runner recorded after the restart is there: a rerun of the shard finds every tracker done
    again: list[str] = []
    rerun = _night(cfg, url, lambda t, d: again.append(t.name) or NightlyOutcome(errors=frozenset()))
    assert again == [] and {r.detail for r in rerun.results} == {"done"} and rerun.exit_code == 0


def test_the_lease_renewal_survives_a_restart(server):
    url = server.new_database()
    errors: list = []
    old_hook = threading.excepthook
    threading.excepthook = lambda args: errors.append(args.exc_value)  # a traceback in the thread would land here
    try:
        mine = Leases(open_store(url), "mine", ttl=6.0, reopen=lambda: open_store(url))
        other = Leases(open_store(url), "other", ttl=6.0)
        with mine.held("t") as got:
            assert got
            server.restart(down=0.5)
            time.sleep(4.5)  # more than one renewal tick after the restart
            assert not other.take("t") and mine.holder_of("t") == "mine"
            got.check()  # still held: nothing raised
        assert other.take("t")  # released at the end
        mine.store.close()
        other.store.close()
    finally:
        threading.excepthook = old_hook
    assert errors == []


def test_a_runner_whose_lease_was_taken_stops_before_writing(server):
    url = server.new_database()
    mine = Leases(open_store(url), "mine", ttl=1.2, reopen=lambda: open_store(url))
    with mine.held("t") as got:
        assert got is not None
        # the database says another runner has it now (this runner looked dead to it)
        store = open_store(url)
        store.execute("UPDATE leases SET holder = 'other', expires = expires + 3600 WHERE tracker = 't'")
        store.close()
        time.sleep(1.0)  # a renewal tick finds it gone
        with pytest.raises(LeaseLost) as caught:
            got.check()
        assert "lost its lease" in caught.value.message("en") and "租约" in caught.value.message("zh")
    assert mine.holder_of("t") == "other"  # its lease is not released by the runner that lost it
    mine.store.close()


def test_a_lost_lease_skips_the_tracker_and_the_run_says_it_is_incomplete(tmp_path, server):
    url = server.new_database()
    cfg = _config(tmp_path, url)

    fleets: list = []

    def sync_one(tracker, day):
        if tracker.name == "campaign-01":
            lease = fleets[0].lease  # the lease handed to this tracker's sync
            lease.lost.set()  # as the renewal thread does when the lease is gone
            lease.check()  # the sync's check before writing
        return NightlyOutcome(errors=frozenset())

    summary = _night(cfg, url, sync_one, fleets)
    skipped = [(r.tracker, r.detail) for r in summary.results if r.status == "skipped"]
    assert skipped == [("campaign-01", "lease-lost")] and summary.exit_code == 1
    assert len(summary.succeeded) == len(NAMES) - 1


def test_an_unreachable_server_is_one_line_after_bounded_retries(server):
    url = server.new_database()
    store = open_store(url)
    store.attempts = 2  # bounded: fail after two tries
    server._run("pg_ctl", "-D", str(server.data), "-m", "fast", "-w", "stop")
    try:
        with pytest.raises(SheetsyncError) as caught:
            store.execute("SELECT 1")
        assert "cannot connect to the state database" in caught.value.message("en")
    finally:
        server.start()
    assert store.execute("SELECT 1 AS one").fetchone()["one"] == 1  # and back once it is up
    store.close()
