"""The library surface the CLI wraps: validate, sync, digest, init, demo."""
from __future__ import annotations

import datetime as dt
import os
import zoneinfo
from pathlib import Path

from . import sources
from .engine import analyse
from .engine.campaign import read_campaign
from .engine.table import find_table
from .model import Report, SheetsyncError, WorkbookData


def parse_today(value: str | dt.date | None) -> tuple[dt.date | None, dt.datetime | None]:
    """'2026-11-23' or '2026-11-23T08:30' (also from SHEETSYNC_TODAY) -> (today, now)."""
    if value is None:
        value = os.environ.get("SHEETSYNC_TODAY") or None
    if value is None:
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), value
    if isinstance(value, dt.date):
        return value, None
    try:
        if "T" in value or " " in value.strip():
            now = dt.datetime.fromisoformat(value.strip())
            return now.date(), now.replace(tzinfo=None)
        return dt.date.fromisoformat(value.strip()), None
    except ValueError:
        raise SheetsyncError(f"--today {value!r}: write a date as YYYY-MM-DD (optionally THH:MM)",
                             f"--today {value!r}:日期请写成 YYYY-MM-DD(可加 THH:MM)", code="usage") from None


def clock_for(workbook: WorkbookData, today, lang: str | None) -> tuple[dt.date, dt.datetime | None]:
    """Today and now in the campaign's time zone unless given: a job on a UTC server at 01:00 is
    already tomorrow in Shanghai."""
    day, now = parse_today(today)
    if day is not None:
        return day, now
    layout, _ = find_table(workbook)
    zone = "Asia/Shanghai"
    if layout is not None:
        campaign, _ = read_campaign(workbook, lang or layout.language, dt.date.today().year)
        zone = campaign.timezone
    current = dt.datetime.now(zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)
    return current.date(), current


def validate(source: str | Path, *, today: str | dt.date | None = None, lang: str | None = None,
             overrides: dict | None = None, workbook: WorkbookData | None = None, **source_options) -> Report:
    """Read SOURCE, check every row and derive deadlines. Raises SheetsyncError when it cannot run."""
    workbook = workbook or sources.read(source, **source_options)
    day, now = clock_for(workbook, today, lang)
    return analyse(workbook, day, now=now, lang=lang, overrides=overrides)
