"""Run the real scheduler loop in its own process for the signal and lock tests (what `sheetsync schedule`
does, with a fixed clock: Monday 2026-11-23 09:30 Asia/Shanghai).

usage: python jobs_serve_script.py CONFIG busy|idle RELEASE_FILE
busy: this week's digest is unsent, so the catch-up runs a digest that waits until RELEASE_FILE exists.
idle: the digest was sent; the loop just waits."""
from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

from sheetsync.jobs import load_config
from sheetsync.jobs.eventlog import EventLog
from sheetsync.jobs.scheduler import serve
from sheetsync.model import SheetsyncError


def main() -> int:
    config_path, mode, release = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    clock = lambda: dt.datetime(2026, 11, 23, 1, 30, tzinfo=dt.timezone.utc)  # noqa: E731

    def digest(trackers, period):
        print(f"job started {period}", flush=True)
        while not release.exists():
            time.sleep(0.02)
        print(f"job finished {period}", flush=True)

    try:
        config = load_config(config_path)
        return serve(config, nightly=lambda trackers: None, digest=digest,
                     digest_sent=lambda tracker, period: mode == "idle", clock=clock, log=EventLog(clock=clock))
    except SheetsyncError as exc:  # what sheetsync.cli does with it
        print(f"sheetsync: {exc.en}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
