"""LibreOffice as an independent reader: every patched corpus file converts, and the managed cells read back."""
from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from sheetsync.xlsx.patch import patch_bytes
from sheetsync.xlsx.safe_write import apply_patch

from support.needs import missing
from support.patcher_fixtures import (CORPUS, corpus_params, need_corpus, STRICT, TABLE, corpus_ids, first_worksheet, free_row, make_tracker, members,
                              task_patch, tracker_patch)

pytestmark = pytest.mark.libreoffice
# all sheets, each to <file>-<sheet>.csv, cell contents as shown (so number formats are checked too)
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


def _soffice() -> str:
    found = shutil.which("soffice")
    if not found:
        missing("soffice not installed")
    return found


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    soffice = _soffice()
    root = tmp_path_factory.mktemp("lo")
    inputs, outdir = root / "in", root / "out"
    inputs.mkdir()
    expected = {}
    for name in corpus_ids():
        if name == STRICT:
            continue
        data = (CORPUS / name).read_bytes()
        sheet, part = first_worksheet(data)
        top = free_row(members(data)[part])
        (inputs / name).write_bytes(patch_bytes(data, task_patch(sheet, top)))
        expected[name] = (sheet, top)
    tracker = make_tracker(inputs / "tracker.xlsx")
    apply_patch(tracker, tracker_patch(), backups=0)
    expected["tracker.xlsx"] = ("任务", None)
    proc = subprocess.run([soffice, f"-env:UserInstallation=file://{root}/profile", "--headless", "--convert-to",
                           CSV_FILTER, "--outdir", str(outdir)] + sorted(str(p) for p in inputs.iterdir() if p.is_file()),
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return outdir, expected


def _read(outdir: Path, name: str, sheet: str) -> list[list[str]]:
    path = outdir / f"{Path(name).stem}-{sheet}.csv"
    assert path.exists(), sorted(p.name for p in outdir.iterdir() if p.name.startswith(Path(name).stem))
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _shown(value) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@pytest.mark.parametrize("name", corpus_params(exclude=(STRICT,)))
def test_libreoffice_reads_managed_cells(converted, name):
    need_corpus()
    outdir, expected = converted
    sheet, top = expected[name]
    rows = _read(outdir, name, sheet)
    for r, values in enumerate(TABLE):
        got = rows[top + r][: len(values)]
        assert got == [_shown(v) for v in values], (name, top + r)
    report = _read(outdir, name, "sheetsync")
    assert report[0][0] == "sheetsync report" and report[2][2] == "日期无效 & <check>"
    assert report[1][1] == "2026-07-01"


def test_libreoffice_reads_the_tracker(converted):
    outdir, _ = converted
    rows = _read(outdir, "tracker.xlsx", "任务")
    assert rows[0][5:8] == ["Due", "Health", "Flags"]
    assert rows[1][:7] == ["T-1", "任务1", "张三", "进行中", "2026-07-01", "2026-07-04", "逾期"]
    assert rows[3][7] == "E-date" and rows[2][7] == ""


def _count(png: Path, rgb: tuple[int, int, int], tol: int = 10) -> int:
    from PIL import Image

    colours = Image.open(png).convert("RGB").getcolors(1 << 22)
    return sum(n for n, c in colours if all(abs(a - b) <= tol for a, b in zip(c, rgb)))


def test_libreoffice_evaluates_the_marked_rules(tmp_path):
    """Rendered by LibreOffice: the marked conditions paint rows; removing the owned rules removes the paint."""
    soffice = _soffice()
    pdftoppm = shutil.which("pdftoppm")
    if not pdftoppm:
        missing("pdftoppm not installed")
    from sheetsync.xlsx.patch import WorkbookPatch
    painted = make_tracker(tmp_path / "painted.xlsx")
    apply_patch(painted, tracker_patch(), backups=0)
    cleared = tmp_path / "cleared.xlsx"
    shutil.copy(painted, cleared)
    apply_patch(cleared, WorkbookPatch("任务", [], [], None), backups=0)
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "pdf"), str(painted), str(cleared)], check=True, capture_output=True,
                   timeout=300)
    for name in ("painted", "cleared"):
        subprocess.run([pdftoppm, "-r", "50", "-png", "-f", "1", "-l", "1", str(tmp_path / "pdf" / f"{name}.pdf"),
                        str(tmp_path / name)], check=True, timeout=120)
    late, ok = (0xE5, 0x73, 0x73), (0xFF, 0xF2, 0xA8)
    assert _count(tmp_path / "painted-1.png", late) > 1000 and _count(tmp_path / "painted-1.png", ok) > 1000
    assert _count(tmp_path / "cleared-1.png", late) == 0 and _count(tmp_path / "cleared-1.png", ok) == 0
