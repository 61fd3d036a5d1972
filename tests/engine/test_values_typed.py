"""Values as people type them in real trackers: each form parses, and has the effect
it should on a real .xlsx tracker run through the engine."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

import sheetsync.api as api
from sheetsync.engine.values import (Link, parse_date, parse_date_span, parse_datetime, parse_links, parse_owners,
                                     parse_progress, parse_status)
from support.tracker_factory import make_tracker

D = dt.date
NEAR = D(2026, 12, 1)


# ---------------------------------------------------------------- status words and marks

@pytest.mark.parametrize("v, code", [
    ("延期", "in-progress"), ("延迟", "in-progress"), ("逾期", "in-progress"), ("滞后", "in-progress"),
    ("暂停", "blocked"), ("挂起", "blocked"), ("待定", "not-started"), ("At Risk", "in-progress"),
    ("Off Track", "in-progress"), ("On Track", "in-progress"), ("On Hold", "blocked"), ("Complete", "done"),
    ("Completed", "done"), ("Closed", "done"), ("Resolved", "done"), ("Won't do", "cancelled"),
    ("won’t do", "cancelled"), ("To Do", "not-started"), ("NOT STARTED", "not-started"),
    ("IN PROGRESS", "in-progress"), ("Draft", "in-progress"), ("测试中", "in-progress"), ("验收中", "in-review"),
    ("测试完成", "done"), ("ongoing", "in-progress"), ("已经完成", "done"), ("正在进行中", "in-progress"),
    # Traditional Chinese
    ("進行中", "in-progress"), ("未開始", "not-started"), ("暫停", "blocked"), ("掛起", "blocked"),
    ("延遲", "in-progress"), ("測試中", "in-progress"), ("驗收中", "in-review"), ("已關閉", "done"),
    ("待審核", "in-review"),
    # marks
    ("✓", "done"), ("✔", "done"), ("√", "done"), ("☑", "done"), ("■", "done"), ("✗", "not-started"),
    ("×", "not-started"), ("☐", "not-started"),
    # yes/no answers and booleans (a 是否完成 / Done / DONE? column)
    ("TRUE", "done"), ("FALSE", "not-started"), ("true", "done"), ("是", "done"), ("否", "not-started"),
    ("Y", "done"), ("N", "not-started"), ("Yes", "done"), ("No", "not-started"), (True, "done"),
    (False, "not-started"),
    # percentages typed into a status column
    ("50%", "in-progress"), ("100%", "done"), ("0%", "not-started"), ("５０％", "in-progress"),
])
def test_status_forms(v, code):
    assert parse_status(v) == code


@pytest.mark.parametrize("v", ["完成了一半", "150%", "maybe", "N/A", D(2026, 1, 1)])
def test_status_still_unknown(v):
    with pytest.raises(ValueError):
        parse_status(v)


# ---------------------------------------------------------------- progress

@pytest.mark.parametrize("v, percent, expected", [
    ("50%", False, 0.5), ("100%", False, 1.0), ("0%", False, 0.0), (" 25 % ", False, 0.25), (0.5, False, 0.5),
    (0.25, False, 0.25), (1, False, 1.0), (0, False, 0.0), (50, False, 0.5), (75.0, True, 0.75), (1, True, 0.01),
    ("50", True, 0.5), ("0.5", False, 0.5), (True, False, 1.0), ("/", False, None), ("-", False, None),
    (None, False, None), ("", False, None),
])
def test_progress_forms(v, percent, expected):
    assert parse_progress(v, percent) == expected


@pytest.mark.parametrize("v", ["完成登录页", "150%", -0.1, 101, "abc"])
def test_progress_rejects(v):
    with pytest.raises(ValueError):
        parse_progress(v)


# ---------------------------------------------------------------- dates

@pytest.mark.parametrize("v, expected", [
    ("12.8", D(2026, 12, 8)), ("11.27", D(2026, 11, 27)), (12.8, D(2026, 12, 8)), (11.27, D(2026, 11, 27)),
    ("12-8", D(2026, 12, 8)), ("2026.12.8", D(2026, 12, 8)), ("12月8日(周二)", D(2026, 12, 8)),
    ("12月8日（周二）", D(2026, 12, 8)), ("12/8", D(2026, 12, 8)), ("11月30号", D(2026, 11, 30)),
    ("11月24", D(2026, 11, 24)), ("2024-03-01 (Friday)", D(2024, 3, 1)),
    ("2024-10-29T16:59:00.000Z", D(2024, 10, 29)), ("07/Sep/21 5:34 PM", D(2021, 9, 7)),
    ("7 Sep 2021", D(2021, 9, 7)), ("Sep 7, 2021", D(2021, 9, 7)),
    # across the year boundary: the year that puts the day nearest the campaign
    ("1/5", D(2027, 1, 5)), ("1.5", D(2027, 1, 5)), (1.5, D(2027, 1, 5)), ("3月31号", D(2027, 3, 31)),
    ("7月1日", D(2026, 7, 1)),
])
def test_date_forms_near_the_campaign(v, expected):
    assert parse_date(v, near=NEAR) == expected


def test_year_boundary_the_other_way():
    assert parse_date("12.20", near=D(2026, 1, 10)) == D(2025, 12, 20)
    assert parse_date("7/8", near=D(2026, 1, 10)) == D(2026, 7, 8)
    assert parse_date("3月24", 2017) == D(2017, 3, 24)  # an explicit year is taken as it is


def test_trello_and_jira_times():
    assert parse_datetime("2024-10-29T16:59:00.000Z") == dt.datetime(2024, 10, 29, 16, 59)
    assert parse_datetime("07/Sep/21 5:34 PM") == dt.datetime(2021, 9, 7, 17, 34)


@pytest.mark.parametrize("v, first, last", [
    ("12.1-12.8", D(2026, 12, 1), D(2026, 12, 8)),
    ("12月1日~8日", D(2026, 12, 1), D(2026, 12, 8)),
    ("12月1日～12月8日", D(2026, 12, 1), D(2026, 12, 8)),
    ("2024/10/12-2024/10/14", D(2024, 10, 12), D(2024, 10, 14)),
    ("2024/10/12-2024/10/14\n2024/10/18-2024/10/21", D(2024, 10, 12), D(2024, 10, 21)),
    ("12.28-1.5", D(2026, 12, 28), D(2027, 1, 5)),
    ("12.8", D(2026, 12, 8), D(2026, 12, 8)),
    (D(2026, 12, 8), D(2026, 12, 8), D(2026, 12, 8)),
])
def test_date_ranges(v, first, last):
    assert parse_date_span(v, near=NEAR) == (first, last)


@pytest.mark.parametrize("v", ["12.8-12.1", "持续", "下周", "12.1-", "13.1", 12.0, 12.35])
def test_date_rejects(v):
    with pytest.raises(ValueError):
        parse_date_span(v, near=NEAR)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=40), st.text(alphabet="0123456789.-/月日号年~～ :（）()周二TZ", max_size=25)))
def test_parse_date_raises_only_value_error(text):
    for f in (parse_date, parse_datetime, parse_date_span):
        try:
            f(text, near=NEAR)
        except ValueError:
            pass


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2150, 12, 31)))
def test_every_supported_form_reads_back(d):
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    full = [d.isoformat(), f"{d.year}/{d.month}/{d.day}", f"{d.year}.{d.month}.{d.day}",
            f"{d.year}年{d.month}月{d.day}日", f"{d:%Y%m%d}", f"{d.isoformat()} ({d:%A})",
            f"{d.isoformat()}T16:59:00.000Z", f"{d.day:02d}/{months[d.month - 1]}/{d.year} 5:34 PM",
            f"{d.day} {months[d.month - 1]} {d.year}", f"{months[d.month - 1]} {d.day}, {d.year}"]
    if 2000 <= d.year < 2100:
        full.append(f"{d.day:02d}/{months[d.month - 1]}/{d:%y} 5:34 PM")
    for text in full:
        assert parse_date(text) == d, text
        assert parse_date_span(text) == (d, d), text
    for text in (f"{d.month}.{d.day}", f"{d.month}-{d.day}", f"{d.month}/{d.day}", f"{d.month}月{d.day}日",
                 f"{d.month}月{d.day}号", f"{d.month}月{d.day}"):
        assert parse_date(text, near=d) == d, text  # nearest to its own day: that day
        assert parse_date(text, d.year) == d, text
    if d.day < 10 or d.day % 10:  # 12.10 as a number is 12.1 (and shows as 12.1 in the cell)
        assert parse_date(float(f"{d.month}.{d.day}"), near=d) == d


# ---------------------------------------------------------------- owners and links

@pytest.mark.parametrize("text, names", [
    ("张三、李四", ["张三", "李四"]), ("杨海波，贾建西", ["杨海波", "贾建西"]), ("张三/李四", ["张三", "李四"]),
    ("David／Allen", ["David", "Allen"]), ("Nash·Timyo·Haoche", ["Nash", "Timyo", "Haoche"]),
    ("A, B", ["A", "B"]), ("A; B", ["A", "B"]), ("A and B", ["A", "B"]), ("A & B", ["A", "B"]),
    ("Gilly & Alex", ["Gilly", "Alex"]), ("mauphuong, thongkuninedoan", ["mauphuong", "thongkuninedoan"]),
    ("张三", ["张三"]), ("Mary Ann", ["Mary Ann"]), ("迪丽热巴·迪力木拉提", ["迪丽热巴·迪力木拉提"]),
    ("张三 李四", ["张三 李四"]),  # two names only when People knows both
])
def test_owner_forms(text, names):
    assert parse_owners(text) == names


def test_space_separated_owners_need_people():
    assert parse_owners("张三 李四", {"张三", "李四"}) == ["张三", "李四"]
    assert parse_owners("张三 王五", {"张三", "李四"}) == ["张三 王五"]
    assert parse_owners("Marketing/ARH", {"Marketing/ARH"}) == ["Marketing/ARH"]


@pytest.mark.parametrize("text, links", [
    ("3", [Link("3", "3")]), ("3,5", [Link("3", "3"), Link("5", "5")]), ("3FS", [Link("3FS", "3")]),
    ("6SS", [Link("6SS", "6", "SS")]), ("3FS+2d", [Link("3FS+2d", "3", "FS", 2.0)]),
    ("4FF-1d", [Link("4FF-1d", "4", "FF", -1.0)]), ("5SF", [Link("5SF", "5", "SF")]),
    ("3FS+2 days", [Link("3FS+2 days", "3", "FS", 2.0)]), ("3FS+2wd", [Link("3FS+2wd", "3", "FS", 2.0)]),
    ("3FS+2ed", [Link("3FS+2ed", "3", "FS", 2.0, True)]), ("2SS+1w", [Link("2SS+1w", "2", "SS", 5.0)]),
    ("T2.3&T2.4", [Link("T2.3", "T2.3"), Link("T2.4", "T2.4")]), ("T1(M1)", [Link("T1(M1)", "T1")]),
    ("-", []), ("无", []), ("3FS+2h", [Link("3FS+2h", "3FS+2h")]),
])
def test_link_forms(text, links):
    assert parse_links(text) == links


# ---------------------------------------------------------------- on a real tracker

TODAY = D(2026, 9, 21)
CAMPAIGN = {"name": "x", "launch": D(2026, 10, 12), "end": D(2026, 10, 30)}
PEOPLE = [("张三", "zhangsan@example.com", "运营"), ("李四", "lisi@example.com", "IT")]


def run(tmp_path, tasks, fields, **kw):
    kw.setdefault("campaign", CAMPAIGN)
    kw.setdefault("people", PEOPLE)
    path = make_tracker(tmp_path / "t.xlsx", tasks, fields=fields, **kw)
    return api.validate(path, today=TODAY)


def codes(report, *want):
    return sorted((f.code, f.cell) for f in report.findings if f.code in want)


def test_progress_column_gives_status(tmp_path):
    fields = ("id", "task", "owner", "deadline", "status", "progress")
    tasks = [{"id": "T1", "task": "a", "owner": "张三", "deadline": D(2026, 10, 9), "progress": "50%"},
             {"id": "T2", "task": "b", "owner": "张三", "deadline": D(2026, 10, 9), "progress": 1},
             {"id": "T3", "task": "c", "owner": "张三", "deadline": D(2026, 10, 9), "progress": 0},
             {"id": "T4", "task": "d", "owner": "张三", "deadline": D(2026, 10, 9), "progress": "/", "status": "延期"},
             {"id": "T5", "task": "e", "owner": "张三", "deadline": D(2026, 10, 9), "progress": "100%",
              "status": "进行中"},
             {"id": "T6", "task": "f", "owner": "张三", "deadline": D(2026, 10, 9), "progress": "持续"},
             {"id": "T7", "task": "g", "owner": "张三", "deadline": D(2026, 10, 9), "progress": "一半吧"}]
    r = run(tmp_path, tasks, fields)
    by = {t.id: t for t in r.tasks}
    assert [(by[k].status, by[k].progress) for k in ("T1", "T2", "T3", "T4", "T5", "T6")] == [
        ("in-progress", 0.5), ("done", 1.0), ("not-started", 0.0), ("in-progress", None), ("done", 1.0),
        ("in-progress", None)]
    # no status finding for an empty status cell that progress fills; 100% but in progress is told
    assert codes(r, "missing-value", "bad-status", "progress-not-done", "bad-progress") == [
        ("bad-progress", "F10"), ("missing-value", "E10"), ("progress-not-done", "E8")]


def test_percent_numbers_and_a_notes_column(tmp_path):
    fields = ("task", "owner", "deadline", "progress")
    r = run(tmp_path, [{"task": "a", "owner": "张三", "deadline": D(2026, 10, 9), "progress": 50},
                       {"task": "b", "owner": "张三", "deadline": D(2026, 10, 9), "progress": 100}], fields)
    assert [(t.progress, t.status) for t in r.tasks] == [(0.5, "in-progress"), (1.0, "done")]
    (tmp_path / "n").mkdir()
    notes = [{"task": "a", "owner": "张三", "deadline": D(2026, 10, 9), "progress": "完成登录页"},
             {"task": "b", "owner": "张三", "deadline": D(2026, 10, 9), "progress": "接口联调一半"},
             {"task": "c", "owner": "张三", "deadline": D(2026, 10, 9), "progress": "0.5"}]
    r = run(tmp_path / "n", notes, fields)
    assert not [f for f in r.findings if f.code in ("bad-progress", "bad-status")]
    assert [t.progress for t in r.tasks] == [None, None, None]


def test_status_words_on_the_tracker(tmp_path):
    fields = ("id", "task", "owner", "deadline", "status")
    words = ["延期", "At Risk", "50%", "TRUE", "✗", "暫停", "Won't do", "搞不定"]
    tasks = [{"id": f"T{i}", "task": "x", "owner": "张三", "deadline": D(2026, 9, 10), "status": w}
             for i, w in enumerate(words)]
    r = run(tmp_path, tasks, fields)
    assert [t.status for t in r.tasks] == ["in-progress", "in-progress", "in-progress", "done", "not-started",
                                          "blocked", "cancelled", None]
    assert codes(r, "bad-status") == [("bad-status", "E11")]
    late = {f.task_id for f in r.findings if f.code == "late"}
    assert late == {"T0", "T1", "T2", "T4", "T5", "T7"}  # 延期 is late because its deadline passed, not by the word


def test_boolean_done_column(tmp_path):
    # real booleans, as a Google Sheets checkbox column exports them (headers such as 是否完成 / DONE? are
    # recognition's part; the values are read the same under any status header)
    fields = ("task", "owner", "deadline", "status")
    r = run(tmp_path, [{"task": "a", "owner": "张三", "deadline": D(2026, 9, 1), "status": True},
                       {"task": "b", "owner": "张三", "deadline": D(2026, 9, 1), "status": False}], fields)
    assert [t.status for t in r.tasks] == ["done", "not-started"]
    assert [f.code for f in r.findings if f.code == "late"] == ["late"]


def test_dates_as_typed_on_the_tracker(tmp_path):
    fields = ("id", "task", "owner", "start", "deadline", "status")
    tasks = [{"id": "T1", "task": "a", "owner": "张三", "deadline": "10.9", "status": "进行中"},
             {"id": "T2", "task": "b", "owner": "张三", "deadline": 10.9, "status": "进行中"},
             {"id": "T3", "task": "c", "owner": "张三", "deadline": "10.1-10.9", "status": "进行中"},
             {"id": "T4", "task": "d", "owner": "张三", "deadline": "10月8日~9日", "status": "进行中"},
             {"id": "T5", "task": "e", "owner": "张三", "deadline": "1900-12-30 (Sunday)", "status": "进行中"},
             {"id": "T6", "task": "f", "owner": "张三", "deadline": D(2034, 10, 9), "status": "进行中"},
             {"id": "T7", "task": "g", "owner": "张三", "start": D(2026, 10, 12), "deadline": D(2026, 10, 9),
              "status": "未开始"}]
    r = run(tmp_path, tasks, fields)
    by = {t.id: t for t in r.tasks}
    assert [by[k].explicit_due for k in ("T1", "T2", "T3", "T4")] == [D(2026, 10, 9)] * 4
    assert (by["T3"].start, by["T4"].start) == (D(2026, 10, 1), D(2026, 10, 8))
    # 1900-12-30 is how a spreadsheet shows an empty date: no date, and nothing to fix
    assert [(by[k].due, by[k].due_source) for k in ("T5", "T6")] == [(None, "none"), (None, "unreadable")]
    bad = {f.cell: f for f in r.findings if f.code == "bad-date"}
    assert sorted(bad) == ["E9"]
    assert codes(r, "start-after-deadline") == [("start-after-deadline", "D10")]
    en = make_tracker(tmp_path / "en.xlsx", [dict(tasks[5], owner="Zhang")], lang="en", fields=fields,
                      campaign=CAMPAIGN)
    msg = next(f.message for f in api.validate(en, today=TODAY).findings if f.code == "bad-date")
    assert "8 years away from the campaign's launch" in msg and "check the year" in msg


def test_done_date_fills_and_contradicts_status(tmp_path):
    fields = ("id", "task", "owner", "deadline", "done_date", "status")
    r = run(tmp_path, [{"id": "T1", "task": "a", "owner": "张三", "deadline": D(2026, 9, 1), "done_date": D(2026, 9, 1)},
                       {"id": "T2", "task": "b", "owner": "张三", "deadline": D(2026, 9, 1), "done_date": D(2026, 9, 2),
                        "status": "进行中"}], fields)
    assert [t.status for t in r.tasks] == ["done", "done"]  # the finish date wins; a finding says the cell disagrees
    assert codes(r, "done-date-not-done", "missing-value", "late") == [("done-date-not-done", "E5")]  # finished: not late


def test_several_owners_each_checked(tmp_path):
    fields = ("id", "task", "owner", "deadline", "status")
    r = run(tmp_path, [{"id": "T1", "task": "a", "owner": "张三、李四", "deadline": D(2026, 10, 9), "status": "进行中"},
                       {"id": "T2", "task": "b", "owner": "张三 李四", "deadline": D(2026, 10, 9), "status": "进行中"},
                       {"id": "T3", "task": "c", "owner": "张三/赵六", "deadline": D(2026, 10, 9), "status": "进行中"}],
            fields)
    assert [(t.owner, t.owners) for t in r.tasks] == [("张三", ["张三", "李四"]), ("张三", ["张三", "李四"]),
                                                      ("张三", ["张三", "赵六"])]
    unknown = [(f.cell, f.params["value"]) for f in r.findings if f.code == "unknown-owner"]
    assert unknown == [("C6", "赵六")]


def test_calendar_gap_once_naming_every_year(tmp_path):
    fields = ("id", "task", "owner", "deadline", "status")
    tasks = [{"id": "T1", "task": "a", "owner": "张三", "deadline": D(2026, 10, 9), "status": "进行中"},
             {"id": "T2", "task": "b", "owner": "张三", "deadline": D(2027, 3, 9), "status": "未开始"},
             {"id": "T3", "task": "c", "owner": "张三", "deadline": D(2028, 3, 9), "status": "未开始"},
             {"id": "T4", "task": "合计", "owner": "张三", "deadline": 29000, "status": "未开始"}]  # a 1979 serial
    r = api.validate(make_tracker(tmp_path / "t.xlsx", tasks, fields=fields, people=PEOPLE), today=TODAY)
    gaps = [f for f in r.findings if f.code == "calendar-gap"]
    assert len(gaps) == 1 and gaps[0].cell == "D5"
    assert "2027" in gaps[0].message and "2028" in gaps[0].message and "1979" not in gaps[0].message
    # the 合计 row is a totals row: not a task, so its 1979 serial gives no finding at all
    assert not [f for f in r.findings if f.row == 7] and [t.row for t in r.tasks] == [4, 5, 6]


def test_every_owner_gets_the_task_in_their_personal_digest(tmp_path):
    from sheetsync.digest import build_digests
    fields = ("id", "task", "owner", "deadline", "status")
    people = PEOPLE + [("王五", "wangwu@example.com", "运营")]
    tasks = [{"id": "T1", "task": "海报设计", "owner": "张三、李四", "deadline": D(2026, 9, 24), "status": "进行中"},
             {"id": "T2", "task": "文案", "owner": "王五", "deadline": D(2026, 9, 23), "status": "进行中"}]
    report = run(tmp_path, tasks, fields, people=people)
    batch = build_digests(report, None, tracker="t.xlsx", kinds="personal", today=TODAY, chart=False)
    personal = {m.recipient: m for m in batch.messages if m.kind == "personal"}
    assert set(personal) == {"zhangsan@example.com", "lisi@example.com", "wangwu@example.com"}
    for addr in ("zhangsan@example.com", "lisi@example.com"):
        owe = next(s for s in personal[addr].content.sections if s.name == "coming")  # the next 5 working days
        assert [i.title for i in owe.items] == ["海报设计"] and owe.items[0].owner == "张三、李四"
        assert "海报设计" in personal[addr].text and "文案" not in personal[addr].text


def test_a_tracker_shaped_like_t20(tmp_path):
    """A tracker shaped like a real one: text dates without a year ('3月24', '3月31号', '持续'), 进度 as 0%-formatted numbers with
    '持续' mixed in, owners 'David／Allen'; sheet named after the month, no Campaign sheet."""
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "201703"
    ws.append(["", "项目", "负责人", "截止时间", "进度", "优先级"])
    body = [(1, "教材", "David／Allen", "3月24", 0.5, "重要／紧急"), (2, "宣传资料", "Allen／David", "3月31号", 0.2, "重要"),
            (3, "宣传视频", "Allen", "4月28", 0, "紧急"), (4, "BD", "David", "持续", "持续", "重要"),
            (5, "融资", "David", "3月24", 1, "重要")]
    for row in body:
        ws.append(list(row))
    for r in range(2, 7):
        ws.cell(r, 5).number_format = "0%"
    wb.save(tmp_path / "t20.xlsx")
    r = api.validate(tmp_path / "t20.xlsx", today=D(2017, 4, 10))
    got = [(t.task, t.owners, t.explicit_due, t.progress, t.status) for t in r.tasks]
    assert got == [
        ("教材", ["David", "Allen"], D(2017, 3, 24), 0.5, "in-progress"),
        ("宣传资料", ["Allen", "David"], D(2017, 3, 31), 0.2, "in-progress"),
        ("宣传视频", ["Allen"], D(2017, 4, 28), 0.0, "not-started"),
        ("BD", ["David"], None, None, "in-progress"),
        ("融资", ["David"], D(2017, 3, 24), 1.0, "done")]
    assert [(f.code, f.cell) for f in r.findings if f.severity == "error"] == [("bad-date", "D5")]  # '持续'
    assert sorted(f.cell for f in r.findings if f.code == "late") == ["D2", "D3"]


def test_dates_in_a_time_point_column(tmp_path):
    """A time-point column holding dates (a publish date, T14's '2024/10/12-2024/10/14' ranges) gives deadlines."""
    fields = ("id", "task", "owner", "time_point", "status")
    tasks = [{"id": "T1", "task": "a", "owner": "张三", "time_point": D(2026, 9, 10), "status": "进行中"},
             {"id": "T2", "task": "b", "owner": "张三", "time_point": "2026/9/10-2026/9/14\n2026/9/18-2026/9/21",
              "status": "测试中"},
             {"id": "T3", "task": "c", "owner": "张三", "time_point": "T-5wd", "status": "进行中"},
             {"id": "T4", "task": "d", "owner": "张三", "time_point": "下周", "status": "进行中"}]
    r = run(tmp_path, tasks, fields)
    by = {t.id: t for t in r.tasks}
    assert [(by[k].due, by[k].due_source) for k in ("T1", "T2")] == [(D(2026, 9, 10), "time-point"),
                                                                     (D(2026, 9, 21), "time-point")]
    assert by["T2"].start == D(2026, 9, 10) and by["T3"].due == D(2026, 9, 29)
    assert codes(r, "bad-time-point", "late") == [("bad-time-point", "D7"), ("late", "D4")]


def test_day_counts_in_messages_have_plural_and_zero_forms(tmp_path):
    fields = ("id", "task", "owner", "deadline", "status")
    dues = {"T1": D(2026, 9, 18), "T2": D(2026, 9, 17), "T3": D(2026, 9, 21), "T4": D(2026, 9, 22),
            "T5": D(2026, 9, 23)}
    tasks = [{"id": k, "task": k, "owner": "Zhang", "deadline": v, "status": "In progress"} for k, v in dues.items()]
    r = api.validate(make_tracker(tmp_path / "en.xlsx", tasks, lang="en", fields=fields), today=TODAY)
    msg = {f.task_id: f.message for f in r.findings if f.code in ("late", "due-soon")}
    assert "(1 working day late)" in msg["T1"] and "(2 working days late)" in msg["T2"]
    assert msg["T3"] == "Due today (2026-09-21)." and msg["T4"].endswith("in 1 working day.")
    assert msg["T5"].endswith("in 2 working days.")
