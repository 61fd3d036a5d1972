"""What one run is given, in a few typed groups `api` builds once and every layer reads: how the tracker is read
(Reading: the day, the language, the mapping, the overrides) and where its messages go (Delivery: outbox, send,
SMTP, force, the state store). The commands' long keyword lists are these groups; the old keyword names still
work (`gather` sorts them into their group), so a caller may pass either."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, TypeVar

from .model import ColumnMapping, Overrides

G = TypeVar("G")


@dataclass(frozen=True)
class Reading:
    """How the tracker is read: `today` as given (parsed once into the run's clock), the language of the
    messages (None: the tracker's), a mapping that wins over recognition, campaign facts set outside the
    tracker (a dict of the same names is turned into Overrides)."""
    today: str | dt.date | None = None
    lang: str | None = None
    mapping: ColumnMapping | None = None
    overrides: Overrides = Overrides()

    def __post_init__(self):
        object.__setattr__(self, "overrides", Overrides.of(self.overrides))


@dataclass(frozen=True)
class Delivery:
    """Where the run's messages go: `outbox` (a folder: every message a preview file), else SMTP when `send`
    or SHEETSYNC_SMTP_HOST is set (`smtp`: settings given, else read from the environment), else the outbox
    beside the state. `force` sends again what the ledger says went out; `state` is the state store (default
    .sheetsync/state.db beside the tracker)."""
    outbox: Path | str | None = None
    send: bool = False
    smtp: Any = None
    force: bool = False
    state: Path | str | None = None


def gather(group: type[G], given: dict, start: G | None = None) -> G:
    """`group` (a dataclass) from `start`, with each of its fields found in `given` taken out of `given`: the
    keyword names the commands took before their parameters were grouped."""
    names = {f.name for f in fields(group)}
    picked = {k: given.pop(k) for k in list(given) if k in names}
    base = start if start is not None else group()
    return replace(base, **picked) if picked else base
