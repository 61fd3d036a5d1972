"""The State Council's holiday notice, read as published, into a holidays file or the tracker's Holidays sheet;
a year chinese-calendar lacks then gets the notice's days off and make-up working days. The 2025 and 2026
notices (../shared/calendar) must give exactly chinese-calendar's days; a notice of the same form is shipped
here too, so a clone without ../shared still tests the parser. Real .xlsx files, real `sheetsync` processes."""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import chinese_calendar
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support.needs import missing
from sheetsync import api
from sheetsync.engine.holiday_notice import NoticeError, parse_notice
from sheetsync.holidays_file import load, official_days, store_notice as save
from support.tracker_factory import make_tracker

D = dt.date
NOTICES = Path(__file__).resolve().parents[2].parent / "shared" / "calendar"  # the published notices, beside the repository

# A notice of the published form for 2027, a year chinese-calendar does not have. Its dates are made up for
# the test (the weekdays are right for 2027); the real notice comes out in November.
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知

经国务院批准，现将2027年元旦、春节、劳动节和国庆节放假调休日期的具体安排通知如下。

一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至12日（农历正月初七、周五）放假调休，共8天。2月13日（周六）上班。
三、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。
四、国庆节：9月30日（周四）至10月7日（周四）放假调休，共8天。9月26日（周日）、10月9日（周六）上班。
"""
REST_2027 = ([D(2027, 1, d) for d in (1, 2, 3)] + [D(2027, 2, d) for d in range(5, 13)]
             + [D(2027, 5, d) for d in range(1, 6)] + [D(2027, 9, 30)] + [D(2027, 10, d) for d in range(1, 8)])
WORK_2027 = [D(2027, 2, 13), D(2027, 4, 25), D(2027, 5, 8), D(2027, 9, 26), D(2027, 10, 9)]


def sheetsync(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sheetsync", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, "TZ": "UTC", "LANG": "C"}, timeout=120, cwd=cwd)


def half_width(text: str) -> str:
    return (text.replace("：", ":").replace("（", "(").replace("）", ")").replace("，", ",").replace("。", ".")
            .replace("、", ","))


def variants(text: str) -> dict[str, str]:
    """The notice as pasted from a web page or a chat: other punctuation, other line breaks."""
    return {
        "as published": text,
        "half-width": half_width(text),
        "half-width, keeps 、": half_width(text).replace(",", "、").replace("、共", ",共"),
        "CRLF": text.replace("\n", "\r\n"),
        "one line": text.replace("\n", ""),
        "broken inside dates": re.sub(r"(\d+月)(\d+日)", "\\1\n\\2", text),
        "broken before 至 and 上班": text.replace("至", "\n至").replace("上班", "\n上班"),
        "wrapped at 20 characters": "\n".join(text[i:i + 20] for i in range(0, len(text), 20)),
        "spaces and full-width digits": text.replace("日", " 日 ").replace("1", "１"),
    }


def shared_notice(year: int) -> str:
    path = NOTICES / f"{year}.txt"
    if not path.is_file():
        missing(f"{path} not found (the published notices, expected beside the repository: ../shared/calendar)")
    return path.read_text(encoding="utf-8")


def official(year: int) -> tuple[list[D], list[D]]:
    """chinese-calendar's own data for the year: every day off of a holiday, and the make-up working days."""
    rest = sorted(d for d in chinese_calendar.holidays if d.year == year)
    work = sorted(d for d in chinese_calendar.workdays if d.year == year)
    return rest, work


# ---------------------------------------------------------------- the parser


@pytest.mark.parametrize("year", [2025, 2026])
@pytest.mark.parametrize("form", list(variants("x")))
def test_published_notices_give_exactly_chinese_calendars_days(year, form):
    text = variants(shared_notice(year))[form]
    notice = parse_notice(text)
    rest, work = official(year)
    assert notice.year == year
    assert notice.rest == rest
    assert notice.work == work


@pytest.mark.parametrize("form", list(variants("x")))
def test_a_notice_for_a_year_the_package_lacks(form):
    notice = parse_notice(variants(NOTICE_2027)[form])
    assert notice.year == 2027
    assert notice.rest == sorted(REST_2027) and notice.work == sorted(WORK_2027)
    assert [h.name for h in notice.holidays] == ["元旦", "春节", "劳动节", "国庆节"]
    assert notice.holidays[1].work == [D(2027, 2, 13)]


def test_a_range_across_the_new_year_and_explicit_years():
    notice = parse_notice("2027年部分节假日安排\n一、元旦：12月31日（周四）至1月2日（周六）放假调休，共3天。1月3日（周日）上班。")
    assert notice.rest == [D(2026, 12, 31), D(2027, 1, 1), D(2027, 1, 2)] and notice.work == [D(2027, 1, 3)]
    old = parse_notice("一、元旦：2012年1月1日至3日放假调休，共3天。2011年12月31日（星期六）上班。", year=2012)
    assert old.rest == [D(2012, 1, 1), D(2012, 1, 2), D(2012, 1, 3)] and old.work == [D(2011, 12, 31)]


def test_the_year_comes_from_the_title_or_is_asked_for():
    body = "一、春节：2月5日（周五）至12日（周五）放假调休，共8天。2月13日（周六）上班。"
    assert parse_notice(body, year=2027).rest[0] == D(2027, 2, 5)
    with pytest.raises(NoticeError) as no_year:
        parse_notice(body)
    assert "--year" in no_year.value.en and "--year" in no_year.value.zh
    with pytest.raises(NoticeError) as other:
        parse_notice(NOTICE_2027, year=2028)
    assert "2027" in other.value.en and "2028" in other.value.zh


@pytest.mark.parametrize("text, words", [
    # a weekday that does not match: the wrong year, or a typo; never a holiday moved by a day
    ("2027年部分节假日安排 一、春节：2月5日（周六）至12日（周五）放假调休，共8天。", ("2027-02-05", "周六")),
    # 共N天 that disagrees with the range
    ("2027年部分节假日安排 一、春节：2月5日（周五）至12日（周五）放假调休，共9天。", ("9", "8")),
    ("2027年部分节假日安排 一、春节：2月30日至3月2日放假，共3天。", ("2月30日",)),
    ("一段与放假无关的文字 2027年部分节假日安排", ("二、春节",)),
])
def test_a_notice_that_does_not_add_up_is_refused_with_the_reason(text, words):
    with pytest.raises(NoticeError) as err:
        parse_notice(text)
    assert all(w in err.value.en for w in words) and all(w in err.value.zh for w in words)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["\n", "\r\n", " ", "\u3000", "\t"]), min_size=0, max_size=40),
       st.randoms(use_true_random=False))
def test_line_breaks_and_spaces_anywhere_read_the_same(breaks, rnd):
    text = NOTICE_2027
    for br in breaks:
        i = rnd.randrange(len(text) + 1)
        text = text[:i] + br + text[i:]
    notice = parse_notice(text)
    assert notice.rest == sorted(REST_2027) and notice.work == sorted(WORK_2027)


# ---------------------------------------------------------------- the holidays file


def test_the_holidays_file_keeps_each_year_and_round_trips(tmp_path):
    path = tmp_path / "holidays.toml"
    save(path, parse_notice(NOTICE_2027))
    save(path, parse_notice(NOTICE_2027.replace("2月13日（周六）上班。", "")))  # 2027 again: replaced, not added
    years = load(path)
    assert list(years) == [2027] and years[2027].work == sorted(set(WORK_2027) - {D(2027, 2, 13)})
    days = official_days(path)
    assert days["rest"] == sorted(REST_2027)
    (tmp_path / "broken.toml").write_text("[2027]\nrest = [\"2027-02-30\"]\n", encoding="utf-8")
    with pytest.raises(Exception) as err:
        load(tmp_path / "broken.toml")
    assert "2027-02-30" in str(err.value)


@pytest.mark.parametrize("year", [2025, 2026])
def test_cli_import_into_a_file_gives_chinese_calendars_days(tmp_path, year):
    notice = tmp_path / f"{year}.txt"
    notice.write_text(half_width(shared_notice(year)), encoding="gb18030")  # as saved on a Chinese Windows
    out = sheetsync("holidays", "import", notice, "--file", tmp_path / "holidays.toml", "--lang", "en")
    assert out.returncode == 0, out.stderr
    assert 'holidays_file = "holidays.toml"' in out.stdout
    rest, work = official(year)
    assert load(tmp_path / "holidays.toml")[year].rest == rest and load(tmp_path / "holidays.toml")[year].work == work


def test_cli_refuses_a_text_that_is_not_a_notice_in_one_line(tmp_path):
    bad = tmp_path / "n.txt"
    bad.write_text("会议纪要：下周一开会。", encoding="utf-8")
    out = sheetsync("holidays", "import", bad, "--file", tmp_path / "h.toml", "--lang", "zh", "--year", "2027")
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    assert "没有找到节假日安排" in out.stderr and not (tmp_path / "h.toml").exists()
    no_year = sheetsync("holidays", "import", bad, "--file", tmp_path / "h.toml", "--lang", "en")
    assert no_year.returncode == 2 and "--year" in no_year.stderr and not (tmp_path / "h.toml").exists()


# ---------------------------------------------------------------- a campaign in 2027


def _spring_tracker(path: Path, **kw) -> Path:
    # launch Monday 2027-02-22; T-8wd counts back over Spring Festival
    tasks = [{"id": "T1", "stage": "筹备", "task": "物料下单", "owner": "张三", "status": "进行中", "time_point": "T-8wd"}]
    return make_tracker(path, tasks, fields=("id", "stage", "task", "owner", "time_point", "status"),
                        campaign={"name": "春节活动", "launch": D(2027, 2, 22)}, **kw)


def test_without_the_notice_2027_gets_the_stand_in_holidays_and_one_gap_warning(tmp_path):
    report = api.validate(_spring_tracker(tmp_path / "t.xlsx"), today="2026-12-07")
    # holidays.China's days off (5-10 Feb) stand in: 19 18 17 16 15 12 11 4
    assert report.tasks[0].due == D(2027, 2, 4)
    gaps = [f for f in report.findings if f.code == "calendar-gap"]
    assert len(gaps) == 1
    assert "make-up" in gaps[0].message or "调休" in gaps[0].message
    assert "sheetsync holidays import" in gaps[0].message
    en = api.validate(_spring_tracker(tmp_path / "t.xlsx"), today="2026-12-07", lang="en")
    gap = next(f for f in en.findings if f.code == "calendar-gap")
    assert "make-up working days are unknown" in gap.message and "holidays import" in gap.message


def test_an_imported_notice_gives_its_days_to_the_working_day_counts(tmp_path):
    tracker = _spring_tracker(tmp_path / "t.xlsx")
    (tmp_path / "2027.txt").write_text(NOTICE_2027, encoding="utf-8")
    out = sheetsync("holidays", "import", tmp_path / "2027.txt", "--file", tmp_path / "holidays.toml")
    assert out.returncode == 0, out.stderr
    report = api.validate(tracker, today="2026-12-07",
                          overrides={"official_days": official_days(tmp_path / "holidays.toml")})
    # off 5-12 Feb, the make-up Saturday 13 Feb works: 19 18 17 16 15 13 4 3
    assert report.tasks[0].due == D(2027, 2, 3)
    assert not [f for f in report.findings if f.code == "calendar-gap"]
    # the same through the command line and through a job's sheetsync.toml
    cli = sheetsync("validate", tracker, "--today", "2026-12-07", "--holidays-file", tmp_path / "holidays.toml",
                    "--format", "json")
    assert '"due": "2027-02-03"' in cli.stdout and "calendar-gap" not in cli.stdout
    from sheetsync.jobs import load_config
    config = tmp_path / "sheetsync.toml"
    config.write_text('state = "state"\n\n[smtp]\nhost = "127.0.0.1"\ntls = "none"\nfrom = "s@localhost"\n\n'
                      '[[trackers]]\nname = "spring"\nsource = "t.xlsx"\nholidays_file = "holidays.toml"\n',
                      encoding="utf-8")
    job = load_config(config).tracker("spring")
    assert api.validate(tracker, today="2026-12-07", overrides=job.overrides()).tasks[0].due == D(2027, 2, 3)


def test_config_check_names_a_missing_holidays_file(tmp_path):
    from sheetsync.jobs import load_config
    from sheetsync.jobs.config import ConfigError
    config = tmp_path / "sheetsync.toml"
    config.write_text('state = "state"\n\n[smtp]\nhost = "127.0.0.1"\ntls = "none"\nfrom = "s@localhost"\n\n'
                      '[[trackers]]\nname = "spring"\nsource = "t.xlsx"\nholidays_file = "nope.toml"\n',
                      encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(config)
    assert "trackers[1].holidays_file" in err.value.en and "holidays import" in err.value.en


def test_import_into_the_trackers_holidays_sheet_goes_through_the_patcher(tmp_path):
    own = [(D(2027, 2, 13), "休息", "公司统一休息")]  # the team gives the make-up Saturday off: kept as typed
    tracker = _spring_tracker(tmp_path / "t.xlsx", holidays=own)
    before = zipfile.ZipFile(tracker).namelist()
    (tmp_path / "2027.txt").write_text(NOTICE_2027, encoding="utf-8")
    out = sheetsync("holidays", "import", tmp_path / "2027.txt", "--into", tracker, "--lang", "en", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "Added 28 days" in out.stdout and "Left as typed: 1 day" in out.stdout
    wb = openpyxl.load_workbook(tracker)
    rows = [tuple(c.value for c in r) for r in wb["节假日"].iter_rows(min_row=2)]
    assert rows[0] == (dt.datetime(2027, 2, 13), "休息", "公司统一休息")
    added = {r[0].date(): r[1] for r in rows[1:]}
    assert {d for d, k in added.items() if k == "上班"} == set(WORK_2027) - {D(2027, 2, 13)}
    assert {d for d, k in added.items() if k == "休息"} == set(REST_2027)
    assert zipfile.ZipFile(tracker).namelist() == before  # patched in place, no part lost
    assert list((tmp_path / ".sheetsync" / "backups").iterdir())
    # the tracker's own day off wins over the notice's make-up Saturday; no gap: the notice is in the sheet
    report = api.validate(tracker, today="2026-12-07")
    assert report.tasks[0].due == D(2027, 2, 2)  # 19 18 17 16 15 4 3 2
    assert not [f for f in report.findings if f.code == "calendar-gap"]
    again = sheetsync("holidays", "import", tmp_path / "2027.txt", "--into", tracker, "--lang", "en", cwd=tmp_path)
    assert again.returncode == 0 and "already lists every day" in again.stdout


def test_import_into_a_tracker_without_a_holidays_sheet_prints_the_rows(tmp_path):
    tracker = _spring_tracker(tmp_path / "t.xlsx")
    data = tracker.read_bytes()
    (tmp_path / "2027.txt").write_text(NOTICE_2027, encoding="utf-8")
    out = sheetsync("holidays", "import", tmp_path / "2027.txt", "--into", tracker, "--lang", "zh")
    assert out.returncode == 2 and "没有节假日表" in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert "2027-02-13\t上班\t春节调休上班" in out.stdout
    assert tracker.read_bytes() == data


def test_the_launch_notice_counts_on_the_same_calendar_as_the_deadlines(tmp_path):
    from sheetsync.notice import notice_due
    tasks = [{"id": "T1", "stage": "筹备", "task": "物料下单", "owner": "张三", "status": "进行中", "time_point": "T-3wd"}]
    tracker = make_tracker(tmp_path / "t.xlsx", tasks, fields=("id", "stage", "task", "owner", "time_point", "status"),
                           campaign={"name": "春节活动", "launch": D(2027, 2, 16)})
    save(tmp_path / "holidays.toml", parse_notice(NOTICE_2027))
    stand_in = api.validate(tracker, today="2026-12-07")
    assert notice_due(stand_in) == stand_in.tasks[0].due == D(2027, 2, 11)  # 15, 12, 11
    imported = api.validate(tracker, today="2026-12-07",
                            overrides={"official_days": official_days(tmp_path / "holidays.toml")})
    assert notice_due(imported) == imported.tasks[0].due == D(2027, 2, 4)  # 15, the make-up Saturday 13, 4
