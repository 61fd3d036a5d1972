"""`make stress`: fuzzed workbooks through `sheetsync validate` give zero tracebacks and zero "internal error"
lines: each one reads (exit 0 or 1) or is refused with one line (exit 2), whatever the reader library does
(python-calamine's Rust panics included).

The workbooks: random mutations of a real tracker's sheet XML (slices deleted, repeated, replaced by XML-ish
noise), huge strings, control characters, extreme numbers in date-formatted cells, a row of 10,000 columns,
500 merged header cells. A worker process validates them (an abort of the reader would show as its death,
naming the file); bounded to a couple of minutes on 2 cores."""
from __future__ import annotations

import datetime as dt
import io
import json
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sheetsync.templates import create_tracker

pytestmark = pytest.mark.stress

MONDAY = dt.date(2026, 11, 23)
SHEET = "xl/worksheets/sheet1.xml"
MUTANTS = 400
NOISE = ['<c r="A1">', "</c>", "<v>", "</v>", '<c r="ZZ9" t="s"><v>999999</v></c>', "<row>", "</row>", '"', "<",
         ">", "&", "&#0;", "&#xFFFF;", "\x00", "\x1b", "9" * 40, "-1e12", "1e309", "NaN", 'r="A0"', 't="d"',
         "<is><t>", "</t></is>", 's="999"', "<mergeCell ref=\"A1:XFD1\"/>", " " * 5]

WORKER = r"""
import json, sys
from click.testing import CliRunner
from sheetsync.cli import cli
runner = CliRunner()
for line in sys.stdin:
    path = line.strip()
    print(json.dumps({"file": path, "started": True}), flush=True)
    got = runner.invoke(cli, ["validate", path, "--today", "2026-11-23", "--lang", sys.argv[1]], catch_exceptions=True)
    err = got.stderr if got.stderr_bytes is not None else ""
    tb = repr(got.exc_info[1]) if got.exc_info and not isinstance(got.exc_info[1], SystemExit) else None
    print(json.dumps({"file": path, "exit": got.exit_code, "stderr": err, "exception": tb}), flush=True)
"""


def _zip_with(base: bytes, part: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, data if info.filename == part else src.read(info))
    return out.getvalue()


def _mutate(xml: bytes, rng: random.Random) -> bytes:
    text = xml.decode("utf-8", "replace")
    for _ in range(rng.randint(1, 6)):
        i = rng.randrange(len(text))
        j = min(len(text), i + rng.randint(0, 200))
        op = rng.random()
        if op < 0.3:
            text = text[:i] + text[j:]
        elif op < 0.5:
            text = text[:i] + text[i:j] * rng.randint(2, 50) + text[j:]
        else:
            text = text[:i] + "".join(rng.choice(NOISE) for _ in range(rng.randint(1, 8))) + text[j:]
    return text.encode("utf-8", "surrogatepass")


def _date_cells(xml: bytes, value: str) -> bytes:
    """Every number in a date-styled cell of the deadline column becomes `value`."""
    return re.sub(rb'(<c r="K\d+"[^>]*><v>)[^<]*(</v>)', lambda m: m.group(1) + value.encode() + m.group(2), xml)


def _openpyxl_cases(folder: Path, base: Path) -> list[Path]:
    out = []
    for name, edit in (("huge", _huge), ("control", _control), ("wide", _wide), ("merged", _merged)):
        wb = openpyxl.load_workbook(base)
        edit(wb.worksheets[0])
        path = folder / f"{name}.xlsx"
        wb.save(path)
        out += _with_controls(path) if name == "control" else [path]
    return out


def _huge(ws):
    ws.cell(5, 3).value = "任务" * 16000  # 32,000 characters: Excel's limit is 32,767
    ws.cell(6, 3).value = "x" * 32767


CONTROL_MARK = "CTRLMARK"


def _control(ws):
    """Placeholders openpyxl accepts; the saved strings are then given control characters (below)."""
    for r in range(4, 10):
        ws.cell(r, 3).value = f"{CONTROL_MARK} task {r}\u2028\u202e"


def _with_controls(path: Path) -> list[Path]:
    """Control characters as Excel escapes them (_x0001_) and raw (not even well-formed XML)."""
    data = path.read_bytes()
    strings = zipfile.ZipFile(io.BytesIO(data)).read(SHEET)  # inline strings: the text is in the sheet
    escaped = "".join(f"_x{c:04X}_" for c in (1, 2, 7, 8, 11, 12, 27, 31)).encode()
    raw = bytes((1, 2, 7, 8, 11, 12, 27, 31))
    out = []
    for name, mark in (("escaped", escaped), ("raw", raw)):
        target = path.with_name(f"control-{name}.xlsx")
        target.write_bytes(_zip_with(data, SHEET, strings.replace(CONTROL_MARK.encode(), mark)))
        out.append(target)
    return out


def _wide(ws):
    row = ws.max_row + 2  # a row of 10,000 cells below the table
    for c in range(1, 10_001):
        ws.cell(row, c).value = f"col{c}" if c % 7 else c


def _merged(ws):
    header = next(r for r in range(1, 10) if sum(ws.cell(r, c).value is not None for c in range(1, 15)) > 5)
    start = ws.max_column + 1
    for i in range(500):  # 500 merged cells continuing the header row
        col = start + 2 * i
        ws.cell(header, col).value = f"合并{i}"
        ws.merge_cells(start_row=header, start_column=col, end_row=header, end_column=col + 1)


def build(folder: Path, seed: int) -> list[Path]:
    base = create_tracker(folder / "base.xlsx", "campaign-launch", lang="zh", today=MONDAY, scenario="demo")
    data = base.read_bytes()
    xml = zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    rng = random.Random(seed)
    paths = _openpyxl_cases(folder, base)
    for value in ("-1e12", "-1e15", "1e12", "1e308", "-1.7976931348623157e308", "NaN", "inf", "-0", "2958466",
                  "1e-320", "99999999999999999999999"):
        path = folder / f"date{len(paths)}.xlsx"
        path.write_bytes(_zip_with(data, SHEET, _date_cells(xml, value)))
        paths.append(path)
    for i in range(MUTANTS):
        path = folder / f"mutant{i:03d}.xlsx"
        path.write_bytes(_zip_with(data, SHEET, _mutate(xml, rng)))
        paths.append(path)
    return paths


def test_fuzzed_workbooks_give_no_traceback_and_no_internal_error(tmp_path):
    paths = build(tmp_path, seed=20)
    for lang in ("en", "zh"):
        chosen = paths if lang == "en" else paths[:40]  # the Chinese lines are the same code, fewer suffice
        proc = subprocess.run([sys.executable, "-c", WORKER, lang], input="\n".join(map(str, chosen)) + "\n",
                              capture_output=True, text=True, timeout=600)
        events = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
        done = [e for e in events if "exit" in e]
        if len(done) < len(chosen):
            last = [e for e in events if e.get("started")][-1]["file"]
            pytest.fail(f"the worker died on {last} (exit {proc.returncode}): {proc.stderr[-800:]}")
        assert "Traceback" not in proc.stderr and "panicked" not in proc.stderr, proc.stderr[-2000:]
        bad = []
        for e in done:
            text = e["stderr"]
            if (e["exception"] or e["exit"] not in (0, 1, 2) or "Traceback" in text or "internal error" in text
                    or "内部错误" in text or (e["exit"] == 2 and len(text.strip().splitlines()) != 1)):
                bad.append((Path(e["file"]).name, e["exit"], e["exception"], text[:300]))
        assert bad == [], bad[:5]
        refused = sum(e["exit"] == 2 for e in done)
        assert 0 < refused < len(done)  # the fuzz reaches both sides: readable mutants and refused ones
