"""The SOURCE forms the CSV/TSV backend claims: a .csv or .tsv file, and tab-separated text a web app exported
under an .xls name (sheetsync.filekind looks at the content). Read-only: a write is refused in one line."""
from __future__ import annotations

from pathlib import Path

from ..backend import ReadOnly
from ..filekind import path_kind
from ..model import SheetsyncError, WorkbookData

NAME = "csv"
FILES = True  # its SOURCE is a path on this machine


def claims(source: str) -> bool:
    return Path(source).suffix.lower() in (".csv", ".tsv", ".xls") and path_kind(source) == "csv"


def write_refusal(path: Path) -> SheetsyncError:
    return SheetsyncError(f"{path}: CSV has no formatting to keep: save it as .xlsx to sync",
                          f"{path}:CSV 没有可保留的格式:请另存为 .xlsx 后再同步", code="read-only-format")


class DelimitedFile(ReadOnly):
    """Read for validate, inspect and digest; refused by sync before any backup or state is made."""

    def read(self) -> WorkbookData:
        from .read import read_delimited  # charset-normalizer only when a CSV is read
        return read_delimited(Path(self.source))


def open(source: str, *, dry_run: bool = False) -> DelimitedFile:
    return DelimitedFile(source, write_refusal(Path(source)))
