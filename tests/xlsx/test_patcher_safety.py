"""apply_patch on real files: idempotence, backups, refusals that leave the file byte-identical, verification."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import shutil
import zipfile

import pytest
import python_calamine as pc

from sheetsync.xlsx.patch import CellWrite, PatchRefused, WorkbookPatch, mark, owned_rule, patch_bytes
from sheetsync.xlsx.safe_write import apply_patch

from support import package_shapes
from support.needs import missing
from support.patcher_fixtures import CORPUS, M, STRICT, make_tracker, members, tracker_patch, xml


def corpus_file(name: str):
    """A real workbook from ../shared/corpus; the built-package test of the same shape runs without it."""
    path = CORPUS / name
    if not path.is_file():
        missing(f"corpus file not found: {path} (set SHEETSYNC_CORPUS)")
    return path

CJK = re.compile(r"[\u4e00-\u9fff]")


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cells(path, sheet="任务"):
    return pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def _sheet_xml(path, part="xl/worksheets/sheet1.xml"):
    return xml(members(path.read_bytes())[part])


def test_apply_writes_cells_rules_report_and_backup(tmp_path):
    path = make_tracker(tmp_path / "tracker.xlsx")
    original = path.read_bytes()
    result = apply_patch(path, tracker_patch(), expected_sha256=_sha(path))
    assert result.changed and result.sha256_before == hashlib.sha256(original).hexdigest()
    assert result.sha256_after == _sha(path)
    assert result.backup.parent == tmp_path / ".sheetsync" / "backups"
    assert result.backup.read_bytes() == original
    rows = _cells(path)
    assert rows[0][5:8] == ["Due", "Health", "Flags"]
    assert rows[1][5] == dt.date(2026, 7, 4) and rows[1][6] == "逾期" and rows[3][7] == "E-date"
    assert rows[1][0] == "T-1" and rows[1][4] == dt.date(2026, 7, 1)
    root = _sheet_xml(path)
    f2 = [c for c in root.iter(M + "c") if c.get("r") == "F2"][0]
    assert f2.find(M + "f") is None  # the old formula in a managed cell is gone
    assert root.find(M + "dimension").get("ref") == "A1:H20"  # was A1:G20
    report = _cells(path, "sheetsync")
    assert report[0][0] == "sheetsync report" and report[1][2] == "日期无效"
    assert not list(tmp_path.glob(".~sheetsync-*"))


def test_second_apply_changes_nothing_and_keeps_mtime(tmp_path):
    path = make_tracker(tmp_path / "tracker.xlsx")
    apply_patch(path, tracker_patch())
    data, mtime = path.read_bytes(), path.stat().st_mtime_ns
    os.utime(path, ns=(mtime - 10_000_000_000, mtime - 10_000_000_000))
    mtime = path.stat().st_mtime_ns
    again = apply_patch(path, tracker_patch(), expected_sha256=_sha(path))
    assert again.changed is False and again.backup is None
    assert again.sha256_before == again.sha256_after == hashlib.sha256(data).hexdigest()
    assert path.read_bytes() == data and path.stat().st_mtime_ns == mtime
    assert len(list((tmp_path / ".sheetsync" / "backups").iterdir())) == 1


def test_backups_keep_the_last_n(tmp_path):
    path = make_tracker(tmp_path / "tracker.xlsx")
    for day in range(1, 6):
        patch = tracker_patch()
        patch.cells.append(CellWrite(10, 10, f"run {day}"))
        apply_patch(path, patch, backups=3)
    kept = sorted((tmp_path / ".sheetsync" / "backups").iterdir())
    assert len(kept) == 3
    assert _cells(kept[-1])[10][10] == "run 4"  # the newest backup is the version before the last run
    patch = tracker_patch()
    patch.cells.append(CellWrite(10, 10, "no backup"))
    assert apply_patch(path, patch, backups=0).backup is None
    assert len(list((tmp_path / ".sheetsync" / "backups").iterdir())) == 3


def _refused(path, patch=None, **kw) -> PatchRefused:
    before = path.read_bytes() if path.exists() else None
    mtime = path.stat().st_mtime_ns if path.exists() else None
    with pytest.raises(PatchRefused) as err:
        apply_patch(path, patch or tracker_patch(), **kw)
    if before is not None:
        assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime
    assert not list(path.parent.glob(".~sheetsync-*"))
    assert err.value.en and CJK.search(err.value.zh) and err.value.en != err.value.zh
    return err.value


def test_refuses_when_excel_has_it_open(tmp_path):
    path = make_tracker(tmp_path / "tracker.xlsx")
    (tmp_path / "~$tracker.xlsx").write_bytes(b"owner")
    err = _refused(path)
    assert "~$tracker.xlsx" in err.en and "~$tracker.xlsx" in err.zh and "Excel" in err.en


def test_refuses_when_the_file_changed_since_it_was_read(tmp_path):
    path = make_tracker(tmp_path / "tracker.xlsx")
    stale = _sha(path)
    apply_patch(path, WorkbookPatch("任务", [CellWrite(0, 10, "someone else")], [], None))
    err = _refused(path, expected_sha256=stale)
    assert "changed" in err.en


def test_refuses_what_is_not_a_zip(tmp_path):
    path = tmp_path / "tracker.xlsx"
    path.write_bytes(b"ID,Task\nT-1,poster\n")
    assert "not" in _refused(path).en


def test_refuses_an_encrypted_ole_file(tmp_path):
    path = tmp_path / "secret.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    assert "encrypted" in _refused(path).en


def test_refuses_iso_strict(tmp_path):
    path = package_shapes.iso_strict(tmp_path / "strict.xlsx")
    assert "ISO Strict" in _refused(path, WorkbookPatch("Sheet1", [CellWrite(40, 0, "x")], [], None)).en


def test_refuses_a_real_iso_strict_workbook(tmp_path):
    path = tmp_path / "strict.xlsx"
    shutil.copy(corpus_file(STRICT), path)
    assert "ISO Strict" in _refused(path, WorkbookPatch("Sheet1", [CellWrite(40, 0, "x")], [], None)).en


def test_refuses_unknown_sheet_chartsheet_and_a_foreign_report_sheet(tmp_path):
    path = make_tracker(tmp_path / "tracker.xlsx")
    assert "no sheet" in _refused(path, WorkbookPatch("Tasks", [CellWrite(0, 0, "x")], [], None)).en
    charts = package_shapes.with_chartsheet(tmp_path / "charts.xlsx", "Chart2")
    assert "not a worksheet" in _refused(charts, WorkbookPatch("Chart2", [CellWrite(0, 0, "x")], [], None)).en
    patch = tracker_patch()
    patch.report.title = "Notes"  # a person's sheet, not ours
    assert "not written by sheetsync" in _refused(path, patch).en


def test_a_failing_verification_leaves_the_file_alone(tmp_path):
    path = make_tracker(tmp_path / "tracker.xlsx")

    def reject(tmp):
        assert tmp.parent == path.parent and tmp.exists()
        raise PatchRefused("custom check failed", "自定义校验失败")

    err = _refused(path, verify=reject)
    assert err.en == "custom check failed"


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2", "@x", '=IMPORTXML("http://127.0.0.1/x","//a")',
                                  "=HYPERLINK(\"http://evil\",\"click\")"])
def test_formula_looking_text_stays_text(tmp_path, text):
    path = make_tracker(tmp_path / "tracker.xlsx")
    apply_patch(path, WorkbookPatch("任务", [CellWrite(1, 5, text), CellWrite(30, 2, text)], [], None))
    root = _sheet_xml(path)
    for ref in ("F2", "C31"):
        c = [c for c in root.iter(M + "c") if c.get("r") == ref][0]
        assert c.get("t") == "inlineStr" and c.find(M + "f") is None
        assert c.find(M + "is").findtext(M + "t") == text
    rows = _cells(path)
    assert rows[1][5] == text and rows[30][2] == text


def test_refuses_the_chart_sheet_of_a_real_workbook(tmp_path):
    charts = tmp_path / "charts.xlsx"
    shutil.copy(corpus_file("poi_WithChartSheet.xlsx"), charts)
    assert "not a worksheet" in _refused(charts, WorkbookPatch("Chart2", [CellWrite(0, 0, "x")], [], None)).en


@pytest.mark.parametrize("origin", ["built", "corpus"])
def test_overwriting_a_formula_drops_its_calc_chain_entry(origin):
    if origin == "built":
        data = package_shapes.with_calc_chain()
    else:
        data = corpus_file("poi_NewStyleConditionalFormattings.xlsx").read_bytes()
    out = patch_bytes(data, WorkbookPatch("CF", [CellWrite(1, 2, "=IMPORTXML(1)"), CellWrite(3, 3, 7)], [], None))
    chain = [(c.get("r"), c.get("i")) for c in xml(members(out)["xl/calcChain.xml"])]
    old = [(c.get("r"), c.get("i")) for c in xml(members(data)["xl/calcChain.xml"])]
    assert ("C2", "1") in old and ("D4", "1") in old
    assert [e for e in old if e[0] not in ("C2", "D4")] == chain
    with pytest.raises(PatchRefused) as err:  # D2 is the master of a shared formula covering D2:U17
        patch_bytes(data, WorkbookPatch("CF", [CellWrite(1, 3, "x")], [], None))
    assert "D2:U17" in err.value.en and "D2:U17" in err.value.zh


def test_owned_rules_are_replaced_and_user_rules_kept(tmp_path):
    path = make_tracker(tmp_path / "tracker.xlsx")
    user_before = [r for r in _sheet_xml(path).iter(M + "cfRule")]
    assert len(user_before) == 1
    apply_patch(path, tracker_patch(rules=3))
    dxfs = len(xml(members(path.read_bytes())["xl/styles.xml"]).find(M + "dxfs"))
    for rules in (2, 3, 1):
        apply_patch(path, tracker_patch(rules=rules))
        root = _sheet_xml(path)
        owned = [r for r in root.iter(M + "cfRule") if owned_rule(r.findtext(M + "formula"))]
        user = [r for r in root.iter(M + "cfRule") if not owned_rule(r.findtext(M + "formula"))]
        assert len(owned) == rules
        assert [(r.get("priority"), r.findtext(M + "formula")) for r in user] == \
               [(r.get("priority"), r.findtext(M + "formula")) for r in user_before]
        assert sorted(int(r.get("priority")) for r in owned) == list(range(2, 2 + rules))
        assert len(xml(members(path.read_bytes())["xl/styles.xml"]).find(M + "dxfs")) == dxfs  # dxfs reused
    apply_patch(path, WorkbookPatch("任务", [], [], None))
    root = _sheet_xml(path)
    assert [r.findtext(M + "formula") for r in root.iter(M + "cfRule")] == ['$D2="受阻"']


def test_none_clears_the_value_and_keeps_the_style(tmp_path):
    path = make_tracker(tmp_path / "tracker.xlsx")
    apply_patch(path, tracker_patch())
    styled = [c for c in _sheet_xml(path).iter(M + "c") if c.get("r") == "F3"][0].get("s")
    assert styled is not None
    apply_patch(path, WorkbookPatch("任务", [CellWrite(2, 5, None)], [], None))
    f3 = [c for c in _sheet_xml(path).iter(M + "c") if c.get("r") == "F3"][0]
    assert f3.get("s") == styled and f3.find(M + "v") is None and f3.get("t") is None
    assert _cells(path)[2][5] == ""


def test_new_cells_and_rows_land_in_order(tmp_path):
    path = make_tracker(tmp_path / "tracker.xlsx")
    writes = [CellWrite(14, 2, "mid"), CellWrite(3, 30, "far right"), CellWrite(3, 0, "T-3 again"),
              CellWrite(0, 27, True), CellWrite(25, 1, 42), CellWrite(11, 9, dt.datetime(2026, 7, 8, 8, 30))]
    apply_patch(path, WorkbookPatch("任务", writes, [], None))
    root = _sheet_xml(path)
    rows = [int(r.get("r")) for r in root.find(M + "sheetData")]
    assert rows == sorted(rows) and {15, 26, 12} <= set(rows)
    from sheetsync.model import parse_a1
    for row in root.find(M + "sheetData"):
        cols = [parse_a1(c.get("r"))[1] for c in row]
        assert cols == sorted(cols)
    got = _cells(path)
    assert got[14][2] == "mid" and got[3][30] == "far right" and got[3][0] == "T-3 again" and got[0][27] is True
    assert got[25][1] == 42.0 and got[11][9] == dt.datetime(2026, 7, 8, 8, 30)
    assert root.find(M + "dimension").get("ref") == "A1:AE26"


@pytest.mark.parametrize("origin", ["built", "corpus"])
def test_xlsm_and_template_keep_their_content_type(tmp_path, origin):
    for name, build in (("poi_testNames.xlsm", package_shapes.macro_enabled),
                        ("en_ms-template_project-todo-list.xltx", package_shapes.template)):
        path = tmp_path / name
        if origin == "built":
            build(path)
        else:
            shutil.copy(corpus_file(name), path)
        vba_before = members(path.read_bytes()).get("xl/vbaProject.bin")
        ct_before = members(path.read_bytes())["[Content_Types].xml"]
        sheet = pc.CalamineWorkbook.from_path(str(path)).sheet_names[0]
        result = apply_patch(path, WorkbookPatch(sheet, [CellWrite(60, 0, "x")], [], None))
        assert result.changed
        out = members(path.read_bytes())
        assert out["[Content_Types].xml"] == ct_before
        if name.endswith(".xlsm"):
            assert vba_before and out["xl/vbaProject.bin"] == vba_before
            assert b"macroEnabled" in out["[Content_Types].xml"]
        else:
            assert b"template.main" in out["[Content_Types].xml"]
        with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as z:
            assert z.testzip() is None


def test_marker_round_trip():
    assert mark('$O4="逾期"') == 'AND("sheetsync"="sheetsync",$O4="逾期")'
    assert owned_rule(mark("TRUE")) and owned_rule("=" + mark("TRUE"))
    assert owned_rule('and("sheetsync" = "sheetsync", $A1>0)')
    assert not owned_rule('AND("other"="other",TRUE)') and not owned_rule(None) and not owned_rule("$A1")


def _with_sheet(path, transform):
    src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info)
            z.writestr(info, transform(data) if info.filename == "xl/worksheets/sheet1.xml" else data)
    path.write_bytes(out.getvalue())


@pytest.mark.parametrize("engine", ["auto", "tree"])
def test_existing_cells_formulas_and_rows_agree_across_engines(tmp_path, engine):
    path = make_tracker(tmp_path / "tracker.xlsx")
    # a comment inside sheetData sends "auto" to the tree writer too; both must give the same result
    _with_sheet(path, lambda d: d.replace(b"<sheetData>", b"<sheetData><!-- kept -->", 1) if engine == "tree" else d)
    data = path.read_bytes()
    writes = [CellWrite(1, 5, "=E2+1 as text"), CellWrite(2, 1, None), CellWrite(3, 6, 3.25), CellWrite(9, 2, "new row"),
              CellWrite(0, 3, "状态", bold=True), CellWrite(4, 30, dt.date(2026, 2, 14))]
    out = patch_bytes(data, WorkbookPatch("任务", writes, [], None), engine=engine)
    path.write_bytes(out)
    rows = _cells(path)
    assert rows[1][5] == "=E2+1 as text" and rows[2][1] == "" and rows[3][6] == 3.25 and rows[9][2] == "new row"
    assert rows[0][3] == "状态" and rows[4][30] == dt.date(2026, 2, 14)
    assert rows[2][0] == "T-2" and rows[1][4] == dt.date(2026, 7, 1)
    root = xml(members(out)["xl/worksheets/sheet1.xml"])
    assert [c for c in root.iter(M + "c") if c.get("r") == "F2"][0].find(M + "f") is None
    if engine == "tree":
        assert b"<!-- kept -->" in members(out)["xl/worksheets/sheet1.xml"]
    assert patch_bytes(out, WorkbookPatch("任务", writes, [], None), engine=engine) is out


def test_a_missing_dimension_is_added_covering_every_cell(tmp_path):
    path = make_tracker(tmp_path / "tracker.xlsx")
    _with_sheet(path, lambda d: re.sub(rb"<dimension [^>]*/>", b"", d))
    assert _sheet_xml(path).find(M + "dimension") is None
    apply_patch(path, WorkbookPatch("任务", [CellWrite(3, 9, "x")], [], None))
    assert _sheet_xml(path).find(M + "dimension").get("ref") == "A1:J20"
    import openpyxl
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb["任务"].max_row == 20 and wb["任务"].max_column == 10
