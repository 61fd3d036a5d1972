"""The emulator's in-memory spreadsheets: sheets of sparse cells plus the per-sheet objects that move when
rows or columns are inserted or deleted (merges, conditional formats, filters, named and protected ranges)."""
from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field
from typing import Any, Optional

from . import cells as cells_mod
from .a1 import Bounds, RangeError, grid_range_text, parse_cells, split_sheet
from .defaults import DEFAULT_PROPERTIES

DEFAULT_ROWS, DEFAULT_COLS = 1000, 26


class ApiError(Exception):
    """An error the API answers with; rendered as {"error": {"code", "message", "status"[, "details"]}}."""

    STATUS = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED",
              500: "INTERNAL", 503: "UNAVAILABLE"}

    def __init__(self, code: int, message: str, status: Optional[str] = None, details: Optional[list] = None):
        super().__init__(message)
        self.code, self.message = code, message
        self.status = status or self.STATUS.get(code, "UNKNOWN")
        self.details = details

    def body(self) -> dict:
        err: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            err["details"] = self.details
        return {"error": err}


def bad(message: str, details: Optional[list] = None) -> ApiError:
    return ApiError(400, message, "INVALID_ARGUMENT", details)


def not_found() -> ApiError:
    return ApiError(404, "Requested entity was not found.", "NOT_FOUND")


def unparsable(text: str) -> ApiError:
    return bad(f"Unable to parse range: {text}")


@dataclass
class Sheet:
    properties: dict
    cells: dict = field(default_factory=dict)  # (row, col) -> CellData dict
    merges: list = field(default_factory=list)
    conditional_formats: list = field(default_factory=list)
    basic_filter: Optional[dict] = None
    protected_ranges: list = field(default_factory=list)
    row_groups: list = field(default_factory=list)
    column_groups: list = field(default_factory=list)
    row_meta: dict = field(default_factory=dict)  # index -> DimensionProperties
    col_meta: dict = field(default_factory=dict)
    data_validation: dict = field(default_factory=dict)  # (row, col) -> rule

    @property
    def sheet_id(self) -> int:
        return self.properties["sheetId"]

    @property
    def title(self) -> str:
        return self.properties["title"]

    @property
    def grid(self) -> dict:
        return self.properties.setdefault("gridProperties", {})

    @property
    def rows(self) -> int:
        return self.grid.get("rowCount", DEFAULT_ROWS)

    @property
    def cols(self) -> int:
        return self.grid.get("columnCount", DEFAULT_COLS)

    def cell(self, r: int, c: int) -> Optional[dict]:
        return self.cells.get((r, c))

    def cell_for_write(self, r: int, c: int) -> dict:
        return self.cells.setdefault((r, c), {})

    def drop_if_blank(self, r: int, c: int) -> None:
        cell = self.cells.get((r, c))
        if cell is not None and not any(v for k, v in cell.items() if k != "effectiveValue"):
            del self.cells[(r, c)]

    def used_extent(self) -> tuple[int, int]:
        """(rows, cols) spanned by cells that hold a value."""
        rows = cols = 0
        for (r, c), cell in self.cells.items():
            if not cells_mod.is_empty(cell):
                rows, cols = max(rows, r + 1), max(cols, c + 1)
        return rows, cols

    def check_limits(self, r0: int, r1: int, c0: int, c1: int) -> None:
        if r1 > self.rows or c1 > self.cols:
            raise bad(f"Range ({grid_range_text(self.title, r0, r1, c0, c1)}) exceeds grid limits. "
                      f"Max rows: {self.rows}, max columns: {self.cols}")


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    properties: dict
    sheets: list = field(default_factory=list)
    named_ranges: list = field(default_factory=list)
    shared: bool = True
    rng: random.Random = field(default_factory=random.Random)
    version: int = 1  # Drive's file version: grows with every change (a call that changed nothing too, as Drive's)

    # --- lookups ---------------------------------------------------------------------------------------------
    def sheet_by_id(self, sheet_id: int, where: str = "") -> Sheet:
        for s in self.sheets:
            if s.sheet_id == sheet_id:
                return s
        raise bad(f"{where}No grid with id: {sheet_id}")

    def sheet_by_title(self, title: str) -> Optional[Sheet]:
        for s in self.sheets:
            if s.title == title:
                return s
        for s in self.sheets:  # Google matches titles case-insensitively when no exact match exists
            if s.title.lower() == title.lower():
                return s
        return None

    def new_sheet_id(self) -> int:
        used = {s.sheet_id for s in self.sheets}
        while True:
            candidate = self.rng.randrange(1, 2**31 - 1)
            if candidate not in used:
                return candidate

    def reindex(self) -> None:
        for i, s in enumerate(self.sheets):
            s.properties["index"] = i

    def resolve(self, text: str) -> tuple[Sheet, Bounds]:
        """An A1 range or named range -> (sheet, bounds). Raises 'Unable to parse range'."""
        try:
            title, cells = split_sheet(text)
        except RangeError:
            raise unparsable(text) from None
        named = {n["name"]: n for n in self.named_ranges}
        if title is None:
            if cells in named:
                return self._named(named[cells])
            sheet = self.sheet_by_title(cells)
            if sheet is not None:
                return sheet, Bounds(None, None, None, None)
            if not self.sheets:
                raise unparsable(text)
            sheet = self.sheets[0]
        else:
            sheet = self.sheet_by_title(title)
            if sheet is None:
                raise unparsable(text)
            if cells == "":
                return sheet, Bounds(None, None, None, None)
            if cells in named:
                return self._named(named[cells])
        try:
            return sheet, parse_cells(cells)
        except RangeError:
            raise unparsable(text) from None

    def _named(self, nr: dict) -> tuple[Sheet, Bounds]:
        g = nr["range"]
        return (self.sheet_by_id(g.get("sheetId", 0)),
                Bounds(g.get("startRowIndex"), g.get("endRowIndex"), g.get("startColumnIndex"), g.get("endColumnIndex")))

    # --- the Spreadsheet resource ----------------------------------------------------------------------------
    def resource(self) -> dict:
        return {"spreadsheetId": self.spreadsheet_id,
                "properties": copy.deepcopy(self.properties),
                "sheets": [sheet_resource(s) for s in self.sheets],
                **({"namedRanges": [named_range_out(n) for n in self.named_ranges]} if self.named_ranges else {}),
                "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit"}


def new_spreadsheet(spreadsheet_id: str, title: str, sheet_titles: list[str], sheet_ids: Optional[list[int]] = None,
                    rows: int = DEFAULT_ROWS, cols: int = DEFAULT_COLS, shared: bool = True,
                    locale: Optional[str] = None, time_zone: Optional[str] = None) -> Spreadsheet:
    props = {"title": title, **copy.deepcopy(DEFAULT_PROPERTIES)}
    if locale:
        props["locale"] = locale
    if time_zone:
        props["timeZone"] = time_zone
    ss = Spreadsheet(spreadsheet_id, props, shared=shared)
    for i, t in enumerate(sheet_titles or ["Sheet1"]):
        sid = sheet_ids[i] if sheet_ids and i < len(sheet_ids) else (0 if i == 0 else ss.new_sheet_id())
        ss.sheets.append(Sheet({"sheetId": sid, "title": t, "index": i, "sheetType": "GRID",
                                "gridProperties": {"rowCount": rows, "columnCount": cols}}))
    return ss


def gridrange_out(g: dict) -> dict:
    """GridRange as Google echoes it: sheetId 0 is a proto default and is left out."""
    out = {k: g[k] for k in ("sheetId", "startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex")
           if k in g and g[k] is not None}
    if out.get("sheetId") == 0:
        del out["sheetId"]
    return out


def named_range_out(n: dict) -> dict:
    return {"namedRangeId": n["namedRangeId"], "name": n["name"], "range": gridrange_out(n["range"])}


def sheet_properties_out(props: dict) -> dict:
    out = copy.deepcopy(props)
    gp = out.get("gridProperties", {})
    for k in list(gp):
        if k not in ("rowCount", "columnCount") and not gp[k]:
            del gp[k]
    for k in ("hidden", "rightToLeft"):
        if not out.get(k, True):
            del out[k]
    return out


def sheet_resource(s: Sheet) -> dict:
    out: dict[str, Any] = {"properties": sheet_properties_out(s.properties)}
    if s.merges:
        out["merges"] = [gridrange_out(m) for m in s.merges]
    if s.conditional_formats:
        out["conditionalFormats"] = [dict(copy.deepcopy(cf), ranges=[gridrange_out(r) for r in cf.get("ranges", [])])
                                     for cf in s.conditional_formats]
    if s.basic_filter is not None:
        bf = copy.deepcopy(s.basic_filter)
        bf["range"] = gridrange_out(bf.get("range", {}))
        out["basicFilter"] = bf
    if s.protected_ranges:
        out["protectedRanges"] = [dict(copy.deepcopy(p), range=gridrange_out(p.get("range", {})))
                                  for p in s.protected_ranges]
    if s.row_groups:
        out["rowGroups"] = copy.deepcopy(s.row_groups)
    if s.column_groups:
        out["columnGroups"] = copy.deepcopy(s.column_groups)
    return out


def grid_data(s: Sheet, bounds: Optional[Bounds]) -> dict:
    """GridData for a range (or the whole sheet): rowData of CellData with formattedValue filled in."""
    r0, r1, c0, c1 = (bounds or Bounds(None, None, None, None)).resolved(s.rows, s.cols)
    r1, c1 = min(r1, s.rows), min(c1, s.cols)
    data: dict[str, Any] = {}
    if r0:
        data["startRow"] = r0
    if c0:
        data["startColumn"] = c0
    rows = []
    for r in range(r0, r1):
        values = []
        for c in range(c0, c1):
            cell = s.cells.get((r, c))
            values.append(cell_out(cell) if cell else {})
        rows.append({"values": values})
    data["rowData"] = rows
    data["rowMetadata"] = [dimension_out(s.row_meta.get(r), 21) for r in range(r0, r1)]
    data["columnMetadata"] = [dimension_out(s.col_meta.get(c), 100) for c in range(c0, c1)]
    return data


def dimension_out(meta: Optional[dict], default_px: int) -> dict:
    out = {"pixelSize": default_px}
    out.update(copy.deepcopy(meta or {}))
    if not out.get("hiddenByUser", True):
        del out["hiddenByUser"]
    return out


def cell_out(cell: dict) -> dict:
    out = {k: copy.deepcopy(v) for k, v in cell.items() if v not in (None, {}, "")}
    if not cells_mod.is_empty(cell):
        out["formattedValue"] = cells_mod.formatted(cell)
    return out


def prune_grid(obj: Any) -> Any:
    """After a field mask: Google drops empty trailing cells and rows and empty rowData lists."""
    if isinstance(obj, dict):
        out = {k: prune_grid(v) for k, v in obj.items()}
        if "rowData" in out and isinstance(out["rowData"], list):
            rows = []
            for row in out["rowData"]:
                vals = row.get("values") if isinstance(row, dict) else None
                if isinstance(vals, list):
                    while vals and vals[-1] == {}:
                        vals.pop()
                    row = {k: v for k, v in row.items() if k != "values"} | ({"values": vals} if vals else {})
                rows.append(row)
            while rows and rows[-1] == {}:
                rows.pop()
            if rows:
                out["rowData"] = rows
            else:
                del out["rowData"]
        return out
    if isinstance(obj, list):
        return [prune_grid(x) for x in obj]
    return obj
