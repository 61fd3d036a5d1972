"""What a person reads for a task's health and for a task itself, in zh and en: shared by the console, the
report sheet and the sheet's highlight rules (which match the Health cell's text)."""
from __future__ import annotations

from .engine.schema import HEALTH_LABELS  # noqa: F401  (defined with the Health column it fills)
from .model import Report


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
