"""From a Report to a Plan (sheetsync.plan). Only cells whose value differs from what the sheet holds are
planned, so a second sync of an unchanged sheet writes nothing."""
from __future__ import annotations

import datetime as dt
import hashlib
import json

from .engine import catalogue
from .engine.campaign import find_sheet
from .engine.managed import MANAGED_FIELDS, managed_field
from .engine.metrics import METRIC_SHEETS
from .engine.schema import header
from .engine.values import excel_serial_to_date
from .labels import HEALTH_LABELS
from .model import Report, SheetsyncError, TableShape, WorkbookData, a1, col_letter, parse_a1, quote_sheet
from .owned import FINGERPRINT_PREFIX, MACHINE_COL, recorded_notes, stored_fingerprint
from .report_sheet import report_rows
from .rule_formulas import RowFormulas, closed_words
from .plan import HIGHLIGHTS, ROW_RULE_ORDER, SPARE_ROWS, PlannedCell, Plan, ReportSheet, Rule


def _empty(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def flags_text(findings, lang: str) -> str:
    seen = []
    for f in findings:
        text = catalogue.short(f, lang)
        if text not in seen:
            seen.append(text)
    return "; ".join(seen)


def _same(before, after) -> bool:
    if before.__class__ is after.__class__ and before == after:  # the common case on a re-sync
        return True
    if _empty(before) and _empty(after):
        return True
    if isinstance(after, dt.date) and not isinstance(after, dt.datetime):
        if isinstance(before, dt.datetime):
            return before.date() == after and before.time() == dt.time()
        if isinstance(before, dt.date):
            return before == after
        return False
    return isinstance(before, str) and before == after


def build_plan(report: Report, workbook: WorkbookData, *, run_at: dt.datetime) -> Plan:
    """The plan for the table the engine found (report.table), compared with the sheet's values as read:
    the cells sync compares with are the cells it would overwrite."""
    lang = report.language
    table = report.table
    sheet = workbook.sheet(table.sheet)
    cols = table.managed
    header_row = table.header_row - 1  # 0-based from here on, as the cells are
    labels = HEALTH_LABELS[lang]
    cells: list[PlannedCell] = []

    def plan(r, c, value, kind):
        before = sheet.value(r, c)
        if not _same(before, value):
            cells.append(PlannedCell(r, c, value, kind, before))

    own = sorted(c for f, c in table.columns.items() if f not in MANAGED_FIELDS)
    for fld in MANAGED_FIELDS:
        written = sheet.value(header_row, cols[fld])  # found again by this header: kept as it is, in any language
        plan(header_row, cols[fld], written if managed_field(written) == fld else header(fld, lang), "header")
        if cells and cells[-1].kind == "header" and cells[-1].col == cols[fld]:
            cells[-1].style_col = max((c for c in own if c < cols[fld]), default=own[0] if own else None)

    by_row: dict[int, list] = {}
    for f in report.findings:
        if f.sheet == report.sheet:
            for row, _ in f.spots():  # a finding over a range flags each of its rows
                if row is not None:
                    by_row.setdefault(row, []).append(f)
    rows, append = sheet.rows, cells.append
    due_c, health_c, flags_c = cols["m_due"], cols["m_health"], cols["m_flags"]
    serials = workbook.dates_as_serials
    for t in report.tasks:  # column-wise by hand: three cells for each of up to 100k tasks
        r = t.row - 1
        row = rows[r] if r < len(rows) else ()
        n = len(row)
        found = by_row.get(t.row)
        for c, value, kind in ((due_c, t.due, "date"), (health_c, labels[t.health], "text"),
                               (flags_c, flags_text(found, lang) if found else "", "flags")):
            before = row[c] if c < n else None
            if serials and c == due_c:
                before = _own_date(before)
            if not _same(before, value):
                append(PlannedCell(r, c, value, kind, before))

    _refuse_hidden(report, sheet, cells)
    rules = _rules(report, table, cols, lang, sheet)
    side_rules = _metric_rules(report, workbook)
    report_sheet = _report_sheet(report, run_at)
    fingerprint = _fingerprint(report_sheet, rules + [r for v in side_rules.values() for r in v])
    old_report = workbook.sheet(report_sheet.title)
    stored = stored_fingerprint(old_report.rows) if old_report is not None else None
    head = report_sheet.rows[0]
    head.extend([""] * (MACHINE_COL + 1 - len(head)))
    head[MACHINE_COL] = FINGERPRINT_PREFIX + fingerprint
    notes = {(workbook_row(row), _col_of(cell)): f.message for f in report.findings
             if f.severity == "error" and f.sheet == report.sheet and f.cell for row, cell in f.spots()}
    cleared, note_keys = _note_keys(report, notes, old_report.rows if old_report is not None else [])
    return Plan(sheet=report.sheet, columns=cols, cells=cells, rules=rules, report=report_sheet,
                fingerprint=fingerprint, unchanged_report=(stored == fingerprint), language=lang, table=table, notes=notes,
                cleared_notes=cleared, note_keys=note_keys, side_rules=side_rules)


def _refuse_hidden(report: Report, sheet, cells: list[PlannedCell]) -> None:
    """A managed cell under a merged area (not its first cell) would be written where no one sees it: refused
    in one line, naming the area to unmerge. New columns never go there; this is a person's merge over the
    columns sync found again."""
    touched = {c.col for c in cells}
    hidden: dict[tuple[int, int], tuple] = {}
    for area in sheet.merged:
        r0, c0, r1, c1 = area
        for c in touched.intersection(range(c0, c1 + 1)):
            for r in range(r0, r1 + 1):
                if (r, c) != (r0, c0):
                    hidden[(r, c)] = area
    cell = next((c for c in cells if (c.row, c.col) in hidden), None)
    if cell is None:
        return
    r0, c0, r1, c1 = hidden[(cell.row, cell.col)]
    where, area = f"{quote_sheet(sheet.name)}!{a1(cell.row, cell.col)}", f"{a1(r0, c0)}:{a1(r1, c1)}"
    raise SheetsyncError(
        f"{report.source}: {where}, a cell sheetsync writes, lies under the merged area {area}, where no one would "
        f"see it; nothing written. Unmerge {area} (or move the column out of it) and sync again",
        f"{report.source}:sheetsync 要写的单元格 {where} 位于合并区域 {area} 之内,写入后无人能看到;未写入任何内容。"
        f"请取消合并 {area}(或把该列移出),再同步", code="managed-cell-merged")


def _own_date(before):
    """A backend whose workbook says `dates_as_serials` gives the dates sync wrote in its Due column back as
    day serials; the plan compares dates, so read them as dates, or every run would rewrite the whole column."""
    if before.__class__ in (int, float) and float(before).is_integer():
        try:
            return excel_serial_to_date(before)
        except ValueError:
            pass
    return before


def _note_keys(report: Report, notes: dict, old_rows: list[list]) -> tuple[list, list]:
    """The notes the last run set that must go, and the keys of this run's notes. Notes are found again by task
    key and column header (recorded in the report sheet), so they follow rows people moved."""
    row_of = {t.key: t.row - 1 for t in report.tasks}
    key_of = {t.row - 1: t.key for t in report.tasks}
    col_of = {report.headers[f]: c for f, c in report.columns.items() if f in report.headers}
    header_of = {c: h for h, c in col_of.items()}
    cleared = [(row_of[key], col_of[head]) for key, head in recorded_notes(old_rows)
               if key in row_of and head in col_of]
    keys = [[key_of[r], header_of[c]] for (r, c) in notes if r in key_of and c in header_of]
    return cleared, keys


def workbook_row(row1: int) -> int:
    return row1 - 1


def _col_of(cell: str) -> int:
    return parse_a1(cell)[1]


def _rules(report: Report, table: TableShape, cols: dict[str, int], lang: str, sheet) -> list[Rule]:
    first = table.first_row
    last = max(report.last_row or first, first) + SPARE_ROWS
    right = max(max(table.columns.values()), *cols.values())
    # the row colours stop at a Gantt grid: a conditional fill would paint over the bars drawn there
    spans = [(0, right)] if table.grid is None else [(0, table.grid[0] - 1), (table.grid[1] + 1, right)]
    sqref = " ".join(f"{col_letter(a)}{first}:{col_letter(b)}{last}" for a, b in spans if a <= b)
    labels = HEALTH_LABELS[lang]
    live = _row_formulas(report, table, cols, lang, sheet)
    rules = []
    for name in ROW_RULE_ORDER:
        condition = live.late(labels[name]) if name == "late" else live.verdict(name, labels[name])
        rules.append(Rule(sqref, condition, HIGHLIGHTS[name], stop_if_true=False, verdict=labels[name]))
    error_cells = sorted({cell for f in report.findings
                          if f.severity == "error" and f.sheet == report.sheet and f.cell for _, cell in f.spots()},
                         key=lambda ref: (len(ref), ref))
    if error_cells:
        rules.append(Rule(" ".join(error_cells), "TRUE", HIGHLIGHTS["error-cell"]))
    return rules


def _row_formulas(report: Report, table: TableShape, cols: dict[str, int], lang: str, sheet) -> RowFormulas:
    """The live parts of the row rules, from the columns this tracker has and the words its status column uses."""
    own = table.columns
    tasks = [t for t in report.tasks if t.table == 0]

    def values(fld):
        c = own.get(fld)
        if c is None:
            return None
        return [sheet.value(t.row - 1, c) for t in tasks]

    status = values("status")
    unread = frozenset(row for f in report.findings if f.code == "bad-status" and f.sheet == report.sheet
                       for row, _ in f.spots())
    words, boolean, number, marks = (closed_words(tasks, status, lang, unread) if status is not None
                                     else ((), False, False, False))
    progress = values("progress") or []
    percent = any(v.__class__ in (int, float) and v > 1 for v in progress)
    return RowFormulas(first=table.first_row, health=cols["m_health"], due=cols["m_due"], status=own.get("status"),
                       words=words, boolean=boolean, number=number, marks=marks, progress=own.get("progress"),
                       percent=percent, done_date=own.get("done_date"), reviewed=own.get("reviewed"),
                       deadline=own.get("deadline"))


def _metric_rules(report: Report, workbook: WorkbookData) -> dict[str, list[Rule]]:
    """The value cells of the Metrics sheet where a metric rule is breached now, highlighted until it is not."""
    sheet = find_sheet(workbook, METRIC_SHEETS)
    if sheet is None:
        return {}
    cells = sorted({f.cell for f in report.findings if f.code == "metric-alert" and f.sheet == sheet.name and f.cell},
                   key=lambda ref: (len(ref), ref))
    return {sheet.name: [Rule(" ".join(cells), "TRUE", HIGHLIGHTS["metric-alert"])] if cells else []}


def _report_sheet(report: Report, run_at: dt.datetime) -> ReportSheet:
    return ReportSheet(*report_rows(report, run_at))  # what it says is sheetsync.report_sheet's


def _fingerprint(sheet: ReportSheet, rules: list[Rule]) -> str:
    """Everything the report and rules say except the run time: equal fingerprints mean nothing to rewrite."""
    body = [sheet.rows[0]] + sheet.rows[2:]
    data = json.dumps([body, [(r.sqref, r.condition, r.style.name) for r in rules]], ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:16]
