"""A fleet on one machine, for bench_fleet.py and tests/jobs/test_fleet_processes.py: N trackers in the Sheets
emulator, a fleet.toml pointing at them (shared PostgreSQL state, a local SMTP server, a scaled quota), K real
`sheetsync run ... --shard I/K` processes started at once, and the emulator's request rate per window."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

from sheetsync.engine.schema import header

from .trackers import FIELDS, rows

TODAY = "2026-09-21"


class StampedLog(list):
    """The emulator's request log with each request's arrival time (`.at`), for rates per minute."""

    def append(self, entry) -> None:
        entry.at = time.time()
        super().append(entry)


def stamp_requests(emu) -> None:
    emu.request_log = StampedLog(emu.request_log)


def seed_trackers(emu, n: int, rows_per: int) -> list[str]:
    """n spreadsheets of rows_per tasks each (different content per tracker); returns their keys."""
    keys = []
    campaign = [["名称", "大型活动"], ["上线日期", dt.date(2026, 10, 12)], ["结束日期", dt.date(2026, 10, 30)]]
    for i in range(n):
        table = [["大型活动任务跟踪表"], [], [header(f, "zh") for f in FIELDS]]
        for row in rows(rows_per, seed=i):
            table.append([row[f] if row[f] is not None else "" for f in FIELDS])
        keys.append(emu.create_spreadsheet(f"campaign-{i:03d}", sheets={"任务": table, "活动信息": campaign},
                                           rows=rows_per + 10))
    emu.request_log.clear()
    return keys


def write_config(path: Path, keys: list[str], *, smtp_port: int, per_minute: float, lease_seconds: float = 60) -> Path:
    """A fleet.toml: one tracker per key, each with its own team address; the state URL comes from
    SHEETSYNC_STATE (as in Kubernetes), the quota is `per_minute` for reads and writes alike."""
    q = per_minute
    out = [f'state = "state"\n\n[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\ntls = "none"\n'
           'from = "sheetsync@localhost"\n',
           f"[quota]\nwrite_per_user = {q}\nwrite_per_project = {q}\nread_per_user = {q}\nread_per_project = {q}\n"
           f"lease_seconds = {lease_seconds}\n"]
    for i, key in enumerate(keys):
        out.append(f'[[trackers]]\nname = "campaign-{i:03d}"\nsource = "gsheet:{key}"\ntimezone = "Asia/Shanghai"\n'
                   f'language = "zh"\nrecipients = ["team-{i:03d}@example.com"]\n')
    path.write_text("\n".join(out), encoding="utf-8")
    return path


def runner_env(emu, state_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JOB_COMPLETION_", "SHEETSYNC_"))}
    env.update(SHEETSYNC_SHEETS_ENDPOINT=emu.base_url, SHEETSYNC_STATE=state_url, PYTHONUNBUFFERED="1",
               SHEETSYNC_SHEETS_DEADLINE="600")
    env.pop("GOOGLE_APPLICATION_CREDENTIALS", None)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([root] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    return env


def start_runners(job: str, config: Path, count: int, env: dict, log_dir: Path, extra: list[str] = (),
                  shards: list[int] | None = None) -> list[subprocess.Popen]:
    """`sheetsync run JOB --shard I/count` for every I (or those of `shards`), all at once; output to
    log_dir/JOB-I.log."""
    log_dir.mkdir(parents=True, exist_ok=True)
    procs = []
    for i in (range(count) if shards is None else shards):
        log = open(log_dir / f"{job}-{i}.log", "ab")
        procs.append(subprocess.Popen([sys.executable, "-m", "sheetsync", "run", job, "--config", str(config),
                                       "--today", TODAY, "--shard", f"{i}/{count}", "--lang", "en", *extra],
                                      env=env, stdout=log, stderr=subprocess.STDOUT))
        log.close()
    return procs


def is_write(method: str) -> bool:
    return method != "GET"


def max_in_window(times: list[float], window: float) -> int:
    """The most requests in any `window` seconds."""
    times, best, j = sorted(times), 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - window:
            j += 1
        best = max(best, i - j + 1)
    return best


def rates(log, window: float = 60.0) -> dict:
    """Per kind (read/write): requests, the most in any `window` seconds, and the mean rate per minute over
    the time the fleet was sending."""
    out = {}
    for kind in ("read", "write"):
        times = [e.at for e in log if is_write(e.method) == (kind == "write")]
        span = (max(times) - min(times)) if len(times) > 1 else 0.0
        out[kind] = {"requests": len(times), "max_window": max_in_window(times, window),
                     "per_minute": len(times) / span * 60.0 if span else 0.0}
    return out
