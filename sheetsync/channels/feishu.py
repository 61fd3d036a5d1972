"""Feishu / Lark (飞书) custom bot: POST https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN with
{"msg_type": "interactive", "card": {...}}; the request body at most 20 KB.

Signature ("签名校验"), when the bot has a secret: timestamp in seconds, string_to_sign = timestamp + "\\n" +
secret used as the HMAC-SHA256 KEY over an empty message, base64; `timestamp` and `sign` go into the JSON body.
Feishu refuses a timestamp more than an hour off (code 19021). Rate limits answer code 11232, or 9499 with
"too many request". Members are mentioned in lark_md as <at id=OPEN_ID></at>."""
from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from .base import Platform, Verdict, json_body
from .content import ChatDoc
from .markdown import markdown, plain_title


def sign(secret: str, timestamp_s: int) -> str:
    key = f"{timestamp_s}\n{secret}".encode("utf-8")
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


@dataclass
class Feishu(Platform):
    kind: str = "feishu"
    limit_bytes: int = 19000  # 20 KB less room for timestamp and sign
    rate: tuple[int, float] | None = (5, 1.0)
    backoff: float = 1.0

    def payload(self, doc: ChatDoc) -> dict:
        # <at id=OPEN_ID></at> shows the member's name: the People sheet's 飞书 / Feishu column (else Chat ID)
        body = markdown(doc, mention=lambda m: f"<at id={m.chat_id}></at>" if m.chat_id else None,
                        heading=lambda s: "", who=lambda name, tag: tag or name)
        body = body.split("\n", 1)[1] if "\n" in body else ""  # the title goes into the card header
        return {"msg_type": "interactive",
                "card": {"config": {"wide_screen_mode": True},
                         "header": {"title": {"tag": "plain_text", "content": plain_title(doc.title)},
                                    "template": "red" if doc.severity == "warning" else "blue"},
                         "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": body.strip() or "—"}}]}}

    def request(self, url: str, payload: dict, secret: str | None, now: float) -> tuple[str, dict]:
        if not secret:
            return url, payload
        ts = int(now)
        return url, {"timestamp": str(ts), "sign": sign(secret, ts), **payload}

    def verdict(self, response) -> Verdict:
        data = json_body(response)
        if data is None:
            return Verdict("failed", f"HTTP {response.status_code}")
        code = data.get("code", data.get("StatusCode"))
        if response.status_code == 200 and code == 0:
            return Verdict("ok")
        msg = str(data.get("msg", ""))
        limited = code == 11232 or (code == 9499 and "too many" in msg.lower()) or response.status_code == 429
        return Verdict("retry" if limited else "failed", f"code {code} {msg}".strip())
