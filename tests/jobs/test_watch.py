"""`sheetsync watch` as people meet it: a process left running beside a tracker folder syncs a workbook once
it is saved and closed (never while Excel's owner file says it is open), does nothing after its own write, and
stops cleanly on SIGTERM; against the Google emulator it notices an edit by polling the Drive file's version,
one small request a poll while nothing changes."""
from __future__ import annotations

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import openpyxl

from support.gsheets_fixtures import emu, load_xlsx, token_server  # noqa: F401  (emu, token_server: fixtures)
from support.tracker_factory import make_tracker

SHEETSYNC = [sys.executable, "-m", "sheetsync"]
SHEETS = "https://sheets.googleapis.com/v4/spreadsheets"  # the emulator's session sends these to the emulator
BOUND = 40.0  # seconds: far beyond a sync of a small tracker; the waits below end as soon as it is seen
FIELDS = ("id", "stage", "task", "owner", "deadline", "status")


def tasks(today: dt.date) -> list[dict]:
    return [dict(id="T1", stage="筹备", task="活动方案", owner="张三", status="进行中", deadline=today - dt.timedelta(days=3)),
            dict(id="T2", stage="筹备", task="预算审批", owner="李四", status="未开始", deadline=today + dt.timedelta(days=20)),
            dict(id="T3", stage="执行", task="海报", owner="王五", status="已完成", deadline=today - dt.timedelta(days=5))]


def health_of(path: Path, task_id: str) -> str | None:
    """The Health cell (健康度) of the row whose first cell is `task_id`, as the file holds it."""
    ws = openpyxl.load_workbook(path).worksheets[0]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    for head in rows:
        if "健康度" in head:
            col = head.index("健康度")
            break
    else:
        return None
    for row in rows:
        if row and row[0] == task_id:
            return row[col]
    return None


def wait_for(what, timeout: float = BOUND, step: float = 0.1):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = what()
        if got:
            return got
        time.sleep(step)
    return what()


def syncs(log: Path) -> list[str]:
    return [line for line in log.read_text(encoding="utf-8").splitlines() if "status=synced" in line]


def test_watch_syncs_a_saved_and_closed_workbook_once_and_stops_on_sigterm(tmp_path):
    folder = tmp_path / "drive"
    folder.mkdir()
    today = dt.date.today()
    tracker = make_tracker(folder / "tracker.xlsx", tasks(today), fields=FIELDS)
    log = tmp_path / "watch.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("SHEETSYNC_STATE", None)
    with open(log, "wb") as err:
        proc = subprocess.Popen(SHEETSYNC + ["watch", str(tracker), "--poll", "1", "--settle", "0.5"],
                                stdout=subprocess.PIPE, stderr=err, env=env, cwd=tmp_path)
    try:
        assert wait_for(lambda: syncs(log)), log.read_text()
        assert health_of(tracker, "T1") == "逾期"  # the first sync wrote the managed columns

        # a person opens the workbook (Excel's owner file), saves a copy over it and keeps it open
        owner_file = folder / "~$tracker.xlsx"
        owner_file.write_bytes(b"\x05person")
        wb = openpyxl.load_workbook(tracker)
        ws = wb.worksheets[0]
        for row in ws.iter_rows():
            if row[0].value == "T1":
                row[5].value = "已完成"
        saved = folder / "tracker-saving.tmp"
        wb.save(saved)
        os.replace(saved, tracker)
        assert wait_for(lambda: "status=open" in log.read_text())
        time.sleep(2.0)  # two polls and more than the settle time while it is open: no sync of an open file
        assert len(syncs(log)) == 1
        assert health_of(tracker, "T1") == "逾期"

        owner_file.unlink()  # closed: now it syncs
        assert wait_for(lambda: len(syncs(log)) >= 2), log.read_text()
        assert "reason=changed" in syncs(log)[1]
        assert health_of(tracker, "T1") == "已完成"  # marked done: no longer late

        time.sleep(3.0)  # three polls after its own write
        assert len(syncs(log)) == 2, log.read_text()  # its own write is no change
        status = subprocess.run(SHEETSYNC + ["status", str(tracker), "--lang", "en"], capture_output=True,
                                text=True, timeout=60, env=env)
        assert status.returncode == 0
        assert "tracker.xlsx [file]" in status.stdout and "last sync 20" in status.stdout
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=BOUND)
    text = log.read_text()
    assert code == 0 and "Traceback" not in text, text
    assert "status=stopped signal=SIGTERM" in text
    assert len(syncs(log)) == 2


def test_a_failing_tracker_is_retried_later_and_the_others_go_on(tmp_path):
    """Two trackers in one config: one is not a tracker at all (its sync fails), the other syncs."""
    from sheetsync import api
    from sheetsync.jobs.eventlog import EventLog
    good = make_tracker(tmp_path / "good.xlsx", tasks(dt.date.today()), fields=FIELDS)
    bad = tmp_path / "bad.xlsx"
    openpyxl.Workbook().save(bad)  # a workbook with no task table
    config = tmp_path / "sheetsync.toml"
    config.write_text(f'state = "state"\n[smtp]\nhost = "localhost"\nfrom = "sheetsync@localhost"\n[[trackers]]\nname = "bad"\nsource = "{bad.name}"\n'
                      f'[[trackers]]\nname = "good"\nsource = "{good.name}"\n', encoding="utf-8")
    stream, stop = io.StringIO(), threading.Event()
    log = EventLog(stream)
    runner = threading.Thread(target=lambda: codes.append(api.watch(config=config, poll=1, settle=0.2, stop=stop,
                                                                      log=log)))
    codes: list[int] = []
    runner.start()
    try:
        assert wait_for(lambda: "tracker=good status=synced" in stream.getvalue()), stream.getvalue()
        assert wait_for(lambda: "tracker=bad status=failed" in stream.getvalue())
        failed = [x for x in stream.getvalue().splitlines() if "tracker=bad status=failed" in x]
        assert len(failed) == 1 and "retry_in=" in failed[0]  # backed off, not retried at every tick
        assert health_of(good, "T1") == "逾期"
        lines = api.watch_status(config=config, lang="en")
        assert any(line.startswith("  bad [file]") and "failing since" in line for line in lines), lines
        assert any(line.startswith("  good [file]") and "; ok" in line for line in lines), lines
    finally:
        stop.set()
        runner.join(BOUND)
    assert codes == [0]


def test_a_google_sheet_edit_is_picked_up_by_the_version_poll(emu, tmp_path):
    from sheets_emulator.client import endpoint_session
    from sheetsync import api
    from sheetsync.jobs.eventlog import EventLog
    key = load_xlsx(emu, make_tracker(tmp_path / "tracker.xlsx", tasks(dt.date.today()), fields=FIELDS))
    stream, stop, codes = io.StringIO(), threading.Event(), []
    runner = threading.Thread(target=lambda: codes.append(
        api.watch(f"gsheet:{key}", poll=1, settle=0.5, stop=stop, log=EventLog(stream))))
    runner.start()
    session = endpoint_session(emu.base_url)
    try:
        assert wait_for(lambda: "status=synced reason=start" in stream.getvalue()), stream.getvalue()
        emu.request_log.clear()
        assert wait_for(lambda: len(emu.request_log) >= 3)  # three polls of an unchanged sheet
        polls = list(emu.request_log)
        assert all(e.method == "GET" and e.path == f"/drive/v3/files/{key}" for e in polls), \
            [(e.method, e.path) for e in polls]
        assert all(e.query.get("fields") == ["version"] for e in polls)
        assert stream.getvalue().count("status=synced") == 1

        values = session.get(f"{SHEETS}/{key}/values/A1:Z20").json()["values"]
        row = next(i for i, r in enumerate(values, 1) if r and r[0] == "T1")
        col = values[row - 1].index("进行中")
        health = next(r for r in values if "健康度" in r).index("健康度")
        assert values[row - 1][health] == "逾期"
        cell = f"{chr(ord('A') + col)}{row}"
        answer = session.put(f"{SHEETS}/{key}/values/{cell}",
                             params={"valueInputOption": "USER_ENTERED"}, json={"values": [["已完成"]]})
        assert answer.ok, answer.text
        assert wait_for(lambda: "status=synced reason=changed" in stream.getvalue()), stream.getvalue()
        values = session.get(f"{SHEETS}/{key}/values/A1:Z20").json()["values"]
        assert values[row - 1][health] == "已完成"
        emu.request_log.clear()
        assert wait_for(lambda: len(emu.request_log) >= 2)
        assert all(e.path.startswith("/drive/") for e in emu.request_log)  # its own write was no change
        assert stream.getvalue().count("status=synced") == 2
    finally:
        stop.set()
        runner.join(BOUND)
    assert codes == [0]


def test_the_version_poll_signs_in_for_drive_metadata_and_every_other_request_does_not(emu, token_server, tmp_path):
    """Signed in with a service-account key: the change token's connection asks for the read-only Drive metadata
    scope besides the spreadsheets one, and the emulator (as Drive) refuses files.get to a Sheets-only token."""
    import base64
    import json

    from support.gsheets_fixtures import service_account_file
    from sheetsync.registry import open_source
    key = load_xlsx(emu, make_tracker(tmp_path / "tracker.xlsx", tasks(dt.date.today()), fields=FIELDS))
    creds = service_account_file(tmp_path / "sa.json", token_server.url)
    backend = open_source(f"gsheet:{key}", credentials=str(creds))
    backend.read()
    first = backend.change_token()
    assert first and first == backend.change_token()  # unchanged: the same token

    def scope(grant: str) -> str:
        form = dict(p.split("=", 1) for p in grant.split("&"))
        payload = form["assertion"].split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["scope"]
    scopes = [scope(g) for g in token_server.grants]
    assert scopes == ["https://www.googleapis.com/auth/spreadsheets",
                      "https://www.googleapis.com/auth/spreadsheets https://www.googleapis.com/auth/drive.metadata.readonly"]
    sheets_only = emu.tokens.issue("x@demo-project.iam.gserviceaccount.com")
    refused = endpoint_session_with(emu, sheets_only).get(
        f"https://www.googleapis.com/drive/v3/files/{key}", params={"fields": "version"})
    assert refused.status_code == 403


def endpoint_session_with(emu, token: str):
    import requests
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    original = session.request

    def request(method, url, *args, **kwargs):
        return original(method, url.replace("https://www.googleapis.com", emu.base_url), *args, **kwargs)
    session.request = request
    return session
