"""Read a Feishu spreadsheet into WorkbookData in 1 + 1 per 5,000 rows requests: the sheets with their merges
(v3 sheets/query) and the values of every sheet needed (v2 values_batch_get, ranges of at most 5,000 rows per
request). The task sheet's conditional formats are one more request, once the plan names that sheet.

Values come as valueRenderOption=UnformattedValue without a dateTimeRenderOption: a date cell is its day serial
(Feishu counts from 1899-12-30, as Excel and Google do) and text a person typed stays text ('007' is not 7). The
engine reads a number in a date column as a serial (WorkbookData.dates_as_serials), as for Google."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..model import SheetData, SheetsyncError, WorkbookData, col_letter, is_side_sheet
from .client import Client
from .links import Target

V2 = "/open-apis/sheets/v2/spreadsheets/{token}"
V3 = "/open-apis/sheets/v3/spreadsheets/{token}"
WIKI_NODE = "/open-apis/wiki/v2/spaces/get_node"
ROWS_PER_REQUEST = 5000
CELLS_PER_REQUEST = 500_000  # keeps one answer well under Feishu's 10 MB per read


@dataclass
class Snapshot:
    """One read: the sheets as Feishu listed them, their owned-or-not conditional formats, the values."""
    token: str
    sheets: list[dict]  # v3 sheet objects (sheet_id, title, index, grid_properties, merges)
    rules: dict[str, list[dict]]  # sheet_id -> condition formats, of the task sheet once asked
    workbook: WorkbookData
    raw: dict[str, list[list]] = field(default_factory=dict)  # title -> values as read
    revision: Optional[int] = None

    def by_title(self, title: str) -> Optional[dict]:
        return next((s for s in self.sheets if s.get("title") == title), None)


def resolve(client: Client, target: Target) -> str:
    """The spreadsheet token: as given, or a wiki node's object when the node is a sheet."""
    if not target.wiki:
        return target.token
    node = client.call("GET", WIKI_NODE, params={"token": target.token}).get("node") or {}
    if node.get("obj_type") != "sheet" or not node.get("obj_token"):
        kind = node.get("obj_type") or "?"
        raise SheetsyncError(f"wiki page {target.token} is a {kind}, not a sheet; open the tracker sheet and copy its link",
                             f"知识库页面 {target.token} 是 {kind},不是电子表格;请打开跟踪表并复制其链接",
                             code="not-a-spreadsheet")
    return node["obj_token"]


def choose(sheets: list[dict], target: Target, token: str) -> list[dict]:
    """The sheets to read: the one the source names first, then the side sheets; all grids when none is named."""
    grids = [s for s in sheets if s.get("resource_type", "sheet") == "sheet"]
    if target.title is None and target.sheet_id is None:
        return grids
    if target.title is not None:
        first = [s for s in grids if s.get("title") == target.title]
        what, what_zh = f"no worksheet titled {target.title!r}", f"没有名为 {target.title!r} 的工作表"
    else:
        first = [s for s in grids if s.get("sheet_id") == target.sheet_id]
        what, what_zh = f"no worksheet with sheet={target.sheet_id}", f"没有 sheet={target.sheet_id} 的工作表"
    if not first:
        titles = ", ".join(s.get("title", "") for s in grids)
        raise SheetsyncError(f"spreadsheet {token}: {what} (sheets: {titles})",
                             f"表格 {token}:{what_zh}(现有工作表:{titles})", code="no-sheet")
    return first + [s for s in grids if s is not first[0] and is_side_sheet(s.get("title", ""))]


def cell_value(v):
    """A Feishu value as the engine reads it: rich text segments, links and mentions become their text."""
    if isinstance(v, list):
        return "".join(str(cell_value(x) or "") for x in v)
    if isinstance(v, dict):
        return v.get("text") or v.get("link") or v.get("name") or ""
    return "" if v is None else v


def chunks(sheets: list[dict]) -> list[list[tuple[dict, int, int]]]:
    """(sheet, first row, last row) ranges grouped into requests of at most ROWS_PER_REQUEST rows."""
    out: list[list] = [[]]
    used = 0
    for s in sheets:
        gp = s.get("grid_properties") or {}
        rows, cols = int(gp.get("row_count") or 0), max(1, int(gp.get("column_count") or 0))
        step = max(1, min(ROWS_PER_REQUEST, CELLS_PER_REQUEST // cols))
        r = 0
        while r < rows:
            n = min(step, rows - r)
            if used + n > step and out[-1]:
                out.append([])
                used = 0
            out[-1].append((s, r, r + n - 1))
            used += n
            r += n
    return [c for c in out if c]


def sheet_range(sheet: dict, r0: int, r1: int) -> str:
    cols = max(1, int((sheet.get("grid_properties") or {}).get("column_count") or 1))
    return f"{sheet['sheet_id']}!A{r0 + 1}:{col_letter(cols - 1)}{r1 + 1}"


def values(client: Client, token: str, ranges: list[str]) -> tuple[list[dict], Optional[int]]:
    got = client.call("GET", V2.format(token=token) + "/values_batch_get",
                      params={"ranges": ",".join(ranges), "valueRenderOption": "UnformattedValue"})
    return got.get("valueRanges") or [], got.get("revision")


def fetch(client: Client, target: Target, source: str, token: Optional[str] = None) -> Snapshot:
    token = token or resolve(client, target)
    sheets = client.call("GET", V3.format(token=token) + "/sheets/query").get("sheets") or []
    chosen = choose(sheets, target, token)
    rows: dict[str, list[list]] = {s["sheet_id"]: [] for s in chosen}
    revision = None
    for group in chunks(chosen):
        answer, revision = values(client, token, [sheet_range(s, r0, r1) for s, r0, r1 in group])
        for (s, r0, _), vr in zip(group, answer):
            block = rows[s["sheet_id"]]
            block.extend([] for _ in range(r0 - len(block)))
            block.extend([cell_value(v) for v in (line or [])] for line in (vr.get("values") or []))
    out, raw = [], {}
    for s in chosen:
        block = rows[s["sheet_id"]]
        while block and not any(v not in ("", None) for v in block[-1]):
            block.pop()  # Feishu answers every row of the range; a .xlsx reader stops at the last filled one
        # Feishu answers every column of the grid; a .xlsx reader stops at the last filled one
        width = max((max((c + 1 for c, v in enumerate(r) if v not in ("", None)), default=0) for r in block),
                    default=0)
        for r in block:
            del r[width:]
        for r in block:
            r.extend([""] * (width - len(r)))
        merged = [(int(m["start_row_index"]), int(m["start_column_index"]), int(m["end_row_index"]),
                   int(m["end_column_index"])) for m in s.get("merges") or []]
        out.append(SheetData(name=s["title"], rows=block, merged=merged, sheet_id=s["sheet_id"]))
        raw[s["title"]] = block
    return Snapshot(token, sheets, {}, WorkbookData(source=source, sheets=out, kind="feishu", dates_as_serials=True), raw, revision)


def condition_formats(client: Client, snap: Snapshot, sheet_id: str) -> list[dict]:
    """The task sheet's condition formats (one request, once per read): asked only when the plan says which
    sheet the tasks are on, so a workbook of many sheets costs no more than one of a few."""
    if sheet_id not in snap.rules:
        got = client.call("GET", V2.format(token=snap.token) + "/condition_formats", params={"sheet_ids": sheet_id})
        snap.rules[sheet_id] = [item.get("condition_format") or {} for item in got.get("sheet_condition_formats") or []
                                if item.get("sheet_id") == sheet_id]
    return snap.rules[sheet_id]
