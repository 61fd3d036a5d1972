"""The watch's status record: what it watches and when each tracker last synced, one JSON file in the state
folder, replaced whole (sheetsync.atomic) whenever a tracker's state changes, so `sheetsync status` reads it
from another process at any moment."""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from ..atomic import write_atomic
from ..engine.counts import count
from ..redact import redact

STATUS_FILE = "watch-status.json"

_TEXT = {
    "en": {"head": "watch (pid {pid}, since {started}{stopped}): {n}", "stopped": ", stopped {at}",
           "line": "  {name} [{kind}] {source}: last sync {last}; {state}", "never": "not yet",
           "ok": "ok", "failed": "failing since {since} ({error}); next try {retry}", "open": "open, waiting to be closed",
           "none": "no watch has run with this state folder"},
    "zh": {"head": "watch(进程 {pid},自 {started}{stopped}):{n}", "stopped": ",已于 {at} 停止",
           "line": "  {name} [{kind}] {source}:最近同步 {last};{state}", "never": "尚未同步",
           "ok": "正常", "failed": "自 {since} 起失败({error});下次重试 {retry}", "open": "文件已打开,等待关闭",
           "none": "此状态目录下没有运行过 watch"},
}


def _stamp(moment: dt.datetime | None = None) -> str:
    return (moment or dt.datetime.now(dt.timezone.utc)).astimezone().isoformat(timespec="seconds")


class WatchStatus:
    """The record of one watch process; `update` changes one tracker's entry and writes the file."""

    def __init__(self, folder: Path | str):
        self.path = Path(folder) / STATUS_FILE
        self.data = {"pid": os.getpid(), "started": _stamp(), "stopped": None, "trackers": {}}

    def watching(self, name: str, source: str, kind: str) -> None:
        self.data["trackers"][name] = {"source": source, "kind": kind, "last_sync": None, "state": "ok",
                                       "error": None, "failing_since": None, "retry": None, "syncs": 0}

    def update(self, name: str, **fields) -> None:
        self.data["trackers"][name].update(fields)
        self.save()

    def synced(self, name: str) -> None:
        entry = self.data["trackers"][name]
        self.update(name, last_sync=_stamp(), state="ok", error=None, failing_since=None, retry=None,
                    syncs=entry["syncs"] + 1)

    def failed(self, name: str, error: str, retry: dt.datetime) -> None:
        entry = self.data["trackers"][name]
        self.update(name, state="failed", error=error, failing_since=entry["failing_since"] or _stamp(),
                    retry=_stamp(retry))

    def stopped(self) -> None:
        self.data["stopped"] = _stamp()
        self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, json.dumps(self.data, ensure_ascii=False, indent=1))


def status_lines(folder: Path | str, lang: str) -> list[str]:
    """`sheetsync status`: the watch's record in `lang`, or one line saying there is none."""
    tx = _TEXT["zh" if lang == "zh" else "en"]
    try:
        data = json.loads((Path(folder) / STATUS_FILE).read_text(encoding="utf-8"))
        trackers = dict(data["trackers"])
    except (OSError, ValueError, KeyError, TypeError):
        return [tx["none"]]
    stopped = tx["stopped"].format(at=data["stopped"]) if data.get("stopped") else ""
    ui = "zh" if lang == "zh" else "en"
    lines = [tx["head"].format(pid=data.get("pid"), started=data.get("started"), stopped=stopped,
                               n=count(ui, "tracker", len(trackers)))]
    for name, t in trackers.items():
        if t.get("state") == "failed":
            state = tx["failed"].format(since=t.get("failing_since"), error=t.get("error"), retry=t.get("retry"))
        else:
            state = tx.get(t.get("state") or "ok", tx["ok"])
        lines.append(tx["line"].format(name=name, kind=t.get("kind"), source=redact(str(t.get("source"))),
                                       last=t.get("last_sync") or tx["never"], state=state))
    return lines
