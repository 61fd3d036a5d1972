"""The one redaction of secrets from any text a person or a log may see: every error line and log line goes
through `redact`, whatever form the secret takes.

Forms covered: a URL's user info (`postgresql://user:PASSWORD@host`), a query parameter or a libpq DSN keyword
that carries a secret (`?password=`, `&sslpassword=`, `password='a b'`, `access_token=`, `secret=`), and the
values of the environment variables that hold passwords (the SMTP password, the state URL's password)."""
from __future__ import annotations

import os
import re
from urllib.parse import parse_qsl, unquote, urlsplit

MASK = "***"

# scheme://user:password@host: the password runs to the last '@' before the host (an unencoded '@' in it too)
_USERINFO = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/?#@\s]*):(?P<secret>[^\s/?#]*)@")
# key=value, in a query string (?password=x&...) or a libpq DSN (password=x, password='a b', password = "x")
_SECRET_WORDS = r"(?:ssl)?pass(?:word|wd|phrase)?|secret|client_secret|access_token|refresh_token|token|api_?key|sign"
_KEYWORD = re.compile(rf"(?i)(?P<head>(?<![A-Za-z0-9_])(?:{_SECRET_WORDS})\s*=\s*)"
                      r"(?P<secret>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|[^\s&]+)")
# where passwords live outside the text: their values are masked wherever they appear
PASSWORD_VARIABLES = ("SHEETSYNC_SMTP_PASSWORD", "PGPASSWORD")
STATE_VARIABLE = "SHEETSYNC_STATE"


def secrets_of(target: str | None) -> list[str]:
    """The secret values a URL or a libpq DSN carries (its password, decoded and not, and secret keywords), so a
    driver's message that repeats one of them in another spelling is masked too."""
    text = str(target or "")
    found: list[str] = [m["secret"].strip("'\"") for m in _KEYWORD.finditer(text)]
    found += [m["secret"] for m in _USERINFO.finditer(text)]
    if "://" in text:
        try:
            parts = urlsplit(text)
            found += [parts.password or "", *(v for k, v in parse_qsl(parts.query)
                                              if re.fullmatch(_SECRET_WORDS, k, re.I))]
        except ValueError:
            pass
    found += [unquote(s) for s in found]
    return [s for s in found if s and len(s) >= 3]


def _known(env) -> list[str]:
    env = os.environ if env is None else env
    found = [env.get(name) or "" for name in PASSWORD_VARIABLES] + secrets_of(env.get(STATE_VARIABLE))
    return [s for s in found if len(s) >= 3]


def redact(text: object, *, known=(), env=None) -> str:
    """`text` with every secret replaced by ***: user info passwords, secret keywords (URL query or DSN), the
    values of the password variables, and `known` values the caller holds."""
    out = str(text)
    for secret in sorted({s for s in (*known, *_known(env)) if s}, key=len, reverse=True):
        out = out.replace(secret, MASK)
    out = _USERINFO.sub(lambda m: f"{m['head']}:{MASK}@", out)
    return _KEYWORD.sub(lambda m: f"{m['head']}{MASK}", out)
