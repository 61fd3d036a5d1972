"""Excel sync on a realistic tracker (bench/trackers.py) next to openpyxl load + save and a python-calamine read
of the same file. Every measurement runs in its own process, so its peak RSS is its own; time is measured inside
the process after imports (interpreter start-up and imports are the same for every user and are left out).

Modes (one child process each):
  sync        sheetsync.api.sync on a fresh copy: calamine read, engine, plan, package patch, verified safe
              write with backup, history record (the first sync of a tracker: every managed cell is written)
  resync      sheetsync.api.sync again on the synced copy: nothing changes, nothing is written
  openpyxl    openpyxl.load_workbook + save to another file
  calamine    python-calamine: open and read every worksheet to Python values (the floor)
  stages      the sync's own steps timed one by one (read, engine, plan, patch, verify): where the time goes

Run: .venv/bin/python -m bench.bench_excel [--rows 1000 20000] [--runs 3]"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).parent / "out"
TODAY = "2026-09-21"
MODES = ("sync", "resync", "openpyxl", "calamine")


def tracker(n: int) -> Path:
    """The pristine tracker with n tasks (made once, reused)."""
    from .trackers import write_tracker
    OUT.mkdir(exist_ok=True)
    path = OUT / f"tracker-{n}.xlsx"
    if not path.exists():
        tmp = path.with_suffix(".part.xlsx")
        write_tracker(tmp, n)
        tmp.replace(path)
    return path


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(mode: str, path: Path) -> dict:
    """One measurement in this (fresh) process."""
    extra: dict = {}
    if mode in ("sync", "resync"):
        from sheetsync import api
        # what api.sync imports lazily (the peers' imports are outside their timing too)
        import openpyxl  # noqa: F401  (the safe write checks openpyxl still opens the result)
        import sheetsync.history, sheetsync.planner, sheetsync.xlsx.write  # noqa: F401,E401
        state = path.parent / "state.db"
        t0 = time.perf_counter()
        result = api.sync(path, today=TODAY, state=state, backups=1)
        seconds = time.perf_counter() - t0
        extra = {"changed": result.changed, "cells": len(result.plan.cells), "findings": len(result.report.findings)}
    elif mode == "openpyxl":
        import openpyxl
        t0 = time.perf_counter()
        wb = openpyxl.load_workbook(path)
        wb.save(path.with_name(path.stem + ".openpyxl.xlsx"))
        seconds = time.perf_counter() - t0
    elif mode == "calamine":
        import python_calamine as pc
        t0 = time.perf_counter()
        wb = pc.CalamineWorkbook.from_path(str(path))
        cells = 0
        for name in wb.sheet_names:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            cells += sum(len(r) for r in rows)
        wb.close()
        seconds = time.perf_counter() - t0
        extra = {"cells": cells}
    elif mode == "stages":
        return {"mode": mode, **stages(path), "peak_rss_mib": round(_peak_mib())}
    else:
        raise SystemExit(f"unknown mode {mode}")
    return {"mode": mode, "seconds": seconds, "peak_rss_mib": round(_peak_mib()), **extra}


def stages(path: Path) -> dict:
    """The steps of api.sync for an Excel file, timed separately (same functions, same order)."""
    import datetime as dt
    import hashlib

    from sheetsync.xlsx.read import check_package
    from sheetsync import sources
    from sheetsync.engine import analyse
    from sheetsync.planner import build_plan
    from sheetsync.xlsx import patch as xlsx_patch
    from sheetsync.xlsx.write import to_patch
    from sheetsync.xlsx.safe_write import verify_output

    t: dict[str, float] = {}

    def timed(key, fn):
        def wrapper(*a, **kw):
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                t[key] = t.get(key, 0.0) + time.perf_counter() - t0
        return wrapper

    # sub-steps of the package patch, when the patcher still has them under these names
    for key, attr in (("patch: task sheet", "_patch_sheet_fast"), ("patch: report sheet", "report_xml"),
                      ("patch: zip deflate", "_assemble")):
        if hasattr(xlsx_patch, attr):
            setattr(xlsx_patch, attr, timed(key, getattr(xlsx_patch, attr)))
    day = dt.date.fromisoformat(TODAY)
    data = timed("check + hash", lambda: (check_package(path),
                                          hashlib.sha256(path.read_bytes()).hexdigest(), path.read_bytes())[2])()
    wb = timed("read (calamine -> rows)", sources.read)(path)
    report = timed("engine (validate + derive)", analyse)(wb, day)
    plan = timed("plan", build_plan)(report, wb, run_at=dt.datetime.combine(day, dt.time(9)))
    patch = timed("plan -> patch spec", to_patch)(plan)
    new = timed("patch package (total)", xlsx_patch.patch_bytes)(data, patch, name=path.name)
    out = path.with_name(path.stem + ".stages.xlsx")
    out.write_bytes(new)
    timed("verify (calamine re-read)", verify_output)(out, path, data, patch)
    out.unlink()
    return {"stages": t, "findings": len(report.findings), "cells": len(plan.cells)}


def run_child(mode: str, path: Path, timeout: float = 900) -> dict:
    proc = subprocess.run([sys.executable, "-m", "bench.bench_excel", "--child", mode, "--path", str(path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{mode} on {path.name} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(n: int, runs: int, *, with_stages: bool = False, log=print) -> dict:
    """Medians over `runs` rounds; each round runs every mode once, one after another (peers side by side)."""
    source = tracker(n)
    work = OUT / f"work-{n}"
    samples: dict[str, list[dict]] = {m: [] for m in MODES}
    for k in range(runs):
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        copy = work / "tracker.xlsx"
        shutil.copy(source, copy)
        for mode in MODES:
            if mode == "openpyxl" or mode == "calamine":
                target = work / f"{mode}.xlsx"
                shutil.copy(source, target)  # the same pristine file the sync started from
            else:
                target = copy
            res = run_child(mode, target)
            samples[mode].append(res)
            log(f"  excel {n:>7} run {k + 1}/{runs} {mode:<9} {res['seconds']:7.2f} s  {res['peak_rss_mib']:>5} MiB")
    out = {"rows": n, "runs": runs, "file_mib": source.stat().st_size / 2**20}
    for mode, rs in samples.items():
        out[mode] = {"seconds": statistics.median(r["seconds"] for r in rs),
                     "peak_rss_mib": statistics.median(r["peak_rss_mib"] for r in rs),
                     "all": [round(r["seconds"], 3) for r in rs]}
    first = samples["sync"][0]
    out["sync"].update(changed=first.get("changed"), cells=first.get("cells"), findings=first.get("findings"))
    out["resync"]["changed"] = any(r.get("changed") for r in samples["resync"])
    if with_stages:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        shutil.copy(source, work / "tracker.xlsx")
        out["stages"] = run_child("stages", work / "tracker.xlsx")
    shutil.rmtree(work, ignore_errors=True)
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[1000, 20000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--stages", action="store_true")
    ap.add_argument("--child")
    ap.add_argument("--path")
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, Path(args.path)), ensure_ascii=False))
        return
    for n in args.rows:
        print(json.dumps(measure(n, args.runs, with_stages=args.stages), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
