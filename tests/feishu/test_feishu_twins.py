"""The same trackers as the Excel tests, seeded into the Feishu emulator as a person's imported sheet, read and
synced on both backends: the same tasks, dues, health and findings, and the same Due/Health/Flags values, cell
by cell, in the .xlsx sync wrote and in the Feishu sheet sync wrote."""
import shutil

import pytest

import sheetsync.api as api
from support.feishu_fixtures import feishu  # noqa: F401
from sheets_emulator.seed import read_xlsx
from sheetsync.templates import list_templates
from support.twin_trackers import TODAY, TRACKERS, as_serial, build, column, trim

CASES = [("factory", n) for n in sorted(TRACKERS)] + [(t, lang) for t in sorted(list_templates()) for lang in ("zh", "en")]


def tasks(report):
    return [(t.row, t.key, t.status, t.due, t.due_source, t.health, t.owner) for t in report.tasks]


def findings(report):
    return sorted((f.code, f.sheet, f.cell or "", f.severity, str(f.task_id or "")) for f in report.findings)


@pytest.mark.parametrize("kind,name", CASES, ids=[f"{k}-{n}" for k, n in CASES])
def test_feishu_twin_reads_and_syncs_like_the_xlsx(tmp_path, feishu, kind, name):
    original = build(tmp_path, kind, name)
    token = feishu.seed_xlsx(str(original))
    excel_copy = tmp_path / "excel" / original.name
    excel_copy.parent.mkdir()
    shutil.copy2(original, excel_copy)

    seen_x, seen_f = api.validate(original, today=TODAY), api.validate(f"feishu:{token}", today=TODAY)
    assert tasks(seen_f) == tasks(seen_x) and tasks(seen_x)
    assert findings(seen_f) == findings(seen_x)

    excel = api.sync(excel_copy, today=TODAY, state=tmp_path / "x.db")
    lark = api.sync(f"feishu:{token}", today=TODAY, state=tmp_path / "f.db")
    assert excel.changed and lark.changed
    assert findings(lark.report) == findings(excel.report)
    assert lark.plan.columns == excel.plan.columns

    sheets, _ = read_xlsx(excel_copy)
    sheet = excel.report.sheet
    in_xlsx, in_feishu = sheets[sheet], feishu.values(token, sheet)
    header = excel.report.header_row - 1
    for field in ("m_due", "m_health", "m_flags"):
        col = excel.plan.columns[field]
        x, f = trim(column(in_xlsx, col, header)), trim(column(in_feishu, col, header))
        assert x[0] == f[0] != ""
        assert x == f, field
    due_col = excel.plan.columns["m_due"]
    for t in lark.report.tasks:
        row = in_feishu[t.row - 1]
        assert (row[due_col] if due_col < len(row) else "") == as_serial(t.due)
    title = excel.plan.report.title
    x_report, f_report = sheets[title], feishu.values(token, title)
    assert [trim(r[2:5]) for r in x_report[7:]] == [trim(r[2:5]) for r in f_report[7:]]


def test_a_feishu_sheet_that_differs_gives_different_findings(tmp_path, feishu):
    """The comparison above can fail: change one deadline in the Feishu copy only."""
    original = build(tmp_path, "factory", "english")
    token = feishu.seed_xlsx(str(original))
    rows = feishu.values(token, "Tasks")
    head = next(i for i, r in enumerate(rows) if "Deadline" in r)
    col = rows[head].index("Deadline")
    feishu.set_values(token, "Tasks", head + 1, col, [["2026-13-45"]])
    excel = api.validate(original, today=TODAY)
    lark = api.validate(f"feishu:{token}", today=TODAY)
    cells = {(f.code, f.cell) for f in lark.findings} - {(f.code, f.cell) for f in excel.findings}
    assert ("bad-date", f"{chr(65 + col)}{head + 2}") in cells
