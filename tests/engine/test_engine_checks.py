"""One test per finding code, on real .xlsx trackers: each fails if its check is removed."""
import datetime as dt

import pytest

import sheetsync.api as api
from support.tracker_factory import make_tracker

D = dt.date
LAUNCH, END = D(2026, 10, 12), D(2026, 10, 30)
TODAY = D(2026, 9, 21)  # a Monday
CAMPAIGN = {"name": "夏日清凉服务季", "launch": LAUNCH, "end": END}
PEOPLE = [("张三", "zhangsan@example.com", "运营"), ("小李", "xiaoli@example.com", "设计部"), ("王五", "wangwu@example.com", "IT")]


def base(**over):
    row = {"id": "T1", "stage": "策划", "task": "写方案", "owner": "张三", "status": "进行中", "deadline": D(2026, 10, 9)}
    row.update(over)
    return row


def run(tmp_path, tasks, today=TODAY, lang="zh", **kw):
    kw.setdefault("campaign", CAMPAIGN)
    kw.setdefault("people", PEOPLE)
    path = make_tracker(tmp_path / "t.xlsx", tasks, lang=lang, **kw)
    return api.validate(path, today=today)


def codes(report, code):
    return [f for f in report.findings if f.code == code]


def test_missing_values_name_the_cell_and_severity(tmp_path):
    r = run(tmp_path, [base(task=None), base(id="T2", owner=None), base(id="T3", status=None)])
    missing = {(f.cell, f.severity) for f in codes(r, "missing-value")}
    assert missing == {("C4", "error"), ("D5", "error"), ("L6", "warning")}
    f = next(f for f in codes(r, "missing-value") if f.cell == "C4")
    assert f.sheet == "任务" and f.row == 4 and f.column == "任务" and f.task_id == "T1"
    assert "任务" in f.message and "请填写" in f.message


def test_bad_date_bad_number_bad_status(tmp_path):
    r = run(tmp_path, [base(deadline="2026-02-30"), base(id="T2", duration="abc"), base(id="T3", status="搞定了吗")])
    assert [(f.cell, f.severity) for f in codes(r, "bad-date")] == [("K4", "error")]
    assert [f.cell for f in codes(r, "bad-number")] == ["I5"]
    assert [f.cell for f in codes(r, "bad-status")] == ["L6"]
    assert "搞定了吗" in codes(r, "bad-status")[0].message


def test_bad_email_in_people_sheet(tmp_path):
    r = run(tmp_path, [base()], people=[("张三", "zhangsan-at-example.com", "运营")])
    bad = codes(r, "bad-email")
    assert len(bad) == 1 and bad[0].sheet == "人员" and bad[0].cell == "B2"


def test_duplicate_id_names_the_other_row(tmp_path):
    r = run(tmp_path, [base(), base(task="另一个")])
    dup = codes(r, "duplicate-id")
    assert [(f.cell, f.row) for f in dup] == [("A5", 5)]
    assert "4" in dup[0].message


def test_unknown_owner_only_with_a_people_sheet(tmp_path):
    r = run(tmp_path, [base(owner="赵六")])
    assert [f.cell for f in codes(r, "unknown-owner")] == ["D4"]
    (tmp_path / "b").mkdir()
    r2 = run(tmp_path / "b", [base(owner="赵六")], people=None)
    assert codes(r2, "unknown-owner") == []


def test_unknown_dependency(tmp_path):
    r = run(tmp_path, [base(), base(id="T2", depends_on="T1, T9")])
    unk = codes(r, "unknown-dependency")
    assert [(f.cell, f.task_id) for f in unk] == [("G5", "T2")]
    assert "T9" in unk[0].message


def test_dependency_cycle_names_the_whole_cycle(tmp_path):
    r = run(tmp_path, [base(id="T4"), base(id="T5", depends_on="T6"), base(id="T6", depends_on="T5", status="未开始")])
    cyc = codes(r, "dependency-cycle")
    assert {f.task_id for f in cyc} == {"T5", "T6"}
    assert any("T5 → T6 → T5" in f.message for f in cyc)


def test_dependency_not_done(tmp_path):
    r = run(tmp_path, [base(id="T1", status="未开始"), base(id="T2", depends_on="T1", status="进行中", deadline=D(2026, 10, 10))])
    dnd = codes(r, "dependency-not-done")
    assert [(f.task_id, f.cell) for f in dnd] == [("T2", "L5")]
    assert next(t for t in r.tasks if t.id == "T2").health == "at-risk"


def test_dependency_order(tmp_path):
    r = run(tmp_path, [base(id="T1", status="未开始", deadline=D(2026, 10, 9)),
                       base(id="T2", depends_on="T1", status="未开始", deadline=D(2026, 10, 2))])
    order = codes(r, "dependency-order")
    assert [(f.task_id, f.cell) for f in order] == [("T2", "K5")]


def test_schedule_risk_forward_pass(tmp_path):
    # T1 not started, 5 working days from Mon 09-21 -> finishes Mon 09-28; T2 needs 4 more -> 10-09 > due 10-08.
    r = run(tmp_path, [base(id="T1", status="未开始", duration=5, deadline=D(2026, 9, 30)),
                       base(id="T2", depends_on="T1", status="未开始", duration=4, deadline=D(2026, 10, 8))])
    risk = codes(r, "schedule-risk")
    assert [f.task_id for f in risk] == ["T2"]
    assert "2026-09-28" in risk[0].message and "2026-10-09" in risk[0].message


def test_schedule_fits_exactly_is_no_risk(tmp_path):
    r = run(tmp_path, [base(id="T1", status="未开始", duration=5, deadline=D(2026, 9, 30)),
                       base(id="T2", depends_on="T1", status="未开始", duration=4, deadline=D(2026, 10, 9))])
    assert codes(r, "schedule-risk") == []


def test_late_due_soon_blocked(tmp_path):
    r = run(tmp_path, [base(id="T1", deadline=D(2026, 9, 17)), base(id="T2", deadline=D(2026, 9, 23)),
                       base(id="T3", status="受阻", deadline=D(2026, 10, 9)), base(id="T4", deadline=D(2026, 9, 17), status="已完成"),
                       base(id="T5", deadline=D(2026, 9, 17), status="已取消")])
    assert [f.task_id for f in codes(r, "late")] == ["T1"]
    late = codes(r, "late")[0]
    assert late.cell == "K4" and late.severity == "warning"
    assert "2" in late.message  # Thu 09-17 -> Mon 09-21: 09-18 and 09-20 (make-up Sunday) and 09-21 -> 3 working days
    assert [f.task_id for f in codes(r, "due-soon")] == ["T2"]
    assert [f.task_id for f in codes(r, "blocked")] == ["T3"]
    health = {t.id: t.health for t in r.tasks}
    assert health == {"T1": "late", "T2": "due-soon", "T3": "blocked", "T4": "done", "T5": "ok"}


def test_unreviewed_in_review_past_sla_and_done_without_review(tmp_path):
    submitted_old = dt.datetime(2026, 9, 19, 10, 0)
    submitted_new = dt.datetime(2026, 9, 20, 9, 0)
    r = run(tmp_path, [base(id="T1", status="待审核", submitted=submitted_old, reviewer="小李"),
                       base(id="T2", status="待审核", submitted=submitted_new, reviewer="小李"),
                       base(id="T3", status="已完成", reviewer="小李"),
                       base(id="T4", status="已完成", reviewer="小李", reviewed=dt.datetime(2026, 9, 18, 9, 0))],
            today=dt.datetime(2026, 9, 21, 8, 30))
    assert sorted(f.task_id for f in codes(r, "unreviewed")) == ["T1", "T3"]
    t1 = next(f for f in codes(r, "unreviewed") if f.task_id == "T1")
    assert t1.cell == "M4" and "小李" in t1.message
    assert next(t for t in r.tasks if t.id == "T1").health == "unreviewed"


def test_review_sla_comes_from_the_campaign_sheet(tmp_path):
    camp = dict(CAMPAIGN, review_sla_hours=72)
    r = run(tmp_path, [base(id="T1", status="待审核", submitted=dt.datetime(2026, 9, 19, 10, 0))],
            today=dt.datetime(2026, 9, 21, 8, 30), campaign=camp)
    assert codes(r, "unreviewed") == []


def test_after_launch_for_pre_launch_tasks(tmp_path):
    r = run(tmp_path, [base(id="T1", stage="资源筹备", deadline=D(2026, 10, 14)),
                       base(id="T2", stage="复盘", deadline=D(2026, 11, 4))])
    assert [f.task_id for f in codes(r, "after-launch")] == ["T1"]


def test_lead_time_by_department(tmp_path):
    r = run(tmp_path, [base(id="T1", owner="小李", department="设计部", requested=D(2026, 9, 21), deadline=D(2026, 9, 24)),
                       base(id="T2", owner="小李", department="设计部", requested=D(2026, 9, 21), deadline=D(2026, 9, 29))])
    lead = codes(r, "lead-time")
    assert [(f.task_id, f.cell) for f in lead] == [("T1", "J4")]
    assert "5" in lead[0].message and "3" in lead[0].message


def test_calendar_gap_warns_once_per_year_and_still_works(tmp_path):
    camp = {"name": "x", "launch": D(2027, 3, 1), "end": D(2027, 3, 31)}
    r = run(tmp_path, [base(id="T1", deadline=None, time_point="T-5wd"), base(id="T2", deadline=None, time_point="T-3wd")],
            campaign=camp)
    gaps = codes(r, "calendar-gap")
    assert len(gaps) == 1 and "2027" in gaps[0].message
    assert next(t for t in r.tasks if t.id == "T1").due == D(2027, 2, 22)


def test_no_task_table_lists_header_rows_seen(tmp_path):
    import openpyxl
    from sheetsync.model import SheetsyncError
    wb = openpyxl.Workbook()
    wb.active.append(["名称", "金额", "日期"])
    wb.save(tmp_path / "n.xlsx")
    with pytest.raises(SheetsyncError) as exc:
        api.validate(tmp_path / "n.xlsx", today=TODAY)
    assert exc.value.code == "no-task-table"
    assert "Sheet!1: 名称, 金额, 日期" in exc.value.en
