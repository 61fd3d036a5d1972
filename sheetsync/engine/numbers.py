"""Numbers of days ('3', '3天', '十五天', '3 wd') and progress fractions ('50%', 0.5)."""
from __future__ import annotations

import math
import re
from functools import lru_cache

from ..model import INVISIBLE as _INVISIBLE
from .cells import is_blank, nfkc

PERCENT = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*%")

# ---------------------------------------------------------------- numbers


@lru_cache(maxsize=1)  # built on the first number typed as text: most trackers type none
def _number_patterns() -> tuple[re.Pattern, re.Pattern]:
    return (re.compile(r"([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+)\s*(.*)"),
            re.compile(r"([零〇一二两三四五六七八九十百]+)\s*(.*)"))


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = frozenset({
    "", "天", "日", "个工作日", "工作日", "个工作天", "工作天", "个自然日", "自然日", "个日历日", "日历日",
    "d", "day", "days", "wd", "workday", "workdays", "working day", "working days", "work day", "work days",
    "business day", "business days", "calendar day", "calendar days",
})


def chinese_number(s: str) -> int:
    """零..九百九十九 as written in everyday text ('十五', '二十', '两')."""
    total, digit = 0, None
    for ch in s:
        if ch in _CN_DIGITS:
            if digit is not None:
                raise ValueError(s)
            digit = _CN_DIGITS[ch]
        elif ch == "十":
            total += 10 * (1 if digit is None else digit)
            digit = None
        elif ch == "百":
            if digit is None:
                raise ValueError(s)
            total += 100 * digit
            digit = None
    return total + (digit or 0)


@lru_cache(maxsize=4096)
def _number_from_text(text: str) -> float:
    s = nfkc(text).strip().strip(_INVISIBLE).casefold()
    number, cn_number = _number_patterns()
    m = number.fullmatch(s)
    if m:
        value = float(m.group(1).replace(",", ""))
    else:
        m = cn_number.fullmatch(s)
        if not m:
            raise ValueError(f"not a number: {text!r}")
        try:
            value = float(chinese_number(m.group(1)))
        except ValueError:
            raise ValueError(f"not a number: {text!r}") from None
    if " ".join(m.group(2).split()) not in _UNITS:
        raise ValueError(f"not a number of days: {text!r}")
    return value


def parse_number(v) -> float | None:
    """3, '3', '3天', '3 days', '3个工作日', '3 wd', '１２', '十五天', '2,000' -> a float."""
    if is_blank(v):
        return None
    if isinstance(v, bool):
        raise ValueError(f"not a number: {v!r}")
    if isinstance(v, (int, float)):
        if not math.isfinite(v):
            raise ValueError(f"not a number: {v!r}")
        return float(v)
    if isinstance(v, str):
        return _number_from_text(v)
    raise ValueError(f"not a number: {v!r}")


# ---------------------------------------------------------------- progress

_NO_PROGRESS = frozenset({"/", "-", "—", "--", "n/a", "na", "无", "——", "–"})


def parse_progress(v, percent: bool = False) -> float | None:
    """The fraction done from '50%', 0.5 (a 0%-formatted cell), or 50 where `percent` says the column counts in
    percent (its header has % or some value exceeds 1); '/' and '-' are blank. Raises ValueError otherwise."""
    if is_blank(v):
        return None
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, (int, float)):
        x = float(v)
    elif isinstance(v, str):
        s = nfkc(v).strip().strip(_INVISIBLE).casefold()
        if s in _NO_PROGRESS:
            return None
        m = PERCENT.fullmatch(s)
        if m:
            x, percent = float(m.group(1)), True
        else:
            try:
                x = float(s)
            except ValueError:
                raise ValueError(f"not a progress: {v!r}") from None
    else:
        raise ValueError(f"not a progress: {v!r}")
    if percent or x > 1:
        x /= 100
    if not 0 <= x <= 1:  # also NaN
        raise ValueError(f"not a progress between 0% and 100%: {v!r}")
    return x
