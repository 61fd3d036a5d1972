"""Text output for people: a table of findings grouped by severity, and a summary line, in zh or en.

On a terminal the findings are rich tables (colour, columns folded to the window); anywhere else (a pipe, a
log, a scheduled job) they are plain tab-separated lines written at once, and rich is not even imported: at
scale, rich's layout of a table took longer than the sync it reported on."""
from __future__ import annotations

import json
import sys

import click

from .engine.counts import count
from .engine.catalogue import CATALOGUE
from .labels import HEALTH_LABELS, task_labels
from .model import Report
from .understood import read_line

_SEVERITY = {"en": {"error": "Errors", "warning": "Warnings", "info": "Notes"},
             "zh": {"error": "错误", "warning": "警告", "info": "提示"}}
_HEAD = {"en": ("Cell", "Task", "Code", "Message"), "zh": ("单元格", "任务", "代码", "说明")}
_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def summary_line(report: Report) -> str:
    s = report.summary()
    lang = report.language
    order = ("late", "unreviewed", "blocked", "at-risk", "due-soon", "invalid", "done", "ok")
    health = ", ".join(f"{HEALTH_LABELS[lang][h]} {s['by_health'][h]}" for h in order if s["by_health"].get(h))
    tasks, errors, warnings = (count(lang, unit, s[key]) for unit, key in
                               (("task", "tasks"), ("error", "errors"), ("warning", "warnings")))
    if lang == "zh":
        return f"{report.sheet}:{tasks},{errors},{warnings}。{health}"
    return f"{report.sheet}: {tasks}, {errors}, {warnings}. {health}"


SHOWN_PER_SEVERITY = 50  # findings of one severity printed by default; --all prints every one
TABLE_LIMIT = 100  # more than this are printed one per line: a table of thousands of rows takes rich longer than
# the sync itself, and plain lines also grep well
_NAME_WIDTH = 24  # characters of a task's name shown beside its id in the table
_MORE = {"en": "… and {n} more (report sheet, or --format json; --all prints every one)",
         "zh": "… 另有 {n} 条(见报告表,或用 --format json;--all 显示全部)"}
_BY_KIND = {"en": "Findings by kind", "zh": "按问题类型"}


def _short_label(label: str) -> str:
    return label if len(label) <= _NAME_WIDTH + 8 else label[:_NAME_WIDTH + 7] + "…"


def counts_by_code(report: Report) -> list[tuple[str, str, int]]:
    """(severity, code, number of findings), most severe kind first, then the most frequent. A kind is listed
    once, at its most severe finding's severity (one code can be an error on one row and a warning on another)."""
    rank = {"error": 0, "warning": 1, "info": 2}
    seen: dict[str, int] = {}
    worst: dict[str, str] = {}
    for f in report.findings:
        seen[f.code] = seen.get(f.code, 0) + 1
        if f.code not in worst or rank.get(f.severity, 3) < rank.get(worst[f.code], 3):
            worst[f.code] = f.severity
    return [(worst[code], code, n) for code, n in
            sorted(seen.items(), key=lambda kv: (rank.get(worst[kv[0]], 3), -kv[1], kv[0]))]


def print_text(report: Report, console=None, extra: list[str] | None = None, show_all: bool = False) -> None:
    """Print the report; `console` (a rich Console) forces the rich output, else it is used on a terminal only."""
    if console is None and not sys.stdout.isatty():
        click.echo(plain_text(report, extra, show_all), nl=False)
        return
    _print_rich(report, console, extra, show_all)


def _by_severity(report: Report, show_all: bool):
    """(severity, its findings, the ones shown) in the order they are printed."""
    for sev in ("error", "warning", "info"):
        items = [f for f in report.findings if f.severity == sev]
        if items:
            yield sev, items, (items if show_all else items[:SHOWN_PER_SEVERITY])


def _kinds_line(report: Report) -> str | None:
    kinds = counts_by_code(report)
    if not kinds:
        return None
    lang = report.language
    return f"{_BY_KIND[lang]}: " + " · ".join(f"{CATALOGUE[code].title(lang)} ({code}) {n}" for _, code, n in kinds)


def _plain_row(f, labels: dict[str, str]) -> str:
    return f"{f.ref or f.sheet or ''}\t{labels.get(f.task_id, f.task_id or '')}\t{f.code}\t{f.message}"


def plain_text(report: Report, extra: list[str] | None = None, show_all: bool = False) -> str:
    """The whole text output without styling, as one string (one write)."""
    lang = report.language
    lines = [x for x in (read_line(report), _kinds_line(report)) if x]
    labels = task_labels(report)
    for sev, items, shown in _by_severity(report, show_all):
        lines.append(f"{_SEVERITY[lang][sev]} ({len(items)})")
        lines.append("\t".join(_HEAD[lang]))
        lines.extend(_plain_row(f, labels) for f in shown)
        if len(shown) < len(items):
            lines.append(_MORE[lang].format(n=len(items) - len(shown)))
    lines.extend(extra or ())
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def _print_rich(report: Report, console, extra: list[str] | None, show_all: bool) -> None:
    # rich only here, on a terminal: the plain output never loads it
    from rich.console import Console
    from rich.table import Table

    console = console or Console(highlight=False, soft_wrap=False)
    lang = report.language
    reading = read_line(report)
    if reading:  # first what was read as what, so a wrong reading is seen before its findings
        console.print(reading, markup=False, soft_wrap=True)
    labels = task_labels(report)
    kinds = _kinds_line(report)
    if kinds:
        console.print(kinds, style="bold", markup=False)
    for sev, items, shown in _by_severity(report, show_all):
        title = f"{_SEVERITY[lang][sev]} ({len(items)})"
        if len(shown) > TABLE_LIMIT:
            console.print(title, style=_STYLE[sev])
            console.out("\n".join(_plain_row(f, labels) for f in shown), highlight=False)
        else:
            table = Table(title=title, title_justify="left", title_style=_STYLE[sev], show_lines=False, expand=False)
            for head in _HEAD[lang]:
                table.add_column(head, overflow="fold")
            for f in shown:
                table.add_row(f.ref or f.sheet or "", _short_label(labels.get(f.task_id, f.task_id or "")), f.code,
                              f.message)
            console.print(table)
        if len(shown) < len(items):
            console.print(_MORE[lang].format(n=len(items) - len(shown)), style=_STYLE[sev], markup=False)
    for line in extra or ():
        console.print(line, markup=False)  # a dry run's cell values may hold brackets
    console.print(summary_line(report), style="bold", markup=False)


def to_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
