"""Cell values as calamine and the Sheets API hand them over: every accepted form, and the rejects."""
from __future__ import annotations

import datetime as dt

import pytest

from sheetsync.engine.values import (STATUS_LABELS, STATUSES, clean_text, excel_serial_to_date,
                                     excel_serial_to_datetime, is_blank, is_email, normalise_header, parse_date,
                                     parse_datetime, parse_ids, parse_number, parse_status, parse_time)

D, DT = dt.date, dt.datetime
JUL8 = D(2026, 7, 8)


# ---------------------------------------------------------------- blanks and text

@pytest.mark.parametrize("v", [None, "", "   ", "\t\n", "\u3000", "\u00a0", "\u200b", float("nan")])
def test_blank(v):
    assert is_blank(v)
    assert clean_text(v) is None
    assert parse_date(v) is None
    assert parse_datetime(v) is None
    assert parse_number(v) is None
    assert parse_status(v) is None
    assert parse_ids(v) == []


@pytest.mark.parametrize("v", [0, 0.0, False, "0", "x", " . ", JUL8, dt.time(0, 0)])
def test_not_blank(v):
    assert not is_blank(v)


@pytest.mark.parametrize("v, expected", [
    (7.0, "7"),  # calamine reads the id 7 as 7.0
    (7, "7"),
    (-3.0, "-3"),
    (7.5, "7.5"),
    (1234567890123.0, "1234567890123"),
    ("  T1  ", "T1"),
    ("\u3000海报设计\u3000", "海报设计"),
    ("\ufeffT1", "T1"),
    ("a\nb", "a\nb"),
    (True, "TRUE"),
    (JUL8, "2026-07-08"),
    (DT(2026, 7, 8), "2026-07-08"),
    (DT(2026, 7, 8, 8, 30), "2026-07-08 08:30"),
    (DT(2026, 7, 8, 8, 30, 15), "2026-07-08 08:30:15"),
    (dt.time(8, 30), "08:30"),
])
def test_clean_text(v, expected):
    assert clean_text(v) == expected


# ---------------------------------------------------------------- Excel serials

@pytest.mark.parametrize("x, expected", [
    (46211, D(2026, 7, 8)),
    (46211.0, D(2026, 7, 8)),
    (46211.99, D(2026, 7, 8)),
    (45292, D(2024, 1, 1)),
    (20090, D(1955, 1, 1)),
    (91310, D(2149, 12, 29)),
    (91677.5, D(2150, 12, 31)),
])
def test_excel_serial_to_date(x, expected):
    assert excel_serial_to_date(x) == expected
    assert (expected - D(1899, 12, 30)).days == int(x)  # the inverse is plain subtraction from the epoch


@pytest.mark.parametrize("x", [0, 1.0, 2026, 20089.9, 91678, 1e9, -46211, float("nan"), float("inf"), True,
                               "46211"])
def test_excel_serial_rejects_implausible_values(x):
    with pytest.raises(ValueError):
        excel_serial_to_date(x)


@pytest.mark.parametrize("x, expected", [
    (46211.5, DT(2026, 7, 8, 12)),
    (46211.75, DT(2026, 7, 8, 18)),
    (46211 + (8 * 60 + 30) / 1440, DT(2026, 7, 8, 8, 30)),
    (46211.9999999, DT(2026, 7, 9)),  # float noise rounds to the next midnight, not 23:59:59.99
])
def test_excel_serial_fraction_is_a_time(x, expected):
    assert excel_serial_to_datetime(x) == expected


# ---------------------------------------------------------------- dates

DATE_FORMS = [
    (JUL8, JUL8, None),
    (DT(2026, 7, 8, 8, 30), JUL8, dt.time(8, 30)),
    (46211, JUL8, None),
    (46211.0, JUL8, None),
    (46211.5, JUL8, dt.time(12, 0)),
    ("2026-07-08", JUL8, None),
    ("2026-7-8", JUL8, None),
    ("2026/7/8", JUL8, None),
    ("2026/07/08", JUL8, None),
    ("2026.7.8", JUL8, None),
    ("2026年7月8日", JUL8, None),
    ("2026年7月8号", JUL8, None),
    ("2026 年 7 月 8 日", JUL8, None),
    ("20260708", JUL8, None),
    ("  2026-07-08  ", JUL8, None),
    ("２０２６－０７－０８", JUL8, None),
    ("２０２６／７／８", JUL8, None),
    ("2026-07-08T08:30", JUL8, dt.time(8, 30)),
    ("2026-07-08T08:30:15", JUL8, dt.time(8, 30, 15)),
    ("2026-07-08 08:30:00.000", JUL8, dt.time(8, 30)),
    ("2026-07-08 8:30", JUL8, dt.time(8, 30)),
    ("2026/7/8 08:30:00", JUL8, dt.time(8, 30)),
    ("2026/7/8 上午8:30", JUL8, dt.time(8, 30)),
    ("2026/7/8 下午2:30", JUL8, dt.time(14, 30)),
    ("2026/7/8 晚上9:00", JUL8, dt.time(21, 0)),
    ("2026/7/8 中午12:00", JUL8, dt.time(12, 0)),
    ("2026/7/8 中午1:00", JUL8, dt.time(13, 0)),
    ("2026/7/8 下午12:30", JUL8, dt.time(12, 30)),
    ("2026/7/8下午2点", JUL8, dt.time(14, 0)),
    ("2026/7/8 下午2点半", JUL8, dt.time(14, 30)),
    ("2026/7/8 9点15分", JUL8, dt.time(9, 15)),
    ("2026-07-08 8:30 AM", JUL8, dt.time(8, 30)),
    ("2026-07-08 8:30 PM", JUL8, dt.time(20, 30)),
    ("2026-07-08 8:30pm", JUL8, dt.time(20, 30)),
    ("2026-07-08 12:15 AM", JUL8, dt.time(0, 15)),
    ("2026-07-08 12:15 PM", JUL8, dt.time(12, 15)),
    ("2026-07-08 3 p.m.", JUL8, dt.time(15, 0)),
    ("2026-07-08 8：30", JUL8, dt.time(8, 30)),  # full-width colon
    ("2026-07-08 (周三)", JUL8, None),
    ("2026-07-08（星期三）", JUL8, None),
    ("2026-07-08 周三", JUL8, None),
    ("2026年7月8日 礼拜三", JUL8, None),
    ("2026-07-08 Wed", JUL8, None),
    ("Wed 2026-07-08", JUL8, None),
    ("Wednesday, 2026-07-08", JUL8, None),
    ("2026-07-08 (Wed.)", JUL8, None),
    ("2026年7月8日（星期三） 下午3点半", JUL8, dt.time(15, 30)),
    ("7月8日", JUL8, None),
    ("7月8号", JUL8, None),
    ("07月08日", JUL8, None),
    ("7-8", JUL8, None),
    ("7/8", JUL8, None),
    ("07/08", JUL8, None),
    ("7/8 8:30", JUL8, dt.time(8, 30)),
    ("7月8日 上午8:30", JUL8, dt.time(8, 30)),
    ("7月8日(周三)下午2:30", JUL8, dt.time(14, 30)),
    ("7-8 2:30 PM", JUL8, dt.time(14, 30)),
]


@pytest.mark.parametrize("v, day, time", DATE_FORMS)
def test_parse_date_and_datetime(v, day, time):
    assert parse_date(v, 2026) == day
    assert parse_datetime(v, 2026) == DT.combine(day, time or dt.time())


@pytest.mark.parametrize("v", [d for d, _, _ in DATE_FORMS if isinstance(d, str) and not d.strip().startswith(("2", "２", "W"))])
def test_year_comes_from_the_argument(v):
    assert parse_date(v, 2027).year == 2027
    with pytest.raises(ValueError, match="no year"):
        parse_date(v)


def test_full_dates_ignore_the_year_argument():
    assert parse_date("2026-07-08", 1999) == JUL8
    assert parse_date("2026-07-08") == JUL8


def test_parse_date_returns_a_plain_date():
    got = parse_date(DT(2026, 7, 8, 8, 30))
    assert type(got) is dt.date and got == JUL8


def test_parse_datetime_keeps_a_datetime():
    stamp = DT(2026, 7, 8, 8, 30, 45)
    assert parse_datetime(stamp) == stamp


@pytest.mark.parametrize("v", [
    "2026-02-30", "2026-13-01", "2026-00-10", "2026年2月30日", "2/30", "2月30日", "13/1",
    "hello", "TBD", "待定", "下周", "12", "2026", "3.5.7", "07082026", "7/8/2026", "8.7.2026",
    "2026-07-08 25:00", "2026-07-08 8:61", "2026-07-08 13:00 PM", "2026-07-08 0:30 AM", "2026-07-08 8",
    "2026-07-08 xyz", "2026-07-08+08:00", "2026-07-08T08:30+08:00", "1800-01-01", "2026-07-08-09",
    "7月8日x", "8:30", "上午8:30", "Wed",
    True, False, 1.0, 2026, 1e9, -46211, float("inf"), dt.time(8, 30), dt.timedelta(days=3), [JUL8], object(),
])
def test_parse_date_rejects(v):
    with pytest.raises(ValueError):
        parse_date(v, 2026)
    with pytest.raises(ValueError):
        parse_datetime(v, 2026)


def test_leap_day():
    assert parse_date("2028-02-29") == D(2028, 2, 29)
    assert parse_date("2月29日", 2028) == D(2028, 2, 29)
    with pytest.raises(ValueError):
        parse_date("2月29日", 2026)


@pytest.mark.parametrize("v, expected", [
    ("8:30", dt.time(8, 30)),
    ("上午8:30", dt.time(8, 30)),
    ("下午2:30", dt.time(14, 30)),
    ("08:30:00", dt.time(8, 30)),
    ("8:30 PM", dt.time(20, 30)),
    ("８：３０", dt.time(8, 30)),
    (dt.time(9, 0), dt.time(9, 0)),
    (DT(2026, 7, 8, 9, 0), dt.time(9, 0)),
    (0.5, dt.time(12, 0)),
    (None, None),
])
def test_parse_time(v, expected):
    assert parse_time(v) == expected


@pytest.mark.parametrize("v", ["8", "25:00", "soon", 1.5, JUL8])
def test_parse_time_rejects(v):
    with pytest.raises(ValueError):
        parse_time(v)


# ---------------------------------------------------------------- numbers

@pytest.mark.parametrize("v, expected", [
    (3, 3.0), (3.0, 3.0), (0.5, 0.5), ("3", 3.0), (" 3 ", 3.0), ("3.5", 3.5), (".5", 0.5), ("-2", -2.0),
    ("+2", 2.0), ("3天", 3.0), ("3 天", 3.0), ("3日", 3.0), ("3d", 3.0), ("3D", 3.0), ("3 days", 3.0),
    ("1 day", 1.0), ("3 Days", 3.0), ("3个工作日", 3.0), ("3 个工作日", 3.0), ("3工作日", 3.0), ("3 wd", 3.0),
    ("3wd", 3.0), ("3 working days", 3.0), ("3 business days", 3.0), ("3个自然日", 3.0),
    ("１２", 12.0), ("１２天", 12.0), ("１．５", 1.5), ("2,000", 2000.0), ("1,234,567.5", 1234567.5),
    ("三天", 3.0), ("十五天", 15.0), ("二十个工作日", 20.0), ("两天", 2.0), ("一百二十", 120.0), ("十", 10.0),
])
def test_parse_number(v, expected):
    got = parse_number(v)
    assert isinstance(got, float)
    assert got == expected


@pytest.mark.parametrize("v", [
    "abc", "3小时", "3 hours", "3 weeks", "3x", "3..5", "1,23", "3-5", "三天半", "五五", "百", "20%", "天", "d",
    True, False, float("inf"), JUL8, dt.timedelta(days=3),
])
def test_parse_number_rejects(v):
    with pytest.raises(ValueError):
        parse_number(v)


# ---------------------------------------------------------------- status

STATUS_WORDS = {
    "not-started": ["未开始", "未启动", "待开始", "待办", "not started", "to do", "todo", "open", "planned"],
    "in-progress": ["进行中", "处理中", "执行中", "开发中", "in progress", "doing", "wip", "ongoing", "started"],
    "in-review": ["待审核", "审核中", "待确认", "待验收", "in review", "review", "pending review", "awaiting review",
                  "submitted"],
    "done": ["已完成", "完成", "已上线", "已交付", "done", "complete", "completed", "finished"],
    "blocked": ["受阻", "阻塞", "卡住", "暂停", "搁置", "blocked", "on hold", "stuck"],
    "cancelled": ["已取消", "取消", "作废", "cancelled", "canceled", "dropped"],
}


@pytest.mark.parametrize("word, code", [(w, c) for c, ws in STATUS_WORDS.items() for w in ws])
def test_every_status_word(word, code):
    assert parse_status(word) == code
    assert parse_status(word.upper()) == code
    assert parse_status(f"  {word}  ") == code


@pytest.mark.parametrize("v, code", [
    ("□ 未开始", "not-started"), ("■进行中", "in-progress"), ("☐ To Do", "not-started"), ("☑ 已完成", "done"),
    ("✓ done", "done"), ("✔已完成", "done"), ("√ 完成", "done"), ("☒ 已取消", "cancelled"), ("✅ Done", "done"),
    ("In-Progress", "in-progress"), ("in_progress", "in-progress"), ("IN PROGRESS", "in-progress"),
    ("Not Started", "not-started"), ("not-started", "not-started"), ("ＤＯＮＥ", "done"), ("Ｄｏｎｅ", "done"),
    ("On Hold", "blocked"), ("已完成。", "done"), ("已 完成", "done"), ("\u3000进行中\u3000", "in-progress"),
    ("✓", "done"), ("☑", "done"), ("☐", "not-started"),
])
def test_status_variants(v, code):
    assert parse_status(v) == code


@pytest.mark.parametrize("code", STATUSES)
def test_display_labels_read_back(code):
    for lang in ("zh", "en"):
        assert parse_status(STATUS_LABELS[lang][code]) == code
    assert parse_status(code) == code


def test_labels_cover_every_status_in_both_languages():
    assert set(STATUS_LABELS) == {"zh", "en"}
    for lang in ("zh", "en"):
        assert set(STATUS_LABELS[lang]) == set(STATUSES)
        assert len(set(STATUS_LABELS[lang].values())) == len(STATUSES)


@pytest.mark.parametrize("v", ["maybe", "half done", "150%", "☒", "done done", 1.0, JUL8])
def test_unknown_status_raises(v):
    with pytest.raises(ValueError):
        parse_status(v)


# ---------------------------------------------------------------- ids

@pytest.mark.parametrize("v, expected", [
    ("T1, T2；T3、T4 / T5", ["T1", "T2", "T3", "T4", "T5"]),
    ("T1\nT2\r\nT3", ["T1", "T2", "T3"]),
    ("T1,T2,", ["T1", "T2"]),
    ("T1;T2", ["T1", "T2"]),
    ("T1，T2", ["T1", "T2"]),
    ("T1|T2", ["T1", "T2"]),
    ("Ｔ１、Ｔ２", ["T1", "T2"]),
    ("T1, T1, T2", ["T1", "T2"]),
    ("海报设计", ["海报设计"]),
    ("Poster design, Copy", ["Poster design", "Copy"]),  # names keep their inner spaces
    (7.0, ["7"]),
    (7, ["7"]),
    (7.5, ["7.5"]),
    ("7", ["7"]),
    ("无", []),
    ("N/A", []),
    ("-", []),
    ("none", []),
    (" , ", []),
])
def test_parse_ids(v, expected):
    assert parse_ids(v) == expected


def test_parse_ids_returns_a_fresh_list():
    first = parse_ids("T1, T2")
    first.append("T9")
    assert parse_ids("T1, T2") == ["T1", "T2"]


# ---------------------------------------------------------------- emails

@pytest.mark.parametrize("s", ["a@b.co", "zhang.san@example.com.cn", "x+tag@mail.example.org", "李雷@例子.中国"])
def test_is_email(s):
    assert is_email(s)


@pytest.mark.parametrize("s", ["", "a", "a@b", "@b.co", "a@.co", "a@b.", "a@b..co", "a@@b.co", "a@b@c.co",
                               "a b@c.co", "a@b .co", "a@b.co\n", "a@b.co\r\nBcc: x@y.z", "<a@b.co>", "a@b.co,c@d.co",
                               "a@b.co;c@d.co", None, 7])
def test_is_not_email(s):
    assert not is_email(s)


# ---------------------------------------------------------------- headers

@pytest.mark.parametrize("text, expected", [
    ("截止日期", "截止日期"),
    ("截止日期:", "截止日期"),
    ("截止日期：", "截止日期"),
    (" 截止 日期 ", "截止日期"),
    ("工期（工作日）", "工期"),
    ("工期(天)", "工期"),
    ("工期（天）：", "工期"),
    ("工期 (working days)", "工期"),
    ("Due Date", "duedate"),
    ("DUE DATE:", "duedate"),
    ("Ｄｕｅ　Ｄａｔｅ", "duedate"),
    ("Duration (working days)", "duration"),
    ("任务名称*", "任务名称"),
    ("负责人\n(Owner)", "负责人"),
    ("(备注)", "(备注)"),  # a header that is only a note keeps it rather than becoming empty
    ("Straße", "strasse"),
    (None, ""),
    (7.0, "7"),
])
def test_normalise_header(text, expected):
    assert normalise_header(text) == expected


def test_normalise_header_keeps_inner_parentheses():
    assert normalise_header("A(1)B") == "a(1)b"
