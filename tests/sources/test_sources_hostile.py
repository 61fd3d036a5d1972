"""The read path (sheetsync.registry.read, `sheetsync validate`) refuses hostile packages with one clear line.
Found by tests/sources/test_stress_hostile.py: a billion-laughs sheet used to escape as calamine's raw XmlError."""
from __future__ import annotations

import io
import zipfile

import pytest

from sheetsync.model import SheetsyncError
from sheetsync.registry import read

from support.patcher_fixtures import make_tracker
from support.hostile_packages import LAUGHS, replace_part

DOCTYPE = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/styles.xml"])
def test_a_doctype_in_any_part_is_refused_on_read(tmp_path, part):
    base = make_tracker(tmp_path / "t.xlsx").read_bytes()
    body = LAUGHS if part.endswith("sheet1.xml") else DOCTYPE + zipfile.ZipFile(io.BytesIO(base)).read(part).split(b"?>", 1)[-1]
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(replace_part(base, part, body))
    with pytest.raises(SheetsyncError) as err:
        read(path)
    assert err.value.code == "hostile-xml" and part in err.value.en and "DOCTYPE" in err.value.zh


def test_a_sheet_calamine_cannot_parse_is_one_clean_error(tmp_path):
    base = make_tracker(tmp_path / "t.xlsx").read_bytes()
    # the DOCTYPE hides behind a comment longer than the prolog read: calamine's own error, wrapped
    hostile = b'<?xml version="1.0"?><!--' + b"x" * 70000 + b"-->" + LAUGHS.split(b"?>", 1)[1]
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(replace_part(base, "xl/worksheets/sheet1.xml", hostile))
    with pytest.raises(SheetsyncError) as err:
        read(path)
    assert err.value.code == "not-a-spreadsheet" and "\n" not in err.value.en and "无法读取" in err.value.zh


def _with_sheet(tmp_path, edit) -> "Path":
    base = make_tracker(tmp_path / "t.xlsx").read_bytes()
    sheet = zipfile.ZipFile(io.BytesIO(base)).read("xl/worksheets/sheet1.xml")
    path = tmp_path / "edited.xlsx"
    path.write_bytes(replace_part(base, "xl/worksheets/sheet1.xml", edit(sheet)))
    return path


@pytest.mark.parametrize("cell", [b'<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>',
                                  b"<c\tr = 'ZZ999999' t=\"inlineStr\"><is><t>x</t></is></c>",
                                  b'<c\nr="AAA20000"><v>1</v></c>'])
def test_one_cell_far_outside_the_table_is_refused_before_calamine_allocates_the_grid(tmp_path, cell):
    # calamine allocates A1..farthest cell densely: XFD1048576 aborted the process (a Rust allocation failure)
    path = _with_sheet(tmp_path, lambda s: s.replace(b"</sheetData>", b'<row r="1048576">' + cell + b"</row></sheetData>"
                                                    if b"1048576" in cell else b"<row>" + cell + b"</row></sheetData>"))
    with pytest.raises(SheetsyncError) as err:
        read(path)
    assert err.value.code == "too-large" and "million" in err.value.en and "百万" in err.value.zh


def test_a_merge_over_the_whole_sheet_fills_only_the_table(tmp_path):
    # mergeCell A1:XFD1048576 used to widen every row to 16384 cells (gigabytes on a big sheet)
    path = _with_sheet(tmp_path, lambda s: s.replace(b"</sheetData>", b'</sheetData><mergeCells count="1">'
                                                     b'<mergeCell ref="A1:XFD1048576"/></mergeCells>'))
    wb = read(path)
    width = max(len(r) for r in wb.sheets[0].rows)
    assert width < 50 and wb.sheets[0].merged[0] == (0, 0, 1048575, 16383)
