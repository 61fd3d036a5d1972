"""The common part of every chat client: POST JSON to a webhook with a timeout, tell a refusal from a rate limit
from a post whose fate is unknown, retry with backoff only where the platform says "too fast", and never put
the webhook key or the signing secret into an error text.

Exactly once needs the distinction requests makes between a connection that never opened (nothing was sent:
safe to retry) and one that dropped after the request went out (the platform may have posted it: `uncertain`,
never resent without force)."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Callable

import requests

from .content import ChatDoc
from .limiter import RateLimiter

TIMEOUT = (10.0, 30.0)  # connect, read (seconds): requests waits forever without one
MAX_ATTEMPTS = 4
MAX_WAIT = 60.0


@dataclass
class Verdict:
    """How a platform answered: ok, retry (rate limited, after `wait` seconds if it said), or failed."""
    state: str  # ok | retry | failed
    error: str | None = None
    wait: float | None = None


@dataclass
class PostResult:
    status: str  # sent | failed | uncertain
    error: str | None = None
    attempts: int = 0
    waited: float = 0.0


@dataclass
class Platform:
    """What differs between platforms; subclasses fill these in."""
    kind: str = ""
    limit_bytes: int = 4096  # of the part the platform measures (see `size`)
    rate: tuple[int, float] | None = None  # (messages, seconds) per robot
    backoff: float = 2.0  # first wait after a rate-limit answer without Retry-After; doubles each attempt

    def payloads(self, doc: ChatDoc) -> list[dict]:
        from .content import fit
        return [self.payload(d) for d in fit(doc, lambda d: self.size(self.payload(d)) > self.limit_bytes)]

    def payload(self, doc: ChatDoc) -> dict:
        raise NotImplementedError

    def size(self, payload: dict) -> int:
        return len(json.dumps(payload, ensure_ascii=False).encode("utf-8"))

    def request(self, url: str, payload: dict, secret: str | None, now: float) -> tuple[str, dict]:
        """The URL and JSON body actually posted (signing adds to one of them)."""
        return url, payload

    def verdict(self, response: requests.Response) -> Verdict:
        raise NotImplementedError


def retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def json_body(response: requests.Response) -> dict | None:
    try:
        data = response.json()
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _sent_nothing(exc: requests.exceptions.ConnectionError) -> bool:
    """True when the connection never opened (refused, no route, name not found): the request was not sent."""
    seen, e = set(), exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        name = type(e).__name__
        if name in ("NewConnectionError", "NameResolutionError", "ConnectTimeoutError", "ConnectionRefusedError"):
            return True
        if isinstance(e, requests.exceptions.ConnectionError) and e.args and isinstance(e.args[0], BaseException):
            e = e.args[0]
            continue
        reason = getattr(e, "reason", None)
        e = reason if isinstance(reason, BaseException) else (e.__cause__ or e.__context__)
    return False


@dataclass
class ChatClient:
    """One configured channel: its platform, webhook URL and secret (from the environment), and the limits."""
    platform: Platform
    name: str
    url: str = field(repr=False)
    secret: str | None = field(default=None, repr=False)
    session: requests.Session | None = None
    limiter: RateLimiter | None = None
    sleep: Callable[[float], None] = time.sleep
    wall_clock: Callable[[], float] = time.time  # signatures carry the time; tests move it
    timeout: tuple[float, float] = TIMEOUT
    max_attempts: int = MAX_ATTEMPTS

    def __post_init__(self):
        if self.limiter is None and self.platform.rate:
            count, per = self.platform.rate
            self.limiter = RateLimiter(count, per, sleep=self.sleep)

    def mask(self, text: str) -> str:
        """Remove the webhook URL, its key and the secret from any text that may be shown or stored."""
        out = str(text)
        for secret in sorted(self._secrets(), key=len, reverse=True):
            out = out.replace(secret, "***")
        return out

    def _secrets(self) -> list[str]:
        from urllib.parse import parse_qsl, urlsplit
        parts = urlsplit(self.url)
        values = [self.url, parts.path, parts.query] + [v for _, v in parse_qsl(parts.query)]
        values += [seg for seg in parts.path.split("/") if len(seg) >= 8]
        if self.secret:
            values.append(self.secret)
        return [v for v in values if v and len(v) >= 4]

    def post(self, payload: dict) -> PostResult:
        result = PostResult("failed")
        session = self.session or requests.Session()
        try:
            for attempt in range(1, self.max_attempts + 1):
                result.attempts = attempt
                if self.limiter is not None:
                    result.waited += self.limiter.wait()
                url, body = self.platform.request(self.url, payload, self.secret, self.wall_clock())
                data = json.dumps(body, ensure_ascii=False).encode("utf-8")
                try:
                    response = session.post(url, data=data, timeout=self.timeout,
                                            headers={"Content-Type": "application/json; charset=utf-8"})
                except requests.exceptions.ConnectTimeout:
                    result.status, result.error = "failed", f"{self.platform.kind}: could not connect (timeout)"
                    return result
                except requests.exceptions.ConnectionError as exc:
                    if _sent_nothing(exc):
                        result.status, result.error = "failed", f"{self.platform.kind}: could not connect"
                    else:
                        result.status = "uncertain"
                        result.error = f"{self.platform.kind}: connection dropped after the post was sent"
                    return result
                except (requests.exceptions.Timeout, requests.exceptions.ChunkedEncodingError):
                    result.status = "uncertain"
                    result.error = f"{self.platform.kind}: no complete answer after the post was sent"
                    return result
                except requests.exceptions.RequestException as exc:
                    result.status, result.error = "failed", f"{self.platform.kind}: {type(exc).__name__}"
                    return result
                verdict = self.platform.verdict(response)
                if verdict.state == "ok":
                    result.status, result.error = "sent", None
                    return result
                result.status, result.error = "failed", self.mask(f"{self.platform.kind}: {verdict.error}")
                if verdict.state != "retry" or attempt == self.max_attempts:
                    return result
                pause = min(MAX_WAIT, verdict.wait if verdict.wait is not None
                            else self.platform.backoff * 2 ** (attempt - 1))
                self.sleep(pause)
                result.waited += pause
        finally:
            if self.session is None:
                session.close()
        return result
