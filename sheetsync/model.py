"""Plain data that crosses the arrows: a source gives a WorkbookData, the engine gives a Report.

Nothing here does I/O. Positions are 0-based in code and 1-based only where a person reads them
(`row` in findings, A1 references)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field, asdict
from typing import Any, Union

from .clock import Clock
from .errors import SheetsyncError  # noqa: F401  (raised by every layer as model.SheetsyncError)

CellValue = Union[str, float, int, bool, dt.date, dt.datetime, dt.time, dt.timedelta, None]


@functools.lru_cache(maxsize=4096)
def col_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    if index < 0:
        raise ValueError(index)
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    """A -> 0, AA -> 26."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


# Characters str.strip() keeps but a person cannot see.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_TITLE_NOTE = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]$")


@functools.lru_cache(maxsize=4096)
def normalise_title(text: str) -> str:
    """A header or sheet title as sheetsync compares them (engine.values.normalise_header for any cell):
    '截止日期：' , '工期（工作日）', ' Due Date (working days) ' -> '截止日期', '工期', 'duedate'."""
    s = "".join(unicodedata.normalize("NFKC", text).casefold().split())
    s = s.strip(INVISIBLE)
    while True:
        before = s
        s = s.rstrip(":").strip("*")
        stripped = _TITLE_NOTE.sub("", s)
        if stripped:  # a header that is nothing but a note keeps it
            s = stripped
        if s == before:
            return s


# A tracker's sheets beside its task sheet, by name in either language (the rest of the schema is in
# engine/schema.py): a source that reads one named sheet reads these with it; the engine never takes them
# for the task table.
CAMPAIGN_SHEETS = ("Campaign", "活动信息", "活动")
PEOPLE_SHEETS = ("People", "人员", "人员名单", "联系人")
HOLIDAY_SHEETS = ("Holidays", "节假日", "假期")
REPORT_TITLE = {"zh": "同步报告", "en": "sheetsync"}
SIDE_SHEETS = frozenset(normalise_title(n) for n in CAMPAIGN_SHEETS + PEOPLE_SHEETS + HOLIDAY_SHEETS
                        + tuple(REPORT_TITLE.values()))


def is_side_sheet(title: str) -> bool:
    return normalise_title(title) in SIDE_SHEETS


_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def parse_a1(ref: str) -> tuple[int, int]:
    """'F12' -> (row 11, col 5), 0-based."""
    m = _A1.match(ref)
    if not m:
        raise ValueError(f"not an A1 cell reference: {ref!r}")
    return int(m.group(2)) - 1, col_index(m.group(1))


def a1(row: int, col: int) -> str:
    """0-based (row, col) -> 'F12'."""
    return f"{col_letter(col)}{row + 1}"


@functools.lru_cache(maxsize=256)  # a handful of sheet names, asked once per finding
def quote_sheet(name: str) -> str:
    """Sheet name as it must appear in a formula or hyperlink location."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name) and not re.fullmatch(r"[A-Za-z]{1,3}\d+", name):
        return name
    return "'" + name.replace("'", "''") + "'"


@dataclass
class SheetData:
    """One sheet's values at absolute positions: rows[0] is sheet row 1, rows[r][0] is column A.

    Rows may be ragged (trailing empty cells trimmed). A merged area's value sits in its top-left cell only
    (sources never fill merges; the engine decides what a merge means); `merged` lists them as 0-based
    inclusive (r0, c0, r1, c1)."""
    name: str
    rows: list[list[CellValue]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    sheet_id: Any = None  # Google's sheetId; None for xlsx
    # Excel tables (ListObjects) on this sheet: (name, (r0, c0, r1, c1)) 0-based inclusive, header row r0.
    tables: list[tuple[str, tuple[int, int, int, int]]] = field(default_factory=list)

    def value(self, row: int, col: int) -> CellValue:
        if row < len(self.rows) and col < len(self.rows[row]):
            return self.rows[row][col]
        return None


@dataclass
class WorkbookData:
    source: str
    sheets: list[SheetData]
    kind: str = "xlsx"  # xlsx | xls | csv | gsheet | another backend's name: what the tracker is, for people
    text_format: tuple[str, str] | None = None  # a CSV/TSV file: (encoding as a person names it, delimiter)
    # Cell fills of the sheets with a row of dates (a Gantt's bars): sheet name -> {(row, col) 0-based: colour
    # key}. Only readers that can see fills set it (xlsx); None: fills were not read at all.
    fills: dict[str, dict[tuple[int, int], str]] | None = None
    # the backend gives date cells back as day serials, not dates (a Google read asks for SERIAL_NUMBER and no
    # cell formats): the planner then reads its own Due cells as dates, or every run would rewrite them
    dates_as_serials: bool = False

    def sheet(self, name: str) -> SheetData | None:
        for s in self.sheets:
            if s.name == name:
                return s
        return None


SEVERITIES = ("error", "warning", "info")  # most serious first


@dataclass(slots=True)
class Finding:
    code: str
    severity: str  # one of SEVERITIES
    sheet: str | None
    cell: str | None  # 'F12' (A1 inside `sheet`), None for table-wide findings
    row: int | None  # 1-based sheet row
    column: str | None  # the header as written in the sheet
    task_id: str | None
    message: str
    params: dict = field(default_factory=dict, repr=False)  # template values, kept for re-rendering
    # The same problem over several cells of one column is one finding: `cell` and `row` are its first cell,
    # `range` spans them all ('E5:E55') and `cells`/`rows` list each one (empty for a single cell).
    range: str | None = None
    cells: list[str] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)

    @property
    def ref(self) -> str | None:
        if self.sheet and (self.range or self.cell):
            return f"{self.sheet}!{self.range or self.cell}"
        return None

    def spots(self) -> list[tuple[int | None, str | None]]:
        """Every (row, cell) the finding is about: the one cell, or each cell of its range."""
        return list(zip(self.rows, self.cells)) if self.cells else [(self.row, self.cell)]

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("params")
        d.pop("rows")
        d["cells"] = d["cells"] or ([self.cell] if self.cell else [])
        return d


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
    target: str | None = None  # the goal as written, e.g. "2000 bookings" (seed 004's launch notice names it)
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
    """A breach of a metric rule (seed 001) that is active on the latest period of the Metrics sheet.
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
    alerts: list[MetricAlert] = field(default_factory=list)  # metric rules breached now (issue 13)
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


# What a person or the process asked for (Ctrl-C, an exit): never turned into one tracker's error. Everything
# else a library raises on one tracker, a Rust panic (a BaseException) included, is that tracker's failure.
NOT_CONTAINED = (KeyboardInterrupt, SystemExit, GeneratorExit)


def contained(exc: BaseException) -> bool:
    return not isinstance(exc, NOT_CONTAINED)
