"""The installed `sheetsync` command as a subprocess against the Feishu emulator started as its own process
(`python -m sheets_emulator --api feishu --port 0 --seed-xlsx FILE`, as a user would): validate, inspect, sync
and digest on a Feishu sheet link give what they give on the .xlsx; a second sync writes nothing; missing
credentials and an app not added to the document end in one line and exit 2; the app secret is never printed."""
import json
import os
import signal
import subprocess
import sys

import pytest

from sheets_emulator.feishu.server import APP_ID, APP_SECRET
from support.cli_runs import SCRIPT, one_line_exit_2
from support.twin_trackers import TRACKERS
from support.tracker_factory import make_tracker

TODAY = "2026-09-21"


def run(args, endpoint=None, cwd=None, secret=APP_SECRET, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
    if endpoint:
        clean["SHEETSYNC_FEISHU_ENDPOINT"] = endpoint
    if secret:
        clean.update({"SHEETSYNC_FEISHU_APP_ID": APP_ID, "SHEETSYNC_FEISHU_APP_SECRET": secret})
    clean.update({"SHEETSYNC_FEISHU_TRIES": "3", "SHEETSYNC_FEISHU_BACKOFF": "0.02"})
    clean.update(env)
    assert SCRIPT.is_file()
    p = subprocess.run([str(SCRIPT)] + args, capture_output=True, text=True, timeout=120, env=clean, cwd=cwd)
    assert APP_SECRET not in p.stdout + p.stderr
    return p


@pytest.fixture
def standalone(tmp_path):
    """The Feishu emulator as a separate process, seeded with a tracker: yields (base URL, token, .xlsx)."""
    spec = dict(TRACKERS["mixed-zh"])
    path = make_tracker(tmp_path / "plan.xlsx", spec.pop("tasks"), **spec)
    proc = subprocess.Popen([sys.executable, "-m", "sheets_emulator", "--api", "feishu", "--port", "0",
                             "--seed-xlsx", str(path)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        base = proc.stdout.readline().strip()
        token = proc.stdout.readline().strip()
        assert base.startswith("http://127.0.0.1:") and token, (base, token)
        yield base, token, path
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def findings(out):
    return sorted((f["code"], f["cell"] or "", f["severity"]) for f in json.loads(out)["findings"])


def test_validate_inspect_sync_digest_as_on_the_xlsx(tmp_path, standalone):
    base, token, path = standalone
    link = f"https://acme.feishu.cn/sheets/{token}"
    on_xlsx = run(["validate", str(path), "--today", TODAY, "--format", "json"], cwd=tmp_path)
    on_feishu = run(["validate", link, "--today", TODAY, "--format", "json"], endpoint=base, cwd=tmp_path)
    assert on_feishu.returncode == on_xlsx.returncode == 1, on_feishu.stderr
    assert findings(on_feishu.stdout) == findings(on_xlsx.stdout) != []

    seen = run(["inspect", link, "--today", TODAY], endpoint=base, cwd=tmp_path)
    assert seen.returncode in (0, 1) and "Traceback" not in seen.stderr and "任务" in seen.stdout

    first = run(["sync", f"feishu:{token}", "--today", TODAY, "--format", "json"], endpoint=base, cwd=tmp_path)
    assert first.returncode == 1 and json.loads(first.stdout)["written"]["changed"] is True, first.stderr
    second = run(["sync", f"feishu:{token}", "--today", TODAY, "--format", "json"], endpoint=base, cwd=tmp_path)
    assert json.loads(second.stdout)["written"]["changed"] is False

    out = tmp_path / "out"
    sent = run(["digest", link, "--today", TODAY, "--outbox", str(out)], endpoint=base, cwd=tmp_path)
    assert sent.returncode in (0, 1), sent.stderr
    mails = list(out.glob("*.eml"))
    assert mails and all(APP_SECRET not in m.read_text(encoding="utf-8", errors="replace") for m in mails)


def test_no_credentials_is_one_line_exit_2(tmp_path):
    line = one_line_exit_2(run(["validate", "feishu:shtcnAbc", "--lang", "en"], secret=None))
    assert "SHEETSYNC_FEISHU_APP_ID" in line
    zh = one_line_exit_2(run(["sync", "https://acme.feishu.cn/sheets/shtcnAbc", "--lang", "zh"], secret=None))
    assert "凭据" in zh


def test_unknown_sheet_and_wrong_secret_are_one_line_exit_2(tmp_path, standalone):
    base, token, _ = standalone
    line = one_line_exit_2(run(["validate", "feishu:nosuchtoken", "--lang", "en"], endpoint=base))
    assert "nosuchtoken" in line and "not found" in line
    line = one_line_exit_2(run(["validate", f"feishu:{token}", "--lang", "en"], endpoint=base, secret="wrong-secret-42"))
    assert "sign in" in line and "wrong-secret-42" not in line
