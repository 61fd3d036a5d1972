"""Writing into a workbook that is open in Excel (co-authoring: uploads answer 423 resourceLocked).

Only the managed cells are written, through the Excel service in one persistent session: values and the date
number format (a null in numberFormat leaves a cell's format alone), one range per run of adjacent cells in a
column, up to 20 ranges per $batch. Before writing, the used range is read again in the same session and its header
row and key column compared with the download the plan was made from: a row someone inserted or moved meanwhile
makes the pipeline read and plan again. Graph v1.0 has no conditional formats, and adding the report sheet to a
workbook open elsewhere is a structural change, so the highlight rules and the report sheet wait for a run when the
file is free; the run says so."""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

from ..backend import Written
from ..model import SheetsyncError, col_letter
from ..plan import Plan
from ..retry_after import seconds
from ..serials import to_serial
from .client import GraphError, GraphUnavailable

DATE_FORMAT = "yyyy-mm-dd"
BATCH_LIMIT = 20  # requests per Graph JSON batch
FORMULA_START = ("=", "+", "-", "@")  # Excel would take such text as a formula: a leading ' keeps it text

WAITING = {"en": "the workbook is open in Excel: Due/Health/Flags were written in the open workbook; the highlight "
                 "rules and the report sheet wait for a sync when nobody has it open",
           "zh": "工作簿正在 Excel 中打开:计划截止/健康度/提示已写入打开的工作簿;高亮规则和同步报告工作表将在无人打开时的下次同步写入"}


def open_elsewhere(source: str) -> SheetsyncError:
    """Graph's permission table lists the workbook endpoints as delegated-only in places: a tenant may refuse
    them to an app signed in with its own credentials. Then nothing can be written while the file is open."""
    return SheetsyncError(
        f"{source}: the workbook is open in Excel and the Excel service refused this app's session, so nothing was "
        f"written; the next sync when nobody has it open writes everything",
        f"{source}:工作簿正在 Excel 中打开,Excel 服务拒绝了本应用的会话,未写入任何内容;无人打开时的下次同步会写入全部内容",
        code="workbook-open")


def _norm(value):
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return to_serial(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _trim(cells: list) -> list:
    cells = [_norm(v) for v in cells]
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def _origin(address: str) -> tuple[int, int]:
    """0-based (row, col) of the top-left cell of 'Sheet1!B2:K9'."""
    m = re.search(r"!?\$?([A-Z]+)\$?(\d+)", address.rpartition("!")[2])
    if not m:
        return 0, 0
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def _cell_value(cell):
    if cell.kind == "date" and isinstance(cell.value, dt.date):
        return to_serial(cell.value), DATE_FORMAT
    value = "" if cell.value is None else cell.value
    if isinstance(value, str) and value.startswith(FORMULA_START):
        value = "'" + value
    return value, None


def ranges(plan: Plan) -> list[tuple[str, list, list]]:
    """(address, values, numberFormat) for each run of adjacent planned cells in one column."""
    out = []
    by_col: dict[int, list] = {}
    for c in plan.cells:
        by_col.setdefault(c.col, []).append(c)
    for col, cells in sorted(by_col.items()):
        cells.sort(key=lambda c: c.row)
        run = [cells[0]]
        for c in cells[1:] + [None]:
            if c is not None and c.row == run[-1].row + 1:
                run.append(c)
                continue
            pairs = [_cell_value(x) for x in run]
            letter = col_letter(col)
            out.append((f"{letter}{run[0].row + 1}:{letter}{run[-1].row + 1}",
                        [[v] for v, _ in pairs], [[f] for _, f in pairs]))
            run = [c]
    return out


def rows_moved(backend, plan: Plan, used: dict) -> bool:
    """Do the header row and the key column in the open workbook differ from the download the plan was made from?"""
    sheet = backend.workbook.sheet(plan.table.sheet)
    r0, c0 = _origin(used.get("address") or "A1")
    grid = used.get("values") or []

    def now(row: int, col: int):
        r, c = row - r0, col - c0
        return grid[r][c] if 0 <= r < len(grid) and 0 <= c < len(grid[r]) else ""

    header = plan.table.header_row - 1
    width = max(len(sheet.rows[header]) if header < len(sheet.rows) else 0, c0 + max((len(r) for r in grid), default=0))
    if _trim([sheet.value(header, c) for c in range(width)]) != _trim([now(header, c) for c in range(width)]):
        return True
    key = plan.table.key_col
    height = max(len(sheet.rows), r0 + len(grid))
    return _trim([sheet.value(r, key) for r in range(height)]) != _trim([now(r, key) for r in range(height)])


def write_cells(backend, plan: Plan) -> Written:
    graph, base = backend.graph, backend.base
    ws = f"{base}/workbook/worksheets/{quote(plan.sheet, safe='')}"
    try:
        session = graph.json("POST", base + "/workbook/createSession", json={"persistChanges": True},
                             expect=(200, 201))["id"]
    except SheetsyncError as exc:
        if exc.code != "graph-access":
            raise
        raise open_elsewhere(backend.source) from None
    headers = {"workbook-session-id": session}
    try:
        used = graph.json("GET", ws + "/usedRange(valuesOnly=true)", params={"$select": "address,values"},
                          headers=headers)
        if rows_moved(backend, plan, used):
            return Written(again=True)
        pending = [{"id": str(i), "method": "PATCH", "url": f"{ws}/range(address='{address}')",
                    "headers": {"Content-Type": "application/json", "workbook-session-id": session},
                    "body": {"values": values, "numberFormat": formats}}
                   for i, (address, values, formats) in enumerate(ranges(plan))]
        for first in range(0, len(pending), BATCH_LIMIT):
            _send_batch(graph, pending[first:first + BATCH_LIMIT])
    finally:
        try:
            graph.request("POST", base + "/workbook/closeSession", headers=headers, expect=(200, 204, 404))
        except SheetsyncError:
            pass  # an unclosed session expires by itself; what the write did or why it failed is what matters
    backend.note = WAITING["zh" if plan.language == "zh" else "en"]
    return Written(changed=bool(plan.cells))


def _send_batch(graph, requests: list[dict]) -> None:
    """One $batch; the requests it answers with 429/503 are sent again after their Retry-After (the client's
    bounds hold: the tries and the run's deadline)."""
    attempt = 0
    while requests:
        answer = graph.json("POST", "/$batch", json={"requests": requests},
                            headers={"Content-Type": "application/json"})
        by_id = {r["id"]: r for r in requests}
        again, wait = [], 0.0
        for response in answer.get("responses") or []:
            status = int(response.get("status") or 500)
            if status < 300:
                continue
            if status in (429, 503, 504):
                again.append(by_id[response["id"]])
                wait = max(wait, seconds((response.get("headers") or {}).get("Retry-After")) or 0.0)
                continue
            code = ((response.get("body") or {}).get("error") or {}).get("code", "")
            raise GraphError(status, code, f"OneDrive/SharePoint refused a range write ({status} {code})",
                             f"OneDrive/SharePoint 拒绝了区域写入({status} {code})")
        if not again:
            return
        attempt += 1
        policy = graph.policy
        if attempt >= policy.tries or wait >= policy.left():
            raise GraphUnavailable("HTTP 429", attempt, "some managed cells may be written")
        graph.sleep(max(wait, policy.base))
        requests = again
