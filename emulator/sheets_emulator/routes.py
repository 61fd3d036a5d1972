"""Request routing for the emulator: (method, path, query, body) -> (status, JSON body).

Spreadsheet-level calls (create, get with ranges / includeGridData / fields) live here; values calls are in
values.py and batchUpdate requests in batch*.py. Every write runs on a copy that replaces the stored
spreadsheet only when the whole call succeeded."""
from __future__ import annotations

import copy
import re
import threading
import traceback
from typing import Any, Callable, Optional
from urllib.parse import unquote

from . import batch, batch_objects  # noqa: F401  (registers the object handlers)
from . import cells as cells_mod
from . import values
from .fields import apply_mask, mask_tree
from .store import ApiError, Sheet, Spreadsheet, bad, grid_data, new_spreadsheet, not_found, prune_grid
from .validate import Malformed, check

_SS = re.compile(r"^/v4/spreadsheets/([^/:]+)(.*)$")


class Store:
    def __init__(self, new_id: Callable[[], str]):
        self.lock = threading.RLock()
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.malformed: list[tuple[str, str, str]] = []  # (method, path, Google's message) of each one refused
        self.new_id = new_id

    def get(self, sid: str) -> Spreadsheet:
        ss = self.spreadsheets.get(sid)
        if ss is None:
            raise not_found()
        if not ss.shared:
            raise ApiError(403, "The caller does not have permission", "PERMISSION_DENIED")
        return ss

    def mutate(self, sid: str, fn: Callable[[Spreadsheet], Any]) -> Any:
        """Copy, apply, swap: a failing call leaves the stored spreadsheet untouched."""
        with self.lock:
            clone = copy.deepcopy(self.get(sid))
            result = fn(clone)
            clone.version += 1
            self.spreadsheets[sid] = clone
            return result

    def drive_file(self, sid: str, query: dict) -> tuple[int, dict]:
        """Drive v3 files.get of a spreadsheet, the one Drive call served: its metadata, `version` above all
        (what a watcher polls). Only the fields asked for, as Drive answers with `fields`."""
        ss = self.spreadsheets.get(sid)
        if ss is None or not ss.shared:
            return 404, {"error": {"code": 404, "message": f"File not found: {sid}.", "errors": [
                {"domain": "global", "reason": "notFound", "message": f"File not found: {sid}.",
                 "locationType": "parameter", "location": "fileId"}]}}
        with self.lock:
            resource = {"kind": "drive#file", "id": sid, "name": ss.properties.get("title", ""),
                        "mimeType": "application/vnd.google-apps.spreadsheet", "version": str(ss.version)}
        wanted = [f.strip() for f in (query.get("fields") or [""])[0].split(",") if f.strip()]
        return 200, {k: v for k, v in resource.items() if not wanted or k in wanted}


def is_write(method: str, path: str) -> bool:
    return method in ("PUT", "DELETE") or (method == "POST" and not path.endswith(":batchGet"))


def route(store: Store, method: str, raw_path: str, query: dict, body: Any) -> tuple[int, Any]:
    try:
        body = check(method, raw_path, query, body)  # Google refuses a malformed request before anything else
        return 200, _route(store, method, raw_path, query, body if body is not None else {})
    except Malformed as e:
        with store.lock:
            store.malformed.append((method, raw_path, e.message))
        return e.code, e.body()
    except ApiError as e:
        return e.code, e.body()
    except Exception:  # an emulator bug must still answer, as Google's 500 would
        traceback.print_exc()
        return 500, {"error": {"code": 500, "message": "Internal error encountered.", "status": "INTERNAL"}}


def _route(store: Store, method: str, raw_path: str, query: dict, body: Any) -> Any:
    if not isinstance(body, dict):
        raise bad("Invalid JSON payload received. Expected an object.")
    if raw_path.rstrip("/") == "/v4/spreadsheets" and method == "POST":
        return create(store, body)
    m = _SS.match(raw_path)
    if not m:
        raise not_found()
    sid, rest = unquote(m.group(1)), m.group(2)
    with store.lock:
        if rest == "" and method == "GET":
            return get_spreadsheet(store.get(sid), query)
        if rest == ":batchUpdate" and method == "POST":
            return batch_update(store, sid, body)
        if rest == "/values:batchGet" and method == "GET":
            return values.values_batch_get(store.get(sid), query)
        if rest == "/values:batchUpdate" and method == "POST":
            return store.mutate(sid, lambda ss: values.values_batch_update(ss, body))
        if rest == "/values:batchClear" and method == "POST":
            return store.mutate(sid, lambda ss: values.values_batch_clear(ss, body))
        if rest.startswith("/values/"):
            rng = rest[len("/values/"):]
            for suffix in (":append", ":clear"):
                if rng.endswith(suffix) and method == "POST":
                    text = unquote(rng[: -len(suffix)])
                    if suffix == ":append":
                        return store.mutate(sid, lambda ss: values.values_append(ss, text, query, body))
                    return store.mutate(sid, lambda ss: values.values_clear(ss, text))
            text = unquote(rng)
            if method == "GET":
                return values.values_get(store.get(sid), text, query)
            if method == "PUT":
                return store.mutate(sid, lambda ss: values.values_update(ss, text, query, body))
    raise not_found()


def batch_update(store: Store, sid: str, body: dict) -> dict:
    requests = body.get("requests")
    if not isinstance(requests, list) or not requests:
        raise bad("Must specify at least one request.")

    def run(ss: Spreadsheet) -> dict:
        out: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id, "replies": batch.apply_requests(ss, requests)}
        if body.get("includeSpreadsheetInResponse"):
            # responseRanges limit the sheets returned; responseIncludeGridData adds their cells (as a get would)
            out["updatedSpreadsheet"] = get_spreadsheet(ss, {
                "ranges": list(body.get("responseRanges") or []),
                "includeGridData": ["true" if body.get("responseIncludeGridData") else "false"]})
        return out

    return store.mutate(sid, run)


def create(store: Store, body: dict) -> dict:
    props = body.get("properties") or {}
    sheets = body.get("sheets") or [{}]
    with store.lock:
        sid = store.new_id()
        titles = [((s.get("properties") or {}).get("title") or f"Sheet{i + 1}") for i, s in enumerate(sheets)]
        ids = [(s.get("properties") or {}).get("sheetId") for s in sheets]
        ss = new_spreadsheet(sid, props.get("title") or "Untitled spreadsheet", titles,
                             locale=props.get("locale"), time_zone=props.get("timeZone"))
        for sheet, given_id, spec in zip(ss.sheets, ids, sheets):
            if given_id is not None:
                sheet.properties["sheetId"] = given_id
            grid = (spec.get("properties") or {}).get("gridProperties") or {}
            sheet.grid.update(grid)
            _seed_grid_data(sheet, spec.get("data") or [])
        store.spreadsheets[sid] = ss
        return ss.resource()


def _seed_grid_data(sheet: Sheet, data: list) -> None:
    for block in data:
        r0, c0 = block.get("startRow", 0), block.get("startColumn", 0)
        for dr, row in enumerate(block.get("rowData") or []):
            for dc, cell in enumerate(row.get("values") or []):
                if cell:
                    target = sheet.cell_for_write(r0 + dr, c0 + dc)
                    target.update(copy.deepcopy({k: v for k, v in cell.items() if k != "formattedValue"}))
                    cells_mod.set_user_value(target, target.get("userEnteredValue"))


def _wants_data(query: dict, tree: Optional[dict]) -> bool:
    if (query.get("includeGridData") or ["false"])[0].lower() == "true":
        return True
    sheets = (tree or {}).get("sheets")
    return isinstance(sheets, dict) and "data" in sheets


def get_spreadsheet(ss: Spreadsheet, query: dict) -> dict:
    fields = (query.get("fields") or [None])[0]
    tree = mask_tree(fields) if fields else None
    resource = ss.resource()
    ranges = query.get("ranges") or []
    include = _wants_data(query, tree)
    if ranges:
        by_sheet: dict[int, list] = {}
        for text in ranges:
            sheet, bounds = ss.resolve(text)
            r0, r1, c0, c1 = bounds.resolved(sheet.rows, sheet.cols)
            sheet.check_limits(r0, r1, c0, c1)
            by_sheet.setdefault(sheet.sheet_id, []).append(bounds)
        kept = []
        for sheet, res in zip(ss.sheets, resource["sheets"]):
            if sheet.sheet_id in by_sheet:
                if include:
                    res["data"] = [grid_data(sheet, b) for b in by_sheet[sheet.sheet_id]]
                kept.append(res)
        resource["sheets"] = kept
    elif include:
        for sheet, res in zip(ss.sheets, resource["sheets"]):
            res["data"] = [grid_data(sheet, None)]
    if tree is not None:
        resource = apply_mask(resource, tree)
    return prune_grid(resource) if include else resource
