"""Status words as owners write them: a wide vocabulary in both languages and Traditional forms, compound words
read by their parts (the done part wins), a Red/Amber/Green rating kept apart from the status, 100% or a
finish date making a task done, an unknown word as one finding with the task's state from progress and dates,
and the tracker's own words mapped in sheetsync.toml, the Campaign sheet or on the command line."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as st

import sheetsync.api as api
from sheetsync.engine.statuses import STATUS_WORDS, parse_rag, parse_status, status_key, status_words
from sheetsync.jobs import load_config, ConfigError
from sheetsync.model import ColumnMapping
from support.tracker_factory import make_tracker

D = dt.date
TODAY = D(2026, 9, 21)
CAMPAIGN = {"name": "x", "launch": D(2026, 10, 12), "end": D(2026, 10, 30)}
PEOPLE = [("张三", "zhangsan@example.com", "运营")]
SHEETSYNC = [sys.executable, "-m", "sheetsync.cli"]


def run(tmp_path, tasks, fields, name="t.xlsx", **kw):
    kw.setdefault("campaign", CAMPAIGN)
    kw.setdefault("people", PEOPLE)
    return make_tracker(tmp_path / name, tasks, fields=fields, **kw)


def validate(path, **kw):
    return api.validate(path, today=TODAY, **kw)


def cli(*args):
    return subprocess.run(SHEETSYNC + list(map(str, args)), capture_output=True, text=True, timeout=120,
                          env=dict(os.environ))


# ---------------------------------------------------------------- the words

@pytest.mark.parametrize("v, code", [
    ("开工", "in-progress"), ("未开工", "not-started"), ("启动", "in-progress"), ("待启动", "not-started"),
    ("调研", "in-progress"), ("测试中", "in-progress"), ("测试完成", "done"), ("已上线", "done"), ("已交付", "done"),
    ("已关闭", "done"), ("Overdue", "in-progress"), ("WIP", "in-progress"), ("Done", "done"),
    ("Change is needed", "in-progress"), ("待验收", "in-review"), ("已验收", "done"),
    ("✓", "done"), ("√", "done"), ("■", "done"), ("☑", "done"),
    # Traditional forms
    ("開工", "in-progress"), ("未開工", "not-started"), ("待啟動", "not-started"), ("調研", "in-progress"),
    ("測試完成", "done"), ("已交付", "done"), ("待驗收", "in-review"), ("已驗收", "done"),
    # compound words: read by their parts, the done part wins
    ("正常-已完成", "done"), ("完成／延期完成", "done"), ("已完成(延期)", "done"), ("已完成（延期）", "done"),
    ("进行中-有风险", "in-progress"), ("延期完成", "done"), ("Done - late", "done"), ("绿 / 进行中", "in-progress"),
    ("暂停/进行中", "blocked"),
])
def test_status_words_people_use(v, code):
    assert parse_status(v) == code


@pytest.mark.parametrize("v", ["完成了一半", "maybe", "N/A", "开张", "a/b", "进行中-张三确认"])
def test_unknown_words_stay_unknown(v):
    with pytest.raises(ValueError):
        parse_status(v)


DONE_WORDS = sorted(STATUS_WORDS["done"][:20])
OTHER_WORDS = [w for code in ("in-progress", "not-started", "blocked", "in-review", "cancelled")
               for w in STATUS_WORDS[code] if len(w) > 1]


@settings(max_examples=200, deadline=None)
@given(done=st.sampled_from([w for w in DONE_WORDS if len(w) > 1]),
       others=st.lists(st.sampled_from(OTHER_WORDS + ["有风险", "延期", "绿", "张三确认", "xyz"]), min_size=1, max_size=3),
       seps=st.lists(st.sampled_from(["-", "／", "/", "、", "，", " - ", "|", "\n"]), min_size=3, max_size=3),
       at=st.integers(0, 3), paren=st.booleans())
def test_any_compound_word_with_a_done_part_reads_done(done, others, seps, at, paren):
    parts = list(others)
    parts.insert(min(at, len(parts)), done)
    if paren:
        text = parts[0] + "".join(f"({p})" for p in parts[1:])
    else:
        text = parts[0] + "".join(s + p for s, p in zip(seps, parts[1:]))
    assert parse_status(text) == "done", text


@pytest.mark.parametrize("v, rating", [("Red", "red"), ("Amber", "amber"), ("Green", "green"), ("红", "red"),
                                       ("黄", "amber"), ("绿", "green"), ("On track", "green"), ("At risk", "amber"),
                                       ("Off track", "red"), ("🟢", "green"), ("紅", "red"), ("綠", "green")])
def test_ratings(v, rating):
    assert parse_rag(v) == rating


def test_a_mapping_target_must_be_a_status():
    assert dict(status_words({"开张": "in progress", "Kick": "进行中", "Sign": "done"})) == {
        status_key("开张"): "in-progress", status_key("kick"): "in-progress", status_key("sign"): "done"}
    with pytest.raises(ValueError):
        status_words({"开张": "soon"})
    assert parse_status("開張", status_words({"开张": "进行中"})) == "in-progress"  # a Traditional form too


# ---------------------------------------------------------------- on a real tracker

FIELDS = ("id", "task", "owner", "deadline", "done_date", "status", "progress")


def test_the_vocabulary_on_a_tracker_gives_no_finding(tmp_path):
    words = ["开工", "未开工", "启动", "待启动", "调研", "测试中", "测试完成", "已上线", "正常-已完成", "完成／延期完成",
             "進行中-有風險", "Change is needed", "待驗收", "已驗收", "√", "■"]
    tasks = [{"id": f"T{i}", "task": f"t{i}", "owner": "张三", "deadline": D(2026, 10, 9), "status": w}
             for i, w in enumerate(words, 1)]
    r = validate(run(tmp_path, tasks, FIELDS))
    assert not [f for f in r.findings if f.code in ("bad-status", "missing-value")]
    assert [t.status for t in r.tasks] == [parse_status(w) for w in words]


def test_an_unknown_word_is_one_finding_and_the_state_comes_from_progress_and_dates(tmp_path):
    tasks = [{"id": "T1", "task": "a", "owner": "张三", "deadline": D(2026, 9, 1), "status": "开张", "progress": 1},
             {"id": "T2", "task": "b", "owner": "张三", "deadline": D(2026, 9, 1), "status": "开张",
              "done_date": D(2026, 8, 30)},
             {"id": "T3", "task": "c", "owner": "张三", "deadline": D(2026, 10, 9), "status": "开张", "progress": 0.5},
             {"id": "T4", "task": "d", "owner": "张三", "deadline": D(2026, 10, 9), "status": "开张"},
             {"id": "T5", "task": "e", "owner": "张三", "deadline": D(2026, 10, 9), "status": "搞定啦"}]
    r = validate(run(tmp_path, tasks, FIELDS))
    bad = [f for f in r.findings if f.code == "bad-status"]
    assert [(f.params["value"], [c for _, c in f.spots()], f.range) for f in bad] == [
        ("开张", ["F4", "F5", "F6", "F7"], "F4:F7"), ("搞定啦", ["F8"], None)]
    assert bad[0].ref == "任务!F4:F7" and bad[0].cell == "F4"
    # finished work is never late; the rest falls back to progress, never to "not started"
    assert [t.status for t in r.tasks] == ["done", "done", "in-progress", None, None]
    assert not [f for f in r.findings if f.code == "late"]


def test_a_finished_project_with_stale_status_words_is_done_and_never_late(tmp_path):
    tasks = [{"id": f"T{i}", "task": f"t{i}", "owner": "张三", "deadline": D(2026, 8, i), "status": "进行中",
              "progress": 1.0} for i in range(1, 9)]
    tasks += [{"id": "T9", "task": "t9", "owner": "张三", "deadline": D(2026, 8, 20), "status": "未开始",
               "done_date": D(2026, 8, 19)}]
    r = validate(run(tmp_path, tasks, FIELDS))
    assert {t.status for t in r.tasks} == {"done"} and {t.health for t in r.tasks} == {"done"}
    assert not [f for f in r.findings if f.code in ("late", "schedule-risk", "bad-status")]
    said = [f for f in r.findings if f.code in ("progress-not-done", "done-date-not-done")]
    # the status cell disagrees: one finding for the eight 100% rows (same word), one for the finish date
    assert [(f.code, f.ref) for f in said] == [("progress-not-done", "任务!F4:F11"), ("done-date-not-done", "任务!E12")]


RAG_FIELDS = ("id", "task", "owner", "deadline", "status", "progress", "rating")


def test_a_rating_column_is_shown_and_checked_never_taken_as_status(tmp_path):
    tasks = [{"id": "T1", "task": "a", "owner": "张三", "deadline": D(2026, 9, 1), "status": "进行中", "rating": "Green"},
             {"id": "T2", "task": "b", "owner": "张三", "deadline": D(2026, 9, 1), "status": "进行中", "rating": "Amber"},
             {"id": "T3", "task": "c", "owner": "张三", "deadline": D(2026, 10, 9), "status": "已完成", "rating": "Red"},
             {"id": "T4", "task": "d", "owner": "张三", "deadline": D(2026, 10, 9), "status": "进行中", "rating": "Green"}]
    path = run(tmp_path, tasks, RAG_FIELDS, headers={"rating": "RAG"})
    r = validate(path)
    assert r.columns["rating"] == 6 and r.columns["status"] == 4
    assert [(t.status, t.rating) for t in r.tasks] == [("in-progress", "green"), ("in-progress", "amber"),
                                                       ("done", "red"), ("in-progress", "green")]
    # green on late work, red on finished work: those matter; amber on late work agrees
    disagree = [f for f in r.findings if f.code == "rating-disagrees"]
    assert [(f.cell, f.task_id) for f in disagree] == [("G4", "T1"), ("G6", "T3")]
    assert "绿" in disagree[0].message and "逾期" in disagree[0].message
    data = json.loads(cli("validate", path, "--format", "json", "--today", TODAY).stdout)
    assert [t.get("rating") for t in data["tasks"]] == ["green", "amber", "red", "green"]


def test_ratings_typed_in_the_status_column_are_ratings(tmp_path):
    tasks = [{"id": "T1", "task": "a", "owner": "Ann", "deadline": D(2026, 10, 9), "status": "Green", "progress": 0.5},
             {"id": "T2", "task": "b", "owner": "Ann", "deadline": D(2026, 10, 9), "status": "Red", "progress": 1},
             {"id": "T3", "task": "c", "owner": "Ann", "deadline": D(2026, 10, 9), "status": "Amber"}]
    r = validate(make_tracker(tmp_path / "en.xlsx", tasks, fields=FIELDS, lang="en", campaign=CAMPAIGN))
    assert not [f for f in r.findings if f.code in ("bad-status", "missing-value")]
    assert [(t.status, t.rating) for t in r.tasks] == [("in-progress", "green"), ("done", "red"), (None, "amber")]


# ---------------------------------------------------------------- the owner's own words

MAP_FIELDS = ("id", "task", "owner", "deadline", "status")
MAP_TASKS = [{"id": "T1", "task": "a", "owner": "张三", "deadline": D(2026, 10, 9), "status": "开张"},
             {"id": "T2", "task": "b", "owner": "张三", "deadline": D(2026, 10, 9), "status": "收尾"},
             {"id": "T3", "task": "c", "owner": "张三", "deadline": D(2026, 10, 9), "status": "开张"}]


def test_status_words_mapped_by_config_campaign_sheet_and_command_line(tmp_path):
    plain = run(tmp_path, MAP_TASKS, MAP_FIELDS, name="plain.xlsx")
    assert [t.status for t in validate(plain).tasks] == [None, None, None]
    # sheetsync.toml (as a ColumnMapping from the config)
    config = tmp_path / "sheetsync.toml"
    config.write_text('state = "state"\n\n[smtp]\nhost = "127.0.0.1"\ntls = "none"\nfrom = "s@localhost"\n\n'
                      '[[trackers]]\nname = "t"\nsource = "plain.xlsx"\n'
                      'statuses = { "开张" = "in progress", "收尾" = "待审核" }\n', encoding="utf-8")
    mapping = load_config(config).tracker("t").mapping
    r = validate(plain, mapping=mapping)
    assert [t.status for t in r.tasks] == ["in-progress", "in-review", "in-progress"]
    assert not [f for f in r.findings if f.code == "bad-status"]
    # the Campaign sheet's rows; the config wins word by word
    sheet = run(tmp_path, MAP_TASKS, MAP_FIELDS, name="sheet.xlsx",
                campaign={**CAMPAIGN, "状态:开张": "进行中", "status: 收尾": "done"})
    assert [t.status for t in validate(sheet).tasks] == ["in-progress", "done", "in-progress"]
    wins = validate(sheet, mapping=ColumnMapping(statuses={"收尾": "blocked"}))
    assert [t.status for t in wins.tasks] == ["in-progress", "blocked", "in-progress"]
    # the command line
    out = cli("validate", plain, "--format", "json", "--today", TODAY, "--statuses", "开张=进行中,收尾=已完成")
    assert out.returncode == 0, out.stderr
    assert [t["status"] for t in json.loads(out.stdout)["tasks"]] == ["in-progress", "done", "in-progress"]
    bad = cli("validate", plain, "--today", TODAY, "--statuses", "开张=快了")
    assert bad.returncode == 2 and "快了" in bad.stderr and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_a_config_status_that_is_not_a_status_is_named_by_its_key(tmp_path):
    config = tmp_path / "sheetsync.toml"
    config.write_text('state = "state"\n\n[smtp]\nhost = "127.0.0.1"\ntls = "none"\nfrom = "s@localhost"\n\n'
                      '[[trackers]]\nname = "t"\nsource = "t.xlsx"\nstatuses = { "开张" = "soon" }\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(config)
    assert "statuses" in str(info.value) and "soon" in str(info.value)


def test_inspect_proposes_the_unknown_words_in_its_correction(tmp_path):
    path = run(tmp_path, MAP_TASKS, MAP_FIELDS)
    out = cli("inspect", path, "--today", TODAY)
    assert out.returncode == 0, out.stderr
    assert 'statuses = { "开张" = "?", "收尾" = "?" }' in out.stdout
    assert "状态:开张 | ?" in out.stdout and "状态:收尾 | ?" in out.stdout
    data = json.loads(cli("inspect", path, "--today", TODAY, "--format", "json").stdout)
    assert 'statuses = { "开张" = "?", "收尾" = "?" }' in data["paste"]["toml"]
    assert ["状态:开张", "?"] in data["paste"]["campaign_rows"]


def test_a_health_column_of_the_owners_ratings_is_theirs_and_sync_writes_its_own_beside_it(tmp_path):
    import openpyxl
    tasks = [{"id": "T1", "task": "a", "owner": "Ann", "deadline": D(2026, 9, 1), "status": "In progress", "rating": "Green"},
             {"id": "T2", "task": "b", "owner": "Ann", "deadline": D(2026, 10, 9), "status": "Done", "rating": "Red"}]
    path = make_tracker(tmp_path / "h.xlsx", tasks, fields=("id", "task", "owner", "deadline", "status", "rating"),
                        lang="en", headers={"rating": "Health"}, campaign=CAMPAIGN)
    r = validate(path)
    assert r.columns["rating"] == 5 and r.table.managed["m_health"] > 5
    assert [t.rating for t in r.tasks] == ["green", "red"]
    api.sync(path, today=TODAY, record=False)
    ws = openpyxl.load_workbook(path)["Tasks"]
    assert [ws.cell(row, 6).value for row in (4, 5)] == ["Green", "Red"]  # the owner's cells are untouched
    heads = [c.value for c in ws[3]]
    assert heads.count("Health") == 2 and ws.cell(4, heads.index("Health", 6) + 1).value == "Late"
    again = api.sync(path, today=TODAY, record=False)  # and finds its own column again: nothing to write
    assert not again.changed and again.report.columns["rating"] == 5


def test_a_check_list_drawn_in_marlett_reads_its_ticks(tmp_path):
    fields = ("id", "task", "owner", "deadline", "status")
    tasks = [{"id": f"T{i}", "task": f"t{i}", "owner": "Ann", "deadline": D(2026, 9, 1), "status": s}
             for i, s in enumerate(["a", "a", None, "a"], 1)]
    r = validate(make_tracker(tmp_path / "m.xlsx", tasks, fields=fields, lang="en", campaign=CAMPAIGN))
    assert [t.status for t in r.tasks] == ["done", "done", None, "done"]
    assert [f.task_id for f in r.findings if f.code == "late"] == ["T3"]
    assert not [f for f in r.findings if f.code == "bad-status"]
