"""The Feishu emulator's routes: each sheets endpoint sheetsync uses, answering Feishu's `data` or refusing with
Feishu's code (a Refused), after the request body was checked against its documented shape (shapes.py)."""
from __future__ import annotations

import json
from typing import Any

from .shapes import ShapeError, check_condition_format
from .store import Book, RangeError, Sheet, col_letter, new_id, parse_range, render

MAX_WRITE_ROWS, MAX_WRITE_COLS = 5000, 100
MAX_READ_CELLS = 2_000_000  # stands in for Feishu's 10 MB per answer
CF_PER_REQUEST, CF_PER_SHEET, CF_SHEETS_PER_GET = 10, 20, 10
# Feishu's codes
OK, BAD_REQUEST_V2, BAD_FIELD = 0, 90215, 99992402
MISSING_TOKEN, INVALID_TOKEN = 99991661, 99991663
NO_PERMISSION_V2, NO_PERMISSION_V3, NO_PERMISSION_WIKI = 91403, 1310213, 131006
NOT_FOUND_V2, NOT_FOUND_V3 = 91402, 1310214
RATE_LIMIT, TOO_LARGE = 99991400, 90221
APP_SECRET_INVALID = 10014


class Refused(Exception):
    """An answer Feishu refuses with: the HTTP status, Feishu's code and its message."""

    def __init__(self, http: int, code: int, msg: str):
        super().__init__(msg)
        self.http, self.code, self.msg = http, code, msg


def _params(query: dict, allowed: set, required: set = frozenset()) -> dict:
    unknown = set(query) - allowed
    missing = required - set(query)
    if unknown or missing:
        raise Refused(400, BAD_REQUEST_V2, f"wrong request params: {sorted(unknown | missing)}")
    return {k: v[0] for k, v in query.items()}


def _box(book: Book, ref: str):
    try:
        return parse_range(book, ref)
    except RangeError as exc:
        raise Refused(400, BAD_REQUEST_V2, str(exc)) from None


def r_query(emu, book: Book, query, body) -> dict:
    _params(query, set())
    return {"sheets": [s.v3() for s in book.sheets]}


def r_metainfo(emu, book: Book, query, body) -> dict:
    _params(query, {"extFields", "user_id_type"})
    return {"spreadsheetToken": book.token,
            "properties": {"title": book.title, "ownerUser": 0, "sheetCount": len(book.sheets),
                           "revision": book.revision},
            "sheets": [{"sheetId": s.sheet_id, "title": s.title, "index": s.index, "rowCount": s.rows,
                        "columnCount": s.cols, "frozenRowCount": 0, "frozenColCount": 0,
                        "merges": [{"startRowIndex": r0, "startColumnIndex": c0, "rowCount": r1 - r0 + 1,
                                    "columnCount": c1 - c0 + 1} for r0, c0, r1, c1 in s.merges]}
                       for s in book.sheets]}


def r_values_get(emu, book: Book, query, body) -> dict:
    p = _params(query, {"ranges", "valueRenderOption", "dateTimeRenderOption", "user_id_type"}, {"ranges"})
    vr, dr = p.get("valueRenderOption", "ToString"), p.get("dateTimeRenderOption")
    if vr not in ("ToString", "FormattedValue", "Formula", "UnformattedValue") or dr not in (None, "FormattedString"):
        raise Refused(400, BAD_REQUEST_V2, "wrong valueRenderOption or dateTimeRenderOption")
    boxes = [_box(book, ref) for ref in p["ranges"].split(",")]
    out, total = [], 0
    for b in boxes:
        r1, c1 = min(b.r1, b.sheet.rows - 1), min(b.c1, b.sheet.cols - 1)
        total += max(0, r1 - b.r0 + 1) * max(0, c1 - b.c0 + 1)
        if total > MAX_READ_CELLS:
            raise Refused(400, TOO_LARGE, "data exceeded the 10 MB limit of one read; read smaller ranges")
        rows = [[render(b.sheet, r, c, vr, dr) for c in range(b.c0, c1 + 1)] for r in range(b.r0, r1 + 1)]
        ref = f"{b.sheet.sheet_id}!{_a1(b.r0, b.c0)}:{_a1(r1, c1)}"
        out.append({"majorDimension": "ROWS", "range": ref, "revision": book.revision, "values": rows})
    return {"revision": book.revision, "spreadsheetToken": book.token, "totalCells": total, "valueRanges": out}


def _a1(r: int, c: int) -> str:
    return f"{col_letter(c)}{r + 1}"


def _cell_in(v: Any) -> Any:
    if isinstance(v, dict):  # a rich value: its text is what the cell shows
        return v.get("text") or v.get("link") or ""
    return v


def r_values_update(emu, book: Book, query, body) -> dict:
    _params(query, set())
    boxes = [(_box(book, vr["range"]), vr["values"]) for vr in body["valueRanges"]]
    if sum(len(values) for _, values in boxes) > MAX_WRITE_ROWS or \
            any(len(line) > MAX_WRITE_COLS for _, values in boxes for line in values):
        raise Refused(400, 90227, "too many rows or columns in one write: at most 5000 rows and 100 columns")
    for b, values in boxes:
        if len(values) != b.r1 - b.r0 + 1 or any(len(line) != b.c1 - b.c0 + 1 for line in values):
            raise Refused(400, BAD_REQUEST_V2, f"values do not match the range {_a1(b.r0, b.c0)}:{_a1(b.r1, b.c1)}")
    responses = []
    for b, values in boxes:
        s = b.sheet
        s.rows, s.cols = max(s.rows, b.r1 + 1), max(s.cols, b.c1 + 1)  # a write past the grid grows it
        for dr, line in enumerate(values):
            for dc, v in enumerate(line):
                v = _cell_in(v)
                if v is None or v == "":
                    s.cells.pop((b.r0 + dr, b.c0 + dc), None)
                else:
                    s.cells[(b.r0 + dr, b.c0 + dc)] = v
        book.revision += 1
        responses.append({"spreadsheetToken": book.token, "updatedRange": f"{s.sheet_id}!{_a1(b.r0, b.c0)}:{_a1(b.r1, b.c1)}",
                          "updatedRows": b.r1 - b.r0 + 1, "updatedColumns": b.c1 - b.c0 + 1,
                          "updatedCells": (b.r1 - b.r0 + 1) * (b.c1 - b.c0 + 1), "revision": book.revision})
    return {"responses": responses, "revision": book.revision, "spreadsheetToken": book.token}


def r_styles_update(emu, book: Book, query, body) -> dict:
    _params(query, set())
    boxes = [(_box(book, ref), item["style"]) for item in body["data"] for ref in item["ranges"]]
    cells = 0
    for b, style in boxes:
        for r in range(b.r0, min(b.r1, b.sheet.rows - 1) + 1):
            for c in range(b.c0, min(b.c1, b.sheet.cols - 1) + 1):
                b.sheet.styles[(r, c)] = {**b.sheet.styles.get((r, c), {}), **style}
                cells += 1
    book.revision += 1
    return {"spreadsheetToken": book.token, "totalUpdatedCells": cells, "revision": book.revision}


def r_sheets_update(emu, book: Book, query, body) -> dict:
    _params(query, set())
    replies = []
    for req in body["requests"]:
        if len(req) != 1:
            raise Refused(400, BAD_REQUEST_V2, "one operation per request item")
        if "addSheet" in req:
            props = req["addSheet"]["properties"]
            if book.by_title(props["title"]) is not None:
                raise Refused(400, 90210, f"sheet title already exists: {props['title']}")
            sheet = Sheet(new_id(), props["title"], props.get("index", len(book.sheets)))
            book.sheets.insert(min(sheet.index, len(book.sheets)), sheet)
            for i, s in enumerate(book.sheets):
                s.index = i
            replies.append({"addSheet": {"properties": {"sheetId": sheet.sheet_id, "title": sheet.title,
                                                        "index": sheet.index}}})
        else:
            sheet = book.sheet(req["deleteSheet"]["sheetId"])
            if sheet is None:
                raise Refused(400, BAD_REQUEST_V2, "sheetId not found")
            book.sheets.remove(sheet)
            replies.append({"deleteSheet": {"result": True, "sheetId": sheet.sheet_id}})
    book.revision += 1
    return {"replies": replies}


def _dimension_sheet(book: Book, dim: dict) -> Sheet:
    sheet = book.sheet(dim["sheetId"])
    if sheet is None or dim["majorDimension"] not in ("ROWS", "COLUMNS"):
        raise Refused(400, BAD_REQUEST_V2, "wrong sheetId or majorDimension")
    return sheet


def r_dimension_add(emu, book: Book, query, body) -> dict:
    _params(query, set())
    dim = body["dimension"]
    sheet = _dimension_sheet(book, dim)
    if not 0 < dim["length"] <= 5000:
        raise Refused(400, BAD_REQUEST_V2, "length must be 1..5000")
    if dim["majorDimension"] == "ROWS":
        sheet.rows += dim["length"]
    else:
        sheet.cols += dim["length"]
    book.revision += 1
    return {"addCount": dim["length"], "majorDimension": dim["majorDimension"]}


def r_dimension_update(emu, book: Book, query, body) -> dict:
    _params(query, set())
    dim = body["dimension"]
    sheet = _dimension_sheet(book, dim)
    if not 1 <= dim["startIndex"] <= dim["endIndex"]:
        raise Refused(400, BAD_REQUEST_V2, "startIndex and endIndex are 1-based, start <= end")
    if dim["majorDimension"] == "COLUMNS" and body["dimensionProperties"].get("visible") is False:
        sheet.hidden_cols.update(range(dim["startIndex"] - 1, dim["endIndex"]))
    book.revision += 1
    return {}


def r_cf_get(emu, book: Book, query, body) -> dict:
    p = _params(query, {"sheet_ids"}, {"sheet_ids"})
    ids = p["sheet_ids"].split(",")
    if len(ids) > CF_SHEETS_PER_GET:
        raise Refused(400, BAD_REQUEST_V2, f"at most {CF_SHEETS_PER_GET} sheet_ids per request")
    out = []
    for sid in ids:
        sheet = book.sheet(sid)
        if sheet is None:
            raise Refused(400, BAD_REQUEST_V2, f"sheetId not found: {sid}")
        out += [{"sheet_id": sid, "condition_format": json.loads(json.dumps(cf))} for cf in sheet.cfs]
    return {"sheet_condition_formats": out}


def _cf_items(book: Book, items: list) -> list:
    if len(items) > CF_PER_REQUEST:
        raise Refused(400, BAD_REQUEST_V2, f"at most {CF_PER_REQUEST} condition formats per request")
    out = []
    for item in items:
        sheet = book.sheet(item["sheet_id"])
        if sheet is None:
            raise Refused(400, BAD_REQUEST_V2, f"sheetId not found: {item['sheet_id']}")
        cf = item.get("condition_format")
        if cf is not None:
            try:
                check_condition_format(cf)
            except ShapeError as exc:
                raise Refused(400, BAD_REQUEST_V2, str(exc)) from None
            for ref in cf["ranges"]:
                if _box(book, ref).sheet is not sheet:
                    raise Refused(400, BAD_REQUEST_V2, "a range on another sheet")
        out.append((sheet, item))
    return out


def r_cf_create(emu, book: Book, query, body) -> dict:
    _params(query, set())
    items = _cf_items(book, body["sheet_condition_formats"])
    responses = []
    for sheet, item in items:
        if len(sheet.cfs) >= CF_PER_SHEET:
            responses.append({"sheet_id": sheet.sheet_id, "cf_id": "", "res_code": 90228,
                              "res_msg": f"at most {CF_PER_SHEET} condition formats per sheet"})
            continue
        cf = {**json.loads(json.dumps(item["condition_format"])), "cf_id": new_id(10)}
        sheet.cfs.append(cf)
        responses.append({"sheet_id": sheet.sheet_id, "cf_id": cf["cf_id"], "res_code": 0, "res_msg": "success"})
    book.revision += 1
    return {"responses": responses}


def r_cf_update(emu, book: Book, query, body) -> dict:
    _params(query, set())
    responses = []
    for sheet, item in _cf_items(book, body["sheet_condition_formats"]):
        cf = item["condition_format"]
        i = next((i for i, have in enumerate(sheet.cfs) if have["cf_id"] == cf["cf_id"]), None)
        if i is None:
            responses.append({"sheet_id": sheet.sheet_id, "cf_id": cf["cf_id"], "res_code": 90229, "res_msg": "cf not found"})
            continue
        sheet.cfs[i] = json.loads(json.dumps(cf))
        responses.append({"sheet_id": sheet.sheet_id, "cf_id": cf["cf_id"], "res_code": 0, "res_msg": "success"})
    book.revision += 1
    return {"responses": responses}


def r_cf_delete(emu, book: Book, query, body) -> dict:
    _params(query, set())
    responses = []
    for sheet, item in _cf_items(book, body["sheet_cf_ids"]):
        before = len(sheet.cfs)
        sheet.cfs = [cf for cf in sheet.cfs if cf["cf_id"] != item["cf_id"]]
        found = len(sheet.cfs) < before
        responses.append({"sheet_id": sheet.sheet_id, "cf_id": item["cf_id"], "res_code": 0 if found else 90229,
                          "res_msg": "success" if found else "cf not found"})
    book.revision += 1
    return {"responses": responses}


ROUTES = {
    ("GET", "v3/sheets/query"): r_query,
    ("GET", "metainfo"): r_metainfo,
    ("GET", "values_batch_get"): r_values_get,
    ("POST", "values_batch_update"): r_values_update,
    ("PUT", "styles_batch_update"): r_styles_update,
    ("POST", "sheets_batch_update"): r_sheets_update,
    ("POST", "dimension_range"): r_dimension_add,
    ("PUT", "dimension_range"): r_dimension_update,
    ("GET", "condition_formats"): r_cf_get,
    ("POST", "condition_formats/batch_create"): r_cf_create,
    ("POST", "condition_formats/batch_update"): r_cf_update,
    ("POST", "condition_formats/batch_delete"): r_cf_delete,
}
BODY_OF = {
    ("POST", "values_batch_update"): "values_batch_update", ("PUT", "styles_batch_update"): "styles_batch_update",
    ("POST", "sheets_batch_update"): "sheets_batch_update", ("POST", "dimension_range"): "dimension_add",
    ("PUT", "dimension_range"): "dimension_update", ("POST", "condition_formats/batch_create"): "cf_create",
    ("POST", "condition_formats/batch_update"): "cf_update", ("POST", "condition_formats/batch_delete"): "cf_delete",
}
