"""Text output for people: a table of findings grouped by severity, and a summary line, in zh or en.

On a terminal the findings are rich tables (colour, columns folded to the window); anywhere else (a pipe, a
log, a scheduled job) they are plain tab-separated lines written at once, and rich is not even imported: at
scale, rich's layout of a table took longer than the sync it reported on."""
from __future__ import annotations

import json
import sys

import click

from . import task_counts
from .engine.counts import count
from .engine.catalogue import CATALOGUE
from .labels import HEALTH_LABELS, task_labels
from .model import Report
from .dates_text import calendar_of
from .report_sheet import listed_findings, shown_message, task_notes
from .understood import read_line

_SEVERITY = {"en": {"error": "Errors", "warning": "Warnings", "info": "Notes"},
             "zh": {"error": "错误", "warning": "警告", "info": "提示"}}
_SEVERITY_HEAD = {"en": "{sev} ({n})", "zh": "{sev}（{n}）"}
_HEAD = {"en": ("Cell", "Task", "Code", "Message"), "zh": ("单元格", "任务", "代码", "说明")}
_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def summary_line(report: Report) -> str:
    """One line: tasks (task_counts: cancelled ones apart), errors and warnings among the findings listed above
    it, and the tasks by health, each label beside its number."""
    lang = report.language
    listed = listed_findings(report)
    by_health = task_counts.by_health(report.tasks)
    order = ("late", "unreviewed", "blocked", "at-risk", "due-soon", "invalid", "done", "ok")
    sep = "，" if lang == "zh" else ", "
    health = sep.join(f"{HEALTH_LABELS[lang][h]} {by_health[h]}" for h in order if by_health.get(h))
    tasks = count(lang, "task", len(task_counts.counted(report.tasks)))
    errors, warnings = (count(lang, unit, sum(f.severity == sev for f in listed))
                        for unit, sev in (("error", "error"), ("warning", "warning")))
    if lang == "zh":
        return f"{report.sheet}：{tasks}，{errors}，{warnings}。{health}"
    return f"{report.sheet}: {tasks}, {errors}, {warnings}. {health}"


SHOWN_PER_SEVERITY = 50  # findings of one severity printed by default; --all prints every one
TABLE_LIMIT = 100  # more than this are printed one per line: a table of thousands of rows takes rich longer than
# the sync itself, and plain lines also grep well
_NAME_WIDTH = 24  # characters of a task's name shown beside its id in the table
_MORE = {"en": "… and {n} more (report sheet, or --format json; --all prints every one)",
         "zh": "… 另有 {n} 条（见报告表，或用 --format json；--all 显示全部）"}
_BY_KIND = {"en": "Findings by kind", "zh": "按问题类型"}


def _short_label(label: str) -> str:
    return label if len(label) <= _NAME_WIDTH + 8 else label[:_NAME_WIDTH + 7] + "…"


def counts_by_code(report: Report) -> list[tuple[str, str, int]]:
    """(severity, code, number of findings listed), most severe kind first, then the most frequent. A kind is listed
    once, at its most severe finding's severity (one code can be an error on one row and a warning on another)."""
    rank = {"error": 0, "warning": 1, "info": 2}
    seen: dict[str, int] = {}
    worst: dict[str, str] = {}
    for f in listed_findings(report):
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
    listed = listed_findings(report)
    for sev in ("error", "warning", "info"):
        items = [f for f in listed if f.severity == sev]
        if items:
            yield sev, items, (items if show_all else items[:SHOWN_PER_SEVERITY])


def _kinds_line(report: Report) -> str | None:
    """`按问题类型：已逾期 57 · 工期排不下 2`: each kind once, by the title a person reads (a code belongs in the
    Code column only); two codes with one title are one kind."""
    merged: dict[str, int] = {}
    lang = report.language
    for _, code, n in counts_by_code(report):
        title = CATALOGUE[code].title(lang)
        merged[title] = merged.get(title, 0) + n
    if not merged:
        return None
    # counted as findings ("已逾期 2 条"): the summary line below counts tasks by health, under the same words
    return f"{_BY_KIND[lang]}{'：' if lang == 'zh' else ': '}" + " · ".join(
        f"{t} {count(lang, 'finding', n)}" for t, n in merged.items())


def _plain_row(f, labels: dict[str, str], message) -> str:
    return f"{f.ref or f.sheet or ''}\t{labels.get(f.task_id, f.task_id or '')}\t{f.code}\t{message(f)}"


def _messages(report: Report):
    """f -> its message as the report sheet shows it (report_sheet.shown_message)."""
    cal, notes = calendar_of(report), task_notes(report)
    return lambda f: shown_message(f, report, cal, notes)


def plain_text(report: Report, extra: list[str] | None = None, show_all: bool = False) -> str:
    """The whole text output without styling, as one string (one write)."""
    lang = report.language
    lines = [x for x in (read_line(report), _kinds_line(report)) if x]
    labels = task_labels(report)
    message = _messages(report)
    for sev, items, shown in _by_severity(report, show_all):
        lines.append(_SEVERITY_HEAD[lang].format(sev=_SEVERITY[lang][sev], n=len(items)))
        lines.append("\t".join(_HEAD[lang]))
        lines.extend(_plain_row(f, labels, message) for f in shown)
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
    message = _messages(report)
    kinds = _kinds_line(report)
    if kinds:
        console.print(kinds, style="bold", markup=False)
    for sev, items, shown in _by_severity(report, show_all):
        title = _SEVERITY_HEAD[lang].format(sev=_SEVERITY[lang][sev], n=len(items))
        if len(shown) > TABLE_LIMIT:
            console.print(title, style=_STYLE[sev])
            console.out("\n".join(_plain_row(f, labels, message) for f in shown), highlight=False)
        else:
            table = Table(title=title, title_justify="left", title_style=_STYLE[sev], show_lines=False, expand=False)
            for head in _HEAD[lang]:
                table.add_column(head, overflow="fold")
            for f in shown:
                table.add_row(f.ref or f.sheet or "", _short_label(labels.get(f.task_id, f.task_id or "")), f.code,
                              message(f))
            console.print(table)
        if len(shown) < len(items):
            console.print(_MORE[lang].format(n=len(items) - len(shown)), style=_STYLE[sev], markup=False)
    for line in extra or ():
        console.print(line, markup=False)  # a dry run's cell values may hold brackets
    console.print(summary_line(report), style="bold", markup=False)


def to_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
