"""`make bench`: every benchmark but the fleet one, each figure beside its peer measured in the same run,
written to one Markdown file (bench/RESULTS.md) with the machine, the versions and the date.

    .venv/bin/python -m bench                 # full run (about 15-20 minutes on 2 cores)
    .venv/bin/python -m bench --quick         # small sizes, one run each: a smoke test in a minute or two
    .venv/bin/python -m bench --only excel engine --out /tmp/r.md
    .venv/bin/python -m bench --only excel --rows 1000   # the 1k figures and the warm re-syncs alone
    .venv/bin/python -m bench --only fleet    # the fleet benchmark (bench_fleet.py, ~6 minutes; not in the
                                              # default run): rewrites only its own section of RESULTS.md

The Excel figures are whole processes as a user runs them (`python -m sheetsync sync FILE`, start-up, imports
and printing included) beside whole-process openpyxl and python-calamine runs; the warm figures are one long-running process (as the scheduler and a watch run it)
re-syncing the 1k tracker beside an in-process python-calamine read; per-run figures are written to
bench/out/results.json. Scratch files go to bench/out/ (git-ignored)."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "RESULTS.md"
PARTS = ("excel", "engine", "gsheets", "digest")  # the default run
OPTIONAL = ("fleet",)  # slow: only with --only fleet

FULL = {
    "excel": [(1_000, 7), (20_000, 3), (100_000, 3)],  # (rows, runs)
    "engine": (100_000, 5),
    "gsheets": [(10, 5, None), (1_000, 3, 100), (50_000, 1, 5)],  # (rows, runs, naive rows actually sent)
    "digest": (1_000, 3),
}
QUICK = {
    "excel": [(1_000, 1), (5_000, 1)],
    "engine": (10_000, 1),
    "gsheets": [(10, 1, None), (200, 1, 50)],
    "digest": (100, 1),
}
GIB = 1024
# the targets, whole process as a user runs it: (rows, what, peer, limit of the ratio)
TARGETS = [(1_000, "sync", "openpyxl", 0.5), (1_000, "sync", "calamine", 5), (100_000, "sync", "calamine", 3),
           (1_000, "validate", "calamine", 3)]
RSS_ROWS = 100_000
# inside a long-running process (the scheduler, a watch), rows: (what, limit of the ratio to calamine's read)
WARM_ROWS = 1_000
WARM_TARGETS = [("unchanged", "re-sync, nothing changed", 2), ("edit", "re-sync after one status edit", 3)]


# ---------------------------------------------------------------------------------------------- machine
def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = int(line.split()[1]) / 2**20
    except OSError:
        pass
    try:
        os_name = platform.freedesktop_os_release().get("PRETTY_NAME", "")
    except (OSError, AttributeError):
        os_name = ""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
    except OSError:
        commit = ""
    versions = {}
    for dist in ("sheetsync", "python-calamine", "openpyxl", "lxml", "pandas", "pandera", "numpy", "gspread",
                 "aiosmtpd"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "not installed"
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gib": ram, "os": f"{os_name} ({platform.platform()})".strip(),
            "python": platform.python_version(), "versions": versions, "commit": commit,
            "load": os.getloadavg() if hasattr(os, "getloadavg") else None}


# ---------------------------------------------------------------------------------------------- parts
def run_excel(sizes, log) -> list[dict]:
    from .bench_excel import measure, warm_child
    out = []
    for n, runs in sizes:
        log(f"excel sync, {n} rows, {runs} run(s)")
        out.append(measure(n, runs, with_stages=True, log=log))
        if n == WARM_ROWS:
            warm_runs = max(runs * 2, 5)
            log(f"excel warm re-syncs in one process, {n} rows, {warm_runs} of each")
            w = out[-1]["warm"] = warm_child(n, warm_runs)
            log(f"  unchanged {w['unchanged_s'] * 1000:.1f} ms, after one edit {w['edit_s'] * 1000:.1f} ms, "
                f"calamine read {w['calamine_s'] * 1000:.1f} ms")
    return out


def run_engine(spec, log) -> dict:
    import gc

    from sheetsync.engine import analyse
    from sheetsync.xlsx.read import read_xlsx

    from .bench_engine import OUT
    from .bench_pandera import measure as pandera_measure
    from .trackers import write_tracker
    n, runs = spec
    log(f"engine vs pandera, {n} tasks, {runs} run(s)")
    OUT.mkdir(exist_ok=True)
    path = OUT / f"engine-{n}.xlsx"
    if not path.exists():
        write_tracker(path, n)
    wb = read_xlsx(path)
    day = dt.date(2026, 9, 21)
    analyse(wb, day)  # warm-up: imports, regex compilation, caches that live for a process anyway
    engine, pandera = [], []
    pandera_measure(wb, 1)  # warm-up (imports)
    for k in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        report = analyse(wb, day)
        engine.append(time.perf_counter() - t0)
        gc.collect()
        p = pandera_measure(wb, 1)
        pandera.append(p["seconds"])
        log(f"  engine run {k + 1}/{runs}: engine {engine[-1]:.2f} s, pandera {pandera[-1]:.2f} s")
    return {"tasks": len(report.tasks), "runs": runs, "engine_s": statistics.median(engine),
            "engine_all": [round(x, 3) for x in engine], "findings": len(report.findings),
            "pandera_s": statistics.median(pandera), "pandera_all": [round(x, 3) for x in pandera],
            "pandera_frame_s": p["frame_s"], "pandera_failures": p["failure_cases"], "pandera_version": p["version"]}


def run_gsheets(sizes, log) -> list[dict]:
    from sheets_emulator import SheetsEmulator

    from sheetsync.model import SheetsyncError

    from .bench_gsheets import naive_run, sheetsync_run
    os.environ.pop("GOOGLE_APPLICATION_CREDENTIALS", None)
    old = os.environ.get("SHEETSYNC_SHEETS_ENDPOINT")
    out = []
    try:
        for n, runs, cap in sizes:
            log(f"google sheets, {n} rows, {runs} run(s)")
            s_runs, n_runs = [], []
            refused = None
            for k in range(runs):
                with SheetsEmulator() as emu:
                    os.environ["SHEETSYNC_SHEETS_ENDPOINT"] = emu.base_url
                    try:
                        s = sheetsync_run(emu, n)
                    except SheetsyncError as exc:  # a refusal is a result to report, not a crash of the run
                        refused = exc.en
                        log(f"  run {k + 1}/{runs}: sheetsync refused: {refused}")
                        break
                    nv = naive_run(emu, n, s["plan"], cap=cap)
                s.pop("plan")
                s_runs.append(s)
                n_runs.append(nv)
                log(f"  run {k + 1}/{runs}: sheetsync {s['requests']} req {s['time']:.2f} s (rerun {s['requests2']} req "
                    f"{s['time2']:.2f} s); naive {nv['sample_requests']} req for {nv['sent']} rows in {nv['sample_time']:.2f} s")
            if refused is not None:
                out.append({"rows": n, "runs": runs, "refused": refused})
                continue
            med = statistics.median
            out.append({"rows": n, "runs": runs,
                        "requests": max(s["requests"] for s in s_runs), "time": med(s["time"] for s in s_runs),
                        "requests2": max(s["requests2"] for s in s_runs), "time2": med(s["time2"] for s in s_runs),
                        "body_mb": max(s["body"] for s in s_runs) / 1e6, "cells": s_runs[0]["cells"],
                        "naive_requests": n_runs[0]["requests"], "naive_time": med(x["time"] for x in n_runs),
                        "naive_sent": n_runs[0]["sent"], "naive_rows": n_runs[0]["rows"],
                        "naive_extrapolated": n_runs[0]["extrapolated"]})
    finally:
        if old is None:
            os.environ.pop("SHEETSYNC_SHEETS_ENDPOINT", None)
        else:
            os.environ["SHEETSYNC_SHEETS_ENDPOINT"] = old
    return out


def run_digest(spec, log) -> dict:
    from .bench_digest import measure
    people, runs = spec
    log(f"digest, {people} personal digests, {runs} run(s)")
    rs = []
    for k in range(runs):
        rs.append(measure(people))
        log(f"  run {k + 1}/{runs}: build {rs[-1]['build_s']:.2f} s, send {rs[-1]['send_s']:.2f} s, "
            f"connections {rs[-1]['connections']}/{rs[-1]['server_sessions']}")
    med = statistics.median
    return {"people": people, "runs": runs, "build_s": med(r["build_s"] for r in rs),
            "send_s": med(r["send_s"] for r in rs), "total_s": med(r["total_s"] for r in rs),
            "connections": max(r["connections"] for r in rs), "server_sessions": max(r["server_sessions"] for r in rs),
            "sent": min(r["sent"] for r in rs), "received": min(r["received"] for r in rs),
            "failed": max(r["failed"] for r in rs), "messages": rs[0]["messages"]}


# ---------------------------------------------------------------------------------------------- report
def _s(x: float) -> str:
    return f"{x:.3f} s" if x < 1 else f"{x:.2f} s" if x < 100 else f"{x:.0f} s"


def _n(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def _r(x: float) -> str:
    """A ratio: two decimals, or two significant digits when it is tiny."""
    return f"{x:.2f}" if x >= 0.01 else f"{x:.1e}"


_PEER = {"openpyxl": "openpyxl load+save", "calamine": "python-calamine read"}


def _limit(rows: int, what: str, peer: str) -> str:
    return next((f"≤ {lim}" for r, w_, p, lim in TARGETS if (r, w_, p) == (rows, what, peer)), "—")


def _met(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**not met**")


def render(results: dict, info: dict, *, quick: bool, wall: float) -> str:
    L: list[str] = []
    w = L.append
    w("# sheetsync benchmarks")
    w("")
    command = info.get("command") or ("python -m bench --quick" if quick else "make bench")
    w(f"Generated by `{command}` on "
      f"{info['date']} (commit {info['commit'] or '?'}), whole run {wall / 60:.1f} min."
      + (" **Quick smoke run: small sizes, one run each; the targets apply to the full run.**" if quick else ""))
    w("")
    w(f"- Machine: {info['cpu']}, {info['cores']} cores, {info['ram_gib']:.1f} GiB RAM; {info['os']}"
      if info["ram_gib"] else f"- Machine: {info['cpu']}, {info['cores']} cores; {info['os']}")
    w(f"- Python {info['python']}; " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()))
    if info.get("load"):
        w(f"- Load average when the run started: {', '.join(f'{x:.2f}' for x in info['load'])} (other processes on "
          "the machine share its cores; medians damp that, they do not remove it)")
    w("- Figures are medians over the runs stated; each figure's peer was measured in the same run, interleaved "
      "(sheetsync, then the peer, on the same input).")
    w("")
    excel = results.get("excel") or []
    big = max(excel, key=lambda m: m["rows"]) if excel else None
    by_rows = {m["rows"]: m for m in excel}
    if excel:
        w("## Targets (whole process as a user runs it; warm: one long-running process)")
        w("")
        w("| target | sheetsync | peer | ratio | limit | |")
        w("|---|---|---|---|---|---|")
        for rows, what, peer, limit in TARGETS:
            m = by_rows.get(rows)
            label = f"`{what}` {_n(rows)} rows vs {_PEER[peer]}"
            if m is None:
                w(f"| {label} | not measured | | | ≤ {limit} | — |")
                continue
            a, b = m[what]["seconds"], m[peer]["seconds"]
            w(f"| {label} | {_s(a)} | {_s(b)} | {a / b:.2f} | ≤ {limit} | {_met(a / b <= limit)} |")
        warm = (by_rows.get(WARM_ROWS) or {}).get("warm")
        for key, label, limit in WARM_TARGETS:
            if not warm:
                w(f"| warm {label}, {_n(WARM_ROWS)} rows, in one process vs python-calamine read | not measured | | | "
                  f"≤ {limit} | — |")
                continue
            a, b = warm[f"{key}_s"], warm["calamine_s"]
            w(f"| warm {label}, {_n(WARM_ROWS)} rows, in one process vs python-calamine read (same process) | "
              f"{_s(a)} | {_s(b)} | {a / b:.2f} | ≤ {limit} | {_met(a / b <= limit)} |")
        m = by_rows.get(RSS_ROWS)
        rss = f"{m['sync']['peak_rss_mib']:.0f} MiB" if m else "not measured"
        w(f"| `sync` {_n(RSS_ROWS)} rows: peak RSS | {rss} | | | < 1 GiB | "
          f"{_met(m['sync']['peak_rss_mib'] < GIB) if m else '—'} |")
        w("")
    w("## Every measurement")
    w("")
    w("| measurement | sheetsync | peer | ratio | target | |")
    w("|---|---|---|---|---|---|")
    for m in excel:
        n, runs = m["rows"], m["runs"]
        s, v, o, c = (m[k]["seconds"] for k in ("sync", "validate", "openpyxl", "calamine"))
        w(f"| Excel `sync`, {_n(n)} rows ({m['file_mib']:.1f} MiB, median of {runs}) vs openpyxl load+save | "
          f"{_s(s)} | {_s(o)} | {s / o:.2f} | {_limit(n, 'sync', 'openpyxl')} | |")
        w(f"| Excel `sync`, {_n(n)} rows vs python-calamine read (floor) | {_s(s)} | {_s(c)} | {s / c:.1f} | "
          f"{_limit(n, 'sync', 'calamine')} | |")
        w(f"| Excel `validate`, {_n(n)} rows vs python-calamine read | {_s(v)} | {_s(c)} | {v / c:.1f} | "
          f"{_limit(n, 'validate', 'calamine')} | |")
        rss = m["sync"]["peak_rss_mib"]
        w(f"| Excel `sync`, {_n(n)} rows: peak RSS (own process) vs openpyxl / calamine | {rss:.0f} MiB | "
          f"{m['openpyxl']['peak_rss_mib']:.0f} / {m['calamine']['peak_rss_mib']:.0f} MiB | "
          f"{rss / m['openpyxl']['peak_rss_mib']:.2f} | {'< 1 GiB' if n == RSS_ROWS else '—'} | |")
        r = m["resync"]["seconds"]
        w(f"| Excel re-sync, {_n(n)} rows, nothing changed (no write) vs openpyxl load+save | {_s(r)} | {_s(o)} | "
          f"{r / o:.2f} | — | {'wrote nothing' if not m['resync']['changed'] else '**wrote**'} |")
    eng = results.get("engine")
    if eng:
        judged = not quick and eng["tasks"] >= 100_000
        w(f"| Engine validate+derive, {_n(eng['tasks'])} tasks in memory (median of {eng['runs']}) vs pandera "
          f"{eng['pandera_version']} lazy validation of the same column checks | {_s(eng['engine_s'])} | "
          f"{_s(eng['pandera_s'])} | {eng['engine_s'] / eng['pandera_s']:.2f} | {'< 2 s' if judged else '—'} | "
          f"{_met(eng['engine_s'] < 2) if judged else ''} |")
    gs = results.get("gsheets") or []
    for g in gs:
        if g.get("refused"):
            w(f"| Google Sheets sync, {_n(g['rows'])} rows (emulator) | refused | — | — | ≤ 4 | **not met**: "
              f"{g['refused']} |")
            continue
        mark = "~" if g["naive_extrapolated"] else ""
        w(f"| Google Sheets sync, {_n(g['rows'])} rows (emulator, median of {g['runs']}): HTTP requests vs naive "
          f"per-row gspread writer | {g['requests']} | {mark}{g['naive_requests']} | "
          f"{_r(g['requests'] / max(g['naive_requests'], 1))} | ≤ 4 | {_met(g['requests'] <= 4)} |")
        w(f"| Google Sheets sync, {_n(g['rows'])} rows: time vs naive writer | {_s(g['time'])} | {mark}{_s(g['naive_time'])} "
          f"| {_r(g['time'] / max(g['naive_time'], 1e-9))} | — | |")
        w(f"| Google Sheets re-sync, {_n(g['rows'])} rows, nothing changed: requests, time | {g['requests2']} req, "
          f"{_s(g['time2'])} | — | — | ≤ 4 | {_met(g['requests2'] <= 4)} |")
    dg = results.get("digest")
    if dg:
        w(f"| {dg['people']:,} personal digests rendered + sent to local aiosmtpd (median of {dg['runs']}): time | "
          f"{_s(dg['total_s'])} (build {_s(dg['build_s'])} + send {_s(dg['send_s'])}) | — | — | — | |")
        w(f"| {dg['people']:,} personal digests: SMTP connections (client / server sessions) | "
          f"{dg['connections']} / {dg['server_sessions']} | one per message: {dg['messages']} | "
          f"{_r(dg['connections'] / max(dg['messages'], 1))} | 1 | {_met(dg['connections'] == 1 and dg['server_sessions'] == 1)} |")
    w("")

    # ---- notes: what each row measured, and the causes of any gap
    w("## What was measured")
    w("")
    if excel:
        w("- **Excel.** A realistic tracker from `bench/trackers.py` (task sheet `任务` with a title row, 12 input "
          "columns, dependencies, time points, mixed statuses; campaign sheet `活动信息`). Every figure is a whole "
          "process as a user runs it, timed from outside (interpreter start-up, imports, the work and the text "
          "output to a file included; bytecode caches on, as for an installed package; one warm-up round not "
          "counted): `sync` is `python -m sheetsync sync COPY --today 2026-09-21` on a fresh copy, the first sync "
          "of the tracker, so every managed cell (计划截止/健康度/提示 on every row), the owned highlight rules and "
          "the report sheet are written: calamine read, engine, plan, package patch, safe write (temp file, fsync, "
          "lxml read-back of the managed cells and a CRC check of every zip member, backup, rename) and the "
          "history record. `re-sync` runs it again on the synced file. `validate` is `python -m sheetsync "
          "validate FILE`. openpyxl is `python -c` `load_workbook` + `save` of the same pristine file; calamine is "
          "`python -c` opening it and reading every worksheet to Python values. Peak RSS is each command's own "
          "(`ru_maxrss` from `os.wait4`, started from a bare interpreter so it does not inherit the benchmark's).")
        for m in excel:
            s = m["sync"]
            w(f"  - {_n(m['rows'])} rows: sync wrote {s.get('cells', '?')} cells, {s.get('findings', '?')} findings "
              f"in the report, printed {s['samples'][0]['stdout_lines']} lines; per-run seconds sync {s['all']}, "
              f"validate {m['validate']['all']}, re-sync {m['resync']['all']}, openpyxl {m['openpyxl']['all']}, "
              f"calamine {m['calamine']['all']}.")
    warm = next((m["warm"] for m in excel if m.get("warm")), None)
    if warm:
        w(f"- **Warm re-sync.** One process, as the scheduler and `sheetsync watch` run it "
          f"(`bench/bench_excel.py`, mode `warm`): `sheetsync.api.sync` of a {_n(WARM_ROWS)}-row tracker, first "
          f"sync and one re-sync not counted, then {warm['runs']} re-syncs with nothing changed and {warm['runs']} "
          f"re-syncs each after one status cell was typed over (the task sheet's XML rewritten in the package, as "
          f"a save does, outside the timing; each writes the few managed cells that change: {warm['edit_cells']} "
          f"cells, verified safe write, backup and history record included). The peer is python-calamine opening "
          f"the same file and reading every worksheet to Python values in the same process, before each re-sync. "
          f"Per-run seconds: unchanged {warm['unchanged_all']}, after an edit {warm['edit_all']}, calamine "
          f"{warm['calamine_all']}.")
    if eng:
        w(f"- **Engine.** `sheetsync.engine.analyse` on the workbook already in memory (read once with calamine, "
          f"as `bench/bench_engine.py` does): column conversion, every per-cell check, dependency graph and cycles, "
          f"due dates from time points over the working-day calendar, schedule pass, health; {eng['findings']} "
          f"findings. pandera ({eng['pandera_version']}, `DataFrameSchema.validate(lazy=True)`, see "
          f"`bench/bench_pandera.py`) checks the same columns: id unique, task/owner present, status present and an "
          f"accepted word, deadline/submitted a date, duration a number ≥ 0, time point a known form, depends-on ids "
          f"exist ({eng['pandera_failures']} failure cases: the tracker's cells are well-formed; its findings come from "
          f"the schedule, which pandera cannot see). pandera is timed on validation only: building the DataFrame from "
          f"the same rows ({_s(eng['pandera_frame_s'])}) is not counted, and it derives nothing. Per-run seconds: "
          f"engine {eng['engine_all']}, pandera {eng['pandera_all']}.")
    if gs:
        w("- **Google Sheets.** `sheetsync.api.sync('gsheet:KEY')` against the local emulator "
          "(`sheets_emulator`, real HTTP on 127.0.0.1), first sync of a freshly seeded sheet, then "
          "a re-sync. The naive peer is a gspread script that writes each task's managed cells with one "
          "`worksheet.update` per row (what a hand-written script does). Where marked `~` it sent only its first "
          "rows and the figure is scaled to all rows: the emulator copies the whole spreadsheet on every write, so "
          "per-row writes to a 50k-row sheet take seconds each here; on Google the binding limit is the quota of "
          "60 writes per minute per user (so 1k rows ≈ 17 min, 50k rows ≈ 14 h).")
        for g in gs:
            if g.get("refused"):
                w(f"  - {_n(g['rows'])} rows: sheetsync refused the sync ({g['refused']}).")
                continue
            w(f"  - {_n(g['rows'])} rows: {g['cells']} cells in one batch (largest request body {g['body_mb']:.2f} MB); "
              f"naive sent {g['naive_sent']} of {g['naive_rows']} rows.")
    if dg:
        w(f"- **Digest.** `build_digests(kinds='personal')` for {dg['people']:,} owners with 3 tasks each (HTML with "
          f"chart, plain text), then `deliver` to an aiosmtpd server on 127.0.0.1 (`bench/bench_digest.py`). "
          f"{dg['sent']} sent, {dg['received']} received, {dg['failed']} failed.")
    w("")
    staged = [m for m in excel if m.get("stages")]
    if staged:
        w("## Where a sync spends its time")
        w("")
        w("Interpreter start-up and imports are whole processes (`python -c pass`, and `python -c` importing the "
          "modules a sync loads, less the start-up); then one extra process runs the steps of a CLI sync one by one "
          "(same functions, same order, text output to a buffer). Seconds:")
        w("")
        w("| step | " + " | ".join(f"{_n(m['rows'])} rows" for m in staged) + " |")
        w("|---|" + "---|" * len(staged))
        for k in staged[-1]["stages"]["stages"]:
            w(f"| {k} | " + " | ".join(f"{m['stages']['stages'].get(k, 0):.3f}" for m in staged) + " |")
        w("")
    gaps = gap_notes(results, quick)
    if gaps:
        w("## Gaps and their causes")
        w("")
        for g in gaps:
            w(f"- {g}")
        w("")
    return "\n".join(L) + "\n"


def gap_notes(results: dict, quick: bool) -> list[str]:
    """For each target the run missed: the figures, the steps that take the time (from the stage timings)."""
    out = []
    excel = {m["rows"]: m for m in results.get("excel") or []}
    if quick or not excel:
        return out
    for rows, what, peer, limit in TARGETS:
        m = excel.get(rows)
        if m is None:
            continue
        a, b = m[what]["seconds"], m[peer]["seconds"]
        if a / b <= limit:
            continue
        text = (f"`{what}` at {_n(rows)} rows takes {_s(a)}, {a / b:.2f} times the {_PEER[peer]} ({_s(b)}; "
                f"limit {limit}): {_s(a - limit * b)} over.")
        st = (m.get("stages") or {}).get("stages")
        if st:
            steps = {k: v for k, v in st.items() if k != "patch package (total)"
                     and (what == "sync" or k in _VALIDATE_STEPS)}
            top = sorted(steps.items(), key=lambda kv: -kv[1])
            text += (" Its steps, largest first" + (" (imports: sync's modules, a few more than validate loads)"
                                                   if what == "validate" else "") + ": "
                     + ", ".join(f"{k} {_s(v)}" for k, v in top[:6]) + ". " + _closing(what, rows, st, a, b, limit))
        out.append(text)
    warm = (excel.get(WARM_ROWS) or {}).get("warm")
    for key, label, limit in WARM_TARGETS if warm else ():
        a, b = warm[f"{key}_s"], warm["calamine_s"]
        if a / b <= limit:
            continue
        text = (f"Warm {label} at {_n(WARM_ROWS)} rows takes {_s(a)}, {a / b:.2f} times the in-process "
                f"python-calamine read ({_s(b)}; limit {limit}).")
        if key == "edit":
            wr = warm.get("edit_write_s", 0.0)
            text += (f" The verified safe write takes {_s(wr)} of it (the package patch with the report sheet "
                     f"rebuilt, the lxml read-back of the written copy, fsync, backup, the sha256 compare before the "
                     f"exchange); the rest is the calamine read of the changed file, the table recognition again "
                     f"(the bytes changed, so nothing read before is reused), the engine, the plan and the history "
                     f"record. None of the write's checks is skipped for speed.")
        out.append(text)
    eng = results.get("engine")
    if eng and eng["tasks"] >= 100_000 and eng["engine_s"] >= 2:
        out.append(f"Engine at {_n(eng['tasks'])} tasks takes {_s(eng['engine_s'])} (target < 2 s).")
    big = excel.get(RSS_ROWS)
    if big and big["sync"]["peak_rss_mib"] >= GIB:
        out.append(f"Peak RSS of the {_n(RSS_ROWS)}-row sync is {big['sync']['peak_rss_mib']:.0f} MiB (target < 1 GiB).")
    return out


_VALIDATE_STEPS = ("interpreter start-up", "imports (sync's modules)", "read (calamine -> rows)",
                   "engine (validate + derive)", "print (text output)")


def _closing(what: str, rows: int, st: dict, seconds: float, peer: float, limit: float) -> str:
    """What would close the gap, from where the time goes."""
    fixed = st.get("interpreter start-up", 0) + st.get("imports (sync's modules)", 0)
    budget = limit * peer
    if rows <= 1_000:
        return (f"Start-up and imports{' (sync' + chr(39) + 's set; validate loads a few fewer)' if what == 'validate' else ''} "
                f"take {_s(fixed)} of the {_s(budget)} allowed: at this size the "
                f"command is mostly loading Python modules (the engine's module-level regexes and dataclasses, "
                f"OpenCC's dictionaries for Traditional Chinese headers, click, lxml, sqlite3). Closing it needs "
                f"fewer modules at start-up (compile the engine's patterns on first use, load OpenCC only for a "
                f"header with Traditional characters) or no start-up per tracker at all: `sheetsync schedule` and "
                f"`sheetsync run nightly` sync every tracker of a config in one process, where the imports are paid once.")
    work = {k: v for k, v in st.items() if k not in ("patch package (total)", "interpreter start-up",
                                                     "imports (sync's modules)")}
    big = sorted(work.items(), key=lambda kv: -kv[1])[:4]
    return (f"The work itself is over the budget ({_s(sum(work.values()))} of steps against {_s(budget)} "
            f"allowed); the largest are " + ", ".join(f"{k} ({_s(v)})" for k, v in big) + ". Each is Python work per "
            f"cell or per finding: the lxml read-back walks every row of the written sheet, the patch writes every "
            f"managed cell and the report sheet as XML text, the plan compares every managed cell, and the engine's "
            f"dependency-order checks build a finding per late link (tens of thousands here). Closing the gap to "
            f"3 times a compiled reader needs that per-cell work in compiled code (a Rust or C extension for the "
            f"sheet patch and read-back, column-wise plan and checks), not more tuning of the Python loops.")


FLEET_BEGIN, FLEET_END = "<!-- fleet: written by bench/bench_fleet.py -->", "<!-- /fleet -->"


def keep_fleet(text: str, old: Path) -> str:
    """The fleet section (written by bench_fleet.py, not part of this run) carried over from the old file."""
    prev = old.read_text(encoding="utf-8") if old.exists() else ""
    start, end = prev.find(FLEET_BEGIN), prev.find(FLEET_END)
    if start < 0 or end < 0:
        return text + ("\n## Fleet runs\n\nNot measured yet: `python -m bench --only fleet` writes this section.\n")
    return (text + "\n" + "Not part of `make bench` (about 6 minutes): `python -m bench --only fleet` rewrites this "
            "section alone; the table below is its last run.\n\n" + prev[start:end + len(FLEET_END)] + "\n")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0].replace("\n", " "),
                                 epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes, one run each (a smoke test)")
    ap.add_argument("--only", nargs="+", choices=PARTS + OPTIONAL, default=list(PARTS),
                    help="run only these parts; 'fleet' (not in the default run, ~6 min) runs bench/bench_fleet.py, "
                         "which rewrites only its own section of bench/RESULTS.md")
    ap.add_argument("--out", type=Path, default=None,
                    help="Markdown file to write (default bench/RESULTS.md for a full run; bench/out/RESULTS-quick.md or "
                         "RESULTS-partial.md for --quick or --only)")
    ap.add_argument("--rows", type=int, nargs="+", metavar="N",
                    help="Excel sizes to run (of the plan's: 1000 20000 100000); e.g. --only excel --rows 1000 on a "
                         "busy machine")
    ap.add_argument("--render", type=Path, metavar="JSON",
                    help="only rewrite the Markdown from a results JSON a previous run stored in bench/out")
    args = ap.parse_args(argv)
    if args.render:
        stored = json.loads(args.render.read_text(encoding="utf-8"))
        text = keep_fleet(render(stored["results"], stored["machine"], quick=stored.get("quick", False),
                                 wall=stored.get("wall") or 0.0), RESULTS)
        out = args.out or (Path(__file__).parent / "out" / "RESULTS-quick.md" if stored.get("quick") else RESULTS)
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}")
        return
    if "fleet" in args.only:
        from .bench_fleet import main as fleet_main
        fleet_main([])
        args.only = [p for p in args.only if p != "fleet"]
        if not args.only:
            return
    plan = dict(QUICK if args.quick else FULL)
    if args.rows:
        plan["excel"] = [(n, runs) for n, runs in plan["excel"] if n in args.rows] or [(n, 3) for n in args.rows]
    # never overwrite the full results with a partial run
    partial = args.quick or set(args.only) != set(PARTS) or bool(args.rows)
    out = args.out or (Path(__file__).parent / "out" / ("RESULTS-quick.md" if args.quick else "RESULTS-partial.md")
                       if partial else RESULTS)
    start = time.perf_counter()

    def log(msg: str) -> None:
        print(f"[{time.perf_counter() - start:6.0f} s] {msg}", flush=True)

    info = machine()
    info["date"] = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    if partial and not args.quick:  # a partial run says which parts it ran
        info["command"] = " ".join(["python -m bench", "--only", *args.only] + (["--rows", *map(str, args.rows)]
                                                                              if args.rows else []))
    results: dict = {}
    runners = {"excel": run_excel, "engine": run_engine, "gsheets": run_gsheets, "digest": run_digest}
    raw = Path(__file__).parent / "out" / ("results-quick.json" if args.quick else "results.json")
    raw.parent.mkdir(exist_ok=True)
    for part in PARTS:
        if part in args.only:
            results[part] = runners[part](plan[part], log)
            raw.write_text(json.dumps({"machine": info, "results": results, "quick": args.quick,  # kept if a later part fails
                                       "wall": time.perf_counter() - start}, ensure_ascii=False, indent=1,
                                      default=str), encoding="utf-8")
    wall = time.perf_counter() - start
    text = keep_fleet(render(results, info, quick=args.quick, wall=wall), RESULTS)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    raw.write_text(json.dumps({"machine": info, "results": results, "quick": args.quick, "wall": wall},
                              ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(text)
    log(f"wrote {out}")


if __name__ == "__main__":
    main()
