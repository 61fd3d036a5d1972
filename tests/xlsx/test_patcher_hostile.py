"""Hostile packages: entity expansion and zip bombs are refused before anything is inflated or expanded."""
from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sheetsync.xlsx.patch import PatchRefused, patch_bytes
from sheetsync.xlsx.safe_write import apply_patch

from support.hostile_packages import LAUGHS, forge_size, replace_part
from support.patcher_fixtures import make_tracker, tracker_patch


def _run_bounded(tmp_path: Path, data: bytes) -> dict:
    """patch_bytes in a fresh interpreter: its peak RSS and the refusal it gave."""
    target = tmp_path / "hostile.xlsx"
    target.write_bytes(data)
    code = (
        "import json, resource, sys\n"
        "sys.path.insert(0, sys.argv[2])\n"
        "from support.patcher_fixtures import tracker_patch\n"
        "from sheetsync.xlsx.patch import PatchRefused, patch_bytes\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        "    patch_bytes(open(sys.argv[1], 'rb').read(), tracker_patch())\n"
        "    out = {'refused': None}\n"
        "except PatchRefused as e:\n"
        "    out = {'refused': e.en, 'zh': e.zh, 'code': e.code}\n"
        "out['grew_kib'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base\n"
        "print(json.dumps(out))\n")
    proc = subprocess.run([sys.executable, "-c", code, str(target), str(Path(__file__).resolve().parents[1])],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_billion_laughs_in_a_sheet_is_refused(tmp_path):
    data = replace_part(make_tracker(tmp_path / "t.xlsx").read_bytes(), "xl/worksheets/sheet1.xml", LAUGHS)
    out = _run_bounded(tmp_path, data)
    assert out["code"] == "hostile-xml" and "DOCTYPE" in out["refused"] and "DOCTYPE" in out["zh"]
    assert out["grew_kib"] < 64 * 1024


def test_doctype_behind_a_long_comment_in_styles_is_refused(tmp_path):
    source = make_tracker(tmp_path / "t.xlsx").read_bytes()
    styles = zipfile.ZipFile(io.BytesIO(source)).read("xl/styles.xml")
    body = styles.split(b"?>", 1)[-1]  # openpyxl writes no declaration
    hostile = (b'<?xml version="1.0"?><!--' + b"x" * 20000 + b'-->'
               + b'<!DOCTYPE s [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>' + body)
    with pytest.raises(PatchRefused) as err:
        patch_bytes(replace_part(source, "xl/styles.xml", hostile), tracker_patch())
    assert err.value.code == "hostile-xml"


def test_high_ratio_member_is_refused_without_inflating_it(tmp_path):
    source = make_tracker(tmp_path / "t.xlsx").read_bytes()
    sheet = zipfile.ZipFile(io.BytesIO(source)).read("xl/worksheets/sheet1.xml")
    padded = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * (200 << 20), 1)
    data = replace_part(source, "xl/worksheets/sheet1.xml", padded, level=9)
    assert len(data) < 2 << 20
    out = _run_bounded(tmp_path, data)
    assert out["code"] == "zip-bomb" and "sheet1.xml" in out["refused"] and "压缩炸弹" in out["zh"]
    assert out["grew_kib"] < 64 * 1024  # 200 MiB were never inflated


def test_declared_huge_member_is_refused_and_the_file_kept(tmp_path):
    path = make_tracker(tmp_path / "t.xlsx")
    forged = forge_size(path.read_bytes(), b"xl/worksheets/sheet1.xml", 0xFFFF0000)
    path.write_bytes(forged)
    with pytest.raises(PatchRefused) as err:
        apply_patch(path, tracker_patch())
    assert err.value.code == "zip-bomb" and "MiB" in err.value.en
    assert path.read_bytes() == forged
