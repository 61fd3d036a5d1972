"""The engine: pure functions from workbook values to a Report. `today` and `now` come in; no I/O."""
from __future__ import annotations

import datetime as dt
import gc

from ..model import ColumnMapping, Finding, Overrides, Report, SheetsyncError, TableShape, WorkbookData, parse_a1
from . import catalogue
from .calendar import WorkCalendar
from .calendar_place import place_calendar
from .campaign import read_campaign, read_faq, read_holidays, read_people
from .checks import Checker, assign_health
from .deadlines import derive
from .field_costs import missing_fields
from .gantt import COVERED as GANTT_COVERED
from .gantt import apply_gantt, gantt_of
from .grid_dates import grid_span
from .graph import build
from .mapping import check_ignored, combine, from_campaign_sheet, keep_header_row, status_words_of
from .managed import place_managed, set_aside
from .metrics import check_metrics
from .ranges import over_columns
from .rows import read_tasks
from .task_states import rating_findings
from .table import describe_seen, find_table, not_row_per_task
from .understanding import no_deadline, understanding


class NoTaskTable(SheetsyncError):
    def __init__(self, finding: Finding, seen: str):
        super().__init__(catalogue.CATALOGUE["no-task-table"].message("en", seen=seen),
                         catalogue.CATALOGUE["no-task-table"].message("zh", seen=seen), code="no-task-table")
        self.finding = finding


def analyse(workbook: WorkbookData, today: dt.date, *, now: dt.datetime | None = None, lang: str | None = None,
            overrides: Overrides | dict | None = None, mapping: ColumnMapping | None = None) -> Report:
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
             overrides: Overrides | dict | None = None, mapping: ColumnMapping | None = None) -> Report:
    """Validate a workbook and derive each task's due date and health.

    `now` (naive, in the campaign's zone) drives review-SLA checks; it defaults to the start of `today`.
    `overrides` replace campaign facts (launch, end, calendar, timezone, review_sla_hours, recipients, ...)."""
    mapping = keep_header_row(workbook, combine(mapping, from_campaign_sheet(workbook)), today.year)
    layout, seen = find_table(workbook, mapping, today.year)
    if layout is None:
        grid = not_row_per_task(workbook, seen, mapping)
        if grid is not None:
            raise grid
        seen_text = describe_seen(seen)
        finding = catalogue.make("no-task-table", lang or "en", seen=seen_text)
        raise NoTaskTable(finding, seen_text)
    check_ignored(layout, mapping)
    span = grid_span(layout)  # sync's own columns go right of a date grid, never inside it
    layout.managed = place_managed({**layout.columns, **({"grid": span[1]} if span else {})},
                                   workbook.sheet(layout.sheet.name) or layout.sheet, layout.header_row,
                                   layout.end_row)
    set_aside(layout)
    language = lang or layout.language
    now = now or dt.datetime.combine(today, dt.time())
    findings: list[Finding] = []

    overrides = Overrides.of(overrides)
    campaign, f = read_campaign(workbook, language, today.year, near=today, max_recipients=overrides.max_recipients)
    findings += f
    if "calendar" not in campaign.cells and overrides.calendar is None:
        # nobody named it: the tracker's own language and place decide (not the language of the messages)
        zone = overrides.timezone or campaign.timezone
        campaign.calendar = (place_calendar(workbook, layout, zone) or "CN") if layout.language == "zh" else ""
    campaign = overrides.over(campaign)
    year = campaign.launch.year if campaign.launch else today.year
    people, f = read_people(workbook, language)
    findings += f
    off, work, f = read_holidays(workbook, language, year, near=campaign.launch or today)
    findings += f
    notice = overrides.official_days or {}  # an imported notice's days (a holidays file)
    notice_days = {"notice_rest": notice.get("rest", ()), "notice_work": notice.get("work", ())}
    try:
        cal = WorkCalendar(campaign.calendar or None, holidays=off, workdays=work, **notice_days)
    except ValueError:
        # the Campaign cell it was read from (none when the job config named the calendar)
        where = None if overrides.calendar is not None else campaign.cells.get("calendar")
        at = {"sheet": where[0], "cell": where[1], "row": parse_a1(where[1])[0] + 1} if where else {}
        findings.append(catalogue.make("bad-calendar", language, value=campaign.calendar, **at))
        cal = WorkCalendar(None, holidays=off, workdays=work)

    chart = gantt_of(workbook, layout, campaign.launch or today)
    if chart is None:
        findings += no_deadline(layout, language)
    tasks, f, last_row = read_tasks(layout, language, year, near=campaign.launch or today, today=today,
                                    launch=campaign.launch, people=people, statuses=status_words_of(mapping))
    findings += f
    if chart is not None:
        apply_gantt(chart, tasks, today)
    if people:
        for t in tasks:
            person = people.get(t.owner or "")
            t.owner_email = person.email if person else None
    by_id = "id" in layout.columns and any(t.id for t in tasks)  # an id column of row numbers names no task
    graph = build(tasks, by_id=by_id, first_row=layout.first_data_row + 1)
    _resolved_keys(graph)
    findings += derive(graph, campaign, cal, layout, language, near=campaign.launch or today)
    findings += Checker(graph, campaign, cal, layout, language, people, today, now).run()
    alerts, f = check_metrics(workbook, language, overrides.metric_rules)
    findings += f
    assign_health(tasks, findings, layout.sheet.name)
    findings += rating_findings(tasks, layout, language)
    for t in tasks:
        t.sheet = layout.sheet.name
    more, f = _other_tables(layout, campaign, cal, language, year, people, today, now, status_words_of(mapping))
    tasks += more
    findings += f
    findings = over_columns(findings, language)
    findings.sort(key=_finding_order)
    understood = understanding(layout, language, mapping)
    if chart is not None:  # the bars date the tasks: no deadline or start column is missing
        understood.missing = [fld for fld in understood.missing if fld not in GANTT_COVERED]
    return Report(source=workbook.source, today=today, language=language, sheet=layout.sheet.name,
                  header_row=layout.header_row + 1, tasks=tasks, findings=findings, campaign=campaign,
                  table=table_shape(layout, last_row),
                  people=people or {}, columns=dict(layout.columns), headers=dict(layout.headers),
                  last_row=last_row, understanding=understood, alerts=alerts,
                  faq=read_faq(workbook), calendar=cal)


def _other_tables(layout, campaign, cal, language, year, people, today, now, statuses=()) -> tuple[list, list[Finding]]:
    """The tasks of the other tables with the task table's columns (one project per sheet, a block beside
    the first), each read and checked on its own (its ids, its cells), each task knowing its sheet; and one
    line saying sync writes the task table only."""
    tasks: list = []
    findings: list[Finding] = []
    near = campaign.launch or today
    for k, other in enumerate(layout.more, 1):
        ts, fs, _ = read_tasks(other, language, year, near=near, today=today, launch=campaign.launch, people=people,
                               statuses=statuses)
        if not ts:
            continue
        graph = build(ts, by_id="id" in other.columns, first_row=other.first_data_row + 1)
        _resolved_keys(graph)
        fs += derive(graph, campaign, cal, other, language, near=near)
        fs += Checker(graph, campaign, cal, other, language, people, today, now).run()
        assign_health(ts, fs, other.sheet.name)
        fs += rating_findings(ts, other, language)
        for t in ts:
            t.sheet, t.table = other.sheet.name, k
            person = (people or {}).get(t.owner or "")
            t.owner_email = person.email if person else None
        for f in fs:
            f.params["table"] = k
        tasks += ts
        findings += fs
    if tasks:
        names = []
        for t in tasks:
            if t.sheet not in names:
                names.append(t.sheet)
        shown = catalogue.join_list([f"'{n}'" if language != "zh" else f"“{n}”" for n in names], language)
        findings.append(catalogue.make("other-tables-read", language, sheet=layout.sheet.name, n=len(tasks),
                                       tables=shown, table_sheet=layout.sheet.name))
    return tasks, findings


def table_shape(layout, last_row: int | None) -> TableShape:
    """The layout as plain data on the Report (1-based rows), for the planner and the backends."""
    cols = layout.columns
    return TableShape(
        sheet=layout.sheet.name, header_row=layout.header_row + 1, header_rows=layout.header_rows,
        first_row=layout.first_data_row + 1, last_row=last_row,
        end_row=layout.end_row + 1 if layout.end_row is not None else None,
        skip_rows=tuple(sorted(r + 1 for r in layout.skip_rows)), first_col=layout.first_col, width=layout.width,
        columns=dict(cols), headers=dict(layout.headers), managed=dict(layout.managed),
        key_col=cols.get("id", cols.get("task", min(cols.values()))), grid=grid_span(layout))


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
