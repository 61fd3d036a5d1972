"""What the engine gives: the Report (tasks, findings, the campaign, the reading) and what it holds; Overrides,
the campaign facts set outside the tracker."""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..clock import Clock
from ..errors import SheetsyncError
from .cells import col_letter
from .findings import SEVERITIES, Finding

@dataclass(slots=True)
class Task:
    """One tracker row after parsing. Dates are dt.date; review times dt.datetime (naive, campaign tz)."""
    row: int  # 1-based sheet row
    id: str | None
    task: str | None
    owner: str | None = None
    status: str | None = None  # not-started | in-progress | in-review | done | blocked | cancelled
    stage: str | None = None
    department: str | None = None
    reviewer: str | None = None
    depends_on: list[str] = field(default_factory=list)  # resolved task keys (ids, or names without an id column)
    time_point: str | None = None
    duration: float | None = None  # working days
    explicit_due: dt.date | None = None
    start: dt.date | None = None
    done_date: dt.date | None = None
    actual_start: dt.date | None = None  # the actual bar or actual line (a Gantt, a plan/actual row pair)
    actual_end: dt.date | None = None
    progress: float | None = None  # fraction done, 0..1
    owners: list[str] = field(default_factory=list)  # every name in the owner cell (owner is the first)
    links: list = field(default_factory=list)  # engine.values.Link per depends_on entry, when typed with FS/SS/lag syntax
    requested: dt.date | None = None
    submitted: dt.datetime | None = None
    reviewed: dt.datetime | None = None
    review_result: str | None = None
    priority: str | None = None
    link: str | None = None
    due: dt.date | None = None
    due_source: str = "none"  # explicit | time-point | successors | unreadable (a bad-date deadline: never derived) | none
    health: str = "ok"
    rating: str | None = None  # the owner's own Red/Amber/Green rating (green | amber | red), never the status
    owner_email: str | None = None
    notes: str | None = None  # the notes (备注) cell as written: a blocked task's reason in the owner's words
    group: str | None = None  # the phase, section or parent row the task sits under
    sheet: str | None = None  # the sheet of a task read from another table with the task table's columns
    table: int = 0  # 0: the task table (the one sync writes to); 1, 2 …: the other tables with its columns

    @property
    def key(self) -> str:
        """What other rows use to refer to this task."""
        return self.id if self.id else (self.task or f"row {self.row}")


@dataclass
class Campaign:
    name: str | None = None
    launch: dt.date | None = None
    end: dt.date | None = None
    owner: str | None = None
    recipients: list[str] = field(default_factory=list)
    timezone: str | None = None  # None: not in the sheet (the run's clock then takes the config's or the machine's)
    calendar: str = "CN"
    review_sla_hours: float = 24.0
    review_clock: str = "working"  # working | calendar: which hours count toward the review limit (engine.review_clock)
    due_soon_days: int = 2
    lead_times: dict[str, int] = field(default_factory=dict)  # department -> working days
    owner_email: str | None = None
    target: str | None = None  # the goal as written, e.g. "2000 bookings" (the launch notice names it)
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # fact -> (sheet, A1 of its value) it was read from


@dataclass(frozen=True)
class Overrides:
    """Campaign facts set outside the tracker (a sheetsync.toml, the command line), typed: each one that is set
    (not None) replaces what the Campaign sheet says. `max_recipients`, `metric_rules` and `official_days` (an
    imported holiday notice's {"rest": [...], "work": [...]}) are read by the engine beside the campaign."""
    calendar: str | None = None
    timezone: str | None = None
    recipients: tuple[str, ...] | list[str] | None = None
    review_sla_hours: float | None = None
    review_clock: str | None = None
    lead_times: dict[str, int] | None = None
    launch: dt.date | None = None
    end: dt.date | None = None
    max_recipients: int | None = None
    metric_rules: tuple | list | None = None
    official_days: dict | None = None

    CAMPAIGN_FACTS = ("calendar", "timezone", "recipients", "review_sla_hours", "review_clock", "lead_times",
                      "launch", "end")

    @classmethod
    def of(cls, given: "Overrides | dict | None") -> "Overrides":
        """An Overrides from what a caller gave: one already, a dict of the same names (a name it does not
        know is a TypeError, never silently dropped), or nothing."""
        if isinstance(given, Overrides):
            return given
        return cls(**(given or {}))

    def merged(self, over: "Overrides | dict | None") -> "Overrides":
        """These facts with `over`'s set ones winning."""
        over = Overrides.of(over)
        return dataclasses.replace(self, **{f.name: getattr(over, f.name) for f in dataclasses.fields(over)
                                            if getattr(over, f.name) is not None})

    def over(self, campaign: "Campaign") -> "Campaign":
        """The campaign with every fact set here replacing the sheet's."""
        return dataclasses.replace(campaign, **{name: getattr(self, name) for name in self.CAMPAIGN_FACTS
                                                if getattr(self, name) is not None})


@dataclass
class Person:
    name: str
    email: str | None = None
    department: str | None = None
    row: int | None = None
    mobile: str | None = None
    chat_ids: dict[str, str] = field(default_factory=dict)  # platform (or "any") -> that platform's user id

    def chat_id(self, platform: str) -> str | None:
        return self.chat_ids.get(platform) or self.chat_ids.get("any")


@dataclass
class MetricAlert:
    """A breach of a metric rule that is active on the latest period of the Metrics sheet.
    `key` identifies the breach (metric, rule, the period it began): chat alerts go out once per key."""
    metric: str  # as written in the sheet
    rule: str  # e.g. "rise 20% x3"
    period: str  # the period it fired on, as written
    value: float
    sheet: str
    cell: str
    key: str
    message: str

    @property
    def ref(self) -> str:
        return f"{self.sheet}!{self.cell}"


@dataclass
class ColumnRead:
    """One header cell of the chosen table and what it was read as (field None: ignored), with the reason."""
    column: int  # 0-based
    header: str  # as written, on one line (two-row headers joined with " / ")
    field: str | None
    why: str = ""  # a short reason a person can check, in the report's language


@dataclass
class TableSeen:
    """A candidate task table the engine looked at (the chosen one and the others)."""
    sheet: str
    header_row: int  # 1-based (the last row of a multi-row header)
    first_col: int  # 0-based
    last_col: int  # 0-based, inclusive
    score: float
    fields: list[str] = field(default_factory=list)
    kind: str = "range"  # range | excel-table | block
    name: str | None = None  # an Excel table's name
    note: str = ""  # why it was not taken, or why it is not a task table
    headers: list[str] = field(default_factory=list)  # its header texts, left to right (for messages)


@dataclass
class ColumnMapping:
    """What a person said about the table, in sheetsync.toml or the Campaign sheet: it wins over guessing.

    columns: field -> header text as written, or a column letter ("C"); ignore: columns switched off (header
    text or letter: read as no field, never checked); skip_rows: 1-based rows that are not tasks."""
    sheet: str | None = None
    header_row: int | None = None  # 1-based
    columns: dict[str, str] = field(default_factory=dict)
    origin: str = "config"  # config | campaign-sheet | cli
    ignore: tuple[str, ...] = ()
    skip_rows: tuple[int, ...] = ()
    statuses: dict[str, str] = field(default_factory=dict)  # the tracker's own status word -> a status it means

    def says_anything(self) -> bool:
        return bool(self.columns or self.header_row or self.sheet or self.ignore or self.skip_rows or self.statuses)


@dataclass
class Understanding:
    """What the engine understood of the workbook's layout, for `inspect`, JSON and the summary line."""
    sheet: str | None = None
    header_row: int | None = None  # 1-based, last header row
    header_rows: int = 1  # how many rows the header spans
    columns: list[ColumnRead] = field(default_factory=list)  # every non-empty header cell, left to right
    candidates: list[TableSeen] = field(default_factory=list)  # the chosen table first
    missing: list[str] = field(default_factory=list)  # fields not found whose absence turns checks off
    mapping: ColumnMapping | None = None
    rows: dict[str, list[int]] = field(default_factory=dict)  # rows not read as tasks: kind -> 1-based rows
    empty: list[int] = field(default_factory=list)  # columns (0-based) read as a field with no value in any task

    def fields(self) -> list[ColumnRead]:
        return [c for c in self.columns if c.field]

    def ignored(self) -> list[ColumnRead]:
        return [c for c in self.columns if not c.field]


@dataclass
class TableShape:
    """Where the task table is, as the engine found it (once per run): plain data for the planner and the
    backends, so nothing after the engine looks for the table again. Rows are 1-based, columns 0-based."""
    sheet: str
    header_row: int  # the last row of the header
    header_rows: int  # how many rows the header spans
    first_row: int  # the first row under the header
    last_row: int | None  # the last task row (None: no task)
    end_row: int | None  # where a different table starts below (exclusive), None: the sheet's end
    skip_rows: tuple[int, ...]  # rows inside the table that are not tasks (totals, section labels, repeated headers)
    first_col: int
    width: int  # one past the last header column
    columns: dict[str, int]  # field -> column, as read (managed columns sync wrote before included)
    headers: dict[str, str]  # field -> header text as written
    managed: dict[str, int]  # m_due, m_health, m_flags -> the column sync writes them to (found, or placed)
    key_col: int  # the column that tells the rows apart: ID, else the task name
    grid: tuple[int, int] | None = None  # first, last column of a date grid (a Gantt chart) beside the table


@dataclass
class Report:
    """What `validate` returns; plain data, JSON by to_dict()."""
    source: str
    today: dt.date
    language: str  # zh | en
    sheet: str | None
    header_row: int | None  # 1-based
    tasks: list[Task]
    findings: list[Finding]
    campaign: Campaign = field(default_factory=Campaign)
    people: dict[str, Person] = field(default_factory=dict)
    columns: dict[str, int] = field(default_factory=dict)  # field -> 0-based column of the task table
    headers: dict[str, str] = field(default_factory=dict)  # field -> header text as written
    last_row: int | None = None  # 1-based last row of the table
    understanding: Understanding = field(default_factory=Understanding)
    alerts: list[MetricAlert] = field(default_factory=list)  # metric rules breached now (posted to chat, listed as risks)
    faq: list[tuple[str, str]] = field(default_factory=list)  # the FAQ sheet's (question, answer), for the notice
    table: TableShape | None = None  # the task table's layout, as the engine found it
    clock: Clock | None = None  # the run's one clock (sheetsync.clock), set by api; None for a bare engine call
    # the engine's working-day calendar (official days, the Holidays sheet, an imported notice): what the digest,
    # the report sheet and the notice count working days on, so their counts agree with the deadlines
    calendar: object | None = None

    def summary(self) -> dict:
        by_health: dict[str, int] = {}
        for t in self.tasks:
            by_health[t.health] = by_health.get(t.health, 0) + 1
        return {
            "tasks": len(self.tasks),
            "errors": sum(f.severity == "error" for f in self.findings),
            "warnings": sum(f.severity == "warning" for f in self.findings),
            "by_health": by_health,
        }

    @property
    def exit_code(self) -> int:
        return 1 if any(f.severity == "error" for f in self.findings) else 0

    def main_table(self) -> "Report":
        """The report restricted to the task table sync writes to: without the tasks (and their findings) read
        from other tables with the same columns (another sheet, or a block beside it)."""
        if all(t.table == 0 for t in self.tasks):
            return self
        return dataclasses.replace(self, tasks=[t for t in self.tasks if t.table == 0],
                                   findings=[f for f in self.findings if not f.params.get("table")])

    def to_dict(self) -> dict:
        def iso(d):
            return d.isoformat() if d else None

        return {
            "source": self.source,
            "today": iso(self.today),
            "language": self.language,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "tasks": [
                {"id": t.id, "row": t.row, "task": t.task, "owner": t.owner,
                 "owners": list(t.owners) or ([t.owner] if t.owner else []), "status": t.status,
                 "due": iso(t.due), "due_source": t.due_source, "health": t.health,
                 **({"rating": t.rating} if t.rating else {})}
                for t in self.tasks
            ],
            "columns": [{"field": c.field, "header": c.header, "column": col_letter(c.column),
                         "cell": f"{self.sheet}!{col_letter(c.column)}{self.header_row}"}
                        for c in self.understanding.fields()],
            "ignored": [{"header": c.header, "column": col_letter(c.column)} for c in self.understanding.ignored()],
            "findings": [f.to_dict() for f in self.findings],
            "summary": self.summary(),
        }

    def tasks_frame(self):
        """The tasks as a pandas DataFrame, one row per task in sheet order, for analysis in a notebook.

        Dates (due, start, deadline as typed, requested, done) are datetime64 with NaT where empty; review
        times are datetime64 too; depends_on and owners are lists. Needs pandas: `pip install 'sheetsync[pandas]'`."""
        pd = _pandas()
        dates = ("due", "explicit_due", "start", "done_date", "actual_start", "actual_end", "requested", "submitted",
                 "reviewed")
        numbers = ("duration", "progress")
        columns = [f.name for f in dataclasses.fields(Task) if f.name != "links"]
        data: dict[str, Any] = {"key": pd.Series([t.key for t in self.tasks], dtype=object)}
        for name in columns:
            values = [getattr(t, name) for t in self.tasks]
            if name in dates:
                data[name] = pd.to_datetime(pd.Series(values, dtype=object)).astype("datetime64[ns]")
            elif name in numbers:
                data[name] = pd.Series(values, dtype="float64")
            elif name == "row":
                data[name] = pd.Series(values, dtype="int64")
            else:
                data[name] = pd.Series(values, dtype=object)
        return pd.DataFrame(data)

    def findings_frame(self):
        """The findings as a pandas DataFrame, one row per finding in report order: code, severity (an ordered
        category, error < warning < info, so sorting puts errors first), the cell (`ref` is 'Sheet!F12'),
        row, column header, task and the message in the report's language. Needs pandas:
        `pip install 'sheetsync[pandas]'`."""
        pd = _pandas()
        fs = self.findings
        return pd.DataFrame({
            "code": pd.Series([f.code for f in fs], dtype=object),
            "severity": pd.Categorical([f.severity for f in fs], categories=SEVERITIES, ordered=True),
            "sheet": pd.Series([f.sheet for f in fs], dtype=object),
            "cell": pd.Series([f.cell for f in fs], dtype=object),
            "ref": pd.Series([f.ref for f in fs], dtype=object),
            "row": pd.Series([f.row for f in fs], dtype="Int64"),
            "column": pd.Series([f.column for f in fs], dtype=object),
            "task_id": pd.Series([f.task_id for f in fs], dtype=object),
            "message": pd.Series([f.message for f in fs], dtype=object),
        })


def _pandas():
    """pandas, imported only when a frame is asked for (it is an optional extra and slow to import)."""
    try:
        import pandas
    except ImportError:
        raise SheetsyncError("tables as DataFrames need pandas: pip install 'sheetsync[pandas]'",
                             "以 DataFrame 输出表格需要 pandas:pip install 'sheetsync[pandas]'",
                             code="missing-extra") from None
    return pandas
