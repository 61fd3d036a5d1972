"""Plan -> the request list of ONE spreadsheets.batchUpdate (applied by Google all or nothing).

Every value is typed (stringValue, numberValue): nothing a person typed can come back as a formula. The only
formulas sheetsync writes are the HYPERLINK cells of its own report sheet, built from escaped string literals."""
from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from typing import Optional

from ..model import parse_a1
from ..serials import day_serial
from ..owned import FINDINGS_START, HEADER_ROW, MACHINE_COL, MESSAGE_COL, NOTES_PREFIX, NOTES_ROW, mark, owned_rule
from ..plan import Highlight, Plan

DATE_FORMAT = {"type": "DATE", "pattern": "yyyy-mm-dd"}
NOTES_CHUNK = 40000  # a cell holds at most 50,000 characters


@dataclass
class Target:
    """What the batch writes into, as the re-check just saw it."""
    sheet_id: int
    rows: int  # grid rowCount
    cols: int  # grid columnCount
    rules: list  # the task sheet's conditional formats, in order
    sheet_ids: dict[str, int]  # title -> sheetId of every sheet (for report links)
    report: Optional[dict] = None  # properties of the existing report sheet, or None
    notes: dict[tuple[int, int], str] = field(default_factory=dict)  # final note per cell ('' clears)
    header_formats: dict[int, dict] = field(default_factory=dict)  # column -> the header cell's userEnteredFormat
    note_keys: list = field(default_factory=list)  # [[task key, header]] recorded for the next run


def typed(value) -> dict:
    """A CellData.userEnteredValue that Google stores as given, never parsed."""
    if value is None or (isinstance(value, str) and value == ""):
        return {}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, (int, float)):
        return {"userEnteredValue": {"numberValue": value}}
    if isinstance(value, dt.date):
        return {"userEnteredValue": {"numberValue": day_serial(value)}}
    return {"userEnteredValue": {"stringValue": str(value)}}


def grid(sheet_id: int, r0: int, r1: int, c0: int, c1: int) -> dict:
    """0-based, end exclusive."""
    return {"sheetId": sheet_id, "startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0, "endColumnIndex": c1}


def is_own_rule(rule: dict) -> bool:
    cond = (rule.get("booleanRule") or {}).get("condition") or {}
    values = cond.get("values") or [{}]
    return cond.get("type") == "CUSTOM_FORMULA" and owned_rule(str(values[0].get("userEnteredValue", "")))


def color(hex6: str) -> dict:
    return {"red": int(hex6[0:2], 16) / 255, "green": int(hex6[2:4], 16) / 255, "blue": int(hex6[4:6], 16) / 255}


# Google draws no borders in conditional formats. The error-cell mark (dark red bold text and a red border in
# Excel) gets Excel's own "light red fill with dark red text" instead, so the cell still stands out in Google.
BORDER_STANDIN_FILL = "FFC7CE"
# Google shows only the FIRST matching rule of a cell (Excel layers them all), so rules that mark single cells go
# before the row rules: an error cell on a late row shows the error mark, the rest of the row the late fill.
CELL_RULES_FIRST = ("error-cell",)


def rule_format(style: Highlight) -> dict:
    """Google rules style fill, font colour and bold; a border becomes a light fill (see BORDER_STANDIN_FILL).
    Colours go in the ...ColorStyle fields: the discovery document marks backgroundColor / foregroundColor
    deprecated. Google reads a rule back with both forms, and rules are told apart by their formula (is_own_rule),
    so rules an older sheetsync wrote with the plain fields are still recognised, not added twice."""
    fmt: dict = {}
    fill = style.fill or (BORDER_STANDIN_FILL if style.border else None)
    if fill:
        fmt["backgroundColorStyle"] = {"rgbColor": color(fill)}
    text: dict = {}
    if style.font:
        text["foregroundColorStyle"] = {"rgbColor": color(style.font)}
    if style.bold:
        text["bold"] = True
    if text:
        fmt["textFormat"] = text
    return fmt


def google_order(rules: list) -> list:
    """The plan's rules in the order Google needs: cell marks first, then the row rules in the plan's order."""
    return sorted(rules, key=lambda r: 0 if r.style.name in CELL_RULES_FIRST else 1)


def sqref_ranges(sqref: str, sheet_id: int, max_rows: int) -> list[dict]:
    out = []
    for part in sqref.split():
        a, _, b = part.partition(":")
        r0, c0 = parse_a1(a)
        r1, c1 = parse_a1(b) if b else (r0, c0)
        r1 = min(r1, max_rows - 1)
        if r1 >= r0:
            out.append(grid(sheet_id, r0, r1 + 1, c0, c1 + 1))
    return out


def managed_cells(plan: Plan, sheet_id: int, header_formats: Optional[dict] = None) -> list[dict]:
    """One updateCells per run of consecutive planned rows in one column; dates also get their format, Flags
    wraps inside its column, and a managed header takes the format of the tracker's header cell beside it."""
    by_col: dict[tuple[int, str], list] = {}
    for c in plan.cells:
        by_col.setdefault((c.col, c.kind), []).append(c)
    requests = []
    for (col, kind), cells in sorted(by_col.items()):
        cells.sort(key=lambda c: c.row)
        run: list = []
        for c in cells + [None]:
            if run and (c is None or c.row != run[-1].row + 1):
                requests.extend(_run(run, col, kind, sheet_id, header_formats or {}))
                run = []
            if c is not None:
                run.append(c)
    return requests


def _run(run: list, col: int, kind: str, sheet_id: int, header_formats: dict) -> list[dict]:
    rng = grid(sheet_id, run[0].row, run[-1].row + 1, col, col + 1)
    if kind == "header":
        out = []
        for c in run:
            one = grid(sheet_id, c.row, c.row + 1, col, col + 1)
            beside = header_formats.get(c.style_col) if c.style_col is not None else None
            if beside:  # the tracker's own header look, copied whole
                out.append({"updateCells": {"range": one, "rows": [{"values": [
                    {**typed(str(c.value)), "userEnteredFormat": json.loads(json.dumps(beside))}]}],
                    "fields": "userEnteredValue,userEnteredFormat"}})
            else:
                out.append({"updateCells": {"range": one, "rows": [{"values": [
                    {**typed(str(c.value)), "userEnteredFormat": {"textFormat": {"bold": True}}}]}],
                    "fields": "userEnteredValue,userEnteredFormat.textFormat.bold"}})
        return out
    rows = [{"values": [typed(c.value if kind == "date" else (None if c.value is None else str(c.value)))]}
            for c in run]
    out = []
    if kind == "date":
        out.append({"repeatCell": {"range": rng, "cell": {"userEnteredFormat": {"numberFormat": DATE_FORMAT}},
                                   "fields": "userEnteredFormat.numberFormat"}})
    elif kind == "flags":
        out.append({"repeatCell": {"range": rng, "cell": {"userEnteredFormat": {"wrapStrategy": "WRAP",
                                                                               "verticalAlignment": "TOP"}},
                                   "fields": "userEnteredFormat.wrapStrategy,userEnteredFormat.verticalAlignment"}})
    out.append({"updateCells": {"range": rng, "rows": rows, "fields": "userEnteredValue"}})
    return out


def rule_requests(plan: Plan, target: Target) -> list[dict]:
    """Delete sheetsync's own rules (highest index first, so the others keep their places), then add the new
    ones after the user's rules: the error-cell mark first, then the row rules in the plan's priority order."""
    own = [i for i, rule in enumerate(target.rules) if is_own_rule(rule)]
    out = [{"deleteConditionalFormatRule": {"sheetId": target.sheet_id, "index": i}} for i in sorted(own, reverse=True)]
    index = len(target.rules) - len(own)
    for rule in google_order(plan.rules):
        ranges = sqref_ranges(rule.sqref, target.sheet_id, target.rows)
        if not ranges:
            continue
        out.append({"addConditionalFormatRule": {"index": index, "rule": {
            "ranges": ranges,
            "booleanRule": {"condition": {"type": "CUSTOM_FORMULA",
                                          "values": [{"userEnteredValue": "=" + mark(rule.condition)}]},
                            "format": rule_format(rule.style)}}}})
        index += 1
    return out


def note_requests(target: Target) -> list[dict]:
    out = []
    for (r, c), text in sorted(target.notes.items()):
        out.append({"updateCells": {"range": grid(target.sheet_id, r, r + 1, c, c + 1),
                                    "rows": [{"values": [{"note": text} if text else {}]}], "fields": "note"}})
    return out


def _link_formula(text: str, ref: str, sheet_ids: dict[str, int]) -> Optional[dict]:
    sheet, _, cell = ref.rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    gid = sheet_ids.get(sheet)
    if gid is None:
        return None
    esc = str(text).replace('"', '""')
    return {"userEnteredValue": {"formulaValue": f'=HYPERLINK("#gid={gid}&range={cell}","{esc}")'}}


MORE = {"en": "… {n} more findings not listed here (Google's request size limit); run `sheetsync validate` for all",
        "zh": "… 另有 {n} 条问题未列出(受 Google 单次请求大小限制);运行 `sheetsync validate` 查看全部"}


def report_rows(plan: Plan, keep: Optional[int], lang: str) -> tuple[list[list], dict]:
    """The report's rows, the findings list cut to `keep` rows when the whole would not fit in one request."""
    rows = [list(r) for r in plan.report.rows]
    links = plan.report.links
    listed = len(rows) - FINDINGS_START
    if keep is None or keep >= listed:
        return rows, links
    rows = rows[:FINDINGS_START + keep] + [[MORE[lang].format(n=listed - keep)]]
    return rows, {k: v for k, v in links.items() if k[0] < FINDINGS_START + keep}


HEADER_BG = {"red": 0xDD / 255, "green": 0xEB / 255, "blue": 0xF7 / 255}  # xlsx.report's header fill

def report_requests(plan: Plan, target: Target, keep: Optional[int] = None, lang: str = "en") -> list[dict]:
    rep = plan.report
    rows, links = report_rows(plan, keep, lang)
    chunks = _note_chunks(target.note_keys)
    while len(rows) < NOTES_ROW + len(chunks):
        rows.append([])
    for i, chunk in enumerate(chunks):
        line = rows[NOTES_ROW + i]
        line.extend([""] * (MACHINE_COL + 1 - len(line)))
        line[MACHINE_COL] = chunk
    width = max(6, max(len(r) for r in rows), len(rep.col_widths))
    height = max(len(rows), 1)
    out = []
    if target.report is None:
        used = set(target.sheet_ids.values())
        sid = next(i for i in iter(lambda: random.randint(1, 2**31 - 2), None) if i not in used)
        out.append({"addSheet": {"properties": {"sheetId": sid, "title": rep.title,
                                                "gridProperties": {"rowCount": height, "columnCount": width}}}})
        grid_rows, grid_cols = height, width
    else:
        sid = target.report["sheetId"]
        gp = target.report.get("gridProperties") or {}
        grid_rows, grid_cols = gp.get("rowCount", 1000), gp.get("columnCount", 26)
        for dim, have, need in (("ROWS", grid_rows, height), ("COLUMNS", grid_cols, width)):
            if have < need:
                out.append({"appendDimension": {"sheetId": sid, "dimension": dim, "length": need - have}})
        grid_rows, grid_cols = max(grid_rows, height), max(grid_cols, width)
    data = []
    for r, row in enumerate(rows):
        values = []
        for c, v in enumerate(row):
            cell = None
            if (r, c) in links:
                cell = _link_formula(v, links[(r, c)], target.sheet_ids)
            cell = cell or typed(v)
            if r == 0 and c == 0:
                cell = {**cell, "userEnteredFormat": {"textFormat": {"bold": True}}}
            elif r == HEADER_ROW and len(row) > 1:  # the findings table's header, styled as the Excel one
                cell = {**cell, "userEnteredFormat": {"textFormat": {"bold": True}, "backgroundColor": HEADER_BG}}
            elif c == MESSAGE_COL and r > HEADER_ROW:  # wrapped: Google Sheets fits the row to its text
                cell = {**cell, "userEnteredFormat": {"wrapStrategy": "WRAP", "verticalAlignment": "TOP"}}
            values.append(cell)
        data.append({"values": values})
    out.append({"updateCells": {"range": grid(sid, 0, grid_rows, 0, grid_cols), "rows": data,
                                "fields": "userEnteredValue,userEnteredFormat.textFormat.bold,"
                                          "userEnteredFormat.backgroundColor,userEnteredFormat.wrapStrategy,"
                                          "userEnteredFormat.verticalAlignment"}})
    for c, w in enumerate(rep.col_widths):
        out.append({"updateDimensionProperties": {
            "range": {"sheetId": sid, "dimension": "COLUMNS", "startIndex": c, "endIndex": c + 1},
            "properties": {"pixelSize": int(w * 7 + 5)}, "fields": "pixelSize"}})
    for c in rep.hidden_cols:
        out.append({"updateDimensionProperties": {
            "range": {"sheetId": sid, "dimension": "COLUMNS", "startIndex": c, "endIndex": c + 1},
            "properties": {"hiddenByUser": True}, "fields": "hiddenByUser"}})
    return out


def _note_chunks(keys: list) -> list[str]:
    if not keys:
        return []
    chunks, part, size = [], [], 0
    for k in keys:
        n = len(json.dumps(k, ensure_ascii=False)) + 1
        if part and size + n > NOTES_CHUNK:
            chunks.append(NOTES_PREFIX + json.dumps(part, ensure_ascii=False))
            part, size = [], 0
        part.append(k)
        size += n
    chunks.append(NOTES_PREFIX + json.dumps(part, ensure_ascii=False))
    return chunks


def batch(plan: Plan, target: Target, write_report: bool, keep: Optional[int] = None, lang: str = "en") -> list[dict]:
    requests = []
    need_cols = max(plan.columns.values()) + 1
    if target.cols < need_cols:
        requests.append({"appendDimension": {"sheetId": target.sheet_id, "dimension": "COLUMNS",
                                             "length": need_cols - target.cols}})
    requests += managed_cells(plan, target.sheet_id, target.header_formats)
    if write_report:
        requests += note_requests(target)
        requests += rule_requests(plan, target)
        requests += report_requests(plan, target, keep, lang)
    return requests
