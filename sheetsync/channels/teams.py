"""Microsoft Teams Workflows webhook ("Post to a channel when a webhook request is received"): POST the
workflow's URL with {"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
"content": AdaptiveCard}]}. It answers 202 Accepted (some flows 200), 429 with Retry-After when throttled.
The card should stay under about 28 KB. A mention is <at>Name</at> in the text plus an entry in
msteams.entities naming the person's UPN or Entra object id."""
from __future__ import annotations

from dataclasses import dataclass

from .base import Platform, Verdict, retry_after
from .content import ChatDoc
from .markdown import escape_md, item_line, report_line, section_heading

CARD = "application/vnd.microsoft.card.adaptive"


@dataclass
class Teams(Platform):
    kind: str = "teams"
    limit_bytes: int = 28000
    rate: tuple[int, float] | None = (4, 1.0)

    def payload(self, doc: ChatDoc) -> dict:
        esc = escape_md
        link = lambda t, u: f"[{t}]({u})"  # noqa: E731
        entities = []

        def mention(m):
            if not m.chat_id:
                return None
            tag = f"<at>{esc(m.name)}</at>"
            if not any(e["mentioned"]["id"] == m.chat_id for e in entities):
                entities.append({"type": "mention", "text": tag, "mentioned": {"id": m.chat_id, "name": m.name}})
            return tag

        body = [{"type": "TextBlock", "text": esc(doc.title), "weight": "Bolder", "size": "Medium", "wrap": True,
                 **({"color": "Attention"} if doc.severity == "warning" else {})}]
        if doc.headline:
            body.append({"type": "FactSet", "facts": [{"title": esc(k), "value": esc(v)} for k, v in doc.headline]})
        for line in doc.intro:
            body.append({"type": "TextBlock", "text": esc(line), "wrap": True})
        for s in doc.sections:
            if not s.items and not s.more:
                continue
            body.append({"type": "TextBlock", "text": section_heading(doc, s, esc=esc, mention=mention,
                                                                       bold=lambda x: x),
                         "weight": "Bolder", "wrap": True, "spacing": "Medium"})
            for item in s.items:  # <at>Name</at> shows the name: the line carries the mention alone
                body.append({"type": "TextBlock", "wrap": True, "spacing": "None",
                             "text": "- " + item_line(doc, item, esc=esc, link=link, mention=mention,
                                                      who=lambda name, tag: tag or name)})
            more = doc.more_line(s)
            if more:
                body.append({"type": "TextBlock", "text": esc(more), "isSubtle": True, "wrap": True})
        tail = report_line(doc, esc=esc, link=link)
        if tail:
            body.append({"type": "TextBlock", "text": tail, "wrap": True, "spacing": "Medium"})
        card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
                "version": "1.4", "body": body}
        if entities:
            card["msteams"] = {"entities": entities}
        return {"type": "message", "attachments": [{"contentType": CARD, "contentUrl": None, "content": card}]}

    def verdict(self, response) -> Verdict:
        if response.status_code in (200, 202):
            return Verdict("ok")
        if response.status_code == 429:
            return Verdict("retry", "HTTP 429 throttled", retry_after(response))
        return Verdict("failed", f"HTTP {response.status_code} {response.text.strip()[:100]}".strip())
