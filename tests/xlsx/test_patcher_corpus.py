"""Preservation over every real workbook in the corpus: only the managed cells, owned rules and report change."""
from __future__ import annotations

import datetime as dt
import io
import warnings

import openpyxl
import pytest
import python_calamine as pc

from sheetsync.model import quote_sheet
from sheetsync.xlsx.patch import PatchRefused, owned_rule, patch_bytes
from sheetsync.xlsx.safe_write import same_value

from support.patcher_fixtures import (CORPUS, corpus_params, need_corpus, M, R, STRICT, TABLE, canonical, corpus_files, corpus_ids, first_worksheet,
                              free_row, managed_positions, members, names, strip_managed, task_patch, xml)

TOUCHED = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"}


def _openpyxl(data: bytes):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        return wb if wb.sheetnames else None
    except Exception:
        return None


def test_corpus_is_complete():
    assert len(corpus_files()) == 22


@pytest.mark.parametrize("name", corpus_params(exclude=(STRICT,)))
def test_patch_preserves_everything_else(name):
    need_corpus()
    before = (CORPUS / name).read_bytes()
    sheet, part = first_worksheet(before)
    old = members(before)
    top = free_row(old[part])
    patch = task_patch(sheet, top)
    after = patch_bytes(before, patch, name=name)
    new = members(after)

    # members: same names in the same order, the report part appended, untouched members byte-identical
    added = [n for n in names(after) if n not in old]
    assert names(after)[: len(old)] == names(before)
    assert len(added) == 1 and added[0].startswith("xl/worksheets/sheet")
    for member, data in old.items():
        if member not in TOUCHED | {part}:
            assert new[member] == data, member

    # the task sheet: equal to the original once managed cells and owned rules are removed
    a, b = xml(old[part]), xml(new[part])
    strip_managed(a, managed_positions(patch))
    strip_managed(b, managed_positions(patch))
    assert canonical(a) == canonical(b)
    root = xml(new[part])
    dim = root.find(M + "dimension").get("ref").split(":")
    (dr0, dc0), (dr1, dc1) = _pos(dim[0]), _pos(dim[-1])
    assert all(dr0 <= w.row <= dr1 and dc0 <= w.col <= dc1 for w in patch.cells)
    owned = [r for r in root.iter(M + "cfRule") if owned_rule(r.findtext(M + "formula"))]
    assert len(owned) == 3
    assert [r.get("stopIfTrue") for r in owned] == ["1", None, None]
    user_priorities = [int(r.get("priority")) for r in root.iter("{*}cfRule") if r not in owned and r.get("priority")]
    assert all(int(r.get("priority")) > max(user_priorities, default=0) for r in owned)
    assert not [c for c in root.iter(M + "c") if (c.get("r") and c.find(M + "f") is not None
                                                   and _pos(c.get("r")) in managed_positions(patch))]
    order = [el.tag.split("}")[1] for el in root if isinstance(el.tag, str)]
    cf_at = max(i for i, t in enumerate(order) if t == "conditionalFormatting")
    for later in ("dataValidations", "hyperlinks", "pageMargins", "drawing", "legacyDrawing", "tableParts", "extLst"):
        if later in order:
            assert order.index(later) > cf_at, (later, order)
    for earlier in ("sheetData", "mergeCells", "autoFilter"):
        if earlier in order:
            assert order.index(earlier) < cf_at
    assert root.nsmap == xml(old[part]).nsmap
    ignorable = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Ignorable"
    assert root.get(ignorable) == xml(old[part]).get(ignorable)

    # styles: every original entry in place, new ones only appended, counts right
    s0, s1 = xml(old["xl/styles.xml"]), xml(new["xl/styles.xml"])
    kids0 = {el.tag: el for el in s0}
    for el in s1:
        if el.tag not in kids0:
            assert el.tag in (M + "dxfs", M + "numFmts")
            continue
        orig = kids0[el.tag]
        n0 = [canonical(c) for c in orig]
        n1 = [canonical(c) for c in el]
        assert n1[: len(n0)] == n0, el.tag
        if el.get("count") is not None:
            assert int(el.get("count")) == len(el), el.tag
        assert {k: v for k, v in el.attrib.items() if k != "count"} == {k: v for k, v in orig.attrib.items() if k != "count"}
    assert len(s1) >= len(s0)

    # workbook, relationships, content types: only the appended entries differ
    _only_appended(old["xl/workbook.xml"], new["xl/workbook.xml"], M + "sheets")
    _only_appended(old["xl/_rels/workbook.xml.rels"], new["xl/_rels/workbook.xml.rels"], None)
    _only_appended(old["[Content_Types].xml"], new["[Content_Types].xml"], None)
    ct = xml(new["[Content_Types].xml"])
    wb_type = [o.get("ContentType") for o in ct if o.get("PartName") == "/xl/workbook.xml"]
    assert wb_type == [o.get("ContentType") for o in xml(old["[Content_Types].xml"]) if o.get("PartName") == "/xl/workbook.xml"]

    # readers: calamine reads the managed cells back; openpyxl opens it whenever it opened the original
    book = pc.CalamineWorkbook.from_filelike(io.BytesIO(after))
    rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    for w in patch.cells:
        assert same_value(w.value, rows[w.row][w.col]), (w, rows[w.row][w.col])
    report = book.get_sheet_by_name("sheetsync").to_python(skip_empty_area=False)
    assert report[0][0] == "sheetsync report" and report[2][2] == "日期无效 & <check>"
    assert isinstance(report[1][1], dt.date)
    if _openpyxl(before) is not None:
        wb = _openpyxl(after)
        assert wb is not None
        ws = wb[sheet]
        top = min(w.row for w in patch.cells)
        got = {(r, c): cell for r, row in enumerate(ws.iter_rows(min_row=top + 1, max_row=top + len(TABLE)), top)
               for c, cell in enumerate(row) if cell.value is not None}
        for w in patch.cells:
            assert got[(w.row, w.col)].data_type != "f"
            if isinstance(w.value, str):
                assert got[(w.row, w.col)].value == w.value
        assert [row[0].value for row in wb["sheetsync"].iter_rows(max_row=1)] == ["sheetsync report"]
    links = xml(new[added[0]]).find(M + "hyperlinks")
    # the same cell as an absolute reference (LibreOffice reads a relative C9 as R1C1), or, when the sheet has a
    # print area that leaves it out, a printed cell (a PDF export links only to printed cells)
    [(ref, location, rid)] = [(h.get("ref"), h.get("location"), h.get(R + "id")) for h in links]
    assert (ref, rid) == ("B3", None)
    printed = [d for d in xml(new["xl/workbook.xml"]).iter(M + "definedName") if d.get("name") == "_xlnm.Print_Area"]
    cell = patch.report.links[(2, 1)].rsplit("!", 1)[1]  # C and the row
    if not printed:
        assert location == f"{quote_sheet(sheet)}!${cell[0]}${cell[1:]}"
    else:
        assert location.startswith(quote_sheet(sheet) + "!$")

    # a second run with the same patch changes nothing
    assert patch_bytes(after, patch) is after


def _pos(ref):
    from sheetsync.model import parse_a1
    return parse_a1(ref)


def _only_appended(old: bytes, new: bytes, container: str | None) -> None:
    a, b = xml(old), xml(new)
    pa = a if container is None else a.find(container)
    pb = b if container is None else b.find(container)
    assert len(pb) == len(pa) + 1
    pb.remove(pb[-1])
    assert canonical(a) == canonical(b)


def test_iso_strict_is_refused_untouched():
    need_corpus()
    before = (CORPUS / STRICT).read_bytes()
    with pytest.raises(PatchRefused) as err:
        patch_bytes(before, task_patch("Sheet1", 50), name=STRICT)
    assert "ISO Strict" in err.value.en and "ISO Strict" in err.value.zh
    assert (CORPUS / STRICT).read_bytes() == before


def test_table_has_formula_looking_text():
    assert any(isinstance(v, str) and v[:1] in "=+@" for row in TABLE for v in row)


@pytest.mark.parametrize("name", corpus_params(exclude=(STRICT,)))
def test_string_and_tree_engines_agree(name):
    """The fast string-level sheetData writer and the lxml tree writer give the same sheet and styles."""
    need_corpus()
    before = (CORPUS / name).read_bytes()
    sheet, part = first_worksheet(before)
    patch = task_patch(sheet, free_row(members(before)[part]))
    fast, tree = members(patch_bytes(before, patch)), members(patch_bytes(before, patch, engine="tree"))
    assert canonical(xml(fast[part])) == canonical(xml(tree[part]))
    assert {k: v for k, v in fast.items() if k != part} == {k: v for k, v in tree.items() if k != part}
