"""Team chat channels: WeCom, DingTalk, Feishu, Slack and Teams webhooks, one thin client each on
`requests` (no maintained library covers all five and lets a test point it at a local server), a shared
content model with size fitting, a rate limiter, and delivery through the digest ledger."""
from __future__ import annotations

from .base import ChatClient, Platform, PostResult, Verdict
from .content import ChatDoc, ChatItem, ChatSection, Mention, fit
from .dingtalk import DingTalk
from .feishu import Feishu
from .slack import Slack
from .teams import Teams
from .wecom import WeCom

PLATFORMS: dict[str, type[Platform]] = {"wecom": WeCom, "dingtalk": DingTalk, "feishu": Feishu, "slack": Slack,
                                        "teams": Teams}
KINDS = tuple(PLATFORMS)

__all__ = ["ChatClient", "Platform", "PostResult", "Verdict", "ChatDoc", "ChatItem", "ChatSection", "Mention", "fit",
           "PLATFORMS", "KINDS", "platform"]


def platform(kind: str) -> Platform:
    return PLATFORMS[kind]()
