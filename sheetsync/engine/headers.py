"""Header text as words: what a person wrote over a column, reduced to the words that carry its meaning.

'工作項目', '工作项目 ', 'Ｅｎｄ　Ｄａｔｅ', 'Effort (hours)', 'Custom field (Actual end)' and 'PublishDate' become
the same kind of thing: a list of words (English words, runs of Chinese characters, and the signs # % ?),
the words in brackets kept apart as a note (a unit, or the real name inside a wrapper such as Jira's
'Custom field (...)'). Traditional Chinese is turned into Simplified with OpenCC (Taiwan phrases too:
模組 -> 模块, 連結 -> 链接), only for header text, and each text is converted once."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc

from ..model import INVISIBLE as _INVISIBLE

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_BRACKET = re.compile(r"[(\[【{<]([^()\[\]【】{}<>]*)[)\]】}>]")
_WORD = re.compile(r"[a-z][a-z0-9']*|[0-9]+(?:\.[0-9]+)?|[\u3400-\u9fff\uf900-\ufaff]+|[#%?σ]")
_PARTS = re.compile(r"[/|、\\]")
_converter = opencc.OpenCC("tw2sp")


@dataclass(frozen=True)
class HeaderWords:
    words: tuple[str, ...]  # the words outside brackets, in order
    note: tuple[str, ...]  # the words inside brackets (units, remarks, or the name inside a wrapper)
    text: str  # the header on one line, as written (for people)
    ends: frozenset = frozenset()  # indexes in `words` that end a part ('NOTES / DESCRIPTION': both parts)

    @property
    def all(self) -> tuple[str, ...]:
        return self.words + self.note

    def ends_part(self, i: int) -> bool:
        return i in self.ends or i == len(self.words) - 1


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


@lru_cache(maxsize=8192)
def simplified(text: str) -> str:
    """Traditional Chinese (and Taiwan phrasing) as Simplified; text without Chinese is returned as it is."""
    return _converter.convert(text) if _CJK.search(text) else text


def one_line(text: str) -> str:
    """A header cell's text on one line: line breaks and runs of spaces become one space."""
    return " ".join(str(text).strip(_INVISIBLE).split())


@lru_cache(maxsize=8192)
def header_words(text: str) -> HeaderWords:
    """The words of a header cell (see the module docstring)."""
    line = one_line(text)
    s = unicodedata.normalize("NFKC", line)
    s = _CAMEL.sub(" ", s)  # PublishDate -> Publish Date (before case folding loses the boundary)
    s = simplified(s).casefold()
    notes = _BRACKET.findall(s)
    main = _BRACKET.sub(" ", s)
    words: list[str] = []
    ends = set()
    for part in _PARTS.split(main):  # 'A / B' and two-row headers joined with ' / ': each part has a head word
        found = _WORD.findall(part)
        if found:
            words += found
            ends.add(len(words) - 1)
    note = tuple(w for n in notes for w in _WORD.findall(n))
    return HeaderWords(tuple(words), note, line, frozenset(ends))


def strip_common_prefix(rows: list[HeaderWords | None]) -> list[HeaderWords | None]:
    """Drop a leading word shared by most headers of a row ('Task Name / Task Owner / Task Status',
    'Custom field (...)'), where a header keeps something after it: the shared word is the row's topic, not
    each column's head word. A header that is only the shared word keeps it ('Task' beside 'Task Owner')."""
    present = [h for h in rows if h is not None and h.words]
    if len(present) < 3:
        return rows
    out = list(rows)
    for _ in range(3):  # 'custom field', 'work component': up to three shared words
        counts: dict[str, int] = {}
        for h in out:
            if h is not None and len(h.words) + len(h.note) > 1 and h.words:
                counts[h.words[0]] = counts.get(h.words[0], 0) + 1
        if not counts:
            break
        word, n = max(counts.items(), key=lambda kv: kv[1])
        if n < 3 or n * 2 < len(present):
            break
        out = [h if h is None or not h.words or h.words[0] != word or len(h.words) + len(h.note) == 1
               else _drop_first(h) for h in out]
    return out


def _drop_first(h: HeaderWords) -> HeaderWords:
    rest = h.words[1:]
    if not rest:  # 'Custom field (Actual end)': the name is the note
        return HeaderWords(h.note, (), h.text, frozenset({len(h.note) - 1}))
    return HeaderWords(rest, h.note, h.text, frozenset(i - 1 for i in h.ends if i > 0))


def strip_common_cjk_prefix(rows: list[HeaderWords | None]) -> list[HeaderWords | None]:
    """The same for Chinese, where words are not spaced: '任务名称 / 任务负责人 / 任务状态' share 任务."""
    firsts = [h.words[0] for h in rows if h is not None and h.words and _CJK.match(h.words[0])]
    if len(firsts) < 3:
        return rows
    best = ""
    for size in (2, 3, 4):
        counts: dict[str, int] = {}
        for w in firsts:
            if len(w) > size:
                counts[w[:size]] = counts.get(w[:size], 0) + 1
        if counts:
            p, n = max(counts.items(), key=lambda kv: kv[1])
            if n >= 3 and n * 3 >= len(firsts) * 2:
                best = p
    if not best:
        return rows
    out = []
    for h in rows:
        if h is not None and h.words and h.words[0].startswith(best) and len(h.words[0]) > len(best):
            h = HeaderWords((h.words[0][len(best):],) + h.words[1:], h.note, h.text, h.ends)
        out.append(h)
    return out
