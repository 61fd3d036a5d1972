"""The library surface the CLI wraps: validate, sync, digest, init, demo."""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import zoneinfo
from pathlib import Path

from . import sources
import sheetsync.sources.xlsx  # noqa: F401  (sources.xlsx.check_package)
from .engine import analyse
from .engine.campaign import read_campaign
from .model import ColumnMapping, Report, SheetsyncError, WorkbookData


def parse_today(value: str | dt.date | None) -> tuple[dt.date | None, dt.datetime | None]:
    """'2026-11-23' or '2026-11-23T08:30' (also from SHEETSYNC_TODAY) -> (today, now)."""
    if value is None:
        value = os.environ.get("SHEETSYNC_TODAY") or None
    if value is None:
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), value
    if isinstance(value, dt.date):
        return value, None
    try:
        if "T" in value or " " in value.strip():
            now = dt.datetime.fromisoformat(value.strip())
            return now.date(), now.replace(tzinfo=None)
        return dt.date.fromisoformat(value.strip()), None
    except ValueError:
        raise SheetsyncError(f"--today {value!r}: write a date as YYYY-MM-DD (optionally THH:MM)",
                             f"--today {value!r}:日期请写成 YYYY-MM-DD(可加 THH:MM)", code="usage") from None


def clock_for(workbook: WorkbookData, today, lang: str | None) -> tuple[dt.date, dt.datetime | None]:
    """Today and now in the campaign's time zone unless given: a job on a UTC server at 01:00 is
    already tomorrow in Shanghai."""
    day, now = parse_today(today)
    if day is not None:
        return day, now
    campaign, _ = read_campaign(workbook, lang or "en", dt.date.today().year)  # the zone does not depend on the language
    zone = campaign.timezone
    current = dt.datetime.now(zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)
    return current.date(), current


def validate(source: str | Path, *, today: str | dt.date | None = None, lang: str | None = None,
             overrides: dict | None = None, workbook: WorkbookData | None = None,
             mapping: ColumnMapping | None = None, **source_options) -> Report:
    """Read SOURCE, check every row and derive deadlines. Raises SheetsyncError when it cannot run.
    `mapping` (sheet, header row, columns) wins over recognition and over the Campaign sheet's mapping rows."""
    workbook = workbook or sources.read(source, **source_options)
    day, now = clock_for(workbook, today, lang)
    return analyse(workbook, day, now=now, lang=lang, overrides=overrides, mapping=mapping)


class SyncResult:
    """What sync did: the report, the planned cell changes, and whether the file changed."""

    def __init__(self, report: Report, plan, changed: bool, dry_run: bool, backup=None):
        self.report, self.plan, self.changed, self.dry_run, self.backup = report, plan, changed, dry_run, backup

    @property
    def exit_code(self) -> int:
        return self.report.exit_code

    def written(self) -> list[dict]:
        from .model import a1
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


def sync(source: str | Path, *, today: str | dt.date | None = None, lang: str | None = None, dry_run: bool = False,
         backups: int = 5, overrides: dict | None = None, state: str | Path | None = None, record: bool = True,
         mapping: ColumnMapping | None = None, **source_options) -> SyncResult:
    """Validate, derive, then write the managed columns, owned highlight rules and the report sheet back.

    Unless `dry_run` (or record=False), the tasks are recorded in the history (`state`, default
    .sheetsync/state.db beside the tracker) so the digest can tell what changed."""
    with _no_cyclic_gc():
        result = _sync(source, today=today, lang=lang, dry_run=dry_run, backups=backups, overrides=overrides,
                       mapping=mapping, **source_options)
    if record and not dry_run:
        from .history import record_sync
        record_sync(source, result.report, state=state)
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


def digest(source: str | Path, **options):
    """`sheetsync digest`: validate, build the team and personal digests, deliver them through the ledger.
    Returns (DigestBatch, DeliveryResult); see sheetsync.digest.run_digest for the options."""
    from .digest import run_digest
    return run_digest(source, **options)


def _sync(source, *, today, lang, dry_run, backups, overrides, mapping=None, **source_options) -> SyncResult:
    from .plan import build_plan
    text = str(source)
    if sources.is_gsheet(text):
        from .writers.gsheets import sync_gsheet
        return sync_gsheet(text, today=today, lang=lang, dry_run=dry_run, overrides=overrides, mapping=mapping,
                           **source_options)
    import hashlib
    path = Path(text)
    sources.xlsx.check_package(path) if path.exists() else None
    digest_before = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    workbook = sources.read(path)
    day, now = clock_for(workbook, today, lang)
    report = analyse(workbook, day, now=now, lang=lang, overrides=overrides, mapping=mapping)
    run_at = now or dt.datetime.combine(day, dt.datetime.now().time())
    plan = build_plan(report, workbook, run_at=run_at)
    if dry_run or not plan.changed:
        return SyncResult(report, plan, changed=False, dry_run=dry_run)
    from .writers.xlsx import write
    result = write(path, plan, expected_sha256=digest_before, backups=backups)
    return SyncResult(report, plan, changed=result.changed, dry_run=False, backup=result.backup)
