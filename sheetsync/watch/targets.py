"""What the watch watches: one SOURCE, or every tracker of a sheetsync.toml, each as a loop.Target whose sync is
the ordinary one (the library's sync for a SOURCE, the nightly's sync_one for a config's tracker, with its
credentials and the fleet's shared quota) and whose change token comes from a backend kept open between polls."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from .. import registry
from ..model import SheetsyncError
from .loop import Target


class ChangeToken:
    """A remote source's change token (one small request), from a backend opened once and kept for the polls;
    reopened after a failure (an expired sign-in, a dropped connection)."""

    def __init__(self, source: str, options: dict):
        self.source, self.options = source, options
        self.backend: Any = None

    def __call__(self) -> str | None:
        try:
            if self.backend is None:
                self.backend = registry.open_source(self.source, **self.options)
            ask = getattr(self.backend, "change_token", None)
            return ask() if ask is not None else None
        except BaseException:
            self.backend = None
            raise


def _file(source: str) -> Path:
    path = Path(source).expanduser().resolve()
    if not path.is_file():
        raise SheetsyncError(f"{source}: no such file", f"{source}:文件不存在", code="not-found")
    return path


def source_target(source: str, sync: Callable[[], Any], options: dict, name: str | None = None) -> Target:
    """One SOURCE: a file watched by events, anything else polled for its change token."""
    text = str(source)
    problem = registry.refusal(text)
    if problem is not None:
        raise problem
    if registry.is_path(text):
        return Target(name or Path(text).name, text, sync, path=_file(text))
    return Target(name or text, text, sync, token=ChangeToken(text, options))


def config_targets(work, only: list[str] | None = None) -> list[Target]:
    """Every tracker of the config `work` (a jobs.work.Work) holds, or `only` these by name."""
    from ..jobs.runner import local_today, select
    targets = []
    for tracker in select(work.config, only):
        def sync(tracker=tracker):
            return work.sync_one(tracker, local_today(tracker, work.clock))
        targets.append(source_target(tracker.source, sync, work._source_options(tracker), name=tracker.name))
    return targets
