"""Whatever the Rust reader (python-calamine) does on a hostile or damaged workbook stays one tracker's one line.

A Rust panic reaches Python as `PanicException`, which derives from BaseException, not Exception: an `except
Exception` lets it through to a traceback, and the panic hook also writes its own lines to the process's
stderr. So the reader runs with the native stderr silenced, and every failure but an interrupt or an exit
becomes a SheetsyncError naming the file (and the cell, when a number no date can hold is the cause)."""
from __future__ import annotations

import os
import re
import sys
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..model import SheetsyncError, contained  # noqa: F401  (contained: the reader's one test of what to keep)
# chrono's TimeDelta holds about 1.07e11 days: a date serial that far out makes calamine panic. Far below it
# no date is sensible either (Excel's last day, 9999-12-31, is serial 2,958,465).
FAR_SERIAL = 1e11
_CELL = re.compile(rb'<c\b[^>]*?\br\s*=\s*["\']([A-Z]{1,3}\d+)["\'][^>]*>(?:(?!</c>).){0,4000}?<v>\s*([^<]{1,64}?)\s*</v>',
                   re.S)


@contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """fd 2 points at /dev/null while native code runs (its panic hook writes there, past sys.stderr). The
    reader holds the GIL throughout, so no Python thread's line is lost meanwhile."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def far_number_cell(path: Path, sheet: str | None) -> tuple[str, str, str] | None:
    """(sheet, cell, value) of the first number no date can be, in `sheet` (else in any worksheet)."""
    try:
        with zipfile.ZipFile(path) as zf:
            parts = _sheet_parts(zf)
            order = [(sheet, parts[sheet])] if sheet in parts else list(parts.items())
            for name, part in order:
                data = zf.read(part)
                for m in _CELL.finditer(data):
                    try:
                        value = float(m.group(2))
                    except ValueError:
                        continue
                    if not abs(value) < FAR_SERIAL:  # nan and inf included
                        return name, m.group(1).decode(), m.group(2).decode()
    except Exception:  # only a better message is at stake: the caller's line stands without it
        return None
    return None


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    book = zf.read("xl/workbook.xml")
    rels = zf.read("xl/_rels/workbook.xml.rels")
    targets = {m.group(1).decode(): m.group(2).decode()
               for m in re.finditer(rb'<Relationship\b[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels)}
    targets.update({m.group(2).decode(): m.group(1).decode()
                    for m in re.finditer(rb'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)})
    out = {}
    for m in re.finditer(rb'<(?:\w+:)?sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]+)"', book):
        target = targets.get(m.group(2).decode())
        if target:
            out[_unescape(m.group(1).decode())] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return out


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def reader_failure(path: Path, sheet: str | None, exc: BaseException) -> SheetsyncError:
    """The one line for anything the reader raised on `path` (`sheet` when it was reading one)."""
    # a panic converting a cell (chrono's "out of bounds"): look for the number that caused it
    far = far_number_cell(path, sheet) if type(exc).__name__ == "PanicException" else None
    if far is not None:
        name, cell, value = far
        return SheetsyncError(
            f"{path}: cell {name}!{cell} holds {value}, a number no date can be (it is formatted as a date); "
            f"correct or clear that cell and run again",
            f"{path}:单元格 {name}!{cell} 的值为 {value},设置为日期格式,但不可能是日期;请更正或清空该单元格后重试",
            code="bad-cell")
    what = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:120] if str(exc).strip() else ''}".rstrip(": ")
    where_en = f"sheet {sheet!r} " if sheet else ""
    where_zh = f"工作表“{sheet}”" if sheet else ""
    return SheetsyncError(f"{path}: {where_en}cannot be read as a workbook ({what}); open it in Excel and save it "
                          f"again", f"{path}:{where_zh}无法读取({what});请用 Excel 打开后重新保存",
                          code="not-a-spreadsheet")
