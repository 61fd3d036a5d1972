"""Property tests of column recognition: the same header row written differently gives the same reading.

Header order permuted, Traditional instead of Simplified Chinese, full-width letters, extra spaces, a prefix
shared by every header, a unit in brackets: the column each field goes to follows the header, not its form."""
from __future__ import annotations

import datetime as dt

import opencc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheetsync.engine.table import find_table
from sheetsync.model import SheetData, WorkbookData

EN = [("Task", "task"), ("Owner", "owner"), ("Due date", "deadline"), ("Status", "status"), ("Start", "start"),
      ("% Complete", "progress"), ("Predecessors", "depends_on"), ("Duration", "duration"), ("Priority", "priority"),
      ("Notes", "notes")]
ZH = [("任务名称", "task"), ("负责人", "owner"), ("截止日期", "deadline"), ("状态", "status"), ("开始日期", "start"),
      ("完成率", "progress"), ("前置任务", "depends_on"), ("工期", "duration"), ("优先级", "priority"), ("备注", "notes")]
UNITS = {"duration": {"en": " (days)", "zh": "(天)"}, "start": {"en": " (date)", "zh": "(日期)"},
         "deadline": {"en": " (date)", "zh": "(日期)"}}
_T = opencc.OpenCC("s2twp")

VALUES = {"task": "Prepare the poster", "owner": "Lee", "deadline": dt.date(2026, 9, 30), "status": "In progress",
          "start": dt.date(2026, 9, 1), "progress": 0.5, "depends_on": None, "duration": 3.0, "priority": "High",
          "notes": "see brief"}


def _full_width(s: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ("\u3000" if ch == " " else ch) for ch in s)


def _reading(headers: list[str], fields: list[str]) -> dict[str, str]:
    rows = [list(headers)] + [[VALUES[f] for f in fields] for _ in range(4)]
    layout, _ = find_table(WorkbookData("mem", [SheetData("Plan", rows)]), year=2026)
    assert layout is not None, headers
    return {fld: headers[c] for fld, c in layout.columns.items()}


def _expected(base, order):
    return {base[i][1]: i for i in order}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lang=st.sampled_from(["en", "zh"]), data=st.data())
def test_same_assignment_whatever_the_form_of_the_headers(lang, data):
    base = EN if lang == "en" else ZH
    picked = data.draw(st.lists(st.sampled_from(range(len(base))), min_size=3, max_size=len(base), unique=True)
                       .filter(lambda ix: 0 in ix and any(base[i][1] in ("owner", "deadline", "status") for i in ix)))
    order = data.draw(st.permutations(picked))
    forms = data.draw(st.sets(st.sampled_from(["traditional", "full-width", "spaces", "prefix", "unit"])))
    plain = [base[i][0] for i in order]
    fields = [base[i][1] for i in order]
    changed = []
    for text, fld in zip(plain, fields):
        if "unit" in forms and fld in UNITS:
            text += UNITS[fld][lang]
        if "prefix" in forms:
            text = ("Project " if lang == "en" else "项目") + text
        if "traditional" in forms and lang == "zh":
            text = _T.convert(text)
        if "full-width" in forms:
            text = _full_width(text)
        if "spaces" in forms:
            text = "  " + text.replace(" ", "   ") + " \n"
        changed.append(text)
    want = _reading(plain, fields)
    got = _reading(changed, fields)
    assert {f: fields[plain.index(h)] for f, h in want.items()} == {f: f for f in want}  # the plain row reads right
    assert {f: changed.index(h) for f, h in got.items()} == {f: plain.index(h) for f, h in want.items()}, (forms, changed)
