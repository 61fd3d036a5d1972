"""Counts read right in both languages: one and other forms in English, zero forms where a word reads better."""
from __future__ import annotations

import re

import pytest

from sheetsync.engine.counts import count
from sheetsync.digest import content as digest_content
from sheetsync.engine.catalogue import CATALOGUE


@pytest.mark.parametrize("lang, days, message, short", [
    ("en", 0, "Due today (2026-12-08).", "due today"),
    ("en", 1, "Due 2026-12-08, in 1 working day.", "due in 1 working day"),
    ("en", 2, "Due 2026-12-08, in 2 working days.", "due in 2 working days"),
    ("zh", 0, "今天到期(2026-12-08)。", "今天到期"),
    ("zh", 1, "将于 2026-12-08 到期(还剩 1 个工作日)。", "1 个工作日内到期"),
    ("zh", 2, "将于 2026-12-08 到期(还剩 2 个工作日)。", "2 个工作日内到期"),
])
def test_due_soon_zero_one_and_many(lang, days, message, short):
    ftype = CATALOGUE["due-soon"]
    assert ftype.message(lang, due="2026-12-08", days=days) == message
    assert ftype.short(lang, days=days) == short


def test_late_and_lead_time_counts():
    late = CATALOGUE["late"]
    assert "(1 working day late)" in late.message("en", due="2026-12-01", days=1)
    assert "(3 working days late)" in late.message("en", due="2026-12-01", days=3)
    assert late.short("en", days=1) == "1 working day late" and late.short("zh", days=1) == "逾期 1 个工作日"
    lead = CATALOGUE["lead-time"].message("en", department="Design", need=1, have=0, requested="a", due="b")
    assert "needs 1 working day between" in lead and "gives 0 working days." in lead


def test_counted_units():
    assert [count("en", "h", n) for n in (1, 38)] == ["1 hour", "38 hours"]
    assert count("zh", "h", 38) == "38 小时" and count("en", "day", 1) == "1 day"


def test_the_digest_counts_with_the_same_helper():
    # the digest's wording ("共 3 处", "3 项任务") lives in the one table, beside the report's ("3 个单元格")
    assert digest_content.count is count
    assert [count("en", "spot", n) for n in (1, 3)] == ["1 cell", "3 cells"] and count("zh", "spot", 3) == "3 处"
    assert [count("en", "item", n) for n in (1, 3)] == ["1 task", "3 tasks"] and count("zh", "item", 3) == "3 项任务"
    assert count("zh", "cell", 3) == "3 个单元格"


def test_no_template_spells_a_count_without_its_unit_form():
    """A bare '{days} working days' would print '1 working days': every count goes through {name:unit}."""
    bare = re.compile(r"\{\w+\}\s*(?:working days?|hours?|days?\b|个工作日|小时)")
    for ftype in CATALOGUE.values():
        for text in (ftype.en, ftype.zh, ftype.short_en, ftype.short_zh):
            assert not bare.search(text), (ftype.code, text)


def test_bad_calendar_points_at_the_campaign_cell(tmp_path):
    import datetime as dt

    from sheetsync import api
    from support.tracker_factory import make_tracker
    path = make_tracker(tmp_path / "t.xlsx", [{"id": "T1", "task": "写方案", "owner": "张三", "status": "进行中",
                                               "deadline": dt.date(2026, 10, 9)}],
                        campaign={"name": "C", "launch": dt.date(2026, 10, 12), "calendar": "XX"})
    report = api.validate(str(path), today="2026-09-21")
    bad = [f for f in report.findings if f.code == "bad-calendar"]
    assert len(bad) == 1 and bad[0].ref == "活动信息!B3" and bad[0].row == 3
