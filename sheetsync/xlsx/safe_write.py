"""The file-level write: refuse when unsafe, write a temp file beside the original, verify it, back up the
old version, fsync and os.replace. The original is never modified in place."""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import stat
import time
from pathlib import Path
from typing import Callable

from ..atomic import write_temp
from .patch import patch_bytes
from .patch_spec import PatchRefused, PatchResult, WorkbookPatch
from .verify import Unverified, verify_package

BACKUP_DIR = Path(".sheetsync") / "backups"
TEMP_PREFIX = ".~sheetsync-"
# a sync writes its temp copy and replaces the tracker within seconds; an older one was left by a killed run
STALE_TEMP_SECONDS = 15 * 60


def lock_files(path: Path) -> list[Path]:
    """Owner files Excel and LibreOffice keep beside an open workbook (Excel drops two leading characters of
    long names, so check both spellings)."""
    names = {"~$" + path.name, ".~lock." + path.name + "#"}
    if len(path.name) > 2:
        names.add("~$" + path.name[2:])
    return [path.with_name(n) for n in sorted(names)]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def apply_patch(path, patch: WorkbookPatch, *, expected_sha256: str | None = None, backups: int = 5,
                verify: Callable[[Path], None] | None = None,
                col_widths: dict[int, float] | None = None) -> PatchResult:
    """Patch the workbook at `path` safely; PatchRefused leaves it byte-identical."""
    path = Path(path)
    _refuse_if_open(path)
    data = path.read_bytes()
    before = sha256(data)
    if expected_sha256 and expected_sha256 != before:
        raise _changed(path)
    new = patch_bytes(data, patch, name=path.name, col_widths=col_widths)
    if new is data or new == data:
        return PatchResult(False, None, before, before)
    sweep_stale_temps(path.parent)
    tmp = _write_temp(path, new, mode_from=path)
    try:
        verify_output(tmp, path, data, patch)
        if verify is not None:
            verify(tmp)
        _refuse_if_open(path)
        if sha256(path.read_bytes()) != before:
            raise _changed(path)
        backup = _backup(path, data, backups) if backups > 0 else None
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    return PatchResult(True, backup, before, sha256(new))


def _refuse_if_open(path: Path) -> None:
    for lock in lock_files(path):
        if lock.exists():
            raise PatchRefused(f"Excel has this file open ({lock.name}): close it and run again",
                               f"Excel 正在打开此文件({lock.name}):请关闭后重试", code="file-open")


def _changed(path: Path) -> PatchRefused:
    return PatchRefused(f"{path.name} changed since it was read: run again to work on the new version",
                        f"{path.name} 在读取后被修改:请重新运行,以处理最新版本", code="file-changed")


def _write_temp(path: Path, data: bytes, mode_from: Path | None = None) -> Path:
    mode = mode_from.stat().st_mode & 0o7777 if mode_from is not None else None
    return write_temp(path, data, mode=mode, prefix=TEMP_PREFIX, suffix=path.suffix)


def sweep_stale_temps(folder: Path) -> list[Path]:
    """Remove the temp copies a sync killed mid-write left beside the tracker (full copies of it, and not hidden
    on a Windows share). Recent ones may belong to a sync running now, so only those older than
    STALE_TEMP_SECONDS go."""
    cutoff = time.time() - STALE_TEMP_SECONDS
    removed = []
    try:
        candidates = list(folder.glob(TEMP_PREFIX + "*"))
    except OSError:
        return removed
    for p in candidates:
        try:
            st = p.lstat()
            if stat.S_ISREG(st.st_mode) and st.st_mtime < cutoff:
                p.unlink()
                removed.append(p)
        except OSError:
            pass
    return removed


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _backup(path: Path, data: bytes, keep: int) -> Path:
    folder = path.parent / BACKUP_DIR
    folder.mkdir(parents=True, exist_ok=True)
    sweep_stale_temps(folder)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
    target = folder / f"{path.stem}.{stamp}.{sha256(data)[:8]}{path.suffix}"
    tmp = _write_temp(target, data, mode_from=path)
    os.replace(tmp, target)
    _fsync_dir(folder)
    mine = sorted(p for p in folder.glob(f"{path.stem}.*{path.suffix}")
                  if p.name[len(path.stem) + 1:][:8].isdigit())
    for old in mine[:-keep]:
        old.unlink(missing_ok=True)
    return target


# ---- verification ---------------------------------------------------------------------------------------------
def verify_output(tmp: Path, original_path: Path, original: bytes, patch: WorkbookPatch) -> None:
    """The written copy must be a sound package whose managed cells read back as planned (xlsx/verify.py: lxml,
    independent of the calamine read the engine saw)."""
    try:
        verify_package(tmp, original, patch)
    except Unverified as exc:
        raise _unverified(original_path, str(exc)) from exc


def same_value(planned, got) -> bool:
    if planned is None or planned == "":
        return got in ("", None)
    if isinstance(planned, bool):
        return got is planned or got == planned
    if isinstance(planned, dt.datetime):
        return isinstance(got, dt.datetime) and abs((got - planned.replace(tzinfo=None)).total_seconds()) < 1
    if isinstance(planned, dt.date):
        return isinstance(got, dt.date) and (got.date() if isinstance(got, dt.datetime) else got) == planned
    if isinstance(planned, (int, float)) and math.isfinite(planned):
        return isinstance(got, (int, float)) and not isinstance(got, bool) and math.isclose(got, planned, rel_tol=1e-12)
    return isinstance(got, str) and got == str(planned)


def _unverified(path: Path, why: str) -> PatchRefused:
    return PatchRefused(f"{path.name}: the patched copy failed verification ({why}); the file was left untouched",
                        f"{path.name}:修改后的副本未通过校验({why});原文件未改动", code="verify-failed")
