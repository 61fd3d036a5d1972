"""Findings a person can act on: one finding over a column's range instead of one per row (kept right in JSON,
the text output, the Flags column, the report sheet and the digest), no row-by-row check of a column nobody
uses, no schedule-risk on work already late, and no duplicate-id from a row counter that restarts or from
'Link' text in the id column."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import openpyxl
from hypothesis import given, settings, strategies as st

import sheetsync.api as api
from sheetsync.digest import build_digests
from support.tracker_factory import make_tracker

D = dt.date
TODAY = D(2026, 9, 21)
CAMPAIGN = {"name": "x", "launch": D(2026, 10, 12), "end": D(2026, 10, 30)}
FIELDS = ("id", "task", "owner", "deadline", "status")
SHEETSYNC = [sys.executable, "-m", "sheetsync.cli"]


def tracker(tmp_path, tasks, fields=FIELDS, name="t.xlsx", **kw):
    kw.setdefault("campaign", CAMPAIGN)
    return make_tracker(tmp_path / name, tasks, fields=fields, **kw)


def owners_missing(n: int, every: int = 1) -> list[dict]:
    """n tasks, the owner empty on every `every`-th row."""
    return [{"id": f"T{i}", "task": f"任务{i}", "owner": None if i % every == 0 else "张三",
             "deadline": D(2026, 10, 9), "status": "进行中"} for i in range(1, n + 1)]


def test_the_same_problem_over_a_column_is_one_finding_over_its_range(tmp_path):
    path = tracker(tmp_path, owners_missing(52, every=2), campaign={**CAMPAIGN, "recipients": "team@example.com"})
    r = api.validate(path, today=TODAY)
    (f,) = [f for f in r.findings if f.code == "missing-value"]
    assert (f.cell, f.range, f.ref) == ("C5", "C5:C55", "任务!C5:C55")
    assert f.cells == [f"C{r}" for r in range(5, 56, 2)] and f.rows == list(range(5, 56, 2))
    assert "负责人为空" in f.message and f.message.endswith("(共 26 处)")
    # every row of the range is still a row with a data error
    assert {t.row for t in r.tasks if t.health == "invalid"} == set(range(5, 56, 2))
    # JSON keeps the first cell and gains the range and every cell
    data = json.loads(subprocess.run(SHEETSYNC + ["validate", str(path), "--format", "json", "--today", str(TODAY)],
                                     capture_output=True, text=True, timeout=120).stdout)
    (j,) = [x for x in data["findings"] if x["code"] == "missing-value"]
    assert (j["cell"], j["range"], len(j["cells"])) == ("C5", "C5:C55", 26)
    # the text output names the range once
    text = subprocess.run(SHEETSYNC + ["validate", str(path), "--today", str(TODAY)], capture_output=True, text=True,
                          timeout=120, env=dict(os.environ, COLUMNS="200")).stdout
    assert text.count("任务!C5:C55") == 1 and "任务!C7\t" not in text
    # the digest counts every cell and lists the range
    fix = next(s for s in next(m for m in build_digests(r, None, tracker="t.xlsx", record=False, chart=False).messages
                               if m.kind == "team").content.sections if s.name == "fix")
    notes = " ".join(n for item in fix.items for n in item.notes)
    assert "共 26 处" in notes and "任务!C5:C55" in notes


def test_sync_flags_every_row_of_a_range_finding(tmp_path):
    path = tracker(tmp_path, owners_missing(6, every=2))
    api.sync(path, today=TODAY, record=False)
    wb = openpyxl.load_workbook(path)
    ws = wb["任务"]
    heads = [c.value for c in ws[3]]
    flags = heads.index("提示") + 1
    assert [bool(ws.cell(r, flags).value and "负责人" in ws.cell(r, flags).value) for r in range(4, 10)] == [
        False, True, False, True, False, True]
    report = wb["同步报告"]
    refs = [row[1].value for row in report.iter_rows() if row[1].value and str(row[1].value).startswith("任务!")]
    assert "任务!C5:C9" in refs and "任务!C7" not in refs


def test_an_entirely_empty_column_is_not_checked_row_by_row(tmp_path):
    r = api.validate(tracker(tmp_path, owners_missing(55, every=1)), today=TODAY)
    assert not [f for f in r.findings if f.code == "missing-value"]
    assert {t.health for t in r.tasks} == {"ok"}


@settings(max_examples=25, deadline=None)
@given(empty=st.lists(st.booleans(), min_size=1, max_size=30))
def test_an_owner_column_with_empty_cells_gives_at_most_one_finding(tmp_path_factory, empty):
    tasks = [{"id": f"T{i}", "task": f"任务{i}", "owner": None if e else "张三", "deadline": D(2026, 10, 9),
              "status": "进行中"} for i, e in enumerate(empty, 1)]
    path = tracker(tmp_path_factory.mktemp("p"), tasks)
    r = api.validate(path, today=TODAY)
    about_owner = [f for f in r.findings if f.column == "负责人"]
    assert len(about_owner) <= 1
    if about_owner and len(empty) >= 3 and not all(empty):
        assert sorted(about_owner[0].rows or [about_owner[0].row]) == [i + 4 for i, e in enumerate(empty) if e]


def test_schedule_risk_is_not_raised_on_a_task_already_late(tmp_path):
    fields = ("id", "task", "owner", "deadline", "duration", "depends_on", "status")
    tasks = [{"id": "T1", "task": "设计", "owner": "张三", "deadline": D(2026, 9, 10), "duration": 5, "status": "进行中"},
             {"id": "T2", "task": "开发", "owner": "张三", "deadline": D(2026, 9, 15), "duration": 5, "depends_on": "T1",
              "status": "未开始"},
             {"id": "T3", "task": "上线", "owner": "张三", "deadline": D(2026, 9, 23), "duration": 5, "depends_on": "T2",
              "status": "未开始"}]
    r = api.validate(tracker(tmp_path, tasks, fields), today=TODAY)
    assert {f.task_id for f in r.findings if f.code == "late"} == {"T1", "T2"}
    assert {f.task_id for f in r.findings if f.code == "schedule-risk"} == {"T3"}


def test_a_restarting_counter_or_link_text_is_not_an_id(tmp_path):
    counter = [{"id": str(n), "task": f"第{w}周 任务{n}", "owner": "张三", "deadline": D(2026, 10, 9), "status": "进行中"}
               for w in (1, 2, 3) for n in (1, 2, 3)]
    r = api.validate(tracker(tmp_path, counter, name="counter.xlsx"), today=TODAY)
    assert not [f for f in r.findings if f.code == "duplicate-id"]
    assert all(t.id is None and t.key == t.task for t in r.tasks)
    links = [{"id": "Link", "task": f"任务{n}", "owner": "张三", "deadline": D(2026, 10, 9), "status": "进行中"}
             for n in range(1, 5)]
    r = api.validate(tracker(tmp_path, links, name="links.xlsx"), today=TODAY)
    assert not [f for f in r.findings if f.code == "duplicate-id"]
    # a real duplicate is still one
    dup = [{"id": i, "task": f"任务{n}", "owner": "张三", "deadline": D(2026, 10, 9), "status": "进行中"}
           for n, i in enumerate(["1", "2", "3", "3", "4"])]
    r = api.validate(tracker(tmp_path, dup, name="dup.xlsx"), today=TODAY)
    assert [f.cell for f in r.findings if f.code == "duplicate-id"] == ["A7"]


# ---------------------------------------------------------------- dates

DATE_FIELDS = ("id", "task", "owner", "start", "deadline", "status")


def test_month_day_year_text_when_it_can_only_be_that(tmp_path):
    tasks = [{"id": "T1", "task": "a", "owner": "Ann", "deadline": "1/15/2027", "status": "In progress"},
             {"id": "T2", "task": "b", "owner": "Ann", "deadline": "2/3/2027", "status": "In progress"},
             {"id": "T3", "task": "c", "owner": "Ann", "deadline": "15/1/2027", "status": "In progress"}]
    r = api.validate(make_tracker(tmp_path / "mdy.xlsx", tasks[:2], fields=DATE_FIELDS, lang="en"), today=TODAY)
    # the column shows month/day/year (15 cannot be a month), so 2/3/2027 is 3 February
    assert [t.due for t in r.tasks] == [D(2027, 1, 15), D(2027, 2, 3)]
    r = api.validate(make_tracker(tmp_path / "mixed.xlsx", tasks, fields=DATE_FIELDS, lang="en"), today=TODAY)
    # both orders in one column: only the unambiguous cells are read, the other is a finding
    assert [t.due for t in r.tasks] == [D(2027, 1, 15), None, D(2027, 1, 15)]
    assert [f.cell for f in r.findings if f.code == "bad-date"] == ["E5"]


def test_project_day_numbers_count_from_the_campaign_start(tmp_path):
    tasks = [{"id": f"T{n}", "task": f"t{n}", "owner": "张三", "start": n, "deadline": n + 2, "status": "进行中"}
             for n in (1, 3, 5, 12)]
    r = api.validate(tracker(tmp_path, tasks, DATE_FIELDS, campaign={"launch": D(2026, 10, 1)}), today=TODAY)
    assert [(t.start, t.due) for t in r.tasks] == [(D(2026, 10, 1), D(2026, 10, 3)), (D(2026, 10, 3), D(2026, 10, 5)),
                                                   (D(2026, 10, 5), D(2026, 10, 7)), (D(2026, 10, 12), D(2026, 10, 14))]
    assert not [f for f in r.findings if f.code in ("bad-date", "day-numbers")]
    # without a start: one finding per column, no date read, nothing late
    r = api.validate(tracker(tmp_path, tasks, DATE_FIELDS, name="nostart.xlsx", campaign={"name": "x"}), today=TODAY)
    days = [f for f in r.findings if f.code == "day-numbers"]
    assert [(f.cell, f.params["last"]) for f in days] == [("D4", 12), ("E4", 14)]
    assert not [f for f in r.findings if f.code in ("bad-date", "late")]
    assert all(t.start is None and t.due is None for t in r.tasks)


def test_placeholders_are_empty_and_an_unknown_start_keeps_the_deadline(tmp_path):
    tasks = [{"id": "T1", "task": "a", "owner": "张三", "deadline": "1900-12-30", "status": "进行中"},
             {"id": "T2", "task": "b", "owner": "张三", "deadline": "1900/1/0", "status": "进行中"},
             {"id": "T3", "task": "c", "owner": "张三", "deadline": dt.datetime(1899, 12, 30), "status": "进行中"},
             {"id": "T4", "task": "d", "owner": "张三", "deadline": "？-2026/10/11", "status": "进行中"},
             {"id": "T5", "task": "e", "owner": "张三", "deadline": D(2026, 10, 9), "status": "进行中"}]
    r = api.validate(tracker(tmp_path, tasks, DATE_FIELDS), today=TODAY)
    assert [t.explicit_due for t in r.tasks] == [None, None, None, D(2026, 10, 11), D(2026, 10, 9)]
    assert not [f for f in r.findings if f.code == "bad-date"]


def test_a_total_under_a_date_column_is_not_a_date(tmp_path):
    days = [D(2026, 10, 9), D(2026, 10, 12), D(2026, 10, 14)]
    tasks = [{"id": f"T{i}", "task": f"t{i}", "owner": "张三", "deadline": d, "status": "进行中"}
             for i, d in enumerate(days, 1)]
    serial = sum((d - D(1899, 12, 30)).days for d in days)  # =SUM() over the dates, as a number
    tasks.append({"id": "T4", "task": "t4", "owner": "张三", "deadline": serial, "status": "进行中"})
    r = api.validate(tracker(tmp_path, tasks, DATE_FIELDS), today=TODAY)
    assert r.tasks[-1].due is None
