"""Slack incoming webhook: POST https://hooks.slack.com/services/T/B/X with {"text": fallback, "blocks": [...]}.
It answers 200 "ok", or an error word (400 invalid_payload, 403, 404 no_service, 410 channel_is_archived), and
429 with Retry-After when over its rate (about one message a second). A section's text is at most 3000
characters and a message at most 50 blocks; members are mentioned as <@MEMBER_ID>."""
from __future__ import annotations

from dataclasses import dataclass

from .base import Platform, Verdict, retry_after
from .content import ChatDoc
from .markdown import escape_slack, item_line, plain_title, report_line, section_heading

SECTION_CHARS = 3000
MAX_BLOCKS = 50


@dataclass
class Slack(Platform):
    kind: str = "slack"
    limit_bytes: int = 40000
    rate: tuple[int, float] | None = (1, 1.0)

    def payload(self, doc: ChatDoc) -> dict:
        esc = escape_slack
        link = lambda t, u: f"<{u}|{t}>"  # noqa: E731
        mention = lambda m: f"<@{m.chat_id}>" if m.chat_id else None  # noqa: E731
        bold = lambda s: f"*{s}*"  # noqa: E731
        who = lambda name, tag: tag or name  # noqa: E731  (<@ID> shows the member's name)
        blocks = [{"type": "header", "text": {"type": "plain_text", "text": plain_title(doc.title, 150), "emoji": True}}]
        if doc.headline or doc.intro:
            text = "\n".join([" · ".join(f"{esc(k)} *{esc(v)}*" for k, v in doc.headline)] * bool(doc.headline)
                             + [esc(x) for x in doc.intro])
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
        for s in doc.sections:
            if not s.items and not s.more:
                continue
            lines = [section_heading(doc, s, esc=esc, mention=mention, bold=bold)]
            lines += ["• " + item_line(doc, i, esc=esc, link=link, mention=mention, bold=bold, who=who) for i in s.items]
            more = doc.more_line(s)
            if more:
                lines.append(esc(more))
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}})
        tail = report_line(doc, esc=esc, link=link)
        if tail:
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": tail}]})
        return {"text": plain_title(doc.title), "blocks": blocks}

    def size(self, payload: dict) -> int:
        blocks = payload["blocks"]
        longest = max((len(b["text"]["text"]) for b in blocks if b["type"] == "section"), default=0)
        if longest > SECTION_CHARS or len(blocks) > MAX_BLOCKS:
            return self.limit_bytes + 1
        return super().size(payload)

    def verdict(self, response) -> Verdict:
        body = response.text.strip()
        if response.status_code == 200 and body == "ok":
            return Verdict("ok")
        if response.status_code == 429:
            return Verdict("retry", "HTTP 429 rate limited", retry_after(response))
        return Verdict("failed", f"HTTP {response.status_code} {body[:100]}".strip())
