"""The Google backend's write: re-check that no row moved (1 request), then one spreadsheets.batchUpdate
(atomic), and the key check on the batch's own answer.

Rows that move: the re-check reads the header row, the key column (ID, else task) and the task sheet's
conditional formats again, and the batch is built from what it saw. If any row moved, the write answers "again"
and the pipeline plans again from a fresh read (bounded). The Sheets API has no precondition to close the round
trip between the re-check's answer and Google applying the batch, so the batch asks for the key column back in
its own answer (includeSpreadsheetInResponse + responseRanges, no extra request): if a row moved in that window,
the values may have landed in the wrong rows, and the write says so; the pipeline plans again from a fresh read
and rewrites them at once (bounded; if rows keep moving it says so, and the next sync puts them right).

Where the table is comes from the plan (plan.table, as the engine found it): nothing here looks for it."""
from __future__ import annotations

from typing import Optional

from ..model import SheetsyncError, col_letter
from ..owned import is_own_report
from ..plan import Plan
from .http import body_bytes
from .read import Connection, Snapshot, call, quote_title
from . import batch as rq

RECHECK_FIELDS = ("sheets(properties(sheetId,title,gridProperties(rowCount,columnCount)),conditionalFormats,"
                  "data(startRow,startColumn,rowData(values(effectiveValue,userEnteredFormat))))")


def fit(plan, where: rq.Target, write_report: bool, lang: str, limit: int) -> list[dict]:
    """The batch, under Google's request size limit: a huge findings list is cut in the report sheet (the
    managed cells, rules and notes are never cut); if even that is too big, nothing is written."""
    requests = rq.batch(plan, where, write_report, lang=lang)
    size = len(body_bytes({"requests": requests}))
    if size <= limit:
        return requests
    listed = len(plan.report.rows) - rq.FINDINGS_START
    if write_report and listed > 0:
        bare = len(body_bytes({"requests": rq.batch(plan, where, True, keep=0, lang=lang)}))
        per_row = max(1.0, (size - bare) / listed)
        keep = max(0, int((limit - bare) / per_row) - 1)
        requests = rq.batch(plan, where, True, keep=keep, lang=lang)
        size = len(body_bytes({"requests": requests}))
        if size <= limit:
            return requests
    mb = size / 1e6
    raise SheetsyncError(
        f"the changes are {mb:.1f} MB, over the {limit / 1e6:.1f} MB a single Google Sheets request may carry; "
        f"nothing was written (split the tracker into smaller sheets)",
        f"本次改动 {mb:.1f} MB,超过 Google 表格单次请求上限 {limit / 1e6:.1f} MB;未写入任何内容(请把跟踪表拆成较小的工作表)",
        code="too-large")


def rules_lost(snap: Snapshot, plan: Plan) -> bool:
    """Are sheetsync's rules in the sheet not the ones (and in the order) this plan writes? Someone deleted or
    edited one, or an older sheetsync wrote them in another order: then they are written again."""
    sheet = snap.sheets_by_title.get(plan.sheet) or {}
    rows = ((sheet.get("properties") or {}).get("gridProperties") or {}).get("rowCount", 1000)
    sheet_id = (sheet.get("properties") or {}).get("sheetId", 0)

    def norm(formula: str) -> str:
        return formula.lstrip("=").replace(" ", "").upper()

    have = [norm(str(((r.get("booleanRule") or {}).get("condition") or {}).get("values", [{}])[0]
                     .get("userEnteredValue", "")))
            for r in sheet.get("conditionalFormats") or [] if rq.is_own_rule(r)]
    want = [norm(rq.mark(r.condition)) for r in rq.google_order(plan.rules) if rq.sqref_ranges(r.sqref, sheet_id, rows)]
    return have != want


def refuse_foreign_report(snap: Snapshot, title: str) -> None:
    """A sheet with the report's name that sheetsync did not write is someone's work: never overwrite it."""
    sheet = snap.workbook.sheet(title)
    if sheet is None or not sheet.rows:
        return
    first = str(sheet.value(0, 0) or "")
    if first and not is_own_report(first):
        raise SheetsyncError(f"a sheet named {title!r} exists and was not written by sheetsync; rename it",
                             f"已有名为 {title!r} 的工作表且不是 sheetsync 生成的;请先重命名", code="report-sheet-taken")


def _effective(cell: dict):
    v = (cell or {}).get("effectiveValue") or {}
    if "stringValue" in v:
        return v["stringValue"]
    if "numberValue" in v:
        return v["numberValue"]
    if "boolValue" in v:
        return v["boolValue"]
    if "errorValue" in v:
        return "#"  # values:batchGet renders errors as '#REF!' etc.
    return ""


def _same_cells(a: list, b: list) -> bool:
    a, b = list(a), list(b)
    while a and a[-1] in ("", None):
        a.pop()
    while b and b[-1] in ("", None):
        b.pop()
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if x == y:
            continue
        if y == "#" and isinstance(x, str) and x.startswith("#"):
            continue
        return False
    return True


def key_ranges(snap: Snapshot, plan: Plan) -> tuple[int, list[str]]:
    """The key column (ID, else task) and the A1 ranges of the header row and that column."""
    sheet = snap.workbook.sheet(plan.table.sheet)
    header_row = plan.table.header_row - 1
    key_col = plan.table.key_col
    title = quote_title(sheet.name)
    return key_col, [f"{title}!{header_row + 1}:{header_row + 1}", f"{title}!{col_letter(key_col)}:{col_letter(key_col)}"]


def _seen(snap: Snapshot, plan: Plan, got: dict) -> Optional[tuple[list, list]]:
    """(header row, key column) of the task sheet in a spreadsheet resource with grid data of key_ranges."""
    sheet = snap.workbook.sheet(plan.table.sheet)
    now = next((s for s in got.get("sheets", []) if s["properties"]["sheetId"] == sheet.sheet_id), None)
    if now is None or now["properties"]["title"] != sheet.name:
        return None
    data = now.get("data") or []
    if len(data) != 2:
        return None
    head = [_effective(c) for c in ((data[0].get("rowData") or [{}])[0].get("values") or [])]
    keys = [_effective((r.get("values") or [{}])[0]) for r in data[1].get("rowData") or []]
    return head, keys


def _keys_before(snap: Snapshot, plan: Plan, key_col: int) -> list:
    sheet = snap.workbook.sheet(plan.table.sheet)
    raw = snap.raw.get(sheet.name, sheet.rows)
    return [row[key_col] if key_col < len(row) else "" for row in raw]


def rows_moved(snap: Snapshot, plan: Plan, updated: dict) -> bool:
    """After the write: does the key column Google returned with the batch's answer differ from the read's?"""
    key_col, _ = key_ranges(snap, plan)
    seen = _seen(snap, plan, updated)
    return seen is None or not _same_cells(_keys_before(snap, plan, key_col), seen[1])


def recheck(conn: Connection, snap: Snapshot, plan: Plan) -> Optional[rq.Target]:
    """One spreadsheets.get of the header row, the key column and the rules. None when a row moved."""
    sheet = snap.workbook.sheet(plan.table.sheet)
    header_row = plan.table.header_row - 1
    key_col, ranges = key_ranges(snap, plan)
    got = call(conn, snap.key, conn.client.fetch_sheet_metadata, snap.key,
               params={"ranges": ranges, "fields": RECHECK_FIELDS})
    seen = _seen(snap, plan, got)
    if seen is None:
        return None
    head, keys = seen
    raw = snap.raw.get(sheet.name, sheet.rows)
    if not _same_cells(raw[header_row] if header_row < len(raw) else [], head):
        return None
    if not _same_cells(_keys_before(snap, plan, key_col), keys):
        return None
    now = next(s for s in got["sheets"] if s["properties"]["sheetId"] == sheet.sheet_id)
    gp = now["properties"].get("gridProperties") or {}
    header_cells = ((now["data"][0].get("rowData") or [{}])[0].get("values") or [])
    report_props = (snap.sheets_by_title.get(plan.report.title) or {}).get("properties")
    return rq.Target(sheet_id=sheet.sheet_id, rows=gp.get("rowCount", 1000), cols=gp.get("columnCount", 26),
                     rules=now.get("conditionalFormats") or [],
                     sheet_ids={t: s["properties"]["sheetId"] for t, s in snap.sheets_by_title.items()},
                     report=report_props,
                     header_formats={c: cell["userEnteredFormat"] for c, cell in enumerate(header_cells)
                                     if cell.get("userEnteredFormat")})
