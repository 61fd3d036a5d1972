"""spreadsheets.values.*: get, batchGet, update, batchUpdate, append, clear, batchClear."""
from __future__ import annotations

import json
from typing import Any, Optional

from . import cells as cells_mod
from . import dimensions as dims
from .a1 import Bounds, col_letter, format_range
from .store import Sheet, Spreadsheet, bad

RENDERS = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
DT_RENDERS = ("SERIAL_NUMBER", "FORMATTED_STRING")


def _opt(query: dict, name: str, default: str, allowed: tuple) -> str:
    value = (query.get(name) or [default])[0]
    if value not in allowed:
        raise bad(f"Invalid value at '{_snake(name)}' (type.googleapis.com/google.apps.sheets.v4.{name[0].upper()}"
                  f"{name[1:]}), \"{value}\"")
    return value


def _snake(name: str) -> str:
    return "".join("_" + ch.lower() if ch.isupper() else ch for ch in name)


def _flag(query: dict, name: str) -> bool:
    return (query.get(name) or ["false"])[0].lower() == "true"


def _resolve(ss: Spreadsheet, text: str, check: bool = True) -> tuple[Sheet, Bounds, tuple[int, int, int, int]]:
    sheet, bounds = ss.resolve(text)
    r0, r1, c0, c1 = bounds.resolved(sheet.rows, sheet.cols)
    if check:
        sheet.check_limits(r0, r1, c0, c1)
    return sheet, bounds, (r0, r1, c0, c1)


def read_block(sheet: Sheet, box: tuple[int, int, int, int], render: str, dt_render: str, major: str) -> list:
    r0, r1, c0, c1 = box
    if major == "COLUMNS":
        lines = [[cells_mod.render(sheet.cells.get((r, c)), render, dt_render) for r in range(r0, r1)]
                 for c in range(c0, c1)]
    else:
        lines = [[cells_mod.render(sheet.cells.get((r, c)), render, dt_render) for c in range(c0, c1)]
                 for r in range(r0, r1)]
    for line in lines:
        while line and line[-1] == "":
            line.pop()
    while lines and not lines[-1]:
        lines.pop()
    return lines


def value_range(ss: Spreadsheet, text: str, query: dict) -> dict:
    render = _opt(query, "valueRenderOption", "FORMATTED_VALUE", RENDERS)
    dt_render = _opt(query, "dateTimeRenderOption", "SERIAL_NUMBER", DT_RENDERS)
    major = _opt(query, "majorDimension", "ROWS", ("ROWS", "COLUMNS", "DIMENSION_UNSPECIFIED"))
    major = "ROWS" if major == "DIMENSION_UNSPECIFIED" else major
    sheet, _, box = _resolve(ss, text)
    out: dict[str, Any] = {"range": format_range(sheet.title, *box), "majorDimension": major}
    values = read_block(sheet, box, render, dt_render, major)
    if values:
        out["values"] = values
    return out


def values_get(ss: Spreadsheet, text: str, query: dict) -> dict:
    return value_range(ss, text, query)


def values_batch_get(ss: Spreadsheet, query: dict) -> dict:
    return {"spreadsheetId": ss.spreadsheet_id,
            "valueRanges": [value_range(ss, r, query) for r in query.get("ranges", [])]}


def _check_values(values: Any, field: str = "data.values") -> list:
    if values is None:
        return []
    if not isinstance(values, list) or any(not isinstance(row, list) for row in values):
        bad_value = values if not isinstance(values, list) else next(r for r in values if not isinstance(r, list))
        text = f"Invalid value at '{field}' (type.googleapis.com/google.protobuf.ListValue), {_json_repr(bad_value)}"
        raise bad(text, [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                          "fieldViolations": [{"field": field, "description": text}]}])
    return values


def _json_repr(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False)


def write_block(ss: Spreadsheet, text: str, values: list, major: str, user_entered: bool,
                start_override: Optional[tuple[int, int]] = None, grow: bool = False) -> dict:
    sheet, bounds, (r0, r1, c0, c1) = _resolve(ss, text, check=False)
    if start_override is not None:
        r0, c0 = start_override
    if major == "COLUMNS":
        width = len(values)
        height = max((len(col) for col in values), default=0)
        cell_at = lambda dr, dc: values[dc][dr] if dr < len(values[dc]) else None  # noqa: E731
    else:
        height = len(values)
        width = max((len(row) for row in values), default=0)
        cell_at = lambda dr, dc: values[dr][dc] if dc < len(values[dr]) else None  # noqa: E731
    explicit = start_override is None and None not in (bounds.r0, bounds.r1, bounds.c0, bounds.c1) \
        and (bounds.r1 - bounds.r0 > 1 or bounds.c1 - bounds.c0 > 1)
    if explicit and height > r1 - r0:
        raise bad(f"Requested writing within range [{text}], but tried writing to row [{r0 + (r1 - r0) + 1}]")
    if explicit and width > c1 - c0:
        raise bad(f"Requested writing within range [{text}], but tried writing to column [{col_letter(c1)}]")
    if grow:
        if r0 + height > sheet.rows:
            sheet.grid["rowCount"] = r0 + height
        if c0 + width > sheet.cols:
            sheet.grid["columnCount"] = c0 + width
    if height and width:
        sheet.check_limits(r0, r0 + height, c0, c0 + width)
    cells = 0
    for dr in range(height):
        for dc in range(width):
            v = cell_at(dr, dc)
            if v is None:
                continue
            if isinstance(v, (dict, list)):
                raise bad(f"Invalid values[{dr}][{dc}]: {_json_repr(v)}")
            cell = sheet.cell_for_write(r0 + dr, c0 + dc)
            cells_mod.write_value(cell, v, user_entered)
            sheet.drop_if_blank(r0 + dr, c0 + dc)
            cells += 1
    rows_touched = sum(1 for dr in range(height) if any(cell_at(dr, dc) is not None for dc in range(width)))
    cols_touched = sum(1 for dc in range(width) if any(cell_at(dr, dc) is not None for dr in range(height)))
    out: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
    if height and width:
        out["updatedRange"] = format_range(sheet.title, r0, r0 + height, c0, c0 + width)
    if cells:
        out.update(updatedRows=rows_touched, updatedColumns=cols_touched, updatedCells=cells)
    out["_box"] = (sheet, (r0, r0 + max(height, 1), c0, c0 + max(width, 1)))
    return out


def _input_option(value: Optional[str]) -> bool:
    if value in (None, "", "INPUT_VALUE_OPTION_UNSPECIFIED"):
        raise bad("'valueInputOption' is required but not specified")
    if value not in ("RAW", "USER_ENTERED"):
        raise bad(f"Invalid value at 'value_input_option' (type.googleapis.com/google.apps.sheets.v4.ValueInputOption), \"{value}\"")
    return value == "USER_ENTERED"


def _finish(out: dict, query_or_body: dict, is_query: bool = True) -> dict:
    sheet, box = out.pop("_box")
    get = (lambda k: (query_or_body.get(k) or [None])[0]) if is_query else query_or_body.get
    include = str(get("includeValuesInResponse") or "false").lower() == "true"
    if include:
        render = get("responseValueRenderOption") or "FORMATTED_VALUE"
        dt_render = get("responseDateTimeRenderOption") or "SERIAL_NUMBER"
        data: dict[str, Any] = {"range": format_range(sheet.title, *box), "majorDimension": "ROWS"}
        values = read_block(sheet, box, render, dt_render, "ROWS")
        if values:
            data["values"] = values
        out["updatedData"] = data
    return out


def values_update(ss: Spreadsheet, text: str, query: dict, body: dict) -> dict:
    user_entered = _input_option((query.get("valueInputOption") or [None])[0])
    if body.get("range") and body["range"] != text:
        sheet_a, _ = ss.resolve(body["range"])
        sheet_b, _ = ss.resolve(text)
        if (sheet_a, ss.resolve(body["range"])[1]) != (sheet_b, ss.resolve(text)[1]):
            raise bad(f"Requested writing within range [{text}], but tried writing to [{body['range']}]")
    values = _check_values(body.get("values"))
    major = body.get("majorDimension") or "ROWS"
    return _finish(write_block(ss, text, values, major, user_entered), query)


def values_batch_update(ss: Spreadsheet, body: dict) -> dict:
    user_entered = _input_option(body.get("valueInputOption"))
    responses, rows, cols, cells, sheets = [], 0, 0, 0, set()
    for i, item in enumerate(body.get("data") or []):
        values = _check_values(item.get("values"), f"data[{i}].values")
        out = write_block(ss, item.get("range", ""), values, item.get("majorDimension") or "ROWS", user_entered)
        sheets.add(out["_box"][0].sheet_id)
        out = _finish(out, body, is_query=False)
        rows += out.get("updatedRows", 0)
        cols = max(cols, out.get("updatedColumns", 0))  # Google reports the widest, not the sum
        cells += out.get("updatedCells", 0)
        responses.append(out)
    result: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
    if cells:
        result.update(totalUpdatedRows=rows, totalUpdatedColumns=cols, totalUpdatedCells=cells,
                      totalUpdatedSheets=len(sheets))
    result["responses"] = responses
    return result


def values_append(ss: Spreadsheet, text: str, query: dict, body: dict) -> dict:
    user_entered = _input_option((query.get("valueInputOption") or [None])[0])
    values = _check_values(body.get("values"))
    major = body.get("majorDimension") or "ROWS"
    insert_rows = (query.get("insertDataOption") or ["OVERWRITE"])[0] == "INSERT_ROWS"
    sheet, bounds, (r0, r1, c0, c1) = _resolve(ss, text)
    anchored = r1 - r0 == 1 and c1 - c0 == 1
    if anchored:  # a single cell: the table must start there, and may extend beyond it
        r1, c1 = sheet.rows, sheet.cols
    table = _find_table(sheet, r0, r1, c0, c1, whole=bounds.c0 is None and bounds.r0 is None, anchored=anchored)
    out: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
    if table is None:
        start = (r0, c0)
    else:
        tr0, tr1, tc0, tc1 = table
        out["tableRange"] = format_range(sheet.title, tr0, tr1, tc0, tc1)
        start = (tr1, tc0)
    height = len(values) if major != "COLUMNS" else max((len(c) for c in values), default=0)
    if insert_rows and height:
        dims.insert(ss, sheet, "ROWS", start[0], height)
    updates = write_block(ss, text, values, major, user_entered, start_override=start, grow=True)
    out["updates"] = _finish(updates, query)
    return out


def _find_table(sheet: Sheet, r0: int, r1: int, c0: int, c1: int, whole: bool,
                anchored: bool = False) -> Optional[tuple[int, int, int, int]]:
    """Google's 'table' for append: in the first row holding data, the run of adjacent filled cells that
    contains the range's first column (for a whole-sheet range: the last run), extended down while rows
    below hold data in those columns. An empty cell inside a row splits it into two tables. For a
    single-cell range the table has to start at that cell (gspread's insert_row relies on it)."""
    used: dict[int, set[int]] = {}
    for (r, c), cell in sheet.cells.items():
        if r0 <= r < r1 and c0 <= c < c1 and not cells_mod.is_empty(cell):
            used.setdefault(r, set()).add(c)
    if not used:
        return None
    first = min(used)
    runs, cols = [], sorted(used[first])
    for c in cols:
        if runs and c == runs[-1][1]:
            runs[-1][1] = c + 1
        else:
            runs.append([c, c + 1])
    if anchored:
        if first != r0 or not any(a <= c0 < b for a, b in runs):
            return None
    if whole:
        a, b = runs[-1]
    else:
        a, b = next((run for run in runs if run[0] <= c0 < run[1]), runs[0])
    last = first
    while last + 1 in used and any(a <= c < b for c in used[last + 1]):
        last += 1
    return first, last + 1, a, b


def values_clear(ss: Spreadsheet, text: str) -> dict:
    sheet, _, box = _resolve(ss, text)
    _clear(sheet, box)
    return {"spreadsheetId": ss.spreadsheet_id, "clearedRange": format_range(sheet.title, *box)}


def _clear(sheet: Sheet, box: tuple[int, int, int, int]) -> None:
    r0, r1, c0, c1 = box
    for (r, c) in list(sheet.cells):
        if r0 <= r < r1 and c0 <= c < c1:
            cells_mod.set_user_value(sheet.cells[(r, c)], None)
            sheet.drop_if_blank(r, c)


def values_batch_clear(ss: Spreadsheet, body: dict) -> dict:
    cleared = []
    for text in body.get("ranges") or []:
        sheet, _, box = _resolve(ss, text)
        _clear(sheet, box)
        cleared.append(format_range(sheet.title, *box))
    return {"spreadsheetId": ss.spreadsheet_id, "clearedRanges": cleared}
