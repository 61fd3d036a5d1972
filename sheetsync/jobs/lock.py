"""One scheduler (or one run of a job) at a time per state directory, with a lock file beside the state."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from filelock import FileLock, Timeout

from ..model import SheetsyncError


class AlreadyRunning(SheetsyncError):
    """Another process holds the lock: the CLI prints the one-line message and exits 2."""

    def __init__(self, what: str, lock_path: Path):
        super().__init__(f"another sheetsync {what} is already running (lock {lock_path}); stop it or wait for it",
                         f"另一个 sheetsync {what} 正在运行(锁文件 {lock_path});请先停止它或等待其结束",
                         code="locked")
        self.lock_path = lock_path


def lock_path(state: Path, what: str) -> Path:
    return Path(state) / f"{what}.lock"


@contextmanager
def exclusive(state: Path, what: str = "scheduler") -> Iterator[Path]:
    """Hold `<state>/<what>.lock` for the block; refuse at once (no waiting) when someone else holds it."""
    path = lock_path(state, what)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise AlreadyRunning(what, path) from None
    try:
        yield path
    finally:
        lock.release()
