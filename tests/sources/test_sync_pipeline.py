"""The one sync pipeline (sheetsync.sync) over the Backend interface: an in-memory backend defined here drives
it as httpx's MockTransport drives a client; the backends import no layer above them; the Report's table layout
is the one the Excel writer and the Google re-check use, for a table that starts below a title."""
import ast
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

import sheetsync
import sheetsync.api as api
from support.gsheets_fixtures import emu, load_xlsx  # noqa: F401
from sheetsync import sync as pipeline
from sheetsync.backend import Backend, Written
from sheetsync.labels import HEALTH_LABELS
from sheetsync.model import SheetData, SheetsyncError, WorkbookData, a1, col_letter
from sheetsync.plan import Plan
from support.tracker_factory import make_tracker

D = dt.date
PACKAGE = Path(sheetsync.__file__).parent
TODAY = "2026-09-21T10:00"


# ------------------------------------------------------------------ the backends import nothing above them

def _imports(path: Path) -> set[str]:
    """Every module a file imports (relative imports resolved against its package), at any depth."""
    package = ".".join(("sheetsync",) + path.relative_to(PACKAGE).parent.parts)
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[:len(base) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            out.add(module)
            out.update(f"{module}.{a.name}" for a in node.names)  # `from .. import engine` names a module too
    return out


@pytest.mark.parametrize("folder", ["xlsx", "gsheets"])
def test_backends_never_import_the_engine_the_library_surface_or_the_pipeline(folder):
    files = sorted((PACKAGE / folder).glob("*.py"))
    assert len(files) >= 4
    above = ("sheetsync.engine", "sheetsync.api", "sheetsync.sync")
    for path in files + [PACKAGE / "backend.py"]:
        bad = sorted(m for m in _imports(path) if any(m == a or m.startswith(a + ".") for a in above))
        assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"


def test_the_import_walk_sees_relative_imports():
    # the check above would pass vacuously if relative imports were not resolved: the pipeline imports the engine
    assert "sheetsync.engine" in _imports(PACKAGE / "sync.py")
    assert "sheetsync.plan.Plan" in _imports(PACKAGE / "gsheets" / "batch.py")


# ------------------------------------------------------------------ the pipeline with a backend of the test's own

HEAD = ["ID", "Task", "Owner", "Deadline", "Status"]


def _tasks(n: int, first: int = 1) -> list[list]:
    return [[f"T{i}", f"Task {i}", "Ann", D(2026, 9, 1) + dt.timedelta(days=3 * i), "In progress"]
            for i in range(first, first + n)]


class MemoryBackend:
    """A workbook held in lists. Its write applies the plan's cells and report sheet; `move_rows_on_write`
    makes the first writes answer as a Google sheet does when a person inserted a row meanwhile."""

    attempts = 3

    def __init__(self, rows: list[list], move_rows_on_write: int = 0):
        self.source = "memory:tracker"
        self.rows = [list(r) for r in rows]
        self.report_rows: list[list] | None = None
        self.move_rows_on_write = move_rows_on_write
        self.reads, self.plans = 0, []

    def read(self) -> WorkbookData:
        self.reads += 1
        sheets = [SheetData("Tasks", [list(r) for r in self.rows])]
        if self.report_rows is not None:
            sheets.append(SheetData(self.report_title, [list(r) for r in self.report_rows]))
        return WorkbookData(source=self.source, sheets=sheets, kind="memory")

    def stale(self, plan: Plan) -> bool:
        return False

    def write(self, plan: Plan) -> Written:
        self.plans.append(plan)
        if self.move_rows_on_write:
            self.move_rows_on_write -= 1
            self.rows.insert(plan.table.first_row - 1, ["T0", "Inserted", "Bo", D(2026, 9, 2), "In progress"])
            return Written(again=True)
        for c in plan.cells:
            while len(self.rows) <= c.row:
                self.rows.append([])
            row = self.rows[c.row]
            row.extend([None] * (c.col + 1 - len(row)))
            row[c.col] = c.value
        self.report_title, self.report_rows = plan.report.title, [list(r) for r in plan.report.rows]
        return Written(changed=True)


def test_an_in_memory_backend_is_a_backend_and_syncs_then_writes_nothing_the_second_time():
    mem = MemoryBackend([HEAD] + _tasks(4))
    assert isinstance(mem, Backend)
    first = pipeline.run(mem, today=TODAY, lang="en")
    assert first.changed and mem.reads == 1 and len(mem.plans) == 1
    due, health = first.plan.columns["m_due"], first.plan.columns["m_health"]
    assert (due, health) == (5, 6)  # the first empty columns right of the table
    assert mem.rows[0][5:8] == ["Due", "Health", "Flags"]
    assert [r[due] for r in mem.rows[1:]] == [D(2026, 9, 4), D(2026, 9, 7), D(2026, 9, 10), D(2026, 9, 13)]
    assert [r[health] for r in mem.rows[1:]] == ["Late"] * 4  # all before 21 September
    again = pipeline.run(mem, today=TODAY, lang="en")
    assert not again.changed and not again.plan.cells and again.plan.unchanged_report
    assert len(mem.plans) == 1  # nothing to write: the pipeline did not call write


def test_rows_moved_make_the_pipeline_read_and_plan_again_at_the_first_clock():
    mem = MemoryBackend([HEAD] + _tasks(3), move_rows_on_write=2)
    result = pipeline.run(mem, today=TODAY, lang="en")
    assert mem.reads == 3 and len(mem.plans) == 3 and result.changed
    # each plan was made from its own read: the last one has the two inserted rows
    assert [len(p.cells) for p in mem.plans] == [3 + 3 * 3, 3 + 3 * 4, 3 + 3 * 5]
    assert result.report.clock.now == dt.datetime(2026, 9, 21, 10, 0)
    assert [r[0] for r in mem.rows[1:]] == ["T0", "T0", "T1", "T2", "T3"]
    assert all(r[6] == "Late" for r in mem.rows[1:])


def test_rows_that_keep_moving_end_in_one_line_error_and_a_dry_run_never_writes():
    busy = MemoryBackend([HEAD] + _tasks(2), move_rows_on_write=99)
    with pytest.raises(SheetsyncError) as err:
        pipeline.run(busy, today=TODAY, lang="en")
    assert err.value.code == "sheet-busy" and "3 tries" in err.value.en and "3 次" in err.value.zh
    assert busy.reads == 3
    dry = MemoryBackend([HEAD] + _tasks(2))
    result = pipeline.run(dry, today=TODAY, lang="en", dry_run=True)
    assert not dry.plans and result.dry_run and not result.changed and len(result.plan.cells) == 3 + 6


def test_a_header_without_tasks_is_refused_before_any_write():
    mem = MemoryBackend([HEAD])
    with pytest.raises(SheetsyncError) as err:
        pipeline.run(mem, today=TODAY, lang="en")
    assert err.value.code == "no-tasks" and not mem.plans


def test_the_clock_reads_the_campaign_zone_without_a_task_table():
    book = WorkbookData("memory:campaign", [SheetData("Campaign", [["Field", "Value"], ["Timezone", "Asia/Tokyo"]])])
    assert api.clock_for(book, "2026-09-21").zone == "Asia/Tokyo"
    with pytest.raises(SheetsyncError) as err:  # there is no task table to find
        api.validate("memory:campaign", workbook=book, today="2026-09-21")
    assert err.value.code == "no-task-table"


# ------------------------------------------------------------------ the Report's layout is what the writers use

FIELDS = ("id", "task", "owner", "depends_on", "duration", "deadline", "status")


def _titled_tracker(tmp_path):
    """Title in row 1, header in row 3. T1 has no deadline: sync derives it from T2's (and it is late)."""
    tasks = [{"id": "T1", "task": "Brief", "owner": "Ann", "duration": 2, "status": "In progress"},
             {"id": "T2", "task": "Design", "owner": "Bo", "depends_on": "T1", "duration": 3,
              "deadline": D(2026, 9, 23), "status": "In progress"},
             {"id": "T3", "task": "Print", "owner": "Cy", "depends_on": "T2", "duration": 1,
              "deadline": D(2026, 10, 9), "status": "Not started"}]
    return make_tracker(tmp_path / "titled.xlsx", tasks, lang="en", fields=FIELDS, title="Autumn launch plan")


def _check_layout(result, cells: dict):
    table = result.report.table
    assert (table.sheet, table.header_row, table.first_row, table.last_row) == ("Tasks", 3, 4, 6)
    assert table.columns["id"] == 0 and table.key_col == 0
    assert result.plan.columns == table.managed == {"m_due": 7, "m_health": 8, "m_flags": 9}
    assert [cells[f"{col_letter(c)}3"] for c in (7, 8, 9)] == ["Due", "Health", "Flags"]
    assert all(cells.get(f"{col_letter(c)}2") in (None, "") for c in (7, 8, 9))  # not above the header
    t1 = next(t for t in result.report.tasks if t.id == "T1")
    assert t1.row == 4 and t1.due_source == "successors" and t1.due < D(2026, 9, 21)
    late = next(f for f in result.report.findings if f.code == "late" and f.task_id == "T1")
    assert (late.cell, late.column) == ("H4", "Due")  # the Due cell this sync writes, not the task cell
    assert cells["I4"] == "Late"
    assert {f"I{t.row}": cells[f"I{t.row}"] for t in result.report.tasks} == {
        f"I{t.row}": HEALTH_LABELS["en"][t.health] for t in result.report.tasks}  # each task's own row


def test_excel_writer_writes_where_the_report_says_the_table_is(tmp_path):
    path = _titled_tracker(tmp_path)
    result = api.sync(path, today=TODAY, record=False)
    ws = openpyxl.load_workbook(path)["Tasks"]
    cells = {f"{col_letter(c - 1)}{r}": ws.cell(r, c).value for r in range(1, 8) for c in range(1, 12)}
    due = cells["H4"]
    cells["H4"] = due.date() if isinstance(due, dt.datetime) else due
    assert cells["H4"] == next(t.due for t in result.report.tasks if t.id == "T1")
    _check_layout(result, cells)
    again = api.sync(path, today=TODAY, record=False)
    assert not again.changed and [f.cell for f in again.report.findings] == [f.cell for f in result.report.findings]


def test_google_recheck_and_batch_use_the_reports_layout(tmp_path, emu):  # noqa: F811
    key = load_xlsx(emu, _titled_tracker(tmp_path))
    result = api.sync(f"gsheet:{key}", today=TODAY, record=False)
    assert result.changed
    recheck = [e for e in emu.request_log if e.method == "GET" and e.path.endswith(key) and "ranges" in e.query]
    assert len(recheck) == 1 and recheck[0].query["ranges"] == ["'Tasks'!3:3", "'Tasks'!A:A"]
    values = emu.values(key, "Tasks")
    cells = {a1(r, c): v for r, row in enumerate(values) for c, v in enumerate(row)}
    assert cells["H4"] == (next(t.due for t in result.report.tasks if t.id == "T1") - D(1899, 12, 30)).days
    _check_layout(result, cells)
    again = api.sync(f"gsheet:{key}", today=TODAY, record=False)
    assert not again.changed and [f.cell for f in again.report.findings] == [f.cell for f in result.report.findings]
