"""Put a workbook into a Sheets endpoint the way a person's spreadsheet holds it: through the API
(spreadsheets.create, then one spreadsheets.batchUpdate of typed cells and merges), not into the emulator's store.

Values are typed as Google keeps them after an .xlsx import or after a person typed them: text stays text (a
cell reading `=IMPORTXML(...)` in the .xlsx is a string there, so it is a stringValue here), numbers are
numbers, dates and times become serial numbers with a date/time number format."""
from __future__ import annotations

import datetime as dt
import os
from typing import Any, Optional

from .cells import serial

DATE = {"type": "DATE", "pattern": "yyyy-mm-dd"}
DATE_TIME = {"type": "DATE_TIME", "pattern": "yyyy-mm-dd h:mm:ss"}
TIME = {"type": "TIME", "pattern": "h:mm:ss"}
Area = tuple[tuple[int, int], tuple[int, int]]  # ((row0, col0), (row1, col1)), 0-based, inclusive


def read_xlsx(path: str | os.PathLike) -> tuple[dict[str, list[list]], dict[str, list[Area]]]:
    """Each sheet's values as python-calamine reads them (whole numbers as int, durations as day fractions,
    dates as date/datetime) and its merged areas."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    sheets: dict[str, list[list]] = {}
    merges: dict[str, list[Area]] = {}
    try:
        for name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(name)
            rows = []
            for row in sheet.to_python(skip_empty_area=False):  # from A1, as the sheet holds it
                line = []
                for v in row:
                    if isinstance(v, dt.timedelta):
                        v = v.total_seconds() / 86400
                    elif isinstance(v, float) and v.is_integer():
                        v = int(v)  # calamine reads every number as float
                    line.append(v)
                rows.append(line)
            sheets[name] = rows
            merges[name] = [tuple(map(tuple, a)) for a in (sheet.merged_cell_ranges or [])]
    finally:
        wb.close()
    return sheets, merges


def cell_data(value: Any) -> dict:
    """One CellData carrying `value` typed, never parsed; dates and times as serials with their format."""
    fmt = None
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        value = value.date()  # calamine gives a date cell as midnight
    if isinstance(value, (dt.date, dt.datetime)):
        value, fmt = serial(value), (DATE_TIME if isinstance(value, dt.datetime) else DATE)
    elif isinstance(value, dt.time):
        value, fmt = (value.hour * 3600 + value.minute * 60 + value.second) / 86400, TIME
    if value is None or value == "":
        return {}
    kind = "boolValue" if isinstance(value, bool) else "numberValue" if isinstance(value, (int, float)) else "stringValue"
    out: dict = {"userEnteredValue": {kind: str(value) if kind == "stringValue" else value}}
    if fmt:
        out["userEnteredFormat"] = {"numberFormat": fmt}
    return out


def upload(session: Any, title: str, sheets: dict[str, list[list]], merges: Optional[dict[str, list[Area]]] = None,
           timeout: float = 30.0) -> str:
    """Create the spreadsheet through `session` (a requests.Session aimed at https://sheets.googleapis.com,
    e.g. client.endpoint_session(url)) and fill it in one batchUpdate. Returns its key."""
    root = "https://sheets.googleapis.com/v4/spreadsheets"
    specs = []
    for name, rows in sheets.items():
        # a merged area may reach past the last filled row or column (a title merged across empty columns):
        # the grid covers it, as Google's own .xlsx import does
        areas = (merges or {}).get(name, ())
        width = max([len(r) for r in rows] + [c1 + 1 for _, (_, c1) in areas], default=0)
        height = max([len(rows)] + [r1 + 1 for _, (r1, _) in areas])
        specs.append({"properties": {"title": name, "gridProperties": {
            "rowCount": max(1000, height), "columnCount": max(26, width)}}})
    r = session.post(root, json={"properties": {"title": title}, "sheets": specs}, timeout=timeout)
    r.raise_for_status()
    made = r.json()
    key = made["spreadsheetId"]
    ids = {s["properties"]["title"]: s["properties"]["sheetId"] for s in made["sheets"]}
    requests = []
    for name, rows in sheets.items():
        if rows:
            requests.append({"updateCells": {
                "start": {"sheetId": ids[name], "rowIndex": 0, "columnIndex": 0},
                "rows": [{"values": [cell_data(v) for v in row]} for row in rows],
                "fields": "userEnteredValue,userEnteredFormat.numberFormat"}})
        for (r0, c0), (r1, c1) in (merges or {}).get(name, ()):
            requests.append({"mergeCells": {"mergeType": "MERGE_ALL", "range": {
                "sheetId": ids[name], "startRowIndex": r0, "endRowIndex": r1 + 1,
                "startColumnIndex": c0, "endColumnIndex": c1 + 1}}})
    if requests:
        r = session.post(f"{root}/{key}:batchUpdate", json={"requests": requests}, timeout=timeout)
        r.raise_for_status()
    return key


def upload_xlsx(session: Any, path: str | os.PathLike, timeout: float = 30.0) -> str:
    """The .xlsx's sheets, values and merged areas as a new spreadsheet; its title is the file's stem."""
    sheets, merges = read_xlsx(path)
    return upload(session, os.path.splitext(os.path.basename(str(path)))[0], sheets, merges, timeout)
