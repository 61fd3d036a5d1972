"""Patch a 100k-row x 12-column workbook (Due/Health/Flags for every row, 3 rules, a report) and compare with
openpyxl load + save of the same file. Each measurement runs in its own process so peak RSS is its own.
Target: patch <= 0.2 x openpyxl's load + save time.

Run: .venv/bin/python -m bench.bench_patch [--rows 100000]"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).parent / "out"
HEAD = ["ID", "阶段", "任务", "详细内容", "负责人", "部门", "审核人", "前置任务", "工期", "截止日期", "完成状态", "备注"]


def make_workbook(path: Path, rows: int) -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("任务")
    ws.append(HEAD)
    start = dt.date(2026, 6, 1)
    for i in range(rows):
        ws.append([f"T-{i + 1}", "执行", f"任务 {i + 1}", "海报 1080x1920,两版", f"员工{i % 50}", "市场部", "李四",
                   f"T-{i}" if i else None, i % 7 + 1, start + dt.timedelta(days=i % 120),
                   ("未开始", "进行中", "已完成")[i % 3], None])
    wb.save(path)


def the_patch(rows: int):
    from sheetsync.xlsx.patch import CellWrite, ReportSpec, RuleSpec, WorkbookPatch, mark

    cells = [CellWrite(0, 12, "Due", bold=True), CellWrite(0, 13, "Health", bold=True),
             CellWrite(0, 14, "Flags", bold=True)]
    due = dt.date(2026, 6, 3)
    for r in range(1, rows + 1):
        cells.append(CellWrite(r, 12, due + dt.timedelta(days=r % 120), number_format="yyyy-mm-dd"))
        cells.append(CellWrite(r, 13, ("正常", "逾期", "即将到期")[r % 3]))
        cells.append(CellWrite(r, 14, "E-date" if r % 10 == 0 else None))
    last = rows + 201
    rules = [RuleSpec(f"A2:O{last}", mark('$N2="逾期"'), "E57373", "000000", stop_if_true=True),
             RuleSpec(f"A2:O{last}", mark('$N2="即将到期"'), "FFF2A8"),
             RuleSpec(f"O2:O{last}", mark('LEN($O2)>0'), None, "9C0006", bold=True, border_color="C00000")]
    report = ReportSpec("sheetsync", [["sheetsync report"], ["tasks", rows]], {}, [14, 16])
    return WorkbookPatch("任务", cells, rules, report)


def child(mode: str, path: Path, rows: int) -> dict:
    t0 = time.perf_counter()
    if mode == "patch_bytes":
        from sheetsync.xlsx.patch import patch_bytes
        out = patch_bytes(path.read_bytes(), the_patch(rows))
        extra = {"bytes_out": len(out)}
    elif mode == "apply_patch":
        from sheetsync.xlsx.safe_write import apply_patch
        res = apply_patch(path, the_patch(rows), backups=1)
        extra = {"changed": res.changed}
    elif mode == "apply_again":
        from sheetsync.xlsx.safe_write import apply_patch
        extra = {"changed": apply_patch(path, the_patch(rows), backups=1).changed}
    else:
        import openpyxl
        wb = openpyxl.load_workbook(path)
        wb.save(path.with_suffix(".openpyxl.xlsx"))
        extra = {}
    return {"mode": mode, "seconds": round(time.perf_counter() - t0, 2),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), **extra}


def run(mode: str, path: Path, rows: int) -> dict:
    proc = subprocess.run([sys.executable, "-m", "bench.bench_patch", "--child", mode, "--path", str(path),
                           "--rows", str(rows)], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[1])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--child")
    ap.add_argument("--path")
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, Path(args.path), args.rows)))
        return
    OUT.mkdir(exist_ok=True)
    source = OUT / f"patch-{args.rows}.xlsx"
    if not source.exists():
        make_workbook(source, args.rows)
    work = OUT / f"patch-{args.rows}-work.xlsx"
    results = []
    for mode in ("patch_bytes", "apply_patch", "apply_again", "openpyxl"):
        if mode != "apply_again":
            shutil.copy(source, work)
        results.append(run(mode, work, args.rows))
        print(json.dumps(results[-1], ensure_ascii=False), flush=True)
    base = results[-1]["seconds"]
    print(f"rows={args.rows} file={source.stat().st_size >> 20} MiB  patch_bytes/openpyxl={results[0]['seconds'] / base:.2f}"
          f"  apply_patch/openpyxl={results[1]['seconds'] / base:.2f}  (target <= 0.2)")


if __name__ == "__main__":
    main()
