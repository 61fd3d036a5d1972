"""The calendar follows the tracker: the Campaign sheet's 日历, the config's `calendar`, or the tracker's script and
place (Traditional Chinese with Taiwan or Hong Kong hints: TW / HK from the `holidays` package; Simplified
Chinese: mainland China). A Taiwan tracker is never checked against the mainland's calendar, nor warned about
the mainland's missing years. Real .xlsx files."""
from __future__ import annotations

import datetime as dt

import pytest

from sheetsync import api
from support.tracker_factory import make_tracker

D = dt.date
TODAY = "2026-12-07"
FIELDS = ("id", "task", "owner", "time_point", "status")
TRADITIONAL = {"id": "編號", "task": "任務名稱", "owner": "負責人", "time_point": "時間節點", "status": "狀態"}
SIMPLIFIED = {"id": "编号", "task": "任务名称", "owner": "负责人", "time_point": "时间节点", "status": "状态"}
TASKS_TW = ["撰寫企劃書", "設計海報", "開發預約頁面", "測試小程式", "社群貼文排程"]
TASKS_CN = ["撰写企划书", "设计海报", "开发预约页面", "测试小程序", "新媒体排期"]


def tracker(tmp_path, *, traditional=True, name="雙十活動", launch=D(2027, 10, 12), point="T-1wd", extra=None):
    tasks = [{"id": f"T{i + 1}", "task": t, "owner": "林小明" if traditional else "张三", "time_point": point,
              "status": "進行中" if traditional else "进行中"} for i, t in enumerate(TASKS_TW if traditional else TASKS_CN)]
    campaign = {"name": name, "launch": launch, **(extra or {})}
    return make_tracker(tmp_path / "t.xlsx", tasks, fields=FIELDS, headers=TRADITIONAL if traditional else SIMPLIFIED,
                        campaign=campaign, title=None)


def due(report) -> D:
    return report.tasks[0].due


@pytest.mark.parametrize("name, expected, due_day", [
    ("台北雙十活動", "TW", D(2027, 10, 8)),  # 10-11 is Taiwan's National Day (observed)
    ("雙十活動", "TW", D(2027, 10, 8)),  # Traditional Chinese with no place named: Taiwan
    ("香港國慶活動", "HK", D(2027, 10, 11)),
])
def test_traditional_chinese_trackers_follow_their_place(tmp_path, name, expected, due_day):
    report = api.validate(tracker(tmp_path, name=name), today=TODAY)
    assert report.campaign.calendar == expected
    assert due(report) == due_day
    # the holidays package knows 2027 for Taiwan and Hong Kong: no warning about the mainland's missing year
    assert not [f for f in report.findings if f.code == "calendar-gap"]


def test_hong_kong_christmas_is_a_day_off_in_hong_kong_only(tmp_path):
    hk = api.validate(tracker(tmp_path, name="香港聖誕推廣", launch=D(2027, 12, 28)), today=TODAY)
    assert hk.campaign.calendar == "HK" and due(hk) == D(2027, 12, 24)  # 25 and 27 Dec off


def test_simplified_chinese_is_the_mainland_and_warns_about_its_missing_year(tmp_path):
    report = api.validate(tracker(tmp_path, traditional=False, name="国庆活动"), today=TODAY)
    assert report.campaign.calendar == "CN"
    assert due(report) == D(2027, 10, 11)  # the stand-in: National Day 1-5 Oct; make-up days unknown
    assert len([f for f in report.findings if f.code == "calendar-gap"]) == 1


def test_a_time_zone_names_the_place(tmp_path):
    report = api.validate(tracker(tmp_path, name="國慶活動", extra={"timezone": "Asia/Hong_Kong"}), today=TODAY)
    assert report.campaign.calendar == "HK"


@pytest.mark.parametrize("cell, expected", [("台灣", "TW"), ("HK", "HK"), ("中国", "CN"), ("香港", "HK")])
def test_the_campaign_sheet_names_the_calendar(tmp_path, cell, expected):
    report = api.validate(tracker(tmp_path, extra={"calendar": cell}), today=TODAY)
    assert report.campaign.calendar == expected
    assert not [f for f in report.findings if f.code == "bad-calendar"]


def test_the_config_names_the_calendar_over_the_guess(tmp_path):
    from sheetsync.jobs import load_config
    path = tracker(tmp_path, name="台北雙十活動")
    config = tmp_path / "sheetsync.toml"
    config.write_text('state = "state"\n\n[smtp]\nhost = "127.0.0.1"\ntls = "none"\nfrom = "s@localhost"\n\n'
                      '[[trackers]]\nname = "tw"\nsource = "t.xlsx"\ncalendar = "HK"\n', encoding="utf-8")
    job = load_config(config).tracker("tw")
    report = api.validate(path, today=TODAY, overrides=job.overrides())
    assert report.campaign.calendar == "HK" and due(report) == D(2027, 10, 11)


def test_english_messages_do_not_change_the_calendar(tmp_path):
    zh = api.validate(tracker(tmp_path, traditional=False, name="国庆活动"), today=TODAY)
    en = api.validate(tracker(tmp_path, traditional=False, name="国庆活动"), today=TODAY, lang="en")
    assert en.campaign.calendar == zh.campaign.calendar == "CN" and due(en) == due(zh)


def test_sheetsyncs_own_simplified_words_do_not_turn_a_taiwan_tracker_into_a_mainland_one(tmp_path):
    # few Traditional-only characters of its own (報, 進) against the Health, Flags and report-sheet text sync
    # writes in Simplified Chinese: the tracker's own words decide, not sheetsync's
    tasks = [{"id": f"T{i}", "task": f"海報{i}", "owner": "林小明", "time_point": "T-30wd", "status": "進行中"}
             for i in range(1, 13)]
    path = make_tracker(tmp_path / "t.xlsx", tasks, fields=FIELDS, headers=TRADITIONAL, title=None,
                        campaign={"name": "雙十", "launch": D(2027, 10, 12)})
    first = api.sync(path, today="2027-10-01", state=tmp_path / "state.db")
    assert first.changed and first.report.campaign.calendar == "TW"
    from sheetsync import registry as sources
    from sheetsync.engine.calendar_place import traditional
    written = sources.read(path)
    everything = [v for sheet in written.sheets for row in sheet.rows for v in row if isinstance(v, str)]
    assert not traditional(everything)  # read over every cell, the workbook would now pass for Simplified
    again = api.validate(path, today="2027-10-01")
    assert again.campaign.calendar == "TW"
    assert not [f for f in again.findings if f.code == "calendar-gap"]
