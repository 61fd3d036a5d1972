"""A depends-on cell as predecessor ids ('T1, T2') or links ('3FS+2d', 'T1(M1)')."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..model import INVISIBLE as _INVISIBLE
from .cells import clean_text, format_number, is_blank, nfkc

# ---------------------------------------------------------------- ids

_ID_SPLIT = re.compile(r"\s*[,;，；、/\n\r\t|]+\s*")
_NO_IDS = frozenset({"无", "没有", "-", "—", "--", "/", "n/a", "na", "none", "nil"})


@lru_cache(maxsize=4096)
def _ids_from_text(text: str) -> tuple[str, ...]:
    s = nfkc(text).strip().strip(_INVISIBLE).strip()
    if s.casefold() in _NO_IDS:  # '无' in a depends-on column means no predecessors, not a task called 无
        return ()
    seen: dict[str, None] = {}
    for part in _ID_SPLIT.split(s):
        part = part.strip().strip(_INVISIBLE)
        if part:
            seen.setdefault(part)
    return tuple(seen)


def parse_ids(v) -> list[str]:
    """'T1, T2；T3、T4 / T5' and one id per line -> ['T1', 'T2', 'T3', 'T4', 'T5']; 7.0 -> ['7']."""
    if is_blank(v):
        return []
    if isinstance(v, float):
        return [format_number(v)]
    if isinstance(v, str):
        if v.isascii() and v.strip().casefold() not in _NO_IDS:
            # ASCII text has no full-width forms or invisible characters to normalise: split it directly
            # (one id list per row would only churn _ids_from_text's cache)
            parts = _ID_SPLIT.split(v.strip())
            return list(dict.fromkeys(p for p in parts if p))
        return list(_ids_from_text(v))
    text = clean_text(v)
    return [text] if text else []


@dataclass(frozen=True)
class Link:
    """One predecessor reference: 'T3', '3', '3FS+2d' (MS Project / Smartsheet), 'T1(M1)'.

    kind: FS finish-to-start (the default), SS, FF, SF. lag: days after (before, when negative) the
    predecessor's finish or start. Units: 'd', 'day(s)', 'wd', '天', '工作日' or none are working days, as MS Project
    and Smartsheet count a lag; 'ed' (elapsed), 'cd', 'calendar day(s)', '自然日' are calendar days; 'w' is five
    working days and 'ew' seven calendar days."""
    raw: str  # the token as written (looked up first: a task may be called 'CLASS')
    ref: str  # the reference without type, lag and tag
    kind: str = "FS"
    lag: float = 0.0
    calendar: bool = False


_LINK_SPLIT = re.compile(r"\s*[,;，；、/\n\r\t|&]+\s*")
_LINK = re.compile(r"(?P<ref>.*?\S)\s*(?P<kind>FS|SS|FF|SF)?\s*(?:(?P<sign>[+-])\s*(?P<lag>\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s].*)?)?",
                   re.IGNORECASE)
_TAG = re.compile(r"\s*[(\[【][^()\[\]【】]*[)\]】]\s*$")
_LAG_UNITS = {  # unit -> (days per unit, calendar days)
    "": (1, False), "d": (1, False), "day": (1, False), "days": (1, False), "wd": (1, False), "wds": (1, False),
    "workday": (1, False), "workdays": (1, False), "working day": (1, False), "working days": (1, False),
    "business day": (1, False), "business days": (1, False), "天": (1, False), "工作日": (1, False),
    "个工作日": (1, False), "ed": (1, True), "eday": (1, True), "edays": (1, True), "cd": (1, True),
    "calendar day": (1, True), "calendar days": (1, True), "elapsed day": (1, True), "elapsed days": (1, True),
    "自然日": (1, True), "个自然日": (1, True), "日历日": (1, True), "w": (5, False), "wk": (5, False),
    "wks": (5, False), "week": (5, False), "weeks": (5, False), "ew": (7, True), "eweek": (7, True),
    "eweeks": (7, True),
}


def _link(token: str) -> Link:
    bare = _TAG.sub("", token) or token  # 'T1(M1)': the milestone tag is not part of the id
    m = _LINK.fullmatch(bare)
    if not m:
        return Link(token, bare)
    ref, kind, sign, lag, unit = m.group("ref", "kind", "sign", "lag", "unit")
    if not (kind or sign):
        return Link(token, bare)
    if sign:
        per = _LAG_UNITS.get(" ".join((unit or "").casefold().split()))
        if per is None:  # '3FS+2h': not a lag this reads; the whole token stays the reference
            return Link(token, bare)
        days = float(lag) * per[0] * (-1 if sign == "-" else 1)
        return Link(token, ref, (kind or "FS").upper(), days, per[1])
    return Link(token, ref, kind.upper())


@lru_cache(maxsize=4096)
def _links_from_text(text: str) -> tuple[Link, ...]:
    s = nfkc(text).strip().strip(_INVISIBLE).strip()
    if s.casefold() in _NO_IDS:
        return ()
    seen: dict[str, Link] = {}
    for part in _LINK_SPLIT.split(s):
        part = part.strip().strip(_INVISIBLE)
        if part and part not in seen:
            seen[part] = _link(part)
    return tuple(seen.values())


def parse_links(v) -> list[Link]:
    """A depends-on cell as predecessor links: 'T1, T2', '3,5', '3FS+2d', '4FF-1d', 'T2.3&T2.4', 'T1(M1)'; '-'
    and '无' are none; 7.0 is '7'."""
    if is_blank(v):
        return []
    if isinstance(v, float):
        text = format_number(v)
        return [Link(text, text)]
    if not isinstance(v, str):
        text = clean_text(v)
        return [Link(text, text)] if text else []
    return list(_links_from_text(v))
