"""A Gantt chart beside the task table: the bars drawn in its grid (what each column stands for:
engine/grid_dates.py) as each task's planned and actual dates.

A bar is a run of filled cells (the fills come from the reader as colour keys) or of cells holding a mark.
A task starts on the first day of its first bar cell and ends on the last day of its last one. A plan bar and
an actual bar come as two rows (the second labelled 实际/Actual, or without a task name) or as two colours
named in a legend (a swatch beside 计划/Plan and 实际/Actual). What a person typed in the task's own start and
end cells wins over the bar. The grid's cells are never checked as values and never written to."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..model import SheetsyncError
from .grid_dates import header_label, periods
from .table import TableLayout
from .values import parse_status

# What a missing column costs that the bars make up for: the deadline, and the start that stands in for a
# duration (engine/field_costs.py)
COVERED = ("deadline", "duration")
BAND_SHARE = 0.9  # a colour covering this share of a row's grid, as on its label cells, is a band, not a bar
COLUMN_SHARE = 0.6  # ... of a column's rows, in every column it is in (weekends): shading, not a bar
# The labels of a plan bar and an actual bar: Chinese inside longer labels (计划进度, 實際進度), English as
# whole words (Plan, Actual bar; not Planning)
_PLAN = ("计划", "計劃", "计画", "計畫", "预期", "預期", "预计", "預計", "预定", "預定")
_ACTUAL = ("实际", "實際", "实绩", "實績")
_PLAN_EN = re.compile(r"\b(?:plan|planned|baseline|expected|estimated?)\b")
_ACTUAL_EN = re.compile(r"\b(?:actual|actuals)\b")


@dataclass
class Gantt:
    """What the grid says, by 0-based sheet row."""
    grid: tuple[int, int]  # first, last grid column (0-based, inclusive)
    periods: dict[int, tuple[dt.date, dt.date]]  # grid column -> the days it stands for
    plan: dict[int, tuple[dt.date, dt.date]] = field(default_factory=dict)  # row -> first, last day of its plan bar
    actual: dict[int, tuple[dt.date, dt.date]] = field(default_factory=dict)  # row -> the actual bar
    actual_rows: frozenset = frozenset()  # rows that draw the actual bar of the task above: not tasks
    legend_rows: frozenset = frozenset()  # rows of the colour legend inside the table: not tasks
    status: dict[int, str] = field(default_factory=dict)  # row -> the status its last bar cell's colour names


def _words(v) -> str:
    return " ".join(str(v).split()).casefold() if isinstance(v, str) else ""


def _kind_of(text: str) -> str | None:
    """'plan' / 'actual' for a short label such as 计划进度, 實際, Actual, Planned bar."""
    if not text or len(text) > 16:
        return None
    if any(w in text for w in _ACTUAL) or _ACTUAL_EN.search(text):
        return "actual"
    if any(w in text for w in _PLAN) or _PLAN_EN.search(text):
        return "plan"
    return None


def _meaning(text: str) -> str | None:
    """What a legend label names: 'plan', 'actual', or a status ('done', 'in-progress' …)."""
    kind = _kind_of(text)
    if kind or not text or len(text) > 16:
        return kind
    try:
        return parse_status(text)
    except ValueError:
        return None


def _legend(fills: dict, sheet, task_rows: set[int]) -> tuple[dict[str, str], set[int]]:
    """Colour key -> what it means, from swatches: a filled cell holding, or beside, a plan/actual word or a
    status word, on a row that is not a task's; and the rows that hold them."""
    out: dict[str, str] = {}
    rows: set[int] = set()
    for (r, c), key in sorted(fills.items()):
        if r in task_rows:
            continue
        for cc in (c, c + 1, c - 1, c + 2):
            meaning = _meaning(_words(sheet.value(r, cc))) if cc >= 0 else None
            if meaning:
                out.setdefault(key, meaning)
                rows.add(r)
                break
    return out, rows


def _shading(fills: dict, rows: list[int], g0: int, g1: int, label_cols: list[int], days: dict) -> set[tuple[int, str]]:
    """(column, key) pairs and (-row - 1, key) pairs that are shading: a colour filling the columns it is in
    (weekends), or a row's own colour on its label cells across the grid, alone or with a bar of
    another colour drawn over it (a banded table, a phase row)."""
    out: set = set()
    if len(rows) >= 2:
        per: dict[tuple[int, str], int] = {}
        filled: dict[int, int] = {}
        for r in rows:
            for c in range(g0, g1 + 1):
                key = fills.get((r, c))
                if key:
                    per[(c, key)] = per.get((c, key), 0) + 1
                    filled[c] = filled.get(c, 0) + 1
        # a cell under a bar of another colour does not count against the shading
        full = {(c, k) for (c, k), n in per.items() if n >= COLUMN_SHARE * (len(rows) - filled[c] + n)}
        for k in {k for _, k in full}:
            cols = sorted(c for (c, kk) in per if kk == k)
            if len(cols) >= g1 - g0 + 1 or not all((c, k) in full for c in cols):
                continue
            runs = sum(1 for i, c in enumerate(cols) if i == 0 or c != cols[i - 1] + 1)
            weekend = len(cols) >= 2 and all(c in days and days[c][0] == days[c][1] and days[c][0].weekday() >= 5
                                             for c in cols)
            # down at least two rows and half the chart somewhere, not only where the bars leave room
            down = any(per[(c, k)] >= max(2, len(rows) / 2) for c in cols)
            # shading comes in separate runs or on weekend days alone; a bar is one run
            if (weekend and runs > 1) or ((runs > 1 or weekend) and down):
                out |= {(c, k) for c in cols}
    width = g1 - g0 + 1
    for r in rows:
        count: dict[str, int] = {}
        for c in range(g0, g1 + 1):
            key = fills.get((r, c))
            if key:
                count[key] = count.get(key, 0) + 1
        labels = {fills.get((r, c)) for c in label_cols}
        covered = sum(count.values())
        for key, n in count.items():
            # the row's own colour (on its label cells too) across the grid, or under a bar of another colour
            if key in labels and (n >= BAND_SHARE * width or (len(count) > 1 and covered >= BAND_SHARE * width)):
                out.add((-r - 1, key))
    return out


def _weekday_row(sheet, r: int, cols, near: dt.date) -> bool:
    """A row of weekday letters under the day numbers: part of the header, not a bar."""
    found = sum(1 for c in cols if (lab := header_label(sheet.value(r, c), near)) is not None and lab[0] == "weekday")
    return found * 2 >= len(cols)


def _mark(v) -> bool:
    return v is not None and v != "" and not (isinstance(v, str) and not v.strip())


def read_gantt(layout: TableLayout, fills: dict | None, near: dt.date) -> Gantt | None:
    """The chart beside the table, or None when the table has no grid or its columns cannot be dated."""
    got = periods(layout, near)
    if got is None:
        return None
    (g0, g1), cols = got
    sheet = layout.sheet
    fills = fills or {}
    first = layout.first_data_row
    end = min(len(sheet.rows), layout.end_row if layout.end_row is not None else len(sheet.rows))
    actual_lines = layout.rows.actual  # the actual line of a plan/actual pair draws that task's actual bar
    rows = [r for r in range(first, end) if (r not in layout.skip_rows or r in actual_lines)
            and not _weekday_row(sheet, r, cols, near)]
    task_c = layout.columns.get("task")
    label_cols = list(range(layout.first_col, g0))

    def label(r: int) -> str | None:
        for c in label_cols:
            kind = _kind_of(_words(sheet.value(r, c)))
            if kind:
                return kind
        return None

    # a task's own row never holds the legend: its task text names no plan, actual or status, or the row says
    # more than a label (an owner, a date: a task named like a status word, such as 开发, is still a task)
    def says_more(r: int) -> bool:
        return any(sheet.value(r, c) not in (None, "") for c in label_cols if c != task_c)

    task_rows = {r for r in rows if task_c is not None and _mark(sheet.value(r, task_c))
                 and (not _meaning(_words(sheet.value(r, task_c))) or says_more(r))}
    legend, legend_rows = _legend(fills, sheet, task_rows)
    # a row labelled 计划/实际 next to a task draws that task's bar (its colour still tells what it means)
    legend_rows = {r for r in legend_rows if not (label(r) and (r - 1 in task_rows or r + 1 in task_rows))}
    rows = [r for r in rows if r not in legend_rows]
    shade = _shading(fills, rows, g0, g1, label_cols, cols)

    def bars(r: int) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for c in cols:
            key = fills.get((r, c))
            if key and ((c, key) in shade or (-r - 1, key) in shade):
                key = None
            if key:
                meaning = legend.get(key, "plan")
                out.setdefault(meaning if meaning == "actual" else "plan", []).append(c)
                if meaning not in ("plan", "actual"):
                    out["status"] = [c]  # the colour of the row's last bar cell says where the task stands
            elif _mark(sheet.value(r, c)):
                out.setdefault("plan", []).append(c)
        return out

    def span(cs: list[int]) -> tuple[dt.date, dt.date]:
        return min(cols[c][0] for c in cs), max(cols[c][1] for c in cs)

    merged_down = {(r0 + 1) for r0, c0, r1, c1 in sheet.merged if task_c is not None and c0 <= task_c <= c1 and r1 > r0}

    def blank_task(r: int) -> bool:
        return task_c is None or not _mark(sheet.value(r, task_c)) or r in merged_down

    g = Gantt((g0, g1), cols)
    drawn = {r: bars(r) for r in rows}
    unnamed = [r for r in rows if drawn[r] and blank_task(r) and r - 1 in drawn and not blank_task(r - 1)]
    named = [r for r in rows if drawn[r] and not blank_task(r)]
    paired = bool(unnamed) and len(unnamed) * 5 >= len(named) * 4  # a second row under (nearly) every task
    actual_rows = set()
    for r in rows:
        b = drawn[r]
        kind = label(r)
        if not b:
            if kind == "actual" and r - 1 in drawn and not blank_task(r - 1) and blank_task(r):
                actual_rows.add(r)  # an actual row with nothing drawn yet is still not a task
            continue
        if r - 1 in g.plan and r - 1 not in actual_rows and (kind == "actual" or (
                blank_task(r) and (label(r - 1) == "plan" or r in merged_down or paired))):
            actual_rows.add(r)
            g.actual[r - 1] = span([c for cs in b.values() for c in cs])
            continue
        if b.get("status"):
            g.status[r] = legend[fills[(r, b["status"][0])]]
        if b.get("plan"):
            g.plan[r] = span(b["plan"])
        if b.get("actual"):
            g.actual[r] = span(b["actual"])
        if r not in g.plan and r in g.actual and kind != "actual":
            g.plan[r] = g.actual.pop(r)  # a legend colour alone on a row is its bar
    g.actual_rows = frozenset(actual_rows)
    g.legend_rows = frozenset(r for r in legend_rows if r >= first)
    return g


def apply_gantt(g: Gantt, tasks, today: dt.date) -> None:
    """Each task's dates from its bars where its own cells are empty: the plan bar gives start and deadline,
    the actual bar the actual dates; with no status typed, an actual bar ended before today's period means
    done on its last day, one reaching it means in progress."""
    for t in tasks:
        r = t.row - 1
        plan, actual = g.plan.get(r), g.actual.get(r)
        if plan:
            if t.start is None:
                t.start = plan[0]
            if t.explicit_due is None and t.due_source != "unreadable":
                t.explicit_due = plan[1]
        if t.status is None and r in g.status:
            t.status = g.status[r]
        if actual:
            t.actual_start, t.actual_end = actual
            if t.status is None:
                current = next((p for p in g.periods.values() if p[0] <= today <= p[1]), (today, today))
                if actual[1] < current[0]:
                    t.status = "done"
                    t.done_date = t.done_date or actual[1]
                elif actual[0] <= today:
                    t.status = "in-progress"


def gantt_of(workbook, layout: TableLayout, near: dt.date) -> Gantt | None:
    """The chart of the chosen table, its actual-bar rows taken out of the tasks; None when there is no grid
    or nothing in it gives a date. A chart drawn only in colours, from a source whose colours sheetsync does
    not read (Google Sheets, CSV), and with no date column beside it, is refused in one line."""
    if layout.grid is None:
        return None
    fills = None if workbook.fills is None else workbook.fills.get(layout.sheet.name, {})
    g = read_gantt(layout, fills, near)
    if g is None:
        return None
    if not g.plan and not g.actual:
        dated = any(f in layout.columns for f in ("deadline", "start", "time_point", "done_date"))
        if fills is None and not dated:
            raise SheetsyncError(
                f"Sheet '{layout.sheet.name}' is a Gantt chart drawn in cell colours, which sheetsync reads only from "
                f".xlsx files: download it as .xlsx (File > Download), or add Start and End date columns",
                f"工作表“{layout.sheet.name}”是用单元格颜色画的甘特图,sheetsync 只能从 .xlsx 文件读取颜色:请下载为 .xlsx"
                f"(文件 > 下载),或加上开始和结束日期列", code="gantt-colours")
        return None
    layout.skip_rows = layout.skip_rows | g.actual_rows | g.legend_rows
    for c, (a, b) in g.periods.items():  # what `inspect` says of each grid column
        if c in layout.texts:
            layout.reasons[c] = ("gantt", {"word": a.isoformat() if a == b else f"{a.isoformat()}…{b.isoformat()}"})
    return g
