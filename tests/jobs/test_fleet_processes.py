"""Real runner processes over one PostgreSQL: `sheetsync run nightly|digest --shard I/N` started at
once against trackers in the Sheets emulator, digests counted at a local aiosmtpd server, the emulator's request
log checked against the configured (scaled) quota, and a runner SIGKILLed mid-run."""
from __future__ import annotations

import collections
import os
import re
import signal
import time

import pytest

from bench.fleet_harness import (TODAY, max_in_window, runner_env, seed_trackers, stamp_requests, start_runners,
                                 write_config)
from support.digest_fixtures import smtp_server
from sheets_emulator.server import SheetsEmulator
from sheetsync.state import open_store
from sheetsync.state.quota import Limit

QUOTA = 1200.0  # per minute, reads and writes each: scaled so 200 trackers take seconds, not minutes
LIMIT = Limit(QUOTA)


@pytest.fixture
def fleet(tmp_path, postgres_url):
    with SheetsEmulator() as emu, smtp_server() as (controller, smtp):
        stamp_requests(emu)
        yield emu, smtp, controller.port, postgres_url, tmp_path


def _setup(fleet, trackers: int, rows: int = 5, lease_seconds: float = 60):
    emu, smtp, port, url, tmp = fleet
    keys = seed_trackers(emu, trackers, rows)
    config = write_config(tmp / "fleet.toml", keys, smtp_port=port, per_minute=QUOTA, lease_seconds=lease_seconds)
    return keys, config, runner_env(emu, url)


def _wait(procs, timeout=240) -> list[int]:
    deadline = time.monotonic() + timeout
    return [p.wait(timeout=max(1, deadline - time.monotonic())) for p in procs]


def _per_sheet(emu, what: str) -> collections.Counter:
    """Requests per spreadsheet key: what = 'meta' (GET of the spreadsheet) or 'write' (batchUpdate)."""
    out = collections.Counter()
    for e in emu.request_log:
        m = re.match(r"^/v4/spreadsheets/([^/:]+)(.*)$", e.path)
        if not m:
            continue
        if (what == "meta" and e.method == "GET" and not m.group(2)) or (what == "write" and e.method == "POST"):
            out[m.group(1)] += 1
    return out


def _logs(tmp) -> str:
    return "\n".join(p.read_text(errors="replace")[-800:] for p in sorted((tmp / "logs").glob("*.log")))


def _within_quota(emu) -> None:
    """In every window the buckets allow at most burst + rate x window; 10 s windows make that a real check on
    a run of seconds, and 60 s windows are the quota itself."""
    for kind in ("read", "write"):
        times = [e.at for e in emu.request_log if (e.method != "GET") == (kind == "write")]
        assert max_in_window(times, 60.0) <= QUOTA, kind
        # arrival at the emulator lags the take by some ms (2 busy cores): half a second of slack
        assert max_in_window(times, 10.0) <= LIMIT.burst + LIMIT.per_second * 10.5, kind


def test_eight_runners_sync_200_trackers_once_within_the_quota_and_digests_go_once(fleet):
    emu, smtp, _, url, tmp = fleet
    keys, config, env = _setup(fleet, 200)
    codes = _wait(start_runners("nightly", config, 8, env, tmp / "logs"))
    assert codes == [0] * 8, _logs(tmp)
    assert set(_per_sheet(emu, "meta")) == set(keys)
    assert set(_per_sheet(emu, "meta").values()) == {2} and set(_per_sheet(emu, "write").values()) == {1}
    _within_quota(emu)
    reads = [e.at for e in emu.request_log if e.method == "GET"]
    # the fleet runs at the quota, not far below: the runners share the buckets rather than idling
    assert len(reads) / (max(reads) - min(reads)) * 60 >= 0.6 * QUOTA
    store = open_store(url)
    rows = store.execute("SELECT shard, synced, failed, skipped, requests, finished FROM shard_runs "
                         "WHERE job = 'nightly'").fetchall()
    store.close()
    assert sorted(r["shard"] for r in rows) == list(range(8)) and all(r["finished"] for r in rows)
    assert sum(r["synced"] for r in rows) == 200 and sum(r["requests"] for r in rows) == len(emu.request_log)
    # the digest, shard by shard, for a part of the fleet (a digest costs about a second each on 2 cores)
    emu.request_log.clear()
    some = [f"campaign-{i:03d}" for i in range(0, 200, 12)]
    args = [a for name in some for a in ("--tracker", name)]
    assert _wait(start_runners("digest", config, 8, env, tmp / "logs", extra=args)) == [0] * 8, _logs(tmp)
    assert _wait(start_runners("digest", config, 8, env, tmp / "logs", extra=args)) == [0] * 8  # a rerun: nothing
    got = collections.Counter(r for _, rcpt, _ in smtp.messages for r in rcpt)
    assert got == collections.Counter({f"team-{name[9:]}@example.com": 1 for name in some})
    _within_quota(emu)


def test_a_runner_killed_mid_run_leaves_its_trackers_to_the_next_run_and_nothing_is_sent_twice(fleet):
    emu, smtp, _, url, tmp = fleet
    keys, config, env = _setup(fleet, 60, lease_seconds=2)
    procs = start_runners("nightly", config, 4, env, tmp / "logs")
    store = open_store(url)
    victim = procs[0]

    def done_by_shard_0() -> int:
        row = store.execute("SELECT synced FROM shard_runs WHERE job = 'nightly' AND shard = 0").fetchone()
        return row["synced"] if row else 0
    deadline = time.monotonic() + 120
    while done_by_shard_0() < 3 and time.monotonic() < deadline and victim.poll() is None:
        time.sleep(0.05)
    assert victim.poll() is None, "shard 0 finished before it could be killed"
    os.kill(victim.pid, signal.SIGKILL)
    assert _wait(procs[1:]) == [0] * 3
    before = _per_sheet(emu, "meta")
    assert len(before) < 60  # shard 0's rest is not done
    time.sleep(2.5)  # the dead runner's lease expires
    assert _wait(start_runners("nightly", config, 4, env, tmp / "logs", shards=[0])) == [0], _logs(tmp)
    after = _per_sheet(emu, "meta")
    assert set(after) == set(keys)
    twice = [k for k, n in after.items() if n > 2]  # a sync is two GETs of the spreadsheet
    assert len(twice) <= 1  # only the tracker shard 0 was in the middle of when it died is read again
    assert all(n == 1 for n in _per_sheet(emu, "write").values())  # and no sheet was written twice
    # the digest: kill a runner once it has sent something, run its shard again
    procs = start_runners("digest", config, 4, env, tmp / "logs")
    shard0 = {f"team-{i:03d}@example.com" for i in range(60)
              if __import__("sheetsync.jobs.shard", fromlist=["Shard"]).Shard(0, 4).owns(f"campaign-{i:03d}")}
    deadline = time.monotonic() + 120
    while not any(set(r) & shard0 for _, r, _ in list(smtp.messages)) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(procs[0].pid, signal.SIGKILL)
    _wait(procs[1:])
    time.sleep(2.5)
    _wait(start_runners("digest", config, 4, env, tmp / "logs", shards=[0]))
    got = collections.Counter(r for _, rcpt, _ in smtp.messages for r in rcpt)
    assert max(got.values()) == 1  # nothing sent twice
    missing = {f"team-{i:03d}@example.com" for i in range(60)} - set(got)
    # at most the message that was on its way when the runner died: its claim is still `pending` (or
    # `sending`), which the ledger never resends before the claim is stale
    assert len(missing) <= 1
    for address in missing:
        row = store.execute("SELECT state FROM ledger WHERE recipient = ?", (address,)).fetchone()
        assert row is not None and row["state"] in ("pending", "sending")
    store.close()
    assert TODAY
