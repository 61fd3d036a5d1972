"""The source registry (sheetsync.registry): one way in for every SOURCE. A backend defined in this file and
registered for `mem:` sources runs validate, sync and digest end to end through sheetsync.api, as a new backend
package would; the built-in backends claim their own forms; an option a backend does not know is one line."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from email import message_from_bytes, policy

import pytest

from sheetsync import api, registry
from sheetsync.backend import ReadOnly, Written
from sheetsync.model import SheetData, SheetsyncError, WorkbookData
from sheetsync.plan import Plan
from support.tracker_factory import make_tracker

D = dt.date
CAMPAIGN = {"name": "Summer launch", "launch": D(2026, 10, 26), "end": D(2026, 11, 6),
            "recipients": "team@example.com"}
PEOPLE = [("Ann", "ann@example.com", "Ops"), ("Bo", "bo@example.com", "Marketing")]
TASKS = [
    {"id": "T1", "stage": "Plan", "task": "Campaign plan", "owner": "Ann", "status": "Done", "deadline": D(2026, 10, 9)},
    {"id": "T2", "stage": "Build", "task": "Poster", "owner": "Bo", "status": "In progress",
     "deadline": D(2026, 10, 16)},
    {"id": "T3", "stage": "Build", "task": "Booking page", "owner": "Ann", "status": "In progress",
     "deadline": D(2026, 10, 8), "depends_on": "T1"},
]


class MemoryBook:
    """A workbook held in lists, as a hosted spreadsheet service would hold it: sheets by name."""

    def __init__(self, sheets: list[SheetData]):
        self.sheets = {s.name: [list(r) for r in s.rows] for s in sheets}
        self.writes = 0


BOOKS: dict[str, MemoryBook] = {}


class MemorySheet:
    """The Backend of a `mem:NAME` source: reads the book afresh, writes a plan's cells and report sheet."""

    attempts = 1

    def __init__(self, source: str, book: MemoryBook):
        self.source, self.book = source, book

    def read(self) -> WorkbookData:
        return WorkbookData(source=self.source, kind="memory",
                            sheets=[SheetData(name, [list(r) for r in rows]) for name, rows in self.book.sheets.items()])

    def stale(self, plan: Plan) -> bool:
        return False

    def write(self, plan: Plan) -> Written:
        rows = self.book.sheets[plan.sheet]
        for c in plan.cells:
            while len(rows) <= c.row:
                rows.append([])
            rows[c.row].extend([None] * (c.col + 1 - len(rows[c.row])))
            rows[c.row][c.col] = c.value
        self.book.sheets[plan.report.title] = [list(r) for r in plan.report.rows]
        self.book.writes += 1
        return Written(changed=True)


class MemoryBackend:
    """The source module of a backend package, as a class: NAME, claims, open, link."""

    NAME = "memory"

    @staticmethod
    def claims(source: str) -> bool:
        return source.startswith("mem:")

    @staticmethod
    def open(source: str, *, readonly: bool = False):
        book = BOOKS.get(source[4:])
        if book is None:
            raise SheetsyncError(f"{source}: no such book", f"{source}:没有这个表", code="missing-file")
        if readonly:
            return Frozen(source, book)
        return MemorySheet(source, book)

    @staticmethod
    def link(source: str) -> str:
        return f"https://memory.example/{source[4:]}"


class Frozen(ReadOnly):
    def __init__(self, source: str, book: MemoryBook):
        super().__init__(source, SheetsyncError(f"{source}: read-only book", f"{source}:只读", code="read-only-format"))
        self.book = book

    def read(self) -> WorkbookData:
        return MemorySheet(self.source, self.book).read()


@pytest.fixture
def memory(tmp_path):
    """A `mem:team` book holding a real tracker's sheets (built as an .xlsx, read by the Excel backend)."""
    path = make_tracker(tmp_path / "t.xlsx", TASKS, campaign=CAMPAIGN, people=PEOPLE, lang="en")
    BOOKS["team"] = MemoryBook(registry.read(path).sheets)
    registry.register(MemoryBackend)
    yield BOOKS["team"]
    registry.unregister("memory")
    BOOKS.clear()


def test_a_registered_backend_runs_validate_sync_and_digest_through_the_api(memory, tmp_path, monkeypatch):
    for var in ("SHEETSYNC_SMTP_HOST", "SHEETSYNC_STATE"):
        monkeypatch.delenv(var, raising=False)
    assert registry.backend_name("mem:team") == "memory" and registry.backend_name("t.xlsx") == "xlsx"
    state = tmp_path / "state.db"

    report = api.validate("mem:team", today="2026-10-12")
    assert [t.key for t in report.tasks] == ["T1", "T2", "T3"]
    assert {t.key: t.health for t in report.tasks}["T3"] == "late"  # due 8 October, in progress on the 12th

    result = api.sync("mem:team", today="2026-10-12", state=state)
    assert result.changed and memory.writes == 1
    assert result.plan.report.title in memory.sheets  # the report sheet was written into the book
    due = result.plan.columns["m_due"]
    task_rows = memory.sheets[result.plan.sheet]
    written = {c.row: c.value for c in result.plan.cells if c.col == due and c.kind == "date"}
    assert written and all(task_rows[r][due] == v for r, v in written.items())
    again = api.sync("mem:team", today="2026-10-12", state=state)
    assert not again.changed and memory.writes == 1  # a fixed point: the second sync writes nothing

    batch, sent = api.digest("mem:team", today="2026-10-12", state=state, outbox=tmp_path / "out")
    assert sent.count("written") == len(batch.messages) >= 1
    team = tmp_path / "out" / f"{batch.period}-team-team@example.com.eml"
    msg = message_from_bytes(team.read_bytes(), policy=policy.default)
    assert "https://memory.example/team" in msg.get_body(("html",)).get_content()  # the backend's link

    seen = api.inspect("mem:team", today="2026-10-12")
    assert seen.exit_code == 0 and seen.to_dict()["kind"] == "memory"
    status = api.digest_status("mem:team", period=batch.period, state=state, today="2026-10-12")
    assert status.text()  # the ledger of the week just written, read through the same backend


def test_a_read_only_backend_is_read_by_validate_and_refused_by_sync_before_anything(memory, tmp_path):
    report = api.validate("mem:team", today="2026-10-12", readonly=True)
    assert len(report.tasks) == 3
    with pytest.raises(SheetsyncError) as err:
        api.sync("mem:team", today="2026-10-12", state=tmp_path / "state.db", readonly=True)
    assert err.value.code == "read-only-format" and memory.writes == 0
    assert not (tmp_path / "state.db").exists()  # refused before any state was recorded


def test_an_option_the_backend_does_not_know_is_one_line(memory, tmp_path):
    with pytest.raises(SheetsyncError) as err:
        api.validate("mem:team", credentials="key.json")
    assert err.value.code == "usage" and "credentials" in err.value.en and "\n" not in err.value.en
    path = make_tracker(tmp_path / "t.xlsx", TASKS, campaign=CAMPAIGN, people=PEOPLE, lang="en")
    with pytest.raises(SheetsyncError) as err:
        api.validate(path, retry=3)
    assert err.value.code == "usage" and "retry" in err.value.en
    assert registry.takes("gsheet:KEY", "credentials") and not registry.takes(path, "credentials")
    assert registry.source_options(path, credentials="key.json", backups=2) == {"backups": 2}


@pytest.mark.parametrize("source, name", [
    ("https://docs.google.com/spreadsheets/d/abc_123/edit#gid=7", "gsheets"),
    ("gsheet:abc_123!Tasks", "gsheets"),
    ("https://docs.google.com/document/d/abc/edit", "gsheets"),  # claimed to be refused in Google's words
    ("plan.csv", "csv"), ("plan.TSV", "csv"), ("plan.xlsx", "xlsx"),
    ("missing.csv", "xlsx"),  # no file: the Excel backend's reader says "no such file" for every path
])
def test_each_backend_claims_its_own_source_forms(source, name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    if source.startswith("plan."):
        (tmp_path / source).write_text("Task,Owner\n", encoding="utf-8")
    assert registry.backend_name(source) == name


def test_tab_separated_text_named_xls_is_the_csv_backend_and_refuses_a_write(tmp_path):
    export = tmp_path / "export.xls"
    export.write_text("Task\tOwner\nPoster\tAnn\n", encoding="utf-8")
    assert registry.backend_name(export) == "csv"
    assert registry.read(export).sheets[0].rows == [["Task", "Owner"], ["Poster", "Ann"]]
    with pytest.raises(SheetsyncError) as err:
        api.sync(export, dry_run=True)
    assert err.value.code == "read-only-format" and "\n" not in err.value.en


def test_a_google_docs_link_is_refused_by_the_google_backend_in_one_line():
    with pytest.raises(SheetsyncError) as err:
        registry.read("https://docs.google.com/presentation/d/abc/edit")
    assert err.value.code == "not-a-spreadsheet" and "Google Slides" in err.value.en and "幻灯片" in err.value.zh
    # known from the link alone, so a config check says it before any run
    assert registry.refusal("https://docs.google.com/document/d/abc/edit").code == "not-a-spreadsheet"
    assert registry.refusal("gsheet:abc") is None and registry.refusal("plan.xlsx") is None


def test_the_digest_links_a_google_sheet_by_its_backend():
    assert registry.link("gsheet:abc_123") == "https://docs.google.com/spreadsheets/d/abc_123/edit"
    assert registry.link("plan.xlsx") is None


def test_importing_the_registry_and_claiming_loads_no_backend_reader():
    code = ("import sys; from sheetsync import registry\n"
            "assert not [m for m in sys.modules if m.startswith(('sheetsync.xlsx', 'sheetsync.gsheets', "
            "'sheetsync.delimited'))]\n"
            "registry.backend_name('gsheet:k'); registry.backend_name('x.csv'); registry.backend_name('x.xlsx')\n"
            "heavy = [m for m in sys.modules if m.split('.')[0] in ('python_calamine', 'gspread', 'google', "
            "'charset_normalizer', 'lxml')]\n"
            "assert heavy == [], heavy\n")
    subprocess.run([sys.executable, "-c", code], check=True)
