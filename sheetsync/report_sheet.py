"""What the report sheet says (its rows, links and column widths), in the layout sheetsync.owned defines.

It reads like a summary: each label in the cell beside its number, two pairs to a row; then the findings with a
header row the writers style. Every count is over what the sheet lists: the tasks of task_counts (cancelled
ones apart) and the findings `listed_findings` gives, the same ones the console prints. Nothing a person needs
goes in the hidden machine column. Messages read as people read them: each date with its weekday
(sheetsync.dates_text), finding codes only in the Code column."""
from __future__ import annotations

import datetime as dt

from . import task_counts
from .dates_text import calendar_of, day_text, finding_text
from .engine import catalogue
from .engine.schema import REPORT_TITLE
from .labels import HEALTH_LABELS, blocked_because, task_labels
from .model import Report, quote_sheet
from .owned import FINDINGS_START, MESSAGE_COL, SUMMARY_PAIRS

REPORT_TEXT = {
    "en": {"title": "sheetsync report", "last": "Last change", "source": "Source", "tasks": "Tasks",
           "cancelled": "Cancelled (not counted)", "errors": "Errors", "warnings": "Warnings",
           "head": ("Severity", "Cell", "Task", "Finding", "Code", "Message"),
           "sev": {"error": "error", "warning": "warning", "info": "info"}, "none": "No findings."},
    "zh": {"title": "sheetsync 同步报告", "last": "最近更新", "source": "来源", "tasks": "任务数",
           "cancelled": "已取消（不计入）", "errors": "错误", "warnings": "警告",
           "head": ("严重程度", "单元格", "任务", "问题", "代码", "说明"),
           "sev": {"error": "错误", "warning": "警告", "info": "提示"}, "none": "没有发现问题。"},
}
HEALTH_ORDER = ("late", "unreviewed", "blocked", "at-risk", "due-soon", "invalid", "done", "ok")
COL_WIDTHS = [14, 16, 24, 20, 18, 90]
# why a finding is not listed: a late task's schedule no longer fitting is not news, its being late says it
_REPEATS = {"schedule-risk": "late"}


def listed_findings(report: Report) -> list:
    """The findings a person is shown (report sheet and console): all of them but those that repeat another."""
    health = {t.key: t.health for t in report.tasks}
    return [f for f in report.findings
            if not (f.code in _REPEATS and f.task_id is not None and health.get(f.task_id) == _REPEATS[f.code])]


def shown_message(f, report: Report, cal, notes: dict[str, str]) -> str:
    """A finding's message as a person reads it: dates with their weekdays, a blocked task's own reason."""
    if f.code == "blocked" and notes.get(f.task_id):
        return blocked_because(notes[f.task_id], report.language)
    return finding_text(f, report.language, cal, report.today)


def task_notes(report: Report) -> dict[str, str]:
    return {t.key: t.notes for t in report.tasks if t.notes}


def _pairs_rows(pairs: list[tuple[str, object]]) -> list[list]:
    """(label, number) pairs, SUMMARY_PAIRS to a row, each label in the cell left of its number."""
    rows = []
    for i in range(0, len(pairs), SUMMARY_PAIRS):
        row: list = []
        for label, value in pairs[i:i + SUMMARY_PAIRS]:
            row += [label, value]
        rows.append(row)
    return rows


def summary_pairs(report: Report, findings: list) -> list[tuple[str, object]]:
    lang = report.language
    tx, labels = REPORT_TEXT[lang], HEALTH_LABELS[lang]
    health = task_counts.by_health(report.tasks)
    pairs = [(tx["tasks"], len(task_counts.counted(report.tasks))),
             (tx["cancelled"], task_counts.cancelled(report.tasks)),
             (tx["errors"], sum(f.severity == "error" for f in findings)),
             (tx["warnings"], sum(f.severity == "warning" for f in findings))]
    return pairs + [(labels[h], health.get(h, 0)) for h in HEALTH_ORDER]


def report_rows(report: Report, run_at: dt.datetime) -> tuple[str, list[list], dict, list[float]]:
    """(title, rows, links, column widths) of the report sheet: FINDINGS_START rows, then one per finding."""
    lang = report.language
    tx = REPORT_TEXT[lang]
    cal = calendar_of(report)
    findings = listed_findings(report)
    rows: list[list] = [[tx["title"]], [tx["last"], day_text(run_at, lang, cal, year=True, time=True)]]
    rows += _pairs_rows(summary_pairs(report, findings))
    while len(rows) < FINDINGS_START - 1:
        rows.append([])
    rows.append(list(tx["head"]))
    assert len(rows) == FINDINGS_START, "the report's layout is sheetsync.owned's"
    links = {}
    labels = task_labels(report)
    notes = task_notes(report)
    for f in findings:
        r = len(rows)
        line = [tx["sev"][f.severity], f.ref or "", labels.get(f.task_id, f.task_id or ""),
                catalogue.CATALOGUE[f.code].title(lang), f.code, shown_message(f, report, cal, notes)]
        assert len(line) == MESSAGE_COL + 1
        rows.append(line)
        if f.sheet and f.cell:
            links[(r, 1)] = f"{quote_sheet(f.sheet)}!{f.cell}"
    if not findings:
        rows.append([tx["none"]])
    return REPORT_TITLE[lang], rows, links, list(COL_WIDTHS)
