"""The Excel backend of the sync pipeline: read = the package checks, the file's sha256 and the calamine read;
write = the package patcher and the safe write (temporary file, read back, fsync, rename, backup), refused if
the file changed since the read. An old .xls is read, never written."""
from __future__ import annotations

import stat
from pathlib import Path

from ..backend import ReadOnly, Written
from ..filekind import file_kind
from ..model import SheetsyncError, WorkbookData
from ..plan import Plan
from . import last_read
from .formats import READABLE, html_refusal, ole_refusal, read_only_refusal
from .read import check_package


def refuse_read_only(path: Path) -> None:
    """A tracker without any write permission bit is one its owner wants left alone: refused even for root,
    who could write it anyway."""
    if path.is_file() and not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise SheetsyncError(f"{path}: the file is read-only, so its owner wants it left alone; nothing written "
                             f"(make it writable to sync, or use --dry-run)",
                             f"{path}:文件为只读,说明所有者不希望改动;未写入任何内容(改为可写后再同步,或用 --dry-run)",
                             code="read-only")


def read_workbook(path: Path, *, checked: bool = False) -> WorkbookData:
    """A workbook file by what its content says it is, or the one-line reason it is none. `checked`: the
    package checks passed on these very bytes already (last_read)."""
    kind = file_kind(path) if path.is_file() else "xlsx"  # a missing path or a folder: the package check says so
    if kind == "xls":
        from .read import read_book
        return read_book(path, "xls")
    if kind in ("encrypted", "ole"):
        raise ole_refusal(path)
    if kind == "html":
        raise html_refusal(path)
    if kind in ("unknown", "csv"):  # CSV text has its own backend, listed before this one
        raise SheetsyncError(f"{path}: not a spreadsheet ({READABLE}) or a Google Sheets URL",
                             f"{path}:不是表格文件({READABLE.replace(', ', '、')})或 Google 表格链接",
                             code="not-a-spreadsheet")
    from .read import read_xlsx
    return read_xlsx(path, checked=checked)


class ExcelFile:
    """One .xlsx (.xlsm, .xltx...) file on disk."""

    attempts = 1  # a local file does not move under the write: the sha256 check refuses instead

    def __init__(self, source: str, *, backups: int = 5):
        self.source, self.path = source, Path(source)
        self.backups = backups
        self.sha256: str | None = None

    def refuse_write(self, dry_run: bool) -> None:
        path = self.path
        if path.exists():
            sha256 = last_read.digest(path)
            if not last_read.checked(path, sha256):
                check_package(path)  # a damaged package says so before its permissions are looked at
                last_read.passed(path, sha256)
        if not dry_run:
            refuse_read_only(path)

    def read(self) -> WorkbookData:
        path = self.path
        self.sha256 = last_read.digest(path) if path.is_file() else None
        # a long-running process (scheduler, watch) syncing a file whose bytes did not change: its last read
        kept = last_read.recall(self.source, path, self.sha256)
        if kept is not None:
            return kept
        # from the text: a pasted URL keeps its '//' in messages
        workbook = read_workbook(Path(self.source), checked=last_read.checked(path, self.sha256))
        last_read.keep(self.source, path, self.sha256, workbook)
        return workbook

    def change_token(self) -> str | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return f"{st.st_mtime_ns}:{st.st_size}"

    def stale(self, plan: Plan) -> bool:
        return False  # the report's fingerprint alone decides for a file; any write replaces the owned rules whole

    def write(self, plan: Plan) -> Written:
        from .write import write  # the patcher (lxml) loads only when there is something to write
        result = write(self.path, plan, expected_sha256=self.sha256, backups=self.backups)
        return Written(changed=result.changed, backup=result.backup)


class OldWorkbook(ReadOnly):
    """An Excel 97-2003 .xls: read through calamine, never written (save it as .xlsx to sync)."""

    def __init__(self, source: str):
        super().__init__(source, read_only_refusal(Path(source)))

    def read(self) -> WorkbookData:
        return read_workbook(Path(self.source))
