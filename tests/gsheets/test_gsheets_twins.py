"""The same trackers as the Excel tests, loaded into the emulator through the Sheets API as a person's sheet
would be, synced on both backends: the same findings (code, cell, severity, task), and the same Due, Health and
Flags values, cell by cell, in the .xlsx sync wrote and in the Google sheet sync wrote."""
import datetime as dt
import shutil
from urllib.parse import quote

import pytest

from sheetsync.owned import FINDINGS_START

import sheetsync.api as api
from support.gsheets_fixtures import calls, emu, load_xlsx  # noqa: F401
from sheetsync.templates import create_tracker, list_templates
from sheets_emulator.client import endpoint_session
from sheets_emulator.seed import read_xlsx
from support.twin_trackers import TODAY, TRACKERS, as_serial, build, column, trim
from support.tracker_factory import make_tracker

FULL = ["GET get", "GET /values:batchGet", "GET get", "POST :batchUpdate"]
CASES = [("factory", n) for n in sorted(TRACKERS)] + [(t, lang) for t in sorted(list_templates()) for lang in ("zh", "en")]


def google_values(base_url, key, title):
    """The sheet as any client would read it back: values.get, UNFORMATTED_VALUE, SERIAL_NUMBER."""
    session = endpoint_session(base_url)
    r = session.get(f"https://sheets.googleapis.com/v4/spreadsheets/{key}/values/{quote(repr_title(title))}",
                    params={"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"},
                    timeout=10)
    r.raise_for_status()
    return r.json().get("values", [])


def repr_title(title):
    return "'" + title.replace("'", "''") + "'"


@pytest.mark.parametrize("kind,name", CASES, ids=[f"{k}-{n}" for k, n in CASES])
def test_google_twin_syncs_like_the_xlsx(tmp_path, emu, kind, name):
    original = build(tmp_path, kind, name)
    key = load_xlsx(emu, original)
    excel_copy = tmp_path / "excel" / original.name
    excel_copy.parent.mkdir()
    shutil.copy2(original, excel_copy)

    excel = api.sync(excel_copy, today=TODAY, state=tmp_path / "x.db")
    google = api.sync(f"gsheet:{key}", today=TODAY, state=tmp_path / "g.db")
    assert excel.changed and google.changed and calls(emu) == FULL

    def findings(result):
        return sorted((f.code, f.sheet, f.cell or "", f.severity, str(f.task_id or "")) for f in result.report.findings)

    assert findings(excel), "the tracker must exercise some checks"
    assert any(f.severity == "error" for f in excel.report.findings) or kind != "factory"
    assert findings(google) == findings(excel)
    assert google.plan.columns == excel.plan.columns
    assert google.report.header_row == excel.report.header_row

    # what each backend now holds, read back independently of sheetsync
    sheets, _ = read_xlsx(excel_copy)
    sheet = excel.report.sheet
    in_xlsx = sheets[sheet]
    in_google = google_values(emu.base_url, key, sheet)
    header = excel.report.header_row - 1  # 0-based index of the header row
    for field in ("m_due", "m_health", "m_flags"):
        col = excel.plan.columns[field]
        x, g = trim(column(in_xlsx, col, header)), trim(column(in_google, col, header))
        assert x[0] == g[0] != ""  # the managed header
        assert len(x) > 1
        for i, (a, b) in enumerate(zip(x, g)):
            assert a == b, (field, f"row {header + 1 + i}", a, b)
        assert len(x) == len(g), field
    # Due and Health agree with the engine's own values, row by row
    due_col, health_col = excel.plan.columns["m_due"], excel.plan.columns["m_health"]
    for t in google.report.tasks:
        row = in_google[t.row - 1]
        assert (row[due_col] if due_col < len(row) else "") == as_serial(t.due)
        assert row[health_col] != ""
    # and the report sheet lists the same findings in the same order
    title = excel.plan.report.title
    x_report, g_report = sheets[title], google_values(emu.base_url, key, title)
    assert ([r[2:5] for r in x_report[FINDINGS_START:]]
            == [trim(r)[2:5] + [""] * (3 - len(trim(r)[2:5])) for r in g_report[FINDINGS_START:]])


def test_a_google_sheet_that_differs_gives_different_findings(tmp_path, emu):
    """The comparison above can fail: change one deadline in the Google copy only."""
    original = build(tmp_path, "factory", "english")
    key = load_xlsx(emu, original)
    rows = google_values(emu.base_url, key, "Tasks")
    head = next(i for i, r in enumerate(rows) if "Deadline" in r)
    col = rows[head].index("Deadline")
    emu.set_values(key, "Tasks", f"{chr(65 + col)}{head + 2}", [["2026-13-45"]], user_entered=False)
    excel = api.validate(original, today=TODAY)
    google = api.validate(f"gsheet:{key}", today=TODAY)
    cells = {(f.code, f.cell) for f in google.findings} - {(f.code, f.cell) for f in excel.findings}
    assert ("bad-date", f"{chr(65 + col)}{head + 2}") in cells
