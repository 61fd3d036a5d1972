"""The review clock: hours on working days only by default, every hour with review_clock = "calendar"; set per
tracker in sheetsync.toml or in the Campaign sheet, and the engine's unreviewed finding follows it."""
from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from support.digest_fixtures import HOLIDAY_PEOPLE, tracker_rows
from sheetsync.engine import analyse
from sheetsync.engine.calendar import WorkCalendar
from sheetsync.engine.review_clock import waiting_hours, waiting_seconds
from sheetsync.engine.values import STATUS_LABELS
from sheetsync.jobs.config import load_config

CN = WorkCalendar("CN")
MOMENTS = st.datetimes(min_value=dt.datetime(2026, 9, 20), max_value=dt.datetime(2026, 10, 20))


@settings(max_examples=200, deadline=None)
@given(MOMENTS, MOMENTS)
def test_working_hours_are_the_hours_of_working_days(a, b):
    working = waiting_seconds(a, b, CN, "working")
    wall = waiting_seconds(a, b, CN, "calendar")
    assert wall == max(0.0, (b - a).total_seconds()) and 0 <= working <= wall + 1e-6
    # summed hour by hour over the days between, the slow way
    slow, t = 0.0, a
    while t < b:
        step = min(dt.datetime.combine(t.date() + dt.timedelta(days=1), dt.time()), b)
        slow += (step - t).total_seconds() if CN.is_workday(t.date()) else 0.0
        t = step
    assert abs(working - slow) < 1e-6


def test_a_draft_submitted_before_the_holiday():
    submitted, now = dt.datetime(2026, 9, 30, 16, 0), dt.datetime(2026, 10, 8, 8, 30)
    assert waiting_hours(submitted, now, CN) == 16  # Sep 30 16:00-24:00 and Oct 8 until 08:30
    assert waiting_hours(submitted, now, CN, "calendar") == 184
    # Saturday Oct 10 is a make-up working day: it counts
    assert waiting_hours(dt.datetime(2026, 10, 9, 12), dt.datetime(2026, 10, 12, 0), CN) == 36


def _review_report(campaign_extra: dict, overrides=None):
    s = STATUS_LABELS["zh"]
    tasks = [dict(id="T1", task="海报初稿", owner="钱七", status=s["in-review"], deadline=dt.date(2026, 10, 9),
                  reviewer="张三", submitted=dt.datetime(2026, 9, 30, 16, 0))]
    campaign = {"name": "国庆活动", "launch": dt.date(2026, 10, 15), "calendar": "CN", **campaign_extra}
    return analyse(tracker_rows(tasks, "zh", campaign, HOLIDAY_PEOPLE), dt.date(2026, 10, 8),
                   now=dt.datetime(2026, 10, 8, 8, 30), overrides=overrides)


def test_the_engine_counts_on_the_trackers_clock():
    assert not [f for f in _review_report({}).findings if f.code == "unreviewed"]  # 16 working hours < 24
    by_sheet = _review_report({"审核计时": "自然日"})
    assert by_sheet.campaign.review_clock == "calendar"
    late = [f for f in by_sheet.findings if f.code == "unreviewed"]
    assert len(late) == 1 and "184" in late[0].message
    by_config = _review_report({}, overrides={"review_clock": "calendar"})
    assert [f.code for f in by_config.findings if f.code == "unreviewed"] == ["unreviewed"]
    bad = _review_report({"审核计时": "sometimes"})
    assert bad.campaign.review_clock == "working" and any(f.code == "bad-campaign" for f in bad.findings)


def test_config_takes_working_or_calendar(tmp_path):
    def load(clock):
        text = (f'[smtp]\nhost = "127.0.0.1"\nfrom = "sheetsync@localhost"\n\n'
                f'[[trackers]]\nname = "t"\nsource = "t.xlsx"\nreview_clock = "{clock}"\n')
        (tmp_path / "sheetsync.toml").write_text(text, encoding="utf-8")
        return load_config(tmp_path / "sheetsync.toml")
    config = load("calendar")
    assert config.trackers[0].overrides()["review_clock"] == "calendar"
    try:
        load("sometimes")
    except Exception as e:  # a config error names the key and the two words it takes
        assert "review_clock" in str(e) and "calendar" in str(e)
    else:
        raise AssertionError("an unknown review clock was accepted")
