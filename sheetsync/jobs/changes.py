"""What each tracker's source said its revision was after the last nightly sync (a backend's change_token():
a Feishu sheet's revision, a Google sheet's Drive version, a OneDrive item's cTag), so a run the same day that finds the same revision writes nothing: it reads the
sheet for the night's notes and posts, and leaves the sheet alone. A JSON file in the state directory, written
whole (sheetsync.atomic). A source without a change token is always synced."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ..atomic import write_atomic


class ChangeTokens:
    def __init__(self, path: Path):
        self.path = Path(path)

    def _load(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def unchanged(self, tracker: str, token: str | None, day: dt.date) -> bool:
        """Did the last sync of this tracker, on this same day, leave the source at this revision?"""
        return bool(token) and self._load().get(tracker) == [token, day.isoformat()]

    def record(self, tracker: str, token: str | None, day: dt.date) -> None:
        data = self._load()
        if token:
            data[tracker] = [token, day.isoformat()]
        else:
            data.pop(tracker, None)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, json.dumps(data, ensure_ascii=False, indent=1))


def default_tokens(state: Path) -> ChangeTokens:
    return ChangeTokens(Path(state) / "change-tokens.json")


def change_token(source: str, **source_options) -> str | None:
    """The source's revision from its backend's change_token() (one small request), None when it has none or
    cannot say (then the sync runs as always)."""
    from ..model import SheetsyncError
    from ..sync import open_backend
    try:
        backend = open_backend(source, **source_options)
        ask = getattr(backend, "change_token", None)
        return ask() if ask is not None else None
    except SheetsyncError:
        return None  # the sync itself reports why the source cannot be read
