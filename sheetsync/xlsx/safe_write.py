"""The file-level write: refuse when unsafe, write a temp file beside the original, verify it, back up the
old version, fsync, then exchange it with the original only if the original is still what was read. The
original is never modified in place, and a person's save that lands during the write is never overwritten."""
from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import hashlib
import math
import os
import shutil
import stat
import sys
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


# the steps of a write, in order, as `hook` sees them (tests replay a person's save at each one)
STEPS = ("read", "temp-written", "verified", "backed-up", "compared", "exchanged", "replaced")


def apply_patch(path, patch: WorkbookPatch, *, expected_sha256: str | None = None, backups: int = 5,
                verify: Callable[[Path], None] | None = None,
                col_widths: dict[int, float] | None = None,
                hook: Callable[[str], None] | None = None, exchange_files: bool = True) -> PatchResult:
    """Patch the workbook at `path` safely; PatchRefused leaves it as it was (or as a person saved it meanwhile).

    The last check is the rename itself: the backup is taken first, then the file is compared (size, mtime and
    content hash) with what was read, and the new copy is exchanged with it atomically; the file that came out
    of the exchange is compared again, and if a save landed in between, the exchange is undone and the run
    refused. `hook(step)` is called after each of STEPS. `exchange_files=False` uses the hard-link way of
    platforms without an atomic exchange (so it is tested everywhere)."""
    path = Path(path)
    step = hook or (lambda name: None)
    _refuse_if_open(path)
    seen = _identity(path)
    data = path.read_bytes()
    before = sha256(data)
    if expected_sha256 and expected_sha256 != before:
        raise _changed(path)
    step("read")
    new = patch_bytes(data, patch, name=path.name, col_widths=col_widths)
    if new is data or new == data:
        return PatchResult(False, None, before, before)
    refuse_short_of_space(path, len(new) + (len(data) if backups > 0 else 0))
    sweep_stale_temps(path.parent)
    with _disk_full_as_refusal(path):
        tmp = _write_temp(path, new, mode_from=path)
    backup = None
    try:
        step("temp-written")
        verify_output(tmp, path, data, patch)
        if verify is not None:
            verify(tmp)
        step("verified")
        if backups > 0:  # before the final comparison: writing it takes time that must not sit in the window
            with _disk_full_as_refusal(path):
                backup = _backup(path, data, backups)
        step("backed-up")
        _refuse_if_open(path)
        if _identity(path) != seen or sha256(path.read_bytes()) != before:
            raise _changed_meanwhile(path)
        step("compared")
        _replace_if_unchanged(path, tmp, seen, before, step, exchange_files)
    except BaseException:
        tmp.unlink(missing_ok=True)
        if backup is not None:  # nothing was replaced: the copy is not a backup of anything sheetsync overwrote
            backup.unlink(missing_ok=True)
        raise
    step("replaced")
    _fsync_dir(path.parent)
    return PatchResult(True, backup, before, sha256(new))


def _identity(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def _replace_if_unchanged(path: Path, tmp: Path, seen: tuple[int, int], before: str, step,
                          exchange_files: bool = True) -> None:
    """Put `tmp` at `path` only if `path` still holds what was read. With an atomic exchange (Linux), the file
    that comes out is the one compared, whatever happened before: a save that landed is swapped back in. Without
    one, the old file is hard-linked aside first, so a save that replaced it is seen by its link count."""
    if exchange_files and exchange(tmp, path):
        step("exchanged")
        if _identity(tmp) == seen and sha256(tmp.read_bytes()) == before:
            tmp.unlink()
            return
        _undo_exchange(path, tmp)
        raise _changed_meanwhile(path)
    aside = path.with_name(f"{TEMP_PREFIX}old-{os.getpid()}-{path.name}")
    aside.unlink(missing_ok=True)
    links = path.stat().st_nlink  # a tracker may have hard links of its own
    os.link(path, aside)
    try:
        if _identity(aside) != seen or sha256(aside.read_bytes()) != before or aside.stat().st_nlink != links + 1:
            raise _changed_meanwhile(path)
        # no atomic exchange here: a save renamed over the tracker in the microseconds between the comparison
        # above and this rename cannot be told apart afterwards; that window is this platform's limit
        os.replace(tmp, path)
        step("exchanged")
        if _identity(aside) != seen:  # written in place after the comparison: that save goes back
            os.replace(aside, path)
            raise _changed_meanwhile(path)
    finally:
        aside.unlink(missing_ok=True)


def _undo_exchange(path: Path, tmp: Path) -> None:
    """Swap a person's save back to `path`. If yet another save landed at `path` meanwhile, it is not ours to
    drop: the exchange makes it come out at `tmp`, where it is kept beside the tracker and named."""
    exchange(tmp, path)
    if not tmp.exists():
        return
    theirs = path.with_name(f"{path.stem} (saved while syncing {dt.datetime.now():%Y%m%dT%H%M%S}){path.suffix}")
    os.replace(tmp, theirs)
    raise PatchRefused(f"{path.name} was saved twice while sheetsync was writing; the earlier save is back in "
                       f"place and the later one kept as {theirs.name}: compare them and run again",
                       f"同步写入期间 {path.name} 被保存了两次;已恢复先前的保存,较新的一次另存为 {theirs.name}:"
                       f"请核对后重新运行", code="file-changed")


# renameat2(2) with RENAME_EXCHANGE: both names stay, their files swap, in one atomic step (Linux 3.15+)
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def exchange(a: Path, b: Path) -> bool:
    """Swap the files at `a` and `b` atomically; False when the platform or filesystem cannot (nothing done)."""
    fn = _renameat2()
    if fn is None:
        return False
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), str(b))


_RENAMEAT2: list = []


def _renameat2():
    if not _RENAMEAT2:
        fn = None
        if sys.platform.startswith("linux"):
            try:
                libc = ctypes.CDLL(None, use_errno=True)
                fn = libc.renameat2
                fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
                fn.restype = ctypes.c_int
            except (OSError, AttributeError):
                fn = None
        _RENAMEAT2.append(fn)
    return _RENAMEAT2[0]


# room for the temporary copy and the backup, plus what the filesystem needs for itself
SPACE_MARGIN = 1 << 20


def refuse_short_of_space(path: Path, needed: int) -> None:
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        return
    if free < needed + SPACE_MARGIN:
        raise _disk_full(path, f"{(needed + SPACE_MARGIN) >> 20} MiB needed, {free >> 20} MiB free")


@contextlib.contextmanager
def _disk_full_as_refusal(path: Path):
    try:
        yield
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise _disk_full(path, exc.strerror) from None
        raise


def _disk_full(path: Path, why: str) -> PatchRefused:
    return PatchRefused(f"{path.name}: no space left on the disk for the copy and the backup ({why}); free some "
                        f"space and run again; the tracker is as it was",
                        f"{path.name}:磁盘空间不足,无法写入副本和备份({why});请释放空间后重试;跟踪表未改动",
                        code="disk-full")


def _changed_meanwhile(path: Path) -> PatchRefused:
    return PatchRefused(f"{path.name} changed while syncing (saved meanwhile): run again; the save is kept",
                        f"{path.name} 在同步过程中被修改(期间有保存):请重新运行;该保存已保留", code="file-changed")


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
