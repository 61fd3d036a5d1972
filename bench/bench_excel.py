"""Excel sync and validate on a realistic tracker (bench/trackers.py) next to openpyxl load + save and a
python-calamine read of the same file, each as a user runs it: a whole process (interpreter start-up, imports,
the work, printing to a pipe), timed from outside; peak RSS is that process's own (os.wait4).

Modes (one process each, run side by side in every round):
  sync        `python -m sheetsync sync COPY --today T`: read, engine, plan, package patch, verified safe write
              with backup, history record, text output (the first sync of a tracker: every managed cell written)
  resync      the same command again on the synced copy: nothing changes, nothing is written
  validate    `python -m sheetsync validate FILE --today T`: read, engine, text output
  openpyxl    `python -c` openpyxl.load_workbook + save to another file
  calamine    `python -c` python-calamine: open and read every worksheet to Python values (the floor)
  stages      one extra in-process run of the sync's own steps, timed one by one: where the time goes
  warm        one process syncing the same file again and again, as the scheduler and a watch do:
              re-syncs with nothing changed, and re-syncs after one status edit (a cell rewritten in the
              package as a save does, outside the timing), each beside an in-process python-calamine read

Run: .venv/bin/python -m bench.bench_excel [--rows 1000 20000] [--runs 3] [--stages]"""
from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).parent / "out"
TODAY = "2026-09-21"
MODES = ("sync", "resync", "validate", "openpyxl", "calamine")
OPENPYXL = "import sys, openpyxl; wb = openpyxl.load_workbook(sys.argv[1]); wb.save(sys.argv[2])"
CALAMINE = ("import sys, python_calamine as pc\n"
            "wb = pc.CalamineWorkbook.from_path(sys.argv[1])\n"
            "cells = sum(len(r) for n in wb.sheet_names for r in wb.get_sheet_by_name(n).to_python(skip_empty_area=False))\n"
            "wb.close()\n"
            "print(cells)")
IMPORTS = "import sheetsync.cli, sheetsync.api, sheetsync.plan, sheetsync.xlsx.write, sheetsync.history"


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


def child_env() -> dict:
    """The environment a user's shell gives: bytecode caches on (an installed package has them), no test knobs."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE" and not k.startswith("SHEETSYNC_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    return env


def command(mode: str, path: Path) -> list[str]:
    py = sys.executable
    if mode in ("sync", "resync"):
        return [py, "-m", "sheetsync", "sync", str(path), "--today", TODAY]
    if mode == "validate":
        return [py, "-m", "sheetsync", "validate", str(path), "--today", TODAY]
    if mode == "openpyxl":
        return [py, "-c", OPENPYXL, str(path), str(path.with_name(path.stem + ".openpyxl.xlsx"))]
    if mode == "calamine":
        return [py, "-c", CALAMINE, str(path)]
    raise ValueError(mode)


# Started from the benchmark's own (large) process, a child's peak RSS would start at the parent's: Linux keeps
# the high-water mark of the memory image a process replaces at exec. A bare interpreter in between starts the
# measured command (so its mark starts at ~10 MiB, below any command's own) and reports wall time and rusage.
LAUNCHER = ("import os, sys, time\n"
            "t0 = time.perf_counter()\n"
            "pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)\n"
            "_, status, usage = os.wait4(pid, 0)\n"
            "seconds = time.perf_counter() - t0\n"
            "with open(sys.argv[1], 'w') as fh:\n"
            "    fh.write(f'{seconds} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}')\n")


def run_process(argv: list[str], *, cwd: Path) -> dict:
    """Wall time from start to exit, the command's own peak RSS, its exit status and how much it printed."""
    out, err, stat = cwd / "stdout.txt", cwd / "stderr.txt", cwd / "launcher.txt"
    with out.open("wb") as fo, err.open("wb") as fe:
        subprocess.run([sys.executable, "-c", LAUNCHER, str(stat), *argv], stdout=fo, stderr=fe, cwd=cwd,
                       env=child_env(), check=True)
    seconds, rss_kib, code = stat.read_text().split()
    text = err.read_text(encoding="utf-8", errors="replace")
    if int(code) not in (0, 1) or "Traceback" in text:  # 1: the tracker has errors, which it does
        raise RuntimeError(f"{' '.join(argv[:5])} exited {code}:\n{text[-3000:]}")
    printed = out.read_bytes()
    return {"seconds": float(seconds), "peak_rss_mib": round(int(rss_kib) / 1024), "exit": int(code),
            "stdout_bytes": len(printed), "stdout_lines": printed.count(b"\n")}


def measure(n: int, runs: int, *, with_stages: bool = False, log=print) -> dict:
    """Medians over `runs` rounds after one warm-up round; each round runs every mode once, one after another,
    on fresh copies of the same pristine file (peers side by side)."""
    source = tracker(n)
    work = OUT / f"work-{n}"
    samples: dict[str, list[dict]] = {m: [] for m in MODES}
    for k in range(runs + 1):  # round 0 warms the page cache and the bytecode caches; it is not counted
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        copy = work / "tracker.xlsx"
        shutil.copy(source, copy)
        for mode in MODES:
            if mode in ("sync", "resync"):
                target = copy
            else:
                target = work / f"{mode}.xlsx"
                shutil.copy(source, target)  # the same pristine file the sync started from
            res = run_process(command(mode, target), cwd=work)
            if mode == "sync":
                res["changed"], synced = copy.read_bytes() != source.read_bytes(), copy.read_bytes()
            elif mode == "resync":
                res["changed"] = copy.read_bytes() != synced
            if k == 0:
                continue
            samples[mode].append(res)
            log(f"  excel {n:>7} run {k}/{runs} {mode:<9} {res['seconds']:7.2f} s  {res['peak_rss_mib']:>5} MiB")
    out = {"rows": n, "runs": runs, "file_mib": source.stat().st_size / 2**20}
    for mode, rs in samples.items():
        out[mode] = {"seconds": statistics.median(r["seconds"] for r in rs),
                     "peak_rss_mib": statistics.median(r["peak_rss_mib"] for r in rs),
                     "all": [round(r["seconds"], 3) for r in rs], "samples": rs}
    for mode in ("sync", "resync"):
        out[mode]["changed"] = any(r["changed"] for r in samples[mode])
    out["sync"]["changed_every_run"] = all(r["changed"] for r in samples["sync"])
    out["stages"] = stages_child(n, work, source) if with_stages else None
    if out["stages"]:
        out["sync"].update(cells=out["stages"]["cells"], findings=out["stages"]["findings"])
    shutil.rmtree(work, ignore_errors=True)
    return out


def stages_child(n: int, work: Path, source: Path) -> dict:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copy(source, work / "tracker.xlsx")
    imports = statistics.median(run_process([sys.executable, "-c", IMPORTS], cwd=work)["seconds"] for _ in range(3))
    bare = statistics.median(run_process([sys.executable, "-c", "pass"], cwd=work)["seconds"] for _ in range(3))
    proc = subprocess.run([sys.executable, "-m", "bench.bench_excel", "--child", "stages", "--path",
                           str(work / "tracker.xlsx")], capture_output=True, text=True, cwd=ROOT, env=child_env(),
                          timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(f"stages failed:\n{proc.stderr[-3000:]}")
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["stages"] = {"interpreter start-up": bare, "imports (sync's modules)": max(imports - bare, 0.0),
                     **res["stages"]}
    return res


WARM_RUNS = 15
STATUS_COL = "K"  # bench/trackers.py: the status is the 11th column of the task sheet (the first sheet)
DONE, OPEN = "已完成", "进行中"


def calamine_read(path: Path) -> float:
    """Seconds for python-calamine to open the file and read every worksheet to Python values, in-process."""
    import python_calamine as pc
    t0 = time.perf_counter()
    wb = pc.CalamineWorkbook.from_path(str(path))
    sum(len(r) for n in wb.sheet_names for r in wb.get_sheet_by_name(n).to_python(skip_empty_area=False))
    wb.close()
    return time.perf_counter() - t0


def set_status(path: Path, row: int, word: str) -> None:
    """One status cell typed over, as a person's save would leave it: the task sheet's XML rewritten at the
    string level, every other part of the package as it was."""
    import re
    import zipfile
    from xml.sax.saxutils import escape
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as zf:
        parts = [(info, zf.read(info)) for info in zf.infolist()]
    cell = re.compile(rb'<c r="%s%d"[^>]*?(?:/>|>.*?</c>)' % (STATUS_COL.encode(), row))
    new = f'<c r="{STATUS_COL}{row}" t="inlineStr"><is><t>{escape(word)}</t></is></c>'.encode()
    tmp = path.with_suffix(".edit.xlsx")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in parts:
            if info.filename == sheet:
                data, hits = cell.subn(new, data, count=1)
                if hits != 1:
                    raise RuntimeError(f"no status cell {STATUS_COL}{row} in {sheet}")
            out.writestr(info, data)
    os.replace(tmp, path)


def warm(path: Path, runs: int = WARM_RUNS) -> dict:
    """In one process, as the scheduler and a watch run it: the first sync, then `runs` re-syncs with nothing
    changed and `runs` re-syncs each after one status edit, every one beside a calamine read of the same file."""
    import datetime as dt

    from sheetsync import api
    from sheetsync.xlsx.backend import ExcelFile
    writing: list[float] = []
    write = ExcelFile.write

    def timed_write(self, plan):  # where an edit's re-sync spends its time: the verified write apart
        t0 = time.perf_counter()
        try:
            return write(self, plan)
        finally:
            writing.append(time.perf_counter() - t0)
    ExcelFile.write = timed_write
    api.sync(path, today=TODAY)  # the first sync: writes every managed cell
    api.sync(path, today=TODAY)  # the first re-sync pays for what a long-running process keeps
    same, edit, floor, floor_edit, wrote = [], [], [], [], []
    for k in range(runs):
        floor.append(calamine_read(path))
        t0 = time.perf_counter()
        res = api.sync(path, today=TODAY)
        same.append(time.perf_counter() - t0)
        if res.changed:
            raise RuntimeError("a re-sync with nothing changed wrote the tracker")
    first = 5  # bench/trackers.py: the header is row 3; task rows below it
    writing.clear()
    for k in range(runs):
        row = first + 37 * k % 900
        before = api.validate(path, today=TODAY)
        task = next(t for t in before.tasks if t.row == row)
        set_status(path, row, OPEN if task.status == "done" else DONE)
        floor_edit.append(calamine_read(path))
        t0 = time.perf_counter()
        res = api.sync(path, today=TODAY)
        edit.append(time.perf_counter() - t0)
        wrote.append(len(res.plan.cells))
    med = statistics.median
    return {"runs": runs, "unchanged_s": med(same), "unchanged_all": [round(x, 4) for x in same],
            "edit_s": med(edit), "edit_all": [round(x, 4) for x in edit], "calamine_s": med(floor + floor_edit),
            "calamine_all": [round(x, 4) for x in floor + floor_edit], "edit_cells": wrote,
            "edit_write_s": med(writing) if writing else 0.0,
            "at": dt.datetime.now().isoformat(timespec="seconds")}


def warm_child(n: int, runs: int = WARM_RUNS) -> dict:
    """The warm figures from a fresh process of their own (not the benchmark's, which imported much more)."""
    work = OUT / f"warm-{n}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copy(tracker(n), work / "tracker.xlsx")
    proc = subprocess.run([sys.executable, "-m", "bench.bench_excel", "--child", "warm", "--path",
                           str(work / "tracker.xlsx"), "--runs", str(runs)], capture_output=True, text=True,
                          cwd=ROOT, env=child_env(), timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(f"warm failed:\n{proc.stderr[-3000:]}")
    shutil.rmtree(work, ignore_errors=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def stages(path: Path) -> dict:
    """The steps of a CLI sync of an Excel file, timed separately (same functions, same order)."""
    import contextlib
    import datetime as dt
    import hashlib

    from sheetsync import registry
    from sheetsync.engine import analyse
    from sheetsync.history import record_sync
    from sheetsync.planner import build_plan
    from sheetsync.render import print_text
    from sheetsync.xlsx import patch as xlsx_patch
    from sheetsync.xlsx import safe_write
    from sheetsync.xlsx.read import check_package
    from sheetsync.xlsx.write import to_patch

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
    wb = timed("read (calamine -> rows)", registry.read)(path)
    report = timed("engine (validate + derive)", analyse)(wb, day)
    plan = timed("plan", build_plan)(report, wb, run_at=dt.datetime.combine(day, dt.time(9)))
    patch = timed("plan -> patch spec", to_patch)(plan)
    new = timed("patch package (total)", xlsx_patch.patch_bytes)(data, patch, name=path.name)
    out = timed("write temp + fsync", safe_write._write_temp)(path, new, mode_from=path)
    timed("verify (lxml read-back)", safe_write.verify_output)(out, path, data, patch)
    timed("backup + rename", lambda: (safe_write._backup(path, data, 1), os.replace(out, path)))()
    timed("history record", record_sync)(path, report, state=path.parent / "state.db",
                                         at=dt.datetime.combine(day, dt.time(9)))
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink):  # not a terminal, as in the timed runs: plain lines
        timed("print (text output)", print_text)(report)
    return {"stages": t, "findings": len(report.findings), "cells": len(plan.cells),
            "printed_lines": sink.getvalue().count("\n")}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[1000, 20000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--stages", action="store_true")
    ap.add_argument("--child")
    ap.add_argument("--path")
    args = ap.parse_args(argv)
    if args.child == "warm":
        print(json.dumps(warm(Path(args.path), args.runs), ensure_ascii=False))
        return
    if args.child:
        print(json.dumps(stages(Path(args.path)), ensure_ascii=False))
        return
    for n in args.rows:
        print(json.dumps(measure(n, args.runs, with_stages=args.stages), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
