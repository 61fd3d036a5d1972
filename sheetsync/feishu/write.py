"""The Feishu backend's write: re-check that no row moved (1 request), then the managed cells and the report
in one values_batch_update (more only past 5,000 rows × 100 columns per request), their formats in one
styles_batch_update, sheetsync's own conditional formats replaced in batches of 10, and the key column read
again to learn whether a row moved while the values landed.

Feishu has no precondition on a write and no all-or-nothing batch across endpoints: the values go first (they
are what a person reads), and the re-read of the key column afterwards tells whether they may sit in the wrong
rows; then the pipeline plans again from a fresh read and rewrites every managed cell that is not right."""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Optional

from ..model import SheetsyncError, col_index, col_letter
from ..owned import is_own_report
from ..plan import Plan
from ..serials import day_serial
from . import rules as own_rules
from .client import Client
from .read import V2, Snapshot, cell_value

ROWS_PER_WRITE = 5000
COLS_PER_WRITE = 100
MAX_BODY = 9_500_000  # Feishu refuses request bodies over 10 MB
MAX_WRITES = 40  # value requests of one sync: beyond this the tracker is refused before anything is written
DATE_FORMAT = "yyyy/MM/dd"  # how Feishu shows a date it was typed as
_CELL = re.compile(r"^([A-Z]+)(\d+)")


def refuse_foreign_report(snap: Snapshot, title: str) -> None:
    """A sheet with the report's name that sheetsync did not write is someone's work: never overwrite it."""
    sheet = snap.workbook.sheet(title)
    first = str(sheet.value(0, 0) or "") if sheet is not None else ""
    if first and not is_own_report(first):
        raise SheetsyncError(f"a sheet named {title!r} exists and was not written by sheetsync; rename it",
                             f"已有名为 {title!r} 的工作表且不是 sheetsync 生成的;请先重命名", code="report-sheet-taken")


def _same(a: list, b: list) -> bool:
    a, b = [cell_value(v) for v in a], [cell_value(v) for v in b]
    while a and a[-1] in ("", None):
        a.pop()
    while b and b[-1] in ("", None):
        b.pop()
    return a == b


def _grid_rows(snap: Snapshot, title: str) -> int:
    s = snap.by_title(title) or {}
    return int((s.get("grid_properties") or {}).get("row_count") or 0)


def key_ranges(snap: Snapshot, plan: Plan) -> list[str]:
    sheet = snap.workbook.sheet(plan.table.sheet)
    h, k = plan.table.header_row, col_letter(plan.table.key_col)
    rows = max(1, _grid_rows(snap, sheet.name))
    width = max(1, max((len(r) for r in sheet.rows), default=1))
    return [f"{sheet.sheet_id}!A{h}:{col_letter(width - 1)}{h}", f"{sheet.sheet_id}!{k}1:{k}{rows}"]


def rows_unmoved(client: Client, snap: Snapshot, plan: Plan, header: bool = True) -> bool:
    """One values_batch_get of the header row and the key column, compared with the read's."""
    sheet = snap.workbook.sheet(plan.table.sheet)
    raw = snap.raw.get(sheet.name, sheet.rows)
    ranges = key_ranges(snap, plan)
    got = client.call("GET", V2.format(token=snap.token) + "/values_batch_get",
                      params={"ranges": ",".join(ranges if header else ranges[1:]),
                              "valueRenderOption": "UnformattedValue"}).get("valueRanges") or []
    if len(got) != (2 if header else 1):
        return False
    head_row = plan.table.header_row - 1
    if header and not _same(raw[head_row] if head_row < len(raw) else [], (got[0].get("values") or [[]])[0]):
        return False
    keys = [(line or [""])[0] for line in got[-1].get("values") or []]
    before = [row[plan.table.key_col] if plan.table.key_col < len(row) else "" for row in raw]
    return _same(before, keys)


def _cell(value, kind: str = "text"):
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return day_serial(value) if kind == "date" else value.isoformat()
    if isinstance(value, (bool, int, float)):
        return value
    return str(value)


@dataclass
class Writes:
    """Everything one write sends, built before the first request so a tracker too large is refused whole."""
    values: list[list[dict]]  # value ranges per values_batch_update request
    styles: list[dict]  # styles_batch_update data
    add_columns: int = 0


def _runs(plan: Plan, sheet_id: str) -> tuple[list[dict], list[str], list[str]]:
    """Value ranges of consecutive planned rows per column, and the ranges of dates and of headers."""
    by_col: dict[int, list] = {}
    for c in plan.cells:
        by_col.setdefault(c.col, []).append(c)
    ranges, dates, heads = [], [], []
    for col, cells in sorted(by_col.items()):
        cells.sort(key=lambda c: c.row)
        run: list = []
        for c in cells + [None]:
            if run and (c is None or c.row != run[-1].row + 1 or c.kind != run[-1].kind
                        or len(run) >= ROWS_PER_WRITE):
                ref = f"{sheet_id}!{col_letter(col)}{run[0].row + 1}:{col_letter(col)}{run[-1].row + 1}"
                ranges.append({"range": ref, "values": [[_cell(x.value, x.kind)] for x in run]})
                if run[0].kind == "date":
                    dates.append(ref)
                elif run[0].kind == "header":
                    heads.append(ref)
                run = []
            if c is not None:
                run.append(c)
    return ranges, dates, heads


def _report_ranges(plan: Plan, snap: Snapshot, sheet_id: str) -> list[dict]:
    """The report sheet's rows, and blanks over whatever the last report held below or beside them."""
    rows = [[_cell(v) for v in r] for r in plan.report.rows]
    old = snap.workbook.sheet(plan.report.title)
    height = max(len(rows), len(old.rows) if old else 0, 1)
    width = max([len(r) for r in rows] + [max((len(r) for r in old.rows), default=0) if old else 0, 1])
    rows += [[] for _ in range(height - len(rows))]
    rows = [r + [""] * (width - len(r)) for r in rows]
    out = []
    for r0 in range(0, height, ROWS_PER_WRITE):
        for c0 in range(0, width, COLS_PER_WRITE):
            r1, c1 = min(height, r0 + ROWS_PER_WRITE), min(width, c0 + COLS_PER_WRITE)
            out.append({"range": f"{sheet_id}!{col_letter(c0)}{r0 + 1}:{col_letter(c1 - 1)}{r1}",
                        "values": [row[c0:c1] for row in rows[r0:r1]]})
    return out


def _vr(sheet_id: str, r0: int, c0: int, values: list[list]) -> dict:
    c1, r1 = c0 + max(len(values[0]), 1) - 1, r0 + len(values) - 1
    return {"range": f"{sheet_id}!{col_letter(c0)}{r0 + 1}:{col_letter(c1)}{r1 + 1}", "values": values}


def _group(ranges: list[dict]) -> list[list[dict]]:
    """Value ranges packed into requests of at most ROWS_PER_WRITE rows (a range is cut where a request fills)
    and MAX_BODY bytes each."""
    out: list[list[dict]] = [[]]
    rows = size = 0
    pending = list(ranges)
    while pending:
        vr = pending.pop(0)
        n = len(vr["values"])
        if rows >= ROWS_PER_WRITE:  # this request is full
            out.append([])
            rows = size = 0
        room = ROWS_PER_WRITE - rows
        if n > room:  # fill this request with the range's first rows, the rest goes on
            sid, _, cells = vr["range"].partition("!")
            start = _CELL.match(cells)
            r0, c0 = int(start.group(2)) - 1, col_index(start.group(1))
            vr, rest = _vr(sid, r0, c0, vr["values"][:room]), _vr(sid, r0 + room, c0, vr["values"][room:])
            pending.insert(0, rest)
            n = room
        b = len(json.dumps(vr, ensure_ascii=False).encode("utf-8"))
        if out[-1] and (rows + n > ROWS_PER_WRITE or size + b > MAX_BODY):
            out.append([])
            rows = size = 0
        out[-1].append(vr)
        rows, size = rows + n, size + b
    return [g for g in out if g]


def plan_writes(plan: Plan, snap: Snapshot, report_id: Optional[str], write_report: bool) -> Writes:
    sheet = snap.workbook.sheet(plan.table.sheet)
    ranges, dates, heads = _runs(plan, sheet.sheet_id)
    styles = []
    if dates:
        styles.append({"ranges": dates, "style": {"formatter": DATE_FORMAT}})
    if heads:
        styles.append({"ranges": heads, "style": {"font": {"bold": True}}})
    if write_report:
        ranges += _report_ranges(plan, snap, report_id or "REPORT")
        styles.append({"ranges": [f"{report_id or 'REPORT'}!A1:A1"], "style": {"font": {"bold": True}}})
    groups = _group(ranges)
    too_big = [vr for vr in ranges if len(json.dumps(vr, ensure_ascii=False).encode("utf-8")) > MAX_BODY]
    if len(groups) > MAX_WRITES or too_big:
        raise SheetsyncError(
            f"the tracker is too large to write to Feishu in one sync ({len(groups)} requests of 5,000 rows, at most "
            f"{MAX_WRITES}); nothing was written (split the tracker into smaller sheets)",
            f"跟踪表过大,无法在一次同步中写入飞书(需 {len(groups)} 次 5,000 行的请求,上限 {MAX_WRITES});"
            f"未写入任何内容(请把跟踪表拆成较小的工作表)", code="too-large")
    gp = (snap.by_title(sheet.name) or {}).get("grid_properties") or {}
    need = max(plan.columns.values()) + 1 - int(gp.get("column_count") or 0)
    return Writes(groups, styles, max(0, need))


def add_report_sheet(client: Client, snap: Snapshot, title: str) -> str:
    got = client.call("POST", V2.format(token=snap.token) + "/sheets_batch_update", write=True,
                      body={"requests": [{"addSheet": {"properties": {"title": title, "index": len(snap.sheets)}}}]})
    props = ((got.get("replies") or [{}])[0].get("addSheet") or {}).get("properties") or {}
    sheet_id = props.get("sheetId")
    if not sheet_id:
        raise SheetsyncError(f"Feishu did not create the report sheet {title!r}", f"飞书未能创建报告工作表 {title!r}",
                             code="sheets-error")
    return sheet_id


def add_columns(client: Client, snap: Snapshot, sheet_id: str, n: int) -> None:
    client.call("POST", V2.format(token=snap.token) + "/dimension_range", write=True,
                body={"dimension": {"sheetId": sheet_id, "majorDimension": "COLUMNS", "length": n}})


def hide_machine_column(client: Client, snap: Snapshot, sheet_id: str, col: int) -> None:
    """The report's machine column (what one run leaves for the next) is hidden from people."""
    client.call("PUT", V2.format(token=snap.token) + "/dimension_range", write=True,
                body={"dimension": {"sheetId": sheet_id, "majorDimension": "COLUMNS", "startIndex": col + 1,
                                    "endIndex": col + 1}, "dimensionProperties": {"visible": False}})


def write_values(client: Client, snap: Snapshot, writes: Writes) -> None:
    for group in writes.values:
        client.call("POST", V2.format(token=snap.token) + "/values_batch_update", write=True,
                    body={"valueRanges": group})
    if writes.styles:
        client.call("PUT", V2.format(token=snap.token) + "/styles_batch_update", write=True,
                    body={"data": writes.styles})


def replace_rules(client: Client, snap: Snapshot, plan: Plan) -> None:
    """Delete sheetsync's own condition formats on the task sheet and create the plan's, 10 per request; a
    person's rules are left as they are."""
    sheet = snap.workbook.sheet(plan.table.sheet)
    managed = set(plan.columns.values())
    mine = [cf for cf in snap.rules.get(sheet.sheet_id, []) if own_rules.is_own(cf, managed) and cf.get("cf_id")]
    base = V2.format(token=snap.token) + "/condition_formats"
    for i in range(0, len(mine), own_rules.BATCH):
        client.call("POST", base + "/batch_delete", write=True, body={"sheet_cf_ids": [
            {"sheet_id": sheet.sheet_id, "cf_id": cf["cf_id"]} for cf in mine[i:i + own_rules.BATCH]]})
    want = own_rules.fitting(snap.rules.get(sheet.sheet_id, []), plan, sheet.sheet_id, _grid_rows(snap, sheet.name))
    for i in range(0, len(want), own_rules.BATCH):
        client.call("POST", base + "/batch_create", write=True, body={"sheet_condition_formats": [
            {"sheet_id": sheet.sheet_id, "condition_format": cf} for cf in want[i:i + own_rules.BATCH]]})
