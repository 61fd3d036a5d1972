"""Where a config's jobs keep what outlives a run: its state store (the shared PostgreSQL URL, else state.db in
its state directory), and there the nightly error keys (sheetsync.state.nightly_errors)."""
from __future__ import annotations

from pathlib import Path

from ..state import open_store
from ..state.nightly_errors import ErrorKey, NightlyErrors  # noqa: F401  (ErrorKey: the runners' type)
from .config import Config

STATE_DB = "state.db"


def history_path(config: Config) -> Path | str:
    """One state store for every tracker of a config: the shared PostgreSQL URL, else a file in its state
    directory."""
    return config.state_url or Path(config.state) / STATE_DB


def default_store(state: Path) -> NightlyErrors:
    """The nightly error keys in the SQLite state store of a state directory."""
    Path(state).mkdir(parents=True, exist_ok=True)
    return NightlyErrors(open_store(Path(state) / STATE_DB))


def errors_of(config: Config) -> NightlyErrors:
    """The nightly error keys in the config's state store; close with `.store.close()`."""
    target = history_path(config)
    if isinstance(target, Path):
        target.parent.mkdir(parents=True, exist_ok=True)
    return NightlyErrors(open_store(target))
