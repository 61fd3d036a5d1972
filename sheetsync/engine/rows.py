"""Turn the task table's rows into Tasks, with a finding for every cell that cannot be read.

Column-wise: each column is pulled out once and converted with a fast path for the common cell type,
which is what keeps a 100k-row tracker inside the engine's time budget."""
from __future__ import annotations

import datetime as dt
from operator import itemgetter

from ..model import Finding, Task, a1
from . import catalogue
from .table import TableLayout
from .values import clean_text, is_blank, parse_date, parse_datetime, parse_ids, parse_number, parse_status

INPUT_FIELDS = ("id", "stage", "task", "details", "owner", "department", "reviewer", "depends_on", "time_point",
                "duration", "requested", "deadline", "status", "submitted", "reviewed", "review_result",
                "priority", "link", "notes")
_TEXT = ("id", "stage", "task", "owner", "department", "reviewer", "review_result", "priority", "link", "time_point")
_DATES = (("deadline", "explicit_due", parse_date), ("requested", "requested", parse_date),
          ("submitted", "submitted", parse_datetime), ("reviewed", "reviewed", parse_datetime))
_WHAT = {
    "task": ("what the task is", "任务内容"),
    "owner": ("who is responsible", "负责人"),
    "status": ("the status (Not started, In progress, In review, Done, Blocked, Cancelled)", "状态(未开始、进行中、待审核、已完成、受阻、已取消)"),
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


def read_tasks(layout: TableLayout, lang: str, year: int) -> tuple[list[Task], list[Finding], int]:
    """Tasks in sheet order, parse findings, and the last used row (1-based)."""
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
    tasks = [Task(row=r + 1, id=ids[i], task=texts["task"][i] if "task" in texts else None)
             for i, r in enumerate(numbers)]
    for f in ("stage", "owner", "department", "reviewer", "review_result", "priority", "link", "time_point"):
        if f in texts:
            for t, v in zip(tasks, texts[f]):
                setattr(t, f, v)
    for f in ("task", "owner"):
        if f in texts:
            what_en, what_zh = _WHAT[f]
            for i, v in enumerate(texts[f]):
                if not v:
                    finding("missing-value", f, numbers[i], ids[i], what=what_en, what_zh=what_zh)
    raw_status = column("status")
    if raw_status is not None:
        cache: dict = {}
        for i, raw in enumerate(raw_status):
            if _blank(raw):
                what_en, what_zh = _WHAT["status"]
                finding("missing-value", "status", numbers[i], ids[i], severity="warning", what=what_en, what_zh=what_zh)
                continue
            key = raw if raw.__class__ is str else repr(raw)
            status = cache.get(key, False)
            if status is False:
                try:
                    status = parse_status(raw)
                except ValueError:
                    status = None
                cache[key] = status
            if status is None:
                finding("bad-status", "status", numbers[i], ids[i], value=clean_text(raw))
            tasks[i].status = status
    for fld, attr, parse in _DATES:
        values = column(fld)
        if values is None:
            continue
        want_date = attr in ("explicit_due", "requested")
        exact = dt.date if want_date else dt.datetime  # a real date cell of the wanted kind is taken as it is
        for i, raw in enumerate(values):
            if raw.__class__ is exact:
                setattr(tasks[i], attr, raw)
                continue
            if raw is None or raw == "" or _blank(raw):
                continue
            try:
                value = parse(raw, year)
                if want_date and hasattr(value, "date"):
                    value = value.date()
                setattr(tasks[i], attr, value)
            except (ValueError, TypeError, OverflowError):
                finding("bad-date", fld, numbers[i], ids[i], value=clean_text(raw))
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
        for i, raw in enumerate(values):
            if raw is None or raw == "":
                continue
            if not _blank(raw):
                tasks[i].depends_on = parse_ids(raw)
    last_row = numbers[-1] + 1 if numbers else layout.header_row + 1
    return tasks, findings, last_row
