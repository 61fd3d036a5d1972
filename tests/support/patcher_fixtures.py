"""Shared helpers for the patcher tests: the corpus, a task table to write, and XML comparisons."""
from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from sheetsync.model import a1, parse_a1
from sheetsync.xlsx.patch import (CellWrite, ReportSpec, RuleSpec, WorkbookPatch, mark, owned_rule)

from support.needs import in_ci, missing

CORPUS = Path(os.environ.get("SHEETSYNC_CORPUS") or
              Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "xlsx")
STRICT = "openxmlsdk_OLE-embed.xlsx"
M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
WS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


MISSING = f"corpus not found at {CORPUS} (expected beside the repository: ../shared/corpus/xlsx; set SHEETSYNC_CORPUS)"


def need_corpus() -> None:
    """Skip alone; in CI (CI set) the corpus is part of the run and its absence fails."""
    if not CORPUS.is_dir():
        missing(MISSING)


def corpus_files() -> list[Path]:
    need_corpus()
    files = sorted(p for p in CORPUS.iterdir() if p.suffix in (".xlsx", ".xlsm", ".xltx", ".xltm"))
    assert len(files) >= 20, files
    return files


def corpus_ids() -> list[str]:
    return [p.name for p in sorted(CORPUS.iterdir())] if CORPUS.is_dir() else []


def corpus_params(*, exclude: tuple[str, ...] = ()) -> list:
    """The corpus file names to parametrize over; without the corpus, one case that says what is missing
    (instead of pytest's mute "got empty parameter set")."""
    names = [n for n in corpus_ids() if n not in exclude]
    if names:
        return names
    return [pytest.param(None, marks=pytest.mark.skipif(not in_ci(), reason=MISSING), id="no-corpus")]


def xml(data: bytes):
    return etree.fromstring(data, PARSER)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.namelist()


def first_worksheet(data: bytes) -> tuple[str, str]:
    """(sheet name, part name) of the first worksheet in workbook order (chart sheets skipped)."""
    m = members(data)
    wb = xml(m["xl/workbook.xml"])
    rels = {r.get("Id"): r for r in xml(m["xl/_rels/workbook.xml.rels"])}
    for s in wb.find(M + "sheets"):
        rel = rels[s.get(R + "id")]
        if rel.get("Type") == WS:
            target = rel.get("Target")
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            return s.get("name"), part
    raise AssertionError("no worksheet")


def free_row(sheet_xml: bytes) -> int:
    """0-based row below everything the sheet XML mentions (rows, merges, dimension)."""
    root = xml(sheet_xml)
    last = 0
    for row in root.iter(M + "row"):
        last = max(last, int(row.get("r", "0")))
    for el in list(root.iter(M + "mergeCell")) + list(root.iter(M + "dimension")):
        ref = el.get("ref", "A1").split(":")[-1]
        last = max(last, parse_a1(ref)[0] + 1)
    return last + 2


TABLE = [
    ["ID", "任务", "截止", "健康", "Flags"],
    ["T-1", "海报设计", dt.date(2026, 7, 8), "逾期", "=1+1"],
    ["T-2", "H5 页面", dt.date(2026, 7, 20), "正常", "+SUM(A1)"],
    ["T-3", "  spaces kept  ", dt.datetime(2026, 7, 21, 8, 30), 12.5, "@x"],
]


def task_patch(sheet: str, top: int, *, report_title: str = "sheetsync") -> WorkbookPatch:
    cells = []
    for r, values in enumerate(TABLE):
        for c, v in enumerate(values):
            fmt = "yyyy-mm-dd hh:mm" if isinstance(v, dt.datetime) else "yyyy-mm-dd" if isinstance(v, dt.date) else None
            cells.append(CellWrite(top + r, c, v, number_format=fmt, bold=(r == 0)))
    first, last = top + 2, top + len(TABLE)
    rules = [
        RuleSpec(f"A{first}:E{last}", mark(f'$D{first}="逾期"'), "E57373", "000000", stop_if_true=True),
        RuleSpec(f"A{first}:E{last}", mark(f'AND($C{first}<>"",$C{first}<TODAY()+3)'), "FFF2A8"),
        RuleSpec(f"E{first}", mark(f'LEN($E{first})>0'), None, "9C0006", bold=True, border_color="C00000"),
    ]
    quoted = "'" + sheet.replace("'", "''") + "'"
    report = ReportSpec(report_title, [["sheetsync report", "", ""], ["last run", dt.date(2026, 7, 1)],
                                        ["error", f"{sheet}!{a1(first - 1, 2)}", "日期无效 & <check>"]],
                        {(2, 1): f"{quoted}!{a1(first - 1, 2)}"}, [14, 30, 60])
    return WorkbookPatch(sheet, cells, rules, report)


def canonical(el) -> bytes:
    return etree.tostring(el, method="c14n")


def strip_managed(root, cells: set[tuple[int, int]]) -> None:
    """Remove managed cells, the rows they leave empty, owned rules and the dimension, in place."""
    rows_touched = {r for r, _ in cells}
    sheet_data = root.find(M + "sheetData")
    for row in list(sheet_data):
        r = int(row.get("r")) - 1
        if r not in rows_touched:
            continue
        for c in list(row):
            if c.tag == M + "c" and parse_a1(c.get("r")) in cells:
                row.remove(c)
        row.attrib.pop("spans", None)
        if len(row) == 0:
            sheet_data.remove(row)
    for cf in root.findall(M + "conditionalFormatting"):
        for rule in cf.findall(M + "cfRule"):
            if owned_rule(rule.findtext(M + "formula")):
                cf.remove(rule)
        if cf.find(M + "cfRule") is None:
            root.remove(cf)
    dim = root.find(M + "dimension")
    if dim is not None:  # grown to cover the new cells, or added where the sheet had none
        root.remove(dim)


def managed_positions(patch: WorkbookPatch) -> set[tuple[int, int]]:
    return {(w.row, w.col) for w in patch.cells}


def make_tracker(path: Path, *, rows: int = 6) -> Path:
    """A small tracker as a person would keep it: a user rule, validation, merge, a formula in a managed column."""
    import openpyxl
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务"
    ws.append(["ID", "任务", "负责人", "状态", "截止日期", "Due", "Health"])
    for i in range(1, rows + 1):
        ws.append([f"T-{i}", f"任务{i}", "张三", "进行中", dt.date(2026, 7, 1) + dt.timedelta(days=i - 1), None, None])
    ws["F2"] = "=E2+1"
    ws.merge_cells("A20:C20")
    ws["A20"] = "备注"
    dv = DataValidation(type="list", formula1='"未开始,进行中,已完成"')
    dv.add(f"D2:D{rows + 1}")
    ws.add_data_validation(dv)
    ws.conditional_formatting.add(f"A2:G{rows + 1}", FormulaRule(formula=['$D2="受阻"'], fill=PatternFill(bgColor="FF0000")))
    ws["B2"].hyperlink = "https://example.com/brief"
    wb.create_sheet("Notes")["A1"] = "people's own notes"
    wb.save(path)
    return path


def tracker_patch(rows: int = 6, *, report: bool = True, rules: int = 2) -> WorkbookPatch:
    cells = [CellWrite(0, 5, "Due", bold=True), CellWrite(0, 6, "Health", bold=True), CellWrite(0, 7, "Flags", bold=True)]
    for r in range(1, rows + 1):
        cells.append(CellWrite(r, 5, dt.date(2026, 7, 3) + dt.timedelta(days=r), number_format="yyyy-mm-dd"))
        cells.append(CellWrite(r, 6, "逾期" if r % 2 else "正常"))
        cells.append(CellWrite(r, 7, None if r % 3 else "E-date"))
    specs = [RuleSpec(f"A2:H{rows + 1}", mark('$G2="逾期"'), "E57373", "000000", stop_if_true=True),
             RuleSpec(f"A2:H{rows + 1}", mark('$G2="正常"'), "FFF2A8"),
             RuleSpec("E3", mark("TRUE"), None, "9C0006", bold=True, border_color="C00000")][:rules]
    rep = ReportSpec("sheetsync", [["sheetsync report"], ["错误", "'任务'!E3", "日期无效"]], {(1, 1): "'任务'!E3"},
                     [14, 16, 60]) if report else None
    return WorkbookPatch("任务", cells, specs, rep)
