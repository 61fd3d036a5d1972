"""OLE compound files (the 8-byte D0 CF 11 E0 signature) hold two different things people call "Excel":
an old Excel 97-2003 workbook (.xls: a `Workbook` stream, `Book` in Excel 5/95) and a password-protected
.xlsx (MS-OFFCRYPTO: the package encrypted inside `EncryptedPackage`, described by `EncryptionInfo`).
The directory names tell them apart."""
from __future__ import annotations

from pathlib import Path

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


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
