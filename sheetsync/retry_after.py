"""How every HTTP backend waits: the Retry-After header of a throttled answer (429/503) as seconds, and the one
shape of a client's retry policy."""
from __future__ import annotations

import email.utils
import os
import time
from dataclasses import dataclass


def seconds(value: str | None) -> float | None:
    """Seconds from a Retry-After value (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - time.time())


@dataclass
class Backoff:
    """How an HTTP backend's client retries: `tries` attempts per request (and write rounds per sync), no wait
    starting after `deadline` seconds of the sync, waits from `base` doubling up to `cap` seconds (or what
    Retry-After says), and (connect, read) `timeout` seconds for every request. Each backend keeps its own
    defaults and environment prefix (SHEETSYNC_SHEETS, SHEETSYNC_FEISHU, SHEETSYNC_GRAPH)."""
    tries: int = 5
    deadline: float = 60.0
    base: float = 0.5
    cap: float = 16.0
    timeout: tuple[float, float] = (5.0, 60.0)

    def read_env(self, prefix: str, environ=None) -> None:
        """<prefix>_TRIES, <prefix>_DEADLINE and <prefix>_BACKOFF, where they are set."""
        env = os.environ if environ is None else environ
        self.tries = int(env.get(f"{prefix}_TRIES") or self.tries)
        self.deadline = float(env.get(f"{prefix}_DEADLINE") or self.deadline)
        self.base = float(env.get(f"{prefix}_BACKOFF") or self.base)
