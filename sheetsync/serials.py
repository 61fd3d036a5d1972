"""Day serials: the numbers Excel and Google Sheets store dates as. One epoch for every reader and writer."""
from __future__ import annotations

import datetime as dt

EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's 1900 date system and of Google Sheets (1900-02-29 never existed)
EPOCH_1904 = dt.date(1904, 1, 1)  # day 0 of a workbook saved with the 1904 date system (old Mac Excel)


def to_serial(value: dt.date | dt.datetime, date1904: bool = False) -> float | int:
    """A date as whole days since the epoch; a datetime with the time of day as the fraction."""
    epoch = EPOCH_1904 if date1904 else EPOCH
    if isinstance(value, dt.datetime):
        delta = value.replace(tzinfo=None) - dt.datetime.combine(epoch, dt.time())
        return round(delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6, 10)
    return (value - epoch).days


def day_serial(value: dt.date | dt.datetime) -> int:
    """The day alone (a time of day dropped), in the 1900 system: what a date cell of Google Sheets holds."""
    return ((value.date() if isinstance(value, dt.datetime) else value) - EPOCH).days
