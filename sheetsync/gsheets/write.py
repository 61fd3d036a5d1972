"""Sync a Google Sheets tracker: read (2 requests), plan, re-check that no row moved (1 request), write
(1 spreadsheets.batchUpdate, atomic). Four requests whatever the tracker's size; a dry run or an unchanged
sheet stops after the first two.

Rows that move: the re-check reads the header row, the key column (ID, else task) and the task sheet's
conditional formats again, and the batch is built from what it saw. If any row moved, the whole plan is made
again from a fresh read (bounded). The Sheets API has no precondition to close the round trip between the
re-check's answer and Google applying the batch, so the batch asks for the key column back in its own answer
(includeSpreadsheetInResponse + responseRanges, no extra request): if a row moved in that window, the values may
have landed in the wrong rows, and the sync plans again from a fresh read and rewrites them at once (bounded;
if rows keep moving it says so, and the next sync puts them right)."""
from __future__ import annotations

from typing import Optional

from ..engine.values import excel_serial_to_date
from ..model import SheetsyncError, col_letter
from .http import RetryPolicy, SheetsUnavailable, WriteFailed, body_bytes
from .read import Connection, Snapshot, call, connect, fetch, parse_source, quote_title
from . import batch as rq

RECHECK_FIELDS = ("sheets(properties(sheetId,title,gridProperties(rowCount,columnCount)),conditionalFormats,"
                  "data(startRow,startColumn,rowData(values(effectiveValue,userEnteredFormat))))")


def sync_gsheet(text: str, *, today=None, lang: Optional[str] = None, dry_run: bool = False,
                overrides: Optional[dict] = None, credentials: Optional[str] = None,
                retry: Optional[RetryPolicy] = None, mapping=None, **_ignored):
    from ..api import SyncResult, analyse_at, refuse_empty
    from ..plan import build_plan

    target = parse_source(text)
    conn = connect(credentials, retry)
    tries = conn.client.policy.tries
    misplaced = False  # a write landed while rows were moving and was not yet put right
    clock = None
    for attempt in range(tries):
        snap = fetch(conn, target, text)
        # one clock for the run: a retry after rows moved keeps the first attempt's moment
        report = analyse_at(snap.workbook, today, lang=lang, overrides=overrides, clock=clock,
                            mapping=mapping)
        clock = report.clock
        refuse_empty(report, text)
        own_dates(snap, report)
        plan = build_plan(report, snap.workbook, run_at=report.clock.now)
        rules_lost = _rules_lost(snap, report, plan)
        if rules_lost:
            plan.unchanged_report = False  # someone deleted sheetsync's highlights: put them back
        if dry_run or not plan.changed:
            return SyncResult(report, plan, changed=misplaced, dry_run=dry_run)
        _refuse_foreign_report(snap, plan.report.title)
        where = recheck(conn, snap, report, plan.report.title)
        if where is None:  # rows moved since the read: plan again from a fresh read
            continue
        write_report = not plan.unchanged_report
        if write_report:
            where.notes, where.note_keys = notes_for(snap, report, plan)
        requests = fit(plan, where, write_report, report.language, conn.client.max_body)
        body = {"requests": requests, "includeSpreadsheetInResponse": True,
                "responseRanges": key_ranges(snap, report)[1], "responseIncludeGridData": True}
        try:
            answer = call(conn, target.key, conn.client.batch_update, target.key, body)
        except WriteFailed as exc:  # maybe applied, maybe not: only a fresh read can tell
            if attempt + 1 >= tries:
                raise SheetsUnavailable(exc.what, attempt + 1) from None
            conn.client.pause(attempt, exc.retry_after)
            continue
        if rows_moved(snap, report, (answer or {}).get("updatedSpreadsheet") or {}):
            # a row moved between the re-check and Google applying the batch: values may sit in the wrong
            # rows now. Plan again from a fresh read, which rewrites every managed cell that is not right.
            misplaced = True
            continue
        return SyncResult(report, plan, changed=True, dry_run=False)
    if misplaced:
        raise SheetsyncError(
            f"{text}: rows kept moving while sheetsync was writing ({tries} tries); some Due/Health/Flags cells may "
            f"be in the wrong rows until the next sync, run again",
            f"{text}:写入期间表格行不断变动(已尝试 {tries} 次);部分计划截止/健康度/提示单元格可能错位,"
            f"请重新运行以更正", code="sheet-busy")
    raise SheetsyncError(
        f"{text}: rows kept moving while sheetsync was writing ({tries} tries); nothing was written, run again",
        f"{text}:写入期间表格行不断变动(已尝试 {tries} 次);未写入任何内容,请重新运行", code="sheet-busy")


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


def _rules_lost(snap: Snapshot, report, plan) -> bool:
    """Are sheetsync's rules in the sheet not the ones (and in the order) this plan writes? Someone deleted or
    edited one, or an older sheetsync wrote them in another order: then they are written again."""
    sheet = snap.sheets_by_title.get(report.sheet) or {}
    rows = ((sheet.get("properties") or {}).get("gridProperties") or {}).get("rowCount", 1000)
    sheet_id = (sheet.get("properties") or {}).get("sheetId", 0)

    def norm(formula: str) -> str:
        return formula.lstrip("=").replace(" ", "").upper()

    have = [norm(str(((r.get("booleanRule") or {}).get("condition") or {}).get("values", [{}])[0]
                     .get("userEnteredValue", "")))
            for r in sheet.get("conditionalFormats") or [] if rq.is_own_rule(r)]
    want = [norm(rq.mark(r.condition)) for r in rq.google_order(plan.rules) if rq.sqref_ranges(r.sqref, sheet_id, rows)]
    return have != want


def own_dates(snap: Snapshot, report) -> None:
    """Google gives the dates sheetsync wrote in its Due column back as day serials; the plan compares dates,
    so turn them back, or every run would rewrite the whole column."""
    col = report.columns.get("m_due")
    sheet = snap.workbook.sheet(report.sheet) if report.sheet else None
    if col is None or sheet is None:
        return
    for row in sheet.rows[report.header_row:]:
        v = row[col] if col < len(row) else None
        if isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer():
            try:
                row[col] = excel_serial_to_date(v)
            except ValueError:
                pass


def _refuse_foreign_report(snap: Snapshot, title: str) -> None:
    """A sheet with the report's name that sheetsync did not write is someone's work: never overwrite it."""
    sheet = snap.workbook.sheet(title)
    if sheet is None or not sheet.rows:
        return
    first = str(sheet.value(0, 0) or "")
    if first and not first.startswith("sheetsync"):
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


def key_ranges(snap: Snapshot, report) -> tuple[int, list[str]]:
    """The key column (ID, else task) and the A1 ranges of the header row and that column."""
    sheet = snap.workbook.sheet(report.sheet)
    header_row = report.header_row - 1
    key_col = report.columns.get("id", report.columns.get("task", min(report.columns.values())))
    title = quote_title(sheet.name)
    return key_col, [f"{title}!{header_row + 1}:{header_row + 1}", f"{title}!{col_letter(key_col)}:{col_letter(key_col)}"]


def _seen(snap: Snapshot, report, got: dict) -> Optional[tuple[list, list]]:
    """(header row, key column) of the task sheet in a spreadsheet resource with grid data of key_ranges."""
    sheet = snap.workbook.sheet(report.sheet)
    now = next((s for s in got.get("sheets", []) if s["properties"]["sheetId"] == sheet.sheet_id), None)
    if now is None or now["properties"]["title"] != sheet.name:
        return None
    data = now.get("data") or []
    if len(data) != 2:
        return None
    head = [_effective(c) for c in ((data[0].get("rowData") or [{}])[0].get("values") or [])]
    keys = [_effective((r.get("values") or [{}])[0]) for r in data[1].get("rowData") or []]
    return head, keys


def _keys_before(snap: Snapshot, report, key_col: int) -> list:
    sheet = snap.workbook.sheet(report.sheet)
    raw = snap.raw.get(sheet.name, sheet.rows)
    return [row[key_col] if key_col < len(row) else "" for row in raw]


def rows_moved(snap: Snapshot, report, updated: dict) -> bool:
    """After the write: does the key column Google returned with the batch's answer differ from the read's?"""
    key_col, _ = key_ranges(snap, report)
    seen = _seen(snap, report, updated)
    return seen is None or not _same_cells(_keys_before(snap, report, key_col), seen[1])


def recheck(conn: Connection, snap: Snapshot, report, report_title: str) -> Optional[rq.Target]:
    """One spreadsheets.get of the header row, the key column and the rules. None when a row moved."""
    sheet = snap.workbook.sheet(report.sheet)
    header_row = report.header_row - 1
    key_col, ranges = key_ranges(snap, report)
    got = call(conn, snap.key, conn.client.fetch_sheet_metadata, snap.key,
               params={"ranges": ranges, "fields": RECHECK_FIELDS})
    seen = _seen(snap, report, got)
    if seen is None:
        return None
    head, keys = seen
    raw = snap.raw.get(sheet.name, sheet.rows)
    if not _same_cells(raw[header_row] if header_row < len(raw) else [], head):
        return None
    if not _same_cells(_keys_before(snap, report, key_col), keys):
        return None
    now = next(s for s in got["sheets"] if s["properties"]["sheetId"] == sheet.sheet_id)
    gp = now["properties"].get("gridProperties") or {}
    header_cells = ((now["data"][0].get("rowData") or [{}])[0].get("values") or [])
    report_props = (snap.sheets_by_title.get(report_title) or {}).get("properties")
    return rq.Target(sheet_id=sheet.sheet_id, rows=gp.get("rowCount", 1000), cols=gp.get("columnCount", 26),
                     rules=now.get("conditionalFormats") or [],
                     sheet_ids={t: s["properties"]["sheetId"] for t, s in snap.sheets_by_title.items()},
                     report=report_props,
                     header_formats={c: cell["userEnteredFormat"] for c, cell in enumerate(header_cells)
                                     if cell.get("userEnteredFormat")})


def notes_for(snap: Snapshot, report, plan) -> tuple[dict, list]:
    """Notes to set on error cells, and the notes the last run set that must go. Notes are found again by
    task key and column header (recorded in the report sheet), so they follow rows people moved."""
    row_of = {t.key: t.row - 1 for t in report.tasks}
    key_of = {t.row - 1: t.key for t in report.tasks}
    col_of = {report.headers[f]: c for f, c in report.columns.items() if f in report.headers}
    header_of = {c: h for h, c in col_of.items()}
    final: dict[tuple[int, int], str] = {}
    old = snap.workbook.sheet(plan.report.title)
    for key, head in rq.recorded_notes(old.rows if old else []):
        if key in row_of and head in col_of:
            final[(row_of[key], col_of[head])] = ""
    keys = []
    for (r, c), message in plan.notes.items():
        final[(r, c)] = message
        if r in key_of and c in header_of:
            keys.append([key_of[r], header_of[c]])
    return final, keys
