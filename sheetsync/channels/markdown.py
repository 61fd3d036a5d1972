"""Shared markdown layout for the platforms that take markdown (WeCom, DingTalk, Feishu lark_md, Slack mrkdwn,
Teams TextBlocks). Text from the sheet is escaped so a task named `<@all>` or `[x](evil)` is shown, not obeyed."""
from __future__ import annotations

import re
from typing import Callable

from .content import ChatDoc, ChatItem, Mention

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#~|])")
_LABELS = {"zh": {"owner": "负责人", "due": "截止", "report": "完整报告"},
           "en": {"owner": "owner", "due": "due", "report": "Full report"}}


def escape_md(text: str) -> str:
    """Plain text for CommonMark-like renderers: markdown punctuation escaped, angle brackets made harmless
    (these renderers have no entities, and `<@id>` / `<at>` would be read as a mention)."""
    text = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", text).replace("<", "‹").replace(">", "›")


def escape_slack(text: str) -> str:
    """Slack mrkdwn: only &, < and > are control characters (https://api.slack.com/reference/surfaces/formatting)."""
    text = " ".join(str(text).split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def safe_url(url: str | None) -> str | None:
    """Only http(s) links, without characters that would end the markdown link early."""
    if not url or not re.match(r"^https?://", url) or re.search(r"[\s()<>|\[\]]", url):
        return None
    return url


REASON_CHARS = {"zh": 40, "en": 80}  # the first reason on an item's line: about two lines on a phone


def plain_title(text: str, limit: int | None = None) -> str:
    """A title in a platform's plain-text field (a card header, a notification preview): one line, and no angle
    brackets a platform could read as a mention or a tag."""
    text = " ".join(str(text).split()).replace("<", "‹").replace(">", "›")
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def shorten(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def name_and_tag(name: str, tag: str | None) -> str:
    """The person as the line shows them: the name, and the platform's mention when there is one."""
    return f"{name} {tag}" if tag else name


def item_line(doc: ChatDoc, item: ChatItem, *, esc: Callable[[str], str], link: Callable[[str, str], str],
              mention: Callable[[Mention], str | None], bold: Callable[[str], str] = lambda s: f"**{s}**",
              who: Callable[[str, str | None], str] = name_and_tag) -> str:
    """One line: the task (a link to its row, or its cell), its owner (@-mentioned), the first reason, and `+N`
    for the other reasons (the full list is in the digest and the report sheet)."""
    tx = _LABELS[doc.lang]
    reasons = list(item.notes) or ([f"{tx['due']} {item.due}"] if item.due else [])
    # a reason that already names the item ("李雷 has 6 tasks due…" under 李雷) stands for the title
    named = bool(reasons) and " ".join(str(reasons[0]).split()).startswith(" ".join(item.text.split()))
    title = esc(shorten(reasons.pop(0), REASON_CHARS[doc.lang]) if named else item.text)
    url = safe_url(item.link)
    head = link(title, url) if url else title
    if item.ref and not url:
        head += f"\uff08{esc(item.ref)}\uff09" if doc.lang == "zh" else f" ({esc(item.ref)})"
    if item.badge:
        head = f"{bold(esc(item.badge))} {head}"
    bits = [head]
    if item.owner:
        bits.append(who(esc(item.owner), mention(item.mention) if item.mention else None))
    if reasons:
        more = f" +{len(reasons) - 1}" if len(reasons) > 1 else ""
        bits.append(esc(shorten(reasons[0], REASON_CHARS[doc.lang])) + more)
    return " · ".join(bits)


def section_heading(doc: ChatDoc, section, *, esc, mention, bold) -> str:
    head = bold(esc(section.heading(doc.lang)))
    tag = mention(section.mention) if section.mention else None
    return f"{head} {tag}" if tag else head


def report_line(doc: ChatDoc, *, esc, link) -> str | None:
    if not doc.link:
        return None
    text = doc.link_text or _LABELS[doc.lang]["report"]
    url = safe_url(doc.link)
    return link(esc(text), url) if url else f"{esc(text)}: {esc(doc.link)}"


def markdown(doc: ChatDoc, *, esc=escape_md, link=lambda t, u: f"[{t}]({u})", mention=lambda m: None,
             heading=lambda s: f"### {s}", bold=lambda s: f"**{s}**", bullet="- ", who=name_and_tag) -> str:
    """The whole doc as one markdown text."""
    lines = [heading(esc(doc.title))]
    if doc.headline:
        lines.append(" · ".join(f"{esc(k)} {bold(esc(v))}" for k, v in doc.headline))
    lines += [esc(x) for x in doc.intro]
    for section in doc.sections:
        if not section.items and not section.more:
            continue
        lines.append("")
        lines.append(section_heading(doc, section, esc=esc, mention=mention, bold=bold))
        for item in section.items:
            lines.append(bullet + item_line(doc, item, esc=esc, link=link, mention=mention, bold=bold, who=who))
        more = doc.more_line(section)
        if more:
            lines.append(esc(more))
    tail = report_line(doc, esc=esc, link=link)
    if tail:
        lines += ["", tail]
    return "\n".join(lines)
