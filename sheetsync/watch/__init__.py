"""`sheetsync watch`: one long-running process that syncs each tracker soon after it changes and otherwise costs
almost nothing. A file is watched through filesystem events (files.py) and synced once it is closed and has
settled; a remote sheet's change token is polled (loop.py); what it watches and when each tracker last synced is
a small record in the state folder (status.py)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable


def run_watch(source, sync: Callable[[], Any], options: dict, *, folder: Path, poll: float, settle: float,
              stop=None, log=None) -> int:
    """Watch one SOURCE until stopped; `sync()` is the library's sync of it. One watch per state folder."""
    from ..jobs.lock import exclusive
    from .loop import Watcher
    from .status import WatchStatus
    from .targets import source_target
    target = source_target(str(source), sync, options)
    with exclusive(folder, "watch"):
        return Watcher([target], poll=poll, settle=settle, log=log, status=WatchStatus(folder), stop=stop).run(
            handle_signals=stop is None)


def watch_config(config, library, *, only: list[str] | None = None, poll: float = 60.0, settle: float = 3.0,
                 credentials: str | None = None, stop=None, log=None) -> int:
    """Every tracker of a sheetsync.toml (or `only` these), synced soon after each change by the nightly's own
    sync (its credentials, the fleet's shared quota, its calendar step), until stopped. One watch per state."""
    from ..jobs.commands import config_of, fleet_of
    from ..jobs.lock import exclusive
    from ..jobs.runner import default_log
    from ..jobs.work import Work
    from .loop import Watcher
    from .status import WatchStatus
    from .targets import config_targets
    cfg = config_of(config)
    work = Work(cfg, library, credentials=credentials)
    with exclusive(cfg.state, "watch"), fleet_of(cfg, None, credentials) as fleet:
        work.join(fleet)
        watcher = Watcher(config_targets(work, only), poll=poll, settle=settle, log=log or default_log(cfg),
                          status=WatchStatus(cfg.state), stop=stop)
        return watcher.run(handle_signals=stop is None)
