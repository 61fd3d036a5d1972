"""spreadsheets.batchUpdate: one handler per request kind. The caller runs them on a copy of the spreadsheet
and keeps the copy only if every request succeeds, which is how the real API is atomic."""
from __future__ import annotations

import copy
from typing import Any, Callable

from . import cells as cells_mod
from . import dimensions as dims
from .a1 import grid_range_text
from .fields import assign_masked, parse_mask
from .store import Sheet, Spreadsheet, bad, sheet_properties_out

Handler = Callable[[Spreadsheet, dict, str], dict]
HANDLERS: dict[str, Handler] = {}


def required_fields(body: dict, where: str) -> str:
    """The request's `fields` mask; Google refuses an update request without one."""
    fields = body.get("fields")
    if not fields:
        raise bad(f"{where}At least one field must be updated, but none were specified.")
    return fields


def handler(name: str):
    def wrap(fn: Handler) -> Handler:
        HANDLERS[name] = fn
        return fn
    return wrap


def apply_requests(ss: Spreadsheet, requests: list) -> list[dict]:
    replies = []
    for i, req in enumerate(requests):
        if not isinstance(req, dict) or len(req) != 1:
            raise bad(f"Invalid requests[{i}]: exactly one request kind must be set.")
        kind, body = next(iter(req.items()))
        fn = HANDLERS.get(kind)
        if fn is None:
            raise bad(f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{i}]': Cannot find field.")
        replies.append(fn(ss, body or {}, f"Invalid requests[{i}].{kind}: "))
    return replies


# --- helpers -------------------------------------------------------------------------------------------------

def grid_bounds(ss: Spreadsheet, g: dict, where: str) -> tuple[Sheet, int, int, int, int]:
    sheet = ss.sheet_by_id(g.get("sheetId", 0), where)
    r0, r1 = g.get("startRowIndex") or 0, g.get("endRowIndex", sheet.rows)
    c0, c1 = g.get("startColumnIndex") or 0, g.get("endColumnIndex", sheet.cols)
    if r1 > sheet.rows or c1 > sheet.cols:
        raise bad(f"{where}Range ({_gr_text(sheet, r0, r1, c0, c1)}) exceeds grid limits. "
                  f"Max rows: {sheet.rows}, max columns: {sheet.cols}")
    if r0 < 0 or c0 < 0 or r0 > r1 or c0 > c1:
        raise bad(f"{where}Invalid range: start index must not be after end index.")
    return sheet, r0, r1, c0, c1


def _gr_text(sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> str:
    return grid_range_text(sheet.title, r0, r1, c0, c1)


def _full_gr(sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> dict:
    return {"sheetId": sheet.sheet_id, "startRowIndex": r0, "endRowIndex": r1,
            "startColumnIndex": c0, "endColumnIndex": c1}


def _write_cell(sheet: Sheet, r: int, c: int, src: dict, fields: str) -> None:
    cell = sheet.cell_for_write(r, c)
    src = dict(src)
    if "userEnteredFormat" in src:
        src["userEnteredFormat"] = cells_mod.normalise_format(src["userEnteredFormat"])
    assign_masked(cell, src, fields, cells_mod.with_color_twins)
    if any(p[0] in ("userEnteredValue", "*") for p in parse_mask(fields)):
        cells_mod.set_user_value(cell, cell.get("userEnteredValue"))
    if not cell.get("note"):
        cell.pop("note", None)
    if cell.get("userEnteredFormat") == {}:
        del cell["userEnteredFormat"]
    sheet.drop_if_blank(r, c)


def _dim_range(ss: Spreadsheet, r: dict, where: str, allow_end: bool = True) -> tuple[Sheet, str, int, int]:
    sheet = ss.sheet_by_id(r.get("sheetId", 0), where)
    dim = r.get("dimension")
    if dim not in ("ROWS", "COLUMNS"):
        raise bad(f"{where}dimension must be ROWS or COLUMNS.")
    limit = sheet.rows if dim == "ROWS" else sheet.cols
    s, e = r.get("startIndex", 0), r.get("endIndex", limit)
    if s < 0 or e <= s:
        raise bad(f"{where}Invalid dimension range: startIndex {s} endIndex {e}.")
    if allow_end and e > limit:
        raise bad(f"{where}Invalid dimension range: endIndex {e} is beyond the grid ({limit}).")
    return sheet, dim, s, e


# --- sheets and spreadsheet properties -----------------------------------------------------------------------

@handler("addSheet")
def add_sheet(ss: Spreadsheet, body: dict, where: str) -> dict:
    props = copy.deepcopy(body.get("properties") or {})
    title = props.get("title")
    if title is None:
        n = len(ss.sheets) + 1
        while ss.sheet_by_title(f"Sheet{n}") is not None:
            n += 1
        title = f"Sheet{n}"
    if any(s.title.lower() == title.lower() for s in ss.sheets):
        raise bad(f'{where}A sheet with the name "{title}" already exists. Please enter another name.')
    sid = props.get("sheetId")
    if sid is None:
        sid = ss.new_sheet_id()
    elif any(s.sheet_id == sid for s in ss.sheets):
        raise bad(f"{where}A sheet with the id {sid} already exists.")
    grid = {"rowCount": 1000, "columnCount": 26, **(props.get("gridProperties") or {})}
    index = min(props.get("index", len(ss.sheets)), len(ss.sheets))
    new = {**props, "sheetId": sid, "title": title, "index": index,
           "sheetType": props.get("sheetType", "GRID"), "gridProperties": grid}
    if "tabColor" in new or "tabColorStyle" in new:
        new.update(cells_mod.normalise_format({k: new[k] for k in ("tabColor", "tabColorStyle") if k in new}))
    ordered = {k: new[k] for k in ("sheetId", "title", "index", "sheetType", "gridProperties")}
    ordered.update({k: v for k, v in new.items() if k not in ordered})
    ss.sheets.insert(index, Sheet(ordered))
    ss.reindex()
    return {"addSheet": {"properties": sheet_properties_out(ordered)}}


@handler("deleteSheet")
def delete_sheet(ss: Spreadsheet, body: dict, where: str) -> dict:
    sheet = ss.sheet_by_id(body.get("sheetId", 0), where)
    if len(ss.sheets) == 1:
        raise bad(f"{where}You can't remove all the sheets in a document.")
    ss.sheets.remove(sheet)
    ss.named_ranges = [n for n in ss.named_ranges if n["range"].get("sheetId", 0) != sheet.sheet_id]
    ss.reindex()
    return {}


@handler("updateSheetProperties")
def update_sheet_properties(ss: Spreadsheet, body: dict, where: str) -> dict:
    src = copy.deepcopy(body.get("properties") or {})
    fields = required_fields(body, where)
    sheet = ss.sheet_by_id(src.get("sheetId", 0), where)
    if "tabColor" in src or "tabColorStyle" in src:
        colors = {k: src.pop(k) for k in ("tabColor", "tabColorStyle") if k in src}
        src.update(cells_mod.normalise_format(colors))
    before_rows, before_cols, old_index = sheet.rows, sheet.cols, sheet.properties.get("index", 0)
    new_props = copy.deepcopy(sheet.properties)
    assign_masked(new_props, src, fields, cells_mod.with_color_twins)
    new_props["sheetId"] = sheet.sheet_id
    title = new_props.get("title")
    if not title:
        raise bad(f"{where}The sheet name cannot be empty.")
    if any(s is not sheet and s.title.lower() == title.lower() for s in ss.sheets):
        raise bad(f'{where}A sheet with the name "{title}" already exists. Please enter another name.')
    if new_props.get("hidden") and all(s.properties.get("hidden") for s in ss.sheets if s is not sheet):
        raise bad(f"{where}You can't hide all the sheets in a document.")
    gp = new_props.setdefault("gridProperties", {})
    if gp.get("rowCount", 1) < 1 or gp.get("columnCount", 1) < 1:
        raise bad(f"{where}Sheets must have at least one row and one column.")
    if gp.get("frozenRowCount", 0) >= gp.get("rowCount", before_rows) and gp.get("frozenRowCount"):
        raise bad(f"{where}You can't freeze all visible rows on the sheet.")
    sheet.properties = new_props
    if sheet.rows < before_rows or sheet.cols < before_cols:
        dims.truncate(sheet, sheet.rows, sheet.cols)
    new_index = new_props.get("index", old_index)
    if new_index != old_index:
        ss.sheets.remove(sheet)
        # Google's index means "position before the move", so moving right lands one place earlier.
        target = new_index - 1 if new_index > old_index else new_index
        ss.sheets.insert(max(0, min(target, len(ss.sheets))), sheet)
    ss.reindex()
    return {}


@handler("updateSpreadsheetProperties")
def update_spreadsheet_properties(ss: Spreadsheet, body: dict, where: str) -> dict:
    fields = required_fields(body, where)
    assign_masked(ss.properties, body.get("properties") or {}, fields)
    return {}


# --- cells ---------------------------------------------------------------------------------------------------

@handler("updateCells")
def update_cells(ss: Spreadsheet, body: dict, where: str) -> dict:
    fields = required_fields(body, where)
    rows = body.get("rows") or []
    if "range" in body:
        sheet, r0, r1, c0, c1 = grid_bounds(ss, body["range"], where)
        for r in range(r0, r1):
            values = (rows[r - r0].get("values") or []) if r - r0 < len(rows) else []
            for c in range(c0, c1):
                _write_cell(sheet, r, c, values[c - c0] if c - c0 < len(values) else {}, fields)
    else:
        start = body.get("start") or {}
        sheet = ss.sheet_by_id(start.get("sheetId", 0), where)
        r0, c0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
        height = len(rows)
        width = max((len(r.get("values") or []) for r in rows), default=0)
        grid_bounds(ss, _full_gr(sheet, r0, r0 + height, c0, c0 + width), where)
        for dr, row in enumerate(rows):
            for dc, src in enumerate(row.get("values") or []):
                _write_cell(sheet, r0 + dr, c0 + dc, src, fields)
    return {}


@handler("repeatCell")
def repeat_cell(ss: Spreadsheet, body: dict, where: str) -> dict:
    fields = required_fields(body, where)
    sheet, r0, r1, c0, c1 = grid_bounds(ss, body.get("range") or {}, where)
    src = body.get("cell") or {}
    for r in range(r0, r1):
        for c in range(c0, c1):
            _write_cell(sheet, r, c, src, fields)
    return {}


@handler("mergeCells")
def merge_cells(ss: Spreadsheet, body: dict, where: str) -> dict:
    sheet, r0, r1, c0, c1 = grid_bounds(ss, body.get("range") or {}, where)
    kind = body.get("mergeType", "MERGE_ALL")
    if kind == "MERGE_ROWS":
        blocks = [(r, r + 1, c0, c1) for r in range(r0, r1)]
    elif kind == "MERGE_COLUMNS":
        blocks = [(r0, r1, c, c + 1) for c in range(c0, c1)]
    else:
        blocks = [(r0, r1, c0, c1)]
    for a, b, c, d in blocks:
        # A new merge replaces the merges it overlaps, as in the Sheets UI.
        sheet.merges = [m for m in sheet.merges
                        if not (a < m["endRowIndex"] and m["startRowIndex"] < b
                                and c < m["endColumnIndex"] and m["startColumnIndex"] < d)]
        if (b - a) * (d - c) <= 1:
            continue
        for r in range(a, b):
            for cc in range(c, d):
                if (r, cc) != (a, c) and (r, cc) in sheet.cells:
                    sheet.cells[(r, cc)].pop("userEnteredValue", None)
                    sheet.cells[(r, cc)].pop("effectiveValue", None)
                    sheet.drop_if_blank(r, cc)
        sheet.merges.append(_full_gr(sheet, a, b, c, d))
    return {}


@handler("unmergeCells")
def unmerge_cells(ss: Spreadsheet, body: dict, where: str) -> dict:
    sheet, r0, r1, c0, c1 = grid_bounds(ss, body.get("range") or {}, where)
    sheet.merges = [m for m in sheet.merges
                    if not (r0 < m["endRowIndex"] and m["startRowIndex"] < r1
                            and c0 < m["endColumnIndex"] and m["startColumnIndex"] < c1)]
    return {}


def _sort_key(cell: Any) -> tuple:
    if cells_mod.is_empty(cell):
        return (3, "")
    ev = cell.get("effectiveValue") or {}
    if "numberValue" in ev:
        return (0, ev["numberValue"])
    if "stringValue" in ev:
        return (1, ev["stringValue"].lower())
    if "boolValue" in ev:
        return (2, ev["boolValue"])
    return (1, cells_mod.formatted(cell).lower())


@handler("sortRange")
def sort_range(ss: Spreadsheet, body: dict, where: str) -> dict:
    sheet, r0, r1, c0, c1 = grid_bounds(ss, body.get("range") or {}, where)
    rows = [{c: sheet.cells.get((r, c)) for c in range(c0, c1)} for r in range(r0, r1)]
    for spec in reversed(body.get("sortSpecs") or []):
        col = spec.get("dimensionIndex", 0)
        desc = spec.get("sortOrder") == "DESCENDING"
        filled = [row for row in rows if not cells_mod.is_empty(row.get(col))]
        empty = [row for row in rows if cells_mod.is_empty(row.get(col))]
        filled.sort(key=lambda row: _sort_key(row.get(col)), reverse=desc)
        rows = filled + empty  # blanks stay last in both orders
    for i, row in enumerate(rows):
        for c, cell in row.items():
            if cell is None:
                sheet.cells.pop((r0 + i, c), None)
            else:
                sheet.cells[(r0 + i, c)] = cell
    return {}


@handler("copyPaste")
def copy_paste(ss: Spreadsheet, body: dict, where: str) -> dict:
    src, r0, r1, c0, c1 = grid_bounds(ss, body.get("source") or {}, where)
    dst, d0, d1, e0, e1 = grid_bounds(ss, body.get("destination") or {}, where)
    h, w = r1 - r0, c1 - c0
    block = {(r - r0, c - c0): copy.deepcopy(src.cells.get((r, c))) for r in range(r0, r1) for c in range(c0, c1)}
    for r in range(d0, max(d1, d0 + h)):
        for c in range(e0, max(e1, e0 + w)):
            cell = block.get(((r - d0) % h, (c - e0) % w)) if h and w else None
            _paste(dst, r, c, copy.deepcopy(cell), body.get("pasteType", "PASTE_NORMAL"))
    return {}


def _paste(sheet: Sheet, r: int, c: int, cell: Any, paste_type: str) -> None:
    if paste_type == "PASTE_VALUES":
        target = sheet.cell_for_write(r, c)
        cells_mod.set_user_value(target, (cell or {}).get("effectiveValue"))
    elif paste_type == "PASTE_FORMAT":
        target = sheet.cell_for_write(r, c)
        if cell and cell.get("userEnteredFormat"):
            target["userEnteredFormat"] = cell["userEnteredFormat"]
        else:
            target.pop("userEnteredFormat", None)
    elif cell:
        sheet.cells[(r, c)] = cell
    else:
        sheet.cells.pop((r, c), None)
    sheet.drop_if_blank(r, c)


@handler("cutPaste")
def cut_paste(ss: Spreadsheet, body: dict, where: str) -> dict:
    src, r0, r1, c0, c1 = grid_bounds(ss, body.get("source") or {}, where)
    dest = body.get("destination") or {}
    dst = ss.sheet_by_id(dest.get("sheetId", 0), where)
    d0, e0 = dest.get("rowIndex", 0), dest.get("columnIndex", 0)
    grid_bounds(ss, _full_gr(dst, d0, d0 + r1 - r0, e0, e0 + c1 - c0), where)
    block = {(r - r0, c - c0): src.cells.pop((r, c), None) for r in range(r0, r1) for c in range(c0, c1)}
    for (dr, dc), cell in block.items():
        _paste(dst, d0 + dr, e0 + dc, cell, body.get("pasteType", "PASTE_NORMAL"))
    return {}


@handler("setDataValidation")
def set_data_validation(ss: Spreadsheet, body: dict, where: str) -> dict:
    sheet, r0, r1, c0, c1 = grid_bounds(ss, body.get("range") or {}, where)
    rule = body.get("rule")
    for r in range(r0, r1):
        for c in range(c0, c1):
            cell = sheet.cell_for_write(r, c)
            if rule:
                cell["dataValidation"] = copy.deepcopy(rule)
            else:
                cell.pop("dataValidation", None)
                sheet.drop_if_blank(r, c)
    return {}
