"""Row classification, the stage between finding the header and reading values: each row under the header is
a task, or one of the kinds below, decided from the whole row and its neighbours (labels anywhere in the row,
sums of the block above, id prefixes, merges, which cells are filled). A group row's label is kept for the
tasks under it; the second row of a plan/actual pair and the rows a merged task cell spans belong to the task
above. Also here: where a different table starts below, and the sheet as rows read it (a cell merged down a
data column filled down)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from operator import itemgetter

from ..model import SheetData
from .header_cells import ID_LIKE, header_block, samples
from .header_scoring import Candidate, score_candidate
from .row_labels import (ACTUAL_WORDS, MAYBE_LABEL, PLAN_WORDS, TOTAL_WORDS, is_note_opening, is_phase_label,
                         is_placeholder, is_total_label, is_unticked, legend_parts)
from .values import parse_status

# The kinds of rows that are not tasks, in the order `inspect` lists them.
KINDS = ("total", "group", "blank", "checkbox", "legend", "helper", "note", "header", "continuation", "detail",
         "actual", "skipped")  # skipped: named in the mapping's skip_rows
_DATE_FIELDS = ("deadline", "start", "done_date", "requested", "submitted", "reviewed", "time_point")
_TEXT_FIELDS = ("details", "notes")
LEGEND_ROWS = 3  # a legend sits right under the header
MANY_VALUES = 2000  # a column with more distinct values than this (ids, names) is searched for exact labels only


@dataclass
class RowKinds:
    """What the rows under a header are (0-based rows)."""
    kinds: dict[int, str] = field(default_factory=dict)  # row -> kind, for every row that is not a task
    groups: dict[int, str] = field(default_factory=dict)  # task row -> the label of its group (phase, parent)
    actual: dict[int, int] = field(default_factory=dict)  # the actual row of a plan/actual pair -> the plan row
    end: int | None = None  # where a different table starts below (exclusive)
    starts: list[int] = field(default_factory=list)  # header rows of the other tables below
    empty_columns: frozenset = frozenset()  # field columns with no value in any task row

    @property
    def skip(self) -> frozenset:
        return frozenset(self.kinds)


def _blank(v) -> bool:
    return v is None or v == "" or (v.__class__ is str and not v.strip()) or (v.__class__ is float and v != v)


class _Classifier:
    def __init__(self, sheet: SheetData, cand: Candidate):
        self.sheet, self.cand = sheet, cand
        cols = {f: c for f, c in cand.columns.items() if not f.startswith("m_")}
        self.cols = cols
        self.field_at = {c: f for f, c in cols.items()}
        managed = set(cand.managed.values())
        grid = cand.block.grid
        heads = {c for c in cand.block.texts if cand.first_col <= c <= cand.last_col and c not in grid}
        self.table_cols = sorted((heads | set(cols.values())) - managed)
        self.task_c, self.id_c = cols.get("task"), cols.get("id")
        self.owner_cs = {cols[f] for f in ("owner", "reviewer") if f in cols}
        self.date_cs = {cols[f] for f in _DATE_FIELDS if f in cols}
        self.status_c = cols.get("status")
        self.text_cs = {cols[f] for f in _TEXT_FIELDS if f in cols}
        self.first = cand.block.bottom + 1
        keys = {t.strip().casefold() for t in cand.block.texts.values()}
        self.header_keys = keys | {t.rsplit(" / ", 1)[-1].strip().casefold() for t in cand.block.texts.values()}
        self.across: dict[int, tuple[int, int]] = {}  # row -> a merge across columns starting there
        self.down: dict[int, int] = {}  # row inside a task cell merged down -> the merge's top row
        for r0, c0, r1, c1 in sheet.merged:
            if r0 < self.first:
                continue
            if c1 > c0 and c0 <= cand.last_col and c1 >= cand.first_col:
                self.across[r0] = (c0, c1)
            if r1 > r0 and self.task_c is not None and c0 <= self.task_c <= c1:
                for r in range(r0 + 1, r1 + 1):
                    self.down[r] = r0
        self.numeric = [c for c in self.table_cols
                        if any(v.__class__ in (int, float) for v in samples(sheet, self.first, c))
                        and c != self.id_c]
        self.sums: dict[int, float] = dict.fromkeys(self.numeric, 0.0)
        self.counts: dict[int, int] = dict.fromkeys(self.numeric, 0)
        self.block_sums = dict(self.sums)
        self.block_counts = dict(self.counts)
        self.out = RowKinds()
        self._summed = 0  # how many task rows are in the sums
        self._distincts: dict[int, set | None] = {}

    # ---------------------------------------------------------------- the pass

    def run(self) -> RowKinds:
        rows, out = self.sheet.rows, self.out
        kinds, groups = out.kinds, out.groups
        gap = False  # an empty row since the last filled one
        last_task: int | None = None
        prev: int | None = None  # the last filled row
        section: str | None = None
        parents: list[tuple[str, str]] = []  # (id, label) of parent rows still open
        task_rows: list[int] = []
        look = self._look()
        id_c, task_c = self.id_c, self.task_c
        for r in range(self.first, len(rows)):
            if r not in look:  # a row with a task name and nothing that marks it otherwise: a task
                task_rows.append(r)
                last_task = prev = r
                gap = False
                if section or parents:
                    self._group_of(r, rows[r], parents, section)
                continue
            row = rows[r]
            filled = [(c, row[c]) for c in self.table_cols if c < len(row) and not _blank(row[c])]
            if not filled:
                gap = gap or r not in self.down  # a row a task cell is merged down over is that task's, no gap
                continue
            if self.numeric:
                self._add_up(task_rows)
            kind = self._kind(r, row, filled, gap, last_task, prev)
            if kind == "end":
                out.end = r
                out.starts.append(r)
                break
            if kind is None and id_c is not None and self._parent(r, row):
                kind = "group"
            if kind is None:
                task_rows.append(r)
                last_task = r
                if section or parents:
                    self._group_of(r, row, parents, section)
            else:
                kinds[r] = kind
                if kind == "actual":
                    out.actual[r] = last_task
                elif kind == "group":
                    label = _label(row, filled, task_c)
                    ident = _id_text(row, id_c)
                    if ident and task_c is not None and not _blank(row[task_c] if task_c < len(row) else None):
                        while parents and not ident.startswith(parents[-1][0] + "."):
                            parents.pop()
                        parents.append((ident, label))
                    else:
                        section, parents = label, []
                elif kind == "total":
                    self.block_sums = dict.fromkeys(self.numeric, 0.0)
                    self.block_counts = dict.fromkeys(self.numeric, 0)
            prev = r
            gap = False
        if len(task_rows) >= 3:
            body = rows[self.first:]
            out.empty_columns = frozenset(c for c in set(self.cols.values())
                                          if not _any_value(rows, task_rows[:30], c, None)  # the usual answer
                                          and not _any_value(rows, task_rows, c, self._distinct(body, c)))
        return out

    def _distinct(self, body, c) -> set | None:
        """The distinct values of column c under the header (None: a value that cannot be hashed), once."""
        if c not in self._distincts:
            try:
                try:
                    values = set(map(itemgetter(c), body))
                except IndexError:  # ragged rows
                    values = {row[c] if c < len(row) else None for row in body}
            except TypeError:
                values = None
            self._distincts[c] = values
        return self._distincts[c]

    def _group_of(self, r, row, parents, section) -> None:
        ident = _id_text(row, self.id_c)
        while parents and not (ident and ident.startswith(parents[-1][0] + ".")):
            parents.pop()
        label = parents[-1][1] if parents else section
        if label:
            self.out.groups[r] = label

    def _look(self) -> set[int]:
        """The rows worth a closer look; every other row holds a task name and nothing that marks it otherwise.
        Column by column, each distinct text judged once: most rows of a large tracker take no Python work of
        their own here."""
        rows, first = self.sheet.rows, self.first
        body = rows[first:]
        look: set[int] = set(range(first, min(len(rows), first + LEGEND_ROWS)))
        look.update(self.across)
        look.update(self.down)
        keys, actual = self.header_keys, ACTUAL_WORDS

        def marks(v) -> bool:  # a total label, a header word or 'actual', wherever it stands
            t = v.strip()
            k = t.casefold()
            return bool(t) and (k in keys or k in actual or is_total_label(t))

        task_c = self.task_c
        # the labels exactly as people write them (case, a colon): a set intersection for columns of many
        # distinct values (ids, names), where judging each text would cost more than the whole pass
        exact = {v + end for k in keys | actual | TOTAL_WORDS
                 for v in (k, k.upper(), k.title(), k.capitalize()) for end in ("", ":", "：")}

        def judged_task(v) -> bool:  # a task cell worth a look: empty, not text, or text that may be a label
            if v.__class__ is not str:
                return True
            t = v.strip()
            return (not t or (t[:1].isascii() and t[:1].islower()) or t.casefold() in keys
                    or t.casefold() in actual or MAYBE_LABEL.search(t) is not None)

        for c in self.table_cols:
            distinct = self._distinct(body, c)
            col = _column(body, c) if c == task_c or distinct is None else None
            if distinct is None:
                judge = judged_task if c == task_c else (lambda v: v.__class__ is str and marks(v))
                hot = None
                hits = [i for i, v in enumerate(col) if judge(v)]
            elif c == task_c:
                hot = {v for v in distinct if judged_task(v)}
            elif len(distinct) <= MANY_VALUES:
                hot = {v for v in distinct if v.__class__ is str and v and marks(v)}
            else:
                hot = distinct & exact
            if hot is not None:
                if hot and col is None:
                    col = _column(body, c)
                hits = [i for i, v in enumerate(col) if v in hot] if hot else []
            look.update(first + i for i in hits)
            if c == task_c:  # the row after an empty one: a note after a gap
                look.update(first + i + 1 for i in hits if col[i].__class__ is not str or not col[i].strip())
        if self.id_c is not None:  # a parent row: its id the prefix of the next one (1 over 1.1)
            ids = _column(body, self.id_c)
            for i in range(len(ids) - 1):
                a, b = ids[i], ids[i + 1]
                if a.__class__ is str and b.__class__ is str and b.startswith(a.strip()) and b != a:
                    look.add(first + i)
                elif (a.__class__ in (int, float) and b.__class__ in (str, float)
                      and str(b).startswith(_id_text([a], 0) + ".")):  # 1 over 1.1 typed as numbers
                    look.add(first + i)
        return look

    def _add_up(self, task_rows: list[int]) -> None:
        """The sums and counts of the numeric columns over the task rows not yet added (totals compare with
        what is above them: the block since the last total, and everything)."""
        start = self._summed
        if start >= len(task_rows):
            return
        rows = self.sheet.rows
        for r in task_rows[start:]:
            self._add(rows[r])
        self._summed = len(task_rows)

    def _add(self, row) -> None:
        for c in self.numeric:
            if c < len(row):
                v = row[c]
                if v.__class__ is float or (v.__class__ is int and -1e300 < v < 1e300):
                    self.sums[c] += v
                    self.counts[c] += 1
                    self.block_sums[c] += v
                    self.block_counts[c] += 1

    def _kind(self, r, row, filled, gap, last_task, prev) -> str | None:
        task_c = self.task_c
        tv = row[task_c] if task_c is not None and task_c < len(row) else None
        text = tv.strip() if tv.__class__ is str else ("" if _blank(tv) else str(tv))
        strings = [(c, v.strip()) for c, v in filled if v.__class__ is str]
        if text.casefold() in self.header_keys or sum(v.casefold() in self.header_keys for _, v in strings) >= 3:
            return "header" if _repeated_header(self.sheet, r, self.cand) else "end"
        if any(is_total_label(v) for _, v in strings) or self._sums_above(filled, text):
            return "total"
        one = len(filled) == 1
        if r in self.across and _only_in(row, self.table_cols, self.across[r]):
            note = gap and last_task is not None and strings and is_note_opening(strings[0][1])
            return "note" if note else "group"
        if last_task is not None and prev == last_task and self._actual(r, row, last_task):
            return "actual"
        top = self.down.get(r)
        if top is not None and top == last_task:
            return "detail"
        if last_task is None and r < self.first + LEGEND_ROWS and self._legend(filled, strings, text):
            return "legend"
        if one and strings and (is_note_opening(strings[0][1]) or self.out.kinds.get(prev) == "note"):
            return "note"
        if one and strings and gap and last_task is not None and not self._more_below(r):
            return "note"
        if text and not is_placeholder(text):
            if one and is_phase_label(text) and self.status_c != task_c:
                return "group"
            if one and text[:1].isascii() and text[:1].islower() and last_task is not None and prev == last_task:
                return "continuation"  # a sentence going on from the row above
            return None
        if task_c is None:
            return None
        if all(is_unticked(v) for _, v in filled):
            return "checkbox"
        if self.text_cs and all(c in self.text_cs for c, _ in filled) and last_task is not None and prev == last_task:
            return "continuation"
        if self._has_work(filled):
            return None
        if one and strings and not is_placeholder(strings[0][1]) and self._section_cell(*filled[0]):
            return "group"
        if one and filled[0][0] != self.id_c and (filled[0][1].__class__ in (int, float)
                                                  or (strings and strings[0][1].startswith("="))):
            return "helper"
        return "blank"

    def _has_work(self, filled) -> bool:
        """An owner, a date or a status past 'not started': a task, even without a name (a finding says so)."""
        for c, v in filled:
            if c in self.owner_cs or c in self.date_cs:
                return True
            if c == self.status_c:
                try:
                    if parse_status(v) not in (None, "not-started"):
                        return True
                except ValueError:
                    pass  # a word no status means, alone in the row: a label, not work
            elif c not in (self.id_c, self.task_c) and c in self.field_at and v.__class__ is str \
                    and not is_unticked(v) and self.field_at[c] not in ("progress", "priority"):
                return True  # text in a column of its own (details, department …): a row someone wrote
        return False

    def _section_cell(self, c, v) -> bool:
        """One label and nothing else: a section unless it is a value its column holds (an owner, an id)."""
        if c == self.id_c:
            return not ID_LIKE.match(v.strip())  # '策划阶段' written in the id column
        if c in self.owner_cs or c in self.date_cs:
            return False
        if c == self.status_c:
            try:
                return parse_status(v) is None
            except ValueError:
                return True
        return c == self.table_cols[0] or c not in self.field_at or c == self.task_c

    def _sums_above(self, filled, text) -> bool:
        if text or not self.numeric:
            return False
        numbers = [(c, v) for c, v in filled if v.__class__ in (int, float) and c in self.sums]
        if not numbers or any(c in self.owner_cs for c, _ in filled):
            return False
        for sums, counts in ((self.block_sums, self.block_counts), (self.sums, self.counts)):
            for c, v in numbers:
                if counts.get(c, 0) >= 2 and (abs(sums[c] - v) < 1e-9 * max(1.0, abs(v)) or v == counts[c]):
                    return True
        return False

    def _actual(self, r, row, plan_row) -> bool:
        """The second row of a plan/actual pair: a cell saying 'actual' under a cell saying 'plan'."""
        above = self.sheet.rows[plan_row]
        for c in range(self.cand.first_col, min(len(row), self.cand.last_col + 1)):
            v = row[c]
            if v.__class__ is str and v.strip().casefold() in ACTUAL_WORDS:
                w = above[c] if c < len(above) else None
                if w.__class__ is str and w.strip().casefold() in PLAN_WORDS:
                    return True
        return False

    def _legend(self, filled, strings, text) -> bool:
        """A row listing the values a column allows ('未开始/进行中/已完成', '高/中/低'), under the header."""
        if any(isinstance(v, (dt.date, dt.datetime)) for _, v in filled):
            return False
        lists = [v for _, v in strings if legend_parts(v)]
        if not lists:
            return False
        return (not text or bool(legend_parts(text)) or len(lists) * 2 >= len(filled)) and (
            len(lists) >= 2 or len(legend_parts(lists[0])) >= 3)

    def _more_below(self, r) -> bool:
        """A row with two filled cells somewhere below: the table goes on (a section label, not a note)."""
        rows = self.sheet.rows
        for k in range(r + 1, min(len(rows), r + 200)):
            row = rows[k]
            if sum(1 for c in self.table_cols if c < len(row) and not _blank(row[c])) >= 2:
                return True
        return False

    def _parent(self, r, row) -> bool:
        """A row whose id is the prefix of the next id (1 over 1.1): the summary row of the tasks under it."""
        ident = _id_text(row, self.id_c)
        if not ident:
            return False
        rows = self.sheet.rows
        for k in range(r + 1, min(len(rows), r + 6)):
            nxt = _id_text(rows[k], self.id_c)
            if nxt:
                return nxt.startswith(ident + ".") and nxt != ident
        return False


def _column(body, c) -> list:
    if body and len(body[0]) > c and len(body[-1]) > c:  # calamine pads rows: try the fast path first
        try:
            return list(map(itemgetter(c), body))
        except IndexError:
            pass
    return [row[c] if c < len(row) else None for row in body]


def _any_value(rows, task_rows, c, distinct: set | None) -> bool:
    """Does a task row fill column c? The column's distinct values answer at once for an empty column."""
    if distinct is not None and all(_blank(v) for v in distinct):
        return False
    return any(c < len(rows[r]) and not _blank(rows[r][c]) for r in task_rows)


def _id_text(row, c) -> str:
    if c is None or c >= len(row):
        return ""
    v = row[c]
    if v.__class__ is float and v.is_integer():
        return str(int(v))
    return v.strip().rstrip(".") if v.__class__ is str else ("" if v is None else str(v))


def _label(row, filled, task_c) -> str:
    if task_c is not None and task_c < len(row) and row[task_c].__class__ is str and row[task_c].strip():
        return row[task_c].strip()
    return next((str(v).strip() for _, v in filled if v.__class__ is str), str(filled[0][1]))


def classify_rows(sheet: SheetData, cand: Candidate) -> RowKinds:
    """Every row under the candidate's header, in one pass (see the module docstring)."""
    return _Classifier(sheet, cand).run()


def _only_in(row, table_cols, span) -> bool:
    c0, c1 = span
    return all(c0 <= c <= c1 or c >= len(row) or row[c] in (None, "") for c in table_cols)


def _repeated_header(sheet: SheetData, r: int, cand: Candidate) -> bool:
    """A header row again below the table: the same table continued (same fields in the same columns,
    allowing small changes) or a different table that ends this one."""
    width = cand.last_col + 1
    block = header_block(sheet, r, r, width, {})
    other = score_candidate(sheet, block, cand.first_col, cand.last_col, cand.year, None, None)
    if other.columns.get("task") != cand.columns.get("task"):
        return False
    a, b = set(cand.columns), set(other.columns)
    return len(a & b) * 2 >= len(a | b)


def fill_down(sheet: SheetData, cand: Candidate) -> SheetData:
    """The sheet as the rows read it: a cell merged down a data column holds its value in every row it spans
    (a stage label merged down column A). Titles and labels merged across are left alone."""
    cols = set(c for f, c in cand.columns.items() if not f.startswith("m_"))
    first = cand.block.bottom + 1
    areas = [a for a in sheet.merged if a[2] > a[0] and a[0] >= first and a[1] in cols]
    if not areas:
        return sheet
    rows = list(sheet.rows)
    for r0, c0, r1, c1 in areas:
        value = sheet.value(r0, c0)
        if value in (None, ""):
            continue
        for r in range(r0 + 1, min(r1, len(rows) - 1) + 1):
            row = list(rows[r])
            if len(row) <= c0:
                row.extend([""] * (c0 + 1 - len(row)))
            if row[c0] in (None, ""):
                row[c0] = value
            rows[r] = row
    return SheetData(sheet.name, rows, sheet.merged, sheet.sheet_id, sheet.tables)

