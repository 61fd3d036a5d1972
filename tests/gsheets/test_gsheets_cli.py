"""The installed `sheetsync` command as a subprocess against the emulator started as its own process
(`python -m sheets_emulator --port 0`, as a user would; with `--auth KEY.json` it wants a service-account sign-in): `SHEETSYNC_SHEETS_ENDPOINT=URL sheetsync
sync gsheet:KEY --today D` writes the managed columns, rules and report, and a second run writes nothing; missing
credentials, unknown keys and unshared sheets end in one line and exit 2, in English and Chinese."""
import base64
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from sheetsync.owned import FINDINGS_START

from support.gsheets_fixtures import emu, load_xlsx, service_account_file, token_server  # noqa: F401
from sheets_emulator.client import endpoint_session, gspread_client_for
from sheets_emulator.seed import upload_xlsx
from support.cli_runs import SCRIPT, one_line_exit_2, run, standalone  # noqa: F401  (standalone: a fixture)
from support.twin_trackers import CAMPAIGN, PEOPLE, TRACKERS
from support.tracker_factory import make_tracker

EMAIL = "tracker-bot@demo-project.iam.gserviceaccount.com"


def own_rules(base, key, title):
    """The task sheet's conditional formats as spreadsheets.get returns them."""
    return own_rules_with(base, key, title, None)


def own_rules_with(base, key, title, credentials):
    r = endpoint_session(base, credentials).get(f"https://sheets.googleapis.com/v4/spreadsheets/{key}",
                                   params={"fields": "sheets(properties(title),conditionalFormats)"}, timeout=10)
    r.raise_for_status()
    sheet = next(s for s in r.json()["sheets"] if s["properties"]["title"] == title)
    return sheet.get("conditionalFormats") or []


def test_cli_sync_against_the_standalone_emulator_writes_columns_rules_and_report(tmp_path, standalone):
    proc, base = standalone
    assert proc.pid != os.getpid() and proc.poll() is None
    spec = dict(TRACKERS["mixed-zh"])
    path = make_tracker(tmp_path / "plan.xlsx", spec.pop("tasks"), **spec)
    key = upload_xlsx(endpoint_session(base), path)  # a person's sheet, created through the API
    book = gspread_client_for(base, timeout=10).open_by_key(key)
    before = book.worksheet("任务").get_all_values()
    assert len(before[2]) == 14  # the tracker's own columns only

    first = run(["sync", f"gsheet:{key}", "--today", "2026-09-21"], endpoint=base, cwd=tmp_path)
    assert first.returncode == 1, first.stderr  # the tracker has errors: exit 1, written anyway
    assert "Traceback" not in first.stderr
    tasks = book.worksheet("任务").get_all_values()
    assert tasks[2][14:17] == ["计划截止", "健康度", "提示"]  # managed headers right of the user's columns
    by_id = {row[0]: row for row in tasks[3:] if row[0]}
    assert by_id["T1"][14] == "2026-09-18" and by_id["T1"][15] == "逾期"  # Due shown as a date, Health
    assert by_id["T6"][15] == "已完成" and by_id["T3"][15] == "数据有误"
    assert by_id["T6"][2] == '=IMPORTXML("http://x","//a")'  # a person's formula text stays text
    assert [row[:14] for row in tasks] == [row[:14] + [""] * (14 - len(row[:14])) for row in before]

    rules = own_rules(base, key, "任务")
    formulas = [r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for r in rules]
    assert len(rules) == 6 and all(f.startswith('=AND("sheetsync"="sheetsync",') for f in formulas)
    assert any('$P4="逾期"' in f for f in formulas)

    report = book.worksheet("同步报告").get_all_values()
    assert report[0][0].startswith("sheetsync")
    codes = {row[4] for row in report[FINDINGS_START:]}
    assert report[FINDINGS_START - 1][:6] == ["严重程度", "单元格", "任务", "问题", "代码", "说明"]
    titles = {row[3] for row in report[FINDINGS_START:]}
    assert {"日期无法识别", "编号重复", "前置任务不存在"} <= titles, titles  # kinds by title, in the sheet's language
    assert not any(str(v).startswith(("fp:", "notes:")) for row in report for v in row[:7])
    assert {"bad-date", "duplicate-id", "unknown-dependency"} <= codes, codes

    second = run(["sync", f"gsheet:{key}", "--today", "2026-09-21", "--format", "json"], endpoint=base, cwd=tmp_path)
    assert json.loads(second.stdout)["written"]["changed"] is False
    assert book.worksheet("同步报告").get_all_values() == report  # not even the run time was rewritten
    assert book.worksheet("任务").get_all_values() == tasks
    assert own_rules(base, key, "任务") == rules


def test_no_credentials_is_one_line_exit_2(tmp_path):
    line = one_line_exit_2(run(["validate", "gsheet:1AbCdEf", "--lang", "en"]))
    assert "credentials" in line and "GOOGLE_APPLICATION_CREDENTIALS" in line
    zh = one_line_exit_2(run(["sync", "gsheet:1AbCdEf", "--lang", "zh"]))
    assert "凭据" in zh


def test_unknown_key_is_one_line_exit_2(emu):
    line = one_line_exit_2(run(["validate", "gsheet:no-such-key", "--lang", "en"], endpoint=emu.base_url))
    assert "no-such-key" in line and "not found" in line
    zh = one_line_exit_2(run(["sync", "https://docs.google.com/spreadsheets/d/no-such-key/edit", "--lang", "zh"],
                             endpoint=emu.base_url))
    assert "no-such-key" in zh and "找不到" in zh


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


def test_cli_sync_with_a_service_account_key_against_the_emulator_requiring_sign_in(tmp_path):
    """As against Google: the emulator knows the account's public key (--auth), the key file's token_uri is the
    emulator's, google-auth signs the JWT, and every Sheets call carries the bearer token it got back."""
    from google.oauth2 import service_account
    told = service_account_file(tmp_path / "told.json", "http://127.0.0.1:1/token", EMAIL)  # port not known yet
    proc = subprocess.Popen([sys.executable, "-m", "sheets_emulator", "--port", "0", "--auth", str(told)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        base = proc.stdout.readline().strip()
        assert base.startswith("http://127.0.0.1:"), base
        info = json.loads(told.read_text(encoding="utf-8"))
        key_file = tmp_path / "sa.json"
        key_file.write_text(json.dumps(dict(info, token_uri=f"{base}/token")), encoding="utf-8")
        spec = dict(TRACKERS["mixed-zh"])
        path = make_tracker(tmp_path / "plan.xlsx", spec.pop("tasks"), **spec)
        creds = service_account.Credentials.from_service_account_file(
            str(key_file), scopes=["https://www.googleapis.com/auth/spreadsheets"])
        key = upload_xlsx(endpoint_session(base, creds), path)  # the bot made the sheet, so it may edit it

        anonymous = one_line_exit_2(run(["sync", f"gsheet:{key}", "--today", "2026-09-21", "--lang", "en"],
                                        endpoint=base, cwd=tmp_path))
        assert key in anonymous and "refused" in anonymous  # no sign-in, no access
        first = run(["sync", f"gsheet:{key}", "--today", "2026-09-21", "--credentials", str(key_file)],
                    endpoint=base, cwd=tmp_path)
        assert first.returncode == 1, first.stderr  # the tracker has errors: exit 1, written anyway
        tasks = gspread_client_for(base, credentials=creds, timeout=10).open_by_key(key).worksheet("任务").get_all_values()
        assert tasks[2][14:17] == ["计划截止", "健康度", "提示"]
        assert len(own_rules_with(base, key, "任务", creds)) == 6
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
