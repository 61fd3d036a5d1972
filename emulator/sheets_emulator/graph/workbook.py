"""The Excel service's view of a stored .xlsx: the used range's values and range writes, through openpyxl (the
emulator stands in for Excel for the web, which saves the co-authored file itself)."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
from openpyxl.utils import get_column_letter

from .shapes import Refused, parse_address

EPOCH = dt.datetime(1899, 12, 30)


def _load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def _sheet(book, name: str):
    if name not in book.sheetnames:
        raise Refused(404, "ItemNotFound", f"The requested resource doesn't exist. (worksheet {name!r})")
    return book[name]


def _json(value):
    """A cell's value as Graph's values array holds it: dates as serial numbers, empty as ''."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        delta = value - EPOCH
        return delta.days + delta.seconds / 86400
    if isinstance(value, dt.date):
        return (value - EPOCH.date()).days
    if isinstance(value, (int, float, bool, str)):
        return value
    return str(value)


def used_range(data: bytes, name: str) -> dict:
    ws = _sheet(_load(data), name)
    rows = [[_json(c.value) for c in row] for row in ws.iter_rows(min_row=ws.min_row, max_row=ws.max_row,
                                                                      min_col=ws.min_column, max_col=ws.max_column)]
    address = (f"{name}!{get_column_letter(ws.min_column)}{ws.min_row}:"
               f"{get_column_letter(ws.max_column)}{ws.max_row}")
    return {"address": address, "rowCount": len(rows), "columnCount": len(rows[0]) if rows else 0, "values": rows}


def get_range(data: bytes, name: str, address: str) -> dict:
    ws = _sheet(_load(data), name)
    r0, c0, r1, c1 = parse_address(address)
    rows = [[_json(ws.cell(r + 1, c + 1).value) for c in range(c0, c1 + 1)] for r in range(r0, r1 + 1)]
    return {"address": f"{name}!{address}", "rowCount": len(rows), "columnCount": c1 - c0 + 1, "values": rows}


def patch_range(data: bytes, name: str, address: str, body: dict) -> tuple[bytes, dict]:
    book = _load(data)
    ws = _sheet(book, name)
    r0, c0, r1, c1 = parse_address(address)
    values, formats = body.get("values"), body.get("numberFormat")
    for i, r in enumerate(range(r0, r1 + 1)):
        for j, c in enumerate(range(c0, c1 + 1)):
            cell = ws.cell(r + 1, c + 1)
            if values is not None and values[i][j] is not None:
                v = values[i][j]
                if isinstance(v, str) and v.startswith("'"):
                    cell.value, cell.data_type = v[1:], "s"  # a leading apostrophe: text, never a formula
                else:
                    cell.value = None if v == "" else v
            if formats is not None and formats[i][j] is not None:
                cell.number_format = formats[i][j]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), get_range(out.getvalue(), name, address)
