"""The one way sheetsync writes a file: a temporary file in the same folder, fsync, rename over the target,
fsync of the folder. A reader (a mail client on the outbox, the next run on its state) sees the old file or
the new one, never half of one, and a crash or power cut after the call returns keeps the new one.

The safe write of a tracker (sheetsync/xlsx/safe_write.py) is the one other path: it also checks that the
file did not change since it was read, reads its copy back and keeps a backup; its temporary file is
write_temp's."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

TEMP_SUFFIX = ".tmp"


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (a no-op where folders cannot be opened, as on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _plain_mode() -> int:
    """The mode a plain new file gets (0666 less the umask): mkstemp makes 0600, but an outbox message, a
    config or a tracker is a document others on the machine may read."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_temp(target: Path, data: bytes, *, mode: int | None = None, prefix: str | None = None,
               suffix: str = TEMP_SUFFIX) -> Path:
    """`data` in a new temporary file beside `target` (same folder, so the rename stays on one file system),
    flushed to disk, with `mode` (None: mkstemp's 0600). The caller renames it over `target` or removes it."""
    fd, name = tempfile.mkstemp(prefix=prefix or f".{target.name}.", suffix=suffix, dir=target.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def write_atomic(path: str | Path, data: bytes | str, *, exclusive: bool = False, mode: int | None = None) -> Path:
    """Write `data` (text is UTF-8) to `path` atomically. `exclusive`: never replace an existing file
    (FileExistsError, even when one appears while writing). `mode`: the file's permission bits (default: those
    of the file it replaces, else a plain new file's)."""
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if exclusive and path.exists():
        raise FileExistsError(path)
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o7777
        except OSError:
            mode = _plain_mode()
    tmp = write_temp(path, payload, mode=mode)
    try:
        if exclusive:
            try:
                os.link(tmp, path)  # fails if the file appeared meanwhile: still no overwrite
            except FileExistsError:
                raise
            except OSError:  # a file system without hard links
                if path.exists():
                    raise FileExistsError(path) from None
                os.replace(tmp, path)
        else:
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)
    return path


def move_aside(path: Path, to: Path) -> Path:
    """Rename `path` to `to` in the same folder (a damaged state file kept beside its replacement), durably."""
    os.replace(path, to)
    fsync_dir(Path(to).parent)
    return Path(to)
