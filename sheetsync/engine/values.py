"""Cell values as python-calamine or the Sheets API return them, turned into dates, numbers, statuses and ids.

The parsers live by concern (cells, dates, numbers, statuses, people, predecessors); this module gathers
them for callers that want one import."""
from __future__ import annotations

from .cells import clean_text, is_blank, is_email, normalise_header
from .dates import (excel_serial_to_date, excel_serial_to_datetime, parse_date, parse_date_span, parse_datetime,
                    parse_time)
from .numbers import chinese_number, parse_number, parse_progress
from .people import parse_owners
from .predecessors import Link, parse_ids, parse_links
from .statuses import STATUS_LABELS, STATUS_WORDS, STATUSES, parse_status, status_from_progress, to_simplified

__all__ = [
    "STATUSES", "STATUS_LABELS", "STATUS_WORDS", "is_blank", "clean_text", "parse_date", "parse_datetime",
    "parse_time", "parse_number", "parse_status", "parse_ids", "is_email", "normalise_header",
    "excel_serial_to_date", "excel_serial_to_datetime", "parse_date_span", "parse_progress",
    "status_from_progress", "parse_owners", "parse_links", "Link", "to_simplified", "chinese_number",
]
