"""The write is a fixed point and lands where it is seen.

Over every tracker shape of the suite and the real-workbook corpus: sync, sync again, sync a third time: the
second and third write nothing (bytes and mtime unchanged). Then a person moves the managed columns (cut and
pasted elsewhere, inside or beside the table) and inserts a column before them: they are found again, no new
Due/Health/Flags trio appears, and the sync after that writes nothing. The same in Google (moveDimension).
A person's own Due or Health column is never taken over; no managed cell goes inside a merged area; the
sheet's <dimension> covers every cell; a PDF export of a sheet with a Print_Area follows every report link."""
from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.table import Table

import sheetsync.api as api
from sheetsync.engine.managed import managed_field
from sheetsync.model import SheetsyncError, parse_a1
from sheetsync.templates import create_tracker, list_templates
from sheetsync.xlsx.patch import CellWrite, WorkbookPatch, patch_bytes

from support.gsheets_fixtures import calls, emu  # noqa: F401  (the emulator fixture)
from support.needs import missing
from support.patcher_fixtures import CORPUS, STRICT, corpus_params, first_worksheet, members, need_corpus
from support.recognition_trackers import TRACKERS, build
from support.gsheets_fixtures import batch, tracker

TODAY = "2026-09-10"
M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
SHAPES = [s for s in TRACKERS if s.expect == "table"]


def sync(path):
    return api.sync(path, today=TODAY, record=False)


def writes_nothing(path: Path, times: int = 2):
    """Sync `times` more: each writes nothing (same bytes, same mtime)."""
    for _ in range(times):
        data, mtime = path.read_bytes(), path.stat().st_mtime_ns
        result = sync(path)
        assert not result.changed and result.plan.cells == [], [(c.row, c.col, c.value, c.before) for c in result.plan.cells][:5]
        assert path.read_bytes() == data and path.stat().st_mtime_ns == mtime
    return result


def managed_heads(path: Path, sheet: str, header_row: int) -> dict[str, list[int]]:
    """field -> 0-based columns of the header row (1-based) headed as sync heads its columns."""
    wb = openpyxl.load_workbook(path, read_only=True)
    row = next(wb[sheet].iter_rows(min_row=header_row, max_row=header_row, values_only=True), ())
    out: dict[str, list[int]] = {}
    for c, v in enumerate(row):
        if managed_field(v):
            out.setdefault(managed_field(v), []).append(c)
    wb.close()
    return out


def one_trio(path: Path, result) -> None:
    table = result.report.table
    heads = managed_heads(path, table.sheet, table.header_row)
    assert heads == {f: [c] for f, c in result.plan.columns.items()}, heads


def cut_paste(path: Path, sheet: str, cols: list[int], to: int) -> None:
    """A person cuts these columns and pastes them starting at column `to` (0-based), with openpyxl."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    moved = {c: [(r, ws.cell(r, c + 1).value, ws.cell(r, c + 1).number_format) for r in range(1, ws.max_row + 1)
                 if not isinstance(ws.cell(r, c + 1), MergedCell)]  # a title merged over the sheet stays
             for c in cols}
    for c in cols:
        for r, _, _ in moved[c]:
            ws.cell(r, c + 1).value = None
    for k, c in enumerate(cols):
        for r, v, fmt in moved[c]:
            cell = ws.cell(r, to + k + 1)
            cell.value, cell.number_format = v, fmt
    wb.save(path)


def insert_column(path: Path, sheet: str, before: int, header_row: int, header: str) -> None:
    """A person inserts a column before column `before` (0-based) and heads it."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    ws.insert_cols(before + 1)
    ws.cell(header_row, before + 1).value = header
    wb.save(path)


def move_and_insert(path: Path) -> None:
    """Synced; the trio moved three columns right of where it was, then a column inserted before it: found
    again each time, never a second trio, and the sync after each writes nothing."""
    result = sync(path)
    table = result.report.table
    cols = [result.plan.columns[f] for f in ("m_due", "m_health", "m_flags")]
    wb = openpyxl.load_workbook(path, read_only=True)
    width = wb[table.sheet].max_column
    wb.close()
    cut_paste(path, table.sheet, cols, width + 3)
    moved = sync(path)
    assert [moved.plan.columns[f] for f in ("m_due", "m_health", "m_flags")] == [width + 3, width + 4, width + 5]
    one_trio(path, moved)
    writes_nothing(path, 1)
    insert_column(path, table.sheet, width + 3, table.header_row, "Remarks")
    again = sync(path)
    assert [again.plan.columns[f] for f in ("m_due", "m_health", "m_flags")] == [width + 4, width + 5, width + 6]
    one_trio(path, again)
    writes_nothing(path, 1)


# ---- every tracker shape of the suite ------------------------------------------------------------------------
@pytest.mark.parametrize("spec", SHAPES, ids=[s.key for s in SHAPES])
def test_every_tracker_shape_is_a_fixed_point_and_its_columns_are_found_again(tmp_path, spec):
    path = build(spec, tmp_path / f"{spec.key}.xlsx")
    first = sync(path)
    assert first.changed
    one_trio(path, first)
    writes_nothing(path)
    move_and_insert(path)


TEMPLATES = [(name, lang, scenario) for name in list_templates() for lang in ("zh", "en") for scenario in (None, "demo")]


@pytest.mark.parametrize("name,lang,scenario", TEMPLATES, ids=["-".join(filter(None, t)) for t in TEMPLATES])
def test_every_template_is_a_fixed_point(tmp_path, name, lang, scenario):
    """The trackers `sheetsync init` writes, empty and as the demo fills them (a finding for a year the holiday
    calendar lacks, on a task whose Due column did not exist before the first sync, included)."""
    path = create_tracker(tmp_path / f"{name}-{lang}.xlsx", name, lang=lang, launch=dt.date(2026, 12, 15),
                          today=dt.date(2026, 12, 8), scenario=scenario)
    first = api.sync(path, today="2026-12-08", record=False)
    one_trio(path, first)
    for _ in range(2):
        data, mtime = path.read_bytes(), path.stat().st_mtime_ns
        assert not api.sync(path, today="2026-12-08", record=False).changed
        assert path.read_bytes() == data and path.stat().st_mtime_ns == mtime


def _plain(tasks: int, first_day: int):
    """A plain task list on sheet Tasks (no title, no Excel table): (workbook, sheet) to add to and save."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tasks"
    ws.append(["Task", "Owner", "Deadline", "Status"])
    for i in range(tasks):
        ws.append([f"Task {i}", "Ann", dt.date(2026, 9, first_day + i), "In progress"])
    return wb, ws


def _excel_table(path: Path, *, inside: bool = False) -> Path:
    """A task list kept as an Excel table (Insert > Table) under a title, the way the to-do templates are."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tasks"
    ws["A1"] = "Launch plan"
    rows = [["Task", "Owner", "Deadline", "Status"]] + [
        [f"Task {i}", "Ann", dt.date(2026, 9, 1 + 2 * i), ["In progress", "Done", "Not started"][i % 3]] for i in range(6)]
    for r, row in enumerate(rows, 3):
        for c, v in enumerate(row, 1):
            ws.cell(r, c, v)
    ws.add_table(Table(displayName="Plan", ref="A3:D9"))
    wb.save(path)
    if inside:  # synced once, then the person widens the table over sync's columns
        sync(path)
        wb = openpyxl.load_workbook(path)
        ws = wb["Tasks"]
        del ws.tables["Plan"]
        ws.add_table(Table(displayName="Plan", ref="A3:G9"))
        wb.save(path)
    return path


@pytest.mark.parametrize("inside", [False, True], ids=["beside", "inside"])
def test_an_excel_table_gains_no_second_trio(tmp_path, inside):
    path = _excel_table(tmp_path / "table.xlsx", inside=inside)
    result = sync(path)
    assert result.plan.columns == {"m_due": 4, "m_health": 5, "m_flags": 6}
    one_trio(path, result)
    writes_nothing(path)
    if not inside:
        move_and_insert(path)


def test_health_moved_into_the_middle_of_the_table_is_found_there(tmp_path):
    path = _excel_table(tmp_path / "table.xlsx")
    sync(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Tasks"]
    del ws.tables["Plan"]  # a plain range now, so columns can be moved through it
    health = [ws.cell(r, 6).value for r in range(1, 10)]
    ws.delete_cols(6)
    ws.insert_cols(2)
    for r, v in enumerate(health, 1):
        ws.cell(r, 2).value = v
    wb.save(path)
    result = sync(path)
    assert result.plan.columns["m_health"] == 1 and result.report.columns["owner"] == 2
    one_trio(path, result)
    writes_nothing(path)


# ---- a person's own Due and Health columns ---------------------------------------------------------------------
def test_a_persons_due_and_rag_health_columns_are_never_taken_over(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws.append(["Task", "Owner", "Due", "Status", "Health"])
    rag = ["Green", "Amber", "Red", "Green", "Green", "Amber"]
    for i in range(6):
        ws.append([f"Task {i}", "Ann", dt.date(2026, 9, 2 + 3 * i), "In progress", rag[i]])
    ws.cell(1, 7, "Flags")  # a stray header of theirs beside it
    path = tmp_path / "rag.xlsx"
    wb.save(path)
    before = [[c.value for c in row] for row in openpyxl.load_workbook(path)["Plan"].iter_rows(max_col=5)]
    result = sync(path)
    assert result.report.columns["deadline"] == 2  # their Due column is read as the deadline
    assert set(result.plan.columns.values()).isdisjoint({2, 4, 6})
    after = [[c.value for c in row] for row in openpyxl.load_workbook(path)["Plan"].iter_rows(max_col=5)]
    assert after == before  # not one of their cells changed
    writes_nothing(path)


def test_a_health_column_a_person_typed_over_once_is_still_syncs(tmp_path):
    path = _excel_table(tmp_path / "table.xlsx")
    sync(path)
    wb = openpyxl.load_workbook(path)
    wb["Tasks"]["F5"] = "check with Ann"  # one cell of sync's Health column typed over
    wb.save(path)
    result = sync(path)
    assert result.plan.columns["m_health"] == 5
    assert [(c.row, c.col) for c in result.plan.cells] == [(4, 5)]  # put back, nothing else
    one_trio(path, result)


# ---- merged areas ------------------------------------------------------------------------------------------------
def test_no_managed_cell_inside_a_notes_header_merged_over_three_columns(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tasks"
    ws.append(["Task", "Owner", "Deadline", "Status", "Notes"])
    ws.merge_cells("E1:G1")
    for i in range(5):
        ws.append([f"Task {i}", "Ann", dt.date(2026, 9, 3 + i), "In progress", "see brief" if i % 2 else None])
    path = tmp_path / "notes.xlsx"
    wb.save(path)
    result = sync(path)
    merged = [(0, 4, 0, 6)]
    for c in result.plan.cells:
        assert not any(r0 <= c.row <= r1 and c0 <= c.col <= c1 for r0, c0, r1, c1 in merged), (c.row, c.col)
    assert sorted(result.plan.columns.values()) == [7, 8, 9]  # right of the merged Notes header
    one_trio(path, result)
    writes_nothing(path)


# ---- <dimension> --------------------------------------------------------------------------------------------------
def _set_dimension(path: Path, ref: str) -> None:
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i)) for i in z.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="%s"/>' % ref.encode(), data)
            out.writestr(info, data)
    path.write_bytes(buf.getvalue())


def _dimension_and_cells(path: Path) -> tuple[tuple[int, int, int, int], set[tuple[int, int]]]:
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    ref = root.find(M + "dimension").get("ref").split(":")
    (r0, c0), (r1, c1) = parse_a1(ref[0]), parse_a1(ref[-1])
    return (r0, c0, r1, c1), {parse_a1(c.get("r")) for c in root.iter(M + "c")}


@pytest.mark.parametrize("declared", ["A1", "B2", None])
def test_dimension_covers_every_cell_after_sync(tmp_path, declared):
    path = _excel_table(tmp_path / "t.xlsx")
    if declared:
        _set_dimension(path, declared)
    assert sync(path).changed
    (r0, c0, r1, c1), cells = _dimension_and_cells(path)
    assert all(r0 <= r <= r1 and c0 <= c <= c1 for r, c in cells), ((r0, c0, r1, c1), sorted(cells)[-3:])
    assert (r0, c0) == (0, 0) and (r1, c1) == (max(r for r, _ in cells), max(c for _, c in cells))
    writes_nothing(path)


# ---- Print_Area and a PDF export -----------------------------------------------------------------------------------
_LINK = re.compile(rb"/Subtype/Link.*?/Contents<([0-9A-F]+)>(/A<</Type/Action/S/URI/URI\((.*?)\)>>|/Dest\[)")


@pytest.mark.libreoffice
def test_a_pdf_export_with_a_print_area_follows_every_report_link(tmp_path):
    soffice = shutil.which("soffice") or missing("soffice not installed")
    wb, ws = _plain(8, 1)
    ws.append(["Broken", "Bob", "not a date", "weird"])
    ws.print_area = "A1:B10"  # the deadlines and sync's columns are not printed
    path = tmp_path / "printed.xlsx"
    wb.save(path)
    result = sync(path)
    assert any(f.cell and f.cell[0] in "CDEFG" for f in result.report.findings)
    proc = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(path)],
                          capture_output=True, text=True, timeout=300)
    pdf = tmp_path / "pdf" / "printed.pdf"
    assert proc.returncode == 0 and pdf.exists(), proc.stderr
    links = _LINK.findall(pdf.read_bytes())
    assert len(links) == sum(1 for f in result.report.findings if f.cell)
    broken = [bytes.fromhex(text.decode()).decode("utf-16") for text, target, uri in links if target.startswith(b"/A")
              and uri == b""]
    assert broken == []  # each report link lands on a printed cell (an empty link is what LibreOffice makes else)


# ---- the corpus ----------------------------------------------------------------------------------------------------
_TABLE = [["任务", "负责人", "截止日期", "状态"]] + [
    [f"任务{i}", "张三", dt.date(2026, 9, 2 + 2 * i), ["进行中", "已完成", "未开始"][i % 3]] for i in range(6)]


def _with_a_task_table(data: bytes) -> bytes:
    """The workbook with a small task table typed into its first worksheet, right of everything on it (an XML
    edit of that sheet only), so every corpus workbook becomes a tracker whatever else it holds."""
    sheet, part = first_worksheet(data)
    root = etree.fromstring(members(data)[part])
    right = max((parse_a1(c.get("r"))[1] for c in root.iter(M + "c") if c.get("r")), default=-1)
    for m in root.iter(M + "mergeCell"):
        right = max(right, parse_a1(m.get("ref").split(":")[-1])[1])
    left = right + 3
    cells = [CellWrite(r, left + c, v, number_format="yyyy-mm-dd" if isinstance(v, dt.date) else None)
             for r, row in enumerate(_TABLE) for c, v in enumerate(row)]
    return patch_bytes(data, WorkbookPatch(sheet, cells, [], None))


@pytest.mark.parametrize("name", corpus_params(exclude=(STRICT,)))
def test_every_corpus_workbook_is_a_fixed_point(tmp_path, name):
    need_corpus()
    data = (CORPUS / name).read_bytes()
    for label, book in (("as-is", data), ("with-a-task-table", _with_a_task_table(data))):
        path = tmp_path / f"{label}-{name}"
        path.write_bytes(book)
        try:
            first = sync(path)
        except SheetsyncError as e:  # not a tracker: nothing to sync, and nothing written
            assert label == "as-is" and e.code in ("no-task-table", "not-row-per-task", "no-tasks"), (label, e.code)
            assert path.read_bytes() == book
            continue
        one_trio(path, first)
        writes_nothing(path)


def test_the_corpus_workbooks_kept_as_excel_tables_sync_as_they_are(tmp_path):
    """The two corpus workbooks whose task list is an Excel table: synced as they are, then moved."""
    need_corpus()
    for name in ("en_ms-template_project-todo-list.xltx", "poi_StructuredRefs-lots-with-lookups.xlsx"):
        path = tmp_path / name
        path.write_bytes((CORPUS / name).read_bytes())
        one_trio(path, sync(path))
        writes_nothing(path)


# ---- Google --------------------------------------------------------------------------------------------------------
def test_google_columns_moved_with_move_dimension_are_found_again(tmp_path, emu):
    _, key = tracker(tmp_path, emu)
    first = api.sync(f"gsheet:{key}", today="2026-09-21")
    cols = first.plan.columns
    table = first.report.table
    sheet_id = emu.sheet_properties(key, table.sheet)["sheetId"]
    due = cols["m_due"]
    assert [cols["m_due"], cols["m_health"], cols["m_flags"]] == [due, due + 1, due + 2]
    # the trio cut and put before column B, inside the table
    batch(emu, key, [{"moveDimension": {"source": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": due,
                                                   "endIndex": due + 3}, "destinationIndex": 1}}])
    head = emu.values(key, table.sheet)[table.header_row - 1]
    assert [managed_field(v) for v in head[1:4]] == ["m_due", "m_health", "m_flags"]
    moved = api.sync(f"gsheet:{key}", today="2026-09-21")
    assert moved.plan.columns == {"m_due": 1, "m_health": 2, "m_flags": 3}
    assert moved.plan.cells == []
    head = emu.values(key, table.sheet)[table.header_row - 1]
    assert sorted(managed_field(v) for v in head if managed_field(v)) == ["m_due", "m_flags", "m_health"]
    emu.request_log.clear()
    again = api.sync(f"gsheet:{key}", today="2026-09-21")
    assert not again.changed and calls(emu) == ["GET get", "GET /values:batchGet"]
    # a column inserted before them (and before the table): found one further right
    batch(emu, key, [{"insertDimension": {"range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": 0,
                                                    "endIndex": 1}}}])
    shifted = api.sync(f"gsheet:{key}", today="2026-09-21")
    assert shifted.plan.columns == {"m_due": 2, "m_health": 3, "m_flags": 4} and shifted.plan.cells == []
    head = emu.values(key, table.sheet)[table.header_row - 1]
    assert sorted(managed_field(v) for v in head if managed_field(v)) == ["m_due", "m_flags", "m_health"]
    emu.request_log.clear()
    assert not api.sync(f"gsheet:{key}", today="2026-09-21").changed
    assert calls(emu) == ["GET get", "GET /values:batchGet"]


def test_a_merge_a_person_made_over_syncs_columns_is_refused_in_one_line(tmp_path):
    path = _excel_table(tmp_path / "table.xlsx")
    sync(path)
    wb = openpyxl.load_workbook(path)
    wb["Tasks"].merge_cells("E5:F5")  # a task's Due and Health merged: its Health cell is gone from sight
    wb.save(path)
    data = path.read_bytes()
    with pytest.raises(SheetsyncError) as err:
        sync(path)
    assert err.value.code == "managed-cell-merged" and "E5:F5" in err.value.en and "E5:F5" in err.value.zh
    assert "\n" not in err.value.en and "\n" not in err.value.zh
    assert path.read_bytes() == data


def test_a_vertical_merge_right_of_the_table_is_passed_over(tmp_path):
    wb, ws = _plain(5, 3)
    ws.merge_cells("E2:E4")  # an empty block a person merged beside the table
    path = tmp_path / "v.xlsx"
    wb.save(path)
    result = sync(path)
    assert sorted(result.plan.columns.values()) == [5, 6, 7]
    writes_nothing(path)


# ---- an invariant: wherever the columns stand ----------------------------------------------------------------------
_PERSON = {"en": ["Task", "Owner", "Deadline", "Status"], "zh": ["任务", "负责人", "截止日期", "状态"]}
_SYNC = {"en": ["Due", "Health", "Flags"], "zh": ["计划截止", "健康度", "提示"]}


def _columns_read(order: list[int], lang: str, health_values: list[str]):
    """The engine's reading of a sheet whose seven columns (the person's four, sync's three) stand in `order`."""
    from sheetsync.engine import analyse
    from sheetsync.labels import HEALTH_LABELS
    from sheetsync.model import SheetData, WorkbookData
    heads = _PERSON[lang] + _SYNC[lang]
    status = "进行中" if lang == "zh" else "In progress"
    rows = [[None] * 7 for _ in range(7)]
    for k, c in enumerate(order):
        rows[0][c] = heads[k]
    for i in range(1, 7):
        values = [f"Task {i}", "Ann", dt.date(2026, 9, 2 * i), status, dt.date(2026, 9, 2 * i),
                  health_values[i % len(health_values)] if health_values else HEALTH_LABELS[lang]["ok"], ""]
        for k, c in enumerate(order):
            rows[i][c] = values[k]
    report = analyse(WorkbookData("t.xlsx", [SheetData("Tasks", rows)]), dt.date(2026, 9, 1))
    return report.table


@settings(max_examples=60, deadline=None)
@given(order=st.permutations(range(7)), lang=st.sampled_from(["zh", "en"]))
def test_syncs_columns_are_found_wherever_they_stand_and_a_persons_rag_column_never(order, lang):
    table = _columns_read(order, lang, [])
    assert table.managed == {"m_due": order[4], "m_health": order[5], "m_flags": order[6]}
    assert {f: table.columns[f] for f in ("task", "owner", "deadline", "status")} == dict(
        zip(("task", "owner", "deadline", "status"), order[:4]))
    rag = _columns_read(order, lang, ["Green", "Amber", "Red"])  # the same headers over a person's RAG column
    assert min(rag.managed.values()) >= 7  # none of their seven columns is taken: sync's own go right of them
