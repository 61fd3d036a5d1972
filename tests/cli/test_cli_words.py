"""What the command line says, through the real command: a dry run shows an empty cell as empty (never None),
a kind of finding is listed once, a one-line error is in the tracker's language once it is known and in both
before, and `--all` means "every finding" everywhere (the digest's team-and-personal is --everyone)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from support.tracker_factory import make_tracker

D = dt.date
TASKS = [{"id": "T1", "task": "写方案", "owner": "张三", "status": "进行中", "deadline": D(2026, 10, 9)},
         {"id": "T2", "task": "做海报", "owner": "李四", "status": "未开始", "deadline": "不是日期"}]
CAMPAIGN = {"name": "C", "launch": D(2026, 10, 12), "recipients": "team@example.com"}


def run(*args, cwd: Path, env=None):
    base = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_") and k != "LANG"}
    base["SHEETSYNC_STATE"] = str(cwd / ".sheetsync" / "state.db")
    return subprocess.run([sys.executable, "-m", "sheetsync", *map(str, args)], capture_output=True, text=True,
                          env={**base, **(env or {})}, cwd=cwd, timeout=120)


def test_a_dry_run_shows_empty_cells_as_empty_not_none(tmp_path):
    path = make_tracker(tmp_path / "t.xlsx", TASKS, campaign=CAMPAIGN)
    for lang, empty in (("zh", "\uff08空\uff09"), ("en", "(empty)")):
        p = run("sync", path, "--dry-run", "--today", "2026-10-01", "--lang", lang, cwd=tmp_path)
        assert p.returncode in (0, 1), p.stderr
        changes = [line for line in p.stdout.splitlines() if " -> " in line]
        assert changes and all("None" not in line for line in changes), changes
        assert any(line.strip().split(": ", 1)[1].startswith(f"{empty} -> ") for line in changes), changes


def test_errors_before_the_tracker_is_read_are_in_both_languages_after_in_its_own(tmp_path):
    missing = run("validate", tmp_path / "missing.xlsx", cwd=tmp_path)
    (line,) = missing.stderr.strip().splitlines()
    assert missing.returncode == 2 and any("\u4e00" <= ch <= "\u9fff" for ch in line)  # Chinese
    assert any(w in line.lower() for w in ("not found", "no such", "does not exist")), line  # and English
    empty = make_tracker(tmp_path / "empty.xlsx", [], campaign=CAMPAIGN)  # a Chinese tracker, header only
    p = run("sync", empty, "--today", "2026-10-01", cwd=tmp_path, env={"LANG": "en_US.UTF-8"})
    (line,) = p.stderr.strip().splitlines()
    assert p.returncode == 2 and "只有表头" in line and "header row" not in line, line


def test_digest_everyone_and_the_old_all_which_says_its_new_name(tmp_path):
    path = make_tracker(tmp_path / "t.xlsx", TASKS, campaign=CAMPAIGN)
    new = run("digest", path, "--everyone", "--outbox", tmp_path / "a", "--today", "2026-10-01", "--lang", "en",
              cwd=tmp_path)
    assert new.returncode == 0 and "--all" not in new.stderr, new.stderr
    old = run("digest", path, "--all", "--outbox", tmp_path / "b", "--today", "2026-10-01", "--lang", "en",
              cwd=tmp_path, env={"SHEETSYNC_STATE": str(tmp_path / "other.db")})  # its own ledger: writes again
    assert old.returncode == 0, old.stderr
    (line,) = old.stderr.strip().splitlines()
    assert "--everyone" in line
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(p.name for p in (tmp_path / "b").iterdir())
    shown = run("digest", "--help", cwd=tmp_path).stdout
    assert "--everyone" in shown and "--all" not in shown


def test_a_kind_of_finding_is_listed_once_in_the_kinds_line(tmp_path):
    from sheetsync import api
    from sheetsync.render import counts_by_code
    report = api.validate(make_tracker(tmp_path / "t.xlsx", TASKS, campaign=CAMPAIGN), today="2026-10-01")
    first = report.findings[0]
    other = "warning" if first.severity == "error" else "error"
    report.findings.append(dataclasses.replace(first, severity=other, row=(first.row or 0) + 100))
    codes = [code for _, code, _ in counts_by_code(report)]
    assert len(codes) == len(set(codes))
    assert dict((c, n) for _, c, n in counts_by_code(report))[first.code] == sum(
        f.code == first.code for f in report.findings)
