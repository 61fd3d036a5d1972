"""A long-running process (the scheduler, a watch) syncs the same file again and again and keeps what it read:
the last read of each file, keyed on the sha256 of its bytes, and the table recognition of that read. What it
keeps must never hide a change: an edit that leaves the size and the time stamp as they were is still seen, a
damaged file where a good one was is still refused, and analysing the same read twice gives the same report."""
from __future__ import annotations

import datetime as dt
import gc
import json
import os
import pickle
import zipfile
from pathlib import Path

import pytest

from sheetsync import api
from sheetsync.engine import analyse
from sheetsync.engine import table as recognition
from sheetsync.model import SheetsyncError
from sheetsync.planner import build_plan
from sheetsync.xlsx import last_read
from sheetsync.xlsx.read import read_xlsx
from support.tracker_factory import make_tracker

D = dt.date
TODAY = "2026-09-21"


def _tracker(path: Path) -> Path:
    tasks = [{"id": f"T{i}", "task": f"任务 {i}", "owner": "张三", "status": "进行中",
              "depends_on": f"T{i - 1}" if i > 1 else None, "duration": 2, "deadline": D(2026, 9, 1 + i)}
             for i in range(1, 13)]
    return make_tracker(path, tasks, campaign={"name": "秋季活动", "launch": D(2026, 10, 12), "end": D(2026, 10, 30)})


def _entities(text: str) -> bytes:
    return "".join(f"&#{ord(ch)};" for ch in text).encode()


def _stored(path: Path, replace: tuple[str, str] | None = None) -> None:
    """Rewrite the package uncompressed (so a same-length edit keeps the file's size), optionally replacing
    text in every part (written as UTF-8 or as character references)."""
    with zipfile.ZipFile(path) as zf:
        parts = [(info.filename, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as out:
        for name, data in parts:
            if replace is not None:
                old, new = replace
                data = data.replace(old.encode(), new.encode()).replace(_entities(old), _entities(new))
            out.writestr(zipfile.ZipInfo(name, date_time=(2026, 9, 1, 0, 0, 0)), data)


@pytest.fixture(autouse=True)
def _fresh_process_memory():
    last_read.forget()
    yield
    last_read.forget()


def test_an_edit_keeping_size_and_time_stamp_is_still_seen(tmp_path):
    path = _tracker(tmp_path / "tracker.xlsx")
    api.sync(path, today=TODAY)  # the first sync writes the managed cells
    _stored(path)
    assert not api.sync(path, today=TODAY).changed  # nothing to do, and this read is kept
    again = api.sync(path, today=TODAY)  # from what was kept
    assert not again.changed
    late = {t.id for t in again.report.tasks if t.health == "late"}
    assert late, "the tracker has late tasks to clear"
    st = path.stat()
    _stored(path, ("进行中", "已完成"))  # every task marked done: the same length, as text and as references
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    result = api.sync(path, today=TODAY)
    assert {t.status for t in result.report.tasks} == {"done"}
    assert not {t.id for t in result.report.tasks if t.health == "late"}
    assert result.changed  # the health cells were written again


def test_a_damaged_file_where_a_good_one_was_is_refused(tmp_path):
    path = _tracker(tmp_path / "tracker.xlsx")
    api.sync(path, today=TODAY)
    api.sync(path, today=TODAY)  # read and kept
    cut = path.read_bytes()[: path.stat().st_size // 2]
    path.write_bytes(cut)
    with pytest.raises(SheetsyncError) as err:
        api.sync(path, today=TODAY)
    assert err.value.code == "damaged"
    assert path.read_bytes() == cut  # nothing written over it


def test_the_same_read_analysed_twice_gives_the_same_report(tmp_path):
    path = _tracker(tmp_path / "tracker.xlsx")
    api.sync(path, today=TODAY)
    workbook = read_xlsx(path)
    day = D(2026, 9, 21)
    first = analyse(workbook, day)
    second = analyse(workbook, day)  # recognition kept for this workbook object
    assert json.dumps(first.to_dict(), default=str, sort_keys=True) == \
        json.dumps(second.to_dict(), default=str, sort_keys=True)
    assert first.columns == second.columns and "status" in second.columns
    third = analyse(workbook, day, lang="en")  # the same recognition, read in another language
    assert third.language == "en" and third.columns == first.columns


def test_a_kept_read_is_never_changed_by_the_run_that_uses_it(tmp_path):
    """What makes sharing one read between runs safe: analysing and planning leave the workbook as read."""
    path = _tracker(tmp_path / "tracker.xlsx")
    workbook = read_xlsx(path)
    before = pickle.dumps(workbook)
    report = analyse(workbook, D(2026, 9, 21))
    build_plan(report.main_table(), workbook, run_at=dt.datetime(2026, 9, 21, 9))
    assert pickle.dumps(workbook) == before


def test_a_workbook_let_go_takes_its_recognition_with_it(tmp_path):
    path = _tracker(tmp_path / "tracker.xlsx")
    workbook = read_xlsx(path)
    analyse(workbook, D(2026, 9, 21))
    key = id(workbook)
    assert key in recognition._recognised
    del workbook
    gc.collect()
    assert key not in recognition._recognised  # a long-running process holds no layout of a read it dropped
