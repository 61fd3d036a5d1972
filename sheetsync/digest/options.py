"""What a digest run is asked for, in two typed groups build_digests and api.digest take: which messages
(DigestOptions) and the links every message shows (Links)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class DigestOptions:
    """Which messages for which week: `period` (an ISO week; default the week of `today`), `kinds` (team,
    personal or all), `to` (replaces the team recipients and limits personal digests to those addresses),
    `unchanged` ('skip': no team digest when no task changed since the previous one; 'note': one line),
    `busy_threshold` (open tasks before an owner counts as busy), `sender`, `record` (False: a preview that
    records no snapshot), `chart`, `calendar` (the working calendar; default the report's). `today` and `now`
    default to the run's clock the report carries."""
    period: str | None = None
    kinds: Any = ("team", "personal")
    to: list[str] | None = None
    unchanged: str = "skip"
    busy_threshold: int = 5
    sender: str | None = None
    record: bool = True
    chart: bool = True
    calendar: Any = None
    today: dt.date | None = None
    now: dt.datetime | None = None


@dataclass(frozen=True)
class Links:
    """The links every message shows: `tracker_link` (a config's report_url, the sheet's URL or the file's
    path), `link_for` (task -> its row's link), `report_link` (the report sheet)."""
    link_for: Callable | None = None
    report_link: str | None = None
    tracker_link: str | None = None
