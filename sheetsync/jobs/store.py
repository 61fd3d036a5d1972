"""Last night's error keys per tracker, so the nightly note names only what is NEW. A small JSON file in the
state directory, replaced atomically so a crash leaves either the old or the new content."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ..atomic import write_atomic

ErrorKey = tuple[str, str]  # (finding code, cell reference such as "任务!F12"; "" for table-wide findings)


class ErrorStore:
    def __init__(self, path: Path):
        self.path = Path(path)

    def _load(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"version": 1, "trackers": {}}
        if not isinstance(data, dict) or data.get("version") != 1:
            raise ValueError(f"{self.path}: not a sheetsync nightly error file")
        return data

    def previous(self, tracker: str) -> frozenset[ErrorKey] | None:
        """None when this tracker has never been recorded (the first night is a baseline)."""
        entry = self._load()["trackers"].get(tracker)
        if entry is None:
            return None
        return frozenset((str(code), str(cell)) for code, cell in entry["errors"])

    def record(self, tracker: str, day: dt.date, errors: frozenset[ErrorKey]) -> None:
        data = self._load()
        data["trackers"][tracker] = {"date": day.isoformat(), "errors": sorted([list(k) for k in errors])}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, json.dumps(data, ensure_ascii=False, indent=1))


def default_store(state: Path) -> ErrorStore:
    return ErrorStore(Path(state) / "nightly-errors.json")
