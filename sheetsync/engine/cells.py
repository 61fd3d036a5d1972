"""A cell's value as text: blank or not, stripped, full-width forms made ASCII; header text as compared;
email addresses."""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from ..model import INVISIBLE as _INVISIBLE, normalise_title as _normalise_header_text


def nfkc(s: str) -> str:
    # Full-width digits, letters, colons, slashes and parentheses become ASCII; CJK characters stay.
    return unicodedata.normalize("NFKC", s) if not s.isascii() else s


def is_blank(v) -> bool:
    """None, '', whitespace-only text, and NaN (pandas' empty cell)."""
    if v is None:
        return True
    if isinstance(v, str):
        return not v.strip().strip(_INVISIBLE).strip()
    if isinstance(v, float):
        return math.isnan(v)
    return False


def format_number(v: float) -> str:
    if v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    return repr(v)


def clean_text(v) -> str | None:
    """The cell as text: stripped, whole-number floats without '.0' (calamine reads the id 7 as 7.0)."""
    if is_blank(v):
        return None
    if isinstance(v, str):
        return v.strip().strip(_INVISIBLE).strip()
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return format_number(v)
    if isinstance(v, dt.datetime):
        if v.hour == v.minute == v.second == v.microsecond == 0:
            return v.date().isoformat()
        return v.strftime("%Y-%m-%d %H:%M:%S" if v.second else "%Y-%m-%d %H:%M")
    if isinstance(v, dt.time):
        return v.strftime("%H:%M:%S" if v.second else "%H:%M")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v).strip()


_EMAIL = re.compile(r"[^@\s<>,;:\"()\[\]\\]+@([^@\s<>,;:\"()\[\]\\]+)")


def is_email(s: str) -> bool:
    """One @, something before it, a dotted domain after it, no spaces or address-list punctuation."""
    if not isinstance(s, str):
        return False
    m = _EMAIL.fullmatch(s)
    if not m:
        return False
    labels = m.group(1).split(".")
    return len(labels) >= 2 and all(labels)


def normalise_header(text) -> str:
    """'截止日期：' , '工期（工作日）', ' Due Date (working days) ' -> '截止日期', '工期', 'duedate'."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = clean_text(text) or ""
    return _normalise_header_text(text)
