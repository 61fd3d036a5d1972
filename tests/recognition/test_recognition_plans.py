"""Real layouts read end to end (.xlsx written with openpyxl, the real reader and engine): a Traditional Chinese
Gantt plan with a totals row and a date grid, an English plan with % Complete and Predecessors, a tracker with
no deadline column, merged cells (stage labels down a column, section labels across a row, a two-row
Planned / Actual header)."""
from __future__ import annotations

import datetime as dt

import openpyxl

from sheetsync import api

D = dt.date
TODAY = D(2026, 9, 21)


def _save(wb, path):
    wb.save(path)
    return path


def test_traditional_gantt_plan_with_a_totals_row_and_a_date_grid(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "甘特圖"
    ws["A1"] = "專案甘特圖"
    ws.merge_cells("A1:Z1")
    for c, h in enumerate(["工作項目", "開始日期", "天數", "結束日期"], 1):
        ws.cell(2, c, h)
    for k in range(20):  # the day grid to the right
        cell = ws.cell(2, 6 + k, D(2026, 9, 1) + dt.timedelta(days=k))
        cell.number_format = "m/d"
    plan = [("需求訪談", D(2026, 9, 1), 3, D(2026, 9, 4)), ("系統設計", D(2026, 9, 7), 5, D(2026, 9, 11)),
            ("開發", D(2026, 9, 14), 10, D(2026, 9, 30)), ("測試", D(2026, 10, 5), 5, D(2026, 10, 9))]
    for r, (task, start, days, end) in enumerate(plan, 3):
        ws.cell(r, 1, task)
        ws.cell(r, 2, start).number_format = "yyyy/m/d"
        ws.cell(r, 3, days)
        ws.cell(r, 4, end).number_format = "yyyy/m/d"
        ws.cell(r, 6 + r, "■")
    total = 3 + len(plan)
    ws.cell(total, 1, "合計")
    ws.merge_cells(start_row=total, start_column=1, end_row=total, end_column=2)
    ws.cell(total, 3, sum(p[2] for p in plan))  # the value of =SUM(C3:C6)
    ws.cell(total, 4, 29000)  # a stray number in the end-date column of the totals row (1979 as a serial)
    report = api.validate(_save(wb, tmp_path / "gantt.xlsx"), today=TODAY)
    assert report.language == "zh" and report.header_row == 2
    assert {f: report.columns[f] for f in ("task", "start", "duration", "deadline")} == \
        {"task": 0, "start": 1, "duration": 2, "deadline": 3}
    assert [t.row for t in report.tasks] == [3, 4, 5, 6]  # not the totals row
    late = [f for f in report.findings if f.code == "late"]
    assert sorted(f.row for f in late) == [3, 4] and all(f.cell.startswith("D") for f in late)
    assert not [f for f in report.findings if f.row == total]
    assert len([f for f in report.findings if f.code == "calendar-gap"]) <= 1
    grid = [c for c in report.understanding.columns if c.column >= 5]
    assert grid and all(c.field is None for c in grid)


def test_english_plan_task_start_end_owner_complete_predecessors(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws.append(["Task", "Start", "End", "Owner", "% Complete", "Predecessors"])
    # predecessors numbered as MS Project and Smartsheet number tasks: 1 is the first task under the header
    rows = [("Kick-off", D(2026, 9, 1), D(2026, 9, 2), "Ann", 1.0, None),
            ("Design", D(2026, 9, 3), D(2026, 9, 10), "Bob", 0.5, "1"),
            ("Build", D(2026, 9, 11), D(2026, 9, 18), "Cai", 0.0, "2FS+2d"),
            ("Launch", D(2026, 9, 28), D(2026, 9, 30), "Ann", 0.0, "3")]
    for row in rows:
        ws.append(list(row))
    report = api.validate(_save(wb, tmp_path / "plan.xlsx"), today=TODAY)
    assert report.language == "en"
    assert report.columns == {"task": 0, "start": 1, "deadline": 2, "owner": 3, "progress": 4, "depends_on": 5}
    read = {c.header: c.why for c in report.understanding.columns}
    assert "end" in read["End"] and "progress" in read["% Complete"]
    late = {f.row for f in report.findings if f.code == "late"}
    assert late == {3, 4} and all(f.cell.startswith("C") for f in report.findings if f.code == "late")
    assert report.tasks[0].status == "done"  # 100% complete (a 0%-formatted 1.0), so Kick-off is neither late nor a blocker
    assert not [f for f in report.findings if f.code == "no-deadline-column"]
    # 2FS+2d: Build may start two working days after Design finishes (Thu 10 Sep -> Mon 14 Sep), not on the 11th
    (order,) = [f for f in report.findings if f.code == "dependency-order"]
    assert order.cell == "B4" and "2026-09-14" in order.message and "+2 working days" in order.message
    # Design is unfinished and overdue, so Build cannot meet its own deadline: the schedule pass says so; Build's
    # work is its Start to End (6 working days), so it ends 10-01 and Launch (3 working days) cannot fit by 09-30;
    # Build is already late, which says more than that it cannot fit: no schedule-risk on it
    assert {f.cell for f in report.findings if f.code == "schedule-risk"} == {"C5"}
    assert not [f for f in report.findings if f.code in ("unknown-dependency", "dependency-cycle")]


def test_a_tracker_without_a_deadline_column_says_which_checks_are_off(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tasks"
    ws.append(["Task", "Owner", "Status", "Comments"])
    ws.append(["Brief", "Ann", "In progress", ""])
    ws.append(["Poster", "Bob", "Not started", ""])
    report = api.validate(_save(wb, tmp_path / "t.xlsx"), today=TODAY)
    (f,) = [f for f in report.findings if f.code == "no-deadline-column"]
    assert f.severity == "warning" and f.cell == "A1" and f.sheet == "Tasks"
    assert "late and due-soon checks are off" in f.message and "columns = { deadline" in f.message
    assert "deadline" in report.understanding.missing
    zh = api.validate(tmp_path / "t.xlsx", today=TODAY, lang="zh")
    assert "逾期和即将到期检查已关闭" in next(x.message for x in zh.findings if x.code == "no-deadline-column")


def test_merges_stage_down_a_column_section_across_a_row_title_never_fills(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务"
    ws["A1"] = "活动任务表"
    ws.merge_cells("A1:E1")
    ws.append([])
    for c, h in enumerate(["阶段", "任务", "负责人", "截止日期", "状态"], 1):
        ws.cell(2, c, h)
    ws["A3"] = "策划"
    ws.merge_cells("A3:A4")
    ws["B3"], ws["C3"], ws["D3"], ws["E3"] = "写方案", "张三", D(2026, 9, 10), "进行中"
    ws["B4"], ws["C4"], ws["D4"], ws["E4"] = "审批", "李四", D(2026, 9, 30), "未开始"
    ws["A5"] = "第二部分:执行"
    ws.merge_cells("A5:E5")
    ws["A6"], ws["B6"], ws["C6"], ws["D6"], ws["E6"] = "执行", "上线", "王五", D(2026, 10, 1), "未开始"
    report = api.validate(_save(wb, tmp_path / "m.xlsx"), today=TODAY)
    assert report.header_row == 2
    assert [(t.row, t.stage, t.task, t.owner) for t in report.tasks] == [
        (3, "策划", "写方案", "张三"), (4, "策划", "审批", "李四"), (6, "执行", "上线", "王五")]
    assert not [f for f in report.findings if f.row == 5]
    synced = api.sync(tmp_path / "m.xlsx", today=TODAY, record=False)
    after = openpyxl.load_workbook(tmp_path / "m.xlsx")["任务"]
    assert after["A4"].value is None and after["B1"].value is None  # nothing written into merged areas
    assert synced.changed


def test_two_row_header_planned_and_actual_over_start_and_end(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Plan"
    for col, text in (("A", "任务"), ("B", "负责人")):
        ws[f"{col}1"] = text
        ws.merge_cells(f"{col}1:{col}2")
    ws["C1"], ws["E1"] = "计划", "实际"
    ws.merge_cells("C1:D1")
    ws.merge_cells("E1:F1")
    ws["C2"], ws["D2"], ws["E2"], ws["F2"] = "开始", "结束", "开始", "结束"
    ws.append(["写方案", "张三", D(2026, 9, 1), D(2026, 9, 10), D(2026, 9, 2), D(2026, 9, 9)])
    ws.append(["审批", "李四", D(2026, 9, 11), D(2026, 9, 15), None, None])
    report = api.validate(_save(wb, tmp_path / "two.xlsx"), today=TODAY)
    assert report.header_row == 2 and report.understanding.header_rows == 2
    assert {f: report.columns[f] for f in ("task", "owner", "start", "deadline", "done_date")} == \
        {"task": 0, "owner": 1, "start": 2, "deadline": 3, "done_date": 5}
    heads = {c.column: c.header for c in report.understanding.columns}
    assert heads[2] == "计划 / 开始" and heads[5] == "实际 / 结束"
    assert [t.row for t in report.tasks] == [3, 4]


def test_excel_tables_are_candidates_and_the_best_is_the_task_table():
    # SheetData.tables as the xlsx source reads Excel ListObjects: two tables side by side on one sheet
    from sheetsync.engine import analyse
    from sheetsync.model import SheetData, WorkbookData
    rows = [["Budget", "Amount", None, "Task", "Owner", "Due date", "Status"],
            ["Print", 300.0, None, "Poster", "Ann", D(2026, 9, 1), "In progress"],
            ["Ads", 900.0, None, "Landing page", "Bob", D(2026, 9, 30), "Not started"]]
    sheet = SheetData("Plan", rows, tables=[("Costs", (0, 0, 2, 1)), ("Work", (0, 3, 2, 6))])
    report = analyse(WorkbookData("mem", [sheet]), TODAY)
    assert report.columns["task"] == 3 and report.columns["deadline"] == 5
    chosen = report.understanding.candidates[0]
    assert (chosen.kind, chosen.name, chosen.first_col, chosen.last_col) == ("excel-table", "Work", 3, 6)
    assert [t.task for t in report.tasks] == ["Poster", "Landing page"]
    assert [f.row for f in report.findings if f.code == "late"] == [2]


def test_a_deadline_column_of_unreadable_words_stays_the_deadline(tmp_path):
    # 'TBD' and '下周' under 截止日期 are bad dates to report, not a reason to stop reading the column
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务"
    ws.append(["任务", "负责人", "截止日期", "状态"])
    for task, due in (("写方案", "待定"), ("设计", "下周"), ("上线", "TBD")):
        ws.append([task, "张三", due, "进行中"])
    report = api.validate(_save(wb, tmp_path / "w.xlsx"), today=TODAY)
    assert report.columns["deadline"] == 2
    assert sorted(f.row for f in report.findings if f.code == "bad-date") == [2, 3, 4]


def test_an_unlabelled_totals_row_is_found_by_its_sum(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws.append(["Task", "Owner", "Days", "Due date"])
    ws.append(["Brief", "Ann", 2, D(2026, 9, 1)])
    ws.append(["Poster", "Bob", 3, D(2026, 9, 30)])
    ws.append(["Page", "Cai", 4, D(2026, 10, 9)])
    ws.append([None, None, 9, None])  # the value of =SUM(C2:C4), no label
    ws.append(["Launch", "Ann", 1, D(2026, 10, 12)])
    report = api.validate(_save(wb, tmp_path / "sum.xlsx"), today=TODAY)
    assert [t.row for t in report.tasks] == [2, 3, 4, 6]
    assert not [f for f in report.findings if f.row == 5]
