"""Derived deadlines, date forms as people type them, layout and language detection."""
import datetime as dt

import sheetsync.api as api
from support.tracker_factory import make_tracker

D = dt.date
CAMPAIGN = {"name": "夏日清凉服务季", "launch": D(2026, 10, 12), "end": D(2026, 10, 30)}


def by_id(report):
    return {t.id: t for t in report.tasks}


def test_explicit_beats_time_point_beats_successors(tmp_path):
    tasks = [
        {"id": "T1", "task": "需求沟通", "owner": "张三", "status": "未开始", "time_point": "活动启动前15天", "deadline": D(2026, 9, 30)},
        {"id": "T2", "task": "正式需求", "owner": "张三", "status": "未开始", "time_point": "活动启动前15天"},
        {"id": "T3", "task": "原型", "owner": "张三", "status": "未开始"},
        {"id": "T4", "task": "开发", "owner": "张三", "status": "未开始", "depends_on": "T3", "duration": 3, "time_point": "T-5wd"},
        {"id": "T5", "task": "复盘", "owner": "张三", "status": "未开始", "time_point": "活动结束后3个工作日"},
        {"id": "T6", "task": "上线", "owner": "张三", "status": "未开始", "time_point": "上线当天"},
        {"id": "T7", "task": "无日期", "owner": "张三", "status": "未开始"},
    ]
    r = api.validate(make_tracker(tmp_path / "t.xlsx", tasks, campaign=CAMPAIGN), today=D(2026, 9, 1))
    t = by_id(r)
    assert (t["T1"].due, t["T1"].due_source) == (D(2026, 9, 30), "explicit")
    # 15 days before Mon 10-12 is Sun 09-27, a holiday: the previous working day is Thu 09-24
    assert (t["T2"].due, t["T2"].due_source) == (D(2026, 9, 24), "time-point")
    # T4 due Tue 09-29 (5 working days before 10-12), takes 3 working days: T3 due 3 working days before
    assert t["T4"].due == D(2026, 9, 29)
    assert (t["T3"].due, t["T3"].due_source) == (D(2026, 9, 23), "successors")
    assert t["T5"].due == D(2026, 11, 4) and t["T6"].due == D(2026, 10, 12)
    assert (t["T7"].due, t["T7"].due_source) == (None, "none")


def test_dates_in_every_form_people_type(tmp_path):
    forms = [D(2026, 7, 8), 46211, "2026-07-08", "2026/7/8", "2026.7.8", "7月8日", "7-8"]
    tasks = [{"id": f"T{i}", "task": "x", "owner": "张三", "status": "进行中", "deadline": v} for i, v in enumerate(forms)]
    r = api.validate(make_tracker(tmp_path / "t.xlsx", tasks, campaign={"launch": D(2026, 7, 15)}), today=D(2026, 7, 1))
    assert {t.due for t in r.tasks} == {D(2026, 7, 8)}
    assert not [f for f in r.findings if f.code == "bad-date"]


def test_times_with_dates_for_review(tmp_path):
    tasks = [{"id": "T1", "task": "海报", "owner": "张三", "status": "待审核", "submitted": "2026/7/6 上午8:30", "deadline": D(2026, 7, 10)},
             {"id": "T2", "task": "H5", "owner": "张三", "status": "待审核", "submitted": "7月7日 14:00", "deadline": D(2026, 7, 10)}]
    r = api.validate(make_tracker(tmp_path / "t.xlsx", tasks, campaign={"launch": D(2026, 7, 15)}), today="2026-07-07T12:00")
    t = by_id(r)
    assert t["T1"].submitted == dt.datetime(2026, 7, 6, 8, 30) and t["T2"].submitted == dt.datetime(2026, 7, 7, 14, 0)
    assert [f.task_id for f in r.findings if f.code == "unreviewed"] == ["T1"]


def test_chinese_headers_under_a_merged_title_row(tmp_path):
    tasks = [{"id": "T1", "task": "写方案", "owner": "张三", "status": "□已完成"}, {}, {"id": "T2", "task": "审批", "owner": "张三", "status": "进行中"}]
    r = api.validate(make_tracker(tmp_path / "t.xlsx", tasks, title="夏日清凉服务季 任务表"), today=D(2026, 9, 1))
    assert r.language == "zh" and r.sheet == "任务" and r.header_row == 3
    assert [(t.id, t.row, t.status) for t in r.tasks] == [("T1", 4, "done"), ("T2", 6, "in-progress")]


def test_header_variants_width_case_colons(tmp_path):
    headers = {"id": "ＩＤ", "task": "任务名称：", "owner": " OWNER ", "status": "完成状态:"}
    tasks = [{"id": "A-1", "task": "x", "owner": "张三", "status": "进行中"}]
    r = api.validate(make_tracker(tmp_path / "t.xlsx", tasks, fields=("id", "task", "owner", "status"), headers=headers),
                     today=D(2026, 9, 1))
    assert r.columns["id"] == 0 and r.columns["status"] == 3 and r.tasks[0].id == "A-1"


def test_english_sheet_gives_english_messages_and_lang_overrides(tmp_path):
    tasks = [{"id": "T1", "task": "Plan", "owner": None, "status": "In progress"}]
    path = make_tracker(tmp_path / "t.xlsx", tasks, lang="en", title="Summer campaign")
    r = api.validate(path, today=D(2026, 9, 1))
    assert r.language == "en" and r.sheet == "Tasks"
    assert "Owner is empty" in next(f for f in r.findings if f.code == "missing-value").message
    r_zh = api.validate(path, today=D(2026, 9, 1), lang="zh")
    assert "为空" in next(f for f in r_zh.findings if f.code == "missing-value").message


def test_task_names_as_dependencies_without_an_id_column(tmp_path):
    fields = ("task", "owner", "status", "depends_on", "deadline")
    tasks = [{"task": "原型", "owner": "张三", "status": "进行中", "deadline": D(2026, 9, 10)},
             {"task": "开发", "owner": "张三", "status": "进行中", "depends_on": "原型", "deadline": D(2026, 9, 20)},
             {"task": "文案", "owner": "张三", "status": "未开始", "depends_on": "不存在的任务"}]
    r = api.validate(make_tracker(tmp_path / "t.xlsx", tasks, fields=fields), today=D(2026, 9, 1))
    codes = {(f.code, f.row) for f in r.findings}
    assert ("dependency-not-done", 5) in codes and ("unknown-dependency", 6) in codes


def test_the_table_on_a_later_sheet_after_a_cover(tmp_path):
    tasks = [{"id": "T1", "task": "x", "owner": "张三", "status": "进行中"}]
    r = api.validate(make_tracker(tmp_path / "t.xlsx", tasks, extra_sheets=("封面",)), today=D(2026, 9, 1))
    assert r.sheet == "任务"


def test_holidays_sheet_adds_days_off_and_working_days(tmp_path):
    tasks = [{"id": "T1", "task": "x", "owner": "张三", "status": "未开始", "time_point": "T-1wd"}]
    camp = {"launch": D(2026, 11, 16)}  # Monday
    r = api.validate(make_tracker(tmp_path / "a.xlsx", tasks, campaign=camp), today=D(2026, 11, 1))
    assert r.tasks[0].due == D(2026, 11, 13)
    r = api.validate(make_tracker(tmp_path / "b.xlsx", tasks, campaign=camp,
                                  holidays=[(D(2026, 11, 13), "休息", "公司假")]), today=D(2026, 11, 1))
    assert r.tasks[0].due == D(2026, 11, 12)
    r = api.validate(make_tracker(tmp_path / "c.xlsx", tasks, campaign=camp,
                                  holidays=[(D(2026, 11, 13), "休息", ""), (D(2026, 11, 15), "上班", "补班")]), today=D(2026, 11, 1))
    assert r.tasks[0].due == D(2026, 11, 15)
