"""`sheetsync sync` on an Excel tracker, end to end through the installed command.

A Chinese campaign-launch tracker from `sheetsync init`, edited as a person would (some rows late, one in
review for two days), synced; LibreOffice renders it and the pixels of each task row are checked; the report
sheet lists exactly what `validate` finds, each linked to its cell; a second sync writes nothing; after a
person changes one status only that row's managed cells and the report change; --dry-run writes nothing."""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
from lxml import etree

from sheetsync.dates_text import readable
from sheetsync.engine.calendar import WorkCalendar
from sheetsync.model import a1, col_letter, parse_a1, quote_sheet
from sheetsync.xlsx.patch import WorkbookPatch, patch_bytes
from support.needs import missing
from support.row_colours import FILLS, row_colour

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("SHEETSYNC_ARTIFACTS") or ROOT / "test-artifacts")
LAUNCH = "2026-12-15"
NOW = "2026-12-08T09:00"  # Tuesday, a week before launch
SUBMITTED = dt.datetime(2026, 12, 6, 10, 0)  # in review for two days (the limit is 24 h)
TASKS, REPORT = "任务", "同步报告"
M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
HEALTH_FILL = {"逾期": "late", "待审核超时": "unreviewed", "受阻": "violet", "有风险": "violet", "即将到期": "due-soon"}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


# ---- running the command -------------------------------------------------------------------------------------
def _command() -> list[str]:
    script = Path(sys.executable).with_name("sheetsync")
    return [str(script)] if script.exists() else [sys.executable, "-m", "sheetsync.cli"]


def cli(*args, cwd: Path, ok=(0,)) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
    p = subprocess.run(_command() + [str(a) for a in args], cwd=cwd, capture_output=True, text=True, env=env,
                       timeout=120)
    assert p.returncode in ok, (args, p.returncode, p.stdout[-2000:], p.stderr[-2000:])
    return p


def cli_json(*args, cwd: Path) -> dict:
    return json.loads(cli(*args, "--format", "json", cwd=cwd, ok=(0, 1)).stdout)


# ---- the scenario -------------------------------------------------------------------------------------------
def make_scenario(folder: Path) -> Path:
    """`sheetsync init`, then a person's edits: T1 done and reviewed, T2 in progress, T9 given a deadline that
    passed, T6 submitted for review two days ago. With the template's time points T2-T5 are then late by the
    calendar (T3's deadline derived from its successors), T9 by its typed deadline, T6 unreviewed."""
    folder.mkdir(parents=True, exist_ok=True)
    cli("init", "tracker.xlsx", "--template", "campaign-launch", "--lang", "zh", "--launch", LAUNCH, cwd=folder)
    path = folder / "tracker.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb[TASKS]
    head = {ws.cell(3, c).value: c for c in range(1, ws.max_column + 1)}
    rows = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value}
    status, submitted, reviewed, deadline = head["状态"], head["提交审核时间"], head["审核时间"], head["截止日期"]
    ws.cell(rows["T1"], status).value = "已完成"
    ws.cell(rows["T1"], submitted).value = dt.datetime(2026, 11, 27, 10, 0)
    ws.cell(rows["T1"], reviewed).value = dt.datetime(2026, 11, 27, 16, 0)
    ws.cell(rows["T2"], status).value = "进行中"
    ws.cell(rows["T9"], deadline).value = dt.date(2026, 12, 7)
    ws.cell(rows["T6"], status).value = "待审核"
    ws.cell(rows["T6"], submitted).value = SUBMITTED
    wb.save(path)
    return path


def sheet_rows(path: Path, name: str) -> list[list]:
    wb = pc.CalamineWorkbook.from_path(str(path))
    return wb.get_sheet_by_name(name).to_python(skip_empty_area=False)


def all_cells(path: Path) -> dict[str, dict[tuple[int, int], object]]:
    wb = pc.CalamineWorkbook.from_path(str(path))
    out = {}
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        out[name] = {(r, c): v for r, row in enumerate(rows) for c, v in enumerate(row) if v not in ("", None)}
    return out


def task_health(path: Path) -> dict[str, tuple[int, str]]:
    """Task id -> (0-based row, Health text), read with calamine from the Health column sync wrote."""
    rows = sheet_rows(path, TASKS)
    head = rows[2]
    health = head.index("健康度")
    return {r[0]: (i, r[health]) for i, r in enumerate(rows[3:], 3) if r[0]}


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    """The scenario synced once through the CLI: (folder, path, the sync's JSON, the text output of a dry run)."""
    folder = tmp_path_factory.mktemp("done-when")
    path = make_scenario(folder)
    result = cli_json("sync", path.name, "--today", NOW, cwd=folder)
    return folder, path, result


# ---- the managed cells and the report sheet ------------------------------------------------------------------
def test_sync_marks_late_and_unreviewed_rows(synced):
    folder, path, result = synced
    assert result["written"]["changed"] is True and result["written"]["dry_run"] is False
    assert (folder / result["written"]["backup"]).is_file()
    health = task_health(path)
    late = sorted(t for t, (_, h) in health.items() if h == "逾期")
    assert late == ["T2", "T3", "T4", "T5", "T9"], health
    assert [t for t, (_, h) in health.items() if h == "待审核超时"] == ["T6"]
    assert health["T1"][1] == "已完成"
    rows = sheet_rows(path, TASKS)
    head = rows[2]
    assert head[15:18] == ["计划截止", "健康度", "提示"]  # appended right of the template's 15 columns
    due = {r[0]: r[15] for r in rows[3:] if r[0]}
    assert due["T9"] == dt.date(2026, 12, 7) and due["T2"] == dt.date(2026, 12, 3)
    assert isinstance(due["T3"], dt.date)  # derived from its successors, written as a real date
    flags = {r[0]: r[17] for r in rows[3:] if r[0]}
    assert flags["T2"].startswith("逾期") and "待审核" in flags["T6"] and flags["T1"] == ""
    summary = result["summary"]["by_health"]
    assert summary["late"] == 5 and summary["unreviewed"] == 1


def _report_findings(path: Path) -> list[list]:
    rows = sheet_rows(path, REPORT)
    start = next(i for i, r in enumerate(rows) if r[:6] == ["严重程度", "单元格", "任务", "问题", "代码", "说明"]) + 1
    return [r[:6] for r in rows[start:] if any(v not in ("", None) for v in r)]


def test_report_sheet_lists_every_finding_with_a_link(synced):
    folder, path, result = synced
    validated = cli_json("validate", path.name, "--today", NOW, cwd=folder)
    findings = validated["findings"]
    assert len(findings) >= 15
    from sheetsync.engine.catalogue import CATALOGUE
    names = {t["id"]: f"{t['id']} {t['task']}" for t in validated["tasks"] if t["id"] and t["task"]}
    # the task by id and name, the kind by its Chinese title, the code in its own column
    late = {t["id"] for t in validated["tasks"] if t["health"] == "late"}
    cn = WorkCalendar("CN")
    today = dt.date.fromisoformat(NOW[:10])
    # a late task's schedule-risk is not repeated; each message reads its dates with their weekdays
    listed = [f for f in findings if not (f["code"] == "schedule-risk" and f["task_id"] in late)]
    assert late and listed == findings  # the engine raises no schedule-risk on a late task at all
    expected = [[SEVERITY_ZH[f["severity"]], f"{f['sheet']}!{f['cell']}" if f["cell"] else "",
                 names.get(f["task_id"], f["task_id"] or ""), CATALOGUE[f["code"]].title_zh, f["code"],
                 readable(f["message"], "zh", cn, today)]
                for f in listed]
    assert _report_findings(path) == expected
    assert any(row[2].startswith("T2 ") and len(row[2]) > 3 for row in expected)
    assert {"已逾期", "待审核超时"} <= {row[3] for row in expected}
    # no internal fingerprint where a person reads: it lives in the hidden column H
    shown = [v for r in sheet_rows(path, REPORT) for v in r[:7]]
    assert not any(str(v).startswith("fp:") for v in shown)
    assert str(sheet_rows(path, REPORT)[0][7]).startswith("fp:")
    # what sync reported is what a later validate finds: same cells (a derived deadline names its Due cell)
    assert [(f["code"], f["cell"]) for f in result["findings"]] == [(f["code"], f["cell"]) for f in findings]
    codes = {f["code"] for f in findings}
    assert {"late", "unreviewed"} <= codes
    # every finding with a cell links to it (openpyxl as a second reader of the hyperlinks)
    wb = openpyxl.load_workbook(path)
    ws = wb[REPORT]
    assert ws.column_dimensions["H"].hidden and not ws.column_dimensions["F"].hidden
    start = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "严重程度") + 1
    tasks = wb[TASKS]
    for i, f in enumerate(listed):
        cell = ws.cell(start + i, 2)
        assert (cell.value or "") == expected[i][1]
        if not f["cell"]:
            assert cell.hyperlink is None
            continue
        r, c = parse_a1(f["cell"])  # absolute: LibreOffice reads a relative C9 as R1C1 and its link goes nowhere
        assert cell.hyperlink is not None and cell.hyperlink.location == f"{quote_sheet(TASKS)}!${col_letter(c)}${r + 1}", i
        r, c = parse_a1(f["cell"])
        assert r < tasks.max_row and c < tasks.max_column  # the link lands inside the table
    # each label beside its number, and each count over the rows the sheet lists
    rows = sheet_rows(path, REPORT)
    assert rows[2][:4] == ["任务数", 16.0, "已取消（不计入）", 0.0]
    assert rows[3][:4] == ["错误", float(sum(f["severity"] == "error" for f in listed)), "警告",
                           float(sum(f["severity"] == "warning" for f in listed))]
    assert all(v in ("", None) for r in rows[1:9] for v in r[4:8])  # the summary stays in A-D, out of hidden H


def test_late_and_unreviewed_findings_name_the_row(synced):
    folder, path, result = synced
    health = task_health(path)
    by_task = {}
    for f in result["findings"]:
        by_task.setdefault(f["task_id"], set()).add(f["code"])
        if f["task_id"]:
            assert f["row"] == health[f["task_id"]][0] + 1, f
    assert all("late" in by_task[t] for t in ("T2", "T3", "T4", "T5", "T9"))
    assert "unreviewed" in by_task["T6"]
    unreviewed = next(f for f in result["findings"] if f["code"] == "unreviewed" and f["task_id"] == "T6")
    assert unreviewed["cell"] == "M9"  # the submitted-for-review cell
    # submitted Sunday 10:00, read Tuesday 09:00: the review clock counts working days only, so Sunday's
    # 14 hours are not counted (47 on the wall clock)
    assert "2026-12-06 10:00" in unreviewed["message"] and "33 小时" in unreviewed["message"]


# ---- LibreOffice renders it ----------------------------------------------------------------------------------
def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        missing(f"{name} not installed")
    return found


@pytest.mark.libreoffice
def test_libreoffice_renders_late_rows_red_and_unreviewed_orange(synced, tmp_path):
    """The Done-when picture: test-artifacts/sync-zh-late-unreviewed.png, checked row by row."""
    from PIL import Image

    soffice, pdftoppm, pdftotext = _tool("soffice"), _tool("pdftoppm"), _tool("pdftotext")
    folder, path, _ = synced
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=300)
    pdf = tmp_path / "tracker.pdf"
    page1 = subprocess.run([pdftotext, "-f", "1", "-l", "1", "-layout", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    assert "活动任务跟踪表" in page1 and "健康度" in page1  # page 1 is the whole task sheet, managed columns too
    assert "2026-12-03" in page1 and "###" not in page1  # the Due column is wide enough to show its dates
    # the report sheet as LibreOffice prints it: every finding's cell is listed
    everything = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True,
                                check=True).stdout
    report_text = everything[everything.index("sheetsync 同步报告"):]
    refs = [f"{f['sheet']}!{f['cell']}" for f in synced[2]["findings"] if f["cell"]]
    assert len(refs) > 10 and all(ref in report_text for ref in refs), [r for r in refs if r not in report_text]
    dpi = 200
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    png = ARTIFACTS / "sync-zh-late-unreviewed.png"
    page = tmp_path / "page"
    subprocess.run([pdftoppm, "-r", str(dpi), "-png", "-singlefile", "-f", "1", "-l", "1", str(pdf), str(page)],
                   check=True, timeout=120)
    img = Image.open(page.with_suffix(".png")).convert("RGB")
    # where LibreOffice put each task row: the task ids in column A, from the PDF's text boxes
    bbox = subprocess.run([pdftotext, "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    words = [(m.group(5), *map(float, m.group(1, 2, 3, 4))) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', bbox)]
    health = task_health(path)
    scale = dpi / 72
    left = min(w[1] for w in words if w[0] in health)
    ids = {}
    for text, x0, y0, x1, y1 in words:
        if text in health and abs(x0 - left) < 1 and text not in ids:
            ids[text] = (y0 + y1) / 2 * scale
    assert set(ids) == set(health), sorted(set(health) - set(ids))
    x_right = int(max(w[3] for w in words) * scale)
    seen = {t: row_colour(img, int(round(y)), int(left * scale) + 40, min(x_right, img.width - 1)) for t, y in ids.items()}
    # the rules react to LibreOffice's TODAY(), the machine's date: an open row whose Due date passed since the
    # sync's day is late there too (sheetsync.rule_formulas)
    today, rows = dt.date.today(), sheet_rows(path, TASKS)
    due = {r[0]: r[15] for r in rows[3:] if r[0]}
    wanted = {t: "late" if h != "已完成" and isinstance(due[t], dt.date) and due[t] < today else HEALTH_FILL.get(h)
              for t, (_, h) in health.items()}
    assert seen == wanted
    late, unreviewed = sum(v == "late" for v in seen.values()), sum(v == "unreviewed" for v in seen.values())
    assert late >= 5 and unreviewed == (1 if due["T6"] >= today else 0)
    # and across the whole picture, red and orange are where those rows are and nowhere else
    colours = img.getcolors(1 << 24)
    red = sum(n for n, c in colours if all(abs(a - b) <= 12 for a, b in zip(c, FILLS["late"])))
    orange = sum(n for n, c in colours if all(abs(a - b) <= 12 for a, b in zip(c, FILLS["unreviewed"])))
    if unreviewed:
        assert 0.6 * late < red / orange < 1.4 * late, (red, orange)  # the late rows against one unreviewed row
    # the artifact: the page cropped to what is printed on it, so a person can read it
    from PIL import ImageChops
    box = ImageChops.difference(img, Image.new("RGB", img.size, (255, 255, 255))).getbbox()
    img.crop((max(box[0] - 20, 0), max(box[1] - 20, 0), min(box[2] + 20, img.width), min(box[3] + 20, img.height))).save(png)


# ---- dry run -----------------------------------------------------------------------------------------------
def _state(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def test_dry_run_writes_nothing_and_lists_the_planned_cells(tmp_path):
    path = make_scenario(tmp_path)
    before = _state(path)
    text = cli("sync", path.name, "--today", NOW, "--dry-run", cwd=tmp_path).stdout
    data = cli_json("sync", path.name, "--today", NOW, "--dry-run", cwd=tmp_path)
    assert _state(path) == before
    assert not (tmp_path / ".sheetsync").exists()  # no backup, no history either
    written = data["written"]
    assert written["dry_run"] is True and written["changed"] is False and written["backup"] is None
    cells = written["cells"]
    # the three headers and Due/Health/Flags of each of the 16 tasks, less the empty Flags of clean rows
    assert {"cell": "任务!P3", "before": None, "after": "计划截止"} in cells
    assert {"cell": "任务!Q5", "before": None, "after": "逾期"} in cells
    assert {"cell": "任务!Q9", "before": None, "after": "待审核超时"} in cells
    assert {"cell": "任务!P12", "before": None, "after": "2026-12-07"} in cells
    assert len(cells) == 3 + 16 * 2 + sum(1 for c in cells if c["cell"].startswith("任务!R") and c["cell"] != "任务!R3")
    assert written["rules"] == 5 and written["report_sheet"] == REPORT
    assert f"试运行:将写入 {len(cells)} 个单元格(未写入)。" in text
    listed = [line.strip() for line in text.splitlines() if line.startswith("  任务!")]
    assert len(listed) == len(cells)
    assert "任务!Q5: \uff08空\uff09 -> \u201c逾期\u201d" in listed  # an empty cell says so, never None
    # the real sync then writes exactly the planned cells
    real = cli_json("sync", path.name, "--today", NOW, cwd=tmp_path)
    assert real["written"]["changed"] is True and real["written"]["cells"] == cells
    cells_now = all_cells(path)[TASKS]
    for c in cells:
        r, col = parse_a1(c["cell"].split("!")[1])
        got = cells_now.get((r, col))
        want = c["after"]
        if isinstance(got, dt.date):
            got = got.isoformat()
        assert got == (want or None), c


# ---- idempotence --------------------------------------------------------------------------------------------
def _set_status(path: Path, cell: str, text: str) -> None:
    """A person changes one status cell; nothing else in the package changes (only the task sheet's XML
    member is rewritten, and in it only that cell)."""
    data = path.read_bytes()
    parts = members(data)
    part = "xl/worksheets/sheet1.xml"
    assert b"<sheetData" in parts[part]
    xml = parts[part].decode("utf-8")
    pattern = re.compile(r'<c r="%s"( [^>]*?)?(/>|>.*?</c>)' % cell)
    found = pattern.search(xml)
    assert found, cell
    style = re.search(r' s="(\d+)"', found.group(1) or "")
    new = f'<c r="{cell}"{style.group(0) if style else ""} t="inlineStr"><is><t>{text}</t></is></c>'
    parts[part] = (xml[:found.start()] + new + xml[found.end():]).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, parts[info.filename])
    path.write_bytes(out.getvalue())


def _part_of(data: bytes, sheet: str) -> str:
    m = members(data)
    wb = etree.fromstring(m["xl/workbook.xml"])
    rels = {r.get("Id"): r.get("Target") for r in etree.fromstring(m["xl/_rels/workbook.xml.rels"])}
    for s in wb.iter(M + "sheet"):
        if s.get("name") == sheet:
            target = rels[s.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")]
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    raise AssertionError(sheet)


def _cells_xml(part: bytes) -> tuple[dict[str, bytes], bytes]:
    """Each <c> of the sheet by reference (canonical XML), and the sheet without its sheetData."""
    root = etree.fromstring(part)
    cells = {c.get("r"): etree.tostring(c, method="c14n") for c in root.iter(M + "c")}
    root.remove(root.find(M + "sheetData"))
    return cells, etree.tostring(root, method="c14n")


def test_second_sync_writes_nothing_and_a_status_edit_changes_only_its_row(synced, tmp_path):
    folder, original, _ = synced
    path = tmp_path / "tracker.xlsx"
    shutil.copy2(original, path)
    before = _state(path)
    again = cli("sync", path.name, "--today", NOW, cwd=tmp_path)
    assert "没有需要更新的内容:文件未改动。" in again.stdout
    assert _state(path) == before
    assert not (tmp_path / ".sheetsync" / "backups").exists()  # nothing written, nothing backed up
    data = cli_json("sync", path.name, "--today", NOW, cwd=tmp_path)
    assert data["written"]["changed"] is False and data["written"]["cells"] == [] and data["written"]["backup"] is None
    assert _state(path) == before

    # a person marks the late task T5 done (nothing depends on it, so no other row's health can change)
    health = task_health(path)
    row = health["T5"][0]
    assert health["T5"][1] == "逾期"
    status_col = sheet_rows(path, TASKS)[2].index("状态")
    _set_status(path, a1(row, status_col), "已完成")
    edited_bytes = path.read_bytes()
    edited = all_cells(path)
    result = cli_json("sync", path.name, "--today", NOW, cwd=tmp_path)
    after_bytes = path.read_bytes()
    after = all_cells(path)
    managed = {(row, c) for c in (15, 16, 17)}
    assert {(parse_a1(c["cell"].split("!")[1])) for c in result["written"]["cells"]} <= managed
    assert after[TASKS][(row, 16)] == "已完成"
    assert not after[TASKS][(row, 17)].startswith("逾期") and "前置T2未完成" in after[TASKS][(row, 17)]  # T2 is not done
    # every cell of every sheet is as the person left it, but that row's managed cells and the report
    for sheet, cells in edited.items():
        if sheet == REPORT:
            continue
        keys = set(cells) | set(after[sheet])
        changed = {k for k in keys if cells.get(k) != after[sheet].get(k)}
        assert changed <= (managed if sheet == TASKS else set()), (sheet, sorted(changed))
    assert edited[REPORT] != after[REPORT]
    report = [r[4] for r in _report_findings(path)]
    # the late count in the report, in the cell beside its label: 5 -> 4
    assert report.count("late") == 4 and after[REPORT][(4, 0)] == "逾期" and after[REPORT][(4, 1)] == 4
    # byte for byte: only the task sheet and the report sheet members were rewritten
    m0, m1 = members(edited_bytes), members(after_bytes)
    assert list(m0) == list(m1)
    task_part, report_part = _part_of(after_bytes, TASKS), _part_of(after_bytes, REPORT)
    differ = {n for n in m0 if m0[n] != m1[n]}
    assert differ == {task_part, report_part}, differ
    # and in the task sheet, only the managed cells of that row: rules, widths, validations, merges untouched
    cells0, rest0 = _cells_xml(m0[task_part])
    cells1, rest1 = _cells_xml(m1[task_part])
    assert rest0 == rest1
    refs = {a1(r, c) for r, c in managed}
    assert {r for r in set(cells0) | set(cells1) if cells0.get(r) != cells1.get(r)} <= refs
    # and a sync right after that writes nothing again
    settled = _state(path)
    assert cli_json("sync", path.name, "--today", NOW, cwd=tmp_path)["written"]["changed"] is False
    assert _state(path) == settled


# ---- managed column widths (the patcher) ----------------------------------------------------------------------
def _book(tmp_path: Path, widths: dict[str, float]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = TASKS
    ws.append(["编号", "任务", "状态"])
    for col, w in widths.items():
        ws.column_dimensions[col].width = w
    path = tmp_path / "w.xlsx"
    wb.save(path)
    return path.read_bytes()


def _cols(data: bytes) -> list[tuple[str, str, str]]:
    root = etree.fromstring(members(data)["xl/worksheets/sheet1.xml"])
    return [(c.get("min"), c.get("max"), c.get("width")) for c in root.iter(M + "col")]


def test_widths_only_for_columns_without_one(tmp_path):
    data = _book(tmp_path, {"B": 30, "E": 9})
    patch = WorkbookPatch(TASKS, [], [], None)
    out = patch_bytes(data, patch, col_widths={1: 12, 3: 12, 5: 40})  # B has a person's width: kept
    assert _cols(out) == [("2", "2", "30"), ("4", "4", "12"), ("5", "5", "9"), ("6", "6", "40")]
    assert patch_bytes(out, patch, col_widths={1: 12, 3: 12, 5: 40}) is out  # nothing left to do: same bytes
    bare = _book(tmp_path, {})
    assert "<cols>" not in members(bare)["xl/worksheets/sheet1.xml"].decode()
    widened = patch_bytes(bare, patch, col_widths={2: 11})
    assert _cols(widened) == [("3", "3", "11")]
    sheet = members(widened)["xl/worksheets/sheet1.xml"].decode()
    assert sheet.index("<cols>") < sheet.index("<sheetData")  # schema order
    # a range that covers the column (as Excel writes for "all columns") is a person's width too
    parts = members(data)
    parts["xl/worksheets/sheet1.xml"] = re.sub(rb"<cols>.*</cols>", b'<cols><col min="1" max="16384" width="10" customWidth="1"/></cols>',
                                               parts["xl/worksheets/sheet1.xml"])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, body in parts.items():
            z.writestr(name, body)
    assert patch_bytes(buf.getvalue(), patch, col_widths={1: 12, 20: 40}) == buf.getvalue()


def test_after_excel_style_resave_and_edit_only_that_row_changes(synced, tmp_path):
    """People save the whole workbook (Excel, or here openpyxl): the next sync still finds its columns, rules
    and report, writes only the edited row's managed cells and the report, and leaves one set of its rules."""
    from sheetsync.xlsx.patch_spec import owned_rule

    folder, original, _ = synced
    path = tmp_path / "tracker.xlsx"
    shutil.copy2(original, path)
    wb = openpyxl.load_workbook(path)
    wb.save(path)
    resaved = _state(path)
    assert cli_json("sync", path.name, "--today", NOW, cwd=tmp_path)["written"]["changed"] is False
    assert _state(path) == resaved
    row = task_health(path)["T5"][0]
    wb = openpyxl.load_workbook(path)
    wb[TASKS].cell(row + 1, 12).value = "已完成"
    wb.save(path)
    edited = all_cells(path)
    result = cli_json("sync", path.name, "--today", NOW, cwd=tmp_path)
    after = all_cells(path)
    assert [c["cell"] for c in result["written"]["cells"]] == [f"任务!Q{row + 1}", f"任务!R{row + 1}"]
    for sheet in edited:
        if sheet != REPORT:
            changed = {k for k in set(edited[sheet]) | set(after[sheet]) if edited[sheet].get(k) != after[sheet].get(k)}
            assert changed <= ({(row, 16), (row, 17)} if sheet == TASKS else set()), (sheet, changed)
    data = path.read_bytes()
    root = etree.fromstring(members(data)[_part_of(data, TASKS)])
    formulas = [r.findtext(M + "formula") for r in root.iter(M + "cfRule")]
    assert sum(owned_rule(f) for f in formulas) == 5, formulas
    assert after[TASKS][(row, 16)] == "已完成"
