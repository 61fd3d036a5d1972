"""`sheetsync demo`: the whole loop on an embedded default, with no credentials and no server.

A Chinese campaign tracker is created from a template with dates around today (some late, one unreviewed,
one dependency problem, one blocked), synced, and its digests written to an outbox folder."""
from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from . import api
from .model import Report

DEMO_NAME = "夏日清凉服务季.xlsx"


@dataclass
class DemoResult:
    folder: Path
    tracker: Path
    report: Report
    sync: object = None
    digest: object = None
    outbox: Path | None = None
    files: list[Path] = field(default_factory=list)


def run_demo(folder: Path, *, today: dt.date | None = None, template: str = "campaign-launch") -> DemoResult:
    from .templates import create_tracker
    today = today or dt.date.today()
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)  # the demo folder is ours: start fresh so a rerun shows the same loop
    folder.mkdir(parents=True)
    tracker = create_tracker(folder / DEMO_NAME, template, lang="zh", today=today, scenario="demo")
    report = api.validate(tracker, today=today)
    result = DemoResult(folder=folder, tracker=tracker, report=report)
    result.sync = api.sync(tracker, today=today)
    result.report = result.sync.report
    digest = getattr(api, "digest", None)
    if digest is not None:
        result.outbox = folder / "outbox"
        result.digest = digest(tracker, today=today, outbox=result.outbox, kinds="all",
                               state=folder / ".sheetsync" / "state.db")
        result.files = sorted(result.outbox.glob("*"))
    return result
