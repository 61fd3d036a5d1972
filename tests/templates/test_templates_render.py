"""Every template in both languages renders to a tracker the engine reads: sheets, header row, styles,
drop-down, ids and dependencies, campaign dates. Files are real .xlsx, re-read with calamine and openpyxl."""
from __future__ import annotations

import datetime as dt
import graphlib
import os

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from sheetsync import api
from sheetsync.engine import schema
from sheetsync.engine.timepoints import parse_time_point
from sheetsync.engine.values import STATUS_LABELS, parse_ids
from sheetsync.templates import (FIELDS, UnknownTemplateError, create_tracker, list_templates,
                                 load_template)

TODAY = dt.date(2026, 3, 2)  # a Monday inside the years the CN calendar data covers
SHEETS = {"zh": ["任务", "活动信息", "人员", "节假日"], "en": ["Tasks", "Campaign", "People", "Holidays"]}
CASES = [(name, lang) for name in ("campaign-launch", "material-prep", "execution-sop") for lang in ("zh", "en")]


def _rows(path, sheet):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


@pytest.fixture(params=CASES, ids=[f"{n}-{lang}" for n, lang in CASES])
def made(request, tmp_path):
    name, lang = request.param
    path = create_tracker(tmp_path / f"{name}-{lang}.xlsx", name, lang=lang, today=TODAY)
    return name, lang, path


def _tasks(path, lang):
    rows = _rows(path, SHEETS[lang][0])
    return [dict(zip(FIELDS, r)) for r in rows[3:] if any(v not in ("", None) for v in r)]


def test_the_three_seed_templates_exist():
    assert {"campaign-launch", "material-prep", "execution-sop"} <= set(list_templates())


def test_sheets_title_and_header(made):
    name, lang, path = made
    wb = CalamineWorkbook.from_path(str(path))
    assert wb.sheet_names == SHEETS[lang]
    rows = _rows(path, SHEETS[lang][0])
    assert rows[2] == [schema.header(f, lang) for f in FIELDS]
    campaign_name = load_template(name)["campaign"]["name"][lang]
    assert campaign_name in rows[0][0]
    assert ((0, 0), (0, len(FIELDS) - 1)) in wb.get_sheet_by_name(SHEETS[lang][0]).merged_cell_ranges
    assert api.validate(path, today=TODAY).header_row == 3


def test_styled_frozen_header_and_status_dropdown(made):
    name, lang, path = made
    ws = openpyxl.load_workbook(path)[SHEETS[lang][0]]
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref.startswith("A3:")
    head = ws.cell(3, 1)
    assert head.font.bold and head.fill.fgColor.rgb.endswith("1F4E78")
    status_col = openpyxl.utils.get_column_letter(FIELDS.index("status") + 1)
    n = len(load_template(name)["tasks"])
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert len(lists) == 1
    dv = lists[0]
    words = dv.formula1.strip('"').split(",")
    assert words == list(STATUS_LABELS[lang].values())
    assert f"{status_col}4" in dv.sqref and f"{status_col}{3 + n + 200}" in dv.sqref
    assert f"{status_col}{3 + n + 201}" not in dv.sqref
    for r in range(4, 4 + n):  # every written status is one the drop-down offers
        assert ws[f"{status_col}{r}"].value in words
    assert ws.column_dimensions["D"].width > ws.column_dimensions["A"].width


def test_ids_unique_dependencies_exist_and_acyclic(made):
    _, lang, path = made
    tasks = _tasks(path, lang)
    ids = [t["id"] for t in tasks]
    assert len(ids) == len(set(ids)) >= 10
    graph = {t["id"]: parse_ids(t["depends_on"]) for t in tasks}
    assert all(dep in graph for deps in graph.values() for dep in deps)
    assert sum(bool(d) for d in graph.values()) >= len(tasks) // 2
    list(graphlib.TopologicalSorter(graph).static_order())  # raises CycleError on a cycle


def test_time_points_parse_and_mix_forms(made):
    name, lang, path = made
    tasks = _tasks(path, lang)
    points = [t["time_point"] for t in tasks if t["time_point"]]
    for tp in points:
        assert parse_time_point(tp) is not None
    if lang == "zh":
        assert sum(any("\u4e00" <= ch <= "\u9fff" for ch in tp) for tp in points) >= len(points) // 2
    else:
        assert all(tp.isascii() for tp in points)
    explicit = [t for t in tasks if t["deadline"] not in ("", None)]
    neither = [t for t in tasks if not t["deadline"] and not t["time_point"]]
    assert explicit and all(isinstance(t["deadline"], dt.date) for t in explicit)
    assert neither  # these take their deadline from successors
    assert all(isinstance(t["duration"], float) and t["duration"] > 0 for t in tasks)


def test_campaign_people_holidays(made):
    name, lang, path = made
    campaign = {r[0]: r[1] for r in _rows(path, SHEETS[lang][1])}
    launch = campaign[schema.CAMPAIGN_KEYS["launch"][0] if lang == "zh" else "Launch"]
    end = campaign[schema.CAMPAIGN_KEYS["end"][0] if lang == "zh" else "End"]
    assert isinstance(launch, dt.date) and isinstance(end, dt.date)
    assert launch == TODAY + dt.timedelta(days=21) and end > launch
    people = _rows(path, SHEETS[lang][2])
    assert people[0] == (["姓名", "邮箱", "部门"] if lang == "zh" else ["Name", "Email", "Department"])
    assert all(p[1].endswith("@example.com") for p in people[1:])
    names = {p[0] for p in people[1:]}
    for t in _tasks(path, lang):
        assert t["owner"] in names
        assert t["reviewer"] in ("", None) or t["reviewer"] in names
    holidays = _rows(path, SHEETS[lang][3])
    assert all(isinstance(h[0], dt.date) for h in holidays[1:])

    report = api.validate(path, today=TODAY)
    c = report.campaign
    assert (c.launch, c.end, c.timezone, c.calendar, c.review_sla_hours) == (launch, end, "Asia/Shanghai", "CN", 24)
    assert c.recipients and all(a.endswith("@example.com") for a in c.recipients)
    lead = [(k, v) for k, v in campaign.items() if str(k).startswith("提前期" if lang == "zh" else "Lead time")]
    assert lead == [("提前期:设计部" if lang == "zh" else "Lead time: Design", 5.0)]
    assert len(report.tasks) == len(_tasks(path, lang))
    # A fresh tracker is clean: nothing the engine calls an error, nothing late, no bad references.
    codes = {f.code for f in report.findings}
    assert report.exit_code == 0, [f.message for f in report.findings]
    assert not codes & {"late", "unreviewed", "blocked", "unknown-owner", "unknown-dependency", "dependency-cycle",
                        "dependency-not-done", "dependency-order", "bad-time-point", "no-due-date", "after-launch"}
    assert all(t.due is not None for t in report.tasks)


def test_explicit_launch_and_date_formats(tmp_path):
    launch = dt.date(2026, 7, 15)
    path = create_tracker(tmp_path / "t.xlsx", "material-prep", lang="zh", launch=launch, today=TODAY)
    ws = openpyxl.load_workbook(path)["活动信息"]
    assert ws["A2"].value == "上线日期" and ws["B2"].value.date() == launch
    assert ws["B2"].number_format == "yyyy-mm-dd"
    tasks = openpyxl.load_workbook(path)["任务"]
    col = openpyxl.utils.get_column_letter(FIELDS.index("deadline") + 1)
    n = len(load_template("material-prep")["tasks"])
    assert tasks[f"{col}{3 + n + 1}"].number_format == "yyyy-mm-dd"  # spare rows keep the date format
    assert tasks[f"{col}{3 + n + 200}"].number_format == "yyyy-mm-dd"
    report = api.validate(path, today=TODAY)
    assert report.campaign.launch == launch
    t1 = next(t for t in report.tasks if t.id == "T1")  # 活动前20天 from Wed 2026-07-15
    assert t1.due == dt.date(2026, 6, 25)


def test_refuses_to_overwrite(tmp_path):
    path = tmp_path / "tracker.xlsx"
    path.write_bytes(b"somebody's tracker")
    with pytest.raises(FileExistsError, match="tracker.xlsx"):
        create_tracker(path, "campaign-launch", today=TODAY)
    assert path.read_bytes() == b"somebody's tracker"
    assert os.listdir(tmp_path) == ["tracker.xlsx"]  # no temp file left behind
    other = create_tracker(tmp_path / "sub" / "new.xlsx", "campaign-launch", today=TODAY)
    first = other.read_bytes()
    with pytest.raises(FileExistsError):
        create_tracker(other, "execution-sop", lang="en", today=TODAY)
    assert other.read_bytes() == first


def test_unknown_template_and_bad_arguments(tmp_path):
    with pytest.raises(KeyError) as err:
        create_tracker(tmp_path / "x.xlsx", "no-such-template")
    assert isinstance(err.value, UnknownTemplateError)
    assert "campaign-launch" in str(err.value) and "execution-sop" in str(err.value)
    with pytest.raises(KeyError):
        load_template("../pyproject")
    with pytest.raises(ValueError):
        create_tracker(tmp_path / "x.xlsx", "campaign-launch", lang="fr")
    with pytest.raises(ValueError):
        create_tracker(tmp_path / "x.xlsx", "campaign-launch", scenario="chaos")
    assert not (tmp_path / "x.xlsx").exists()


def test_template_files_are_bilingual():
    for name in list_templates():
        tpl = load_template(name)
        texts = [tpl["campaign"]["name"], tpl["title"], tpl["subtitle"]]
        for t in tpl["tasks"]:
            texts += [t["task"], t["stage"]] + [t[k] for k in ("details", "notes", "department") if k in t]
        for p in tpl["people"]:
            texts += [p["name"], p["department"]]
        for row in tpl["demo"]["rows"].values():
            texts += [row["note"]] if "note" in row else []
        for text in texts:
            assert set(text) == {"zh", "en"} and all(text.values()), (name, text)


def test_a_new_tracker_gets_the_mode_of_a_plain_new_file(tmp_path):
    import os
    import stat
    from sheetsync.templates import create_tracker
    old = os.umask(0o022)
    try:
        path = create_tracker(tmp_path / "shared.xlsx", "campaign-launch", lang="zh")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # readable by the team, not 0600 from mkstemp
