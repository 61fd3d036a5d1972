"""The other files people have: old .xls workbooks, CSV/TSV exports in the encodings they come in, Excel tables,
and the OLE files that are not workbooks at all (an encrypted .xlsx)."""
import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import xlwt
from openpyxl.worksheet.table import Table

from sheetsync import registry as sources
from sheetsync.model import SheetsyncError
from sheetsync.delimited.read import decode, sniff_delimiter
from sheetsync.xlsx.read import check_package
from support.needs import missing

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def write_xls(path: Path) -> Path:
    """A real BIFF8 workbook: a merged title, a header on row 3, a date cell, an id typed as text."""
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("任务")
    ws.write_merge(0, 0, 0, 4, "活动任务跟踪表")
    for c, h in enumerate(["编号", "任务", "负责人", "截止日期", "状态"]):
        ws.write(2, c, h)
    date = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    ws.write(3, 0, "00123")
    ws.write(3, 1, "写方案")
    ws.write(3, 2, "张三")
    ws.write(3, 3, dt.date(2026, 9, 18), date)
    ws.write(3, 4, "进行中")
    ws.write(4, 0, "00124")
    ws.write(4, 1, "审批")
    ws.write(4, 3, "2026/9/30")
    ws.write(4, 4, "未开始")
    wb.add_sheet("备注").write(0, 0, "说明")
    wb.save(str(path))
    return path


def test_an_xls_reads_with_its_values_merges_and_sheets(tmp_path):
    wb = sources.read(write_xls(tmp_path / "plan.xls"))
    assert wb.kind == "xls" and [s.name for s in wb.sheets] == ["任务", "备注"]
    sheet = wb.sheets[0]
    assert sheet.rows[2][:5] == ["编号", "任务", "负责人", "截止日期", "状态"]
    assert sheet.rows[3][0] == "00123"  # text stays text
    assert sheet.rows[3][3] == dt.date(2026, 9, 18)
    assert sheet.rows[4][3] == "2026/9/30"
    assert (0, 0, 0, 4) in sheet.merged


def test_an_xls_under_an_xlsx_name_and_an_xlsx_under_an_xls_name_are_read_by_content(tmp_path):
    xls = write_xls(tmp_path / "plan.xls")
    renamed = tmp_path / "plan.xlsx"
    shutil.copy(xls, renamed)
    assert sources.read(renamed).kind == "xls"
    book = openpyxl.Workbook()
    book.active.append(["任务", "负责人", "截止日期"])
    book.save(tmp_path / "real.xlsx")
    shutil.copy(tmp_path / "real.xlsx", tmp_path / "real.xls")
    back = sources.read(tmp_path / "real.xls")
    assert back.kind == "xlsx" and back.sheets[0].rows[0] == ["任务", "负责人", "截止日期"]


def _encrypted(tmp_path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile
    book = openpyxl.Workbook()
    book.active.append(["任务", "负责人"])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    out = io.BytesIO()
    with plain.open("rb") as fh:
        OOXMLFile(fh).encrypt("secret", out)
    path = tmp_path / "secret.xlsx"
    path.write_bytes(out.getvalue())
    return path


def test_an_encrypted_xlsx_and_an_old_xls_get_their_own_messages(tmp_path):
    with pytest.raises(SheetsyncError) as enc:
        sources.read(_encrypted(tmp_path))
    assert enc.value.code == "encrypted" and "password" in enc.value.en and "密码" in enc.value.zh
    assert "97-2003" not in enc.value.en
    xls = write_xls(tmp_path / "plan.xls")
    with pytest.raises(SheetsyncError) as old:  # the .xlsx package checks sync runs first
        check_package(xls)
    assert "97-2003" in old.value.en and "password" not in old.value.en and "97-2003" in old.value.zh
    word = tmp_path / "memo.xlsx"  # an OLE file holding neither a workbook nor an encrypted package
    word.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    with pytest.raises(SheetsyncError) as other:
        sources.read(word)
    assert other.value.code == "not-a-spreadsheet"


@pytest.mark.libreoffice
def test_an_xls_saved_by_libreoffice_reads_like_its_xlsx(tmp_path):
    if not SOFFICE:
        missing("LibreOffice not installed")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Tasks"
    ws.append(["Task", "Owner", "Due date", "Status"])
    ws.append(["Poster", "Ann", dt.date(2026, 9, 18), "In progress"])
    ws["C2"].number_format = "yyyy-mm-dd"
    book.save(tmp_path / "plan.xlsx")
    profile = tmp_path / "lo-profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xls",
                    "--outdir", str(tmp_path / "out"), str(tmp_path / "plan.xlsx")],
                   check=True, capture_output=True, timeout=180)
    wb = sources.read(tmp_path / "out" / "plan.xls")
    assert wb.kind == "xls"
    assert wb.sheets[0].rows[:2] == [["Task", "Owner", "Due date", "Status"],
                                     ["Poster", "Ann", dt.date(2026, 9, 18), "In progress"]]


# ---- CSV -------------------------------------------------------------------------------------------------------

TRELLO = ('Card ID,Card Name,Members,Due Date,List Name,Due Complete\r\n'
          '1,Thiết kế poster,"mauphuong, thongkuninedoan",2024-10-29T16:59:00.000Z,Cần làm,FALSE\r\n'
          '2,"Viết nội dung ""mới""\nhai dòng",mauphuong,2024-10-20T16:59:00.000Z,Đã hoàn thành,TRUE\r\n'
          '3,Café menu à la carte,Zoë,,Done,FALSE\r\n')


def test_a_trello_export_in_windows_1252_decodes_as_windows_1252(tmp_path):
    data = TRELLO.encode("cp1252", errors="replace")  # Vietnamese letters outside cp1252 became '?'
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text, encoding = decode(data)
    assert encoding == "cp1252" and text == data.decode("cp1252")
    path = tmp_path / "trello.csv"
    path.write_bytes(data)
    wb = sources.read(path)
    assert wb.kind == "csv" and wb.text_format == ("Windows-1252", ",")
    rows = wb.sheets[0].rows
    assert rows[0][:3] == ["Card ID", "Card Name", "Members"]
    assert rows[2][1] == 'Vi?t n?i dung "m?i"\nhai dòng'  # a quoted cell over two lines stays one cell
    assert rows[3][1] == "Café menu à la carte" and rows[3][2] == "Zoë"
    assert rows[1][2] == "mauphuong, thongkuninedoan" and len(rows) == 4


def test_windows_1252_that_also_decodes_as_gb18030_is_still_windows_1252():
    # every accented letter followed by a letter: strict GB18030 accepts these bytes, as nonsense hanzi
    text = "Owner,Task,Status\nMüller,Señor Bjørn menu,làm\nThérèse,Crème brûlée poster,Fermée\n"
    data = text.encode("cp1252")
    assert data.decode("gb18030") != text  # the trap: it decodes without an error
    assert decode(data) == (text, "cp1252")


GBK_ROWS = "项目进度表(导出)\n\n任务;负责人;截止日期;状态;编号\n写方案;张三;2026-09-18;进行中;00123\n审批;李四;9月20日;未开始;00124\n"


def test_a_gbk_export_decodes_as_gbk_and_keeps_its_preamble_and_text(tmp_path):
    data = GBK_ROWS.encode("gbk")
    text, encoding = decode(data)
    assert encoding == "gb18030" and text == GBK_ROWS
    path = tmp_path / "plan.csv"
    path.write_bytes(data)
    wb = sources.read(path)
    rows = wb.sheets[0].rows
    assert wb.text_format == ("GB18030/GBK", ";") and wb.sheets[0].name == "plan"
    assert rows[0] == ["项目进度表(导出)"] and rows[1] == []
    assert rows[2] == ["任务", "负责人", "截止日期", "状态", "编号"]
    assert rows[3] == ["写方案", "张三", "2026-09-18", "进行中", "00123"]  # no number or date conversion


@pytest.mark.parametrize("bom,encoding,name", [(b"\xef\xbb\xbf", "utf-8", "UTF-8 with BOM"), (b"", "utf-8", "UTF-8"),
                                               (b"\xff\xfe", "utf-16-le", "UTF-16")])
def test_utf8_with_or_without_bom_and_excel_unicode_text(tmp_path, bom, encoding, name):
    body = "任务\t负责人\t截止日期\n海报\t张三\t7/8\n"
    path = tmp_path / "plan.tsv"
    path.write_bytes(bom + body.encode(encoding))
    wb = sources.read(path)
    assert wb.text_format == (name, "\t")
    assert wb.sheets[0].rows == [["任务", "负责人", "截止日期"], ["海报", "张三", "7/8"]]


def test_the_delimiter_is_the_one_that_splits_rows_consistently():
    # commas inside quoted cells of a semicolon file, and a preamble line
    sample = 'Export 2026-09-21, all tasks\nTask;Owner;Notes\n"Poster, A4";Ann;"x, y, z"\n"Copy, v2";Bob;"a, b"\n'
    assert sniff_delimiter(sample) == ";"
    assert sniff_delimiter("Task,Owner,Due\nPoster,Ann,2026-07-08\nCopy,Bob,2026-07-09\n") == ","
    assert sniff_delimiter("Task|Owner|Due\nPoster|Ann|7/8\nCopy|Bob|7/9\n") == "|"
    assert sniff_delimiter("just one column\nof text\n") == ","


def test_excels_sep_line_decides_the_delimiter(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("sep=;\nTask;Owner\nPoster, A4;Ann\n", encoding="utf-8")
    assert sources.read(path).sheets[0].rows == [["Task", "Owner"], ["Poster, A4", "Ann"]]


def test_binary_data_named_csv_is_one_line_error(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_bytes(b"\x00\x01\x02\xff\xfe\x00" * 100)
    with pytest.raises(SheetsyncError) as err:
        sources.read(path)
    assert err.value.code == "not-a-spreadsheet" and "\n" not in err.value.en


# ---- Excel tables --------------------------------------------------------------------------------------------------

def test_excel_tables_are_found_with_their_refs(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Plan"
    ws["A1"] = "Project plan"
    rows = [["Task", "Owner", "Due"], ["Poster", "Ann", "2026-07-08"], ["Copy", "Bob", "2026-07-09"]]
    for r, row in enumerate(rows, 3):
        for c, v in enumerate(row, 2):
            ws.cell(r, c, v)
    side = [["Item", "Qty"], ["Flyers", 200], ["Banners", 2], ["Total", 202]]
    for r, row in enumerate(side, 10):
        for c, v in enumerate(row, 6):
            ws.cell(r, c, v)
    ws.add_table(Table(displayName="Tasks", ref="B3:D5"))
    ws.add_table(Table(displayName="Stock", ref="F10:G13", totalsRowCount=1))
    book.create_sheet("Empty")
    book.save(tmp_path / "tables.xlsx")
    wb = sources.read(tmp_path / "tables.xlsx")
    plan = wb.sheet("Plan")
    # 0-based inclusive, header row first; the totals row is not part of the table's rows
    assert sorted(plan.tables) == [("Stock", (9, 5, 11, 6)), ("Tasks", (2, 1, 4, 3))]
    assert wb.sheet("Empty").tables == []


def test_a_table_with_its_header_row_hidden_starts_at_its_data(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    for r in range(1, 6):
        ws.append([f"task {r}", f"owner {r}"])
    ws.add_table(Table(displayName="NoHeader", ref="A2:B4", headerRowCount=0))
    book.save(tmp_path / "hidden.xlsx")
    assert sources.read(tmp_path / "hidden.xlsx").sheets[0].tables == [("NoHeader", (1, 0, 3, 1))]


def test_a_csv_far_larger_than_a_tracker_is_refused_in_one_line(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_bytes(b"a\n" * 1_100_000)  # 2 MB, but more rows than Excel opens
    with pytest.raises(SheetsyncError) as err:
        sources.read(path)
    assert err.value.code == "too-large" and "1,048,576" in err.value.en and "\n" not in err.value.en


def test_an_xls_that_is_really_a_web_page_or_tab_separated_text(tmp_path):
    page = tmp_path / "export.xls"
    page.write_text("<html><body><table><tr><td>任务</td></tr></table></body></html>", encoding="utf-8")
    with pytest.raises(SheetsyncError) as err:
        sources.read(page)
    assert "HTML" in err.value.en and "HTML" in err.value.zh and err.value.code == "not-a-spreadsheet"
    text = tmp_path / "导出.xls"
    text.write_bytes("任务\t负责人\t截止日期\n海报\t张三\t2026-07-08\n".encode("gbk"))
    wb = sources.read(text)
    assert wb.kind == "csv" and wb.text_format == ("GB18030/GBK", "\t")
    assert wb.sheets[0].rows[1] == ["海报", "张三", "2026-07-08"]
