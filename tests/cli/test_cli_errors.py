"""Errors a newcomer meets, through the real command: exit 2, one line on stderr in the chosen language (zh and
en), no traceback, and the tracker byte for byte as it was (sha256), with no .sheetsync folder left behind."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
import pytest

from support.needs import missing
from support.tracker_factory import make_tracker

D = dt.date
SHEETSYNC = [sys.executable, "-m", "sheetsync.cli"]
TASKS = [{"id": "T1", "task": "写方案", "owner": "张三", "status": "进行中", "deadline": D(2026, 10, 9)}]
CAMPAIGN = {"name": "C", "launch": D(2026, 10, 12)}


def run(*args, cwd: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
    env["SHEETSYNC_STATE"] = str(cwd / ".sheetsync" / "state.db")
    return subprocess.run(SHEETSYNC + [str(a) for a in args], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=120)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_line_both_languages(cwd: Path, args: list, en: str, zh: str, untouched: Path | None = None) -> None:
    before = sha(untouched) if untouched else None
    for lang, want in (("en", en), ("zh", zh)):
        p = run(*args, "--lang", lang, cwd=cwd)
        assert p.returncode == 2, (lang, p.stdout, p.stderr)
        lines = p.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("sheetsync: "), p.stderr
        assert "Traceback" not in p.stderr and want in lines[0], (lang, lines)
        if untouched:
            assert sha(untouched) == before
            assert not (cwd / ".sheetsync").exists() or not any((cwd / ".sheetsync").rglob("*.xlsx"))


def test_old_xls_is_refused_by_sync(tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        missing("soffice not installed (needed to make a real .xls)")
    src = make_tracker(tmp_path / "old.xlsx", TASKS, campaign=CAMPAIGN)
    profile = tempfile.mkdtemp(dir=tmp_path)
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xls",
                    "--outdir", str(tmp_path / "xls"), str(src)], capture_output=True, timeout=180, check=True)
    xls = tmp_path / "xls" / "old.xls"
    assert xls.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a real Excel 97-2003 (OLE2) file
    one_line_both_languages(tmp_path, ["sync", xls, "--today", "2026-09-21"],
                            "old Excel 97-2003 format: save it as .xlsx to sync", "旧版 Excel 97-2003 格式", xls)


def test_truncated_xlsx_is_damaged_or_incomplete(tmp_path):
    whole = make_tracker(tmp_path / "whole.xlsx", TASKS, campaign=CAMPAIGN).read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole[: len(whole) * 2 // 3])  # a copy that stopped part way
    for command in ("sync", "validate"):
        one_line_both_languages(tmp_path, [command, cut, "--today", "2026-09-21"], "damaged or incomplete",
                                "已损坏或不完整", cut)


def test_google_docs_link_is_not_a_spreadsheet(tmp_path):
    url = "https://docs.google.com/document/d/1AbCdEfGhIjKlMnOp/edit"
    one_line_both_languages(tmp_path, ["sync", url], "a Google Docs document, not a Google Sheets spreadsheet",
                            "这是Google 文档,不是 Google 表格")


def test_bad_launch_names_launch(tmp_path):
    one_line_both_languages(tmp_path, ["init", tmp_path / "new.xlsx", "--launch", "2026-13-01"],
                            "--launch '2026-13-01': write a date as YYYY-MM-DD", "--launch '2026-13-01':日期请写成")
    p = run("init", tmp_path / "new.xlsx", "--launch", "2026-13-01", cwd=tmp_path)
    assert "--today" not in p.stderr and not (tmp_path / "new.xlsx").exists()


def test_unknown_lang_is_one_line(tmp_path):
    path = make_tracker(tmp_path / "t.xlsx", TASKS, campaign=CAMPAIGN)
    before = sha(path)
    for command in (["validate", path], ["sync", path], ["config", "check", "--config", tmp_path / "x.toml"]):
        p = run(*command, "--lang", "fr", cwd=tmp_path)
        lines = p.stderr.strip().splitlines()
        assert p.returncode == 2 and len(lines) == 1, p.stderr
        assert "--lang 'fr': choose zh (Chinese) or en (English)" in lines[0]
    assert sha(path) == before


def test_read_only_tracker_is_refused_even_for_root(tmp_path):
    path = make_tracker(tmp_path / "t.xlsx", TASKS, campaign=CAMPAIGN)
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    try:
        one_line_both_languages(tmp_path, ["sync", path, "--today", "2026-09-21"],
                                "read-only, so its owner wants it left alone", "文件为只读", path)
        assert run("sync", path, "--dry-run", "--today", "2026-09-21", cwd=tmp_path).returncode == 0  # reading is fine
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_header_only_sheet_has_nothing_to_sync(tmp_path):
    path = make_tracker(tmp_path / "t.xlsx", [], campaign=CAMPAIGN)
    one_line_both_languages(tmp_path, ["sync", path, "--today", "2026-09-21"],
                            "has a header row (3) but no tasks under it; nothing to sync, nothing written",
                            "只有表头(第 3 行),没有任务;无需同步,未写入任何内容", path)


def test_multi_line_headers_are_shown_on_one_line(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["客户\n名称", "金额\n(元)", "备注"])
    wb.active.append(["甲", 1, "x"])
    path = tmp_path / "other.xlsx"
    wb.save(path)
    one_line_both_languages(tmp_path, ["validate", path], "Header rows seen: Sheet!1: 客户 名称, 金额 (元), 备注",
                            "客户 名称, 金额 (元), 备注", path)


@pytest.mark.parametrize("day, weekday", [("周一", "monday"), ("星期三", "wednesday"), ("週五", "friday"),
                                          ("周日", "sunday"), ("星期天", "sunday"), ("tue", "tuesday")])
def test_config_day_in_chinese_or_english(tmp_path, day, weekday):
    from sheetsync.jobs import EXAMPLE_CONFIG, check_config
    path = tmp_path / "sheetsync.toml"
    path.write_text(EXAMPLE_CONFIG.replace('day = "monday"', f'day = "{day}"'), encoding="utf-8")
    assert check_config(path).jobs.digest.day == weekday


def test_config_check_reports_missing_files_and_links_that_name_no_sheet(tmp_path):
    cfg = tmp_path / "sheetsync.toml"
    assert run("init", "--config", cfg, cwd=tmp_path).returncode == 0
    assert (tmp_path / "trackers" / "夏日清凉服务季.xlsx").is_file()  # the example names a tracker that exists
    ok = run("config", "check", "--config", cfg, "--lang", "en", cwd=tmp_path)
    assert ok.returncode == 0 and "OK. 1 tracker: summer" in ok.stdout, ok.stderr
    text = cfg.read_text(encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("source = "))
    (tmp_path / "trackers" / "夏日清凉服务季.xlsx").unlink()
    one_line_both_languages(tmp_path, ["config", "check", "--config", cfg],
                            f"sheetsync.toml:{line}: trackers[1].source: ", "文件不存在")
    cfg.write_text(text.replace('source = "trackers/夏日清凉服务季.xlsx"',
                                'source = "https://docs.google.com/document/d/1AbC/edit"'), encoding="utf-8")
    one_line_both_languages(tmp_path, ["config", "check", "--config", cfg], "does not name a Google sheet",
                            "不能确定是哪张 Google 表格")
