"""The one sync, for every backend and for the jobs: one clock, read, analyse, plan, write, record.

The backend (sheetsync.backend) reads and writes its kind of workbook; every decision about deadlines,
findings, what to write and when to try again is made here, in the engine and in the planner. A write that
answers "again" (rows moved under a Google sheet) makes the pipeline read, analyse and plan again, keeping
the first attempt's clock, so a run has one moment whatever it retries."""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
import time
from pathlib import Path
from typing import Callable

from . import registry
from .backend import Backend, refuse_write
from .clock import Clock, make_clock, pin
from .context import Reading, gather
from .engine import analyse
from .engine.campaign import campaign_zone
from .model import ColumnMapping, Overrides, Report, SheetsyncError, WorkbookData, a1
from .plan import Plan
from .planner import build_plan


def clock_for(workbook: WorkbookData, today=None, lang: str | None = None,
              overrides: Overrides | dict | None = None) -> Clock:
    """The run's one Clock, in the tracker's zone: the config's (`overrides.timezone`), else the Campaign
    sheet's, else the machine's. A job on a UTC server at 01:00 is already tomorrow in Shanghai. `today` is
    parsed once (clock.pin); `lang` is kept for callers that pass it (the zone is the same in any language)."""
    zone = Overrides.of(overrides).timezone or campaign_zone(workbook)
    return make_clock(zone, pin(today))


def analyse_at(workbook: WorkbookData, today=None, *, lang: str | None = None, overrides: Overrides | dict | None = None,
               clock: Clock | None = None, mapping: ColumnMapping | None = None) -> Report:
    """The engine at the run's clock (made here unless given); the Report carries that Clock for everything
    after it in the run."""
    clock = clock or clock_for(workbook, today, lang, overrides)
    report = analyse(workbook, clock.today, now=clock.now, lang=lang, overrides=overrides, mapping=mapping)
    report.clock = clock
    return report


def refuse_empty(report: Report, source: str) -> None:
    """A header row and no task under it: nothing to fill in, so nothing is written (not even the report)."""
    if not report.tasks:
        row = report.header_row
        raise SheetsyncError(f"{source}: sheet '{report.sheet}' has a header row ({row}) but no tasks under it; "
                             f"nothing to sync, nothing written. Add tasks from row {row + 1}",
                             f"{source}:工作表“{report.sheet}”只有表头(第 {row} 行),没有任务;无需同步,未写入任何内容。"
                             f"请从第 {row + 1} 行起填写任务", code="no-tasks", lang=report.language)


class SyncResult:
    """What sync did: the report, the planned cell changes, and whether the workbook changed."""

    def __init__(self, report: Report, plan: Plan, changed: bool, dry_run: bool, backup=None):
        self.report, self.plan, self.changed, self.dry_run, self.backup = report, plan, changed, dry_run, backup
        self.note = ""  # one line from the backend about what it left for a later run, in the report's language

    @property
    def exit_code(self) -> int:
        return self.report.exit_code

    def written(self) -> list[dict]:
        out = []
        for c in self.plan.cells:
            value = c.value.isoformat() if isinstance(c.value, dt.date) else c.value
            before = c.before.isoformat() if isinstance(c.before, dt.date) else c.before
            out.append({"cell": f"{self.plan.sheet}!{a1(c.row, c.col)}", "before": before, "after": value})
        return out

    def to_dict(self) -> dict:
        data = self.report.to_dict()
        data["written"] = {
            "changed": self.changed, "dry_run": self.dry_run, "cells": self.written(),
            "rules": len(self.plan.rules), "report_sheet": self.plan.report.title,
            "backup": str(self.backup) if self.backup else None, "note": self.note or None,
        }
        return data


def open_backend(source: str | Path, *, backups: int | None = None, **source_options) -> Backend:
    """The backend SOURCE lives in, through the registry (sheetsync.registry). `backups` goes to a backend that
    keeps backups (a file); each backend is imported only when its kind of source is synced."""
    return registry.open_source(source, **source_options, **registry.source_options(source, backups=backups))


def run(backend: Backend, *, reading: Reading | None = None, dry_run: bool = False,
        before_write: Callable[[], None] | None = None, **given) -> SyncResult:
    """Read, analyse, plan and write through `backend`, reading again while its write answers `again`.
    `reading` (context.Reading), or its field names as keywords, says how the tracker is read.
    `before_write` runs before the first write: whatever must work after the write is opened there."""
    reading = gather(Reading, given, reading)
    if given:
        raise TypeError(f"run() got unexpected keyword arguments: {', '.join(sorted(given))}")
    with _no_cyclic_gc():
        return _run(backend, reading, dry_run=dry_run, before_write=before_write)


def _run(backend: Backend, reading: Reading, *, dry_run, before_write) -> SyncResult:
    source = backend.source
    refuse_write(backend, dry_run)  # a read-only format or file: refused before anything is read
    misplaced = False  # a write landed while rows were moving and was not yet put right
    clock = None
    for _ in range(backend.attempts):
        workbook = backend.read()
        # one clock for the run: a retry after rows moved keeps the first attempt's moment
        report = analyse_at(workbook, reading.today, lang=reading.lang, overrides=reading.overrides, clock=clock,
                            mapping=reading.mapping)
        clock = report.clock
        refuse_empty(report, source)
        plan = build_plan(report.main_table(), workbook, run_at=clock.now)  # sync writes the task table only
        if backend.stale(plan):
            plan.unchanged_report = False  # someone deleted sheetsync's highlights: put them back
        if dry_run or not plan.changed:
            return SyncResult(report, plan, changed=misplaced, dry_run=dry_run)
        if before_write is not None:
            before_write()
        try:
            done = backend.write(plan)
        except SheetsyncError as exc:  # a refusal now (Excel has it open, it changed) is said in the tracker's language
            exc.lang = exc.lang or report.language
            raise
        misplaced = misplaced or done.misplaced
        if not done.again:
            result = SyncResult(report, plan, changed=done.changed, dry_run=False, backup=done.backup)
            result.note = getattr(backend, "note", "")
            return result
    tries = backend.attempts
    if misplaced:
        raise SheetsyncError(
            f"{source}: rows kept moving while sheetsync was writing ({tries} tries); some Due/Health/Flags cells "
            f"may be in the wrong rows until the next sync, run again",
            f"{source}:写入期间表格行不断变动(已尝试 {tries} 次);部分计划截止/健康度/提示单元格可能错位,"
            f"请重新运行以更正", code="sheet-busy", lang=report.language)
    raise SheetsyncError(
        f"{source}: rows kept moving while sheetsync was writing ({tries} tries); nothing was written, run again",
        f"{source}:写入期间表格行不断变动(已尝试 {tries} 次);未写入任何内容,请重新运行", code="sheet-busy",
        lang=report.language)


def sync(source: str | Path, *, reading: Reading | None = None, dry_run: bool = False, backups: int = 5,
         state: str | Path | None = None, record: bool = True, lease=None, **source_options) -> SyncResult:
    """Open SOURCE's backend, run the pipeline, then record the tasks in the history (unless a dry run or
    record=False) at the run's clock. `lease`: the runner's lease on this tracker (jobs), checked before writing.

    The state store is opened (and its schema checked) before the tracker is replaced, so a store that cannot
    be used stops the run with the tracker as it was. The record after the write is retried; if it still fails,
    the error says the tracker WAS written and what was not recorded."""
    backend = open_backend(source, backups=backups, **source_options)
    recording = record and not dry_run
    store = _StateAtHand(source, state, lease)
    try:
        result = run(backend, reading=reading, dry_run=dry_run, before_write=store.open if recording else None)
        if recording:
            store.record(result)
    finally:
        store.close()
    return result


RECORD_ATTEMPTS = 3


class _StateAtHand:
    """The history store of one sync: opened before the write, used after it."""

    def __init__(self, source, state, lease=None):
        self.source, self.state, self.lease, self.history = source, state, lease, None

    def open(self):
        if self.lease is not None:
            self.lease.check()  # a runner that lost its lease on this tracker stops before writing
        if self.history is None:
            from .history import History, default_state_path  # only a recording sync opens the state store
            self.history = History(self.state or default_state_path(self.source))
        return self.history

    def close(self) -> None:
        if self.history is not None:
            history, self.history = self.history, None
            with contextlib.suppress(Exception):
                history.close()

    def record(self, result: SyncResult) -> None:
        if not result.changed:  # the tracker was not replaced: a failure here leaves it as it was
            self._record_once(result)
            return
        why = ""
        for attempt in range(RECORD_ATTEMPTS):
            try:
                self._record_once(result)
                return
            except Exception as exc:  # a restarting server, a busy file: try again on a fresh connection
                why = exc.message("en") if isinstance(exc, SheetsyncError) else f"{type(exc).__name__}: {exc}"
                self.close()
                time.sleep(0.5 * (attempt + 1))
        raise SheetsyncError(
            f"{self.source}: the tracker WAS written (backup: {result.backup or 'none'}), but this run's history "
            f"was not recorded ({why}); the next digest compares against the previous run. Fix the state store and "
            f"sync again", f"{self.source}:跟踪表已写入(备份:{result.backup or '无'}),但本次运行的历史未记录({why});"
            f"下一次周报将与上一次运行比较。请修复状态库后再次同步", code="written-not-recorded")

    def _record_once(self, result: SyncResult) -> None:
        from .history import tracker_key
        self.open().record_snapshot(tracker_key(self.source), result.report, "sync", at=result.report.clock.now)


@contextlib.contextmanager
def _no_cyclic_gc():
    """A sync builds millions of small acyclic objects (cells, findings, XML pieces); the cyclic collector
    would walk them all again and again. Reference counting still frees everything."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
