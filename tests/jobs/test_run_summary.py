"""Run summaries say what happened: a tracker skipped because another runner holds its lease is counted as
skipped, not as a success, and the exit code says the run was not complete; one already done tonight is not
a reason for a failing exit."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

from support.jobs_fixtures import config_text
from sheetsync.jobs.runner import DONE, RunSummary, TrackerResult
from sheetsync.state import open_store
from sheetsync.state.leases import Leases
from sheetsync.templates import create_tracker

MONDAY = dt.date(2026, 11, 23)


def test_the_exit_code_counts_skips_that_leave_work_undone():
    done = RunSummary("nightly", [TrackerResult("a", "ok"), TrackerResult("b", "skipped", DONE)])
    assert done.exit_code == 0 and len(done.succeeded) == 1 and len(done.skipped) == 1
    leased = RunSummary("nightly", [TrackerResult("a", "ok"), TrackerResult("b", "skipped", "leased")])
    assert leased.exit_code == 1 and leased.incomplete == [leased.results[1]]


def test_a_leased_tracker_is_skipped_not_succeeded(tmp_path):
    for name in ("alpha", "beta"):
        create_tracker(tmp_path / f"{name}.xlsx", "campaign-launch", lang="en", today=MONDAY, scenario="demo")
    config = tmp_path / "sheetsync.toml"
    config.write_text(config_text([("alpha", "Asia/Shanghai"), ("beta", "Asia/Shanghai")]), encoding="utf-8")
    state = tmp_path / "state" / "state.db"
    other = Leases(open_store(state), "another-runner", ttl=600)
    assert other.take("alpha")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
    # the second run finds beta done tonight (skipped, not a failure) and alpha still leased
    for lang, want in (("en", "nightly: 1 of 2 trackers succeeded, 1 skipped."), ("zh", "2 个跟踪表中 0 个成功,2 个跳过")):
        out = subprocess.run([sys.executable, "-m", "sheetsync", "run", "nightly", "--config", str(config), "--shard",
                              "0/1", "--today", MONDAY.isoformat(), "--outbox", str(tmp_path / "notes"), "--lang",
                              lang], capture_output=True, text=True, env=env, timeout=120)
        assert out.returncode == 1, out.stdout + out.stderr
        assert want in out.stdout and "alpha" in out.stdout, out.stdout
    other.store.close()
