"""What sheetsync understood of a tracker, told to a person: the one-line reading that heads `validate` and
`sync`, and `inspect`'s full account (each header cell, the other tables seen, what a missing column costs,
and the lines to paste to correct the reading), as text in the sheet's language and as JSON."""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass


from .engine.field_costs import cost
from .engine.mapping import row_ranges
from .engine.row_kinds import KINDS
from .engine.schema import BY_FIELD, MANAGED, MAPPING_ROWS
from .model import ColumnRead, Report, SheetsyncError, TableSeen, Understanding, WorkbookData, col_letter

IGNORED_SHOWN = 8  # the summary line names this many ignored headers, then "… N more"
HEADER_SHOWN = 24  # characters of an ignored header in the summary line (inspect shows it whole)
OWN_FIELDS = frozenset(c.field for c in MANAGED)  # the columns sync writes: not a person's, never mapped
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
KIND_NAMES = {"en": {"xlsx": "Excel workbook", "xls": "Excel 97-2003 workbook (.xls)", "csv": "CSV file",
                     "gsheet": "Google Sheets spreadsheet", "feishu": "Feishu spreadsheet"},
              "zh": {"xlsx": "Excel 工作簿", "xls": "Excel 97-2003 工作簿(.xls)", "csv": "CSV 文件",
                     "gsheet": "Google 表格", "feishu": "飞书电子表格"}}
# The kinds of rows under the header that are not tasks (engine/row_kinds.KINDS), as inspect names them.
ROW_KINDS = {
    "en": {"total": "totals", "group": "groups (phase, section, parent)", "blank": "blank slots",
           "checkbox": "unticked boxes only", "legend": "legend (allowed values)", "helper": "helper values",
           "note": "notes", "header": "repeated header", "continuation": "text continuing the task above",
           "detail": "details of a task merged over them", "actual": "actual dates of the task above",
           "skipped": "rows skipped by the correction (skip_rows)"},
    "zh": {"total": "合计行", "group": "分组(阶段、分节、父任务)", "blank": "空白占位行", "checkbox": "只有未勾选的复选框",
           "legend": "图例(可选值)", "helper": "辅助数值", "note": "说明", "header": "重复的表头",
           "continuation": "上一任务的续行", "detail": "合并单元格任务的明细行", "actual": "上一任务的实际日期",
           "skipped": "按更正跳过的行(跳过行)"},
}
TABLE_KINDS = {"en": {"excel-table": "Excel table", "block": "block"}, "zh": {"excel-table": "Excel 表格", "block": "区块"}}
DELIMITER_NAMES = {"en": {",": "comma", "\t": "tab", ";": "semicolon", "|": "vertical bar"},
                   "zh": {",": "逗号", "\t": "制表符", ";": "分号", "|": "竖线"}}
TEXT = {
    "en": {
        "read": "Read {range} ({rows}): {fields}", "ignored": " · ignored: {items}", "more": "… {n} more",
        "file": "{source}: {kind}; sheets: {sheets}", "csv": "{source}: {kind}, {encoding}, {delimiter}-separated",
        "table": "Task table: {range}, {rows}", "columns": "Columns:", "ignored_word": "ignored",
        "others": "Other tables seen:", "seen": "Tables seen:", "none": "  (none)", "missing": "Not found, and what that costs:",
        "all_found": "  (every column sheetsync checks was found)",
        "toml": "To correct the reading, paste into this tracker's section of sheetsync.toml and edit one value:",
        "rows": "or add these rows to the Campaign sheet (column A | column B):",
        "candidate": "  {sheet} header row {row}, columns {cols}, score {score}{name}{note}",
        "not_tasks": "Rows not read as tasks:", "kind_rows": "  {kind}: {rows}",
        "empty": "  {header} ({column}) is empty in every task row: not checked row by row",
    },
    "zh": {
        "read": "读取 {range}({rows}):{fields}", "ignored": ";忽略:{items}", "more": "…另 {n} 个",
        "file": "{source}:{kind};工作表:{sheets}", "csv": "{source}:{kind},{encoding},{delimiter}分隔",
        "table": "任务表:{range},{rows}", "columns": "各列:", "ignored_word": "忽略",
        "others": "看到的其他表格:", "seen": "看到的表格:", "none": "  (无)", "missing": "未找到的列及其影响:",
        "all_found": "  (sheetsync 检查所需的列都已找到)",
        "toml": "如需更正,把下面几行粘贴到 sheetsync.toml 中该跟踪表的部分,改掉要改的那个值:",
        "rows": "或在活动信息表中添加以下几行(A 列 | B 列):",
        "candidate": "  {sheet} 表头第 {row} 行,{cols} 列,得分 {score}{name}{note}",
        "not_tasks": "未作为任务读取的行:", "kind_rows": "  {kind}:第 {rows} 行",
        "empty": "  {header}({column})在所有任务行都为空:不逐行检查",
    },
}


def field_label(field: str, lang: str) -> str:
    """How a field is named to a person: its canonical Chinese header, or its key (as in sheetsync.toml)."""
    col = BY_FIELD.get(field)
    return col.zh[0] if lang == "zh" and col else field


def read_fields(u: Understanding) -> list[ColumnRead]:
    """The person's columns read as a field (sync's own Due/Health/Flags columns left out)."""
    return [c for c in u.fields() if c.field not in OWN_FIELDS]


def guess_language(workbook: WorkbookData) -> str:
    """The language of a workbook whose task table was not found: Chinese if its first rows are."""
    for sheet in workbook.sheets:
        if _CJK.search(sheet.name):
            return "zh"
        for row in sheet.rows[:20]:
            if any(isinstance(v, str) and _CJK.search(v) for v in row):
                return "zh"
    return "en"


# ---- the reading ---------------------------------------------------------------------------------------------

def _chosen(u: Understanding) -> TableSeen | None:
    for cand in u.candidates:
        if cand.sheet == u.sheet and cand.header_row == u.header_row:
            return cand
    return None


def table_range(u: Understanding, last_row: int | None) -> str:
    """'任务!A2:H40': the header's top row to the last row, the table's first to last column."""
    cand = _chosen(u)
    cols = [c.column for c in u.columns] + ([cand.first_col, cand.last_col] if cand else [])
    first, last = min(cols, default=0), max(cols, default=0)
    top = (u.header_row or 1) - max(u.header_rows, 1) + 1
    bottom = max(last_row or 0, u.header_row or 1)
    return f"{u.sheet}!{col_letter(first)}{top}:{col_letter(last)}{bottom}"


def _rows_text(u: Understanding, lang: str) -> str:
    """'header row 3' / 'header rows 2-3' (a header over several rows), in `lang`."""
    span = f"{u.header_row - u.header_rows + 1}-{u.header_row}" if u.header_rows > 1 else str(u.header_row)
    if lang == "zh":
        return f"表头第 {span} 行"
    return f"header rows {span}" if u.header_rows > 1 else f"header row {span}"


def _one_line(header: str) -> str:
    return " ".join(header.split())  # a header typed over several lines in its cell is shown on one


def _short(header: str) -> str:
    header = _one_line(header)
    return header if len(header) <= HEADER_SHOWN else header[:HEADER_SHOWN - 1].rstrip() + "…"


def read_line(report: Report) -> str:
    """One line: which rectangle was read as the task table and which column holds which field."""
    u, lang = report.understanding, report.language
    if not u.sheet or not u.header_row:
        return ""
    tx = TEXT[lang]
    fields = " ".join(f"{field_label(c.field, lang)}={col_letter(c.column)}" for c in read_fields(u))
    line = tx["read"].format(range=table_range(u, report.last_row), rows=_rows_text(u, lang), fields=fields)
    ignored = u.ignored()
    if ignored:
        shown = [f"{_short(c.header)}({col_letter(c.column)})" if lang == "zh" else
                 f"{_short(c.header)} ({col_letter(c.column)})" for c in ignored[:IGNORED_SHOWN]]
        if len(ignored) > IGNORED_SHOWN:
            shown.append(tx["more"].format(n=len(ignored) - IGNORED_SHOWN))
        line += tx["ignored"].format(items=("、" if lang == "zh" else ", ").join(shown))
    return line


# ---- the lines to paste ---------------------------------------------------------------------------------------

def _references(u: Understanding) -> dict[int, str]:
    """How a mapping names each column: its header as written, or its letter when the header is empty or
    shared with another column (a header names one column only)."""
    uses = Counter(c.header.strip() for c in u.columns)
    return {c.column: c.header if c.header.strip() and uses[c.header.strip()] == 1 else col_letter(c.column)
            for c in u.columns}


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # JSON's escapes are valid in a TOML basic string


def paste_toml(u: Understanding, one_sheet: bool = False) -> list[str]:
    """sheetsync.toml lines with the current reading filled in (no `sheet` for a CSV: it has one)."""
    refs = _references(u)
    columns = ", ".join(f"{c.field} = {_toml_string(refs[c.column])}" for c in read_fields(u))
    lines = [] if one_sheet else [f"sheet = {_toml_string(u.sheet or '')}"]
    return lines + [f"header_row = {u.header_row}", f"columns = {{ {columns} }}"] + _corrections_toml(u)


def _corrections_toml(u: Understanding) -> list[str]:
    """The columns switched off and rows skipped that this reading used, kept in the lines to paste."""
    m = u.mapping
    out = [f"ignore = [{', '.join(_toml_string(n) for n in m.ignore)}]"] if m and m.ignore else []
    rows = ", ".join(r if r.isdigit() else _toml_string(r) for r in row_ranges(m.skip_rows)) if m else ""
    return out + ([f"skip_rows = [{rows}]"] if rows else [])


def paste_rows(u: Understanding, lang: str) -> list[tuple[str, str]]:
    """Campaign sheet rows (column A, column B) with the current reading filled in."""
    keys = MAPPING_ROWS[lang]
    colon = ":" if lang == "zh" else ": "
    rows = [(keys["sheet"], u.sheet or ""), (keys["header_row"], str(u.header_row))]
    refs = _references(u)
    rows += [(f"{keys['column']}{colon}{field_label(c.field, lang)}", refs[c.column]) for c in read_fields(u)]
    m = u.mapping
    if m and m.ignore:
        rows.append((keys["ignore"], ", ".join(m.ignore)))
    if m and m.skip_rows:
        rows.append((keys["skip_rows"], ", ".join(row_ranges(m.skip_rows))))
    return rows


def unknown_statuses(report: Report | None) -> list[str]:
    """The status words the reading did not know, in sheet order (each once)."""
    if report is None:
        return []
    return list(dict.fromkeys(str(f.params.get("value")) for f in report.findings
                              if f.code == "bad-status" and f.params.get("value")))


def paste_statuses(words: list[str], lang: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The sheetsync.toml line and the Campaign sheet rows that say what each unknown status word means,
    with '?' for the person to replace by a status."""
    if not words:
        return [], []
    pairs = ", ".join(f"{_toml_string(w)} = \"?\"" for w in words)
    colon = ":" if lang == "zh" else ": "
    return [f"statuses = {{ {pairs} }}"], [(f"{MAPPING_ROWS[lang]['status']}{colon}{w}", "?") for w in words]


# ---- inspect ---------------------------------------------------------------------------------------------------

@dataclass
class Inspection:
    """What `inspect` found: the file, its sheets, and the engine's reading (or why there is none)."""
    workbook: WorkbookData
    language: str
    report: Report | None = None
    error: SheetsyncError | None = None  # no task table / not a row-per-task tracker

    @property
    def understanding(self) -> Understanding | None:
        if self.report is not None:
            return self.report.understanding
        return getattr(self.error, "understanding", None)  # the engine may say what it saw

    @property
    def exit_code(self) -> int:
        return 0 if self.report is not None else 2

    def to_dict(self) -> dict:
        return inspection_dict(self)


def cell_len(text: str) -> int:
    """Columns the text takes in a terminal (a Chinese character two); rich is loaded for `inspect`'s table only."""
    from rich.cells import cell_len as columns
    return columns(text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - cell_len(text), 0)


def _read_as(c: ColumnRead, lang: str) -> str:
    if not c.field:
        return TEXT[lang]["ignored_word"]
    return f"-> {field_label(c.field, lang)}" + (" (sheetsync)" if c.field in OWN_FIELDS else "")


def _candidate_line(c: TableSeen, lang: str) -> str:
    tx = TEXT[lang]
    kind = TABLE_KINDS[lang].get(c.kind, c.kind)
    name = f" ({kind} {c.name})" if c.name else (f" ({kind})" if c.kind != "range" else "")
    return tx["candidate"].format(sheet=c.sheet, row=c.header_row, cols=f"{col_letter(c.first_col)}:{col_letter(c.last_col)}",
                                  score=f"{c.score:g}", name=name, note=(": " if lang == "en" else ":") + c.note if c.note else "")


def _file_line(ins: Inspection, lang: str) -> str:
    wb, tx = ins.workbook, TEXT[lang]
    kind = KIND_NAMES[lang].get(wb.kind, wb.kind)
    if wb.text_format:
        encoding, delimiter = wb.text_format
        return tx["csv"].format(source=wb.source, kind=kind, encoding=encoding,
                                delimiter=DELIMITER_NAMES[lang].get(delimiter, repr(delimiter)))
    return tx["file"].format(source=wb.source, kind=kind, sheets=("、" if lang == "zh" else ", ").join(s.name for s in wb.sheets))


def inspect_lines(ins: Inspection) -> list[str]:
    lang = ins.language
    tx = TEXT[lang]
    lines = [_file_line(ins, lang)]
    u = ins.understanding
    if ins.report is not None and u.sheet and u.header_row:
        lines.append(tx["table"].format(range=table_range(u, ins.report.last_row if ins.report else None),
                                        rows=_rows_text(u, lang)))
        lines.append(tx["columns"])
        shown = [(col_letter(c.column), f"{u.sheet}!{col_letter(c.column)}{u.header_row}", _one_line(c.header),
                  _read_as(c, lang), c.why) for c in u.columns]
        widths = [max((cell_len(row[i]) for row in shown), default=0) for i in range(4)]
        for row in shown:
            lines.append(("  " + "  ".join(_pad(v, w) for v, w in zip(row[:4], widths)) + "  " + row[4]).rstrip())
    if ins.report is not None and u.sheet and u.header_row:
        lines += _empty_lines(u, lang) + _row_kind_lines(u, lang)
    if u is not None:  # without a task table, every candidate is one it saw and did not take
        others = [c for c in u.candidates
                  if ins.report is None or not (c.sheet == u.sheet and c.header_row == u.header_row)]
        lines.append(tx["others"] if ins.report is not None else tx["seen"])
        lines += [_candidate_line(c, lang) for c in others] or [tx["none"]]
    if ins.report is None:
        return lines
    lines.append(tx["missing"])
    lines += [f"  {cost(f, lang)}" for f in u.missing] or [tx["all_found"]]
    csv_file = ins.workbook.kind == "csv"
    status_toml, status_rows = paste_statuses(unknown_statuses(ins.report), lang)
    lines.append(tx["toml"])
    lines += [f"  {line}" for line in paste_toml(u, one_sheet=csv_file) + status_toml]
    if not csv_file:  # a CSV file has no Campaign sheet to hold the rows
        lines.append(tx["rows"])
        lines += [f"  {a} | {b}" for a, b in paste_rows(u, lang) + status_rows]
    return lines


def _row_spans(rows: list[int]) -> str:
    """[5, 6, 7, 12] -> '5-7, 12'."""
    spans: list[list[int]] = []
    for r in rows:
        if spans and r == spans[-1][1] + 1:
            spans[-1][1] = r
        else:
            spans.append([r, r])
    return ", ".join(f"{a}-{b}" if b > a else str(a) for a, b in spans)


def _row_kind_lines(u: Understanding, lang: str) -> list[str]:
    """The rows not read as tasks, one line per kind, and one line per column nobody filled."""
    tx = TEXT[lang]
    lines = [tx["kind_rows"].format(kind=ROW_KINDS[lang].get(k, k), rows=_row_spans(u.rows[k]))
             for k in KINDS if u.rows.get(k)]
    return [tx["not_tasks"]] + lines if lines else []


def _empty_lines(u: Understanding, lang: str) -> list[str]:
    """One line per column read as a field that no task row fills (it is not checked row by row)."""
    by_col = {c.column: c for c in u.columns}
    return [TEXT[lang]["empty"].format(header=_one_line(by_col[col].header) or field_label(by_col[col].field, lang),
                                       column=col_letter(col))
            for col in u.empty if col in by_col and by_col[col].field and by_col[col].field not in OWN_FIELDS]


def inspection_dict(ins: Inspection) -> dict:
    wb, lang, u = ins.workbook, ins.language, ins.understanding
    data: dict = {
        "source": wb.source, "kind": wb.kind,
        "text_format": {"encoding": wb.text_format[0], "delimiter": wb.text_format[1]} if wb.text_format else None,
        "sheets": [s.name for s in wb.sheets], "language": lang,
        "sheet": None, "header_row": None, "header_rows": None, "range": None,
        "columns": [], "ignored": [], "candidates": [], "missing": [], "rows": {}, "empty_columns": [], "paste": None,
        "error": {"code": ins.error.code, "message": ins.error.message(lang)} if ins.error else None,
    }
    if u is None:
        return data
    data["candidates"] = [{"sheet": c.sheet, "header_row": c.header_row, "first_column": col_letter(c.first_col),
                           "last_column": col_letter(c.last_col), "score": c.score, "fields": list(c.fields),
                           "kind": c.kind, "name": c.name, "note": c.note,
                           "chosen": ins.report is not None and c.sheet == u.sheet and c.header_row == u.header_row}
                          for c in u.candidates]
    if ins.report is None or not u.sheet:
        return data
    status_toml, status_rows = paste_statuses(unknown_statuses(ins.report), lang)
    data.update({
        "sheet": u.sheet, "header_row": u.header_row, "header_rows": u.header_rows,
        "range": table_range(u, ins.report.last_row),
        "columns": [{"field": c.field, "header": c.header, "column": col_letter(c.column),
                     "cell": f"{u.sheet}!{col_letter(c.column)}{u.header_row}", "why": c.why} for c in u.fields()],
        "ignored": [{"header": c.header, "column": col_letter(c.column), "why": c.why} for c in u.ignored()],
        "missing": [{"field": f, "costs": cost(f, lang)} for f in u.missing],
        "rows": {k: list(v) for k, v in u.rows.items()},
        "empty_columns": [col_letter(c) for c in u.empty],
        "paste": {"toml": paste_toml(u, one_sheet=wb.kind == "csv") + status_toml,
                  "campaign_rows": None if wb.kind == "csv" else [list(r) for r in paste_rows(u, lang) + status_rows]},
    })
    return data
