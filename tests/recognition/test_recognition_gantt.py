"""Gantt sheets: a task column beside a row of dates (days, weeks, months; one or two header rows), bars drawn by
filling cells (PatternFill, as Excel and LibreOffice save them). Each task starts on the first day of its first
filled cell and ends on the last day of its last; a plan and an actual bar (two rows, or two colours named in a
legend) give planned and actual dates; a task's own start and end cells win. Built as real .xlsx files and read
by the real reader and engine; sync writes right of the grid, never inside it, and a second sync writes nothing."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl.styles import PatternFill
from openpyxl.styles.colors import Color

from support.gsheets_fixtures import emu, load_xlsx  # noqa: F401  (emu: the emulator fixture)
from sheetsync import api
from sheetsync.engine import analyse
from sheetsync.model import SheetsyncError
from sheetsync.xlsx.read import read_xlsx

D = dt.date
TODAY = D(2026, 10, 14)
GREEN = PatternFill("solid", fgColor="00B050")
ORANGE = PatternFill("solid", fgColor="FFC000")
GREY = PatternFill("solid", fgColor="D9D9D9")
BLUE_THEME = PatternFill("solid", fgColor=Color(theme=4, tint=0.3999755851924192))
BAND = PatternFill("solid", fgColor="DDEBF7")


def _paint(ws, row, first_col, last_col, fill=GREEN):
    for c in range(first_col, last_col + 1):
        ws.cell(row, c).fill = fill


def _tasks(path, today=TODAY):
    report = api.validate(path, today=today)
    return report, {t.task: t for t in report.tasks}


def _day_chart(path, *, fill=GREEN):
    """任务 | 负责人 | 10-01 … 10-20 (date cells), bars drawn in `fill`."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "甘特图"
    ws.append(["任务", "负责人"] + [D(2026, 10, 1) + dt.timedelta(days=k) for k in range(20)])
    for c in range(3, 23):
        ws.cell(1, c).number_format = "m/d"
    for i, (name, owner, a, b) in enumerate([("海报设计", "张三", 1, 4), ("H5 开发", "李四", 3, 12),
                                             ("抽奖上线", "王五", 15, 20)]):
        ws.append([name, owner])
        _paint(ws, i + 2, 2 + a, 2 + b, fill)
    wb.save(path)
    return path


def test_a_day_grid_gives_each_task_its_first_and_last_filled_day(tmp_path):
    report, by = _tasks(_day_chart(tmp_path / "days.xlsx"))
    assert [(t.start, t.explicit_due) for t in report.tasks] == [
        (D(2026, 10, 1), D(2026, 10, 4)), (D(2026, 10, 3), D(2026, 10, 12)), (D(2026, 10, 15), D(2026, 10, 20))]
    assert by["海报设计"].due == D(2026, 10, 4) and by["海报设计"].owner == "张三"
    assert report.columns == {"task": 0, "owner": 1}
    assert report.table.managed == {"m_due": 22, "m_health": 23, "m_flags": 24}  # right of the grid C:V
    assert not any(f.code == "no-deadline-column" for f in report.findings)
    # no value of the grid is checked as a field
    assert not any(f.cell and f.cell[0] not in "AB" and f.cell[:1].isalpha() and len(f.cell) > 1
                   and "C" <= f.cell[0] <= "V" for f in report.findings)


def test_theme_colours_draw_bars_too(tmp_path):
    report, by = _tasks(_day_chart(tmp_path / "theme.xlsx", fill=BLUE_THEME))
    assert (by["H5 开发"].start, by["H5 开发"].explicit_due) == (D(2026, 10, 3), D(2026, 10, 12))


def test_a_week_grid_reads_weeks_from_a_start_date_above(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = "开始日期", D(2026, 9, 7)
    ws.append([])
    ws.append(["任务", "负责人"] + [f"W{k}" for k in range(1, 9)])
    ws.append(["方案", "张三"])
    _paint(ws, 4, 3, 4)  # W1-W2
    ws.append(["设计", "李四"])
    _paint(ws, 5, 5, 7)  # W3-W5
    wb.save(tmp_path / "weeks.xlsx")
    _, by = _tasks(tmp_path / "weeks.xlsx")
    assert (by["方案"].start, by["方案"].explicit_due) == (D(2026, 9, 7), D(2026, 9, 20))
    assert (by["设计"].start, by["设计"].explicit_due) == (D(2026, 9, 21), D(2026, 10, 11))


def test_week_labels_that_carry_their_date(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Task", "Owner"] + [f"Wk {k + 1} {(D(2026, 9, 7) + dt.timedelta(weeks=k)).strftime('%d/%m')}"
                                   for k in range(6)])
    ws.append(["Write the brief", "Mike"])
    _paint(ws, 2, 4, 5)  # Wk 2 - Wk 3
    ws.append(["Design the poster", "Alex"])
    _paint(ws, 3, 3, 3)
    wb.save(tmp_path / "wk.xlsx")
    _, by = _tasks(tmp_path / "wk.xlsx")
    assert (by["Write the brief"].start, by["Write the brief"].explicit_due) == (D(2026, 9, 14), D(2026, 9, 27))
    assert (by["Design the poster"].start, by["Design the poster"].explicit_due) == (D(2026, 9, 7), D(2026, 9, 13))


def test_a_month_grid_with_the_year_above_and_months_over_sub_columns(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = "年度", 2026
    ws["A3"] = "任務描述"
    months = "一二三四五六七八九十"
    for k in range(12):
        c = 2 + 3 * k
        ws.cell(3, c, (months[k] if k < 10 else ["十一", "十二"][k - 10]) + "月")
        ws.merge_cells(start_row=3, start_column=c, end_row=3, end_column=c + 2)
    ws["A4"], ws["A5"] = "需求訪談", "系統開發"
    _paint(ws, 4, 2, 4)  # 一月, all three thirds
    _paint(ws, 5, 6, 11)  # 二月 second third .. 四月 first third
    wb.save(tmp_path / "months.xlsx")
    _, by = _tasks(tmp_path / "months.xlsx")
    assert (by["需求訪談"].start, by["需求訪談"].explicit_due) == (D(2026, 1, 1), D(2026, 1, 31))
    start, end = by["系統開發"].start, by["系統開發"].explicit_due
    assert D(2026, 2, 9) <= start <= D(2026, 2, 10) and D(2026, 4, 10) <= end <= D(2026, 4, 11)


def test_english_month_names_roll_into_the_next_year(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Task", "Owner", "Oct", "Nov", "Dec", "Jan", "Feb"])
    ws.append(["Plan the launch", "Mike"])
    _paint(ws, 2, 5, 6)  # Dec - Jan
    ws.append(["Review", "Alex"])
    _paint(ws, 3, 7, 7)
    wb.save(tmp_path / "en-months.xlsx")
    _, by = _tasks(tmp_path / "en-months.xlsx")
    assert (by["Plan the launch"].start, by["Plan the launch"].explicit_due) == (D(2026, 12, 1), D(2027, 1, 31))
    assert by["Review"].explicit_due == D(2027, 2, 28)


def test_month_over_day_two_header_rows(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A2"], ws["B2"] = "任务", "负责人"
    # 10月 merged over Oct 27..31, 11月 over Nov 1..10; day numbers below
    ws.cell(1, 3, "10月")
    ws.merge_cells(start_row=1, start_column=3, end_row=1, end_column=7)
    ws.cell(1, 8, "11月")
    ws.merge_cells(start_row=1, start_column=8, end_row=1, end_column=17)
    days = list(range(27, 32)) + list(range(1, 11))
    for k, d in enumerate(days):
        ws.cell(2, 3 + k, d)
    ws["A3"], ws["B3"] = "物料印刷", "张三"
    _paint(ws, 3, 5, 10)  # Oct 29 .. Nov 3
    ws["A4"], ws["B4"] = "门店培训", "李四"
    _paint(ws, 4, 12, 14)  # Nov 5 .. Nov 7
    wb.save(tmp_path / "month-day.xlsx")
    _, by = _tasks(tmp_path / "month-day.xlsx")
    assert (by["物料印刷"].start, by["物料印刷"].explicit_due) == (D(2026, 10, 29), D(2026, 11, 3))
    assert (by["门店培训"].start, by["门店培训"].explicit_due) == (D(2026, 11, 5), D(2026, 11, 7))


def test_day_numbers_over_weekdays_find_their_month(tmp_path):
    """No month or year anywhere: the month near the reference day whose weekdays match the weekday row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    first = D(2026, 9, 20)  # a Sunday
    for k in range(19):
        d = first + dt.timedelta(days=k)
        ws.cell(1, 3 + k, float(d.day))
        ws.cell(2, 3 + k, "一二三四五六日"[d.weekday()])
    ws["A3"], ws["B3"], ws["B4"] = "view", "畫面設計", "方塊旋轉"
    ws["A5"], ws["B5"], ws["B6"] = "control", "鍵盤控制", "計分規則"
    ws.merge_cells("A3:A4")
    ws.merge_cells("A5:A6")
    _paint(ws, 3, 3, 5)
    _paint(ws, 4, 14, 21)
    _paint(ws, 5, 6, 9)
    _paint(ws, 6, 10, 12)
    wb.save(tmp_path / "weekdays.xlsx")
    _, by = _tasks(tmp_path / "weekdays.xlsx")
    assert (by["畫面設計"].start, by["畫面設計"].explicit_due) == (D(2026, 9, 20), D(2026, 9, 22))
    assert (by["方塊旋轉"].start, by["方塊旋轉"].explicit_due) == (D(2026, 10, 1), D(2026, 10, 8))


def test_a_plan_row_and_an_actual_row_per_task(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["任务", "类型"] + [D(2026, 10, 1) + dt.timedelta(days=k) for k in range(20)])
    rows = [("海报设计", "计划", 1, 4), (None, "实际", 1, 6), ("H5 开发", "计划", 5, 12), (None, "实际", 6, 15),
            ("抽奖上线", "计划", 16, 20), (None, "实际", None, None)]
    for i, (name, kind, a, b) in enumerate(rows):
        ws.append([name, kind])
        if a:
            _paint(ws, i + 2, 2 + a, 2 + b, GREEN if kind == "计划" else ORANGE)
    wb.save(tmp_path / "pairs.xlsx")
    report, by = _tasks(tmp_path / "pairs.xlsx")
    assert [t.task for t in report.tasks] == ["海报设计", "H5 开发", "抽奖上线"]
    poster, h5, draw = by["海报设计"], by["H5 开发"], by["抽奖上线"]
    assert (poster.start, poster.explicit_due, poster.actual_start, poster.actual_end) == (
        D(2026, 10, 1), D(2026, 10, 4), D(2026, 10, 1), D(2026, 10, 6))
    assert poster.status == "done" and poster.done_date == D(2026, 10, 6)  # the actual bar ended before today
    assert (h5.actual_start, h5.actual_end) == (D(2026, 10, 6), D(2026, 10, 15))
    assert h5.status == "in-progress" and h5.health != "late" or h5.health == "late"  # under way, past its plan
    assert draw.actual_start is None and (draw.start, draw.explicit_due) == (D(2026, 10, 16), D(2026, 10, 20))
    assert not any(f.row in (3, 5, 7) for f in report.findings)  # the actual rows are not tasks


def test_two_colours_named_in_a_legend(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["D1"], ws["E1"] = None, "计划"
    ws["D1"].fill = GREEN
    ws["G1"], ws["H1"] = None, "实际"
    ws["G1"].fill = ORANGE
    ws.append([])
    ws.append(["任务", "负责人"] + [D(2026, 10, 1) + dt.timedelta(days=k) for k in range(20)])
    ws.append(["海报设计", "张三"])
    _paint(ws, 4, 3, 8, GREEN)  # plan 10-01..10-06
    _paint(ws, 4, 4, 6, ORANGE)  # actual 10-02..10-04, drawn over the plan
    ws.append(["H5 开发", "李四"])
    _paint(ws, 5, 10, 14, GREEN)
    wb.save(tmp_path / "legend.xlsx")
    _, by = _tasks(tmp_path / "legend.xlsx")
    poster = by["海报设计"]
    assert (poster.start, poster.explicit_due) == (D(2026, 10, 1), D(2026, 10, 6))
    assert (poster.actual_start, poster.actual_end) == (D(2026, 10, 2), D(2026, 10, 4))
    assert (by["H5 开发"].start, by["H5 开发"].explicit_due, by["H5 开发"].actual_end) == (
        D(2026, 10, 8), D(2026, 10, 12), None)


def test_explicit_start_and_end_columns_win_and_no_disagreement_is_invented(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["任务", "负责人", "开始日期", "截止日期", "状态"] + [D(2026, 10, 1) + dt.timedelta(days=k) for k in range(15)])
    ws.append(["海报设计", "张三", D(2026, 10, 2), D(2026, 10, 5), "进行中"])
    _paint(ws, 2, 6, 12)  # the bar says 10-01..10-07
    ws.append(["H5 开发", "李四", None, None, "未开始"])
    _paint(ws, 3, 13, 16)  # 10-08..10-11
    wb.save(tmp_path / "explicit.xlsx")
    report, by = _tasks(tmp_path / "explicit.xlsx", today=D(2026, 10, 1))
    assert (by["海报设计"].start, by["海报设计"].explicit_due) == (D(2026, 10, 2), D(2026, 10, 5))
    assert (by["H5 开发"].start, by["H5 开发"].explicit_due) == (D(2026, 10, 8), D(2026, 10, 11))
    assert {f.code for f in report.findings} <= {"due-soon"}  # the bar beside 10-02..10-05 is no finding


def test_weekend_shading_and_a_banded_row_are_not_bars(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["任务", "负责人"] + [D(2026, 10, 5) + dt.timedelta(days=k) for k in range(14)])
    for i, (name, a, b) in enumerate([("方案", 1, 3), ("设计", 3, 5), ("开发", 8, 12), ("测试", 11, 12)]):
        r = i + 2
        ws.append([name, "张三"])
        for c in range(3, 17):
            day = D(2026, 10, 5) + dt.timedelta(days=c - 3)
            if day.weekday() >= 5:
                ws.cell(r, c).fill = GREY
        if i == 2:  # a banded row: the label cells and the whole grid in one light colour, the bar over it
            for c in range(1, 17):
                ws.cell(r, c).fill = BAND
        _paint(ws, r, 2 + a, 2 + b)
    wb.save(tmp_path / "shaded.xlsx")
    _, by = _tasks(tmp_path / "shaded.xlsx")
    assert (by["方案"].start, by["方案"].explicit_due) == (D(2026, 10, 5), D(2026, 10, 7))
    assert (by["开发"].start, by["开发"].explicit_due) == (D(2026, 10, 12), D(2026, 10, 16))


def test_a_transposed_sheet_is_refused_with_that_reason(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "计划"
    ws.append(["任务", "海报设计", "H5 开发", "抽奖上线", "门店培训"])
    ws.append(["负责人", "张三", "李四", "王五", "赵六"])
    ws.append(["开始日期"] + [D(2026, 10, 1) + dt.timedelta(days=3 * k) for k in range(4)])
    ws.append(["截止日期"] + [D(2026, 10, 4) + dt.timedelta(days=3 * k) for k in range(4)])
    ws.append(["状态", "进行中", "未开始", "未开始", "已完成"])
    wb.save(tmp_path / "transposed.xlsx")
    with pytest.raises(SheetsyncError) as err:
        api.validate(tmp_path / "transposed.xlsx", today=TODAY)
    assert err.value.code == "not-row-per-task" and err.value.kind == "transposed"
    assert "transposed" in err.value.en and "转置" in err.value.zh and "计划" in err.value.en


def test_an_ordinary_banded_tracker_reads_no_fills_and_is_unchanged(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["任务", "负责人", "截止日期", "状态"])
    for i in range(8):
        ws.append([f"任务{i}", "张三", D(2026, 10, 1 + i), "进行中"])
        for c in range(1, 5):
            ws.cell(i + 2, c).fill = BAND if i % 2 else GREY
    for c in range(1, 5):
        ws.cell(1, c).fill = GREEN
    wb.save(tmp_path / "banded.xlsx")
    book = read_xlsx(tmp_path / "banded.xlsx")
    assert book.fills == {}  # no row of dates: styles are not even parsed
    report = analyse(book, TODAY)
    book.fills = None
    again = analyse(book, TODAY)
    assert [(t.task, t.start, t.explicit_due, t.status) for t in report.tasks] == [
        (t.task, t.start, t.explicit_due, t.status) for t in again.tasks]
    assert [t.explicit_due for t in report.tasks] == [D(2026, 10, 1 + i) for i in range(8)]


def test_a_colour_chart_without_its_colours_is_refused_in_one_line(tmp_path):
    """A Google sheet or CSV: no fills are read, so a chart drawn only in colours cannot give dates."""
    book = read_xlsx(_day_chart(tmp_path / "days.xlsx"))
    book.fills = None
    with pytest.raises(SheetsyncError) as err:
        analyse(book, TODAY)
    assert err.value.code == "gantt-colours" and ".xlsx" in err.value.en and "\n" not in err.value.en
    assert "甘特图" in err.value.zh


def test_marks_typed_in_the_grid_are_bars_without_any_colour(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["任务", "负责人"] + [D(2026, 10, 1) + dt.timedelta(days=k) for k in range(10)])
    ws.append(["海报设计", "张三", None, "x", "x", "x"])
    ws.append(["H5 开发", "李四", None, None, None, None, "■", "■"])
    wb.save(tmp_path / "marks.xlsx")
    book = read_xlsx(tmp_path / "marks.xlsx")
    book.fills = None  # as a Google sheet reads: values only
    report = analyse(book, TODAY)
    by = {t.task: t for t in report.tasks}
    assert (by["海报设计"].start, by["海报设计"].explicit_due) == (D(2026, 10, 2), D(2026, 10, 4))
    assert (by["H5 开发"].start, by["H5 开发"].explicit_due) == (D(2026, 10, 5), D(2026, 10, 6))


def _cells(path, sheet_part="xl/worksheets/sheet1.xml"):
    import re
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(sheet_part).decode()
    return set(re.findall(r'<c r="([A-Z]+\d+)"', xml)), xml


def test_sync_writes_right_of_the_grid_and_a_second_sync_writes_nothing(tmp_path):
    path = tmp_path / "sync.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "甘特图"
    # months merged over sub-columns: the last sub-columns hold no value in any row
    ws.append(["任务", "负责人"])
    for k in range(3):
        c = 3 + 3 * k
        ws.cell(1, c, f"{10 + k}月")
        ws.merge_cells(start_row=1, start_column=c, end_row=1, end_column=c + 2)
    ws.append(["海报设计", "张三"])
    _paint(ws, 2, 3, 4)
    ws.append(["H5 开发", "李四"])
    _paint(ws, 3, 5, 11)
    wb.save(path)
    before, _ = _cells(path)
    first = api.sync(path, today=TODAY, record=False)
    assert first.changed
    written = {c["cell"].split("!")[1] for c in first.written()}
    cols = {"".join(ch for ch in w if ch.isalpha()) for w in written}
    assert cols and all(c >= "L" and len(c) == 1 for c in cols), written  # the grid is C:K
    assert first.report.tasks[1].explicit_due == D(2026, 12, 31)
    after, xml = _cells(path)
    assert {c for c in after - before if "C" <= "".join(ch for ch in c if ch.isalpha()) <= "K"} == set()
    # the row colours sync owns stop at the grid: a conditional fill there would hide the bars
    import re
    areas = [a for sq in re.findall(r'<conditionalFormatting[^>]*sqref="([^"]+)"', xml) for a in sq.split()]
    assert areas and all(not (a.split(":")[0][0] <= "K" and a.split(":")[-1][0] >= "C") for a in areas), areas
    second = api.sync(path, today=TODAY, record=False)
    assert not second.changed and second.written() == []
    _, by = _tasks(path)
    assert by["海报设计"].explicit_due == D(2026, 10, 20)


def test_digest_lists_the_chart_tasks_with_their_dates(tmp_path):
    path = _day_chart(tmp_path / "digest.xlsx")
    batch, result = api.digest(path, today=TODAY, outbox=tmp_path / "out", state=tmp_path / "state.db",
                               overrides={"recipients": ["team@example.com"]})
    team = [m for m in batch.messages if m.kind == "team"]
    assert len(team) == 1 and [o.status for o in result.outcomes] == ["written"]
    # late by their bars' last day (10-04 and 10-12), the third still ahead
    assert "海报设计" in team[0].text and "H5 开发" in team[0].text and "10-04" in team[0].text


@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                    reason="LibreOffice is not installed")
def test_fills_as_libreoffice_saves_them(tmp_path):
    src = _day_chart(tmp_path / "src.xlsx", fill=BLUE_THEME)
    out = tmp_path / "lo"
    out.mkdir()
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run([exe, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "xlsx",
                    "--outdir", str(out), str(src)], check=True, capture_output=True, timeout=180)
    report, by = _tasks(out / "src.xlsx")
    assert (by["H5 开发"].start, by["H5 开发"].explicit_due) == (D(2026, 10, 3), D(2026, 10, 12))


def test_status_colours_named_in_a_legend_below_the_chart(tmp_path):
    """Dates each merged over two columns; each task's cells coloured by where it stood, a legend below."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "时间/功能"
    for k in range(7):
        c = 2 + 2 * k
        ws.cell(1, c, D(2026, 10, 5) + dt.timedelta(days=k)).number_format = "yyyy年m月d日"
        ws.merge_cells(start_row=1, start_column=c, end_row=1, end_column=c + 1)
    for i, name in enumerate(["登录页", "预约接口", "小程序首页", "埋点"]):
        ws.cell(2 + i, 1, name)
    _paint(ws, 2, 2, 5, GREEN)  # 10-05..10-06, done
    _paint(ws, 3, 4, 7, GREEN)
    _paint(ws, 3, 8, 11, ORANGE)  # 10-06..10-09, now in progress
    _paint(ws, 4, 12, 15, ORANGE)  # 10-10..10-11
    ws.cell(9, 2).fill = GREEN
    ws.cell(9, 3, "已经完成")
    ws.cell(10, 2).fill = ORANGE
    ws.cell(10, 3, "正在进行中")
    wb.save(tmp_path / "status.xlsx")
    report, by = _tasks(tmp_path / "status.xlsx")
    assert [t.task for t in report.tasks] == ["登录页", "预约接口", "小程序首页", "埋点"]
    assert (by["登录页"].start, by["登录页"].explicit_due, by["登录页"].status) == (
        D(2026, 10, 5), D(2026, 10, 6), "done")
    assert (by["预约接口"].start, by["预约接口"].explicit_due, by["预约接口"].status) == (
        D(2026, 10, 6), D(2026, 10, 9), "in-progress")
    assert by["埋点"].status is None and by["埋点"].explicit_due is None
    assert by["登录页"].health == "done" and not any(f.row == 2 and f.code == "late" for f in report.findings)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_drawn_bar_reads_back_as_its_days(tmp_path, data):
    """Whatever the bars, their colours and the weekend shading: each task's start and end are the days of its
    first and last filled cell, and a task with nothing drawn has no dates."""
    n = data.draw(st.integers(2, 7))
    days = 21
    spans = data.draw(st.lists(st.one_of(st.none(), st.tuples(st.integers(0, days - 1), st.integers(0, days - 1))
                                         .map(sorted)), min_size=n, max_size=n))
    colours = data.draw(st.lists(st.sampled_from([GREEN, ORANGE, BLUE_THEME]), min_size=n, max_size=n))
    weekends = data.draw(st.booleans())
    # weekend shading shows as such on a row with no bar yet (bars drawn over every weekend but one could be
    # a grey bar); the same bar in the same colour on every row, on weekend days only, reads as shading: no
    # chart draws that, and nothing could tell them apart
    assume(not weekends or None in spans)
    assume(not (None not in spans and len(set(map(tuple, spans))) == 1 and len(set(map(id, colours))) == 1
                and all((D(2026, 11, 2) + dt.timedelta(days=k)).weekday() >= 5
                        for k in range(spans[0][0], spans[0][1] + 1))))
    first_day = D(2026, 11, 2)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["任务", "负责人"] + [first_day + dt.timedelta(days=k) for k in range(days)])
    for i in range(n):
        ws.append([f"任务{i + 1}", "张三"])
        if weekends:
            for k in range(days):
                if (first_day + dt.timedelta(days=k)).weekday() >= 5:
                    ws.cell(i + 2, 3 + k).fill = GREY
        if spans[i]:
            _paint(ws, i + 2, 3 + spans[i][0], 3 + spans[i][1], colours[i])
    path = tmp_path / f"prop-{abs(hash((tuple(map(str, spans)), weekends)))}.xlsx"
    wb.save(path)
    report = analyse(read_xlsx(path), TODAY)
    assert [t.task for t in report.tasks] == [f"任务{i + 1}" for i in range(n)]
    for t, span in zip(report.tasks, spans):
        want = (first_day + dt.timedelta(days=span[0]), first_day + dt.timedelta(days=span[1])) if span else (None, None)
        assert (t.start, t.explicit_due) == want, (spans, weekends)


def test_a_task_merged_over_its_plan_and_actual_rows_under_merged_months(tmp_path):
    """One row of months each merged over three sub-columns, the year above, each task merged down over an
    expected row and an actual row; the legend names the two bars in words only."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["AA1"], ws["AG1"], ws["B2"] = "預期進度", "實際進度", 2026
    ws["A3"] = "任務描述"
    for k in range(12):
        c = 2 + 3 * k
        ws.cell(3, c, "一二三四五六七八九十"[k] + "月" if k < 10 else ["十一月", "十二月"][k - 10])
        ws.merge_cells(start_row=3, start_column=c, end_row=3, end_column=c + 2)
    for i, (name, plan, actual) in enumerate([("需求訪談", (2, 4), (2, 5)), ("系統開發", (8, 16), (9, 14)),
                                              ("上線測試", (29, 31), None)]):
        r = 4 + 2 * i
        ws.cell(r, 1, name)
        ws.merge_cells(start_row=r, start_column=1, end_row=r + 1, end_column=1)
        _paint(ws, r, *plan, fill=GREEN)
        if actual:
            _paint(ws, r + 1, *actual, fill=ORANGE)
    wb.save(tmp_path / "merged-pairs.xlsx")
    report, by = _tasks(tmp_path / "merged-pairs.xlsx")
    assert [t.task for t in report.tasks] == ["需求訪談", "系統開發", "上線測試"]
    assert (by["需求訪談"].start, by["需求訪談"].explicit_due) == (D(2026, 1, 1), D(2026, 1, 31))
    assert (by["需求訪談"].actual_start, by["需求訪談"].actual_end) == (D(2026, 1, 1), D(2026, 2, 9))
    assert by["需求訪談"].status == "done" and by["需求訪談"].health == "done"
    assert (by["系統開發"].start, by["系統開發"].explicit_due) == (D(2026, 3, 1), D(2026, 5, 31))
    assert by["上線測試"].actual_start is None and by["上線測試"].explicit_due == D(2026, 10, 31)


def test_day_numbers_with_no_month_anywhere_give_no_dates(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["任务", "负责人"] + list(range(1, 15)))
    for i in range(3):
        ws.append([f"任务{i}", "张三"])
        _paint(ws, i + 2, 3 + i, 5 + i)
    wb.save(tmp_path / "bare-days.xlsx")
    report, _ = _tasks(tmp_path / "bare-days.xlsx")
    assert len(report.tasks) == 3 and all(t.start is None and t.explicit_due is None for t in report.tasks)
    assert any(f.code == "no-deadline-column" for f in report.findings)  # said once, not guessed


def test_a_google_copy_of_a_colour_chart_says_why_in_one_line(tmp_path, emu):  # noqa: F811
    """Google Sheets: sheetsync reads values only, so a chart drawn in colours alone is refused in one line."""
    key = load_xlsx(emu, _day_chart(tmp_path / "days.xlsx"))
    with pytest.raises(SheetsyncError) as err:
        api.validate(f"gsheet:{key}", today=TODAY)
    assert err.value.code == "gantt-colours" and "\n" not in err.value.en and ".xlsx" in err.value.en


def test_a_data_row_of_dates_is_no_chart_header_and_no_styles_are_read(tmp_path):
    """Requested, start, due and done dates side by side in every row: not a row of dates a chart is drawn under."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["任务", "负责人", "提出日期", "开始日期", "截止日期", "完成日期"])
    for i in range(6):
        ws.append([f"任务{i}", "张三", D(2026, 9, 1 + i), D(2026, 9, 5 + i), D(2026, 9, 20 + i), D(2026, 9, 22 + i)])
        ws.cell(i + 2, 1).fill = GREEN
    wb.save(tmp_path / "dates.xlsx")
    book = read_xlsx(tmp_path / "dates.xlsx")
    assert book.fills == {}
    report = analyse(book, TODAY)
    assert [t.explicit_due for t in report.tasks] == [D(2026, 9, 20 + i) for i in range(6)]


def test_a_data_table_without_a_header_is_no_gantt_chart(tmp_path):
    """Numbers, a size, a date and a ratio side by side in the first row are data, not a time line: no task is
    read off such a sheet as if a chart stood beside it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    for i, colour in enumerate(["blue", "blue", "yellow", "yellow", "yellow", "blue"], start=1):
        ws.append([i, chr(96 + i), colour, 10.0 * i, 1.78 + i / 7, dt.date(2024, 1, i * 3), 5.6 / i, i % 2 == 0])
    path = tmp_path / "data.xlsx"
    wb.save(path)
    try:
        report = api.validate(path, today="2026-09-10")
    except SheetsyncError:
        return  # not a tracker: refused, which is right
    assert report.table.grid is None
    assert not {t.task for t in report.tasks} & {"blue", "yellow"}
