"""DingTalk (钉钉) custom robot: POST https://oapi.dingtalk.com/robot/send?access_token=TOKEN with
{"msgtype": "markdown", "markdown": {"title", "text"}, "at": {"atMobiles", "atUserIds"}}.

Signing ("加签"), when the robot has a secret: timestamp in milliseconds, string_to_sign = timestamp + "\\n" +
secret, HMAC-SHA256 keyed with the secret, base64, URL-encoded, sent as the `timestamp` and `sign` query
parameters; DingTalk refuses a timestamp more than an hour off. About 20 messages a minute per robot
(errcode 130101 when over). A mention only notifies when its @mobile / @userId also appears in the text."""
from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import quote_plus

from .base import Platform, Verdict, json_body
from .content import ChatDoc
from .markdown import markdown, plain_title

RATE_LIMITED = {130101}


def sign(secret: str, timestamp_ms: int) -> str:
    string_to_sign = f"{timestamp_ms}\n{secret}".encode("utf-8")
    digest = hmac.new(secret.encode("utf-8"), string_to_sign, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


@dataclass
class DingTalk(Platform):
    kind: str = "dingtalk"
    limit_bytes: int = 20000
    rate: tuple[int, float] | None = (20, 60.0)
    backoff: float = 15.0  # the limit is per minute: 15, 30, 60 s

    def payload(self, doc: ChatDoc) -> dict:
        def tag(m):
            who = m.chat_id or m.mobile
            return f"@{who}" if who else None
        mentions = doc.mentions()
        text = markdown(doc, mention=tag)
        return {"msgtype": "markdown", "markdown": {"title": plain_title(doc.title, 60), "text": text},
                "at": {"atMobiles": [m.mobile for m in mentions if m.mobile and not m.chat_id],
                       "atUserIds": [m.chat_id for m in mentions if m.chat_id], "isAtAll": False}}

    def request(self, url: str, payload: dict, secret: str | None, now: float) -> tuple[str, dict]:
        if not secret:
            return url, payload
        ts = int(now * 1000)
        return f"{url}{'&' if '?' in url else '?'}timestamp={ts}&sign={sign(secret, ts)}", payload

    def verdict(self, response) -> Verdict:
        data = json_body(response)
        if response.status_code != 200 or data is None:
            return Verdict("failed", f"HTTP {response.status_code}")
        code = data.get("errcode")
        if code == 0:
            return Verdict("ok")
        return Verdict("retry" if code in RATE_LIMITED else "failed", f"errcode {code} {data.get('errmsg', '')}".strip())
