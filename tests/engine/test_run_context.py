"""The run's context: campaign facts set outside the tracker are a typed Overrides (a name it does not know is an
error, never dropped), a dict and an Overrides give the same report, the old keyword names and the typed groups
(context.Reading, context.Delivery) give the same run, the clock's zone is the one the engine's Campaign read
finds, and `--today` is parsed once."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from sheetsync import api
from sheetsync.clock import Pinned, parse_today, pin
from sheetsync.context import Delivery, Reading
from sheetsync.digest import DigestOptions, build_digests
from sheetsync.engine.campaign import campaign_zone, read_campaign
from sheetsync.model import Campaign, Overrides, SheetData, WorkbookData
from support.digest_fixtures import make_report, task
from support.tracker_factory import make_tracker

D = dt.date
TASKS = [{"id": "T1", "task": "方案", "owner": "张三", "status": "进行中", "deadline": D(2026, 10, 9)},
         {"id": "T2", "task": "海报", "owner": "李四", "status": "未开始", "deadline": D(2026, 10, 20)}]
PEOPLE = [("张三", "zhangsan@example.com", "运营"), ("李四", "lisi@example.com", "设计部")]


def test_an_override_it_does_not_know_is_a_type_error():
    with pytest.raises(TypeError):
        Overrides.of({"timezone": "Asia/Shanghai", "timezon": "UTC"})
    assert Overrides.of({"timezone": "Asia/Shanghai"}).timezone == "Asia/Shanghai"
    assert Overrides.of(None) == Overrides()


def test_set_facts_replace_the_sheets_and_unset_ones_keep_it():
    sheet = Campaign(name="活动", timezone="Asia/Shanghai", calendar="CN", review_sla_hours=24.0)
    over = Overrides(calendar="TW", recipients=["team@example.com"]).over(sheet)
    assert (over.calendar, over.recipients, over.timezone, over.name) == ("TW", ["team@example.com"],
                                                                          "Asia/Shanghai", "活动")
    assert sheet.calendar == "CN"  # the sheet's campaign is not changed in place
    merged = Overrides(calendar="TW", timezone="UTC").merged({"timezone": "Europe/London"})
    assert (merged.calendar, merged.timezone) == ("TW", "Europe/London")


def test_a_dict_and_an_overrides_give_the_same_report(tmp_path):
    path = make_tracker(tmp_path / "t.xlsx", TASKS, people=PEOPLE,
                        campaign={"name": "活动", "launch": D(2026, 10, 12), "recipients": "a@example.com"})
    given_dict = api.validate(path, today="2026-10-08", overrides={"recipients": ["b@example.com"],
                                                                     "review_sla_hours": 4.0})
    typed = api.validate(path, reading=Reading(today="2026-10-08",
                                               overrides=Overrides(recipients=["b@example.com"],
                                                                   review_sla_hours=4.0)))
    assert given_dict.campaign.recipients == typed.campaign.recipients == ["b@example.com"]
    assert given_dict.campaign.review_sla_hours == typed.campaign.review_sla_hours == 4.0
    assert [(f.code, f.cell) for f in given_dict.findings] == [(f.code, f.cell) for f in typed.findings]


def test_old_keywords_and_typed_groups_run_the_same_digest(tmp_path):
    path = make_tracker(tmp_path / "t.xlsx", TASKS, people=PEOPLE,
                        campaign={"name": "活动", "launch": D(2026, 10, 12), "recipients": "team@example.com"})
    old, _ = api.digest(path, today="2026-10-08", outbox=tmp_path / "old", state=tmp_path / "old.db",
                        kinds="all")
    new, _ = api.digest(path, reading=Reading(today="2026-10-08"),
                        delivery=Delivery(outbox=tmp_path / "new", state=tmp_path / "new.db"),
                        options=DigestOptions(kinds="all"))
    assert [(m.kind, m.recipient) for m in old.messages] == [(m.kind, m.recipient) for m in new.messages]
    assert sorted(p.name for p in (tmp_path / "old").iterdir()) == sorted(p.name for p in (tmp_path / "new").iterdir())
    assert old.messages and any((tmp_path / "new").iterdir())


def test_a_keyword_no_group_takes_is_refused():
    report = make_report("zh", D(2026, 10, 8), [task(1, "方案", "张三", "进行中", D(2026, 10, 9), "ok")])
    with pytest.raises(TypeError):
        build_digests(report, None, tracker="t.xlsx", kinds="team", colour="red")


def _workbook(rows):
    return WorkbookData("t.xlsx", [SheetData("活动信息", rows)])


ZONES = st.sampled_from(["Asia/Shanghai", "Europe/London", "America/New_York", "Nowhere/City", "UTC", " Asia/Tokyo "])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["时区", "Timezone", "活动名称", "时 区"]), ZONES), max_size=4))
def test_the_clocks_zone_is_the_one_the_engines_campaign_read_finds(rows):
    workbook = _workbook([list(r) for r in rows])
    for lang in ("zh", "en"):
        assert campaign_zone(workbook) == read_campaign(workbook, lang, 2026)[0].timezone


def test_today_is_parsed_once_and_a_parsed_day_is_kept():
    pinned = parse_today("2026-11-23T08:30")
    assert isinstance(pinned, Pinned) and pinned == (D(2026, 11, 23), dt.datetime(2026, 11, 23, 8, 30))
    assert pin(pinned) is pinned
    unpinned = pin(None) if parse_today(None).day is None else None
    if unpinned is not None:  # nothing pinned: the machine's moment, read once, aware
        assert unpinned.day is None and unpinned.moment.tzinfo is not None
