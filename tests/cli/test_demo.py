"""`sheetsync demo`, as `make demo` runs it: the whole loop on an embedded tracker, outputs checked."""
from __future__ import annotations

import email
import email.policy
import os
import subprocess
import sys

from python_calamine import CalamineWorkbook


def test_demo_syncs_the_tracker_and_writes_well_formed_digests(tmp_path):
    folder = tmp_path / "demo-output"
    out = subprocess.run([sys.executable, "-m", "sheetsync", "demo", "--folder", str(folder), "--today", "2026-11-23"],
                         capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "120"})
    assert out.returncode == 0, out.stderr
    tracker = folder / "夏日清凉服务季.xlsx"
    assert str(tracker) in out.stdout and str(folder / "outbox") in out.stdout

    book = CalamineWorkbook.from_path(str(tracker))
    assert "同步报告" in book.sheet_names
    rows = book.get_sheet_by_name("任务").to_python()
    header_at = next(i for i, r in enumerate(rows) if "健康度" in r)
    health = [r[rows[header_at].index("健康度")] for r in rows[header_at + 1:] if any(r)]
    for wanted in ("逾期", "待审核超时", "受阻", "已完成"):
        assert wanted in health, (wanted, health)
    report = book.get_sheet_by_name("同步报告").to_python()
    assert any("late" in str(c) or "逾期" in str(c) for r in report for c in r)

    emls = sorted((folder / "outbox").glob("*.eml"))
    kinds = {p.name.split("-")[2] for p in emls}
    assert kinds == {"team", "personal"}
    for path in emls:
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert msg["Subject"] and msg["To"] and msg["Message-ID"]
        types = [p.get_content_type() for p in msg.walk()]
        assert "text/plain" in types and "text/html" in types
        if "-team-" in path.name:
            assert "image/png" in types  # the progress chart, related to the HTML
            assert "第48周" in str(msg["Subject"])
        assert path.with_suffix(".html").is_file()

    again = subprocess.run([sys.executable, "-m", "sheetsync", "demo", "--folder", str(folder), "--today",
                            "2026-11-23"], capture_output=True, text=True, timeout=120)
    assert again.returncode == 0  # the demo's own folder is recreated on a rerun


def test_demo_on_a_utc_server_late_on_monday_keeps_its_promise_and_one_set_of_hours(tmp_path):
    # 23:30 UTC on Monday is Tuesday 07:30 in Shanghai, the demo tracker's zone
    import datetime as dt
    import hashlib
    import re

    env = {**os.environ, "TZ": "UTC", "SHEETSYNC_NOW": "2026-11-23T23:30:00+00:00", "SHEETSYNC_SMTP_HOST": ""}
    env.pop("SHEETSYNC_TODAY", None)
    folder = tmp_path / "demo-output"
    out = subprocess.run([sys.executable, "-m", "sheetsync", "demo", "--folder", str(folder)],
                         capture_output=True, text=True, timeout=180, env=env)
    assert out.returncode == 0, out.stderr
    tracker = folder / "夏日清凉服务季.xlsx"
    before = hashlib.sha256(tracker.read_bytes()).hexdigest()
    again = subprocess.run([sys.executable, "-m", "sheetsync", "sync", str(tracker)], capture_output=True, text=True,
                           timeout=180, env=env)
    assert again.returncode in (0, 1), again.stderr
    assert hashlib.sha256(tracker.read_bytes()).hexdigest() == before  # "running sync again changes nothing"

    book = CalamineWorkbook.from_path(str(tracker))
    rows = book.get_sheet_by_name("任务").to_python()
    head_at = next(i for i, r in enumerate(rows) if "提示" in r)
    head = rows[head_at]
    waiting = [r for r in rows[head_at + 1:] if re.search(r"待审核超时\D*\d+ 小时", str(r[head.index("提示")]))]
    assert len(waiting) == 1, [r[head.index("提示")] for r in rows[head_at + 1:]]
    row = waiting[0]
    flags_hours = int(re.search(r"待审核超时\D*(\d+) 小时", row[head.index("提示")]).group(1))
    submitted = row[head.index("提交审核时间")]
    submitted = submitted if isinstance(submitted, dt.datetime) else dt.datetime.fromisoformat(str(submitted))
    # the review clock counts the hours of working days only (engine.review_clock), the same figure everywhere
    from sheetsync.engine.calendar import WorkCalendar
    from sheetsync.engine.review_clock import waiting_hours
    expected = waiting_hours(submitted, dt.datetime(2026, 11, 24, 7, 30), WorkCalendar("CN"))
    assert flags_hours == expected

    report = " ".join(str(c) for r in book.get_sheet_by_name("同步报告").to_python() for c in r)
    assert "2026-11-24（周二） 07:30" in report  # the run's clock, in Shanghai, with its weekday
    assert [int(h) for h in re.findall(r"已等待 (\d+) 小时", report)] == [expected]

    texts = {}
    for path in (folder / "outbox").glob("*.eml"):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        texts[path.name] = msg.get_body(("plain",)).get_content()
    team = next(t for n, t in texts.items() if "-team-" in n)
    assert [int(h) for h in re.findall(r"已提交 (\d+) 小时", team)] == [expected]
    mailed = {int(h) for t in texts.values() for h in re.findall(r"已等待 (\d+) 小时", t)}
    mailed |= {int(h) for t in texts.values() for h in re.findall(r"已 (\d+) 小时", t)}
    assert mailed == {expected}  # the reviewer's and the owner's digests say the same
    assert all(n.startswith("2026-W48-") for n in texts)  # Tuesday of ISO week 48
