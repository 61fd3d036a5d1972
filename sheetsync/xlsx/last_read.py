"""The last read of each workbook file, kept for the life of a long-running process (the scheduler, a watch):
a re-sync of a file whose bytes are those of its last read skips the package checks and the calamine read.

The sha256 of the bytes decides, never the size or the time stamp alone: an edit saved within the same second
and of the same size is still a change. A read is kept only when the bytes hashed before it are the bytes
hashed after it, so a save landing mid-read is never remembered under the wrong content. The workbook is shared
between runs, which is safe because nothing downstream changes a WorkbookData (the engine and the planner only
read it). The safe write still reads the real file and compares its sha256 before replacing it."""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

from ..model import WorkbookData

KEEP_FILES = 16  # a watch or scheduler of a folder of trackers keeps each one's last read
KEEP_CELLS = 3_000_000  # all kept reads together; one larger workbook is read again each run instead

_lock = threading.Lock()
_reads: OrderedDict[str, tuple[str, str, int, WorkbookData]] = OrderedDict()  # path -> (source, sha256, cells, wb)
_passed: OrderedDict[str, str] = OrderedDict()  # path -> sha256 of the bytes that last passed the package checks


def digest(path: Path) -> str | None:
    """The sha256 of the file's bytes now, or None when it is not a readable file."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _key(path: Path) -> str:
    return str(path.resolve())


def recall(source: str, path: Path, sha256: str | None) -> WorkbookData | None:
    """The workbook read from exactly these bytes under this SOURCE text (messages name the source as typed)."""
    if sha256 is None:
        return None
    with _lock:
        kept = _reads.get(_key(path))
        if kept is None or kept[0] != source or kept[1] != sha256:
            return None
        _reads.move_to_end(_key(path))
        return kept[3]


def checked(path: Path, sha256: str | None) -> bool:
    """These bytes at this path passed the package checks (at their last read or just now)."""
    if sha256 is None:
        return False
    with _lock:
        kept = _reads.get(_key(path))
        return (kept is not None and kept[1] == sha256) or _passed.get(_key(path)) == sha256


def passed(path: Path, sha256: str | None) -> None:
    """The package checks passed on the file that held these bytes before and after them."""
    if sha256 is None or digest(path) != sha256:
        return
    with _lock:
        _passed.pop(_key(path), None)
        _passed[_key(path)] = sha256
        while len(_passed) > KEEP_FILES:
            _passed.popitem(last=False)


def keep(source: str, path: Path, sha256: str | None, workbook: WorkbookData) -> None:
    """Remember `workbook` as the read of these bytes, if the file still holds them (a save during the read
    would otherwise be remembered under the old bytes' hash)."""
    if sha256 is None or digest(path) != sha256:
        return
    cells = sum(len(r) for s in workbook.sheets for r in s.rows)
    with _lock:
        key = _key(path)
        _reads.pop(key, None)
        if cells > KEEP_CELLS:
            return
        _reads[key] = (source, sha256, cells, workbook)
        while len(_reads) > KEEP_FILES or sum(k[2] for k in _reads.values()) > KEEP_CELLS:
            _reads.popitem(last=False)


def forget() -> None:
    """Drop every kept read (tests; a process that wants its memory back)."""
    with _lock:
        _reads.clear()
        _passed.clear()
