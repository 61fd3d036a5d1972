"""One clock per run: "today" and "now" are taken once, in the tracker's time zone, and passed down.

A command reads the moment once (`--today`, else SHEETSYNC_TODAY, else SHEETSYNC_NOW, else the machine's
clock) and turns it into a `Clock` in the tracker's zone (the config's, else the Campaign sheet's, else the
machine's). The sheet, the report sheet, the digest and the demo all use that one value, so the hours a
draft has waited are the same number in each, and a UTC server at 23:30 on Monday is already on Tuesday
for a team in Shanghai. `current()` is the only place that reads the machine's clock for a tracker's time."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import SheetsyncError

TODAY_ENV = "SHEETSYNC_TODAY"
NOW_ENV = "SHEETSYNC_NOW"


@dataclass(frozen=True)
class Clock:
    """The run's moment: `now` is naive wall time in `zone` (as dates in a sheet are), `today` its date."""
    today: dt.date
    now: dt.datetime
    zone: str

    @property
    def aware(self) -> dt.datetime:
        return self.now.replace(tzinfo=ZoneInfo(self.zone))

    def local(self, moment: dt.datetime) -> dt.datetime:
        """An aware moment (a ledger time, say) as naive wall time in this clock's zone."""
        return moment.astimezone(ZoneInfo(self.zone)).replace(tzinfo=None)


def machine_zone() -> str:
    """The machine's zone name: TZ when it names a zone, else the /etc/localtime link, else UTC."""
    for name in (os.environ.get("TZ", "").lstrip(":"), _localtime_link()):
        if name and _known(name):
            return name
    return "UTC"


def _localtime_link() -> str | None:
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:
        return None
    marker = "zoneinfo/"
    return target.split(marker, 1)[1] if marker in target else None


def _known(name: str) -> bool:
    try:
        ZoneInfo(name)
        return True
    except (ZoneInfoNotFoundError, ValueError):
        return False


def env_now(env=None) -> dt.datetime | None:
    """SHEETSYNC_NOW (a moment with its offset, e.g. 2026-11-23T08:29:50+08:00), or None when unset."""
    env = os.environ if env is None else env
    text = (env.get(NOW_ENV) or "").strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise SheetsyncError(f"{NOW_ENV}={text!r}: write a time with its offset, e.g. 2026-11-23T08:29:50+08:00",
                             f"{NOW_ENV}={text!r}:请写带时区偏移的时间,例如 2026-11-23T08:29:50+08:00",
                             code="usage")
    return moment


def current(source: Callable[[], dt.datetime] | None = None) -> dt.datetime:
    """The present moment, aware: `source` (a scheduler's clock) if given, else SHEETSYNC_NOW, else the machine."""
    if source is not None:
        return source()
    return env_now() or dt.datetime.now(dt.timezone.utc)


class Pinned(NamedTuple):
    """`--today` parsed once per run: the day, and the moment when a time was given (both None: not pinned)."""
    day: dt.date | None
    moment: dt.datetime | None


def parse_today(value: str | dt.date | None, option: str = "--today") -> Pinned:
    """'2026-11-23' or '2026-11-23T08:30' (also from SHEETSYNC_TODAY) -> (today, now or None).

    `now` keeps the offset it was written with (aware), or none (naive: wall time in the tracker's zone).
    `option` names the command-line option in the error, so a bad --launch says --launch."""
    if value is None and option == "--today":
        value = os.environ.get(TODAY_ENV) or None
    if value is None:
        return Pinned(None, None)
    if isinstance(value, dt.datetime):
        return Pinned(value.date(), value)
    if isinstance(value, dt.date):
        return Pinned(value, None)
    try:
        text = value.strip()
        if "T" in text or " " in text:
            now = dt.datetime.fromisoformat(text)
            return Pinned(now.date(), now)
        return Pinned(dt.date.fromisoformat(text), None)
    except ValueError:
        if option != "--today":
            raise SheetsyncError(f"{option} {value!r}: write a date as YYYY-MM-DD, e.g. 2026-12-15",
                                 f"{option} {value!r}:日期请写成 YYYY-MM-DD,例如 2026-12-15", code="usage") from None
        raise SheetsyncError(f"--today {value!r}: write a date as YYYY-MM-DD (optionally THH:MM)",
                             f"--today {value!r}:日期请写成 YYYY-MM-DD(可加 THH:MM)", code="usage") from None


def pin(today: str | dt.date | Pinned | None) -> Pinned:
    """The run's moment, parsed once: `today` (or SHEETSYNC_TODAY) as given, else the machine's moment now."""
    if isinstance(today, Pinned):
        return today
    pinned = parse_today(today)
    return pinned if pinned.day is not None else Pinned(None, current())


def make_clock(zone: str | None, today: str | dt.date | Pinned | None = None) -> Clock:
    """The run's Clock in `zone` (None: the machine's). `today` (or SHEETSYNC_TODAY) pins the moment: a date
    alone is its start (00:00), a time with an offset is converted to the zone, one without is read in it."""
    zone = zone or machine_zone()
    tz = ZoneInfo(zone)
    day, moment = today if isinstance(today, Pinned) else parse_today(today)
    if day is not None and moment is None:
        return Clock(day, dt.datetime.combine(day, dt.time()), zone)
    if moment is None:
        moment = current()
    if moment.tzinfo is not None:
        moment = moment.astimezone(tz).replace(tzinfo=None)
    moment = moment.replace(microsecond=0)
    return Clock(moment.date(), moment, zone)
