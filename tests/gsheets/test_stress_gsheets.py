"""`make stress`: Google Sheets sync under many random fault storms and people inserting rows mid-sync, against
the local emulator (emulator/sheets_emulator). tests/gsheets/test_gsheets_faults.py and tests/gsheets/test_gsheets_sync.py prove each
fault once; here each is drawn at random, many seeds over, and every run is checked for the same promises:

- bounded time: a sync returns or fails within its RetryPolicy deadline plus one request timeout;
- it either succeeds, or fails with a one-line SheetsyncError (sheets-unavailable, sheet-busy);
- nothing in the wrong row: every Due cell sheetsync wrote equals the deadline typed in ITS OWN row, and
  every Health cell is the health of the task in that row;
- after a success the sheet is complete (every task row has its managed cells) and a plain re-sync writes
  nothing; after a failure, one sync with the faults gone puts everything right.
"""
from __future__ import annotations

import datetime as dt
import random
import threading
import time

import pytest

import sheetsync.api as api
from support.gsheets_fixtures import emu  # noqa: F401
from sheetsync.model import SheetsyncError
from sheetsync.gsheets.http import RetryPolicy

pytestmark = pytest.mark.stress

D = dt.date
TODAY = "2026-09-21"
EPOCH = D(1899, 12, 30)
SHEET = "任务"
HEAD = ["ID", "任务", "负责人", "截止日期", "完成状态"]
STATUSES = ["未开始", "进行中", "已完成", "受阻", "待审核"]
HEALTH_ZH = {"done": "已完成", "late": "逾期", "unreviewed": "待审核超时", "blocked": "受阻", "at-risk": "有风险",
             "due-soon": "即将到期", "invalid": "数据有误", "ok": "正常"}
QUICK = RetryPolicy(tries=4, deadline=8.0, base=0.01, cap=0.1, timeout=(1.0, 0.6))
BOUND = QUICK.deadline + QUICK.timeout[0] + QUICK.timeout[1] + 3.0  # one request may start just before the deadline


def _rows(rng: random.Random, n: int) -> list[list]:
    rows = [HEAD]
    for i in range(n):
        rows.append([f"T{i}", f"任务{i}", "张三", D(2026, 8, 1) + dt.timedelta(days=rng.randrange(120)),
                     rng.choice(STATUSES)])
    return rows


def _serial(v) -> int | None:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return int(v)
    if isinstance(v, dt.date):
        return (v - EPOCH).days
    return None


def _check_rows(emu, key, *, complete: bool) -> int:
    """Nothing in the wrong row: each written Due equals the deadline of its own row; after a complete sync each
    Health is also the health of that row's task (from validate on the sheet as it is now; before it, a Health
    cell may be an earlier run's, right row but older day). Returns the rows checked."""
    values = emu.values(key, SHEET)
    head = values[0]
    if "计划截止" not in head:  # nothing written yet
        assert not complete
        return 0
    due_c, health_c = head.index("计划截止"), head.index("健康度")
    truth = {t.id: t for t in api.validate(f"gsheet:{key}", today=TODAY).tasks}
    checked = 0
    for r, row in enumerate(values[1:], 2):
        row = row + [""] * (len(head) - len(row))
        if not row[0]:
            continue
        due, health = row[due_c], row[health_c]
        if due == "" and health == "":
            assert not complete, f"row {r} ({row[0]}) has no managed cells after a successful sync"
            continue
        assert _serial(due) == _serial(row[3]), f"row {r} ({row[0]}): Due {due} is not this row's deadline {row[3]}"
        if complete:
            assert health == HEALTH_ZH[truth[row[0]].health], f"row {r} ({row[0]}): Health {health!r}"
        checked += 1
    return checked


def _sync_bounded(key, policy=QUICK):
    start = time.monotonic()
    try:
        result, error = api.sync(f"gsheet:{key}", today=TODAY, retry=policy), None
    except SheetsyncError as exc:
        result, error = None, exc
    took = time.monotonic() - start
    assert took < BOUND, f"sync took {took:.1f}s"
    return result, error, took


def _random_faults(emu, rng: random.Random) -> list[str]:
    described = []
    for _ in range(rng.randint(1, 6)):
        match = rng.choice(["GET", "values:batchGet", "?ranges=", "batchUpdate", ""])
        kind = rng.choice(["429", "5xx", "html503", "slow", "429-storm"])
        if kind == "429":
            emu.inject(status=429, retry_after=rng.choice([None, 0.01, 0.05]), times=rng.randint(1, 3), match=match)
        elif kind == "429-storm":
            emu.inject(status=429, retry_after=0.01, times=rng.randint(4, 30), match=match)
        elif kind == "5xx":
            emu.inject(status=rng.choice([500, 502, 503, 504]), times=rng.randint(1, 3), match=match)
        elif kind == "html503":
            emu.inject(status=503, html=True, times=rng.randint(1, 2), match=match)
        else:  # slower than the read timeout: the client gives up on it (the emulator may still apply it)
            emu.inject(delay=rng.choice([0.2, 0.8]), times=1, match=match)
        described.append(f"{kind}@{match or '*'}")
    return described


@pytest.mark.parametrize("seed", range(40))
def test_fault_storms_end_right_or_cleanly_within_bounds(emu, seed):
    rng = random.Random(seed)
    key = emu.create_spreadsheet("t", sheets={SHEET: _rows(rng, rng.randint(3, 40))})
    if rng.random() < 0.5:  # half the runs start from a sheet sheetsync already wrote once
        assert api.sync(f"gsheet:{key}", today="2026-09-01").changed
    faults = _random_faults(emu, rng)
    result, error, took = _sync_bounded(key)
    if error is not None:
        assert error.code == "sheets-unavailable", (faults, error.code, error.en)
        assert "\n" not in error.en and "\n" not in error.zh and error.zh != error.en
    if any(f in ("slow@batchUpdate", "slow@*") for f in faults):
        time.sleep(1.0)  # a write whose answer timed out may still land (0.8 s after it came): let it, then look
    emu.clear_faults()
    _check_rows(emu, key, complete=False)
    if error is not None or result is None:
        result, error, _ = _sync_bounded(key)
        assert error is None, (faults, error.en)
    assert _check_rows(emu, key, complete=True) == len(result.report.tasks)
    emu.request_log.clear()
    assert not api.sync(f"gsheet:{key}", today=TODAY).changed, faults  # nothing left to put right
    assert len(emu.request_log) == 2


def _insertion(rng: random.Random, n_existing: int, tag: int) -> tuple[int, list[list]]:
    at = rng.randint(2, n_existing + 2)  # anywhere in the data rows, or just below the last
    rows = [[f"N{tag}-{k}", f"新任务{tag}", "李四", D(2026, 9, 1) + dt.timedelta(days=rng.randrange(60)),
             rng.choice(STATUSES)] for k in range(rng.randint(1, 3))]
    return at, rows


@pytest.mark.parametrize("seed", range(40))
def test_rows_inserted_mid_sync_never_leave_values_in_the_wrong_row(emu, seed):
    rng = random.Random(1000 + seed)
    n = rng.randint(4, 30)
    key = emu.create_spreadsheet("t", sheets={SHEET: _rows(rng, n)})
    if rng.random() < 0.5:
        api.sync(f"gsheet:{key}", today="2026-09-01")
        emu.request_log.clear()
    moment = rng.choice(["before-write", "before-failed-write", "during-recheck", "during-read", "repeatedly"])
    inserted = [0]

    def person(e=emu, tag=0):
        at, rows = _insertion(rng, n + inserted[0], inserted[0])  # ids unique across insertions
        e.insert_rows(key, SHEET, at, rows)
        inserted[0] += len(rows)

    stop = threading.Event()
    thread = None
    if moment == "before-write":  # after the re-check, just before Google applies the batch
        emu.inject(before_write=lambda e: person(e, 1), match="batchUpdate", times=rng.randint(1, 2))
    elif moment == "before-failed-write":
        emu.inject(status=503, before_write=lambda e: person(e, 1), match="batchUpdate")
    else:
        match = {"during-recheck": "?ranges=", "during-read": "values:batchGet", "repeatedly": "GET"}[moment]
        emu.inject(delay=0.3, times=rng.randint(1, 3), match=match)

        def busy():
            tag, seen = 10, 0
            while not stop.is_set():
                hits = sum(1 for e in emu.request_log if match in f"{e.method} {e.path}?{'ranges=' if 'ranges' in e.query else ''}")
                if hits > seen:
                    seen = hits
                    time.sleep(rng.uniform(0, 0.25))  # somewhere inside the held request
                    tag += 1
                    person(emu, tag)
                    if moment != "repeatedly":
                        return
                time.sleep(0.005)

        thread = threading.Thread(target=busy, daemon=True)
        thread.start()
    try:
        result, error, took = _sync_bounded(key)
    finally:
        stop.set()
        if thread is not None:
            thread.join(10)
    emu.clear_faults()
    if error is not None:
        assert error.code in ("sheet-busy", "sheets-unavailable"), (moment, error.code, error.en)
    if error is None or "wrong rows" not in error.en:
        # unless sheetsync said some cells may be misplaced (rows kept moving through every try), no managed
        # cell sits in a row it was not computed for...
        _check_rows(emu, key, complete=error is None and moment != "repeatedly")
    # ...and a sync with nobody typing puts every row right
    result, error, _ = _sync_bounded(key)
    assert error is None
    assert _check_rows(emu, key, complete=True) == n + inserted[0]
