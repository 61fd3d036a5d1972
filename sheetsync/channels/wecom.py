"""WeCom (企业微信) group robot: POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY with
{"msgtype": "markdown", "markdown": {"content": ...}}; content at most 4096 bytes of UTF-8; about 20 messages a
minute per robot (errcode 45009 when over); members are mentioned in markdown as <@userid>."""
from __future__ import annotations

from dataclasses import dataclass

from .base import Platform, Verdict, json_body
from .content import ChatDoc
from .markdown import markdown

RATE_LIMITED = {45009}


@dataclass
class WeCom(Platform):
    kind: str = "wecom"
    limit_bytes: int = 4096
    rate: tuple[int, float] | None = (20, 60.0)
    backoff: float = 15.0  # the limit is per minute: 15, 30, 60 s

    def payload(self, doc: ChatDoc) -> dict:
        # <@userid> shows the member's name, so the line carries the mention alone
        text = markdown(doc, mention=lambda m: f"<@{m.chat_id}>" if m.chat_id else None,
                        heading=lambda s: f"## {s}", who=lambda name, tag: tag or name)
        return {"msgtype": "markdown", "markdown": {"content": text}}

    def size(self, payload: dict) -> int:
        return len(payload["markdown"]["content"].encode("utf-8"))

    def verdict(self, response) -> Verdict:
        data = json_body(response)
        if response.status_code != 200 or data is None:
            return Verdict("failed", f"HTTP {response.status_code}")
        code = data.get("errcode")
        if code == 0:
            return Verdict("ok")
        state = "retry" if code in RATE_LIMITED else "failed"
        return Verdict(state, f"errcode {code} {data.get('errmsg', '')}".strip())
