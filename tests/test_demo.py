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
