"""A client-side rate limiter: DingTalk and WeCom robots accept about 20 messages a minute and answer the 21st
with an error, so we wait before sending it instead. The clock and the sleep are injectable for tests."""
from __future__ import annotations

import collections
import time
from typing import Callable


class RateLimiter:
    """At most `count` calls in any `per` seconds (a sliding window over the last `count` call times)."""

    def __init__(self, count: int, per: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.count, self.per, self.clock, self.sleep = count, per, clock, sleep
        self.times: collections.deque[float] = collections.deque()

    def wait(self) -> float:
        """Block until one more call is allowed; returns the seconds waited."""
        waited = 0.0
        now = self.clock()
        while self.times and now - self.times[0] >= self.per:
            self.times.popleft()
        if len(self.times) >= self.count:
            pause = self.per - (now - self.times[0])
            if pause > 0:
                self.sleep(pause)
                waited = pause
            now = self.clock()
            self.times.popleft()
        self.times.append(now)
        return waited
