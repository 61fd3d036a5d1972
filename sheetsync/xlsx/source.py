"""The SOURCE forms the Excel backend claims: every SOURCE no backend before it claimed, taken as a local path
(an .xlsx, .xlsm, .xltx, .xltm, an old .xls; anything else, a missing file or an unknown link, gets its
reader's one-line reason). So it is listed last in the registry. Nothing heavy is imported here: calamine loads
with the first read, the patcher with the first write."""
from __future__ import annotations

NAME = "xlsx"
FILES = True  # its SOURCE is a path on this machine


def claims(source: str) -> bool:
    return True


def open(source: str, *, backups: int = 5):
    from ..filekind import path_kind
    from .backend import ExcelFile, OldWorkbook
    if path_kind(source) == "xls":
        return OldWorkbook(source)
    return ExcelFile(source, backups=backups)
