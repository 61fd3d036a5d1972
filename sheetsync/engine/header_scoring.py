"""Score one header candidate: each cell against every field (engine/vocabulary.py), adjusted by the values
below it, then each field assigned to one column, the task column first. The candidate's total is what
regions compare."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model import SheetData, col_letter
from .header_cells import ID_LIKE, HeaderBlock, cell_text, samples
from .headers import HeaderWords, header_words, strip_common_cjk_prefix, strip_common_prefix
from .row_labels import ACTUAL_WORDS, PLAN_WORDS
from .managed import own_columns
from .schema import COLUMNS
from .values import normalise_header, parse_date, parse_status
from .vocabulary import DATE_FIELDS, score_header

# A table needs a task column and one of these, heard clearly (a bare 'Date' beside 'Name' is not a tracker).
SUPPORT_FIELDS = ("owner", "deadline", "time_point", "status", "progress")
MIN_SUPPORT = 3.0
MIN_TASK = 2.0
MIN_ASSIGN = 2.5
KNOWN_HEADER = 6.0  # a header exactly as the templates write it
MAPPED = 100.0


def _alias_map(columns) -> dict[str, tuple[str, str]]:
    """normalised header -> (field, language of the alias)."""
    out: dict[str, tuple[str, str]] = {}
    for col in columns:
        for lang, aliases in (("zh", col.zh), ("en", col.en)):
            for alias in aliases:
                out.setdefault(normalise_header(alias), (col.field, lang))
    return out


ALIASES = _alias_map(COLUMNS)
_GENERIC_DATE_WORDS = {"日期", "时间", "date", "time", "when", "day"}


def _is_date(v, year: int) -> bool:
    if isinstance(v, (dt.date, dt.datetime)):
        return True
    if isinstance(v, bool):
        return False
    try:
        return parse_date(v, year) is not None
    except (ValueError, TypeError, OverflowError):
        return False


def _value_hints(scores: dict[str, tuple[float, str]], values: list, year: int) -> dict[str, tuple[float, str]]:
    """Adjust a column's scores by what sits below it: the header says what a column is for, the values
    decide between near fields ('Start Date:' over task names, 任务 over ids, 狀態 holding 0 / 0.5 / 1)."""
    if len(values) < 2:
        return scores
    out = dict(scores)
    n = len(values)
    texts = [v for v in values if isinstance(v, str)]
    if len(texts) == n and all(t.strip().casefold() in PLAN_WORDS | ACTUAL_WORDS for t in texts):
        return {}  # 计划 / 实际 on alternate rows: which line of a plan/actual pair, not a field of the task
    dates = sum(_is_date(v, year) for v in values[:12])
    exact = [f for f in DATE_FIELDS if f != "time_point"]  # a time point is written as words ('活动前15天')
    wordy = [t for t in texts if not any(ch.isdigit() for ch in t)]  # a date typed as text has digits
    if any(f in out for f in exact) and dates * 3 < min(n, 12) and len(wordy) * 3 >= n * 2:
        for f in exact:  # words where dates should be; a header written as the templates write it stays
            if f in out and out[f][1] != "=":
                del out[f]
    typed = sum(isinstance(v, (dt.date, dt.datetime)) or (isinstance(v, str) and _is_date(v, year)) for v in values[:12])
    if "duration" in out and typed * 3 >= min(n, 12) * 2 and not any(f in out for f in exact):
        out["deadline"] = out.pop("duration")  # 'Estimated Time' over dates: the day it is expected done
    tp = out.get("time_point")
    if tp and tp[1] in _GENERIC_DATE_WORDS and dates * 3 >= min(n, 12) * 2:
        # a bare 'Date' / '日期' over real dates: the day the work is due, not a time point such as 'T-15'
        del out["time_point"]
        out["deadline"] = max(out.get("deadline", (0, "")), tp)
    if "task" in out:
        ids = sum(not isinstance(v, (dt.date, dt.datetime)) and bool(ID_LIKE.match(cell_text(v))) for v in values)
        if ids * 3 >= n * 2:
            s, w = out["task"]
            out["task"] = (s - 2.5, w)
            out["id"] = (max(out.get("id", (0, ""))[0], 3.0), out.get("id", (0, "values"))[1] or "values")
    people = [t for t in texts if "@" not in t]  # an address is a person however long
    if "owner" in out and len(people) >= 3 and len(people) * 3 >= n * 2:
        # names are short and repeat; sentences that differ row by row are notes about the task, not its owner
        if sum(len(t) for t in people) / len(people) > 12 and len(set(people)) * 3 > len(people) * 2:
            s, w = out["owner"]
            out["owner"] = (s - 2.5, w)
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    # a 'status' of fractions (0 / 0.5 / 1) is a share done; whole numbers alone say nothing of the kind
    if ("status" in out and len(numbers) * 3 >= n * 2 and all(0 <= x <= 1 for x in numbers)
            and any(0 < x < 1 for x in numbers)):
        out["progress"] = (max(out.get("progress", (0, ""))[0], out["status"][0] + 1), out["status"][1])
    if "progress" in out and len(texts) * 3 >= n * 2:
        known = 0
        for v in texts[:12]:
            try:
                known += parse_status(v) is not None
            except ValueError:
                pass
        if known * 3 >= min(len(texts), 12) * 2:
            out["status"] = (max(out.get("status", (0, ""))[0], out["progress"][0] + 1), out["progress"][1])
    return out


# ------------------------------------------------------------------ scoring one candidate


@dataclass
class Candidate:
    sheet: SheetData
    block: HeaderBlock
    first_col: int
    last_col: int
    columns: dict[str, int]
    scores: dict[int, dict[str, tuple[float, str]]]
    managed: dict[str, int]
    total: float
    reasons: dict[int, tuple]
    kind: str = "range"
    name: str | None = None
    valid: bool = False
    mapped: str | None = None
    year: int = 2000


def _words_of(block: HeaderBlock, lo: int, hi: int) -> dict[int, HeaderWords]:
    cols = [c for c in sorted(block.texts) if lo <= c <= hi and c not in block.grid]
    words = [header_words(block.texts[c]) for c in cols]
    words = strip_common_cjk_prefix(strip_common_prefix(words))
    return dict(zip(cols, words))


def score_candidate(sheet: SheetData, block: HeaderBlock, lo: int, hi: int, year: int, mapping: dict[str, int] | None,
           origin: str | None, ignored: dict[int, str] | None = None, ignored_by: str | None = None) -> Candidate:
    ignored = ignored or {}
    words = _words_of(block, lo, hi)
    words = {c: h for c, h in words.items() if c not in ignored or c in (mapping or {}).values()}  # switched off
    managed: dict[str, int] = {}
    scores: dict[int, dict[str, tuple[float, str]]] = {}
    first = block.bottom + 1
    # sync's columns, not a person's, headed in any row of the header block (a header of two rows may hold them in
    # its upper row) or just above it: a row of data under sync's header ('Done' in its Health column) is no header
    own: dict[int, str] = {}
    for r in range(max(0, block.top - 2), block.bottom + 1):
        own.update({c: f for f, c in own_columns(sheet, r).items()})
    for c, h in words.items():
        key = normalise_header(block.texts[c])
        if c in own:
            managed.setdefault(own[c], c)
            continue
        s = dict(score_header(h))
        alias = ALIASES.get(key)
        if alias is not None:
            s[alias[0]] = (max(KNOWN_HEADER, s.get(alias[0], (0, ""))[0]), "=")
        if s:
            s = _value_hints(s, samples(sheet, first, c), year)
        scores[c] = s
    # Empty header over task-like text: the task column when nothing else is (a Gantt's unlabelled first columns)
    columns: dict[str, int] = {}
    reasons: dict[int, tuple] = {}
    total = 0.0
    taken: set[int] = set(managed.values()) | set(ignored)
    for c, name in ignored.items():
        reasons[c] = ("ignored", {"origin": ignored_by, "name": name})
    for fld, c in (mapping or {}).items():
        columns[fld] = c
        taken.add(c)
        reasons[c] = ("mapped", {"field": fld, "origin": origin})
        total += MAPPED
    if "task" not in columns:
        c, s, passed_over = _task_column(sheet, first, scores, taken)
        if passed_over is not None:
            reasons[passed_over] = ("not-task-values", {})
        if c is not None:
            columns["task"] = c
            taken.add(c)
            word = scores[c]["task"][1] if "task" in scores[c] else scores[c]["details"][1]
            reasons[c] = ("word", {"field": "task", "word": word})
            total += s
    pairs = sorted(((s, fld, c) for c, fs in scores.items() for fld, (s, _) in fs.items()
                    if c not in taken and fld not in columns and s >= MIN_ASSIGN), key=lambda p: (-p[0], p[2]))
    for s, fld, c in pairs:
        if fld in columns or c in taken:
            continue
        columns[fld] = c
        taken.add(c)
        reasons[c] = ("word", {"field": fld, "word": scores[c][fld][1]})
        total += s
    if "task" not in columns:
        c = _unlabelled_task(sheet, block, lo, hi, taken, first, scores)
        if c is not None:
            columns["task"] = c
            taken.add(c)
            reasons[c] = ("values", {"field": "task"})
            total += MIN_TASK
    if "id" not in columns and "task" in columns:
        c = _unlabelled_id(sheet, block, lo, columns["task"], taken, first)
        if c is not None:
            columns["id"] = c
            taken.add(c)
            reasons[c] = ("values", {"field": "id"})
    for c in words:
        if c in reasons:
            continue
        if c in managed.values():
            reasons[c] = ("managed", {})
            continue
        lost = [(s, f) for f, (s, _) in scores.get(c, {}).items() if f in columns and columns[f] != c and s >= MIN_ASSIGN]
        if lost:
            s, f = max(lost)
            reasons[c] = ("taken", {"field": f, "by": col_letter(columns[f])})
        else:
            reasons[c] = ("none", {})
    for c in block.grid:
        if lo <= c <= hi:
            reasons[c] = ("grid", {})
    support = any(scores.get(columns[f], {}).get(f, (0,))[0] >= MIN_SUPPORT or (mapping and f in mapping)
                  for f in SUPPORT_FIELDS if f in columns)
    known = sum(1 for c, fs in scores.items() for f, (v, w) in fs.items() if w == "=" and columns.get(f) == c)
    # a task with something to check, or three headers exactly as sheetsync's templates write them
    # a task column beside a row of dates is a Gantt chart: its bars say when (engine/gantt.py)
    gantt = any(lo <= c <= hi for c in block.grid) and _dates_progress(sheet, block)
    valid = ("task" in columns and (support or gantt)) or known >= 3
    columns.update(managed)
    return Candidate(sheet, block, lo, hi, columns, scores, managed, total, reasons, valid=valid,
                      mapped=origin if mapping else None, year=year)


def _dates_progress(sheet: SheetData, block: HeaderBlock) -> bool:
    """Does a row of the header read as a time line over the grid columns: dates rising, day or week numbers
    counting up (starting again at a new month), or labels (weeks, months, weekdays)? A data row taken for a
    header (a number, a size, a date, a ratio side by side) does not, so it makes no Gantt chart."""
    for r in range(block.top, block.bottom + 1):
        seq = [v for c in sorted(block.grid) if (v := sheet.value(r, c)) not in (None, "")]
        if len(seq) < 4:
            continue
        if all(isinstance(v, str) for v in seq):
            return True
        if all(isinstance(v, (dt.date, dt.datetime)) for v in seq):
            days = [v.date() if isinstance(v, dt.datetime) else v for v in seq]  # a date and a datetime compare so
            if all(a < b for a, b in zip(days, days[1:])):
                return True
            continue
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer() for v in seq):
            n = [int(v) for v in seq]
            rises = sum(1 for a, b in zip(n, n[1:]) if b == a + 1)
            if all(1 <= k <= 366 for k in n) and rises >= (len(n) - 1) * 3 // 4:
                return True
    return False


def _task_column(sheet: SheetData, first: int, scores, taken) -> tuple[int | None, float, int | None]:
    """The task column first (a table has one); between equals, a column whose best reading is the task. Its
    values decide against the header when they cannot be task names: an empty column, one constant value, or
    a few short categories repeated, while a column beside it (headed as the task or its description) holds
    distinct descriptions."""
    ranked = sorted(((s["task"][0], s["task"][0] >= max(v for v, _ in s.values()), -c) for c, s in scores.items()
                     if "task" in s and c not in taken and not any(w == "=" and f != "task" for f, (v, w) in s.items())),
                    reverse=True)
    if not ranked or ranked[0][0] < MIN_TASK:
        return None, 0.0, None
    best = ranked[0]
    if _names_tasks(samples(sheet, first, -best[2])) is not False:
        return -best[2], best[0], None
    # a column headed exactly as another field (需求提出日期: requested) is that field, whatever its values
    others = [(s["task"][0] if "task" in s else s["details"][0], -c) for c, s in scores.items()
              if c not in taken and c != -best[2] and ("task" in s or "details" in s)
              and not any(w == "=" and f not in ("task", "details") for f, (v, w) in s.items())]
    for score, neg_c in sorted(others, reverse=True):
        if score >= MIN_TASK and _names_tasks(samples(sheet, first, -neg_c)):
            return -neg_c, score, -best[2]
    return -best[2], best[0], None


def _names_tasks(values: list) -> bool | None:
    """Could these values be task names? None when there are too few rows to say."""
    if len(values) < 3:
        return None if values else False
    texts = [cell_text(v) for v in values if isinstance(v, str)]
    if len(texts) * 3 < len(values) * 2:
        return False  # numbers or dates
    return len(set(texts)) * 3 > len(texts)  # not one constant or a few categories repeated down the column


def _unlabelled_task(sheet, block: HeaderBlock, lo, hi, taken, first, scores) -> int | None:
    """When no header names the task: the column of longer text whose header says nothing else (no header at
    all, as Gantt charts leave it, or a word no field knows such as a tool's name)."""
    best = None
    for c in range(_left_edge(sheet, block, lo, first), hi + 1):
        if c in taken or c in block.grid or scores.get(c):
            continue
        values = samples(sheet, first, c)
        texts = [v for v in values if isinstance(v, str) and len(v.strip()) >= 2 and not ID_LIKE.match(v.strip())]
        if texts and any(s >= MIN_SUPPORT for s, _ in score_header(header_words(texts[0])).values()):
            continue  # the first value is itself a header: this row is above the table, not its header
        if len(texts) >= 3 and len(texts) * 3 >= len(values) * 2:
            avg = sum(len(t) for t in texts) / len(texts)
            if best is None or avg > best[0]:
                best = (avg, c)
    return best[1] if best else None


# ------------------------------------------------------------------ candidates in a sheet


def _left_edge(sheet: SheetData, block: HeaderBlock, lo: int, first: int) -> int:
    """Unheaded columns just left of the header that hold values belong to the table (an id column with no
    header)."""
    c = lo
    while c > 0 and (c - 1) not in block.texts and samples(sheet, first, c - 1):
        c -= 1
    return c


def _unlabelled_id(sheet, block: HeaderBlock, lo, task_c, taken, first) -> int | None:
    """An unheaded column left of the task column holding 1, 2, 3 … or short codes: the id column."""
    for c in range(_left_edge(sheet, block, lo, first), task_c):
        if c in taken or c in block.texts:
            continue
        values = samples(sheet, first, c)
        ids = [v for v in values if ID_LIKE.match(cell_text(v))]
        if len(values) >= 2 and len(ids) * 3 >= len(values) * 2:
            return c
    return None


def fields_down(sheet: SheetData, c: int, top: int, rows: int = 12) -> bool:
    """Field names run down column `c` from row `top` (任务, 负责人, 截止日期, 状态 …) with values beside them: a
    transposed table, one task per column, not a header over tasks."""
    found: set[str] = set()
    beside = texts = 0
    for r in range(top, min(len(sheet.rows), top + rows)):
        v = sheet.value(r, c)
        if not isinstance(v, str) or not v.strip():
            continue
        texts += 1
        alias = ALIASES.get(normalise_header(v))  # a field's name as the templates write it, not a task that
        if alias is not None:                      # happens to sound like one ('审批', '上线')
            found.add(alias[0])
            row = sheet.rows[r]
            beside += sum(1 for x in row[c + 1:c + 8] if x not in (None, "")) >= 2
    # most of the column's cells are field names: a task list whose names sound like fields is still a task list
    return len(found) >= 3 and beside >= 3 and "task" in found and beside * 3 >= texts * 2

