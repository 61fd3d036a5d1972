"""`make stress`: property-based tests of the engine over whole trackers (hypothesis).

Random header variants (every alias, case, spaces, full-width forms, trailing colons and notes), dates in every
accepted form, status words, numbers and random junk go through sheetsync.engine.analyse; random dependency
graphs are checked against networkx; working-day arithmetic against numpy's busday functions.

The unit-level round trips (tests/engine/test_values_properties.py, tests/calendars/test_calendar_properties.py) check parsers
one value at a time; these check the same promises where a person meets them: in the findings of a whole sheet.
"""
from __future__ import annotations

import datetime as dt

import chinese_calendar
import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from sheetsync.engine import analyse
from sheetsync.engine.calendar import WorkCalendar
from sheetsync.engine.graph import build
from sheetsync.engine.schema import COLUMNS, header
from sheetsync.engine.table import ALIASES
from sheetsync.engine.values import STATUS_LABELS, STATUS_WORDS as _STATUS_WORDS, normalise_header, parse_date, parse_datetime, parse_status
from sheetsync.model import SheetData, Task, WorkbookData, a1, parse_a1

pytestmark = pytest.mark.stress

TODAY = dt.date(2026, 9, 21)
YEAR = TODAY.year  # no Campaign sheet: month-day forms take today's year
EPOCH = dt.date(1899, 12, 30)
STRESS = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                          HealthCheck.data_too_large])
PARSE_CODES = {"bad-date", "bad-status", "bad-number"}

# ---------------------------------------------------------------- header variants

FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in map(chr, range(0x21, 0x7F))}


def _aliases(field: str) -> list[str]:
    col = next(c for c in COLUMNS if c.field == field)
    # an alias that normalises to another field's alias would name that field: only the ones that are ours
    return [a for a in col.zh + col.en if ALIASES.get(normalise_header(a), (None,))[0] == field]


@st.composite
def header_variant(draw, field: str) -> str:
    text = draw(st.sampled_from(_aliases(field)))
    case = draw(st.sampled_from(["as-is", "upper", "lower", "title"]))
    text = {"as-is": text, "upper": text.upper(), "lower": text.lower(), "title": text.title()}[case]
    if draw(st.booleans()):  # spaces inside and around: '截 止 日 期', ' Due  date '
        text = draw(st.sampled_from([" ", "  ", "\u3000"])).join(text) if draw(st.booleans()) else f"  {text} "
    if draw(st.booleans()):
        text = "".join(FULL_WIDTH.get(c, c) for c in text)
    text += draw(st.sampled_from(["", ":", "：", " :", "(必填)", "（工作日）", " *", "*:"]))
    return text


# ---------------------------------------------------------------- cell values with what they must read as

def _time_text(t: dt.time, style: str) -> str:
    if style == "24h":
        return f"{t.hour}:{t.minute:02d}"
    if style == "cn":
        return f"上午{t.hour}:{t.minute:02d}" if t.hour < 12 else f"下午{t.hour - 12}:{t.minute:02d}"
    h12 = t.hour % 12 or 12
    return f"{h12}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


# Dates within five years of today (further ones are implausible: a bad-date, tested in test_values_typed);
# month-day forms within half a year of today, the year that puts them nearest today.
day_any = st.dates(min_value=TODAY - dt.timedelta(days=1800), max_value=TODAY + dt.timedelta(days=1800))
day_this_year = st.dates(min_value=TODAY - dt.timedelta(days=180), max_value=TODAY + dt.timedelta(days=180))
minute = st.times().map(lambda t: t.replace(second=0, microsecond=0))


@st.composite
def good_date(draw) -> tuple[object, dt.datetime]:
    """(cell value, the date and time it means); midnight when the form has no time."""
    form = draw(st.sampled_from(["date", "datetime", "serial", "serial-time", "iso", "iso-time", "slash", "dot",
                                 "cn-full", "cn-md", "md-dash", "md-slash"]))
    md = form in ("cn-md", "md-dash", "md-slash")
    d = draw(day_this_year if md else day_any)
    t = draw(minute) if draw(st.booleans()) else None
    if form == "date":
        return d, dt.datetime.combine(d, dt.time())
    if form == "datetime":
        t = t or dt.time()
        return dt.datetime.combine(d, t), dt.datetime.combine(d, t)
    if form in ("serial", "serial-time"):
        days = (d - EPOCH).days
        if form == "serial" or t is None:
            return float(days) if draw(st.booleans()) else days, dt.datetime.combine(d, dt.time())
        return days + (t.hour * 60 + t.minute) / 1440, dt.datetime.combine(d, t)
    text = {"iso": d.isoformat(), "iso-time": d.isoformat(), "slash": f"{d.year}/{d.month}/{d.day}",
            "dot": f"{d.year}.{d.month}.{d.day}", "cn-full": f"{d.year}年{d.month}月{d.day}日",
            "cn-md": f"{d.month}月{d.day}日", "md-dash": f"{d.month}-{d.day}", "md-slash": f"{d.month}/{d.day}"}[form]
    if t is not None:
        if form == "iso-time":
            text += draw(st.sampled_from(["T", " "])) + f"{t:%H:%M}" + draw(st.sampled_from(["", ":00"]))
        else:
            text += draw(st.sampled_from([" ", ""])) * (form.startswith("cn")) or " "
            text += _time_text(t, draw(st.sampled_from(["24h", "cn", "ampm"])))
    if draw(st.booleans()):
        text = "".join(FULL_WIDTH.get(c, c) for c in text)
    return text, dt.datetime.combine(d, t or dt.time())


BAD_DATES = ["2026-02-30", "2026/13/1", "13/45", "2月30日", "下周", "TBD", "待定", "明天", "2026-07-08x", "0/0",
             "1800-01-01", "99999", "2026.7.8 25:00", "7月8日 上午13:00", "2026/7/8 8点61分", "-5", "2026-07",
             "ASAP", "√", "2026年7月", "32-1"]
# (a float such as 12.8 in a date column is month.day: floats below 13 with a fraction are dates now)
bad_date = st.one_of(st.sampled_from(BAD_DATES), st.floats(min_value=13, max_value=20000),
                     st.integers(1, 12).map(float), st.booleans(),
                     st.floats(min_value=91678, max_value=1e12), st.just(float("inf")))

STATUS_CHOICES = sorted({(w, code) for code, words in _STATUS_WORDS.items() for w in words}
                        | {(label, code) for labels in STATUS_LABELS.values() for code, label in labels.items()})


@st.composite
def good_status(draw) -> tuple[str, str]:
    word, code = draw(st.sampled_from(STATUS_CHOICES))
    word = draw(st.sampled_from([word, word.upper(), word.title(), word.lower()]))
    if draw(st.booleans()):
        word = "".join(FULL_WIDTH.get(c, c) for c in word)
    if " " in word and draw(st.booleans()):
        word = word.replace(" ", draw(st.sampled_from(["-", "_", "", "  "])))
    word = draw(st.sampled_from(["", "☑ ", "□", " "])) + word + draw(st.sampled_from(["", "。", "!", " ", "\u200b"]))
    return word, code


# '50%', booleans, 0 and 1 are statuses: in progress, done/not started
BAD_STATUSES = ["搞定了吗", "差不多", "150%", "done?!maybe", "完成了一半", "N/A", "xyz", "未", "进行", "deleted"]
bad_status = st.one_of(st.sampled_from(BAD_STATUSES), st.integers(min_value=2, max_value=5),
                       st.integers(min_value=-5, max_value=-1),
                       st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31)))

good_number = st.one_of(
    st.tuples(st.integers(0, 400), st.sampled_from(["", "天", "个工作日", " days", " wd", "日"]))
      .map(lambda p: (f"{p[0]}{p[1]}", float(p[0]))),
    st.floats(min_value=0, max_value=1000, allow_nan=False).map(lambda x: (x, x)),
    st.sampled_from([("十五天", 15.0), ("两天", 2.0), ("３", 3.0), ("2,000", 2000.0)]))
bad_number = st.one_of(st.sampled_from(["abc", "三天半多", "-3", "3 weeks", "a few", "1.2.3", "--"]),
                       st.just(float("nan")).map(lambda _: "nan days"), st.just(-1.0))

# Anything at all a cell can hold: the engine must take every one without raising.
any_cell = st.one_of(
    st.none(), st.text(max_size=30), st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.dates(min_value=dt.date(1, 1, 1)), st.datetimes(), st.times(), st.timedeltas(),
    st.sampled_from(BAD_DATES + BAD_STATUSES + ["=IMPORTXML(\"x\")", "+cmd", "@SUM(A1)", "T-15", "活动前15天",
                                                 "T1,T2", "无", "\u200b", "\ufeff", " ", "NaN", "1e400"]))

TABLE_FIELDS = ("id", "task", "owner", "deadline", "requested", "submitted", "reviewed", "status", "duration",
                "depends_on", "time_point", "stage", "department", "reviewer")


@st.composite
def tracker(draw):
    """A task sheet: random header variants in random column order below random title rows, and rows whose
    date, status and number cells are good (with the value they mean) or bad."""
    fields = ["id", "task", "owner"] + draw(st.lists(st.sampled_from(TABLE_FIELDS[3:]), unique=True, min_size=1))
    fields = draw(st.permutations(fields))
    heads = [draw(header_variant(f)) for f in fields]
    titles = draw(st.integers(0, 3))
    rows: list[list] = [[f"活动任务跟踪表 {i}"] for i in range(titles)]
    rows.append(heads)
    expect: dict[tuple[int, int], tuple[str, object]] = {}  # (row, col) -> ('good', value) | ('bad', code)
    n = draw(st.integers(1, 12))
    for r in range(n):
        line = []
        for c, f in enumerate(fields):
            pos = (titles + 1 + r, c)
            if f == "id":
                v = f"T{r}"
            elif f == "task":
                v = draw(st.sampled_from(["海报设计", "Poster", "<b>x</b>", "=IMPORTXML(\"http://x\",\"//a\")"]))
            elif f == "owner":
                v = draw(st.sampled_from(["张三", "Bob", "李 四"]))
            elif f in ("deadline", "requested", "submitted", "reviewed"):
                if draw(st.integers(0, 3)) == 0:
                    v = draw(bad_date)
                    expect[pos] = ("bad", "bad-date")
                else:
                    v, meant = draw(good_date())
                    expect[pos] = ("good", meant)
            elif f == "status":
                if draw(st.integers(0, 3)) == 0:
                    v = draw(bad_status)
                    expect[pos] = ("bad", "bad-status")
                else:
                    v, code = draw(good_status())
                    expect[pos] = ("good", code)
            elif f == "duration":
                if draw(st.integers(0, 3)) == 0:
                    v = draw(bad_number)
                    expect[pos] = ("bad", "bad-number")
                else:
                    v, meant = draw(good_number)
                    expect[pos] = ("good", meant)
            elif f == "depends_on":
                v = ", ".join(f"T{j}" for j in draw(st.lists(st.integers(0, n - 1), max_size=3, unique=True)))
            else:
                v = draw(any_cell)
            line.append(v)
        rows.append(line)
    return fields, titles, rows, expect


def _by_cell(report):
    out: dict[str, list] = {}
    for f in report.findings:
        for _, cell in f.spots():  # a finding over a range names each of its cells
            out.setdefault(cell, []).append(f)
    return out


@STRESS
@given(tracker())
def test_every_cell_reads_as_meant_and_every_bad_cell_is_named(case):
    fields, titles, rows, expect = case
    wb = WorkbookData("stress.xlsx", [SheetData("任务", rows)])
    report = analyse(wb, TODAY)  # no exception escapes
    assert report.header_row == titles + 1
    assert {f: report.columns[f] for f in fields} == {f: c for c, f in enumerate(fields)}  # every header variant found
    cells = _by_cell(report)
    by_row = {t.row: t for t in report.tasks}
    attr = {"deadline": "explicit_due", "requested": "requested", "submitted": "submitted", "reviewed": "reviewed",
            "status": "status", "duration": "duration"}
    for (r, c), (kind, value) in expect.items():
        f = fields[c]
        here = {x.code for x in cells.get(a1(r, c), []) if x.sheet == "任务"}
        task = by_row[r + 1]
        if kind == "bad":
            assert value in here, (a1(r, c), rows[r][c], here)
            x = next(x for x in cells[a1(r, c)] if x.code == value)
            assert r + 1 in (x.rows or [x.row]) and x.column == rows[titles][c].strip() and x.severity == "error" and x.message
        else:
            assert not (here & PARSE_CODES), (a1(r, c), rows[r][c], here)
            got = getattr(task, attr[f])
            if f in ("deadline", "requested"):
                assert got == value.date(), (rows[r][c], got, value)
            elif f in ("submitted", "reviewed"):
                assert got == value, (rows[r][c], got, value)
            else:
                assert got == value, (rows[r][c], got, value)


@STRESS
@given(st.lists(st.lists(any_cell, max_size=8), min_size=1, max_size=25), st.lists(st.sampled_from(TABLE_FIELDS), min_size=3, max_size=8, unique=True),
       st.sampled_from(["zh", "en"]))
def test_any_cell_values_give_findings_never_an_exception(body, fields, lang):
    heads = [header(f, lang) for f in fields]
    rows = [heads] + body
    wb = WorkbookData("junk.xlsx", [SheetData("Tasks", rows)])
    report = analyse(wb, TODAY)
    width = len(fields)
    for f in report.findings:
        assert f.code and f.severity in ("error", "warning", "info") and f.message
        if f.cell is not None:  # a cell finding points inside the table it talks about
            r, c = parse_a1(f.cell)
            # no-deadline-column sits on the header row's first cell (a finding about the table)
            assert f.sheet == "Tasks" and (1 <= r or f.code == "no-deadline-column") and r < len(rows)
            assert c < width and f.row == r + 1
    for t in report.tasks:
        assert t.health in ("done", "late", "unreviewed", "blocked", "at-risk", "due-soon", "invalid", "ok")
        if t.explicit_due is not None:
            assert isinstance(t.explicit_due, dt.date) and not isinstance(t.explicit_due, dt.datetime)


# ---------------------------------------------------------------- dependency graphs against networkx

@st.composite
def dep_graph(draw):
    n = draw(st.integers(1, 40))
    density = draw(st.sampled_from([0.02, 0.05, 0.1, 0.2]))
    edges = set()
    for i in range(n):
        for j in range(n):
            if draw(st.floats(0, 1)) < density and (i != j or draw(st.integers(0, 4)) == 0):
                edges.add((i, j))  # task i depends on task j
    if draw(st.booleans()):  # also some references to tasks that do not exist
        edges |= {(i, n + k) for i, k in draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, 3)),
                                                       max_size=3))}
    return n, sorted(edges)


def _nx(n, edges):
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from((j, i) for i, j in edges if j < n)  # predecessor -> successor
    cyclic = set()
    comps = []
    for comp in nx.strongly_connected_components(g):
        if len(comp) > 1 or any(g.has_edge(v, v) for v in comp):
            cyclic |= comp
            comps.append(frozenset(comp))
    return g, cyclic, set(comps)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(dep_graph())
def test_cycles_match_networkx(case):
    n, edges = case
    g_nx, cyclic, comps = _nx(n, edges)
    tasks = [Task(row=i + 2, id=f"T{i}", task=f"task {i}",
                  depends_on=[f"T{j}" for i2, j in edges if i2 == i]) for i in range(n)]
    g = build(tasks, by_id=True)
    assert g.in_cycle == cyclic
    assert {frozenset(c[:-1]) <= comp for c in g.cycles for comp in comps if c[0] in comp} == ({True} if g.cycles else set())
    assert {next(comp for comp in comps if c[0] in comp) for c in g.cycles} == comps  # every component reported
    assert {v for c in g.cycles for v in c} == cyclic  # and every task in it lies on a reported cycle
    for c in g.cycles:  # each reported cycle is a real one: every step is a 'depends on'
        assert c[0] == c[-1]
        for a, b in zip(c, c[1:]):
            assert g_nx.has_edge(a, b) or g_nx.has_edge(b, a)
            assert b in g.preds[a]
    order = {v: k for k, v in enumerate(g.order)}
    assert set(order) == set(range(n)) - cyclic
    for u, v in g_nx.edges:
        if u in order and v in order:
            assert order[u] < order[v]
    assert sorted((i, ref) for i, ref in g.unknown) == sorted((i, f"T{j}") for i, j in edges if j >= n)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(dep_graph(), st.sampled_from([", ", "，", "、", ";", "\n", " / "]))
def test_every_task_in_a_cycle_gets_a_finding_on_its_depends_on_cell(case, sep):
    n, edges = case
    _, cyclic, _ = _nx(n, edges)
    rows = [["编号", "任务", "负责人", "前置任务", "状态"]]
    for i in range(n):
        rows.append([f"T{i}", f"任务{i}", "张三", sep.join(f"T{j}" for i2, j in edges if i2 == i), "未开始"])
    report = analyse(WorkbookData("g.xlsx", [SheetData("任务", rows)]), TODAY)
    flagged = [f.task_id for f in report.findings if f.code == "dependency-cycle"]
    assert len(flagged) == len(set(flagged))  # told once each
    flagged = set(flagged)
    assert flagged == {f"T{i}" for i in cyclic}
    for f in report.findings:
        if f.code in ("dependency-cycle", "unknown-dependency"):
            assert f.cell == f"D{int(f.task_id[1:]) + 2}" and f.sheet == "任务"
    unknown = sorted((f.task_id, f.params["value"]) for f in report.findings if f.code == "unknown-dependency")
    assert unknown == sorted((f"T{i}", f"T{j}") for i, j in edges if j >= n)


# ---------------------------------------------------------------- working days against numpy

def _day_by_day_holidays(flags: dict[dt.date, bool]) -> np.ndarray:
    """numpy's busday functions have no make-up working days; with a weekmask of all seven days and every day
    off listed as a holiday, they count exactly the calendar constructed day by day."""
    return np.array(sorted(d for d, work in flags.items() if not work), dtype="datetime64[D]")


ALL_DAYS = "1111111"
CN_FIRST, CN_LAST = dt.date(2005, 1, 1), dt.date(2026, 12, 31)  # chinese_calendar's data (2004-2026)
CN_FLAGS = {CN_FIRST + dt.timedelta(days=i): chinese_calendar.is_workday(CN_FIRST + dt.timedelta(days=i))
            for i in range((CN_LAST - CN_FIRST).days + 1)}
CN_OFF = _day_by_day_holidays(CN_FLAGS)
CN = WorkCalendar("CN")


def _np_offset(d, n, hol, weekmask=ALL_DAYS):
    roll = "backward" if n > 0 else "forward"  # ours counts the n-th working day after d, from a day off too
    return np.busday_offset(np.datetime64(d, "D"), n, roll=roll, weekmask=weekmask, holidays=hol).astype(dt.date)


def _np_count(a, b, hol, weekmask=ALL_DAYS):
    if b < a:
        return -_np_count(b, a, hol, weekmask)
    one = dt.timedelta(days=1)  # ours counts (a, b], numpy [begin, end)
    return int(np.busday_count(np.datetime64(a + one, "D"), np.datetime64(b + one, "D"), weekmask=weekmask,
                               holidays=hol))


cn_days = st.dates(min_value=dt.date(2007, 1, 1), max_value=dt.date(2025, 6, 30))
steps = st.integers(min_value=-300, max_value=300).filter(lambda n: n != 0)


@settings(max_examples=1500, deadline=None)
@given(cn_days, steps)
def test_cn_add_workdays_matches_numpy_day_by_day(d, n):
    assert CN.add_workdays(d, n) == _np_offset(d, n, CN_OFF)


@settings(max_examples=1500, deadline=None)
@given(cn_days, cn_days)
def test_cn_workdays_between_matches_numpy_day_by_day(a, b):
    assert CN.workdays_between(a, b) == _np_count(a, b, CN_OFF)


def test_2026_make_up_days_are_working_days_in_both():
    for d in (dt.date(2026, 2, 14), dt.date(2026, 2, 28), dt.date(2026, 9, 20), dt.date(2026, 10, 10)):
        assert CN.is_workday(d) and bool(np.is_busday(np.datetime64(d), weekmask=ALL_DAYS, holidays=CN_OFF))
    for d in (dt.date(2026, 10, 1) + dt.timedelta(days=i) for i in range(7)):
        assert not CN.is_workday(d) and not np.is_busday(np.datetime64(d), weekmask=ALL_DAYS, holidays=CN_OFF)


tracker_days = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31))


@settings(max_examples=400, deadline=None)
@given(st.lists(tracker_days, max_size=25), st.lists(tracker_days, max_size=10), st.sampled_from(["CN", ""]),
       st.dates(min_value=dt.date(2026, 3, 1), max_value=dt.date(2026, 9, 30)),
       st.integers(min_value=-45, max_value=45).filter(lambda n: n != 0))
def test_tracker_holidays_and_make_up_days_match_numpy(off, on, country, d, n):
    """A Holidays sheet's days off and make-up working days (上班) over the official or weekends-only calendar."""
    cal = WorkCalendar(country, holidays=off, workdays=on)
    flags = {}
    for i in range(730):  # 2025 and 2026: every answer stays inside them
        day = dt.date(2025, 1, 1) + dt.timedelta(days=i)
        base = CN_FLAGS[day] if country == "CN" else day.weekday() < 5
        flags[day] = (base or day in on) and day not in off  # a day listed both ways is a day off
    hol = _day_by_day_holidays(flags)
    assert cal.add_workdays(d, n) == _np_offset(d, n, hol)
    e = d + dt.timedelta(days=n)
    assert cal.workdays_between(d, e) == _np_count(d, e, hol)
    assert cal.is_workday(d) == flags[d]
    if country == "" and not on:  # no make-up days: numpy's own weekmask says the same
        plain = np.array(sorted(set(off)), dtype="datetime64[D]")
        assert cal.add_workdays(d, n) == _np_offset(d, n, plain, "1111100")
        assert cal.workdays_between(d, e) == _np_count(d, e, plain, "1111100")


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(tracker_days, max_size=15), st.lists(tracker_days.filter(lambda d: d.weekday() >= 5), max_size=6),
       st.dates(min_value=dt.date(2026, 4, 1), max_value=dt.date(2026, 10, 15)),
       st.lists(st.tuples(st.sampled_from(["T", "E"]), st.integers(-40, 40), st.sampled_from(["wd", "d"])),
                min_size=1, max_size=8))
def test_time_point_deadlines_through_the_engine_match_numpy(off, on, launch, points):
    """The whole path: a Holidays sheet with days off and make-up Saturdays/Sundays (上班), a Campaign sheet,
    time points in the task table; each derived due date equals numpy's on the day-by-day calendar."""
    on = [d for d in on if d not in off]
    end = launch + dt.timedelta(days=14)
    rows = [["编号", "任务", "负责人", "时间节点", "状态"]]
    for i, (anchor, k, unit) in enumerate(points):
        text = f"{anchor}{k:+d}{unit if unit == 'wd' else ''}" if k else f"{anchor}0"
        rows.append([f"T{i}", f"任务{i}", "张三", text, "未开始"])
    holidays = [["日期", "类型", "说明"]] + [[d, "休息", ""] for d in off] + [[d.isoformat(), "上班", "调休"] for d in on]
    campaign = [["上线日期", launch], ["结束日期", end], ["日历", "CN"]]
    wb = WorkbookData("tp.xlsx", [SheetData("任务", rows), SheetData("活动信息", campaign), SheetData("节假日", holidays)])
    report = analyse(wb, TODAY)
    flags = {day: (work or day in on) and day not in off for day, work in CN_FLAGS.items() if day.year == 2026}
    hol = _day_by_day_holidays(flags)
    for (anchor, k, unit), t in zip(points, report.tasks):
        base = launch if anchor == "T" else end
        if unit == "wd" and k:
            want = _np_offset(base, k, hol)
        else:  # a calendar-day offset landing on a day off moves back to the previous working day
            want = np.busday_offset(np.datetime64(base + dt.timedelta(days=k)), 0, roll="backward",
                                    weekmask=ALL_DAYS, holidays=hol).astype(dt.date)
        assert t.due == want and t.due_source == "time-point", (anchor, k, unit, t.due, want)


# ---------------------------------------------------------------- the side sheets' cells

BAD_EMAILS = ["zhang-at-example.com", "a@b", "@example.com", "a b@example.com", "x@y.com\r\nBcc: e@x.com", "张三",
              "a@@example.com", "a@example..com"]


@STRESS
@given(st.lists(st.one_of(st.tuples(st.just("good"), good_date()), st.tuples(st.just("bad"), bad_date)),
                min_size=1, max_size=12),
       st.lists(st.tuples(st.booleans(), st.sampled_from(BAD_EMAILS)), min_size=1, max_size=8),
       st.one_of(st.tuples(st.just("good"), good_date()), st.tuples(st.just("bad"), bad_date)))
def test_bad_cells_in_the_campaign_holidays_and_people_sheets_are_named(days, emails, launch):
    holidays = [["日期", "类型", "说明"]] + [[v[0] if kind == "good" else v, "休息", ""] for kind, v in days]
    people = [["姓名", "邮箱", "部门"]] + [[f"人{i}", f"p{i}@example.com" if ok else bad, "运营"]
                                        for i, (ok, bad) in enumerate(emails)]
    campaign = [["名称", "夏日"], ["上线日期", launch[1][0] if launch[0] == "good" else launch[1]]]
    tasks = [["编号", "任务", "负责人", "状态"], ["T1", "a", "人0", "进行中"]]
    wb = WorkbookData("side.xlsx", [SheetData("任务", tasks), SheetData("活动信息", campaign),
                                    SheetData("节假日", holidays), SheetData("人员", people)])
    report = analyse(wb, TODAY)
    where = {(f.sheet, cell): f.code for f in report.findings for _, cell in f.spots()}  # each cell of a range
    for r, (kind, _) in enumerate(days, 1):
        assert (where.get(("节假日", f"A{r + 1}")) == "bad-date") == (kind == "bad"), (r, days[r - 1])
    for r, (ok, _) in enumerate(emails, 1):
        assert (where.get(("人员", f"B{r + 1}")) == "bad-email") == (not ok), (r, emails[r - 1])
    assert (("活动信息", "B2") in where) == (launch[0] == "bad"), launch
    if launch[0] == "good":
        assert report.campaign.launch == launch[1][1].date()


CAMPAIGN_KEYS = ["名称", "上线日期", "结束日期", "负责人", "收件人", "时区", "日历", "审核时限", "临期天数", "提前期:设计部",
                 "目标", "负责人邮箱", "Launch", "Calendar", "Time zone", "Review SLA hours", "lead time: Design"]


@STRESS
@given(st.lists(st.tuples(st.sampled_from(CAMPAIGN_KEYS), any_cell), max_size=10),
       st.lists(st.lists(any_cell, max_size=3), max_size=6), st.lists(st.lists(any_cell, max_size=3), max_size=6),
       st.lists(st.tuples(st.sampled_from(["T-15", "E+3wd", "活动前5个工作日", "T0", "上线当天", "T-5wd", "T+99999"]),
                          any_cell, any_cell), min_size=1, max_size=5))
def test_junk_in_the_side_sheets_gives_findings_never_an_exception(campaign, holidays, people, rows):
    tasks = [["编号", "任务", "负责人", "时间节点", "截止日期", "状态", "工期", "提交审核时间"]]
    tasks += [[f"T{i}", "a", "张三", tp, due, "待审核", 2, sent] for i, (tp, due, sent) in enumerate(rows)]
    wb = WorkbookData("side.xlsx", [SheetData("任务", tasks), SheetData("活动信息", [list(c) for c in campaign]),
                                    SheetData("节假日", [["日期", "类型"]] + holidays),
                                    SheetData("人员", [["姓名", "邮箱"]] + people)])
    report = analyse(wb, TODAY)
    assert len(report.tasks) == len(rows)
    for f in report.findings:
        assert f.message and (f.cell is None or f.sheet in ("任务", "活动信息", "节假日", "人员"))


# ---------------------------------------------------------------- the Excel reader: what is written is what is read

def _storable_text(s: str) -> bool:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    return not ILLEGAL_CHARACTERS_RE.search(s) and "\r" not in s and s == s.strip(" \n\t")


cell_values = st.one_of(
    st.text(min_size=1, max_size=20).filter(_storable_text), st.integers(-10**9, 10**9),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).filter(lambda x: x == 0 or abs(x) > 1e-9),
    st.booleans(), st.dates(min_value=dt.date(1955, 1, 1), max_value=dt.date(2150, 12, 31)),
    st.datetimes(min_value=dt.datetime(1955, 1, 1), max_value=dt.datetime(2150, 12, 31)).map(
        lambda d: d.replace(microsecond=0)),
    st.sampled_from(["=IMPORTXML(\"x\",\"//a\")", "+cmd", "@SUM(A1)", "已完成", "７月８日", "2026/7/8 上午8:30"]))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.lists(cell_values, min_size=1, max_size=6), min_size=1, max_size=8))
def test_xlsx_reader_returns_what_was_written_and_validate_takes_it(tmp_path_factory, body):
    import openpyxl

    from sheetsync.registry import read
    path = tmp_path_factory.mktemp("rt") / "rt.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务"
    ws.append(["编号", "任务", "负责人", "截止日期", "状态", "备注"])
    for r, line in enumerate(body, 2):
        for c, v in enumerate(line, 1):
            cell = ws.cell(r, c, v)
            if isinstance(v, str):
                cell.data_type = "s"  # text that looks like a formula is text, as a person's cell would be
            elif isinstance(v, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(v, dt.date):
                cell.number_format = "yyyy-mm-dd"
    wb.save(path)
    data = read(path)
    rows = data.sheets[0].rows
    for r, line in enumerate(body, 1):
        for c, v in enumerate(line):
            got = rows[r][c]
            if isinstance(v, bool):
                assert got is v, (r, c, v, got)
            elif isinstance(v, (int, float)):
                assert isinstance(got, (int, float)) and not isinstance(got, bool) and got == pytest.approx(v), (v, got)
            elif isinstance(v, dt.datetime):
                if not isinstance(got, dt.datetime):  # calamine gives a midnight date-time as the date
                    assert v.time() == dt.time() and got == v.date(), (v, got)
                else:
                    assert abs(got - v) <= dt.timedelta(seconds=1), (v, got)
            elif isinstance(v, dt.date):
                assert got in (v, dt.datetime.combine(v, dt.time())), (v, got)
            else:
                assert got == v, (v, got)
    analyse(data, TODAY)  # and the engine takes whatever the reader gave
