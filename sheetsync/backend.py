"""What the sync pipeline asks of a place a tracker lives in (an .xlsx file, a Google sheet): read it, write a
plan into it, and say what was written. Like an httpx transport: the pipeline (sheetsync.sync) holds every
decision about deadlines, findings and what to write; a backend holds only how to read and write its kind of
workbook. A backend never imports the engine, sheetsync.api or sheetsync.sync; it may import the Plan's
dataclasses and sheetsync.model.

A test can hand the pipeline its own backend (a small class with these methods), as httpx takes a
MockTransport."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from .model import SheetsyncError, WorkbookData
from .plan import Plan


@dataclass(frozen=True)
class Written:
    """What a backend's write did.

    changed: the workbook now holds the plan (False: it already did, nothing was written).
    backup: the copy of the file as it was before (a file backend), else None.
    again: nothing is known to be written as planned: rows moved since the read, or the answer was lost.
        The pipeline reads again, analyses again, plans again (keeping the run's clock) and writes again.
    misplaced: the write landed while rows were moving, so some values may sit in the wrong rows; the pipeline
        plans again as for `again`, which rewrites every managed cell that is not right."""
    changed: bool = False
    backup: Path | None = None
    again: bool = False
    misplaced: bool = False


@runtime_checkable
class Backend(Protocol):
    source: str  # the SOURCE as given (a path, a URL, gsheet:KEY): messages name it
    attempts: int  # how many read-plan-write rounds the pipeline may make when a write answers `again`

    def read(self) -> WorkbookData:
        """The workbook's values now (each call reads afresh; a write applies to the latest read)."""

    def stale(self, plan: Plan) -> bool:
        """Does the workbook hold sheetsync's own things differently from what the plan's fingerprint vouches
        for (someone deleted a highlight rule)? Then the report and rules are written again."""

    def write(self, plan: Plan) -> Written:
        """Write the plan into the workbook as last read: all of it or nothing. Raises SheetsyncError when the
        workbook cannot take it (and leaves it as it was)."""

    # Optional, called by the pipeline before its first read when it means to write:
    #   def refuse_write(self, dry_run: bool) -> None   raise SheetsyncError if this source cannot be synced
    #   def change_token(self) -> str | None            a cheap revision (eTag, mtime) for the jobs


def refuse_write(backend, dry_run: bool) -> None:
    """The backend's refusal to be synced, if it has one, before anything is read, planned or recorded."""
    check = getattr(backend, "refuse_write", None)
    if check is not None:
        check(dry_run)


class ReadOnly:
    """A source sync reads but never writes back (.xls, CSV/TSV): validate, inspect and digest read it; sync is
    refused before anything is read, planned or recorded, so there is no backup, no state and no half-done run.
    A read-only backend subclasses this and gives `read`."""

    attempts = 1

    def __init__(self, source: str, refusal: SheetsyncError):
        self.source, self.refusal = source, refusal

    def read(self) -> WorkbookData:
        raise NotImplementedError

    def refuse_write(self, dry_run: bool) -> None:
        raise self.refusal  # even for a dry run: it could never be written

    def stale(self, plan: Plan) -> bool:
        return False

    def write(self, plan: Plan) -> Written:
        raise self.refusal
