"""The engine: pure functions from workbook values to a Report. `today` and `now` come in; no I/O."""
from __future__ import annotations

import datetime as dt
import gc

from ..model import ColumnMapping, Finding, Report, SheetsyncError, TableShape, WorkbookData, parse_a1
from . import catalogue
from .calendar import WorkCalendar
from .campaign import read_campaign, read_faq, read_holidays, read_people
from .checks import Checker, assign_health
from .deadlines import derive
from .field_costs import missing_fields
from .graph import build
from .mapping import combine, from_campaign_sheet
from .managed import place_managed
from .metrics import check_metrics
from .rows import read_tasks
from .table import describe_seen, find_table, not_row_per_task
from .understanding import no_deadline, understanding


class NoTaskTable(SheetsyncError):
    def __init__(self, finding: Finding, seen: str):
        super().__init__(catalogue.CATALOGUE["no-task-table"].message("en", seen=seen),
                         catalogue.CATALOGUE["no-task-table"].message("zh", seen=seen), code="no-task-table")
        self.finding = finding


def analyse(workbook: WorkbookData, today: dt.date, *, now: dt.datetime | None = None, lang: str | None = None,
            overrides: dict | None = None, mapping: ColumnMapping | None = None) -> Report:
    """Validate a workbook and derive each task's due date and health (see _analyse)."""
    # The engine allocates hundreds of thousands of small objects and creates no reference cycles; the
    # cyclic collector would rescan the whole workbook (millions of cells) on each generation-2 pass.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _analyse(workbook, today, now=now, lang=lang, overrides=overrides, mapping=mapping)
    finally:
        if enabled:
            gc.enable()


def _analyse(workbook: WorkbookData, today: dt.date, *, now: dt.datetime | None = None, lang: str | None = None,
             overrides: dict | None = None, mapping: ColumnMapping | None = None) -> Report:
    """Validate a workbook and derive each task's due date and health.

    `now` (naive, in the campaign's zone) drives review-SLA checks; it defaults to the start of `today`.
    `overrides` replace campaign facts (launch, end, calendar, timezone, review_sla_hours, recipients, ...)."""
    mapping = combine(mapping, from_campaign_sheet(workbook))
    layout, seen = find_table(workbook, mapping, today.year)
    if layout is None:
        grid = not_row_per_task(workbook, seen, mapping)
        if grid is not None:
            raise grid
        seen_text = describe_seen(seen)
        finding = catalogue.make("no-task-table", lang or "en", seen=seen_text)
        raise NoTaskTable(finding, seen_text)
    layout.managed = place_managed(layout.columns, workbook.sheet(layout.sheet.name) or layout.sheet)
    language = lang or layout.language
    now = now or dt.datetime.combine(today, dt.time())
    findings: list[Finding] = []

    campaign, f = read_campaign(workbook, language, today.year, near=today,
                                max_recipients=(overrides or {}).get("max_recipients"))
    findings += f
    for key, value in (overrides or {}).items():
        if value is not None and hasattr(campaign, key):
            setattr(campaign, key, value)
    year = campaign.launch.year if campaign.launch else today.year
    people, f = read_people(workbook, language)
    findings += f
    off, work, f = read_holidays(workbook, language, year, near=campaign.launch or today)
    findings += f
    try:
        cal = WorkCalendar(campaign.calendar or None, holidays=off, workdays=work)
    except ValueError:
        # the Campaign cell it was read from (none when the job config named the calendar)
        where = None if (overrides or {}).get("calendar") is not None else campaign.cells.get("calendar")
        at = {"sheet": where[0], "cell": where[1], "row": parse_a1(where[1])[0] + 1} if where else {}
        findings.append(catalogue.make("bad-calendar", language, value=campaign.calendar, **at))
        cal = WorkCalendar(None, holidays=off, workdays=work)

    findings += no_deadline(layout, language)
    tasks, f, last_row = read_tasks(layout, language, year, near=campaign.launch or today, today=today,
                                    launch=campaign.launch, people=people)
    findings += f
    if people:
        for t in tasks:
            person = people.get(t.owner or "")
            t.owner_email = person.email if person else None
    graph = build(tasks, by_id="id" in layout.columns, first_row=layout.first_data_row + 1)
    _resolved_keys(graph)
    findings += derive(graph, campaign, cal, layout, language, near=campaign.launch or today)
    findings += Checker(graph, campaign, cal, layout, language, people, today, now).run()
    alerts, f = check_metrics(workbook, language, (overrides or {}).get("metric_rules"))
    findings += f
    assign_health(tasks, findings, layout.sheet.name)
    findings.sort(key=_finding_order)
    return Report(source=workbook.source, today=today, language=language, sheet=layout.sheet.name,
                  header_row=layout.header_row + 1, tasks=tasks, findings=findings, campaign=campaign,
                  table=table_shape(layout, last_row),
                  people=people or {}, columns=dict(layout.columns), headers=dict(layout.headers),
                  last_row=last_row, understanding=understanding(layout, language, mapping), alerts=alerts,
                  faq=read_faq(workbook))


def table_shape(layout, last_row: int | None) -> TableShape:
    """The layout as plain data on the Report (1-based rows), for the planner and the backends."""
    cols = layout.columns
    return TableShape(
        sheet=layout.sheet.name, header_row=layout.header_row + 1, header_rows=layout.header_rows,
        first_row=layout.first_data_row + 1, last_row=last_row,
        end_row=layout.end_row + 1 if layout.end_row is not None else None,
        skip_rows=tuple(sorted(r + 1 for r in layout.skip_rows)), first_col=layout.first_col, width=layout.width,
        columns=dict(cols), headers=dict(layout.headers), managed=dict(layout.managed),
        key_col=cols.get("id", cols.get("task", min(cols.values()))))


def _resolved_keys(graph) -> None:
    """depends_on as the keys of the tasks it names ('3FS+2d' -> 'T3'), for readers such as the digest; a
    reference that names no task stays as typed."""
    tasks = graph.tasks
    unknown: dict[int, list[str]] = {}
    for i, ref in graph.unknown:
        unknown.setdefault(i, []).append(ref)
    for i, t in enumerate(tasks):
        if t.links or graph.by_position and graph.preds[i]:
            t.depends_on = [tasks[j].key for j in graph.preds[i]] + unknown.get(i, [])


_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def _finding_order(f: Finding):
    return (_SEVERITY_RANK.get(f.severity, 3), f.sheet or "", f.row or 0, f.cell or "", f.code)
