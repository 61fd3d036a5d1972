"""The text output's two forms: rich tables when a console is given (a terminal), plain lines otherwise; the
same counts, the same 50-per-severity limit and the same "… and N more" line in both languages."""
from __future__ import annotations

import datetime as dt
import io
import re

from rich.console import Console

from sheetsync import api
from sheetsync.render import plain_text, print_text

from support.tracker_factory import make_tracker

D = dt.date


def _report(tmp_path, n_late: int, lang: str):
    name = "设计海报" if lang == "zh" else "Design poster"
    tasks = [{"id": f"T{i}", "task": f"{name} {i}", "owner": "张三",
              "status": "进行中" if lang == "zh" else "In progress", "deadline": D(2026, 9, 1)}
             for i in range(1, n_late + 1)]
    path = make_tracker(tmp_path / "t.xlsx", tasks, lang=lang,
                        campaign={"name": "C", "launch": D(2026, 10, 12), "end": D(2026, 10, 30)},
                        people=[("张三", "zhangsan@example.com", "运营")])
    return api.validate(path, today="2026-09-21", lang=lang)


def _rich(report, **kw) -> str:
    console = Console(file=io.StringIO(), width=200, record=True, highlight=False, color_system=None)
    print_text(report, console=console, **kw)
    return console.export_text()


def test_rich_and_plain_agree_in_chinese(tmp_path):
    report = _report(tmp_path, 57, "zh")
    for out in (_rich(report), plain_text(report)):
        assert "按问题类型：已逾期 57 条" in out  # each kind by its title; codes are in the Code column only
        assert "… 另有 7 条（见报告表，或用 --format json；--all 显示全部）" in out
        shown = {int(m) for m in re.findall(r"T(\d+) 设计海报", out)}
        assert shown == set(range(1, 51)), sorted(shown)
        assert "57 个任务" in out
    assert "│" in _rich(report) and "│" not in plain_text(report)  # a table only where rich draws one


def test_all_and_zero_forms_in_english(tmp_path):
    report = _report(tmp_path, 51, "en")
    text = plain_text(report, show_all=True)
    assert {int(m) for m in re.findall(r"T(\d+) Design poster", text)} == set(range(1, 52))
    assert "more (report sheet" not in text and "51 tasks, 0 errors, 51 warnings" in text
    limited = plain_text(report)
    assert "… and 1 more (report sheet, or --format json; --all prints every one)" in limited
    assert "… and 1 more" in _rich(report)
