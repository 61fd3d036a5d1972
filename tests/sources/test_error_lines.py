"""Every error class has its own one line, in both languages, naming the file, never "internal error": a damaged
zip member (bad CRC, a zlib error), a member that appears twice (and no Python warning), a file caught
mid-save, a full disk (a real small filesystem, when the test may mount one)."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import struct
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pytest

from sheetsync.templates import create_tracker

MONDAY = dt.date(2026, 11, 23)
SHEET = "xl/worksheets/sheet1.xml"


def cli(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
    env["SHEETSYNC_STATE"] = str(cwd / "state" / "state.db")
    env["PYTHONWARNINGS"] = "default"  # a warning would be shown, so its absence means something
    return subprocess.run([sys.executable, "-m", "sheetsync", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120)


def good(folder: Path) -> bytes:
    path = create_tracker(folder / "good.xlsx", "campaign-launch", lang="en", today=MONDAY, scenario="demo")
    return path.read_bytes()


def bad_crc(data: bytes) -> bytes:
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET)
    return data.replace(struct.pack("<I", info.CRC), struct.pack("<I", info.CRC ^ 0xDEADBEEF))


def bad_deflate(data: bytes) -> bytes:
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET)
    off = info.header_offset
    name_len, extra_len = struct.unpack("<HH", data[off + 26:off + 30])
    start = off + 30 + name_len + extra_len
    out = bytearray(data)
    out[start + 20:start + 60] = b"\xff" * 40
    return bytes(out)


def twice(data: bytes) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the test makes the damaged file; sheetsync must not warn reading it
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                dst.writestr(info, src.read(info))
            dst.writestr(SHEET, src.read(SHEET))
    return out.getvalue()


CASES = {
    "bad-crc": (bad_crc, "part xl/worksheets/sheet1.xml is damaged (Bad CRC-32", "已损坏"),
    "zlib": (bad_deflate, "part xl/worksheets/sheet1.xml is damaged (Error -3", "已损坏"),
    "twice": (twice, "appears twice", "出现两次"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_damaged_package_is_its_own_line(tmp_path, case):
    spoil, en, zh = CASES[case]
    path = tmp_path / f"{case}.xlsx"
    path.write_bytes(spoil(good(tmp_path)))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    for command in ("validate", "sync"):
        for lang, want in (("en", en), ("zh", zh)):
            out = cli(command, path.name, "--today", MONDAY.isoformat(), "--lang", lang, cwd=tmp_path)
            lines = out.stderr.strip().splitlines()
            assert out.returncode == 2 and len(lines) == 1, out.stderr
            assert want in lines[0] and path.name in lines[0] and "internal error" not in lines[0], lines
            assert "内部错误" not in lines[0] and "Warning" not in out.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_file_caught_mid_save_says_so_and_a_cut_copy_says_that(tmp_path):
    data = good(tmp_path)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[:len(data) // 2])
    out = cli("validate", cut.name, "--lang", "en", cwd=tmp_path)
    assert out.returncode == 2 and "cut off while copying" in out.stderr
    saving = tmp_path / "saving.xlsx"
    saving.write_bytes(data[:len(data) // 2])
    (tmp_path / "~$saving.xlsx").write_bytes(b"owner")  # Excel's owner file: the workbook is open and saving
    for lang, want in (("en", "being saved right now"), ("zh", "正在保存")):
        out = cli("sync", saving.name, "--lang", lang, cwd=tmp_path)
        assert out.returncode == 2 and want in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode:
        pytest.skip("cannot mount a small filesystem here (needs root): the full-disk line is not exercised")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


def test_a_full_disk_is_one_line_and_the_tracker_as_it_was(tmp_path, small_disk):
    data = good(tmp_path)
    assert len(data) < 100_000, len(data)  # room for the tracker, not for its copy, its backup and a margin
    path = small_disk / "tracker.xlsx"
    path.write_bytes(data)
    for lang, want in (("en", "no space left"), ("zh", "磁盘空间不足")):
        out = cli("sync", path, "--today", MONDAY.isoformat(), "--lang", lang, cwd=tmp_path)
        lines = out.stderr.strip().splitlines()
        assert out.returncode == 2 and len(lines) == 1 and want in lines[0] and path.name in lines[0], out.stderr
        assert path.read_bytes() == data
    leftovers = [p for p in small_disk.rglob("*") if p.is_file() and p.name.startswith(".~sheetsync-")]
    assert leftovers == []
