"""Predecessor links in the Smartsheet / MS Project form on small English trackers: the order
checks, the schedule pass and derived deadlines follow FS, SS, FF and SF with their lags.

English trackers without a calendar count Monday to Friday, so the dates below can be checked by hand.
Today is Monday 2026-09-21; a not-started task starts today at the earliest."""
from __future__ import annotations

import datetime as dt

import sheetsync.api as api
from support.tracker_factory import make_tracker

D = dt.date
TODAY = D(2026, 9, 21)


def validate(tmp_path, rows, fields, name="t.xlsx"):
    return api.validate(make_tracker(tmp_path / name, rows, lang="en", fields=fields, title=None), today=TODAY)


def found(report, *want):
    return sorted((f.code, f.cell) for f in report.findings if f.code in want)


def test_order_by_link_type_without_an_id_column(tmp_path):
    """Numbers are row positions (1 = the first row under the header); names work too."""
    fields = ("task", "owner", "start", "deadline", "duration", "depends_on", "status")
    a = dict(owner="Ann", deadline=D(2026, 10, 9), status="Not started")
    rows = [
        dict(a, task="A", deadline=D(2026, 10, 2), duration=1),                         # row 2, position 1
        dict(a, task="B", start=D(2026, 10, 5), depends_on="1FS+2d"),   # needs 10-02 + 2 working days = 10-06
        dict(a, task="C", start=D(2026, 10, 6), depends_on="1FS+2d"),   # exactly then: fine
        dict(a, task="D", start=D(2026, 10, 2), depends_on="1SS+1d"),   # A starts 10-02: needs 10-05
        dict(a, task="E", deadline=D(2026, 9, 30), duration=1, depends_on="1FF-1d"),  # needs 10-01
        dict(a, task="F", deadline=D(2026, 10, 1), depends_on="1SF"),   # needs A's start 10-02
        dict(a, task="G", deadline=D(2026, 10, 1), depends_on="1FF-1d"),  # 10-01: fine
        dict(a, task="H", depends_on="1SS", status="In progress"),      # A not started yet
        dict(a, task="I", depends_on="1FF", status="In progress"),      # FF: may run while A runs
        dict(a, task="J", depends_on="1FF", status="Done"),             # FF: cannot be done before A
        dict(a, task="K", depends_on="A", status="In progress"),        # by name, FS
        dict(a, task="L", depends_on="2", status="In progress"),        # position 2 is B
        dict(a, task="M", depends_on="99"),
    ]
    r = validate(tmp_path, rows, fields)
    assert found(r, "dependency-order", "dependency-not-done", "unknown-dependency") == sorted([
        ("dependency-not-done", "G9"), ("dependency-not-done", "G11"), ("dependency-not-done", "G12"),
        ("dependency-not-done", "G13"),
        ("dependency-order", "C3"), ("dependency-order", "C5"), ("dependency-order", "D6"), ("dependency-order", "D7"),
        ("unknown-dependency", "F14")])
    msgs = {f.cell: f.message for f in r.findings if f.code in ("dependency-order", "dependency-not-done")}
    assert "2026-10-06" in msgs["C3"] and "finish-to-start +2 working days" in msgs["C3"]
    assert "start-to-start +1 working day)" in msgs["C5"]
    assert "finish-to-finish -1 working day" in msgs["D6"] and "move the deadline to 2026-10-01" in msgs["D6"]
    assert "has not started yet" in msgs["G9"] and "is not done yet" in msgs["G11"]
    assert "'B'" in msgs["G13"]
    unknown = next(f for f in r.findings if f.code == "unknown-dependency")
    assert "row number" in unknown.message  # said how a bare number was read
    assert [t.depends_on for t in r.tasks][1] == ["A"]  # '1FS+2d' resolved to the task it names


def test_schedule_pass_follows_link_types_and_lags(tmp_path):
    """With an id column numbers are ids. A (5 working days from today) ends Fri 09-25."""
    fields = ("id", "task", "owner", "deadline", "duration", "depends_on", "status")
    a = dict(owner="Ann", status="Not started")
    rows = [
        dict(a, id=1, task="A", deadline=D(2026, 9, 25), duration=5),
        dict(a, id=2, task="B", deadline=D(2026, 10, 1), duration=3, depends_on="1FS+2d"),   # after 09-29: ends 10-02
        dict(a, id=3, task="C", deadline=D(2026, 9, 25), duration=3, depends_on="1SS+2d"),   # after 09-22: ends 09-25
        dict(a, id=4, task="D", deadline=D(2026, 9, 28), duration=1, depends_on="1FF+1ed"),  # ends Sat 09-26: fits
        dict(a, id=5, task="E", deadline=D(2026, 9, 30), duration=2, depends_on="1SF+5d"),   # ends 09-25: fits
        dict(a, id=6, task="F", deadline=D(2026, 10, 9), duration=1, depends_on="B, 2FS"),   # one link, by name and id
        dict(a, id=7, task="G", deadline=D(2026, 9, 25), duration=3, depends_on="1SS+4d"),   # after 09-24: ends 09-29
        dict(a, id=8, task="H", deadline=D(2026, 9, 28), duration=1, depends_on="1FF+2d"),   # ends 09-29
    ]
    r = validate(tmp_path, rows, fields)
    assert found(r, "schedule-risk", "dependency-order") == [
        ("dependency-order", "D8"), ("dependency-order", "D9"),
        ("schedule-risk", "D3"), ("schedule-risk", "D8"), ("schedule-risk", "D9")]
    risk = {f.cell: f.message for f in r.findings if f.code == "schedule-risk"}
    assert "2026-09-29" in risk["D3"] and "ends 2026-10-02" in risk["D3"] and "3 working days" in risk["D3"]
    assert "ends 2026-09-29" in risk["D8"] and "ends 2026-09-29" in risk["D9"]
    assert "1 working day," in risk["D9"]


def test_deadlines_derived_through_each_link_type(tmp_path):
    """Z is due Fri 10-16 with 3 working days of work (it starts Tue 10-13 at the latest)."""
    fields = ("id", "task", "owner", "deadline", "duration", "depends_on", "status")
    a = dict(owner="Ann", duration=2, status="Not started")
    rows = [dict(a, id="T1", task="A"), dict(a, id="T2", task="B"), dict(a, id="T3", task="C"),
            dict(a, id="T4", task="D"), dict(a, id="T5", task="E"),
            dict(a, id="T9", task="Z", deadline=D(2026, 10, 16), duration=3,
                 depends_on="T1FS+1d, T2SS, T3FF-2d, T4SF, T5FS+3ed")]
    r = validate(tmp_path, rows, fields)
    due = {t.id: (t.due, t.due_source) for t in r.tasks}
    assert due == {
        "T1": (D(2026, 10, 12), "successors"),   # done by 10-13 (Z works 10-14..16), less the 1-day lag
        "T2": (D(2026, 10, 15), "successors"),   # starts with Z on 10-14 at the latest, 2 days of work
        "T3": (D(2026, 10, 20), "successors"),   # may finish 2 working days after Z
        "T4": (D(2026, 10, 19), "successors"),   # must start by Z's finish 10-16: 10-16 and 10-19
        "T5": (D(2026, 10, 9), "successors"),    # 3 calendar days before 10-13 is Sat 10-10: Fri 10-09
        "T9": (D(2026, 10, 16), "explicit")}
    # derived deadlines satisfy the links they come from: no order finding on Z
    assert found(r, "dependency-order", "schedule-risk") == []
