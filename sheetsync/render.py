"""Text output for people: a table of findings grouped by severity, and a summary line, in zh or en."""
from __future__ import annotations

import json

from rich.console import Console
from rich.table import Table

from .model import Report

_SEVERITY = {"en": {"error": "Errors", "warning": "Warnings", "info": "Notes"},
             "zh": {"error": "错误", "warning": "警告", "info": "提示"}}
_HEAD = {"en": ("Cell", "Task", "Code", "Message"), "zh": ("单元格", "任务", "类型", "说明")}
HEALTH_LABELS = {
    "en": {"done": "Done", "late": "Late", "unreviewed": "Unreviewed", "blocked": "Blocked", "at-risk": "At risk",
           "due-soon": "Due soon", "invalid": "Data error", "ok": "OK"},
    "zh": {"done": "已完成", "late": "逾期", "unreviewed": "待审核超时", "blocked": "受阻", "at-risk": "有风险",
           "due-soon": "即将到期", "invalid": "数据有误", "ok": "正常"},
}
_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def task_label(task) -> str:
    """How a person knows a task: its id and its name ("T3 设计海报"), or whichever of the two it has."""
    return " ".join(str(x) for x in (task.id, task.task) if x) or (task.key or "")


def task_labels(report: Report) -> dict[str, str]:
    """Finding.task_id (a task key) -> the task's label."""
    return {t.key: task_label(t) for t in report.tasks if t.key}


def summary_line(report: Report) -> str:
    s = report.summary()
    lang = report.language
    order = ("late", "unreviewed", "blocked", "at-risk", "due-soon", "invalid", "done", "ok")
    health = ", ".join(f"{HEALTH_LABELS[lang][h]} {s['by_health'][h]}" for h in order if s["by_health"].get(h))
    if lang == "zh":
        return f"{report.sheet}:{s['tasks']} 个任务,{s['errors']} 个错误,{s['warnings']} 个警告。{health}"
    return f"{report.sheet}: {s['tasks']} tasks, {s['errors']} errors, {s['warnings']} warnings. {health}"


TABLE_LIMIT = 100  # findings of one severity shown as a table; more are printed one per line


def print_text(report: Report, console: Console | None = None, extra: list[str] | None = None) -> None:
    console = console or Console(highlight=False, soft_wrap=False)
    lang = report.language
    for sev in ("error", "warning", "info"):
        items = [f for f in report.findings if f.severity == sev]
        if not items:
            continue
        if len(items) > TABLE_LIMIT:
            # a table of thousands of rows takes rich longer than the sync itself; plain lines also grep well
            console.print(f"{_SEVERITY[lang][sev]} ({len(items)})", style=_STYLE[sev])
            console.out("\n".join(f"{f.ref or f.sheet or ''}\t{f.task_id or ''}\t{f.code}\t{f.message}"
                                  for f in items), highlight=False)
            continue
        table = Table(title=f"{_SEVERITY[lang][sev]} ({len(items)})", title_justify="left",
                      title_style=_STYLE[sev], show_lines=False, expand=False)
        for head in _HEAD[lang]:
            table.add_column(head, overflow="fold")
        for f in items:
            table.add_row(f.ref or f.sheet or "", f.task_id or "", f.code, f.message)
        console.print(table)
    for line in extra or ():
        console.print(line)
    console.print(summary_line(report), style="bold")


def to_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
