"""The one sync, for every backend and for the jobs: one clock, read, analyse, plan, write, record.

The backend (sheetsync.backend) reads and writes its kind of workbook; every decision about deadlines,
findings, what to write and when to try again is made here, in the engine and in the planner. A write that
answers "again" (rows moved under a Google sheet) makes the pipeline read, analyse and plan again, keeping
the first attempt's clock, so a run has one moment whatever it retries."""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
from pathlib import Path

from . import sources
from .backend import Backend, ReadOnly
from .clock import Clock, current, make_clock, parse_today
from .engine import analyse
from .engine.campaign import read_campaign
from .model import ColumnMapping, Report, SheetsyncError, WorkbookData, a1
from .plan import Plan
from .planner import build_plan


def clock_for(workbook: WorkbookData, today=None, lang: str | None = None, overrides: dict | None = None) -> Clock:
    """The run's one Clock, in the tracker's zone: the config's (`overrides["timezone"]`), else the Campaign
    sheet's, else the machine's. A job on a UTC server at 01:00 is already tomorrow in Shanghai."""
    zone = (overrides or {}).get("timezone")
    if not zone:  # the Campaign sheet alone says it: no need to find the task table for the clock
        year = parse_today(today)[0] or current().date()  # only to read dates written without a year
        campaign, _ = read_campaign(workbook, lang or "en", year.year)
        zone = campaign.timezone
    return make_clock(zone, today)


def analyse_at(workbook: WorkbookData, today=None, *, lang: str | None = None, overrides: dict | None = None,
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
                             f"请从第 {row + 1} 行起填写任务", code="no-tasks")


class SyncResult:
    """What sync did: the report, the planned cell changes, and whether the workbook changed."""

    def __init__(self, report: Report, plan: Plan, changed: bool, dry_run: bool, backup=None):
        self.report, self.plan, self.changed, self.dry_run, self.backup = report, plan, changed, dry_run, backup

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
            "backup": str(self.backup) if self.backup else None,
        }
        return data


def open_backend(source: str | Path, *, dry_run: bool = False, backups: int = 5, **source_options) -> Backend:
    """The backend a SOURCE lives in. Each is imported only when its kind of source is synced (gspread and the
    Google stack for a Google sheet, the package patcher for a file)."""
    text = str(source)
    if sources.is_feishu(text):
        return sources.feishu_source.open(text, **source_options)
    if sources.is_gsheet(text):
        from .gsheets.backend import GoogleSheet
        return GoogleSheet(text, **source_options)
    path = Path(text)
    kind = sources.file_kind(path) if path.is_file() else "xlsx"
    if kind in ("xls", "csv"):  # read, never written: refused before any backup or state is made
        return ReadOnly(text, sources.read_only_refusal(path, kind))
    from .xlsx.backend import ExcelFile
    return ExcelFile(text, dry_run=dry_run, backups=backups)


def run(backend: Backend, *, today=None, lang: str | None = None, dry_run: bool = False,
        overrides: dict | None = None, mapping: ColumnMapping | None = None) -> SyncResult:
    """Read, analyse, plan and write through `backend`, reading again while its write answers `again`."""
    with _no_cyclic_gc():
        return _run(backend, today=today, lang=lang, dry_run=dry_run, overrides=overrides, mapping=mapping)


def _run(backend: Backend, *, today, lang, dry_run, overrides, mapping) -> SyncResult:
    source = backend.source
    misplaced = False  # a write landed while rows were moving and was not yet put right
    clock = None
    for _ in range(backend.attempts):
        workbook = backend.read()
        # one clock for the run: a retry after rows moved keeps the first attempt's moment
        report = analyse_at(workbook, today, lang=lang, overrides=overrides, clock=clock, mapping=mapping)
        clock = report.clock
        refuse_empty(report, source)
        plan = build_plan(report, workbook, run_at=clock.now)
        if backend.stale(plan):
            plan.unchanged_report = False  # someone deleted sheetsync's highlights: put them back
        if dry_run or not plan.changed:
            return SyncResult(report, plan, changed=misplaced, dry_run=dry_run)
        done = backend.write(plan)
        misplaced = misplaced or done.misplaced
        if not done.again:
            return SyncResult(report, plan, changed=done.changed, dry_run=False, backup=done.backup)
    tries = backend.attempts
    if misplaced:
        raise SheetsyncError(
            f"{source}: rows kept moving while sheetsync was writing ({tries} tries); some Due/Health/Flags cells "
            f"may be in the wrong rows until the next sync, run again",
            f"{source}:写入期间表格行不断变动(已尝试 {tries} 次);部分计划截止/健康度/提示单元格可能错位,"
            f"请重新运行以更正", code="sheet-busy")
    raise SheetsyncError(
        f"{source}: rows kept moving while sheetsync was writing ({tries} tries); nothing was written, run again",
        f"{source}:写入期间表格行不断变动(已尝试 {tries} 次);未写入任何内容,请重新运行", code="sheet-busy")


def sync(source: str | Path, *, today=None, lang: str | None = None, dry_run: bool = False, backups: int = 5,
         overrides: dict | None = None, state: str | Path | None = None, record: bool = True,
         mapping: ColumnMapping | None = None, **source_options) -> SyncResult:
    """Open SOURCE's backend, run the pipeline, then record the tasks in the history (unless a dry run or
    record=False) at the run's clock."""
    backend = open_backend(source, dry_run=dry_run, backups=backups, **source_options)
    result = run(backend, today=today, lang=lang, dry_run=dry_run, overrides=overrides, mapping=mapping)
    if record and not dry_run:
        from .history import record_sync  # only a recording sync opens the state store
        record_sync(source, result.report, state=state, at=result.report.clock.now)
    return result


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
