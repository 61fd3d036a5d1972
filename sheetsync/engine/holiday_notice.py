"""The State Council's yearly holiday notice (国务院办公厅关于YYYY年部分节假日安排的通知), read as published:
each holiday's days off (放假) and the make-up working days (上班) the notice names.

Text pasted from a web page or a chat arrives with full-width or half-width punctuation (：（）、，。 or :(),.)
and with line breaks anywhere, even inside a date, so the text is folded to one form (NFKC) and its line breaks
removed before it is read. A range is "2月15日至23日" (the end in the start's month), "12月31日至1月2日" (the
end in the next month, or the next year) or with explicit years ("2011年12月31日"). Every date the notice
gives a weekday for (（周日）, (星期六)) is checked against it, and every "共N天" against its range: a date
read wrongly stops the import instead of moving a holiday."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["Holiday", "Notice", "NoticeError", "parse_notice"]

_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_NUMERALS = "一二三四五六七八九十"
# a date: optional year, month (optional when a range's end shares the start's month), day; then an optional
# bracket whose text may hold the weekday (（农历正月初七、周一）)
_DATE = re.compile(r"(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})日(?:\((?P<note>[^()]*)\))?")
_RANGE = re.compile(_DATE.pattern.replace("?P<", "?P<a_") + r"(?:至|到|~|-|—|–)" + _DATE.pattern.replace("?P<", "?P<b_"))
_TITLE_YEAR = re.compile(r"(\d{4})年(?:部分)?节假日")
# an item's number and the holiday's name before its colon (一、春节: / 2.国庆节、中秋节: / 六,国庆节,中秋节:);
# line breaks are gone by then, so the name's colon is what tells an item from a number in the text
_ITEM = re.compile(r"(?:[" + _NUMERALS + r"]+|\d{1,2})[、.,](?=[\u4e00-\u9fff、,]{1,15}:)")
_COUNT = re.compile(r"共(\d+)天")


class NoticeError(ValueError):
    """The text is not a holiday notice sheetsync can read, said in both languages."""

    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.en, self.zh = en, zh


@dataclass
class Holiday:
    name: str  # as the notice writes it: 春节, 国庆节、中秋节
    rest: list[dt.date] = field(default_factory=list)  # days off, in order
    work: list[dt.date] = field(default_factory=list)  # make-up working days (调休上班)


@dataclass
class Notice:
    year: int
    holidays: list[Holiday]

    @property
    def rest(self) -> list[dt.date]:
        return sorted({d for h in self.holidays for d in h.rest})

    @property
    def work(self) -> list[dt.date]:
        return sorted({d for h in self.holidays for d in h.work})


def _fold(text: str) -> str:
    """One form for every way the notice is pasted: half-width punctuation, no line breaks or spaces."""
    text = unicodedata.normalize("NFKC", text)  # （）：，；～ and full-width digits to their half-width forms
    return re.sub(r"\s+", "", text.replace("〜", "~"))


def _year_of(text: str, year: int | None) -> int:
    found = _TITLE_YEAR.search(text)
    if year is not None:
        if found and int(found.group(1)) != year:
            raise NoticeError(f"the notice is for {found.group(1)}, not {year}; drop --year or correct it",
                              f"通知是 {found.group(1)} 年的,不是 {year} 年:请去掉 --year 或改正")
        return year
    if found:
        return int(found.group(1))
    raise NoticeError("the year is not in the text (its title names it: 关于2027年部分节假日安排的通知); give --year",
                      "文中没有年份(标题中应有“关于2027年部分节假日安排的通知”):请用 --year 指定")


def _items(text: str) -> list[str]:
    """The numbered items (一、元旦:… 二、春节:…), each one holiday."""
    starts = [m.end() for m in _ITEM.finditer(text)]
    return [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]


def _weekday(note: str | None) -> int | None:
    hit = re.search(r"(?:周|星期|礼拜)([一二三四五六日天])", note or "")
    return _WEEKDAYS[hit.group(1)] if hit else None


def _day(year: int, spec: tuple, where: str) -> dt.date:
    y, m, d, note = spec
    try:
        day = dt.date(int(y) if y else year, int(m), int(d))
    except ValueError:
        raise NoticeError(f"{where}: {m}月{d}日 is not a date", f"{where}:{m}月{d}日不是有效日期") from None
    want = _weekday(note)
    if want is not None and day.weekday() != want:
        raise NoticeError(f"{where}: {day.isoformat()} is not the weekday the notice gives ({note}); "
                          "check the year", f"{where}:{day.isoformat()} 与通知所写的星期({note})不符,请检查年份")
    return day


def _spec(m: re.Match, prefix: str = "", month: str | None = None) -> tuple:
    g = m.groupdict()
    return g[prefix + "y"], g[prefix + "m"] or month, g[prefix + "d"], g[prefix + "note"]


def _holiday(item: str, year: int) -> Holiday | None:
    name, sep, body = item.partition(":")
    if not sep or not _DATE.search(body):
        return None
    where = name = name.strip(",.")
    ranges: list[tuple[tuple, tuple, str]] = []  # (first, last, the sentence's text) of each run of days off
    work: list[tuple] = []
    # the sentences: "…放假调休,共8天." and "1月26日(周日)、2月8日(周六)上班."
    for sentence in re.split(r"[。.;;]", body):
        if "上班" in sentence:
            month = None
            for m in _DATE.finditer(sentence[:sentence.rindex("上班")]):
                month = m.group("m") or month
                if month is None:
                    raise NoticeError(f"{where}: '{m.group(0)}' has no month", f"{where}:“{m.group(0)}”缺少月份")
                work.append(_spec(m, month=month))
        elif "放假" in sentence or "休息" in sentence:
            rng = _RANGE.search(sentence)
            if rng:
                if not rng.group("a_m"):
                    raise NoticeError(f"{where}: '{rng.group(0)}' has no month", f"{where}:“{rng.group(0)}”缺少月份")
                ranges.append((_spec(rng, "a_"), _spec(rng, "b_", rng.group("a_m")), sentence))
            elif (m := _DATE.search(sentence)) and m.group("m"):
                ranges.append((_spec(m), _spec(m), sentence))
    # 元旦 of year N may begin in December of N-1 ("12月31日至1月2日", "12月30日(周六)上班"): a December date
    # without its year, in an item that also holds January, belongs to the year before
    months = {int(s[1]) for r in ranges for s in r[:2]} | {int(s[1]) for s in work}
    def year_of(spec: tuple) -> int:
        return year - 1 if 1 in months and int(spec[1]) == 12 else year

    h = Holiday(name)
    for first_spec, last_spec, sentence in ranges:
        first, last = _day(year_of(first_spec), first_spec, where), _day(year_of(last_spec), last_spec, where)
        if last < first or (last - first).days > 31:
            raise NoticeError(f"{where}: {first.isoformat()} to {last.isoformat()} is not a range of days",
                              f"{where}:{first.isoformat()} 至 {last.isoformat()} 不是有效的日期范围")
        days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
        said = _COUNT.search(sentence) or re.search(r"放假(\d+)天", sentence)
        if said and int(said.group(1)) != len(days):
            raise NoticeError(f"{where}: the notice says {said.group(1)} days, the dates give {len(days)}",
                              f"{where}:通知写共 {said.group(1)} 天,日期范围却是 {len(days)} 天")
        h.rest.extend(days)
    h.work = [_day(year_of(spec), spec, where) for spec in work]
    return h if (h.rest or h.work) else None


def parse_notice(text: str, year: int | None = None) -> Notice:
    """The notice's holidays: days off and make-up working days, each holiday as its item names it."""
    folded = _fold(text)
    year = _year_of(folded, year)
    holidays = [h for h in (_holiday(item, year) for item in _items(folded)) if h is not None]
    if not holidays:
        raise NoticeError("no holiday found: expected numbered lines such as "
                          "'二、春节：2月15日（周日）至23日（周一）放假调休，共9天。2月14日（周六）上班。'",
                          "没有找到节假日安排:应为编号的各行,例如“二、春节：2月15日（周日）至23日（周一）放假调休，共9天。"
                          "2月14日（周六）上班。”")
    return Notice(year, holidays)
