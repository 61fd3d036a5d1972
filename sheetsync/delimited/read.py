"""Read a CSV or TSV export (Jira, Trello, Smartsheet, MS Project, a sheet saved as CSV) into WorkbookData.

One sheet named after the file. Every cell stays the text that was in the file: `00123` stays `00123` and
`7/8` stays `7/8`; the engine parses values as it does for text typed into a spreadsheet. Rows above the
header (a title, an export note) are kept: the engine looks for the header row itself. Quoted cells may span
lines."""
from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from pathlib import Path

import charset_normalizer

from ..grid import MAX_CELLS  # the same bound as a workbook's sheets
from ..model import SheetData, SheetsyncError, WorkbookData

MAX_BYTES = 256 << 20  # far above any tracker export; a bigger file is not a task list
MAX_ROWS = 1_048_576  # what Excel itself opens
SAMPLE = 64 << 10  # what the delimiter is guessed from
SNIFF_SAMPLE = 16 << 10  # csv.Sniffer's time grows with the square of its sample: 64 KiB take over a second
CANDIDATES = (",", "\t", ";", "|")
# The legacy encodings a tracker export comes in when it is not UTF-8: Chinese Excel saves GBK (GB18030 is
# its superset), Western Excel and older Trello exports Windows-1252. charset-normalizer chooses between
# them by how plausible the decoded text is: GB18030 also "decodes" most Windows-1252 bytes, into nonsense.
LEGACY = ("gb18030", "cp1252")
ENCODING_NAMES = {"utf_8": "UTF-8", "utf-8": "UTF-8", "utf_8_sig": "UTF-8 with BOM", "utf_16": "UTF-16",
                  "gb18030": "GB18030/GBK", "cp1252": "Windows-1252"}
_SEP_LINE = re.compile(r"^sep=(.)\r?\n")  # Excel's own hint line: "sep=;" as the first line

# Quoted cells can be long (a Jira description); the csv module's default limit is 128 KiB per field.
csv.field_size_limit(max(csv.field_size_limit(), 16 << 20))


def decode(data: bytes, name: str = "") -> tuple[str, str]:
    """(text, encoding): a BOM decides; then strict UTF-8; then the more plausible of GB18030 and cp1252."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "utf_8_sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode Text" export
        return data.decode("utf-16", errors="replace"), "utf_16"
    try:
        return data.decode("utf-8"), "utf_8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data, cp_isolation=list(LEGACY)).best()
    if best is not None and best.encoding in LEGACY:
        return str(best), best.encoding
    for encoding in LEGACY:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise SheetsyncError(f"{name}: not a text file in UTF-8, GB18030/GBK or Windows-1252; export it again as CSV UTF-8",
                         f"{name}:不是 UTF-8、GB18030/GBK 或 Windows-1252 编码的文本文件:请重新导出为 CSV UTF-8",
                         code="not-a-spreadsheet")


def _consistency(sample: str, delimiter: str) -> tuple[int, int]:
    """(rows that have the most common width, that width) for rows of more than one cell."""
    lines = sample.splitlines(keepends=True)
    if len(lines) > 1:
        lines = lines[:-1]  # the sample may cut its last line
    try:
        widths = Counter(len(row) for row in csv.reader(io.StringIO("".join(lines)), delimiter=delimiter) if len(row) > 1)
    except csv.Error:
        return 0, 0
    if not widths:
        return 0, 0
    width, count = max(widths.items(), key=lambda kv: (kv[1], kv[0]))
    return count, width


def sniff_delimiter(sample: str) -> str:
    """csv.Sniffer's guess, unless another candidate splits the rows more consistently (Sniffer is fooled
    by delimiters inside quoted cells and by preamble lines)."""
    try:
        sniffed = csv.Sniffer().sniff(sample[:SNIFF_SAMPLE], delimiters="".join(CANDIDATES)).delimiter
    except csv.Error:
        sniffed = None
    scores = {d: _consistency(sample, d) for d in CANDIDATES}
    best = max(CANDIDATES, key=lambda d: scores[d])
    if sniffed in scores and scores[sniffed] >= scores[best]:
        return sniffed
    return best if scores[best][0] else ","


def read_delimited(path: str | Path) -> WorkbookData:
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise SheetsyncError(f"{path}: {size >> 20} MiB, over the {MAX_BYTES >> 20} MiB limit for a CSV export",
                             f"{path}:{size >> 20} MiB,超过 CSV 文件 {MAX_BYTES >> 20} MiB 上限", code="too-large")
    text, encoding = decode(path.read_bytes(), str(path))
    if "\x00" in text:
        raise SheetsyncError(f"{path}: holds binary data (NUL bytes), not CSV text",
                             f"{path}:含二进制数据(NUL 字节),不是 CSV 文本", code="not-a-spreadsheet")
    hint = _SEP_LINE.match(text)
    if hint:
        delimiter, text = hint.group(1), text[hint.end():]
    elif path.suffix.lower() == ".tsv":
        delimiter = "\t"
    else:
        delimiter = sniff_delimiter(text[:SAMPLE])
    rows: list[list] = []
    cells = 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(row)
            cells += len(row) or 1
            if cells > MAX_CELLS or len(rows) > MAX_ROWS:
                raise SheetsyncError(
                    f"{path}: more than {MAX_ROWS:,} rows or {MAX_CELLS // 1_000_000} million cells; a tracker export "
                    "is far smaller: export the task list alone",
                    f"{path}:超过 {MAX_ROWS:,} 行或 {MAX_CELLS // 1_000_000} 百万个单元格,远大于任务表:请只导出任务列表",
                    code="too-large")
    except csv.Error as exc:
        raise SheetsyncError(f"{path}: not readable as CSV ({exc})", f"{path}:无法按 CSV 读取({exc})",
                             code="not-a-spreadsheet") from None
    sheet = SheetData(name=path.stem or "csv", rows=rows)
    return WorkbookData(source=str(path), sheets=[sheet], kind="csv",
                        text_format=(ENCODING_NAMES.get(encoding, encoding), delimiter))
