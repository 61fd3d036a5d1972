"""Several runners over one state store: shards, leases, skipping what is done, run summaries,
`sheetsync status`, and the shared quota's buckets. The per-tracker work is the runner's injected callable
(as in test_jobs_runner); the stores are real (SQLite file, PostgreSQL server)."""
from __future__ import annotations

import datetime as dt
import threading
import time

import pytest

from support.jobs_fixtures import make_config, memory_log
from sheetsync.jobs.fleet import Fleet
from sheetsync.jobs.fleet_status import fleet_status
from sheetsync.jobs.runner import NightlyOutcome, run_digest, run_nightly, DigestOutcome
from sheetsync.jobs.shard import Shard, stable_bucket
from sheetsync.model import SheetsyncError
from sheetsync.state import open_store
from sheetsync.state.leases import Leases
from sheetsync.state.quota import Limit, MemoryBucket, Quota, StoreBucket

DAY = dt.date(2026, 10, 12)
NAMES = [f"campaign-{i:03d}" for i in range(40)]


def test_shards_split_every_tracker_exactly_once_and_stably():
    for n in (1, 2, 4, 8):
        owners = {name: [i for i in range(n) if Shard(i, n).owns(name)] for name in NAMES}
        assert all(len(v) == 1 for v in owners.values())
    # sha256, not hash(): the same answer in every process and on every machine
    assert stable_bucket("campaign-000", 4) == int.from_bytes(
        __import__("hashlib").sha256(b"campaign-000").digest()[:8], "big") % 4
    sizes = [sum(Shard(i, 4).owns(n) for n in NAMES) for i in range(4)]
    assert min(sizes) >= 4  # spread, not all in one


def test_shard_from_text_and_from_an_indexed_job():
    assert Shard.parse("1/4") == Shard(1, 4) and str(Shard.parse(" 3 / 8 ")) == "3/8"
    assert Shard.from_env({"JOB_COMPLETION_INDEX": "2", "JOB_COMPLETION_COUNT": "5"}) == Shard(2, 5)
    assert Shard.from_env({}) is None
    for bad in ("4/4", "x", "1/0", "-1/2"):
        with pytest.raises(SheetsyncError) as err:
            Shard.parse(bad)
        assert "I/N" in err.value.en and "I/N" in err.value.zh


def _config(tmp_path, url, names=NAMES):
    cfg = make_config(tmp_path, trackers=[(n, "Asia/Shanghai") for n in names])
    if url:
        from dataclasses import replace
        cfg = replace(cfg, state_url=url)
    return cfg


def _target(cfg):
    from sheetsync.jobs.work import history_path
    return history_path(cfg)


def _nightly(cfg, shard, synced, fail=()):
    def sync_one(tracker, day):
        synced.append(tracker.name)
        if tracker.name in fail:
            raise RuntimeError("sheet gone")
        return NightlyOutcome(errors=frozenset())
    fleet = Fleet(cfg, shard, _target(cfg))
    try:
        return run_nightly(cfg, sync_one=sync_one, notify_owner=lambda *a: None, today=DAY,
                           log=memory_log(), fleet=fleet, store=fleet.errors)
    finally:
        fleet.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_four_shards_sync_each_tracker_once_and_a_rerun_skips_what_is_done(tmp_path, backend, request):
    url = request.getfixturevalue("postgres_url") if backend == "postgresql" else None
    cfg = _config(tmp_path, url)
    synced: list[str] = []
    summaries = [_nightly(cfg, Shard(i, 4), synced, fail={"campaign-007"}) for i in range(4)]
    assert sorted(synced) == sorted(NAMES)
    assert sum(len(s.results) for s in summaries) == len(NAMES)
    # a retried pod (same shard, same night) does again only what failed
    again: list[str] = []
    retry = [_nightly(cfg, Shard(i, 4), again) for i in range(4)]
    assert again == ["campaign-007"]
    assert sum(r.status == "skipped" for s in retry for r in s.results) == len(NAMES) - 1
    lines = fleet_status(cfg, _target(cfg), "en", dt.timezone.utc)
    assert lines[0] == "nightly 2026-10-12: 4 shards"
    shard_lines = [x for x in lines if x.startswith("  shard ")]
    assert len(shard_lines) == 8 and all("finished" in x for x in shard_lines)
    assert any("failed: campaign-007: RuntimeError: sheet gone" in x for x in lines)
    zh = fleet_status(cfg, _target(cfg), "zh", dt.timezone.utc)
    assert zh[0] == "nightly 2026-10-12:4 个分片" and any("同步 1 个,失败 0 个" in x for x in zh)


def test_status_before_any_run_says_so(tmp_path):
    cfg = _config(tmp_path, None)
    assert fleet_status(cfg, _target(cfg), "en", dt.timezone.utc)[0].startswith("No fleet run recorded yet")


def test_a_tracker_leased_by_a_live_runner_is_skipped_then_taken_over_after_expiry(tmp_path, postgres_url):
    cfg = _config(tmp_path, postgres_url, names=["alpha", "beta"])
    other = Leases(open_store(postgres_url), "other-pod", ttl=1.5)
    assert other.take("alpha")
    synced: list[str] = []
    summary = _nightly(cfg, None, synced)
    assert synced == ["beta"]
    assert [(r.tracker, r.status, r.detail) for r in summary.results if r.status == "skipped"] == \
        [("alpha", "skipped", "leased")]
    time.sleep(1.6)  # the other pod died: its lease expires by the database's clock
    assert _nightly(cfg, None, synced).failed == [] and synced == ["beta", "alpha", "beta"]
    other.store.close()


def test_a_lease_is_renewed_while_the_work_goes_on(postgres_url):
    a = Leases(open_store(postgres_url), "a", ttl=0.6, reopen=lambda: open_store(postgres_url))
    b = Leases(open_store(postgres_url), "b", ttl=0.6)
    with a.held("t") as got:
        assert got
        time.sleep(1.5)  # longer than the ttl: only the renewals keep it
        assert not b.take("t") and a.holder_of("t") == "a"
    assert a.holder_of("t") is None and b.take("t")  # released on exit


def test_digest_shards_each_send_once(tmp_path, postgres_url):
    cfg = _config(tmp_path, postgres_url)
    sent: list[str] = []

    def digest_one(tracker, period, day):
        sent.append(tracker.name)
        return DigestOutcome(sent=1)
    for _ in range(2):  # the whole job twice: the second finds every tracker done for the period
        for i in range(3):
            fleet = Fleet(cfg, Shard(i, 3), postgres_url)
            run_digest(cfg, digest_one=digest_one, today=DAY, log=memory_log(), fleet=fleet)
            fleet.close()
    assert sorted(sent) == sorted(NAMES)
    assert fleet_status(cfg, postgres_url, "en", dt.timezone.utc)[0] == "digest 2026-W42: 3 shards"


def _max_in_any_window(times: list[float], window: float) -> int:
    times, best, j = sorted(times), 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - window:
            j += 1
        best = max(best, i - j + 1)
    return best


def test_a_memory_bucket_never_lets_more_than_the_limit_through_in_any_minute():
    now = [0.0]
    bucket = MemoryBucket(Limit(120), clock=lambda: now[0])
    quota = Quota({"write": [bucket], "read": []}, sleep=lambda s: now.__setitem__(0, now[0] + s))
    stamps = []
    for _ in range(600):
        quota.take(True)
        stamps.append(now[0])
    assert _max_in_any_window(stamps, 60.0) <= 120
    rate = 600 / (stamps[-1] / 60.0)  # requests per minute over the whole run: at the limit, not far below
    assert 100 <= rate <= 120


def test_runners_sharing_a_postgres_bucket_stay_within_it_together(postgres_url):
    limit = Limit(240)  # 4 a second, shared by 6 threads, each with its own connection
    stamps: list[float] = []
    lock = threading.Lock()

    def runner():
        store = open_store(postgres_url)
        store.migrate()
        quota = Quota({"write": [StoreBucket(store, "write:user:sa", limit)], "read": []})
        for _ in range(5):
            quota.take(True)
            with lock:
                stamps.append(time.monotonic())
        store.close()
    threads = [threading.Thread(target=runner) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(stamps) == 30
    # burst of 4, then 236/60 per second: 30 takes need at least (30 - 4) / 3.93 s
    span = max(stamps) - min(stamps)
    assert span >= (30 - limit.burst) / limit.per_second - 0.3
    assert _max_in_any_window(stamps, 1.0) <= limit.burst + limit.per_second + 1
