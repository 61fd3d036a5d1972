"""What a chat message says, before any platform's syntax: a title, headline numbers, sections of items (each
with its owner, a link to the cell or the sheet, and the person to @-mention), and a link to the full report.

The platforms (wecom.py, dingtalk.py, ...) turn a ChatDoc into their own markdown or card; `fit` splits or
shortens a doc that is over a platform's size limit, so every platform gets the same "… N more" behaviour."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Callable

MAX_PARTS = 3  # a digest longer than three posts is noise in a group chat: the rest is "… N more"

_MORE = {"zh": "… 另有 {n} 项", "en": "… {n} more"}
_PART = {"zh": "\uff08{i}/{n}\uff09", "en": " ({i}/{n})"}  # Chinese brackets in Chinese text
_COUNTED = {"zh": "{title}\uff08{n}\uff09", "en": "{title} ({n})"}


@dataclass(frozen=True)
class Mention:
    """Someone to notify: `chat_id` is the platform's user id (WeCom userid, DingTalk userId, Feishu open_id,
    Slack member id, Teams UPN); `mobile` is what DingTalk and WeCom also accept."""
    name: str
    chat_id: str | None = None
    mobile: str | None = None


@dataclass
class ChatItem:
    text: str  # the task or metric, plain text from the sheet
    owner: str | None = None
    due: str | None = None
    notes: list[str] = field(default_factory=list)
    link: str | None = None  # an http(s) URL to the row, when the sheet has one
    ref: str | None = None  # `任务!C12` when there is no URL
    badge: str | None = None
    mention: Mention | None = None


@dataclass
class ChatSection:
    title: str
    items: list[ChatItem]
    more: int = 0  # items left out to fit the platform's limit
    mention: Mention | None = None  # someone the whole section is for (a department's contact)
    counted: bool = True  # the heading shows how many items the section holds
    detail: str | None = None  # after the count: "市场部(2) · 对接人 李雷"

    def heading(self, lang: str) -> str:
        """The title with the number of items it heads, counted from the items themselves (and those left out
        to fit), so the number and the list cannot disagree."""
        head = _COUNTED[lang].format(title=self.title, n=len(self.items) + self.more) if self.counted else self.title
        return f"{head} · {self.detail}" if self.detail else head


@dataclass
class ChatDoc:
    lang: str
    title: str
    headline: list[tuple[str, str]] = field(default_factory=list)
    intro: list[str] = field(default_factory=list)  # plain lines before the sections
    sections: list[ChatSection] = field(default_factory=list)
    link: str | None = None  # the full report (sheet URL or file path)
    link_text: str | None = None
    severity: str = "info"  # info | warning: the card colour where a platform has one

    def mentions(self) -> list[Mention]:
        out, seen = [], set()
        for s in self.sections:
            for m in [s.mention] + [item.mention for item in s.items]:
                if m and (m.chat_id or m.mobile) and (m.chat_id, m.mobile) not in seen:
                    seen.add((m.chat_id, m.mobile))
                    out.append(m)
        return out

    def more_line(self, section: ChatSection) -> str | None:
        return _MORE[self.lang].format(n=section.more) if section.more else None


def _copy(doc: ChatDoc, sections: list[ChatSection], *, first: bool, last: bool, index: int, total: int) -> ChatDoc:
    title = doc.title + (_PART[doc.lang].format(i=index, n=total) if total > 1 else "")
    return dataclasses.replace(doc, title=title, headline=doc.headline if first else [],
                               intro=doc.intro if first else [],
                               sections=[dataclasses.replace(s, items=list(s.items)) for s in sections],
                               link=doc.link if last else None, link_text=doc.link_text if last else None)


def _shorten(doc: ChatDoc, too_big: Callable[[ChatDoc], bool]) -> ChatDoc:
    """Drop items from the end of the longest section (counting them in "… N more") until the doc fits."""
    while too_big(doc):
        longest = max(doc.sections, key=lambda s: len(s.items), default=None)
        if longest is None or not longest.items:
            # nothing left to drop: cut the intro, then the title (a sheet cell can be very long)
            if doc.intro:
                doc.intro = doc.intro[:-1]
                continue
            if len(doc.title) > 20:
                doc.title = doc.title[: len(doc.title) // 2] + "…"
                continue
            break
        step = max(1, len(longest.items) // 10)
        del longest.items[-step:]
        longest.more += step
    return doc


def fit(doc: ChatDoc, too_big: Callable[[ChatDoc], bool], max_parts: int = MAX_PARTS) -> list[ChatDoc]:
    """One doc when it fits; else up to `max_parts` docs, split between sections, the last shortened."""
    if not too_big(doc):
        return [doc]
    groups: list[list[ChatSection]] = [[]]
    for section in doc.sections:
        trial = _copy(doc, groups[-1] + [section], first=len(groups) == 1, last=False, index=1, total=2)
        if groups[-1] and too_big(trial) and len(groups) < max_parts:
            groups.append([section])
        else:
            groups[-1].append(section)
    total = len(groups)
    return [_shorten(_copy(doc, g, first=i == 0, last=i == total - 1, index=i + 1, total=total), too_big)
            for i, g in enumerate(groups)]
