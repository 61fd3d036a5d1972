"""Corrections for what guessing cannot see, alike in sheetsync.toml, the Campaign sheet and on the command line:
a column switched off (`ignore`), rows that are not tasks (`skip_rows`), a mapping naming columns on both rows of
a split header, a letter mapping that keeps the detected header row; and `--format json` listing every owner.
Real .xlsx files, real `sheetsync` processes."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from sheetsync import api
from sheetsync.engine.mapping import parse_rows, row_ranges
from sheetsync.jobs import load_config
from sheetsync.jobs.config import ConfigError
from sheetsync.model import SheetsyncError

D = dt.date
TODAY = "2026-09-21"
CONFIG_HEAD = 'state = "state"\n\n[smtp]\nhost = "127.0.0.1"\ntls = "none"\nfrom = "s@localhost"\n\n'


def sheetsync(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sheetsync", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, "TZ": "UTC", "LANG": "C"}, timeout=120)


def config_mapping(tmp_path: Path, lines: str):
    """A tracker's mapping as sheetsync.toml states it."""
    config = tmp_path / "sheetsync.toml"
    config.write_text(CONFIG_HEAD + '[[trackers]]\nname = "t"\nsource = "t.xlsx"\n' + lines, encoding="utf-8")
    return load_config(config).tracker("t").mapping


def campaign_sheet(wb, rows):
    cs = wb.create_sheet("Campaign")
    for row in rows:
        cs.append(list(row))


def codes(report, code):
    return sorted(f.cell for f in report.findings if f.code == code)


# ---------------------------------------------------------------- a column switched off


def rag_tracker(path: Path, campaign=None) -> Path:
    """'Status' holds a Red/Amber/Green health, not the state; % Complete says what is done."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws.append(["Task", "Owner", "Due date", "Status", "% Complete"])
    for i, (rag, done) in enumerate([("Green", 1), ("Amber", 0.5), ("Red", 0), ("Green", 1)]):
        ws.append([f"Task {i + 1}", "Ann", D(2026, 9, 1 + i), rag, done])
    if campaign:
        campaign_sheet(wb, campaign)
    wb.save(path)
    return path


def _switched_off(report):
    assert "status" not in report.columns and report.columns["progress"] == 4
    assert [t.status for t in report.tasks] == ["done", "in-progress", "not-started", "done"]
    assert codes(report, "bad-status") == [] and codes(report, "late") == ["C3", "C4"]  # finished work is not late
    why = next(c.why for c in report.understanding.columns if c.header == "Status")
    assert why.startswith("ignored: switched off")


def test_without_a_correction_a_status_column_of_ratings_is_read_as_ratings_not_as_status_words(tmp_path):
    """The column headed Status holds Red/Amber/Green: each task keeps its rating and no status word is
    reported unknown; `ignore` (below) switches the column off altogether."""
    report = api.validate(rag_tracker(tmp_path / "t.xlsx"), today=TODAY)
    assert report.columns["status"] == 3 and codes(report, "bad-status") == []
    assert [t.rating for t in report.tasks] == ["green", "amber", "red", "green"] or all(t.rating for t in report.tasks)


def test_ignore_in_sheetsync_toml(tmp_path):
    tracker = rag_tracker(tmp_path / "t.xlsx")
    mapping = config_mapping(tmp_path, 'ignore = ["Status"]\n')
    assert mapping.ignore == ("Status",)
    report = api.validate(tracker, today=TODAY, mapping=mapping)
    _switched_off(report)
    assert "sheetsync.toml" in next(c.why for c in report.understanding.columns if c.header == "Status")


def test_ignore_in_the_campaign_sheet(tmp_path):
    tracker = rag_tracker(tmp_path / "t.xlsx", campaign=[("Name", "Autumn"), ("ignore column", "Status")])
    _switched_off(api.validate(tracker, today=TODAY))


def test_ignore_in_the_chinese_campaign_sheet_by_letter_and_list(tmp_path):
    tracker = rag_tracker(tmp_path / "t.xlsx", campaign=[("名称", "秋季活动"), ("忽略列", "D、Owner")])
    report = api.validate(tracker, today=TODAY)
    assert "status" not in report.columns and "owner" not in report.columns
    assert codes(report, "bad-status") == []


def test_ignore_on_the_command_line_and_inspects_lines_to_paste(tmp_path):
    tracker = rag_tracker(tmp_path / "t.xlsx")
    out = sheetsync("validate", tracker, "--today", TODAY, "--ignore", "Status", "--format", "json")
    data = json.loads(out.stdout)
    assert "status" not in {c["field"] for c in data["columns"]}
    assert not [f for f in data["findings"] if f["code"] == "bad-status"]
    seen = sheetsync("inspect", tracker, "--ignore", "Status", "--lang", "en")
    assert seen.returncode == 0, seen.stderr
    assert "switched off with --ignore" in seen.stdout
    assert 'ignore = ["Status"]' in seen.stdout and "ignore column | Status" in seen.stdout


@pytest.mark.parametrize("how", ["cli", "config", "sheet"])
def test_ignoring_a_header_that_is_not_there_is_one_line_listing_the_headers(tmp_path, how):
    if how == "sheet":
        tracker = rag_tracker(tmp_path / "t.xlsx", campaign=[("ignore column", "RAG")])
        with pytest.raises(SheetsyncError) as err:
            api.validate(tracker, today=TODAY)
        assert "Campaign sheet" in err.value.en and "Task, Owner, Due date, Status, % Complete" in err.value.en
        return
    tracker = rag_tracker(tmp_path / "t.xlsx")
    if how == "config":
        with pytest.raises(SheetsyncError) as err:
            api.validate(tracker, today=TODAY, mapping=config_mapping(tmp_path, 'ignore = ["RAG"]\n'))
        assert err.value.code == "bad-mapping" and "'RAG'" in err.value.en and "“RAG”" in err.value.zh
        return
    out = sheetsync("validate", tracker, "--today", TODAY, "--ignore", "RAG", "--lang", "en")
    assert out.returncode == 2 and out.stdout == "" and len(out.stderr.strip().splitlines()) == 1
    assert "--ignore" in out.stderr and "RAG" in out.stderr and "% Complete" in out.stderr


# ---------------------------------------------------------------- rows that are not tasks


def test_skip_rows_in_toml_campaign_sheet_and_cli(tmp_path):
    tracker = rag_tracker(tmp_path / "t.xlsx")
    mapping = config_mapping(tmp_path, 'ignore = ["Status"]\nskip_rows = [3, "4-4"]\n')
    assert mapping.skip_rows == (3, 4)
    report = api.validate(tracker, today=TODAY, mapping=mapping)
    assert [t.row for t in report.tasks] == [2, 5] and codes(report, "late") == []
    sheet = rag_tracker(tmp_path / "s.xlsx", campaign=[("skip rows", "3, 4"), ("ignore column", "Status")])
    assert [t.row for t in api.validate(sheet, today=TODAY).tasks] == [2, 5]
    out = sheetsync("validate", tracker, "--today", TODAY, "--skip-rows", "3-4", "--format", "json")
    assert [t["row"] for t in json.loads(out.stdout)["tasks"]] == [2, 5]


def test_row_ranges_read_back():
    assert parse_rows("5, 8-12；20") == (5, 8, 9, 10, 11, 12, 20)
    assert parse_rows([5, "8-12"]) == (5, 8, 9, 10, 11, 12)
    assert row_ranges(parse_rows("5, 8-12")) == ["5", "8-12"]
    for bad in ("0", "9-3", "x", "1-9999999"):
        with pytest.raises(SheetsyncError):
            parse_rows(bad)


def test_config_check_names_bad_corrections_by_key(tmp_path):
    config = tmp_path / "sheetsync.toml"
    config.write_text(CONFIG_HEAD + '[[trackers]]\nname = "t"\nsource = "t.xlsx"\nignore = "Status"\n'
                      'skip_rows = ["3-x"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(config)
    assert "trackers[1].ignore" in err.value.en and "trackers[1].skip_rows" in err.value.en and "3-x" in err.value.en


# ---------------------------------------------------------------- a split header named on both rows


def split_tracker(path: Path, campaign=None, merged=False) -> Path:
    """任务 and 负责人 on the top row; 计划 / 实际 over 开始 / 结束 on the second (not merged unless asked)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "计划"
    ws.append(["任务", "负责人", "计划", None, "实际", None])
    ws.append([None, None, "开始", "结束", "开始", "结束"])
    if merged:
        ws.merge_cells("C1:D1")
        ws.merge_cells("E1:F1")
        ws.merge_cells("A1:A2")
        ws.merge_cells("B1:B2")
    for i in range(4):
        ws.append([f"任务{i + 1}", "张三", D(2026, 9, 1 + i), D(2026, 9, 10 + 5 * i), None, None])
    if campaign:
        cs = wb.create_sheet("活动信息")
        for row in campaign:
            cs.append(list(row))
    wb.save(path)
    return path


def _split_read(report):
    assert report.header_row == 2 and report.columns["task"] == 0 and report.columns["deadline"] == 3
    assert [t.task for t in report.tasks] == ["任务1", "任务2", "任务3", "任务4"]  # the sub-header is no task
    assert codes(report, "late") == ["D3", "D4", "D5"]  # due 9-10, 9-15, 9-20; 9-25 is not yet


def test_split_header_mapping_in_sheetsync_toml(tmp_path):
    mapping = config_mapping(tmp_path, 'columns = { task = "任务", deadline = "结束" }\n')
    _split_read(api.validate(split_tracker(tmp_path / "t.xlsx"), today=TODAY, mapping=mapping))


def test_split_header_mapping_in_the_campaign_sheet(tmp_path):
    tracker = split_tracker(tmp_path / "t.xlsx", campaign=[("列:任务", "任务"), ("列:截止日期", "结束")])
    _split_read(api.validate(tracker, today=TODAY))


def test_split_header_mapping_on_the_command_line(tmp_path):
    out = sheetsync("validate", split_tracker(tmp_path / "t.xlsx"), "--today", TODAY, "--format", "json",
                    "--columns", "task=任务,deadline=结束")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["header_row"] == 2 and {c["field"]: c["column"] for c in data["columns"]}["deadline"] == "D"


def test_a_merged_group_header_named_with_its_parts_run_together(tmp_path):
    tracker = split_tracker(tmp_path / "t.xlsx", merged=True)
    mapping = config_mapping(tmp_path, 'columns = { task = "任务", deadline = "计划结束", done_date = "实际 / 结束" }\n')
    report = api.validate(tracker, today=TODAY, mapping=mapping)
    assert report.columns["deadline"] == 3 and report.columns["done_date"] == 5
    _split_read(report)


def test_a_missing_name_beside_a_split_header_lists_both_rows(tmp_path):
    out = sheetsync("validate", split_tracker(tmp_path / "t.xlsx"), "--today", TODAY, "--lang", "en",
                    "--columns", "task=任务,deadline=截止")
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1
    line = out.stderr
    assert 'deadline = "截止"' in line and "task" not in line.split("is not")[0].split("column")[1]
    assert "任务" in line and "结束" in line  # the headers of both rows are listed


# ---------------------------------------------------------------- a letter mapping keeps the header row


def titled_tracker(path: Path, campaign=None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws.append(["Autumn campaign plan"])
    ws.append([])
    ws.append(["ID", "Name", "Who", "Target", "Status"])
    for i in range(3):
        ws.append([i + 1, f"Task {i + 1}", "Ann", D(2026, 9, 1 + 10 * i), "In progress"])
    if campaign:
        campaign_sheet(wb, campaign)
    wb.save(path)
    return path


def _letters_read(report):
    assert report.header_row == 3 and report.columns["task"] == 1 and report.columns["deadline"] == 3
    assert [t.task for t in report.tasks] == ["Task 1", "Task 2", "Task 3"]
    assert codes(report, "late") == ["D4", "D5"]


def test_letter_mapping_in_sheetsync_toml_keeps_the_header_row(tmp_path):
    mapping = config_mapping(tmp_path, 'columns = { task = "B", deadline = "D" }\n')
    _letters_read(api.validate(titled_tracker(tmp_path / "t.xlsx"), today=TODAY, mapping=mapping))


def test_letter_mapping_in_the_campaign_sheet_keeps_the_header_row(tmp_path):
    tracker = titled_tracker(tmp_path / "t.xlsx", campaign=[("column: task", "B"), ("column: deadline", "D")])
    _letters_read(api.validate(tracker, today=TODAY))


def test_letter_mapping_on_the_command_line_keeps_the_header_row(tmp_path):
    out = sheetsync("validate", titled_tracker(tmp_path / "t.xlsx"), "--today", TODAY, "--format", "json",
                    "--columns", "task=B,deadline=D")
    data = json.loads(out.stdout)
    assert data["header_row"] == 3 and [t["task"] for t in data["tasks"]] == ["Task 1", "Task 2", "Task 3"]
    # a header row given with the letters is still obeyed
    given = sheetsync("validate", titled_tracker(tmp_path / "t.xlsx"), "--today", TODAY, "--format", "json",
                      "--columns", "task=B,deadline=D", "--header-row", "1")
    assert json.loads(given.stdout)["header_row"] == 1


# ---------------------------------------------------------------- every owner in JSON


def test_json_lists_every_owner(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务"
    ws.append(["任务", "负责人", "截止日期", "状态"])
    ws.append(["海报", "张三、李四", D(2026, 9, 30), "进行中"])
    ws.append(["文案", "王五", D(2026, 9, 30), "进行中"])
    ws.append(["预算", None, D(2026, 9, 30), "进行中"])
    wb.save(tmp_path / "t.xlsx")
    out = sheetsync("validate", tmp_path / "t.xlsx", "--today", TODAY, "--format", "json")
    tasks = json.loads(out.stdout)["tasks"]
    assert [t["owners"] for t in tasks] == [["张三", "李四"], ["王五"], []]
    assert tasks[0]["owner"] == "张三"
