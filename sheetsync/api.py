"""The library surface the CLI wraps: validate, inspect, sync, digest, init, demo."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from . import sources
from . import sync as pipeline
from .clock import parse_today  # noqa: F401  (parse_today: the CLI's)
from .model import ColumnMapping, Report, SheetsyncError, WorkbookData
from .sync import SyncResult, analyse_at, clock_for, refuse_empty  # noqa: F401  (the library surface)
from .understood import Inspection, guess_language

NO_TABLE_CODES = ("no-task-table", "not-row-per-task")  # inspect still reports what it saw


def validate(source: str | Path, *, today: str | dt.date | None = None, lang: str | None = None,
             overrides: dict | None = None, workbook: WorkbookData | None = None,
             mapping: ColumnMapping | None = None, **source_options) -> Report:
    """Read SOURCE, check every row and derive deadlines. Raises SheetsyncError when it cannot run.
    `mapping` (sheet, header row, columns) wins over recognition and over the Campaign sheet's mapping rows."""
    workbook = workbook or sources.read(source, **source_options)
    return analyse_at(workbook, today, lang=lang, overrides=overrides, mapping=mapping)


def inspect(source: str | Path, *, today: str | dt.date | None = None, lang: str | None = None,
            mapping: ColumnMapping | None = None, workbook: WorkbookData | None = None, **source_options) -> Inspection:
    """What sheetsync understands of SOURCE: its sheets, the task table and how each column was read.

    A workbook with no task table (or no row-per-task layout) is not an error here: the Inspection says what
    was seen and carries the error, and its exit_code is 2. Anything else that stops the read raises."""
    workbook = workbook or sources.read(source, **source_options)
    try:
        report = analyse_at(workbook, today, lang=lang, mapping=mapping)
    except SheetsyncError as exc:
        if exc.code not in NO_TABLE_CODES:
            raise
        return Inspection(workbook, lang or guess_language(workbook), error=exc)
    return Inspection(workbook, report.language, report=report)


def sync(source: str | Path, *, today: str | dt.date | None = None, lang: str | None = None, dry_run: bool = False,
         backups: int = 5, overrides: dict | None = None, state: str | Path | None = None, record: bool = True,
         mapping: ColumnMapping | None = None, **source_options) -> SyncResult:
    """Validate, derive, then write the managed columns, owned highlight rules and the report sheet back.

    Unless `dry_run` (or record=False), the tasks are recorded in the history (`state`, default
    .sheetsync/state.db beside the tracker) so the digest can tell what changed. The same pipeline
    (sheetsync.sync) runs for an .xlsx file and a Google sheet; .xls and CSV are refused before anything."""
    return pipeline.sync(source, today=today, lang=lang, dry_run=dry_run, backups=backups, overrides=overrides,
                         state=state, record=record, mapping=mapping, **source_options)


def digest(source: str | Path, **options):
    """`sheetsync digest`: validate, build the team and personal digests, deliver them through the ledger.
    Returns (DigestBatch, DeliveryResult); see sheetsync.digest.run_digest for the options."""
    from .digest import run_digest
    return run_digest(source, **options)
