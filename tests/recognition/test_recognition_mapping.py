"""One line to correct the reading: a mapping in sheetsync.toml, on the command line or in the Campaign sheet
wins over recognition; a mapping naming a header or sheet that is not there is a one-line error listing
what is there. Real .xlsx files, real `sheetsync` processes."""
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
from sheetsync.engine.mapping import parse_columns
from sheetsync.jobs import load_config
from sheetsync.jobs.config import ConfigError
from sheetsync.model import ColumnMapping, SheetsyncError

D = dt.date
TODAY = "2026-09-21"
HEADERS = ["模块", "接口名", "开发者", "联调时间", "计划开发时间", "状态"]


def sheetsync(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sheetsync", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, "TZ": "UTC"}, timeout=120)


def api_tracker(path: Path, campaign: list[tuple] | None = None) -> Path:
    """A developer's interface list: the task is the interface, the owner the developer."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "接口"
    ws.append(HEADERS)
    ws.append(["用户", "登录接口", "张三", D(2026, 10, 8), D(2026, 9, 1), "进行中"])
    ws.append(["用户", "注册接口", "李四", D(2026, 10, 9), D(2026, 9, 30), "未开始"])
    ws.append(["订单", "下单接口", "王五", D(2026, 10, 10), D(2026, 9, 15), "已完成"])
    if campaign:
        cs = wb.create_sheet("活动信息")
        for row in campaign:
            cs.append(list(row))
    wb.save(path)
    return path


MAPPING = {"task": "接口名", "owner": "开发者", "deadline": "计划开发时间"}


def _late_rows(report):
    return sorted(f.row for f in report.findings if f.code == "late")


def test_without_a_mapping_the_first_date_column_is_taken_and_the_reason_shown(tmp_path):
    # two bare '...时间' date columns: recognition takes the first as the deadline and says why; only the team
    # knows the deadline is 计划开发时间
    report = api.validate(api_tracker(tmp_path / "a.xlsx"), today=TODAY)
    assert report.columns["task"] == 1 and report.columns["owner"] == 2 and report.columns["deadline"] == 3
    assert _late_rows(report) == []
    why = {c.header: c.why for c in report.understanding.columns}
    assert why["计划开发时间"].startswith("忽略")


def test_one_columns_line_in_sheetsync_toml_fixes_the_reading(tmp_path):
    tracker = api_tracker(tmp_path / "a.xlsx")
    config = tmp_path / "sheetsync.toml"
    config.write_text(
        'state = "state"\n\n[smtp]\nhost = "127.0.0.1"\ntls = "none"\nfrom = "s@localhost"\n\n'
        '[[trackers]]\nname = "api"\nsource = "a.xlsx"\n'
        'columns = { task = "接口名", owner = "开发者", deadline = "计划开发时间" }\n', encoding="utf-8")
    mapping = load_config(config).tracker("api").mapping
    assert mapping == ColumnMapping(None, None, MAPPING, "config")
    report = api.validate(tracker, today=TODAY, mapping=mapping)
    assert {f: report.columns[f] for f in MAPPING} == {"task": 1, "owner": 2, "deadline": 4}
    assert _late_rows(report) == [2] and [t.task for t in report.tasks][0] == "登录接口"
    why = {c.header: c.why for c in report.understanding.columns}
    assert "sheetsync.toml" in why["接口名"]

    out = sheetsync("run", "nightly", "--config", config, "--today", TODAY, "--outbox", tmp_path / "notes")
    assert out.returncode == 0, out.stderr
    ws = openpyxl.load_workbook(tracker)["接口"]
    heads = [c.value for c in ws[1]]
    health = heads.index("健康度") + 1
    assert ws.cell(2, health).value == "逾期" and ws.cell(3, health).value != "逾期"
    assert [c.value for c in ws[1]][:6] == HEADERS  # the person's headers are untouched


def test_columns_on_the_command_line(tmp_path):
    tracker = api_tracker(tmp_path / "a.xlsx")
    out = sheetsync("validate", tracker, "--today", TODAY, "--format", "json",
                    "--columns", "task=接口名,owner=开发者,deadline=E")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    read = {c["field"]: c["column"] for c in data["columns"]}
    assert {f: read[f] for f in ("task", "owner", "deadline")} == {"task": "B", "owner": "C", "deadline": "E"}
    assert [f["row"] for f in data["findings"] if f["code"] == "late"] == [2]
    helptext = sheetsync("validate", "--help").stdout
    assert "--columns" in helptext and "task=接口名" in helptext and "--header-row" in helptext


def test_rows_in_the_campaign_sheet_map_columns_and_the_config_wins(tmp_path):
    rows = [("名称", "接口联调"), ("列:任务", "接口名"), ("列:负责人", "开发者"), ("列:截止日期", "计划开发时间")]
    tracker = api_tracker(tmp_path / "a.xlsx", campaign=rows)
    report = api.validate(tracker, today=TODAY)
    assert {f: report.columns[f] for f in MAPPING} == {"task": 1, "owner": 2, "deadline": 4}
    assert "活动信息表" in next(c.why for c in report.understanding.columns if c.header == "接口名")
    # the config (or CLI) wins key by key: task stays from the sheet, the deadline comes from the config
    wins = api.validate(tracker, today=TODAY, mapping=ColumnMapping(columns={"deadline": "模块"}))
    assert wins.columns["deadline"] == 0 and wins.columns["task"] == 1


def test_english_campaign_rows_header_row_and_sheet(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Notes"
    ws.append(["Name", "Who", "Status"])
    plan = wb.create_sheet("Plan")
    plan.append(["Plan for the autumn campaign"])
    plan.append(["Name", "Dev", "Target", "Status"])
    plan.append(["Landing page", "Ann", D(2026, 9, 1), "In progress"])
    cs = wb.create_sheet("Campaign")
    for row in [("column: task", "Name"), ("column: owner", "Dev"), ("column: deadline", "C"), ("header row", 2),
                ("task sheet", "Plan")]:
        cs.append(list(row))
    wb.save(tmp_path / "e.xlsx")
    report = api.validate(tmp_path / "e.xlsx", today=TODAY)
    assert report.sheet == "Plan" and report.header_row == 2 and report.columns["deadline"] == 2
    assert _late_rows(report) == [3]


@pytest.mark.parametrize("lang,words", [("en", ["接口", "not a header", "模块, 接口名, 开发者, 联调时间, 计划开发时间, 状态"]),
                                        ("zh", ["接口", "不是", "现有表头"])])
def test_a_mapping_naming_a_missing_header_is_one_line_listing_the_headers(tmp_path, lang, words):
    tracker = api_tracker(tmp_path / "a.xlsx")
    out = sheetsync("validate", tracker, "--today", TODAY, "--lang", lang, "--columns", "task=接口")
    assert out.returncode == 2 and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr
    assert all(w in lines[0] for w in words)


def test_a_mapping_naming_a_missing_sheet_lists_the_sheets(tmp_path):
    tracker = api_tracker(tmp_path / "a.xlsx")
    with pytest.raises(SheetsyncError) as err:
        api.validate(tracker, today=TODAY, mapping=ColumnMapping(sheet="Plan"))
    assert err.value.code == "bad-mapping" and "接口" in err.value.en and "Plan" in err.value.zh
    with pytest.raises(SheetsyncError) as unknown:
        parse_columns("nonsense=接口名")
    assert unknown.value.code == "bad-mapping" and "nonsense" in unknown.value.en and "task" in unknown.value.en


def test_config_check_names_a_bad_columns_key_by_line(tmp_path):
    config = tmp_path / "sheetsync.toml"
    config.write_text(
        'state = "state"\n\n[smtp]\nhost = "127.0.0.1"\ntls = "none"\nfrom = "s@localhost"\n\n'
        '[[trackers]]\nname = "api"\nsource = "a.xlsx"\nheader_row = 0\n'
        'columns = { task = "接口名", dueday = "C" }\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(config)
    text = err.value.en
    assert "sheetsync.toml:11: trackers[1].header_row" in text
    assert "sheetsync.toml:12: trackers[1].columns.dueday: not a field" in text and "deadline" in text
