"""From a Report to what a writer must do: managed cells, owned highlight rules and the report sheet.

Writer-agnostic: the xlsx patcher and the Sheets batchUpdate both take a Plan. Only cells whose value
differs from what the sheet holds are planned, so a second sync of an unchanged sheet writes nothing."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from .engine import catalogue
from .engine.campaign import find_sheet
from .engine.metrics import METRIC_SHEETS
from .engine.schema import REPORT_TITLE, header
from .model import Report, WorkbookData, a1, col_letter, quote_sheet
from .labels import HEALTH_LABELS, task_labels

MANAGED_FIELDS = ("m_due", "m_health", "m_flags")
# findings the engine places on the task's deadline cell; a deadline sheetsync derived lives in the Due column
DUE_CODES = ("late", "due-soon", "schedule-risk", "dependency-order", "after-launch")
SPARE_ROWS = 200  # rules cover rows people add below the table until the next sync
REPORT_MARKER = "sheetsync"


@dataclass(frozen=True)
class Highlight:
    """Fill, font and border of one owned rule. Colours step in lightness (CIE L*), not only in hue,
    so red-green colour-blind readers still tell them apart: late darkest, due-soon lightest."""
    name: str
    fill: str | None
    font: str | None = None
    bold: bool = False
    border: str | None = None


HIGHLIGHTS = {
    "late": Highlight("late", fill="E57373", font="000000"),
    "unreviewed": Highlight("unreviewed", fill="F6A04D", font="000000"),
    "blocked": Highlight("blocked", fill="D9C9F0", font="000000"),
    "at-risk": Highlight("at-risk", fill="D9C9F0", font="000000"),
    "due-soon": Highlight("due-soon", fill="FFF2A8", font="000000"),
    "error-cell": Highlight("error-cell", fill=None, font="9C0006", bold=True, border="C00000"),
    "metric-alert": Highlight("metric-alert", fill="F6A04D", font="000000", bold=True),
}
ROW_RULE_ORDER = ("late", "unreviewed", "blocked", "at-risk", "due-soon")


@dataclass
class Rule:
    sqref: str
    condition: str  # formula relative to the top-left cell of sqref, without the ownership marker
    style: Highlight
    stop_if_true: bool = False


@dataclass
class PlannedCell:
    row: int  # 0-based
    col: int
    value: object  # str | date | None
    kind: str  # date | text | flags (text wrapped inside its column) | header
    before: object = None
    style_col: int | None = None  # a header takes the style of the tracker's own header cell in this column


# The report sheet's column H is hidden and holds what sync needs from one run to the next (the fingerprint in
# H1; the Google writer's note keys below it), never text meant for a person.
MACHINE_COL = 7
FINGERPRINT_PREFIX = "fp:"


@dataclass
class ReportSheet:
    title: str
    rows: list[list]
    links: dict[tuple[int, int], str]
    col_widths: list[float]
    hidden_cols: tuple[int, ...] = (MACHINE_COL,)


@dataclass
class Plan:
    sheet: str
    columns: dict[str, int]  # managed field -> 0-based column
    cells: list[PlannedCell]  # only the cells that change
    rules: list[Rule]
    report: ReportSheet
    fingerprint: str
    unchanged_report: bool = False
    notes: dict[tuple[int, int], str] = field(default_factory=dict)  # error notes (Google writer)
    # owned rules on other sheets: the Metrics sheet's breached values (issue 13); [] clears old ones
    side_rules: dict[str, list[Rule]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.cells) or not self.unchanged_report


@dataclass
class _Table:
    """The task table as the report read it (the engine found it once, with any mapping), over the sheet's
    values as they are in the file: the cells sync compares with are the cells it would overwrite."""
    sheet: object
    header_row: int  # 0-based
    columns: dict
    headers: dict

    @classmethod
    def of(cls, report: Report, workbook: WorkbookData) -> "_Table":
        return cls(workbook.sheet(report.sheet), report.header_row - 1, report.columns, report.headers)


def _empty(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _place_managed(report: Report, workbook: WorkbookData) -> dict[str, int]:
    """Columns for Due, Health and Flags: found by header, else the first fully empty columns right of
    the table — never a column where a person has typed anything."""
    layout = _Table.of(report, workbook)
    sheet = layout.sheet
    cols = {f: c for f, c in layout.columns.items() if f in MANAGED_FIELDS}
    taken = set(layout.columns.values())
    c = max(layout.columns.values()) + 1
    for fld in MANAGED_FIELDS:
        if fld in cols:
            continue
        while c in taken or any(c < len(row) and not _empty(row[c]) for row in sheet.rows):
            c += 1
        cols[fld] = c
        taken.add(c)
        c += 1
    return cols


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
    lang = report.language
    layout = _Table.of(report, workbook)
    sheet = layout.sheet
    cols = _place_managed(report, workbook)
    _point_at_due_column(report, cols)
    labels = HEALTH_LABELS[lang]
    cells: list[PlannedCell] = []

    def plan(r, c, value, kind):
        before = sheet.value(r, c)
        if not _same(before, value):
            cells.append(PlannedCell(r, c, value, kind, before))

    own = sorted(c for f, c in layout.columns.items() if f not in MANAGED_FIELDS)
    for fld in MANAGED_FIELDS:
        plan(layout.header_row, cols[fld], header(fld, lang) if fld not in layout.headers else layout.headers[fld], "header")
        if cells and cells[-1].kind == "header" and cells[-1].col == cols[fld]:
            cells[-1].style_col = max((c for c in own if c < cols[fld]), default=own[0] if own else None)

    by_row: dict[int, list] = {}
    for f in report.findings:
        if f.sheet == report.sheet and f.row is not None:
            by_row.setdefault(f.row, []).append(f)
    rows, append = sheet.rows, cells.append
    due_c, health_c, flags_c = cols["m_due"], cols["m_health"], cols["m_flags"]
    for t in report.tasks:  # column-wise by hand: three cells for each of up to 100k tasks
        r = t.row - 1
        row = rows[r] if r < len(rows) else ()
        n = len(row)
        found = by_row.get(t.row)
        for c, value, kind in ((due_c, t.due, "date"), (health_c, labels[t.health], "text"),
                               (flags_c, flags_text(found, lang) if found else "", "flags")):
            before = row[c] if c < n else None
            if not _same(before, value):
                append(PlannedCell(r, c, value, kind, before))

    rules = _rules(report, layout, cols, lang)
    side_rules = _metric_rules(report, workbook)
    report_sheet = _report_sheet(report, run_at)
    fingerprint = _fingerprint(report_sheet, rules + [r for v in side_rules.values() for r in v])
    stored = _stored_fingerprint(workbook, report_sheet.title)
    head = report_sheet.rows[0]
    head.extend([""] * (MACHINE_COL + 1 - len(head)))
    head[MACHINE_COL] = FINGERPRINT_PREFIX + fingerprint
    notes = {(workbook_row(f.row), _col_of(f.cell)): f.message for f in report.findings
             if f.severity == "error" and f.sheet == report.sheet and f.cell}
    return Plan(sheet=report.sheet, columns=cols, cells=cells, rules=rules, report=report_sheet,
                fingerprint=fingerprint, unchanged_report=(stored == fingerprint), notes=notes, side_rules=side_rules)


def _point_at_due_column(report: Report, cols: dict[str, int]) -> None:
    """Before the first sync there is no Due column, so the engine names another cell of the row for a derived
    deadline (the task cell); after it, the Due cell. Name the Due cell this sync writes from the start, or the
    report and the error-cell rule would differ on the second run and it would rewrite an unchanged sheet."""
    if "m_due" in report.columns or report.sheet is None:
        return
    derived = {t.row for t in report.tasks if t.due_source not in ("explicit", "time-point")}
    moved = False
    for f in report.findings:
        if f.code in DUE_CODES and f.sheet == report.sheet and f.row in derived and f.cell:
            f.cell = a1(f.row - 1, cols["m_due"])
            f.column = header("m_due", report.language)
            moved = True
    if moved:
        from .engine import _finding_order  # the engine's own order, as a second run would give it
        report.findings.sort(key=_finding_order)


def workbook_row(row1: int) -> int:
    return row1 - 1


def _col_of(cell: str) -> int:
    from .model import parse_a1
    return parse_a1(cell)[1]


def _rules(report: Report, layout, cols: dict[str, int], lang: str) -> list[Rule]:
    first = layout.header_row + 2  # 1-based first data row
    last = max(report.last_row or first, first) + SPARE_ROWS
    right = max(max(layout.columns.values()), *cols.values())
    sqref = f"A{first}:{col_letter(right)}{last}"
    health_col = col_letter(cols["m_health"])
    labels = HEALTH_LABELS[lang]
    rules = []
    for name in ROW_RULE_ORDER:
        text = labels[name].replace('"', '""')
        rules.append(Rule(sqref, f'${health_col}{first}="{text}"', HIGHLIGHTS[name], stop_if_true=False))
    error_cells = sorted({f.cell for f in report.findings
                          if f.severity == "error" and f.sheet == report.sheet and f.cell},
                         key=lambda ref: (len(ref), ref))
    if error_cells:
        rules.append(Rule(" ".join(error_cells), "TRUE", HIGHLIGHTS["error-cell"]))
    return rules


def _metric_rules(report: Report, workbook: WorkbookData) -> dict[str, list[Rule]]:
    """The value cells of the Metrics sheet where a metric rule is breached now, highlighted until it is not."""
    sheet = find_sheet(workbook, METRIC_SHEETS)
    if sheet is None:
        return {}
    cells = sorted({f.cell for f in report.findings if f.code == "metric-alert" and f.sheet == sheet.name and f.cell},
                   key=lambda ref: (len(ref), ref))
    return {sheet.name: [Rule(" ".join(cells), "TRUE", HIGHLIGHTS["metric-alert"])] if cells else []}


_REPORT_TEXT = {
    "en": {"title": "sheetsync report", "last": "Last change", "source": "Source", "tasks": "Tasks",
           "errors": "Errors", "warnings": "Warnings",
           "head": ("Severity", "Cell", "Task", "Finding", "Code", "Message"),
           "sev": {"error": "error", "warning": "warning", "info": "info"}, "none": "No findings."},
    "zh": {"title": "sheetsync 同步报告", "last": "最近更新", "source": "来源", "tasks": "任务数",
           "errors": "错误", "warnings": "警告", "head": ("严重程度", "单元格", "任务", "问题", "代码", "说明"),
           "sev": {"error": "错误", "warning": "警告", "info": "提示"}, "none": "没有发现问题。"},
}


def _report_sheet(report: Report, run_at: dt.datetime) -> ReportSheet:
    lang = report.language
    tx = _REPORT_TEXT[lang]
    s = report.summary()
    labels = HEALTH_LABELS[lang]
    rows: list[list] = [
        [tx["title"], "", "", ""],
        [tx["last"], run_at.strftime("%Y-%m-%d %H:%M"), "", ""],
        [tx["tasks"], s["tasks"], tx["errors"], s["errors"], tx["warnings"], s["warnings"]],
        [labels[h] for h in ("late", "unreviewed", "blocked", "at-risk", "due-soon", "invalid", "done", "ok")],
        [s["by_health"].get(h, 0) for h in ("late", "unreviewed", "blocked", "at-risk", "due-soon", "invalid", "done", "ok")],
        [],
        list(tx["head"]),
    ]
    links = {}
    labels = task_labels(report)
    for f in report.findings:
        r = len(rows)
        rows.append([tx["sev"][f.severity], f.ref or "", labels.get(f.task_id, f.task_id or ""),
                     catalogue.CATALOGUE[f.code].title(lang), f.code, f.message])
        if f.sheet and f.cell:
            links[(r, 1)] = f"{quote_sheet(f.sheet)}!{f.cell}"
    if not report.findings:
        rows.append([tx["none"]])
    return ReportSheet(REPORT_TITLE[lang], rows, links, [10, 16, 24, 20, 18, 90])


def _fingerprint(sheet: ReportSheet, rules: list[Rule]) -> str:
    """Everything the report and rules say except the run time: equal fingerprints mean nothing to rewrite."""
    body = [sheet.rows[0]] + sheet.rows[2:]
    data = json.dumps([body, [(r.sqref, r.condition, r.style.name) for r in rules]], ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def _stored_fingerprint(workbook: WorkbookData, title: str) -> str | None:
    sheet = workbook.sheet(title)
    if sheet is None:
        return None
    if not str(sheet.value(0, 0) or "").startswith(REPORT_MARKER):
        return None
    value = sheet.value(0, MACHINE_COL)
    if isinstance(value, str) and value.startswith(FINGERPRINT_PREFIX):
        return value[len(FINGERPRINT_PREFIX):]
    return None
