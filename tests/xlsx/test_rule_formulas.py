"""The owned row rules' formulas, read back from the synced .xlsx and checked by an independent reader
(tests/sheet_formulas.py): one formula Excel, LibreOffice and Google all accept (English function names, the
row's own cells on this sheet, no array constants), which shows the last sync's verdict on the sheet as synced,
clears the moment the row says the cause is fixed, and turns a row late when its Due date passes, with no sync."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from support import sheet_formulas as sf
import sheetsync.api as api
from sheetsync.model import parse_a1
from sheetsync.plan import ROW_RULE_ORDER
from support.tracker_factory import make_tracker

D = dt.date
TODAY = D(2026, 9, 21)  # a Monday
OWN = '"sheetsync"="sheetsync"'
FAR = D(2026, 10, 20)
ZH = ("id", "task", "owner", "deadline", "status", "submitted", "reviewed")
EN = ("id", "task", "owner", "deadline", "status", "progress", "done_date")
# tracker shapes: fields, language, the tasks, and what "done" looks like in each (the edit a person makes)
SHAPES = {
    "zh-words": (ZH, "zh", [
        {"id": "T1", "task": "方案", "owner": "张三", "status": "进行中", "deadline": D(2026, 9, 10)},
        {"id": "T2", "task": "海报", "owner": "张三", "status": "已完成", "deadline": D(2026, 9, 10)},
        {"id": "T3", "task": "文案", "owner": "张三", "status": "待审核", "submitted": dt.datetime(2026, 9, 15, 10),
         "deadline": FAR},
        {"id": "T4", "task": "物料", "owner": "张三", "status": "受阻", "deadline": FAR},
        {"id": "T5", "task": "上线", "owner": "张三", "status": "进行中", "deadline": D(2026, 9, 22)},
        {"id": "T6", "task": "复盘", "owner": "张三", "status": "取消", "deadline": D(2026, 9, 1)},
        {"id": "T7", "task": "预约", "owner": "张三", "status": "未开始", "deadline": FAR},
    ], {"status": "完成"}),
    "en-progress-percent": (EN, "en", [
        {"id": "T1", "task": "Plan", "owner": "Ann", "status": "In progress", "progress": 40, "deadline": D(2026, 9, 10)},
        {"id": "T2", "task": "Poster", "owner": "Ann", "status": "Shipped", "progress": 100, "deadline": D(2026, 9, 10)},
        {"id": "T3", "task": "Copy", "owner": "Ann", "status": "Doing", "progress": 90, "deadline": D(2026, 9, 11),
         "done_date": "-"},  # a placeholder in the finish-date column is no finish date
        {"id": "T4", "task": "Site", "owner": "Ann", "status": "On hold", "progress": 20, "deadline": FAR},
        {"id": "T5", "task": "Launch", "owner": "Ann", "status": "Doing", "progress": 50, "deadline": D(2026, 9, 22)},
    ], {"progress": 100}),
    "en-finish-date": (EN, "en", [
        {"id": "T1", "task": "Plan", "owner": "Ann", "status": "Doing", "progress": 0.4, "deadline": D(2026, 9, 10)},
        {"id": "T2", "task": "Poster", "owner": "Ann", "status": "Doing", "progress": 0.5, "deadline": D(2026, 9, 22)},
        {"id": "T3", "task": "Copy", "owner": "Ann", "status": "Done", "progress": 1, "deadline": D(2026, 9, 3)},
    ], {"done_date": D(2026, 9, 20)}),
    "checkbox": (("id", "task", "owner", "deadline", "status"), "en", [
        {"id": "T1", "task": "Plan", "owner": "Ann", "status": False, "deadline": D(2026, 9, 10)},
        {"id": "T2", "task": "Poster", "owner": "Ann", "status": True, "deadline": D(2026, 9, 10)},
        {"id": "T3", "task": "Copy", "owner": "Ann", "status": False, "deadline": D(2026, 9, 22)},
    ], {"status": True}),
    "no-status": (("id", "task", "owner", "deadline", "progress"), "zh", [
        {"id": "T1", "task": "方案", "owner": "张三", "progress": 0.3, "deadline": D(2026, 9, 10)},
        {"id": "T2", "task": "海报", "owner": "张三", "progress": 0.5, "deadline": D(2026, 9, 22)},
        {"id": "T3", "task": "文案", "owner": "张三", "progress": 1, "deadline": D(2026, 9, 2)},
    ], {"progress": 1}),
}


class Synced:
    """A tracker synced once (`result`); its owned rules and cells as written in the file."""

    def __init__(self, path, result, done_edit=None):
        self.result, self.done_edit = result, done_edit or {}
        wb = openpyxl.load_workbook(path)
        ws = wb[self.result.report.sheet]
        self.values = [[c.value for c in row] for row in ws.iter_rows()]
        self.header = dict(self.result.report.columns)
        self.rules = []  # (priority, sqref, formula, fill) of sheetsync's own rules
        for cf in ws.conditional_formatting:
            for rule in cf.rules:
                if rule.formula and rule.formula[0].startswith(f"AND({OWN}"):
                    fill = rule.dxf.fill.fgColor.rgb[-6:] if rule.dxf and rule.dxf.fill is not None else None
                    self.rules.append((rule.priority, str(cf.sqref), rule.formula[0], fill))
        self.rules.sort()
        self.rows = {t.id: t.row - 1 for t in self.result.report.tasks}
        self.health = {t.id: t.health for t in self.result.report.tasks}

    def row_rules(self):
        return [r for r in self.rules if r[3] is not None][:len(ROW_RULE_ORDER)]

    def shown(self, task_id, today=TODAY, values=None):
        """The highlight the first true row rule gives the task's row (rules in priority order), else None."""
        row = self.rows[task_id]
        for (_, sqref, formula, _), name in zip(self.row_rules(), ROW_RULE_ORDER):
            anchor = parse_a1(sqref.split()[0].split(":")[0])[0]
            if sf.true_at(formula, anchor, row, values or self.values, today):
                return name
        return None

    def edited(self, task_id, **cells):
        values = [list(r) for r in self.values]
        row = values[self.rows[task_id]]
        for fld, v in cells.items():
            row[self.header[fld]] = v
        return values


def sync_shape(folder, shape) -> Synced:
    fields, lang, tasks, done_edit = SHAPES[shape]
    path = make_tracker(folder / "t.xlsx", tasks, lang=lang, fields=fields, title=None)
    return Synced(path, api.sync(str(path), today=TODAY, record=False), done_edit)


@pytest.fixture(scope="module", params=sorted(SHAPES))
def synced(request, tmp_path_factory):
    return sync_shape(tmp_path_factory.mktemp(request.param), request.param)


def test_every_owned_formula_is_one_every_spreadsheet_accepts(synced):
    assert len(synced.rules) >= len(ROW_RULE_ORDER)
    for _, sqref, formula, _ in synced.rules:
        tree = sf.parse(formula)  # refuses another sheet's cells (!), arrays ({}), ranges (:) and ';' separators
        names = {n.value for n in sf.walk(tree) if n.kind == "func"}
        assert names <= sf.ENGLISH, names - sf.ENGLISH
        first = parse_a1(sqref.split()[0].split(":")[0])[0] + 1
        refs = [n.value for n in sf.walk(tree) if n.kind == "ref"]
        # the row's own cells: a fixed column, the row relative to the range's first row
        assert all(r.col_absolute and not r.row_absolute and r.row == first for r in refs), formula
        assert len(formula) < 1024 and "{" not in formula and "!" not in formula.replace('"', "")


def test_as_synced_the_rules_show_the_sync_verdict(synced):
    wanted = {t: (h if h in ROW_RULE_ORDER else None) for t, h in synced.health.items()}
    assert {t: synced.shown(t) for t in synced.rows} == wanted
    assert "late" in wanted.values()  # each shape has a late row to clear


def test_a_late_row_clears_the_moment_it_is_done(synced):
    late = next(t for t, h in synced.health.items() if h == "late")
    assert synced.shown(late) == "late"
    assert synced.shown(late, values=synced.edited(late, **synced.done_edit)) is None


@pytest.mark.parametrize("shape", ["zh-words", "en-progress-percent"])
def test_moving_the_deadline_past_today_clears_late(shape, tmp_path):
    s = sync_shape(tmp_path, shape)
    assert s.shown("T1") == "late"
    assert s.shown("T1", values=s.edited("T1", deadline=dt.datetime(2026, 9, 30))) is None
    assert s.shown("T1", values=s.edited("T1", deadline="下周")) == "late"  # text is no date: still late


def test_the_day_after_a_deadline_the_row_is_late_without_a_sync(synced):
    soon = next(t for t, task in ((t.id, t) for t in synced.result.report.tasks) if task.due == D(2026, 9, 22))
    assert synced.health[soon] in ("due-soon", "ok") and synced.shown(soon) != "late"
    assert synced.shown(soon, today=D(2026, 9, 22)) == synced.shown(soon)  # on the deadline day: not late yet
    assert synced.shown(soon, today=D(2026, 9, 23)) == "late"
    done = [t for t, h in synced.health.items() if h == "done"]
    assert all(synced.shown(t, today=D(2026, 12, 31)) is None for t in done)  # finished work is never late


def test_unreviewed_clears_when_a_review_time_is_filled_in(tmp_path):
    s = sync_shape(tmp_path, "zh-words")
    assert s.health["T3"] == "unreviewed" and s.shown("T3") == "unreviewed"
    assert s.shown("T3", values=s.edited("T3", reviewed=dt.datetime(2026, 9, 21, 9))) is None
    assert s.shown("T3", values=s.edited("T3", reviewed="-")) == "unreviewed"  # a placeholder is no review time
    assert s.shown("T4") == "blocked" and s.shown("T4", values=s.edited("T4", status="已完成")) is None
    assert s.shown("T4", values=s.edited("T4", status="进行中")) == "blocked"  # only a done word clears it


def test_done_words_come_from_the_tracker_and_never_an_open_word(tmp_path):
    s = sync_shape(tmp_path, "zh-words")
    late = s.row_rules()[0][2]
    # the words the tracker uses for done/cancelled (取消, 已完成), the language's own (已完成, 已取消), no open word
    for word in ("已完成", "取消", "已取消"):
        assert f'"{word}"' in late
    assert '"进行中"' not in late and '"待审核"' not in late
    assert s.shown("T1", values=s.edited("T1", status="取消")) is None


def test_a_status_word_sheetsync_could_not_read_never_clears_a_highlight(tmp_path):
    """A row done only by its progress, its status cell a word no vocabulary knows: that word says nothing, so a
    late row that holds it later stays red until a sync reads it."""
    from sheetsync.engine.statuses import parse_status
    with pytest.raises(ValueError):
        parse_status("搞定咯")
    tasks = [{"id": "T1", "task": "方案", "owner": "张三", "status": "搞定咯", "progress": 1, "deadline": D(2026, 9, 10)},
             {"id": "T2", "task": "海报", "owner": "张三", "status": "进行中", "progress": 0.2, "deadline": D(2026, 9, 10)}]
    path = make_tracker(tmp_path / "t.xlsx", tasks, fields=("id", "task", "owner", "deadline", "status", "progress"),
                        title=None)
    result = api.sync(str(path), today=TODAY, record=False)
    assert {t.id: t.status for t in result.report.tasks} == {"T1": "done", "T2": "in-progress"}
    late = next(r for r in result.plan.rules if r.style.name == "late").condition
    assert '"搞定咯"' not in late and '"已完成"' in late


STATUS_POOL = ("进行中", "未开始", "已完成", "完成", "取消", "受阻", "待审核", "done", "", "延期", "已完成 ")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(STATUS_POOL), st.integers(-20, 20), st.sampled_from((None, 0.3, 1))),
                min_size=1, max_size=8),
       st.integers(0, 30))
def test_the_rules_agree_with_the_sync_and_never_paint_finished_work_late(tmp_path_factory, rows, later):
    """Any tracker: on the sync's day the rules show exactly the sync's verdict; on any later day a done or
    cancelled task is never painted, and an open task whose Due date passed is late."""
    folder = tmp_path_factory.mktemp("prop")
    tasks = [{"id": f"T{i}", "task": f"任务{i}", "owner": "张三", "status": s or None, "progress": p,
              "deadline": TODAY + dt.timedelta(days=d)} for i, (s, d, p) in enumerate(rows, 1)]
    path = make_tracker(folder / "t.xlsx", tasks, fields=("id", "task", "owner", "deadline", "status", "progress"),
                        title=None)
    result = api.sync(str(path), today=TODAY, record=False)
    s = Synced(path, result)
    assert {t: s.shown(t) for t in s.rows} == {t: (h if h in ROW_RULE_ORDER else None) for t, h in s.health.items()}
    day = TODAY + dt.timedelta(days=later)
    for t in result.report.tasks:
        shown = s.shown(t.id, today=day)
        if t.status in ("done", "cancelled"):
            assert shown is None, (t.id, t.status)
        elif t.due is not None and t.due < day:
            assert shown == "late", (t.id, t.status, t.due, day)
