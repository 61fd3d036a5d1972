"""`sheetsync holidays import NOTICE.txt`: the State Council's notice, as published, into a holidays file
(`--file holidays.toml`, named in sheetsync.toml as `holidays_file`) or the tracker's Holidays sheet
(`--into tracker.xlsx`); with neither, the rows to paste into a Holidays sheet."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import holidays_file
from .engine.holiday_notice import Notice, NoticeError, parse_notice
from .holidays_sheet import SheetRows, into_workbook, notice_rows, plan_rows
from .model import SheetsyncError


@dataclass
class HolidayImport:
    notice: Notice
    file: Path | None = None  # the holidays file written
    sheet: SheetRows | None = None  # what --into added to (or would paste into) the Holidays sheet
    written: bool = False  # the workbook was changed
    backup: Path | None = None
    paste: list[tuple] = field(default_factory=list)  # rows to paste by hand: no Holidays sheet to write to


def read_notice(path: str | Path, year: int | None = None) -> Notice:
    """The notice file (UTF-8 with or without BOM, or GB18030 as saved on a Chinese Windows; '-' is stdin)."""
    import sys
    try:
        data = sys.stdin.buffer.read() if str(path) == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise SheetsyncError(f"{path}: cannot read the notice ({exc.strerror or exc})",
                             f"{path}:无法读取通知({exc.strerror or exc})", code="usage") from None
    encodings = ("utf-16",) if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetsyncError(f"{path}: not a text file", f"{path}:不是文本文件", code="usage")
    try:
        return parse_notice(text, year)
    except NoticeError as exc:
        raise SheetsyncError(f"{path}: {exc.en}", f"{path}:{exc.zh}", code="bad-notice") from None


def import_holidays(notice_path: str | Path, *, year: int | None = None, into: str | Path | None = None,
                    file: str | Path | None = None, backups: int = 5) -> HolidayImport:
    notice = read_notice(notice_path, year)
    out = HolidayImport(notice)
    if file is not None:
        out.file = holidays_file.store_notice(file, notice)
    if into is not None:
        from . import registry
        path = Path(into)
        if registry.backend_name(str(into)) != "xlsx" or path.suffix.lower() not in (".xlsx", ".xlsm"):
            out.paste = notice_rows(notice, "zh")  # only an .xlsx is patched; elsewhere the rows are pasted
            return out
        out.sheet = plan_rows(registry.read(path), notice)
        if out.sheet.sheet is None:
            out.paste = out.sheet.rows
        elif out.sheet.rows:
            result = into_workbook(path, out.sheet, backups=backups)
            out.written, out.backup = result.changed, result.backup
    elif file is None:
        out.paste = notice_rows(notice, "zh")
    return out
