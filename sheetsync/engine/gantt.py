"""A Gantt chart beside the task table: the days, weeks or months its header columns stand for, and the bars
drawn in them, as each task's planned and actual dates.

A bar is a run of filled cells (the fills come from the reader as colour keys) or of cells holding a mark.
A task starts on the first day of its first bar cell and ends on the last day of its last one. A plan bar and
an actual bar come as two rows (the second labelled 实际/Actual, or without a task name) or as two colours
named in a legend (a swatch beside 计划/Plan and 实际/Actual). What a person typed in the task's own start and
end cells wins over the bar. The grid's cells are never checked as values and never written to."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from ..model import SheetsyncError
from ..serials import EPOCH
from .table import TableLayout
from .values import parse_date, parse_status

# What a missing column costs that the bars make up for: the deadline, and the start that stands in for a
# duration (engine/field_costs.py)
COVERED = ("deadline", "duration")
HEADER_LOOKUP_ROWS = 3  # month labels merged over the day row sit just above the header the table finder took
BAND_SHARE = 0.9  # a colour covering this share of a row's grid, as on its label cells, is a band, not a bar
COLUMN_SHARE = 0.6  # ... of a column's rows, in every column it is in (weekends): shading, not a bar
_PLAN = ("计划", "計劃", "计畫", "計畫", "预期", "預期", "预计", "預計", "预定", "預定", "plan", "planned", "baseline",
         "expected", "estimate", "estimated", "target")
_ACTUAL = ("实际", "實際", "实绩", "實績", "actual", "actuals", "real", "done so far")
_MONTHS_EN = {m.casefold(): i for i, m in enumerate(calendar.month_abbr) if m}
_CN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11,
           "十二": 12}
_WEEKDAY = {**{w: i for i, w in enumerate("一二三四五六日")}, "天": 6,
            **{w: i for i, w in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}}
_WEEK = re.compile(r"^(?:w(?:ee)?k?s?\.?\s*|week\s*|第\s*)(\d{1,2}|[一二三四五六七八九十]{1,3})\s*[周週]?\s*(.*)$", re.I)
_MONTH = re.compile(r"^(?:(\d{4})\s*[年\-/.]\s*)?(\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月?份?$")
_MONTH_EN = re.compile(r"^([a-z]{3})[a-z]*\.?\s*(\d{4})?$", re.I)
_YEAR = re.compile(r"^(\d{4})\s*年?$")


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


# ------------------------------------------------------------------ the grid and its periods


def grid_span(layout: TableLayout) -> tuple[int, int] | None:
    """The grid's columns, to the end of a header cell merged over sub-columns right of the last label."""
    if layout.grid is None:
        return None
    first, last = layout.grid
    top = layout.header_row - layout.header_rows + 1
    for r0, c0, r1, c1 in layout.sheet.merged:
        if r0 <= layout.header_row and r1 >= top - HEADER_LOOKUP_ROWS and c0 <= last < c1:
            last = c1
    return first, last


def _cell(layout: TableLayout, r: int, c: int, cover) -> tuple[object, int, int]:
    """The header value over (r, c), a merged label's value in every cell it spans: (value, position inside
    the merge, columns the merge spans)."""
    area = cover.get((r, c))
    if area is not None:
        return layout.sheet.value(area[0], area[1]), c - area[1], area[3] - area[1] + 1
    return layout.sheet.value(r, c), 0, 1


def _label(v, near: dt.date):
    """('date', d) | ('day', n) | ('month', year or None, m) | ('week', n, date or None) | ('weekday', i) | None."""
    if isinstance(v, dt.datetime):
        return ("date", v.date())
    if isinstance(v, dt.date):
        return ("date", v)
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        if float(v).is_integer() and 1 <= v <= 31:
            return ("day", int(v))
        if 20000 <= v <= 80000:  # a date cell read as its serial (Google's reads)
            return ("date", EPOCH + dt.timedelta(days=int(v)))
        return None
    t = " ".join(str(v).split()).strip()
    if not t:
        return None
    low = t.casefold()
    if low in _WEEKDAY or (low[:1] in "周星週" and low[-1:] in _WEEKDAY):
        return ("weekday", _WEEKDAY[low[-1]] if low[-1] in _WEEKDAY else _WEEKDAY[low])
    if low[:3] in ("mon", "tue", "wed", "thu", "fri", "sat", "sun") and len(low) <= 9 and low.isalpha():
        return ("weekday", _WEEKDAY[low[:3]])
    m = _WEEK.match(t)
    if m and not t.startswith(tuple("0123456789")):
        n = int(m.group(1)) if m.group(1).isdigit() else _CN_NUM.get(m.group(1))
        return ("week", n, m.group(2).strip()) if n else None
    m = _MONTH.match(t)
    if m and ("月" in t or m.group(1)):
        month = int(m.group(2)) if m.group(2).isdigit() else _CN_NUM.get(m.group(2))
        if month and 1 <= month <= 12:
            return ("month", int(m.group(1)) if m.group(1) else None, month)
    m = _MONTH_EN.match(t)
    if m and m.group(1).casefold() in _MONTHS_EN:
        return ("month", int(m.group(2)) if m.group(2) else None, _MONTHS_EN[m.group(1).casefold()])
    d = _date_text(t, near)
    return ("date", d) if d else None


def _date_text(t: str, near: dt.date) -> dt.date | None:
    t = t.strip().strip("()（）")
    if not t or not any(ch.isdigit() for ch in t):
        return None
    try:
        return parse_date(t, near=near)
    except (ValueError, TypeError, OverflowError):
        return None


def _anchor(layout: TableLayout, top: int, near: dt.date) -> dt.date | None:
    """A date above the header (a 'Start date' cell of the chart): where week 1 begins."""
    for r in range(top):
        for v in layout.sheet.rows[r][:60] if r < len(layout.sheet.rows) else ():
            lab = _label(v, near) if isinstance(v, (dt.date, str)) else None
            if lab and lab[0] == "date":
                return lab[1]
    return None


def _year_above(layout: TableLayout, top: int) -> int | None:
    for r in range(top):
        for v in layout.sheet.rows[r][:60] if r < len(layout.sheet.rows) else ():
            if isinstance(v, (int, float)) and not isinstance(v, bool) and 1990 <= v <= 2100 and float(v).is_integer():
                return int(v)
            if isinstance(v, str) and _YEAR.match(v.strip()):
                return int(_YEAR.match(v.strip()).group(1))
    return None


def periods(layout: TableLayout, near: dt.date) -> tuple[tuple[int, int], dict[int, tuple[dt.date, dt.date]]] | None:
    """The grid's columns and the days each stands for (columns it cannot date are left out)."""
    span = grid_span(layout)
    if span is None:
        return None
    g0, g1 = span
    top = max(0, layout.header_row - layout.header_rows + 1 - HEADER_LOOKUP_ROWS)
    cover = {}
    for area in layout.sheet.merged:
        r0, c0, r1, c1 = area
        if r0 <= layout.header_row and r1 >= top and c1 >= g0 and c0 <= g1:
            for r in range(max(r0, top), min(r1, layout.header_row) + 1):
                for c in range(max(c0, g0), min(c1, g1) + 1):
                    cover[(r, c)] = area
    labels: dict[int, dict[str, tuple]] = {}
    place: dict[int, tuple[int, int]] = {}  # column -> (position in its merged label, columns it spans)
    for c in range(g0, g1 + 1):
        kinds: dict[str, tuple] = {}
        for r in range(layout.header_row + 1, top - 1, -1):  # the row nearest the chart first
            v, pos, width = _cell(layout, r, c, cover)
            lab = _label(v, near)
            if lab is None or (r > layout.header_row and lab[0] != "weekday"):
                continue  # under the header only a weekday row belongs to it
            kinds.setdefault(lab[0], lab)
            if lab[0] in ("month", "week", "date") and width > 1:
                place.setdefault(c, (pos, width))
        labels[c] = kinds
    out = _dated_columns(labels, place, near, _year_above(layout, top + 1), _anchor(layout, top + 1, near))
    return (span, out) if len(out) >= 2 else None


def _dated_columns(labels, place, near: dt.date, year: int | None, anchor: dt.date | None) -> dict:
    cols = sorted(labels)
    out: dict[int, tuple[dt.date, dt.date]] = {}
    days = {c: k["date"][1] for c, k in labels.items() if "date" in k}
    if len(days) >= 2:  # dates: a column lasts until the next column's date (a day, or a week in a week grid)
        dated = sorted(days)
        for i, c in enumerate(dated):
            d = days[c]
            nxt = next((days[x] for x in dated[i + 1:] if days[x] > d), None)
            step = (nxt - d).days if nxt else (max(1, (d - days[dated[i - 1]]).days) if i else 1)
            out[c] = (d, d + dt.timedelta(days=min(max(step, 1), 31) - 1))
        return _split(out, place)
    months = _months(labels, near, year)
    if any("day" in k for k in labels.values()):
        return _days(labels, months, near)
    if months:
        for c, (y, m) in months.items():
            out[c] = (dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1]))
        return _split(out, place)
    weeks = {c: k["week"][1] for c, k in labels.items() if "week" in k}
    if weeks:
        dated = _week_dates({c: k["week"] for c, k in labels.items() if "week" in k}, near)
        start = None
        if dated:  # 'Wk 1 21/05': week n begins on its date
            c, d = next(iter(dated.items()))
            start = d - dt.timedelta(weeks=weeks[c] - 1)
        elif anchor:
            start = anchor
        if start:
            for c, n in weeks.items():
                first = dated.get(c) or start + dt.timedelta(weeks=n - 1)
                out[c] = (first, first + dt.timedelta(days=6))
        return _split(out, place)
    return out


_DAY_MONTH = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})$")


def _week_dates(weeks: dict[int, tuple], near: dt.date) -> dict[int, dt.date]:
    """The dates written after week numbers ('Wk 3 21/05'), read day-first or month-first, whichever puts
    consecutive weeks seven days apart."""
    best: dict[int, dt.date] = {}
    best_fit = -1
    for swap in (False, True):
        got = {}
        for c, (_, n, rest) in weeks.items():
            m = _DAY_MONTH.match(rest)
            text = f"{m.group(3)}{m.group(2)}{m.group(1)}" if swap and m else rest
            d = _date_text(text, near)
            if d:
                got[c] = d
        cols = sorted(got)
        fit = sum((got[b] - got[a]).days == 7 * (weeks[b][1] - weeks[a][1]) for a, b in zip(cols, cols[1:]))
        if got and fit > best_fit:
            best, best_fit = got, fit
    return best


def _months(labels, near: dt.date, year: int | None) -> dict[int, tuple[int, int]]:
    """Column -> (year, month); a month lower than the one before it is in the next year."""
    seq = [(c, k["month"]) for c, k in sorted(labels.items()) if "month" in k]
    if not seq:
        return {}
    first_year = seq[0][1][1] or year
    if first_year is None:  # the year that puts the chart's first month nearest the reference day
        m0 = seq[0][1][2]
        first_year = min((near.year - 1, near.year, near.year + 1),
                         key=lambda y: abs((dt.date(y, m0, 15) - near).days) + (0 if dt.date(y, m0, 1) <= near else 400))
    out, y, prev = {}, first_year, None
    for c, (_, given, m) in seq:
        if given:
            y = given
        elif prev is not None and m < prev[1]:
            y += 1
        out[c] = (y, m)
        prev = (y, m)
    return out


def _days(labels, months: dict[int, tuple[int, int]], near: dt.date) -> dict[int, tuple[dt.date, dt.date]]:
    """Day numbers, under month labels, or over a weekday row: then the month is the one nearest the reference
    day whose weekdays match that row, and a day lower than the one before starts the next month."""
    seq = [(c, k["day"][1], k.get("weekday")) for c, k in sorted(labels.items()) if "day" in k]
    out = {}
    if months:
        current = None
        for c, d, _ in seq:
            ym = months.get(c) or current
            if ym is None:
                continue
            current = ym
            try:
                out[c] = (dt.date(ym[0], ym[1], d),) * 2
            except ValueError:
                pass
        return out
    if not any(wd for _, _, wd in seq):
        return out  # day numbers alone: no month can be told, so no dates
    base = dt.date(near.year, near.month, 1)
    starts = []
    for shift in sorted(range(-12, 13), key=abs):
        y, m = divmod(base.month - 1 + shift, 12)
        starts.append(dt.date(base.year + y, m + 1, 1))
    for first in starts:
        got, ym, prev, ok = {}, (first.year, first.month), None, True
        for c, d, wd in seq:
            if prev is not None and d < prev:
                y, m = divmod(ym[1], 12)
                ym = (ym[0] + y, m + 1)
            prev = d
            try:
                day = dt.date(ym[0], ym[1], d)
            except ValueError:
                ok = False
                break
            if wd is not None and day.weekday() != wd[1]:
                ok = False
                break
            got[c] = (day, day)
        if ok:
            return got
    return out


def _split(out: dict, place: dict) -> dict:
    """A label merged over several columns: each column a share of its period (a day stays that day)."""
    for c, (a, b) in list(out.items()):
        pos, width = place.get(c, (0, 1))
        n = (b - a).days + 1
        if width > 1 and n > 1:
            lo = a + dt.timedelta(days=n * pos // width)
            hi = a + dt.timedelta(days=n * (pos + 1) // width - 1)
            out[c] = (lo, max(lo, hi))
    return out


# ------------------------------------------------------------------ the bars


def _words(v) -> str:
    return " ".join(str(v).split()).casefold() if isinstance(v, str) else ""


def _kind_of(text: str) -> str | None:
    """'plan' / 'actual' for a short label such as 计划进度, 實際, Actual, Planned bar."""
    if not text or len(text) > 16:
        return None
    if any(w in text for w in _ACTUAL):
        return "actual"
    if any(w in text for w in _PLAN):
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
    found = sum(1 for c in cols if (lab := _label(sheet.value(r, c), near)) is not None and lab[0] == "weekday")
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
    rows = [r for r in range(first, end) if r not in layout.skip_rows and not _weekday_row(sheet, r, cols, near)]
    task_c = layout.columns.get("task")
    label_cols = list(range(layout.first_col, g0))

    def label(r: int) -> str | None:
        for c in label_cols:
            kind = _kind_of(_words(sheet.value(r, c)))
            if kind:
                return kind
        return None

    # a task's own row never holds the legend (its task text names no plan, actual or status)
    task_rows = {r for r in rows if task_c is not None and _mark(sheet.value(r, task_c))
                 and not _meaning(_words(sheet.value(r, task_c)))}
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
