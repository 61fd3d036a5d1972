"""The safe write's read-back check (xlsx/verify.py, lxml only) on real packages: a good copy passes, and a copy
with a managed cell changed, a damaged zip member, a broken XML part or a lost member is refused, so the
tracker is left alone."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from sheetsync.xlsx.patch import CellWrite, patch_bytes
from sheetsync.xlsx.verify import Unverified, verify_package

from support.patcher_fixtures import first_worksheet, make_tracker, members, tracker_patch

TASK_PART = "xl/worksheets/sheet1.xml"


@pytest.fixture
def written(tmp_path):
    """(original bytes, patch, patched bytes) of a real tracker."""
    path = make_tracker(tmp_path / "tracker.xlsx")
    original = path.read_bytes()
    patch = tracker_patch()
    return original, patch, patch_bytes(original, patch, name=path.name)


def _rezip(data: bytes, replace: dict[str, bytes] | None = None, drop: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename == drop:
                continue
            zout.writestr(info.filename, (replace or {}).get(info.filename, zin.read(info)))
    return out.getvalue()


def _check(tmp_path, data: bytes, original: bytes, patch) -> None:
    target = tmp_path / "copy.xlsx"
    target.write_bytes(data)
    verify_package(target, original, patch)


def test_the_patched_copy_passes(tmp_path, written):
    original, patch, new = written
    assert first_worksheet(new)[1] == TASK_PART
    _check(tmp_path, new, original, patch)


def test_a_changed_managed_cell_is_refused(tmp_path, written):
    original, patch, new = written
    sheet = members(new)[TASK_PART]
    assert sheet.count("逾期".encode()) >= 3
    changed = sheet.replace("逾期".encode(), "正常".encode(), 1)  # the Health of row 2 now says OK
    with pytest.raises(Unverified, match=r"cell \(1, 6\) reads back '正常' instead of '逾期'"):
        _check(tmp_path, _rezip(new, {TASK_PART: changed}), original, patch)


def test_a_date_that_lost_its_value_is_refused(tmp_path, written):
    original, patch, new = written
    planned = next(w for w in patch.cells if isinstance(w.value, dt.date) and w.row == 1)
    serial = (planned.value - dt.date(1899, 12, 30)).days
    sheet = members(new)[TASK_PART]
    assert f"<v>{serial}</v>".encode() in sheet
    changed = sheet.replace(f"<v>{serial}</v>".encode(), f"<v>{serial + 1}</v>".encode(), 1)
    with pytest.raises(Unverified, match=r"cell \(1, 5\) reads back"):
        _check(tmp_path, _rezip(new, {TASK_PART: changed}), original, patch)


def test_a_missing_managed_cell_is_refused(tmp_path, written):
    original, patch, new = written
    patch.cells.append(CellWrite(40, 6, "逾期"))  # planned, but the copy never got it
    with pytest.raises(Unverified, match=r"cell \(40, 6\) reads back None"):
        _check(tmp_path, new, original, patch)


def test_a_truncated_zip_member_is_refused(tmp_path, written):
    original, patch, new = written
    with zipfile.ZipFile(io.BytesIO(new)) as zf:
        info = zf.getinfo("xl/styles.xml")  # not a part the check parses: only its inflation can tell
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    damaged = bytearray(new)
    damaged[start + info.compress_size // 2: start + info.compress_size] = bytes(
        info.compress_size - info.compress_size // 2)  # the second half of its deflate stream zeroed
    with pytest.raises(Unverified):
        _check(tmp_path, bytes(damaged), original, patch)


def test_a_flipped_byte_in_a_copied_member_is_refused(tmp_path, written):
    """A member the patch did not change, damaged on the way to disk: only its CRC can tell."""
    original, patch, new = written
    stored = _stored_copy(new)
    with zipfile.ZipFile(io.BytesIO(stored)) as zf:
        info = zf.getinfo("docProps/app.xml")
    assert "docProps/app.xml" in members(original)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    damaged = bytearray(stored)
    damaged[start + info.file_size // 2] ^= 0x01
    with pytest.raises(Unverified, match="CRC"):
        _check(tmp_path, bytes(damaged), original, patch)


def test_a_truncated_file_is_refused(tmp_path, written):
    original, patch, new = written
    with pytest.raises(Unverified):
        _check(tmp_path, new[: len(new) - 200], original, patch)


def _stored_copy(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
    return out.getvalue()


@pytest.mark.parametrize("part", [TASK_PART, "xl/workbook.xml", "[Content_Types].xml", "report"])
def test_a_broken_xml_part_is_refused(tmp_path, written, part):
    original, patch, new = written
    parts = members(new)
    if part == "report":
        part = next(p for p in parts if p.startswith("xl/worksheets/") and b"sheetsync report" in parts[p])
    broken = parts[part][: len(parts[part]) * 2 // 3]  # cut off mid-document
    with pytest.raises(Unverified):
        _check(tmp_path, _rezip(new, {part: broken}), original, patch)


def test_a_lost_member_is_refused(tmp_path, written):
    original, patch, new = written
    assert "xl/styles.xml" in members(original)
    with pytest.raises(Unverified, match="missing"):
        _check(tmp_path, _rezip(new, drop="docProps/core.xml"), original, patch)


def _row_without_refs(sheet: bytes, row: int, drop_first: bool = False) -> bytes:
    """Row `row` (1-based) with its cells' r attributes removed (a cell then counts by position)."""
    from lxml import etree
    root = etree.fromstring(sheet)
    ns = root.nsmap[None]
    el = next(r for r in root.iter("{%s}row" % ns) if r.get("r") == str(row))
    cells = list(el.iterchildren("{%s}c" % ns))
    assert [c.get("r") for c in cells][:8] == [f"{x}{row}" for x in "ABCDEFGH"]
    for c in cells:
        del c.attrib["r"]
    if drop_first:
        el.remove(cells[0])  # every later cell now sits one column to the left
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def test_cells_without_references_count_by_position(tmp_path, written):
    original, patch, new = written
    sheet = members(new)[TASK_PART]
    _check(tmp_path, _rezip(new, {TASK_PART: _row_without_refs(sheet, 4)}), original, patch)
    with pytest.raises(Unverified, match=r"cell \(3, \d\) reads back"):
        _check(tmp_path, _rezip(new, {TASK_PART: _row_without_refs(sheet, 4, drop_first=True)}), original, patch)
