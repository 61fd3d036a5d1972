"""Which trackers a runner takes: shard I of N by a stable hash of the tracker's name (the same on every
machine and every Python, unlike hash()), from `--shard I/N` or a Kubernetes Indexed Job's environment."""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass

from ..model import SheetsyncError

INDEX_ENV, COUNT_ENV = "JOB_COMPLETION_INDEX", "JOB_COMPLETION_COUNT"
_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def stable_bucket(name: str, n: int) -> int:
    """0 .. n-1 for `name`, the same everywhere and for ever."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big") % n


def _bad(text: str) -> SheetsyncError:
    return SheetsyncError(f'--shard "{text}": write I/N with 0 <= I < N, such as 0/4',
                          f'--shard "{text}":请写成 I/N,且 0 <= I < N,例如 0/4', code="usage")


@dataclass(frozen=True)
class Shard:
    index: int = 0
    count: int = 1

    @classmethod
    def parse(cls, text: str) -> "Shard":
        m = _SHARD.match(text or "")
        if not m or int(m.group(2)) < 1 or int(m.group(1)) >= int(m.group(2)):
            raise _bad(text)
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def from_env(cls, environ=None) -> "Shard | None":
        """A Kubernetes Indexed Job sets both variables for each pod; None when they are not set."""
        env = os.environ if environ is None else environ
        index, count = env.get(INDEX_ENV), env.get(COUNT_ENV)
        if index is None or count is None:
            return None
        return cls.parse(f"{index}/{count}")

    def owns(self, tracker_name: str) -> bool:
        return stable_bucket(tracker_name, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"
