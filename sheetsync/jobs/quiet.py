"""Quiet hours: the part of the day (in the tracker's zone) when the team is not at work, so no chat post goes out
to @-mention people then. `quiet_hours = "21:00-08:30"` by default, per tracker; "off" turns it off.

A post due in quiet hours is held (jobs/chat.py) and goes once when they end: at the next run of any job, and
`sheetsync schedule` runs one at each tracker's end of quiet hours (`sheetsync run chat` for cron)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

DEFAULT_QUIET_HOURS = "21:00-08:30"
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–~至到]\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class QuietHours:
    start: dt.time
    end: dt.time  # the first minute people are at work again

    def covers(self, wall: dt.time) -> bool:
        """Whether a wall-clock time in the tracker's zone falls in the quiet hours (which may span midnight)."""
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= wall < self.end
        return wall >= self.start or wall < self.end

    def text(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def parse_quiet_hours(text: str) -> QuietHours | None:
    """"21:00-08:30" -> QuietHours; "off" / "none" / "" -> None; anything else a ValueError."""
    if text.strip().lower() in ("", "off", "none", "关闭", "无"):
        return None
    m = _RANGE.match(text)
    if not m:
        raise ValueError(text)
    h1, m1, h2, m2 = map(int, m.groups())
    if not (h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60):
        raise ValueError(text)
    return QuietHours(dt.time(h1, m1), dt.time(h2, m2))


DEFAULT = parse_quiet_hours(DEFAULT_QUIET_HOURS)
