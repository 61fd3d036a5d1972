"""The Excel backend of the sync pipeline: read = the package checks, the read-only refusal, the file's sha256
and the calamine read; write = the package patcher and the safe write (temporary file, read back, fsync,
rename, backup), refused if the file changed since the read."""
from __future__ import annotations

import hashlib
import stat
from pathlib import Path

from .. import sources
from ..backend import Written
from ..model import SheetsyncError, WorkbookData
from ..plan import Plan
from .read import check_package


def refuse_read_only(path: Path) -> None:
    """A tracker without any write permission bit is one its owner wants left alone: refused even for root,
    who could write it anyway."""
    if path.is_file() and not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise SheetsyncError(f"{path}: the file is read-only, so its owner wants it left alone; nothing written "
                             f"(make it writable to sync, or use --dry-run)",
                             f"{path}:文件为只读,说明所有者不希望改动;未写入任何内容(改为可写后再同步,或用 --dry-run)",
                             code="read-only")


class ExcelFile:
    """One .xlsx (.xlsm, .xltx...) file on disk."""

    attempts = 1  # a local file does not move under the write: the sha256 check refuses instead

    def __init__(self, source: str, *, dry_run: bool = False, backups: int = 5):
        self.source, self.path = source, Path(source)
        self.dry_run, self.backups = dry_run, backups
        self.sha256: str | None = None

    def read(self) -> WorkbookData:
        path = self.path
        if path.exists():
            check_package(path)
        if not self.dry_run:
            refuse_read_only(path)
        self.sha256 = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
        return sources.read(self.source)  # the text, not the Path: a pasted URL keeps its '//'

    def stale(self, plan: Plan) -> bool:
        return False  # the report's fingerprint alone decides for a file; any write replaces the owned rules whole

    def write(self, plan: Plan) -> Written:
        from .write import write  # the patcher (lxml) loads only when there is something to write
        result = write(self.path, plan, expected_sha256=self.sha256, backups=self.backups)
        return Written(changed=result.changed, backup=result.backup)
