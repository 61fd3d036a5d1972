"""A fleet of runners sharing one PostgreSQL and one Google quota: 200 trackers of 500 rows in the
Sheets emulator, `sheetsync run nightly --shard I/N` with 1, 4 and 8 worker processes, a scaled-down quota so
the run takes minutes. Measured: wall time, requests per minute seen at the emulator against the quota
(reads and writes are separate quotas, as at Google), the most in any 60 s, the runners' CPU time,
and from the requests per tracker the time a fleet of 1,000 trackers needs at Google's own quota.

Writes its own section of bench/RESULTS.md (between the fleet markers), leaving the rest of the file alone.

Run: .venv/bin/python -m bench.bench_fleet [--trackers 200 --rows 500 --workers 1 4 8 --quota 600]"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sheets_emulator.server import SheetsEmulator

from .fleet_harness import max_in_window, runner_env, seed_trackers, stamp_requests, start_runners, write_config

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "RESULTS.md"
BEGIN, END = "<!-- fleet: written by bench/bench_fleet.py -->", "<!-- /fleet -->"
GOOGLE = {"read": (60, 300), "write": (60, 300)}  # per minute: per user (service account), per project


def postgres():
    sys.path.insert(0, str(ROOT / "tests"))
    from support.postgres_fixtures import PostgresServer  # the tests' own server: initdb + pg_ctl in a temp dir
    return PostgresServer()


def one_run(server, workers: int, trackers: int, rows: int, quota: float, scratch: Path) -> dict:
    url = server.new_database()
    with SheetsEmulator() as emu:
        stamp_requests(emu)
        keys = seed_trackers(emu, trackers, rows)
        config = write_config(scratch / f"fleet-{workers}.toml", keys, smtp_port=1, per_minute=quota)
        env = runner_env(emu, url)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        procs = start_runners("nightly", config, workers, env, scratch / f"logs-{workers}")
        codes = [p.wait() for p in procs]
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if codes != [0] * workers:
            raise SystemExit(f"runners failed: {codes}; see {scratch}")
        out = {"workers": workers, "wall": wall, "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
               "requests": len(emu.request_log)}
        for kind in ("read", "write"):
            times = [e.at for e in emu.request_log if (e.method != "GET") == (kind == "write")]
            span = max(times) - min(times)
            out[kind] = {"n": len(times), "per_minute": len(times) / span * 60 if span else 0.0,
                         "max60": max_in_window(times, 60.0)}
        return out


def fleet_minutes(per_tracker: dict, trackers: int, accounts: int) -> float:
    """Minutes for `trackers` at Google's quota with `accounts` service accounts in one project."""
    need = 0.0
    for kind, n in per_tracker.items():
        user, project = GOOGLE[kind]
        need = max(need, n * trackers / min(user * accounts, project))
    return need


def table(results: list[dict], args, per_tracker: dict) -> str:
    lines = [BEGIN, "## Fleet runs: several runners, one PostgreSQL, one quota", "",
             f"Measured by `python -m bench.bench_fleet` on {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC: "
             f"{args.trackers} trackers of {args.rows} rows in the Sheets emulator, the first nightly sync of each "
             f"(`sheetsync run nightly --shard I/N`, N runner processes at once), state in one PostgreSQL, quota "
             f"scaled to {args.quota:.0f} requests per minute for reads and for writes (Google: 60 per user, "
             "300 per project, each). The buckets let through at most the quota in any 60 s; a fleet should run "
             "at it while there is work. 2 shared cores: the emulator, PostgreSQL and the runners compete for them.",
             "", "| runners | wall time | reads/min (most in any 60 s) | writes/min (most in any 60 s) | "
                 "requests | CPU s (all runners) |", "|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['workers']} | {r['wall']:.1f} s | {r['read']['per_minute']:.0f} ({r['read']['max60']}) "
                     f"of {args.quota:.0f} | {r['write']['per_minute']:.0f} ({r['write']['max60']}) of {args.quota:.0f} "
                     f"| {r['requests']} | {r['cpu']:.1f} |")
    reads, writes = per_tracker["read"], per_tracker["write"]
    lines += ["", f"Requests per tracker (first sync): {reads:.2f} reads, {writes:.2f} writes. A fleet of 1,000 "
              "trackers at Google's quota (the slower of reads and writes; the project's 300 caps every account):", "",
              "| service accounts | minutes for 1,000 trackers |", "|---|---|"]
    for accounts in (1, 2, 5):
        lines.append(f"| {accounts} | {fleet_minutes(per_tracker, 1000, accounts):.1f} |")
    lines += ["", "The pods' CPU request in jobs/k8s/ comes from the CPU above; memory was not measured per runner.", END]
    return "\n".join(lines) + "\n"


def write_section(text: str) -> None:
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END) + r"\n?", re.S)
    new = pattern.sub(lambda m: text, old) if pattern.search(old) else old.rstrip("\n") + "\n\n" + text
    RESULTS.write_text(new, encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trackers", type=int, default=200)
    ap.add_argument("--rows", type=int, default=500)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 4, 8])
    ap.add_argument("--quota", type=float, default=600)
    ap.add_argument("--no-write", action="store_true", help="print the table, leave RESULTS.md alone")
    args = ap.parse_args(argv)
    server = postgres()
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-fleet-") as tmp:
            for w in args.workers:
                results.append(one_run(server, w, args.trackers, args.rows, args.quota, Path(tmp)))
                print(results[-1], flush=True)
    finally:
        server.stop()
    per_tracker = {k: results[0][k]["n"] / args.trackers for k in ("read", "write")}
    text = table(results, args, per_tracker)
    print(text)
    if not args.no_write:
        write_section(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
