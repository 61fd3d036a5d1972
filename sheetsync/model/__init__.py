"""Plain data that crosses the arrows: a source gives a WorkbookData, the engine gives a Report. Nothing here
does I/O. Each part lives in its own module (cells: A1 addresses; workbook: what a source reads; findings:
findings and errors; report: what the engine gives); `sheetsync.model` names them all."""
from .cells import CellValue, a1, col_index, col_letter, parse_a1, quote_sheet
from .findings import NOT_CONTAINED, SEVERITIES, Finding, SheetsyncError, contained
from .report import (Campaign, ColumnMapping, ColumnRead, MetricAlert, Overrides, Person, Report, TableSeen,
                     TableShape, Task, Understanding)
from .workbook import (CAMPAIGN_SHEETS, HOLIDAY_SHEETS, INVISIBLE, METRIC_SHEETS, PEOPLE_SHEETS, REPORT_TITLE,
                       SIDE_SHEETS, SheetData, WorkbookData, is_metric_sheet, is_side_sheet, normalise_title)

__all__ = ["CellValue", "a1", "col_index", "col_letter", "parse_a1", "quote_sheet", "NOT_CONTAINED", "SEVERITIES",
           "Finding", "SheetsyncError", "contained", "Campaign", "ColumnMapping", "ColumnRead", "MetricAlert",
           "Overrides", "Person", "Report", "TableSeen", "TableShape", "Task", "Understanding", "CAMPAIGN_SHEETS",
           "HOLIDAY_SHEETS", "INVISIBLE", "METRIC_SHEETS", "PEOPLE_SHEETS", "REPORT_TITLE", "SIDE_SHEETS", "SheetData", "WorkbookData",
           "is_metric_sheet", "is_side_sheet", "normalise_title"]
