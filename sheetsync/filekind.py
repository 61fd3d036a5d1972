"""Which kind of file a SOURCE path is, by its content first and its name second: shared below the backends
that read files (xlsx for workbooks, delimited for CSV/TSV text), so each can claim its own files without
asking the other.

OLE compound files (the 8-byte D0 CF 11 E0 signature) hold two different things people call "Excel": an old
Excel 97-2003 workbook (.xls: a `Workbook` stream, `Book` in Excel 5/95) and a password-protected .xlsx
(MS-OFFCRYPTO: the package encrypted inside `EncryptedPackage`, described by `EncryptionInfo`). The directory
names tell them apart."""
from __future__ import annotations

import zipfile
from pathlib import Path

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
DELIMITED_SUFFIXES = (".csv", ".tsv")


def is_ole(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(8) == OLE_MAGIC
    except OSError:
        return False


def ole_kind(path: Path) -> str:
    """'xls', 'encrypted' (an encrypted OOXML package) or 'other' (a Word file, a damaged file, ...)."""
    import olefile  # here: only a file with the OLE signature needs it, and most runs read none

    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(entry).lower() for entry in ole.listdir(streams=True, storages=False)}
    except (OSError, ValueError):  # olefile's errors are OSErrors; a truncated directory can raise ValueError
        return "other"
    if "encryptedpackage" in streams or "encryptioninfo" in streams:
        return "encrypted"
    if "workbook" in streams or "book" in streams:
        return "xls"
    return "other"


def file_kind(path: Path) -> str:
    """'xlsx', 'xls', 'csv', 'encrypted', 'ole' (an OLE file that is no workbook), 'html' or 'unknown'.

    Content decides where it can: people rename files, and exports arrive with the wrong suffix."""
    if is_ole(path):
        kind = ole_kind(path)
        return kind if kind in ("xls", "encrypted") else "ole"
    suffix = path.suffix.lower()
    if suffix in DELIMITED_SUFFIXES:
        return "csv"
    if suffix in EXCEL_SUFFIXES or (suffix == ".xls" and zipfile.is_zipfile(path)):
        return "xlsx"
    if suffix == ".xls":  # web apps "export to Excel" as an HTML table or as tab-separated text named .xls
        with path.open("rb") as fh:
            head = fh.read(1024).lstrip(b"\xef\xbb\xbf \t\r\n")
        return "html" if head[:1] == b"<" else "csv"
    return "unknown"


def path_kind(source: str) -> str:
    """file_kind of an existing file; a missing path or a folder is 'xlsx' (the workbook reader says what is
    wrong with it, in its words)."""
    path = Path(source)
    return file_kind(path) if path.is_file() else "xlsx"
