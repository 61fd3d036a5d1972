"""Regressions found by the property tests of `make stress` (tests/engine/test_stress_engine.py), kept here as plain
fast tests: each input once crashed the engine or was read wrongly."""
from __future__ import annotations

import datetime as dt

import pytest

from sheetsync.engine import analyse
from sheetsync.engine.values import parse_datetime
from sheetsync.model import SheetData, WorkbookData

HEAD = ["编号", "任务", "负责人", "前置任务", "时间节点", "工期", "截止日期", "状态"]
CAMPAIGN = [["上线日期", dt.date(2026, 10, 1)], ["结束日期", dt.date(2026, 10, 30)]]


def _run(rows, campaign=CAMPAIGN):
    sheets = [SheetData("任务", [HEAD] + rows), SheetData("活动信息", campaign)]
    return analyse(WorkbookData("r.xlsx", sheets), dt.date(2026, 9, 21))


@pytest.mark.parametrize("rows,campaign", [
    ([["T1", "a", "张三", "", "", 2080126, "", "未开始"]], CAMPAIGN),  # thousands of years of work
    ([["T1", "a", "张三", "", "", "", None, "未开始"], ["T2", "b", "张三", "T1", "", 5, dt.date(1, 1, 3), "未开始"]],
     CAMPAIGN),  # a predecessor's due date before year 1
    ([["T1", "a", "张三", "", "T-99999999", "", "", "未开始"]], CAMPAIGN),
    ([["T1", "a", "张三", "", "T+9999999wd", "", "", "未开始"]], CAMPAIGN),
    ([["T1", "a", "张三", "", "T+5wd", "", "", "未开始"]], [["上线日期", dt.date(9999, 12, 30)]]),
    ([["T1", "a", "张三", "", "T-5", "", "", "未开始"]], [["上线日期", dt.date(1, 1, 1)]]),
])
def test_dates_beyond_the_calendar_give_findings_not_overflow(rows, campaign):
    report = _run(rows, campaign)  # raised OverflowError before
    assert len(report.tasks) == len(rows)
    for f in report.findings:
        if f.code == "bad-time-point":
            assert f.cell == "E2"


def test_time_point_outside_the_calendar_is_a_bad_time_point():
    report = _run([["T1", "a", "张三", "", "T-99999999", "", "", "未开始"]])
    assert [(f.code, f.cell) for f in report.findings if f.code == "bad-time-point"] == [("bad-time-point", "E2")]
    assert report.tasks[0].due is None


def test_every_task_in_a_cycle_is_told_once():
    # T1 and T2 each depend on themselves and on each other: the shortest cycle through T1 is T1 -> T1,
    # which used to leave T2 (also in a cycle) without a finding
    report = _run([["T1", "a", "张三", "T1, T2", "", "", "", "未开始"], ["T2", "b", "张三", "T1, T2", "", "", "", "未开始"]])
    cyc = [(f.task_id, f.cell) for f in report.findings if f.code == "dependency-cycle"]
    assert sorted(cyc) == [("T1", "D2"), ("T2", "D3")]


def test_morning_word_with_an_afternoon_hour_is_not_a_time():
    with pytest.raises(ValueError):
        parse_datetime("7月8日 上午13:00", 2026)
    assert parse_datetime("7月8日 上午11:00", 2026) == dt.datetime(2026, 7, 8, 11, 0)
    assert parse_datetime("7月8日 上午12:00", 2026) == dt.datetime(2026, 7, 8, 12, 0)
    report = _run([["T1", "a", "张三", "", "", "", "7月8日 上午13:00", "进行中"]])
    assert [f.cell for f in report.findings if f.code == "bad-date"] == ["G2"]


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), 1e308, "1e400", 10 ** 400])
def test_an_infinite_duration_is_a_bad_number(value):
    report = _run([["T1", "a", "张三", "", "", value, "", "未开始"]])  # inf raised OverflowError in the schedule
    assert [f.cell for f in report.findings if f.code == "bad-number"] == ["F2"]


@pytest.mark.parametrize("key,value", [("审核时限", -23_999_999_977), ("审核时限", "-5"), ("临期天数", 10 ** 9),
                                       ("提前期:设计部", -3)])
def test_a_negative_or_absurd_campaign_count_is_bad_campaign(key, value):
    # -24e9 review hours overflowed timedelta in the review check
    rows = [["T1", "a", "张三", "", "", "", "", "待审核"]]
    head = HEAD + ["提交审核时间"]
    sheets = [SheetData("任务", [head] + [rows[0] + [dt.datetime(2026, 9, 20, 10)]]),
              SheetData("活动信息", CAMPAIGN + [[key, value]])]
    report = analyse(WorkbookData("r.xlsx", sheets), dt.date(2026, 9, 21))
    assert [(f.sheet, f.cell) for f in report.findings if f.code == "bad-campaign"] == [("活动信息", "B3")]
