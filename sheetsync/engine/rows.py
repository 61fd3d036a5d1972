"""Turn the task table's rows into Tasks, with a finding for every cell that cannot be read."""
from __future__ import annotations

from ..model import Finding, Task, a1
from . import catalogue
from .table import TableLayout
from .values import clean_text, is_blank, parse_date, parse_datetime, parse_ids, parse_number, parse_status

INPUT_FIELDS = ("id", "stage", "task", "details", "owner", "department", "reviewer", "depends_on", "time_point",
                "duration", "requested", "deadline", "status", "submitted", "reviewed", "review_result",
                "priority", "link", "notes")
_TEXT = ("stage", "task", "owner", "department", "reviewer", "review_result", "priority", "link")
_WHAT = {
    "task": ("what the task is", "任务内容"),
    "owner": ("who is responsible", "负责人"),
    "status": ("the status (Not started, In progress, In review, Done, Blocked, Cancelled)", "状态(未开始、进行中、待审核、已完成、受阻、已取消)"),
}


def read_tasks(layout: TableLayout, lang: str, year: int) -> tuple[list[Task], list[Finding], int]:
    """Tasks in sheet order, parse findings, and the last used row (1-based)."""
    sheet = layout.sheet
    cols = {f: c for f, c in layout.columns.items() if f in INPUT_FIELDS}
    input_cols = sorted(cols.values())
    tasks: list[Task] = []
    findings: list[Finding] = []
    last_row = layout.header_row + 1
    name = sheet.name

    def finding(code, fld, r, task_id, **params):
        c = cols[fld]
        findings.append(catalogue.make(code, lang, sheet=name, cell=a1(r, c), row=r + 1,
                                       column=layout.headers[fld], task_id=task_id, **params))

    for r in range(layout.first_data_row, len(sheet.rows)):
        row = sheet.rows[r]
        n = len(row)
        if not any(c < n and not is_blank(row[c]) for c in input_cols):
            continue
        last_row = r + 1
        get = lambda f: row[cols[f]] if f in cols and cols[f] < n else None  # noqa: E731
        task_id = clean_text(get("id"))
        t = Task(row=r + 1, id=task_id, task=clean_text(get("task")))
        for f in _TEXT:
            if f != "task" and f in cols:
                setattr(t, f, clean_text(get(f)))
        for f in ("task", "owner"):
            if f in cols and not getattr(t, f):
                what_en, what_zh = _WHAT[f]
                finding("missing-value", f, r, task_id, what=what_en, what_zh=what_zh)
        if "status" in cols:
            raw = get("status")
            if is_blank(raw):
                what_en, what_zh = _WHAT["status"]
                finding("missing-value", "status", r, task_id, severity="warning", what=what_en, what_zh=what_zh)
            else:
                try:
                    t.status = parse_status(raw)
                except ValueError:
                    finding("bad-status", "status", r, task_id, value=clean_text(raw))
        for f, attr, parse in (("deadline", "explicit_due", parse_date), ("requested", "requested", parse_date),
                               ("submitted", "submitted", parse_datetime), ("reviewed", "reviewed", parse_datetime)):
            raw = get(f)
            if raw is None or is_blank(raw):
                continue
            try:
                value = parse(raw, year)
                if attr in ("explicit_due", "requested") and hasattr(value, "date") and callable(value.date):
                    value = value.date()
                setattr(t, attr, value)
            except (ValueError, TypeError, OverflowError):
                finding("bad-date", f, r, task_id, value=clean_text(raw))
        raw = get("duration")
        if raw is not None and not is_blank(raw):
            try:
                t.duration = parse_number(raw)
                if t.duration is not None and t.duration < 0:
                    raise ValueError
            except (ValueError, TypeError):
                t.duration = None
                finding("bad-number", "duration", r, task_id, value=clean_text(raw))
        raw = get("time_point")
        if raw is not None and not is_blank(raw):
            t.time_point = clean_text(raw)
        raw = get("depends_on")
        if raw is not None and not is_blank(raw):
            t.depends_on = parse_ids(raw)
        tasks.append(t)
    return tasks, findings, last_row
