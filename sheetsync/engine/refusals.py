"""When no task table is found: is the best sheet a calendar grid, or one column per person or department
with the tasks beneath (a layout that is not one row per task)? The refusal names the sheet and the reason."""
from __future__ import annotations

from ..model import ColumnMapping, SheetData, SheetsyncError, TableSeen, WorkbookData, col_letter
from . import catalogue
from .header_cells import HEADER_SCAN_ROWS, MAX_COLUMNS, HeaderBlock, covering, header_block, samples
from .header_scoring import MIN_SUPPORT, fields_down
from .headers import header_words
from .regions import task_sheets
from .transposed import fields_column
from .vocabulary import score_header

_ROLE_ENDS = ("经理", "助理", "主管", "总监", "专员", "工程师", "设计师", "策划", "程序", "美术", "前端", "后端", "后台",
              "测试", "运营", "市场", "产品", "设计", "财务", "人事", "行政", "销售", "客服", "法务", "经理人")
_ROLE_WORDS = frozenset("ui ux qa pm dev design art sound tech marketing sales ops frontend backend".split())


class NotRowPerTask(SheetsyncError):
    """The best table looks like a calendar grid or one column per person or department."""

    def __init__(self, sheet: str, kind: str, en: str, zh: str):
        super().__init__(en, zh, code="not-row-per-task")
        self.sheet, self.kind = sheet, kind



def not_row_per_task(workbook: WorkbookData, seen: list[TableSeen], mapping: ColumnMapping | None) -> NotRowPerTask | None:
    """When no task table was found: is the best sheet a calendar grid or one column per person/group?"""
    for sheet in task_sheets(workbook, mapping):
        n = min(len(sheet.rows), HEADER_SCAN_ROWS)
        width = min(max((len(r) for r in sheet.rows[:n]), default=0), MAX_COLUMNS)
        cover = covering(sheet, 0, n, width)
        # fields down a column, tasks across: said before a date row reads as a grid (the header words of the
        # templates first, then any field words)
        down = next((c for c in range(min(width, 3)) if fields_down(sheet, c, 0, n)), None)
        if down is None:
            down = fields_column(sheet)
        if down is not None:
            return _grid_error(sheet.name, "transposed", col_letter(down))
        for r in range(n):
            block = header_block(sheet, r, r, width, cover)
            if len(block.texts) < 3:
                continue
            if len(block.grid) >= 4 and len(block.grid) * 2 >= len(block.texts) - 3:
                return _grid_error(sheet.name, "grid")
            if _transposed(sheet, block):
                return _grid_error(sheet.name, "people")
    return None


def _transposed(sheet: SheetData, block: HeaderBlock) -> bool:
    texts = list(block.texts.values())
    if len(texts) < 3:
        return False
    roles = 0
    unknown = 0
    for t in texts:
        h = header_words(t)
        w = h.words[-1] if h.words else ""
        if w in _ROLE_WORDS or (not w.isascii() and w.endswith(_ROLE_ENDS)):
            roles += 1
        elif not any(s >= MIN_SUPPORT for s, _ in score_header(h).values()):
            unknown += 1
    body = [v for c in block.texts for v in samples(sheet, block.bottom + 1, c)]
    wordy = sum(1 for v in body if isinstance(v, str)) * 3 >= len(body) * 2 and len(body) >= 3
    return wordy and (roles * 2 >= len(texts) or (roles + unknown) * 3 >= len(texts) * 2 and unknown >= 2)


def transposed_header(sheet: SheetData, header_row: int, width: int) -> bool:
    block = header_block(sheet, header_row, header_row, width, covering(sheet, header_row, header_row, width))
    return _transposed(sheet, block)


def _grid_error(sheet: str, kind: str, column: str = "A") -> NotRowPerTask:
    t = catalogue.CATALOGUE["not-row-per-task"]
    what_en, what_zh = {
        "grid": ("most header cells are dates, days or weeks and no column names the tasks (a calendar grid)",
                 "表头大多是日期、星期或周次,且没有一列写任务(日历网格)"),
        "people": ("its header cells name people, roles or departments with the tasks listed beneath",
                   "表头是人名、角色或部门,任务写在下面"),
        "transposed": (f"its field names run down column {column} with one task per column (a transposed table)",
                       f"字段名沿 {column} 列向下排列、每列一个任务(转置的表格)"),
    }[kind]
    return NotRowPerTask(sheet, kind, t.message("en", sheet=sheet, what=what_en), t.message("zh", sheet=sheet, what_zh=what_zh))

