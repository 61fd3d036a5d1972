"""`sheetsync inspect` and the reading line that heads `validate` and `sync`, as a person runs them: a real
process, exit codes, both languages, JSON shape; and the read-only formats (.xls, .csv) through the CLI."""
import csv
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import openpyxl
import pytest
import xlwt

from sheetsync import registry as sources
from sheetsync.engine.field_costs import FIELD_COSTS, cost
from sheetsync.model import col_letter
from sheetsync.templates import create_tracker
from support.cli_runs import standalone  # noqa: F401  (fixture: the emulator as its own process)
from support.tracker_factory import make_tracker

D = dt.date
TODAY = "2026-09-21"
CAMPAIGN = {"name": "夏日清凉服务季", "launch": D(2026, 10, 12), "end": D(2026, 10, 30)}
FIELDS = ("id", "task", "owner", "deadline", "status")
TASKS = [{"id": "T1", "task": "写方案", "owner": "张三", "status": "进行中", "deadline": D(2026, 9, 18)},
         {"id": "T2", "task": "做海报", "owner": "张三", "status": "未开始", "deadline": D(2026, 10, 9)}]


def run(*args, cwd=None):
    env = {**os.environ, "SHEETSYNC_SMTP_HOST": ""}
    return subprocess.run([sys.executable, "-m", "sheetsync", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=120, cwd=cwd)


def tracker(tmp_path, lang="zh", extra=("满意度", "Hashtags"), name="t.xlsx") -> Path:
    path = make_tracker(tmp_path / name, TASKS, lang=lang, fields=FIELDS, campaign=CAMPAIGN,
                        people=[("张三", "zhangsan@example.com", "运营")])
    book = openpyxl.load_workbook(path)
    ws = book["任务" if lang == "zh" else "Tasks"]
    for i, text in enumerate(extra):  # headers no field takes: they are read as "ignored"
        ws.cell(3, len(FIELDS) + 1 + i, text)
    book.save(path)
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def inspect_json(path, *more) -> dict:
    p = run("inspect", path, "--format", "json", "--today", TODAY, *more)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


# ---- inspect --------------------------------------------------------------------------------------------------

def test_inspect_json_has_the_documented_shape(tmp_path):
    data = inspect_json(tracker(tmp_path))
    assert {"sheet", "header_row", "header_rows", "columns", "ignored", "candidates", "missing"} <= set(data)
    assert data["sheets"] == ["任务", "活动信息", "人员"] and data["kind"] == "xlsx" and data["error"] is None
    assert (data["sheet"], data["header_row"], data["header_rows"]) == ("任务", 3, 1)
    assert all(set(c) == {"field", "header", "column", "cell", "why"} for c in data["columns"])
    assert [(c["field"], c["header"], c["column"], c["cell"]) for c in data["columns"]] == [
        ("id", "编号", "A", "任务!A3"), ("task", "任务", "B", "任务!B3"), ("owner", "负责人", "C", "任务!C3"),
        ("deadline", "截止日期", "D", "任务!D3"), ("status", "状态", "E", "任务!E3")]
    assert [(c["header"], c["column"]) for c in data["ignored"]] == [("满意度", "F"), ("Hashtags", "G")]
    assert all(set(c) == {"header", "column", "why"} for c in data["ignored"])
    assert data["range"] == "任务!A3:G5"
    chosen = [c for c in data["candidates"] if c["chosen"]]
    assert len(chosen) == 1 and chosen[0]["sheet"] == "任务" and chosen[0]["header_row"] == 3
    found = {c["field"] for c in data["columns"]}
    expected = [c.field for c in FIELD_COSTS if c.field not in found and not found & set(c.alternatives)]
    assert [m["field"] for m in data["missing"]] == expected and "depends_on" in expected
    assert all(m["costs"] == cost(m["field"], "zh") for m in data["missing"])


def test_the_pasted_toml_is_the_current_reading(tmp_path):
    data = inspect_json(tracker(tmp_path))
    pasted = tomllib.loads("\n".join(data["paste"]["toml"]))
    assert pasted == {"sheet": "任务", "header_row": 3,
                      "columns": {c["field"]: c["header"] for c in data["columns"]}}
    rows = data["paste"]["campaign_rows"]
    assert rows[:2] == [["工作表", "任务"], ["表头行", "3"]] and ["列:任务", "任务"] in rows


def test_a_header_that_names_two_columns_is_pasted_as_a_letter(tmp_path):
    path = tracker(tmp_path, extra=())
    book = openpyxl.load_workbook(path)
    book["任务"]["F3"] = "状态"  # a second 状态 column: the header text alone would be ambiguous
    book.save(path)
    data = inspect_json(path)
    pasted = tomllib.loads("\n".join(data["paste"]["toml"]))
    assert pasted["columns"]["status"] == "E" and pasted["columns"]["task"] == "任务"


def test_inspect_text_in_the_sheets_language_and_in_english(tmp_path):
    path = tracker(tmp_path)
    zh = run("inspect", path, "--today", TODAY)
    assert zh.returncode == 0 and zh.stderr == ""
    lines = zh.stdout.splitlines()
    assert lines[0] == f"{path}:Excel 工作簿;工作表:任务、活动信息、人员"
    assert "任务表:任务!A3:G5,表头第 3 行" in lines
    task_line = next(line for line in lines if "任务!B3" in line)
    assert task_line.split()[:4] == ["B", "任务!B3", "任务", "->"] and task_line.split()[4] == "任务"
    assert next(line for line in lines if "任务!G3" in line).split()[:4] == ["G", "任务!G3", "Hashtags", "忽略"]
    assert "  " + cost("depends_on", "zh") in lines
    assert '  sheet = "任务"' in lines and "  header_row = 3" in lines and "  列:负责人 | 负责人" in lines

    en = run("inspect", path, "--today", TODAY, "--lang", "en")
    assert en.returncode == 0
    lines = en.stdout.splitlines()
    assert "Task table: 任务!A3:G5, header row 3" in lines and "Not found, and what that costs:" in lines
    assert next(line for line in lines if "任务!C3" in line).split()[2:5] == ["负责人", "->", "owner"]
    assert "  " + cost("duration", "en") in lines and "  column: owner | 负责人" in lines


def test_inspect_without_a_task_table_says_what_it_saw_and_exits_2(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Budget"
    book.active.append(["Name", "Amount"])
    path = tmp_path / "budget.xlsx"
    book.save(path)
    for lang, head in (("en", f"{path}: Excel workbook; sheets: Budget"), ("zh", f"{path}:Excel 工作簿;工作表:Budget")):
        p = run("inspect", path, "--lang", lang)
        assert p.returncode == 2
        assert p.stdout.splitlines() == [head]  # what it saw; the reason is said once, on stderr
        err = p.stderr.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("sheetsync: ") and "Traceback" not in p.stderr
        assert ("找不到任务表" in err[0] or "没有找到任务表" in err[0]) if lang == "zh" else "No sheet" in err[0]
    p = run("inspect", path, "--format", "json")
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1
    data = json.loads(p.stdout)
    assert data["error"]["code"] == "no-task-table" and data["sheet"] is None and data["sheets"] == ["Budget"]


def test_inspect_of_something_unreadable_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    for target in (tmp_path / "missing.xlsx", tmp_path / "notes.txt"):
        p = run("inspect", target)
        assert p.returncode == 2 and p.stdout == ""
        assert len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr


# ---- the reading heads validate and sync --------------------------------------------------------------------------

def test_the_reading_heads_validate_and_sync_text(tmp_path):
    path = tracker(tmp_path)
    p = run("validate", path, "--today", TODAY)
    first = p.stdout.splitlines()[0]
    assert first == "读取 任务!A3:G5(表头第 3 行):编号=A 任务=B 负责人=C 截止日期=D 状态=E;忽略:满意度(F)、Hashtags(G)"
    p = run("validate", path, "--today", TODAY, "--lang", "en")
    assert p.stdout.splitlines()[0] == ("Read 任务!A3:G5 (header row 3): id=A task=B owner=C deadline=D status=E"
                                        " · ignored: 满意度 (F), Hashtags (G)")
    s = run("sync", path, "--today", TODAY, "--dry-run")
    assert s.returncode in (0, 1) and s.stdout.splitlines()[0].startswith("读取 任务!A3:")


def test_many_ignored_headers_are_cut_short(tmp_path):
    extra = ["Long header text about the weekly campaign budget figures"] + [f"Extra {i}" for i in range(1, 12)]
    p = run("validate", tracker(tmp_path, lang="en", extra=extra), "--today", TODAY)
    first = p.stdout.splitlines()[0]
    assert "Extra 7 (" in first and "Extra 8" not in first and first.endswith(", … 4 more")
    assert "ignored: Long header text about… (F), Extra 1 (G)" in first  # a long header is cut too
    p = run("validate", tracker(tmp_path, extra=extra, name="zh.xlsx"), "--today", TODAY)
    assert p.stdout.splitlines()[0].endswith("、…另 4 个")


def test_sync_json_carries_the_reading(tmp_path):
    path = tracker(tmp_path)
    p = run("sync", path, "--today", TODAY, "--format", "json", "--dry-run")
    data = json.loads(p.stdout)
    assert [c["column"] for c in data["columns"]] == ["A", "B", "C", "D", "E"]
    assert data["columns"][1] == {"field": "task", "header": "任务", "column": "B", "cell": "任务!B3"}
    assert data["ignored"] == [{"header": "满意度", "column": "F"}, {"header": "Hashtags", "column": "G"}]
    assert "written" in data


# ---- .xls and .csv through the commands ---------------------------------------------------------------------------

def to_xls(src: Path, dst: Path) -> Path:
    """The same workbook saved as Excel 97-2003: every sheet's values, dates as date cells, merges kept."""
    book = xlwt.Workbook(encoding="utf-8")
    date, stamp = xlwt.easyxf(num_format_str="yyyy-mm-dd"), xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm")
    for sheet in sources.read(src).sheets:
        ws = book.add_sheet(sheet.name)
        covered = {(r, c) for r0, c0, r1, c1 in sheet.merged for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
                   if (r, c) != (r0, c0)}
        for r0, c0, r1, c1 in sheet.merged:
            ws.merge(r0, r1, c0, c1)
        for r, row in enumerate(sheet.rows):
            for c, v in enumerate(row):
                if v in (None, "") or (r, c) in covered:
                    continue
                if isinstance(v, dt.datetime):
                    ws.write(r, c, v, stamp)
                elif isinstance(v, dt.date):
                    ws.write(r, c, v, date)
                else:
                    ws.write(r, c, v)
    book.save(str(dst))
    return dst


def to_csv(src: Path, sheet: str, dst: Path, encoding: str, delimiter: str) -> Path:
    rows = sources.read(src).sheet(sheet).rows
    with dst.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        for row in rows:
            writer.writerow(["" if v is None else v.isoformat() if isinstance(v, dt.date) else
                             (str(int(v)) if isinstance(v, float) and v.is_integer() else v) for v in row])
    return dst


def _tasks(path, *more):
    p = run("validate", path, "--today", "2026-11-23", "--format", "json", *more)
    assert p.returncode in (0, 1), p.stderr
    data = json.loads(p.stdout)
    return [(t["id"], t["task"], t["owner"], t["status"], t["due"], t["health"]) for t in data["tasks"]], data


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_xls_copy_validates_and_digests_like_the_xlsx(tmp_path, lang):
    xlsx = create_tracker(tmp_path / "tracker.xlsx", "campaign-launch", lang=lang, today=D(2026, 11, 23), scenario="demo")
    xls = to_xls(xlsx, tmp_path / "tracker.xls")
    original, _ = _tasks(xlsx)
    copied, data = _tasks(xls)
    assert copied == original and any(t[5] == "late" for t in copied)
    assert [(f["code"], f["cell"]) for f in data["findings"]] == [(f["code"], f["cell"]) for f in _tasks(xlsx)[1]["findings"]]
    out_xlsx, out_xls = tmp_path / "out-xlsx", tmp_path / "out-xls"
    assert run("digest", xlsx, "--today", "2026-11-23", "--outbox", out_xlsx).returncode == 0
    p = run("digest", xls, "--today", "2026-11-23", "--outbox", out_xls)
    assert p.returncode == 0, p.stderr
    names = sorted(f.name for f in out_xls.glob("*.eml"))
    assert names and names == sorted(f.name for f in out_xlsx.glob("*.eml"))
    assert run("inspect", xls, "--today", "2026-11-23").returncode == 0


def test_a_csv_export_validates_with_cells_named(tmp_path):
    xlsx = tracker(tmp_path)
    path = to_csv(xlsx, "任务", tmp_path / "任务导出.csv", "gbk", ";")
    tasks, data = _tasks(path)
    assert data["sheet"] == "任务导出" and data["header_row"] == 3
    assert [(t[0], t[4], t[5]) for t in tasks] == [("T1", "2026-09-18", "late"), ("T2", "2026-10-09", "late")]
    late = [f for f in data["findings"] if f["code"] == "late"]
    assert [f["cell"] for f in late] == ["D4", "D5"] and late[0]["sheet"] == "任务导出"
    p = run("inspect", path, "--today", TODAY)
    assert p.returncode == 0 and p.stdout.splitlines()[0] == f"{path}:CSV 文件,GB18030/GBK,分号分隔"
    assert "  header_row = 3" in p.stdout.splitlines() and "sheet =" not in p.stdout and "活动信息表" not in p.stdout


@pytest.mark.parametrize("fmt", ["xls", "csv"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sync_refuses_xls_and_csv_and_writes_nothing(tmp_path, fmt, lang):
    xlsx = tracker(tmp_path)
    folder = tmp_path / "work"
    folder.mkdir()
    path = (to_xls(xlsx, folder / "t.xls") if fmt == "xls" else
            to_csv(xlsx, "任务", folder / "t.csv", "utf-8-sig", ","))
    before = sha(path)
    p = run("sync", path, "--today", TODAY, "--lang", lang)
    assert p.returncode == 2 and p.stdout == ""
    err = p.stderr.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in p.stderr
    expected = {("xls", "en"): "old Excel 97-2003 format: save it as .xlsx to sync",
                ("xls", "zh"): "旧版 Excel 97-2003 格式:请另存为 .xlsx 后再同步",
                ("csv", "en"): "CSV has no formatting to keep: save it as .xlsx to sync",
                ("csv", "zh"): "CSV 没有可保留的格式:请另存为 .xlsx 后再同步"}[(fmt, lang)]
    assert err[0].endswith(expected)
    assert sha(path) == before and sorted(os.listdir(folder)) == [path.name]  # no backup, no .sheetsync/


def test_inspect_reads_a_google_sheet_like_its_xlsx(tmp_path, standalone):
    from sheets_emulator.client import endpoint_session
    from sheets_emulator.seed import upload_xlsx
    from support.cli_runs import run as run_installed
    _, base = standalone
    path = tracker(tmp_path)
    key = upload_xlsx(endpoint_session(base), path)
    p = run_installed(["inspect", f"gsheet:{key}", "--today", TODAY, "--format", "json"], endpoint=base, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    remote, local = json.loads(p.stdout), inspect_json(path)
    assert remote["kind"] == "gsheet" and remote["sheets"] == local["sheets"]
    for key_ in ("sheet", "header_row", "columns", "ignored", "missing", "paste"):
        assert remote[key_] == local[key_], key_


def test_syncs_own_columns_are_not_offered_as_a_persons_mapping(tmp_path):
    path = tracker(tmp_path)
    before = inspect_json(path)
    first = run("validate", path, "--today", TODAY).stdout.splitlines()[0]
    assert run("sync", path, "--today", TODAY).returncode in (0, 1)
    after = inspect_json(path)
    assert {"m_due", "m_health", "m_flags"} <= {c["field"] for c in after["columns"]}  # sync's columns are seen
    assert after["paste"] == before["paste"]  # ... and never pasted as a mapping
    again = run("validate", path, "--today", TODAY).stdout.splitlines()[0]
    assert again.split("行):", 1)[1] == first.split("行):", 1)[1] and "计划截止" not in again
    text = run("inspect", path, "--today", TODAY).stdout
    assert any("-> 计划截止 (sheetsync)" in line for line in text.splitlines())


JIRA_HEADERS = (
    "Summary,Issue key,Issue id,Issue Type,Status,Project key,Project name,Project type,Project lead,Project lead id,"
    "Project description,Priority,Resolution,Assignee,Assignee Id,Reporter,Reporter Id,Creator,Creator Id,Created,"
    "Updated,Last Viewed,Resolved,Due date,Votes,Description,Environment,Watchers,Watchers Id,Original estimate,"
    "Remaining Estimate,Time Spent,Work Ratio,Σ Original Estimate,Σ Remaining Estimate,Σ Time Spent,Security Level,"
    "Outward issue link (Blocks),Attachment,Attachment,Custom field (Actual end),Custom field (Actual start)").split(",")


def test_a_jira_shaped_export_reads_every_header_once(tmp_path):
    """A Jira Cloud CSV shape: UTF-8 without BOM, LF, a duplicate header, Σ columns, multi-line descriptions."""
    path = tmp_path / "Jira (1).csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(JIRA_HEADERS)
        for i in range(1, 21):
            row = [""] * len(JIRA_HEADERS)
            row[0], row[1], row[4], row[13] = f"Set up service {i}", f"RET-{i}", "To Do", "Ann Lee"
            row[19], row[23] = "07/Sep/21 5:34 PM", "2021-09-20"
            row[25] = f"Steps:\n1. open, then close\n2. \"check\" logs {i}"
            w.writerow(row)
    wb = sources.read(path)
    assert wb.text_format == ("UTF-8", ",") and wb.sheets[0].name == "Jira (1)"
    rows = wb.sheets[0].rows
    assert rows[0] == JIRA_HEADERS and len(rows) == 21 and rows[5][25].count("\n") == 2
    data = inspect_json(path, "--lang", "en")
    seen = sorted([(c["column"], c["header"]) for c in data["columns"]] + [(c["column"], c["header"]) for c in data["ignored"]],
                  key=lambda x: (len(x[0]), x[0]))
    assert seen == [(col_letter(i), h) for i, h in enumerate(JIRA_HEADERS)]  # each header cell once, as written
    pasted = tomllib.loads("\n".join(data["paste"]["toml"]))
    assert "sheet" not in pasted and pasted["header_row"] == 1
    assert all(v != "Attachment" for v in pasted["columns"].values())  # a shared header is pasted as its letter
