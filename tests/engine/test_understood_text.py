"""How a reading is told to a person when the engine saw more than one table and a two-row header: built from
the plain Understanding data the engine hands over (no engine run needed to exercise every shape)."""
import datetime as dt
import tomllib

from sheetsync.engine.field_costs import cost
from sheetsync.model import ColumnRead, Report, SheetData, TableSeen, Understanding, WorkbookData
from sheetsync.understood import Inspection, inspect_lines, inspection_dict, read_line


def reading(lang: str) -> Inspection:
    u = Understanding(
        sheet="Plan", header_row=5, header_rows=2,
        columns=[ColumnRead(1, "Work component name", "task", "head word 'name'"),
                 ColumnRead(2, "Work component owner", "owner", "head word 'owner'"),
                 ColumnRead(3, "Planned / Finish", "deadline", "'finish' with 'planned'"),
                 ColumnRead(4, "Actual / Finish", "done_date", "'finish' with 'actual'"),
                 ColumnRead(5, "Attachment", None, "no field"), ColumnRead(6, "Attachment", "link", "head word"),
                 ColumnRead(7, "", "id", "numbers 1..n")],
        candidates=[TableSeen("Plan", 5, 1, 7, 9.5, ["task", "owner", "deadline"]),
                    TableSeen("Plan", 30, 1, 3, 2.0, ["task"], kind="excel-table", name="Legend",
                              note="no owner, deadline or status"),
                    TableSeen("Budget", 1, 0, 4, 1.0, [], note="not a row-per-task layout")],
        missing=["status", "depends_on"])
    report = Report(source="plan.xlsx", today=dt.date(2026, 9, 21), language=lang, sheet="Plan", header_row=5,
                    tasks=[], findings=[], last_row=20, understanding=u)
    wb = WorkbookData("plan.xlsx", [SheetData("Plan", []), SheetData("Budget", [])])
    return Inspection(wb, lang, report=report)


def test_two_row_header_other_tables_and_costs_in_english():
    ins = reading("en")
    lines = inspect_lines(ins)
    assert "Task table: Plan!B4:H20, header rows 4-5" in lines
    assert read_line(ins.report).startswith("Read Plan!B4:H20 (header rows 4-5): task=B owner=C deadline=D done_date=E link=G id=H")
    assert read_line(ins.report).endswith(" · ignored: Attachment (F)")
    others = lines[lines.index("Other tables seen:") + 1:lines.index("Not found, and what that costs:")]
    assert others == ["  Plan header row 30, columns B:D, score 2 (Excel table Legend): no owner, deadline or status",
                      "  Budget header row 1, columns A:E, score 1: not a row-per-task layout"]
    assert "  " + cost("status", "en") in lines and "  " + cost("depends_on", "en") in lines
    pasted = tomllib.loads("\n".join(l.strip() for l in lines[lines.index(next(l for l in lines if l.startswith("To correct"))) + 1:][:3]))
    # the shared header 'Attachment' and the empty header are named by their letters
    assert pasted == {"sheet": "Plan", "header_row": 5, "columns": {
        "task": "Work component name", "owner": "Work component owner", "deadline": "Planned / Finish",
        "done_date": "Actual / Finish", "link": "G", "id": "H"}}
    assert "  column: link | G" in lines and "  header row | 5" in lines


def test_the_same_in_chinese_and_as_json():
    ins = reading("zh")
    lines = inspect_lines(ins)
    assert "任务表:Plan!B4:H20,表头第 4-5 行" in lines and "看到的其他表格:" in lines
    assert "  Plan 表头第 30 行,B:D 列,得分 2 (Excel 表格 Legend):no owner, deadline or status" in lines
    assert read_line(ins.report).startswith("读取 Plan!B4:H20(表头第 4-5 行):任务=B 负责人=C 截止日期=D")
    assert "  列:负责人 | Work component owner" in lines and "  表头行 | 5" in lines
    data = inspection_dict(ins)
    assert (data["header_row"], data["header_rows"], data["range"]) == (5, 2, "Plan!B4:H20")
    assert [c["chosen"] for c in data["candidates"]] == [True, False, False]
    assert data["candidates"][1]["name"] == "Legend" and data["candidates"][1]["first_column"] == "B"
    assert data["missing"] == [{"field": "status", "costs": cost("status", "zh")},
                               {"field": "depends_on", "costs": cost("depends_on", "zh")}]
    assert data["ignored"] == [{"header": "Attachment", "column": "F", "why": "no field"}]
    assert data["columns"][0]["cell"] == "Plan!B5"


def test_without_a_task_table_every_table_seen_is_listed_and_nothing_is_offered_to_paste():
    from sheetsync.model import SheetsyncError
    error = SheetsyncError("Sheet 'Gantt' is a calendar grid, not a row-per-task tracker",
                           "工作表“Gantt”是日历网格,不是每行一个任务的跟踪表", code="not-row-per-task")
    error.understanding = Understanding(candidates=[TableSeen("Gantt", 2, 0, 30, 1.5, ["task"], note="a date grid")])
    wb = WorkbookData("gantt.xlsx", [SheetData("Gantt", [])])
    ins = Inspection(wb, "en", error=error)
    assert inspect_lines(ins) == ["gantt.xlsx: Excel workbook; sheets: Gantt", "Tables seen:",
                                  "  Gantt header row 2, columns A:AE, score 1.5: a date grid"]
    data = inspection_dict(ins)
    assert data["error"] == {"code": "not-row-per-task", "message": error.en} and data["paste"] is None
    assert [c["chosen"] for c in data["candidates"]] == [False] and ins.exit_code == 2
