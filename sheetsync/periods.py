"""ISO week labels: a digest covers one ISO week, named like 2026-W42."""
from __future__ import annotations

import datetime as dt
import re

from .model import SheetsyncError

_PERIOD = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def iso_period(today: dt.date) -> str:
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


def parse_period(period: str) -> tuple[dt.date, dt.date]:
    """'2026-W42' -> (Monday, Sunday) of that ISO week."""
    m = _PERIOD.match(period.strip())
    if m:
        try:
            monday = dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
            return monday, monday + dt.timedelta(days=6)
        except ValueError:
            pass
    raise SheetsyncError(f"--period {period!r}: write an ISO week such as 2026-W42",
                         f"--period {period!r}:请写成 ISO 周,例如 2026-W42", code="usage")


def normalise_period(period: str) -> str:
    return iso_period(parse_period(period)[0])
