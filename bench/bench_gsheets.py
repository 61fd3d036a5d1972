"""Google Sheets sync against the local emulator: HTTP requests and time for 10, 1,000 and 50,000 tasks, next to a
naive gspread writer that sends one update per row (what a hand-written script usually does).

The naive writer is timed on its first NAIVE_CAP rows and extrapolated above that (marked '~'): at 50,000 rows it
would need 50,000 requests, i.e. hours at Google's 60 writes per minute per user.

"report lists" is findings listed in the report sheet / findings found: fewer means the list was cut to keep the
one batchUpdate under Google's 10 MB request limit, and the sheet's last line says how many are not shown.

Run: .venv/bin/python -m bench.bench_gsheets [--rows 10 1000 50000]"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import time

from sheets_emulator import SheetsEmulator
from sheets_emulator.client import gspread_client_for
from sheetsync import api
from sheetsync.engine.schema import header
from sheetsync.model import a1
from sheetsync.gsheets.http import body_bytes

from .trackers import FIELDS, rows

TODAY = "2026-09-21"
NAIVE_CAP = 300  # rows actually sent by the naive writer (fewer for big sheets, see naive_cap)
GOOGLE_WRITES_PER_MINUTE = 60  # per user: Google's published Sheets API write quota


def seed(emu: SheetsEmulator, n: int) -> str:
    table = [["大型活动任务跟踪表"], [], [header(f, "zh") for f in FIELDS]]
    for row in rows(n):
        table.append([row[f] if row[f] is not None else "" for f in FIELDS])
    campaign = [["名称", "大型活动"], ["上线日期", dt.date(2026, 10, 12)], ["结束日期", dt.date(2026, 10, 30)]]
    return emu.create_spreadsheet(f"bench-{n}", sheets={"任务": table, "活动信息": campaign}, rows=n + 10)


def sheetsync_run(emu: SheetsEmulator, n: int) -> dict:
    key = seed(emu, n)
    emu.request_log.clear()
    t0 = time.perf_counter()
    result = api.sync(f"gsheet:{key}", today=TODAY)
    first = time.perf_counter() - t0
    requests_first = len(emu.request_log)
    body = max((len(body_bytes(e.body)) for e in emu.request_log if e.method == "POST"), default=0)
    emu.request_log.clear()
    t0 = time.perf_counter()
    again = api.sync(f"gsheet:{key}", today=TODAY)
    second = time.perf_counter() - t0
    assert result.changed and not again.changed
    listed, total = report_listing(emu, key, result)
    return {"requests": requests_first, "time": first, "requests2": len(emu.request_log), "time2": second,
            "cells": len(result.plan.cells), "body": body, "plan": result.plan, "listed": listed, "findings": total}


def report_listing(emu: SheetsEmulator, key: str, result) -> tuple[int, int]:
    """(findings listed in the report sheet Google now holds, findings the plan's report has). Fewer listed
    means the list was cut to keep the batch under Google's request size limit; the sheet then says so in
    its last line."""
    from sheetsync.gsheets.batch import FINDINGS_START
    rows = emu.values(key, result.plan.report.title)
    listed = len(rows) - FINDINGS_START
    if rows and rows[-1] and str(rows[-1][0]).startswith("…"):
        listed -= 1
    return listed, len(result.plan.report.rows) - FINDINGS_START


def naive_cap(n: int) -> int:
    # every emulated write copies the whole spreadsheet (for atomicity), so big sheets get a smaller sample
    return NAIVE_CAP if n <= 1000 else 20


def naive_run(emu: SheetsEmulator, n: int, plan, cap: int | None = None) -> dict:
    key = seed(emu, n)
    ws = gspread_client_for(emu.base_url, timeout=60).open_by_key(key).worksheet("任务")
    cols = plan.columns
    by_row: dict[int, dict] = {}
    for c in plan.cells:
        if c.kind != "header":
            by_row.setdefault(c.row, {})[c.col] = c.value
    todo = sorted(by_row)[:cap or naive_cap(n)]
    emu.request_log.clear()
    t0 = time.perf_counter()
    left, right = min(cols.values()), max(cols.values())
    for r in todo:
        line = [by_row[r].get(c) for c in range(left, right + 1)]
        line = [v.isoformat() if isinstance(v, dt.date) else ("" if v is None else v) for v in line]
        ws.update(values=[line], range_name=f"{a1(r, left)}:{a1(r, right)}", value_input_option="RAW")
    spent = time.perf_counter() - t0
    total = len(by_row)
    scale = total / max(len(todo), 1)
    return {"requests": round(len(emu.request_log) * scale), "time": spent * scale, "extrapolated": scale > 1,
            "sent": len(todo), "rows": total, "sample_requests": len(emu.request_log), "sample_time": spent}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10, 1000, 50000])
    args = parser.parse_args(argv)
    os.environ.pop("GOOGLE_APPLICATION_CREDENTIALS", None)
    print(f"{'tasks':>7} | {'sheetsync req':>13} {'time s':>8} {'2nd run req':>11} {'time s':>7} {'batch MB':>8}"
          f" {'report lists':>15} | {'naive req':>10} {'time s':>9} {'at 60 writes/min':>16}")
    for n in args.rows:
        with SheetsEmulator() as emu:
            os.environ["SHEETSYNC_SHEETS_ENDPOINT"] = emu.base_url
            s = sheetsync_run(emu, n)
            nv = naive_run(emu, n, s["plan"])
        mark = "~" if nv["extrapolated"] else " "
        quota_min = nv["requests"] / GOOGLE_WRITES_PER_MINUTE
        print(f"{n:>7} | {s['requests']:>13} {s['time']:>8.2f} {s['requests2']:>11} {s['time2']:>7.2f}"
              f" {s['body'] / 1e6:>8.2f} {s['listed']:>7}/{s['findings']:<7}"
              f" | {mark}{nv['requests']:>9} {mark}{nv['time']:>8.1f} {quota_min:>13.0f} min")


if __name__ == "__main__":
    main()
