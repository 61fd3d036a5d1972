"""Which official calendar a Chinese tracker follows when nobody named one: its script and the places it names.

Simplified Chinese is mainland China's (CN, the default). A tracker written in Traditional Chinese is from
Taiwan, Hong Kong or Macau, whose holidays differ from the mainland's (no make-up Saturdays for Spring Festival,
Double Ten, Buddha's Birthday): the place it names (台北, 香港, NT$, HK$, a +886 phone number) or its time zone
decides, and Taiwan, where most such trackers come from, when nothing does. A calendar named in the Campaign
sheet (日历 | TW) or in sheetsync.toml (calendar = "TW") always wins over this guess."""
from __future__ import annotations

import functools

import re

from ..model import REPORT_TITLE, WorkbookData, normalise_title
from .table import TableLayout
from .values import to_simplified

SCAN_ROWS = 200  # rows of each sheet read for the script and place names: enough for any tracker's header and body
# Traditional-only characters needed, and at least 1 in 10 of the Chinese characters: about a third of the
# characters of Traditional Chinese text differ from their Simplified forms, and almost none of Simplified text
MIN_TRADITIONAL = 3
MIN_SHARE = 0.1

_PLACES = {
    "TW": re.compile(r"台灣|臺灣|台湾|台北|臺北|新北|桃園|台中|臺中|台南|臺南|高雄|新竹|基隆|嘉義|花蓮|宜蘭|屏東|彰化|"
                     r"民國|新台幣|新臺幣|NT\$|NTD|TWD|\+886|\.tw\b", re.I),
    "HK": re.compile(r"香港|九龍|新界|港島|灣仔|銅鑼灣|尖沙咀|旺角|沙田|荃灣|港幣|港元|HK\$|HKD|\+852|\.hk\b", re.I),
    "MO": re.compile(r"澳門|氹仔|路氹|澳門元|MOP|\+853|\.mo\b", re.I),
}
_ZONES = {"asia/taipei": "TW", "asia/hong_kong": "HK", "asia/macau": "MO", "asia/macao": "MO"}
_CJK = re.compile(r"[\u4e00-\u9fff]")


_REPORTS = frozenset(normalise_title(t) for t in REPORT_TITLE.values())


def _texts(workbook: WorkbookData):
    """Text where a place may be named: every sheet but sheetsync's own report."""
    for sheet in workbook.sheets:
        if normalise_title(sheet.name) in _REPORTS:
            continue
        yield sheet.name
        for row in sheet.rows[:SCAN_ROWS]:
            for v in row:
                if isinstance(v, str) and v:
                    yield v


def _own_words(layout: TableLayout):
    """The tracker's own words: its headers and the cells of the columns read as fields. Not the Due, Health
    and Flags columns nor the report sheet, which sheetsync writes (in Simplified Chinese)."""
    yield from layout.texts.values()
    cols = [c for f, c in layout.columns.items() if not f.startswith("m_")]
    sheet = layout.sheet
    for r in range(layout.first_data_row, min(len(sheet.rows), layout.first_data_row + SCAN_ROWS)):
        for c in cols:
            v = sheet.value(r, c)
            if isinstance(v, str) and v:
                yield v


@functools.lru_cache(maxsize=8192)  # a tracker's texts are the same from one run to the next
def _han_counts(text: str) -> tuple[int, int]:
    """Chinese characters in `text`, and how many of them Simplified Chinese writes otherwise."""
    han = "".join(_CJK.findall(text))
    if not han:
        return 0, 0
    return len(han), sum(a != b for a, b in zip(han, to_simplified(han)))


def traditional(texts) -> bool:
    """Is this text written in Traditional Chinese? (characters Simplified Chinese does not use)."""
    chinese = trad = 0
    for t in texts:
        if t.isascii():
            continue
        n, m = _han_counts(t)
        chinese += n
        trad += m
    return trad >= MIN_TRADITIONAL and trad >= MIN_SHARE * chinese


def place_calendar(workbook: WorkbookData, layout: TableLayout, timezone: str | None = None) -> str | None:
    """TW, HK or MO for a tracker written in Traditional Chinese; None for one in Simplified Chinese (the
    mainland's)."""
    if not traditional(_own_words(layout)):
        return None
    zone = _ZONES.get((timezone or "").strip().casefold())
    if zone:
        return zone
    texts = list(_texts(workbook))
    hits = {code: sum(1 for t in texts if rx.search(t)) for code, rx in _PLACES.items()}
    best = max(hits, key=lambda code: hits[code])
    return best if hits[best] else "TW"
