"""Turn the task table's rows into Tasks, with a finding for every cell that cannot be read.

Column-wise: each column is pulled out once and converted with a fast path for the common cell type,
which is what keeps a 100k-row tracker inside the engine's time budget."""
from __future__ import annotations

import datetime as dt
import re
from operator import itemgetter

from ..model import Finding, Task, a1
from . import catalogue
from .table import TableLayout
from .date_columns import prepared
from .ids import not_ids
from .task_states import read_ratings, read_states, unused
from .values import (clean_text, is_blank, parse_date, parse_date_span, parse_datetime, parse_ids, parse_links,
                     parse_number, parse_owners, parse_progress, parse_status, status_from_progress)

INPUT_FIELDS = ("id", "stage", "task", "details", "owner", "department", "reviewer", "depends_on", "time_point",
                "duration", "start", "requested", "deadline", "done_date", "status", "progress", "submitted",
                "reviewed", "review_result", "priority", "rating", "link", "notes")
_TEXT = ("id", "stage", "task", "owner", "department", "reviewer", "review_result", "priority", "link", "time_point", "notes")
# Deadline, start and done date take a range in one cell ('12.1-12.8'): its first day is the start.
_SPANS = (("deadline", "explicit_due"), ("start", "start"), ("done_date", "done_date"))
_DATES = (("requested", "requested", parse_date), ("submitted", "submitted", parse_datetime),
          ("reviewed", "reviewed", parse_datetime))
# A date further than this from the campaign (or, without a launch date, from today and from the table's own
# dates) is a typing slip or a spreadsheet artefact (1900-12-30 is an empty cell's serial 0 or -1), not a plan.
PLAUSIBLE_DAYS = round(5 * 365.25)
# A depends-on cell needs the link parser only when it holds link syntax; plain id lists take parse_ids.
_LINK_SYNTAX = re.compile(r"[+&(\[【（]|\d\s*(?:fs|ss|ff|sf)\b|-\s*\d", re.IGNORECASE)
_WHAT = {
    "task": ("what the task is", "任务内容"),
    "owner": ("who is responsible", "负责人"),
}


def _texts(values: list) -> list:
    out = []
    append = out.append
    for v in values:
        if v.__class__ is str:
            s = v.strip()
            append(s if s and s.isprintable() else clean_text(v) if s else None)
        elif v is None:
            append(None)
        else:
            append(clean_text(v))
    return out


def _blank(v) -> bool:
    if v is None or v == "":
        return True
    if v.__class__ is str:
        return not v.strip() or (len(v) < 4 and is_blank(v))  # short strings may be zero-width spaces
    return v.__class__ is float and v != v


def read_tasks(layout: TableLayout, lang: str, year: int, *, near: dt.date | None = None,
               today: dt.date | None = None, launch: dt.date | None = None,
               people=None, statuses: tuple = ()) -> tuple[list[Task], list[Finding], int]:
    """Tasks in sheet order, parse findings, and the last used row (1-based).

    `near` completes dates typed without a year (the nearest such day; else `year` is used); `launch` and
    `today` are what a date must be near to be plausible; `people` (names) splits '张三 李四' into two owners;
    `statuses` are the tracker's own status words (statuses.status_words)."""
    if near is not None:
        year = None  # a date without a year takes the one nearest `near`, not `year` as such
    sheet = layout.sheet
    cols = {f: c for f, c in layout.columns.items() if f in INPUT_FIELDS}
    first = layout.first_data_row
    # Used rows: any non-blank input cell. Entirely blank rows are skipped.
    input_cols = sorted(cols.values())
    rows, numbers = [], []
    all_rows = sheet.rows
    skip = layout.skip_rows  # totals, section labels, repeated header rows: not tasks
    for r in range(first, len(all_rows) if layout.end_row is None else layout.end_row):
        if r in skip:
            continue
        row = all_rows[r]
        n = len(row)
        for c in input_cols:
            if c >= n:
                continue
            v = row[c]
            if v is None or v == "":
                continue
            if v.__class__ is str:
                if not v.strip() or (len(v) < 4 and is_blank(v)):
                    continue
            elif v.__class__ is float and v != v:
                continue
            rows.append(row)
            numbers.append(r)
            break

    width = min(map(len, rows), default=0)  # calamine pads rows to the sheet's width: usually all columns exist

    def column(fld):
        c = cols.get(fld)
        if c is None:
            return None
        if c < width:
            return list(map(itemgetter(c), rows))
        return [row[c] if c < len(row) else None for row in rows]

    findings: list[Finding] = []
    name, headers = sheet.name, layout.headers

    def finding(code, fld, r, task_id, **params):
        findings.append(catalogue.make(code, lang, sheet=name, cell=a1(r, cols[fld]), row=r + 1,
                                       column=headers[fld], task_id=task_id, **params))

    texts = {f: _texts(column(f)) for f in _TEXT if f in cols}
    ids = texts.get("id") or [None] * len(rows)
    if "id" in texts and not_ids(ids):  # row numbers or links, not ids: tasks are known by their names
        ids = texts["id"] = [None] * len(rows)
    tasks = [Task(row=r + 1, id=ids[i], task=texts["task"][i] if "task" in texts else None)
             for i, r in enumerate(numbers)]
    if "time_point" in texts:  # a date serial (Google's date cells) in a time-point column is a date
        for i, raw in enumerate(column("time_point")):
            if raw.__class__ in (int, float) and texts["time_point"][i]:
                try:
                    texts["time_point"][i] = parse_date(raw).isoformat()
                except ValueError:
                    pass
    for f in ("stage", "owner", "department", "reviewer", "review_result", "priority", "link", "time_point", "notes"):
        if f in texts:
            for t, v in zip(tasks, texts[f]):
                setattr(t, f, v)
    empty = layout.rows.empty_columns  # a column nobody uses: no finding per row (checks say it once)
    for f in ("task", "owner"):
        if f in texts and cols[f] not in empty:
            what_en, what_zh = _WHAT[f]
            if unused(texts[f]):
                continue
            for i, v in enumerate(texts[f]):
                if not v:
                    finding("missing-value", f, numbers[i], ids[i], what=what_en, what_zh=what_zh)
    if "owner" in texts:
        _read_owners(tasks, people)
    progress_status = _read_progress(tasks, column("progress"), headers.get("progress", ""), numbers, ids, finding,
                                     statuses)

    def dates(fld):  # a date column's cells as the date parser should see them (engine/date_columns.py)
        values = column(fld)
        if values is None:
            return None
        values, last_day = prepared(values, launch)
        if last_day is not None:
            finding("day-numbers", fld, numbers[0], None, last=last_day)
        return values

    _read_spans(tasks, dates, numbers, ids, finding, year, near)
    for fld, attr, parse in _DATES:
        values = dates(fld)
        if values is None:
            continue
        want_date = attr == "requested"
        exact = dt.date if want_date else dt.datetime  # a real date cell of the wanted kind is taken as it is
        for i, raw in enumerate(values):
            if raw.__class__ is exact:
                setattr(tasks[i], attr, raw)
                continue
            if raw is None or raw == "" or _blank(raw):
                continue
            try:
                value = parse(raw, year, near=near)
                if want_date and hasattr(value, "date"):
                    value = value.date()
                setattr(tasks[i], attr, value)
            except (ValueError, TypeError, OverflowError):
                finding("bad-date", fld, numbers[i], ids[i], value=clean_text(raw))
    _check_plausible(tasks, cols, numbers, ids, finding, column, launch, today)
    _read_actual(tasks, layout, numbers, finding, year, near)
    read_ratings(tasks, column("rating"))
    read_states(tasks, column("status"), progress_status, numbers, ids, finding, statuses)
    groups = layout.rows.groups
    if groups:
        for t, r in zip(tasks, numbers):
            t.group = groups.get(r)
    values = column("duration")
    if values is not None:
        for i, raw in enumerate(values):
            if raw.__class__ is float and 0 <= raw < 1e300:  # the usual cell: a finite number >= 0
                tasks[i].duration = raw
                continue
            if raw is None or raw == "" or _blank(raw):
                continue
            try:
                d = float(raw) if raw.__class__ in (int, float) else parse_number(raw)
                if d is None or not 0 <= d < 1e300:  # negative, infinite or NaN
                    raise ValueError
                tasks[i].duration = d
            except (ValueError, TypeError, OverflowError):  # OverflowError: an int too large for a float
                finding("bad-number", "duration", numbers[i], ids[i], value=clean_text(raw))
    values = column("depends_on")
    if values is not None:
        search = _LINK_SYNTAX.search
        for i, raw in enumerate(values):
            if raw is None or raw == "":
                continue
            if not _blank(raw):
                if raw.__class__ is str and search(raw):
                    links = parse_links(raw)
                    tasks[i].links = links
                    tasks[i].depends_on = [x.raw for x in links]
                else:
                    tasks[i].depends_on = parse_ids(raw)
    last_row = numbers[-1] + 1 if numbers else layout.header_row + 1
    return tasks, findings, last_row


def _read_owners(tasks: list[Task], people) -> None:
    """Task.owners: every name in the cell; Task.owner stays the first (what single-owner callers read)."""
    known = frozenset(people) if people else None
    cache: dict[str, list[str]] = {}
    for t in tasks:
        text = t.owner
        if not text:
            continue
        names = cache.get(text)
        if names is None:
            names = cache[text] = parse_owners(text, known)
        t.owners = list(names)
        if names:
            t.owner = names[0]


def _read_progress(tasks, values, header: str, numbers, ids, finding, statuses: tuple = ()) -> list:
    """Task.progress (0..1) from the progress column, and per task the status it implies (or a status word
    typed there, such as 持续 or 已完成). A column whose cells are mostly not percentages holds notes on what
    was done (进度: '完成登录页'): it is read as notes, with no finding."""
    implied: list = [None] * len(tasks)
    if values is None:
        return implied
    filled = [(i, raw) for i, raw in enumerate(values) if not (raw is None or raw == "" or _blank(raw))]
    # Numbers count in percent only when one exceeds 1: a "% Complete" header says nothing about the scale,
    # and its cells are most often fractions shown in a 0% format (1.0 is 100%, not 1%).
    percent = any(raw.__class__ in (int, float) and raw > 1 for _, raw in filled)
    read: list = []
    for i, raw in filled:
        try:
            read.append((i, raw, parse_progress(raw, percent), None))
        except ValueError:
            try:
                read.append((i, raw, None, parse_status(raw, statuses)))
            except ValueError:
                read.append((i, raw, None, False))
    unreadable = sum(1 for x in read if x[3] is False)
    if unreadable * 2 > len(read):  # notes, not percentages
        return implied
    for i, raw, fraction, status in read:
        if status is False:
            finding("bad-progress", "progress", numbers[i], ids[i], value=clean_text(raw))
        elif fraction is not None:
            tasks[i].progress = fraction
            implied[i] = status_from_progress(fraction)
        else:
            implied[i] = status
    return implied


def _read_spans(tasks, column, numbers, ids, finding, year, near) -> None:
    """Deadline, start and done date; a range typed in the deadline or start cell gives both. A deadline that
    cannot be read is kept as typed: due_source 'unreadable', and nothing derives a date for it."""
    for fld, attr in _SPANS:
        values = column(fld)
        if values is None:
            continue
        for i, raw in enumerate(values):
            if raw.__class__ is dt.date:
                setattr(tasks[i], attr, raw)
                continue
            if raw is None or raw == "" or _blank(raw):
                continue
            t = tasks[i]
            try:
                first_day, last_day = parse_date_span(raw, year, near=near)
            except (ValueError, TypeError, OverflowError):
                finding("bad-date", fld, numbers[i], ids[i], value=clean_text(raw))
                if fld == "deadline":
                    t.due_source = "unreadable"
                continue
            if fld == "done_date":
                t.done_date = last_day
            elif fld == "deadline":
                t.explicit_due = last_day
                if first_day != last_day and t.start is None:
                    t.start = first_day
            else:
                t.start = first_day
                if first_day != last_day and t.explicit_due is None and t.due_source != "unreadable":
                    t.explicit_due = last_day


def _read_actual(tasks, layout: TableLayout, numbers, finding, year, near) -> None:
    """The actual line of a plan/actual pair: its start and end (in the start and deadline columns, or a done
    date column) are the task's actual start and done date; the plan line keeps the planned dates."""
    pairs = layout.rows.actual
    if not pairs:
        return
    at = {r: i for i, r in enumerate(numbers)}
    cols, rows = layout.columns, layout.sheet.rows
    for actual_row, plan_row in pairs.items():
        i = at.get(plan_row)
        if i is None:
            continue
        t, row = tasks[i], rows[actual_row]
        for fld in ("start", "deadline", "done_date"):
            c = cols.get(fld)
            raw = row[c] if c is not None and c < len(row) else None
            if raw is None or raw == "" or _blank(raw):
                continue
            try:
                first_day, last_day = parse_date_span(raw, year, near=near)
            except (ValueError, TypeError, OverflowError):
                finding("bad-date", fld, actual_row, t.id, value=clean_text(raw))
                continue
            if fld == "start":
                t.actual_start = first_day
            elif t.done_date is None or fld == "done_date":
                t.done_date = last_day


def _check_plausible(tasks, cols, numbers, ids, finding, column, launch, today) -> None:
    """A date more than five years from the campaign (or from both today and the table's middle date) is
    a bad-date that says so, and is not used."""
    attrs = [(f, a) for f, a in (("deadline", "explicit_due"), ("start", "start"), ("done_date", "done_date"),
                                 ("requested", "requested")) if f in cols]
    if not attrs or (launch is None and today is None):
        return
    if launch is not None:
        refs = [launch]
    else:
        seen = sorted(d for t in tasks for _, a in attrs if (d := getattr(t, a)) is not None)
        refs = [today] + ([seen[len(seen) // 2]] if seen else [])
    spans: list[list[int]] = []  # the plausible windows, overlapping ones merged (usually a single one)
    for r in sorted(refs):
        a, b = r.toordinal() - PLAUSIBLE_DAYS, r.toordinal() + PLAUSIBLE_DAYS
        if spans and a <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], b)
        else:
            spans.append([a, b])
    (low, high), more = spans[0], spans[1:]
    for fld, attr in attrs:
        raw_values = None
        for i, t in enumerate(tasks):
            d = getattr(t, attr)
            if d is None:
                continue
            o = d.toordinal()
            if low <= o <= high or more and any(a <= o <= b for a, b in more):
                continue
            if raw_values is None:
                raw_values = column(fld)
            ref = min(refs, key=lambda r: abs((d - r).days))
            years = abs(d.year - ref.year) or 1
            where_en = "the campaign's launch" if launch is not None else "today and from the tracker's other dates"
            where_zh = "活动上线日" if launch is not None else "今天和表中其他日期"
            raw = raw_values[i]  # a date cell (a serial number from Google) is shown as the date it is
            finding("bad-date", fld, numbers[i], ids[i], value=clean_text(raw) if isinstance(raw, str) else d.isoformat(),
                    problem=f"reads as {d.isoformat()}, {catalogue.years_text(years, 'en')} away from {where_en}",
                    problem_zh=f"读作 {d.isoformat()},距{where_zh}约 {years} 年",
                    fix="check the year, or clear the cell if it holds no date",
                    fix_zh="请检查年份;如果这里本不该有日期,请清空该单元格")
            setattr(t, attr, None)
            if attr == "explicit_due":
                t.due_source = "unreadable"
