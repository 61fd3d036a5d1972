"""Replay recorded Google Sheets API traffic against the emulator and measure how often it answers the same.

Each recording file is replayed in order against a fresh emulator. Drive API calls are not served by the
emulator: they are counted apart as "not covered", but their effects the later Sheets calls depend on are
reproduced through the emulator's seeding API (a Drive create makes an empty spreadsheet with that title, a
Drive copy copies one). Ids (spreadsheet, sheet, named range, protected range) are mapped from the recorded
values to the emulator's as they appear in create responses and replies; responses are compared after
dropping ids and URLs and rounding floats to 6 significant digits."""
from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote, unquote, urlsplit

import requests

from .server import SheetsEmulator

ID_KEYS = ("sheetId", "namedRangeId", "protectedRangeId")
DROP_KEYS = {"spreadsheetId", "spreadsheetUrl", *ID_KEYS}
SHEETS_PREFIX = "https://sheets.googleapis.com"


@dataclass
class FileResult:
    name: str
    matched: int = 0
    compared: int = 0
    not_covered: int = 0
    mismatches: list = field(default_factory=list)


def normalise(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: normalise(v) for k, v in sorted(obj.items()) if k not in DROP_KEYS}
    if isinstance(obj, list):
        return [normalise(x) for x in obj]
    if isinstance(obj, float):
        return float(f"{obj:.6g}")
    return obj


def _learn(rec: Any, got: Any, maps: dict) -> None:
    """Walk the recorded and the emulator's response together and pair up ids found at the same place."""
    if isinstance(rec, dict) and isinstance(got, dict):
        for k in ID_KEYS:
            if k in rec and k in got:
                maps[k][rec[k]] = got[k]
        for k in rec:
            if k in got:
                _learn(rec[k], got[k], maps)
    elif isinstance(rec, list) and isinstance(got, list):
        for a, b in zip(rec, got):
            _learn(a, b, maps)


def _translate(obj: Any, maps: dict) -> Any:
    if isinstance(obj, dict):
        return {k: (maps[k].get(v, v) if k in ID_KEYS else _translate(v, maps)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_translate(x, maps) for x in obj]
    return obj


def _first_diff(a: Any, b: Any, path: str = "") -> str:
    if type(a) is not type(b):
        return f"{path or '/'}: recorded {json.dumps(a, ensure_ascii=False)[:120]} / emulator {json.dumps(b, ensure_ascii=False)[:120]}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in b:
                return f"{path}/{k}: missing in emulator"
            if k not in a:
                return f"{path}/{k}: extra in emulator ({json.dumps(b[k], ensure_ascii=False)[:80]})"
            d = _first_diff(a[k], b[k], f"{path}/{k}")
            if d:
                return d
        return ""
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items recorded, {len(b)} from emulator"
        for i, (x, y) in enumerate(zip(a, b)):
            d = _first_diff(x, y, f"{path}[{i}]")
            if d:
                return d
        return ""
    return "" if a == b else f"{path or '/'}: recorded {json.dumps(a, ensure_ascii=False)[:120]} / emulator {json.dumps(b, ensure_ascii=False)[:120]}"


def _body(text: Optional[str]) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


class _Replayer:
    def __init__(self, emu: SheetsEmulator, name: str):
        self.emu, self.http = emu, requests.Session()
        self.ids: dict[str, str] = {}
        self.maps: dict[str, dict] = {k: {} for k in ID_KEYS}
        self.result = FileResult(name)

    def drive(self, req: dict, resp: dict) -> None:
        self.result.not_covered += 1
        body, out = _body(req.get("body")) or {}, _body(resp.get("body")) or {}
        path = urlsplit(req["uri"]).path
        if req["method"] == "POST" and path == "/drive/v3/files" and resp["status"] == 200:
            self.ids[out["id"]] = self.emu.create_spreadsheet(body.get("name", "Untitled spreadsheet"))
        elif req["method"] == "GET" and path == "/drive/v3/files" and resp["status"] == 200:
            # A listing shows spreadsheets made outside this recording: they exist, with these titles.
            for f in out.get("files", []):
                if f.get("id") not in self.ids:
                    self.ids[f["id"]] = self.emu.create_spreadsheet(f.get("name", "Untitled spreadsheet"))
        elif req["method"] == "POST" and path.endswith("/copy") and resp["status"] == 200:
            src = self.ids.get(path.split("/")[-2])
            if src is not None:
                with self.emu.store.lock:
                    clone = copy.deepcopy(self.emu.store.spreadsheets[src])
                    clone.spreadsheet_id = self.emu._new_id()
                    clone.properties["title"] = body.get("name") or "Copy of " + clone.properties["title"]
                    self.emu.store.spreadsheets[clone.spreadsheet_id] = clone
                self.ids[out["id"]] = clone.spreadsheet_id

    def sheets(self, i: int, req: dict, resp: dict) -> None:
        split = urlsplit(req["uri"])
        m = re.match(r"^/v4/spreadsheets/([^/:]+)(.*)$", split.path)
        path = split.path
        if m:
            rec_id = m.group(1)
            if rec_id not in self.ids and resp["status"] == 403:
                self.ids[rec_id] = self.emu.create_spreadsheet("private", shared=False)
            path = f"/v4/spreadsheets/{quote(self.ids.get(rec_id, rec_id), safe='')}{m.group(2)}"
        body = _body(req.get("body"))
        if isinstance(body, (dict, list)):
            body = _translate(body, self.maps)
        url = self.emu.base_url + path + (f"?{split.query}" if split.query else "")
        got = self.http.request(req["method"], url, data=None if body is None else json.dumps(body),
                                headers={"Content-Type": "application/json"}, timeout=30)
        got_body = _body(got.text)
        rec_body = _body(resp.get("body"))
        _learn(rec_body, got_body, self.maps)
        self.result.compared += 1
        same = got.status_code == resp["status"] and normalise(rec_body) == normalise(got_body)
        if same:
            self.result.matched += 1
        else:
            diff = (f"status recorded {resp['status']} / emulator {got.status_code}: "
                    f"{json.dumps(got_body, ensure_ascii=False)[:160]}"
                    if got.status_code != resp["status"] else _first_diff(normalise(rec_body), normalise(got_body)))
            self.result.mismatches.append((i, req["method"], unquote(req["uri"].replace(SHEETS_PREFIX, ""))[:140], diff))


def replay_file(path: Path) -> FileResult:
    interactions = json.loads(path.read_text(encoding="utf-8"))["interactions"]
    with SheetsEmulator() as emu:
        rep = _Replayer(emu, path.stem)
        for i, it in enumerate(interactions):
            req, resp = it["request"], it["response"]
            if req["uri"].startswith(SHEETS_PREFIX):
                rep.sheets(i, req, resp)
            else:
                rep.drive(req, resp)
        rep.http.close()
    return rep.result


def replay_all(folder: Path) -> list[FileResult]:
    return [replay_file(p) for p in sorted(folder.glob("*.json"))]


NOT_COVERED = ("conditional format rules, 429 / 5xx responses, grid-limit errors, fault injection")


def summary_line(results: list[FileResult]) -> str:
    """One line for a CI log: the share of recorded Sheets API interactions the emulator answers alike."""
    matched = sum(r.matched for r in results)
    compared = sum(r.compared for r in results)
    drive = sum(r.not_covered for r in results)
    return (f"Sheets emulator fidelity: {matched}/{compared} recorded Sheets API responses match "
            f"({100 * matched / max(compared, 1):.1f}%) over {len(results)} recordings; {drive} Drive API calls "
            f"not covered; no fidelity claimed for {NOT_COVERED}")


def report_markdown(results: list[FileResult]) -> str:
    matched = sum(r.matched for r in results)
    compared = sum(r.compared for r in results)
    skipped = sum(r.not_covered for r in results)
    lines = ["# Sheets emulator fidelity against recorded Google responses", "",
             f"Sheets API interactions compared: {compared}; matching: {matched} "
             f"({100 * matched / max(compared, 1):.1f}%). Drive API calls not covered: {skipped}.", "",
             f"Not covered by the recordings, so no fidelity is claimed for them: {NOT_COVERED}.", "",
             "| file | matching | compared | share | Drive calls (not covered) |", "|---|---:|---:|---:|---:|"]
    for r in results:
        share = f"{100 * r.matched / r.compared:.0f}%" if r.compared else "-"
        lines.append(f"| {r.name} | {r.matched} | {r.compared} | {share} | {r.not_covered} |")
    lines += ["", "## Mismatches (first difference of each)", ""]
    for r in results:
        for i, method, uri, diff in r.mismatches:
            lines.append(f"- {r.name} #{i} {method} `{uri}` — {diff}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # python -m sheets_emulator.replay FOLDER
    import sys
    res = replay_all(Path(sys.argv[1]))
    print(report_markdown(res))
