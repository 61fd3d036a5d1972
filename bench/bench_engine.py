"""Engine time (validate + derive, no I/O) and peak memory at 10k and 100k tasks. Target: 100k < 2 s.

Run: .venv/bin/python -m bench.bench_engine [--rows 10000 100000]"""
from __future__ import annotations

import argparse
import datetime as dt
import resource
import statistics
import time
from pathlib import Path

from sheetsync.engine import analyse
from sheetsync.xlsx.read import read_xlsx

from .trackers import write_tracker

OUT = Path(__file__).parent / "out"


def measure(n: int, runs: int = 3) -> dict:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"engine-{n}.xlsx"
    if not path.exists():
        write_tracker(path, n)
    t0 = time.perf_counter()
    wb = read_xlsx(path)
    read_s = time.perf_counter() - t0
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        report = analyse(wb, dt.date(2026, 9, 21))
        times.append(time.perf_counter() - t0)
    return {"rows": n, "read_s": read_s, "engine_s": statistics.median(times), "findings": len(report.findings),
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="*", default=[10_000, 100_000])
    args = ap.parse_args(argv)
    for n in args.rows:
        m = measure(n)
        print(f"{m['rows']:>7} rows  read {m['read_s']:.2f} s  engine {m['engine_s']:.2f} s (median of 3)  "
              f"findings {m['findings']}  peak RSS {m['peak_rss_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
