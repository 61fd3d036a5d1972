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


def item_line(doc: ChatDoc, item: ChatItem, *, esc: Callable[[str], str], link: Callable[[str, str], str],
              mention: Callable[[Mention], str | None], bold: Callable[[str], str] = lambda s: f"**{s}**") -> str:
    tx = _LABELS[doc.lang]
    title = esc(item.text)
    url = safe_url(item.link)
    head = link(title, url) if url else title
    if item.ref and not url:
        head += f" ({esc(item.ref)})"
    bits = [head]
    if item.badge:
        bits.insert(0, bold(esc(item.badge)))
    if item.owner:
        tag = mention(item.mention) if item.mention else None
        bits.append(f"{tx['owner']} {esc(item.owner)}" + (f" {tag}" if tag else ""))
    if item.due:
        bits.append(f"{tx['due']} {esc(item.due)}")
    bits += [esc(n) for n in item.notes]
    return " · ".join(bits)


def report_line(doc: ChatDoc, *, esc, link) -> str | None:
    if not doc.link:
        return None
    text = doc.link_text or _LABELS[doc.lang]["report"]
    url = safe_url(doc.link)
    return link(esc(text), url) if url else f"{esc(text)}: {esc(doc.link)}"


def markdown(doc: ChatDoc, *, esc=escape_md, link=lambda t, u: f"[{t}]({u})", mention=lambda m: None,
             heading=lambda s: f"### {s}", bold=lambda s: f"**{s}**", bullet="- ") -> str:
    """The whole doc as one markdown text."""
    lines = [heading(esc(doc.title))]
    if doc.headline:
        lines.append(" · ".join(f"{esc(k)} {bold(esc(v))}" for k, v in doc.headline))
    lines += [esc(x) for x in doc.intro]
    for section in doc.sections:
        if not section.items and not section.more:
            continue
        lines.append("")
        lines.append(bold(esc(section.title)))
        for item in section.items:
            lines.append(bullet + item_line(doc, item, esc=esc, link=link, mention=mention, bold=bold))
        more = doc.more_line(section)
        if more:
            lines.append(esc(more))
    tail = report_line(doc, esc=esc, link=link)
    if tail:
        lines += ["", tail]
    return "\n".join(lines)
