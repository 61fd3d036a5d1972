"""What a person reads for a task's health and for a task itself, in zh and en: shared by the console, the
report sheet and the sheet's highlight rules (which match the Health cell's text)."""
from __future__ import annotations

from .model import Report

HEALTH_LABELS = {
    "en": {"done": "Done", "late": "Late", "unreviewed": "Unreviewed", "blocked": "Blocked", "at-risk": "At risk",
           "due-soon": "Due soon", "invalid": "Data error", "ok": "OK"},
    "zh": {"done": "已完成", "late": "逾期", "unreviewed": "待审核超时", "blocked": "受阻", "at-risk": "有风险",
           "due-soon": "即将到期", "invalid": "数据有误", "ok": "正常"},
}


def task_label(task) -> str:
    """How a person knows a task: its id and its name ("T3 设计海报"), or whichever of the two it has."""
    return " ".join(str(x) for x in (task.id, task.task) if x) or (task.key or "")


def task_labels(report: Report) -> dict[str, str]:
    """Finding.task_id (a task key) -> the task's label."""
    return {t.key: task_label(t) for t in report.tasks if t.key}


# A blocked task's reason is what its owner wrote in the notes; the catalogue's "write it in the notes" is for
# when they are empty. Said the same in the digest, the report sheet and the console.
BLOCKED_BECAUSE = {"zh": "受阻原因：{notes}", "en": "Blocked: {notes}"}


def blocked_because(notes: str, lang: str) -> str:
    return BLOCKED_BECAUSE["zh" if lang == "zh" else "en"].format(notes=notes)
