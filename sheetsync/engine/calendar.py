"""Working days: official holidays and make-up working days, plus the tracker's own Holidays sheet.

China comes from `chinese_calendar` (it knows the make-up Saturdays and Sundays, 调休); other countries
(Taiwan and Hong Kong included) from the `holidays` package. For a year chinese_calendar does not have yet (each
year's notice comes out in November, the package later), the `holidays` package's China holidays stand in for
the days off; its make-up working days are unknown until the tracker gives them (the Holidays sheet, or a
holidays file imported from the State Council's notice), and until then that year is a `gap`.
Arithmetic is our own: chinese_calendar's find_workday counts the start day itself, and numpy/pandas business
days cannot express a working Saturday (a make-up working day).

Each year becomes a sorted list of working-day ordinals, built on first use and cached per
(country, year, tracker days in that year), so the ~100k calls a validation makes are bisects.
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import chinese_calendar

__all__ = ["WorkCalendar", "calendar_code"]

_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class _Year:
    start: int  # ordinal of 1 January
    flags: bytes  # flags[ordinal - start] == 1 on a working day
    days: tuple[int, ...]  # working-day ordinals, ascending
    covered: bool  # False when the official data did not know the year (the stand-in above, or weekends only)


# What a Chinese team types in the Campaign sheet's calendar cell instead of the code.
_ALIASES = {"中国": "CN", "中国大陆": "CN", "大陆": "CN", "内地": "CN", "CHINA": "CN", "PRC": "CN",
            "台湾": "TW", "台灣": "TW", "臺灣": "TW", "臺湾": "TW", "TAIWAN": "TW",
            "香港": "HK", "HONG KONG": "HK", "HONGKONG": "HK", "澳门": "MO", "澳門": "MO", "MACAU": "MO", "MACAO": "MO"}


def _normalise_country(country: str | None) -> tuple[str, str | None]:
    """'cn' -> ('CN', None); 'US-CA' -> ('US', 'CA'); '' or None -> ('', None), which means weekends only."""
    text = (country or "").strip().upper()
    text = _ALIASES.get(text, text)
    if not text:
        return "", None
    code, _, subdiv = text.partition("-")
    return code, (subdiv or None)


def calendar_code(text: str | None) -> str:
    """The calendar a person wrote, as its code: '台灣' -> 'TW', 'us-ca' -> 'US-CA', '' -> '' (weekends only)."""
    code, subdiv = _normalise_country(text)
    return f"{code}-{subdiv}" if subdiv else code


def _country_holidays(code: str, subdiv: str | None, years):
    # imported here so a command loads `holidays` only for a country other than China (chinese_calendar's)
    # or a Chinese year chinese_calendar lacks:
    # the package costs more to import than validating a 1,000-row tracker takes
    import holidays

    return holidays.country_holidays(code, subdiv=subdiv, years=years)


@lru_cache(maxsize=None)
def _check_country(code: str, subdiv: str | None) -> None:
    if code in ("", "CN") and subdiv is None:
        return
    try:
        _country_holidays(code, subdiv=subdiv, years=())
    except NotImplementedError as exc:
        where = f"{code}-{subdiv}" if subdiv else code
        raise ValueError(f"unknown calendar {where!r}: not a country code the holiday data knows "
                         f"(use a code such as CN, US or GB)") from exc


def _weekdays_only(year: int) -> bytearray:
    first = dt.date(year, 1, 1)
    n = (dt.date(year, 12, 31) - first).days + 1
    wd = first.weekday()
    return bytearray(1 if (wd + i) % 7 < 5 else 0 for i in range(n))


@lru_cache(maxsize=None)
def _official_year(code: str, subdiv: str | None, year: int) -> tuple[bytes, bool]:
    """Working-day flags for one year from the package data, and whether the data covered the year."""
    first = dt.date(year, 1, 1)
    n = (dt.date(year, 12, 31) - first).days + 1
    if code == "":
        return bytes(_weekdays_only(year)), True
    if code == "CN" and subdiv is None:
        try:
            chinese_calendar.is_workday(first)
        except NotImplementedError:
            return _china_stand_in(year), False
        return bytes(chinese_calendar.is_workday(first + dt.timedelta(days=i)) for i in range(n)), True
    cal = _country_holidays(code, subdiv=subdiv, years=year)
    return bytes(cal.is_working_day(first + dt.timedelta(days=i)) for i in range(n)), True


def _china_stand_in(year: int) -> bytes:
    """A year chinese_calendar lacks: weekdays, less the `holidays` package's China holidays (its days off are
    computed from the lunar calendar; the make-up working days are decided each year and it cannot know them)."""
    flags = _weekdays_only(year)
    first = dt.date(year, 1, 1)
    try:
        days = _country_holidays("CN", None, years=year)
    except (NotImplementedError, KeyError):
        return bytes(flags)
    for d in days:
        if d.year == year:
            flags[(d - first).days] = 0
    return bytes(flags)


@lru_cache(maxsize=4096)
def _year_table(code: str, subdiv: str | None, year: int, off: frozenset[int], on: frozenset[int],
                notice_off: frozenset[int] = frozenset(), notice_on: frozenset[int] = frozenset()) -> _Year:
    flags, covered = _official_year(code, subdiv, year)
    start = dt.date(year, 1, 1).toordinal()
    if not covered and (on or notice_on):
        # the year's make-up working days are given (an imported notice, or the Holidays sheet): the year's
        # arrangement is known, so its days off replace the stand-in's guesses instead of adding to them
        flags = bytes(_weekdays_only(year))
    mutable = bytearray(flags)
    # an imported notice is the official calendar; the tracker's own days then win over it
    for days, value in ((notice_on, 1), (notice_off, 0), (on, 1), (off, 0)):
        # a day listed both ways counts as a day off: deadlines then move earlier, never later
        for o in days:
            mutable[o - start] = value
    days = tuple(start + i for i, f in enumerate(mutable) if f)
    return _Year(start, bytes(mutable), days, covered)


def _by_year(days: Iterable[dt.date]) -> dict[int, frozenset[int]]:
    grouped: dict[int, set[int]] = {}
    for d in days:
        if isinstance(d, dt.datetime):
            d = d.date()
        grouped.setdefault(d.year, set()).add(d.toordinal())
    return {y: frozenset(s) for y, s in grouped.items()}


_EMPTY: frozenset[int] = frozenset()


class WorkCalendar:
    """Working days of one country, with the tracker's extra days off and extra working days winning."""

    def __init__(self, country: str = "CN", holidays: Iterable[dt.date] = (), workdays: Iterable[dt.date] = (),
                 notice_rest: Iterable[dt.date] = (), notice_work: Iterable[dt.date] = ()):
        """holidays / workdays: the tracker's own days (they win); notice_rest / notice_work: an imported official
        notice's days off and make-up working days (a holidays file), laid over the country's calendar."""
        self._code, self._subdiv = _normalise_country(country)
        _check_country(self._code, self._subdiv)
        self.country = f"{self._code}-{self._subdiv}" if self._subdiv else self._code
        self._off = _by_year(holidays)
        self._on = _by_year(workdays)
        self._notice_off = _by_year(notice_rest)
        self._notice_on = _by_year(notice_work)
        # what the working days are made of, as a value: two calendars with the same one count days alike (texts
        # written over one calendar are kept for the next run's equal calendar)
        self.definition = (self._code, self._subdiv) + tuple(
            tuple(sorted(by_year.items())) for by_year in (self._off, self._on, self._notice_off, self._notice_on))
        self._years: dict[int, _Year] = {}
        self.uncovered_years: set[int] = set()  # years the official data lacks (see `gaps` for those not filled)
        # Who is asking: the engine sets the task (anything with a .row) before computing its dates, so a missing
        # year is reported once, on the first row whose deadline or working-day count needed it (see `gaps`).
        self.asker = None
        self.gaps: dict[int, object] = {}  # uncovered year -> the asker with the lowest row that needed it

    def __repr__(self) -> str:
        return f"WorkCalendar({self.country!r})"

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            if not dt.MINYEAR <= year <= dt.MAXYEAR:
                raise OverflowError(f"date out of range (year {year})")
            table = _year_table(self._code, self._subdiv, year, self._off.get(year, _EMPTY), self._on.get(year, _EMPTY),
                                self._notice_off.get(year, _EMPTY), self._notice_on.get(year, _EMPTY))
            if not table.covered:
                self.uncovered_years.add(year)
            self._years[year] = table
        # a year whose make-up working days the tracker gives (an imported notice) is known: no gap
        if not table.covered and self.asker is not None and year not in self._on and year not in self._notice_on:
            seen = self.gaps.get(year)
            if seen is None or self.asker.row < seen.row:
                self.gaps[year] = self.asker
        return table

    def covered(self, year: int) -> bool:
        """Does the official holiday data know this year? (Weekends-only calendars always do.)"""
        return _official_year(self._code, self._subdiv, year)[1]

    def is_workday(self, d: dt.date) -> bool:
        table = self._year(d.year)
        return table.flags[d.toordinal() - table.start] == 1

    def add_workdays(self, d: dt.date, n: int) -> dt.date:
        """The n-th working day after d (n > 0) or before it (n < 0); d itself is not counted."""
        if isinstance(d, dt.datetime):
            d = d.date()
        if n == 0:
            return d
        o = d.toordinal()
        year = d.year
        table = self._year(year)
        if n > 0:
            i = bisect_right(table.days, o)  # first working day after d
            while True:
                idx = i + n - 1
                if idx < len(table.days):
                    return dt.date.fromordinal(table.days[idx])
                n -= len(table.days) - i
                year += 1
                table = self._year(year)
                i = 0
        i = bisect_left(table.days, o)  # working days before d in this year
        while True:
            idx = i + n
            if idx >= 0:
                return dt.date.fromordinal(table.days[idx])
            n += i
            year -= 1
            table = self._year(year)
            i = len(table.days)

    def previous_workday(self, d: dt.date) -> dt.date:
        """d when it is a working day, else the nearest earlier working day."""
        if isinstance(d, dt.datetime):
            d = d.date()
        return d if self.is_workday(d) else self.add_workdays(d, -1)

    def next_workday(self, d: dt.date) -> dt.date:
        """d when it is a working day, else the nearest later working day."""
        if isinstance(d, dt.datetime):
            d = d.date()
        return d if self.is_workday(d) else self.add_workdays(d, 1)

    def workdays_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in (a, b]; the negative of workdays_between(b, a) when b < a."""
        if isinstance(a, dt.datetime):
            a = a.date()
        if isinstance(b, dt.datetime):
            b = b.date()
        if b < a:
            return -self.workdays_between(b, a)
        if a == b:
            return 0
        ta = self._year(a.year)
        if a.year == b.year:
            return bisect_right(ta.days, b.toordinal()) - bisect_right(ta.days, a.toordinal())
        count = len(ta.days) - bisect_right(ta.days, a.toordinal())
        for year in range(a.year + 1, b.year):
            count += len(self._year(year).days)
        return count + bisect_right(self._year(b.year).days, b.toordinal())
