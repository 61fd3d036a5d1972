"""`sheetsync demo`: the whole loop on an embedded default, with no credentials and no server.

A Chinese campaign tracker is created from a template with dates around today (some late, one unreviewed,
one dependency problem, one blocked), synced, and its digests written to an outbox folder."""
from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from . import api
from .atomic import write_atomic
from .clock import make_clock
from .model import Report, SheetsyncError

DEMO_NAME = "夏日清凉服务季.xlsx"
MARKER = ".sheetsync-demo"  # a folder holding this file was made by the demo and may be recreated


@dataclass
class DemoResult:
    folder: Path
    tracker: Path
    report: Report
    sync: object = None
    digest: object = None
    outbox: Path | None = None
    files: list[Path] = field(default_factory=list)


def run_demo(folder: Path, *, today: str | dt.date | dt.datetime | None = None,
             template: str = "campaign-launch") -> DemoResult:
    """`today` as for every command; the one clock of the run is read in the zone the demo tracker will carry,
    so its dates, its sync, its digest and a later `sheetsync sync` all agree on the day and the hour."""
    from .templates import create_tracker, template_zone
    clock = make_clock(template_zone(template), today)
    folder = Path(folder)
    if folder.exists():
        # only a folder the demo made is recreated: a typo in --folder must never delete someone's files
        if not (folder / MARKER).is_file() and any(folder.iterdir()):
            raise SheetsyncError(f"{folder}: exists and was not made by the demo; choose an empty or new folder",
                                 f"{folder}:文件夹已存在且不是演示生成的;请换一个空的或新的文件夹", code="usage")
        shutil.rmtree(folder)  # start fresh so a rerun shows the same loop
    folder.mkdir(parents=True)
    write_atomic(folder / MARKER, "made by `sheetsync demo`; deleted and recreated on the next run\n")
    tracker = create_tracker(folder / DEMO_NAME, template, lang="zh", today=clock.today, scenario="demo")
    moment = clock.aware  # the same moment for each step below
    report = api.validate(tracker, today=moment)
    result = DemoResult(folder=folder, tracker=tracker, report=report)
    state = folder / ".sheetsync" / "state.db"
    result.sync = api.sync(tracker, today=moment, state=state)
    result.report = result.sync.report
    result.outbox = folder / "outbox"
    result.digest = api.digest(tracker, today=moment, outbox=result.outbox, kinds="all", state=state)
    result.files = sorted(result.outbox.glob("*"))
    return result
