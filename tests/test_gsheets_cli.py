"""The real CLI as a subprocess against the emulator: sync writes once, a second sync writes nothing; missing
credentials, unknown keys and unshared sheets end in one line and exit 2."""
import base64
import json
import os
import signal
import subprocess
import sys

import pytest

from gsheets_fixtures import emu, load_xlsx, service_account_file, token_server  # noqa: F401
from sheetsync.testing.sheets_client import gspread_client_for
from test_gsheets_read import CAMPAIGN, PEOPLE, TRACKERS
from tracker_factory import make_tracker

SHEETSYNC = [sys.executable, "-m", "sheetsync.cli"]
EMAIL = "tracker-bot@demo-project.iam.gserviceaccount.com"


def run(args, endpoint=None, **env):
    clean = {k: v for k, v in os.environ.items()
             if k not in ("SHEETSYNC_SHEETS_ENDPOINT", "GOOGLE_APPLICATION_CREDENTIALS", "SHEETSYNC_TODAY")}
    if endpoint:
        clean["SHEETSYNC_SHEETS_ENDPOINT"] = endpoint
    clean.update({"SHEETSYNC_SHEETS_TRIES": "3", "SHEETSYNC_SHEETS_DEADLINE": "20", "SHEETSYNC_SHEETS_BACKOFF": "0.02"})
    clean.update(env)
    return subprocess.run(SHEETSYNC + args, capture_output=True, text=True, timeout=120, env=clean)


def one_line_exit_2(p):
    assert p.returncode == 2, (p.stdout, p.stderr)
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sheetsync: ") and "Traceback" not in p.stderr
    return lines[0]


@pytest.fixture
def standalone(tmp_path):
    spec = dict(TRACKERS["mixed-zh"])
    path = make_tracker(tmp_path / "plan.xlsx", spec.pop("tasks"), **spec)
    proc = subprocess.Popen([sys.executable, "-m", "sheetsync.testing.sheets_emulator", "--port", "0",
                             "--seed-xlsx", str(path)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        base, key = proc.stdout.readline().strip(), proc.stdout.readline().strip()
        yield base, key
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_cli_sync_writes_once_then_nothing(standalone):
    base, key = standalone
    first = run(["sync", f"gsheet:{key}", "--today", "2026-09-21", "--format", "json"], endpoint=base)
    assert first.returncode == 1, first.stderr  # the tracker has errors: exit 1, written anyway
    out = json.loads(first.stdout)["written"]
    assert out["changed"] and out["cells"] and out["rules"] >= 5
    book = gspread_client_for(base, timeout=10).open_by_key(key)
    tasks = book.worksheet("任务").get_all_values()
    assert tasks[2][14:17] == ["计划截止", "健康度", "提示"]
    report = book.worksheet("同步报告").get_all_values()
    assert report[0][0].startswith("sheetsync")
    second = run(["sync", f"gsheet:{key}", "--today", "2026-09-21", "--format", "json"], endpoint=base)
    assert json.loads(second.stdout)["written"]["changed"] is False
    assert book.worksheet("同步报告").get_all_values() == report  # not even the run time was rewritten
    assert book.worksheet("任务").get_all_values() == tasks


def test_no_credentials_is_one_line_exit_2(tmp_path):
    line = one_line_exit_2(run(["validate", "gsheet:1AbCdEf", "--lang", "en"]))
    assert "credentials" in line and "GOOGLE_APPLICATION_CREDENTIALS" in line
    zh = one_line_exit_2(run(["sync", "gsheet:1AbCdEf", "--lang", "zh"]))
    assert "凭据" in zh


def test_unknown_key_is_one_line_exit_2(emu):
    line = one_line_exit_2(run(["validate", "gsheet:no-such-key", "--lang", "en"], endpoint=emu.base_url))
    assert "no-such-key" in line and "not found" in line


def test_missing_or_broken_credentials_file(tmp_path, emu):
    line = one_line_exit_2(run(["validate", "gsheet:k", "--credentials", str(tmp_path / "nope.json")],
                               endpoint=emu.base_url, LANG="C"))
    assert "nope.json" in line
    bad = tmp_path / "bad.json"
    bad.write_text('{"type": "authorized_user"}', encoding="utf-8")
    line = one_line_exit_2(run(["validate", "gsheet:k", "--lang", "en"], endpoint=emu.base_url,
                               GOOGLE_APPLICATION_CREDENTIALS=str(bad)))
    assert "service-account" in line


def test_not_shared_names_the_service_account(tmp_path, emu, token_server):
    creds = service_account_file(tmp_path / "sa.json", token_server.url, EMAIL)
    key = emu.create_spreadsheet("private", sheets={"Tasks": [["ID", "Task", "Owner"]]}, shared=False)
    line = one_line_exit_2(run(["validate", f"gsheet:{key}", "--credentials", str(creds), "--lang", "en"],
                               endpoint=emu.base_url))
    assert EMAIL in line and "share" in line.lower()
    zh = one_line_exit_2(run(["validate", f"gsheet:{key}", "--lang", "zh"], endpoint=emu.base_url,
                             GOOGLE_APPLICATION_CREDENTIALS=str(creds)))
    assert EMAIL in zh and "共享" in zh
    # the service account really signed in, asking for the spreadsheets scope only
    grant = dict(p.split("=", 1) for p in token_server.grants[0].split("&"))
    assert grant["grant_type"] == "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"
    payload = grant["assertion"].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["iss"] == EMAIL and claims["scope"] == "https://www.googleapis.com/auth/spreadsheets"


def test_service_account_reads_a_shared_sheet(tmp_path, emu, token_server):
    import sheetsync.api as api
    creds = service_account_file(tmp_path / "sa.json", token_server.url)
    key = load_xlsx(emu, make_tracker(tmp_path / "t.xlsx", TRACKERS["mixed-zh"]["tasks"], campaign=CAMPAIGN,
                                      people=PEOPLE))
    report = api.validate(f"gsheet:{key}", today="2026-09-21", credentials=str(creds))
    assert len(report.tasks) == 7 and token_server.grants
