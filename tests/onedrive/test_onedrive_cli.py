"""The installed `sheetsync` command against the Graph emulator started as its own process
(`python -m sheets_emulator --api graph --port 0 --seed-xlsx FILE`, as a user would): validate, sync and digest on
onedrive:DRIVE/ITEM and on a sharing link, free and open in Excel; jobs from sheetsync.toml; a refused sign-in in one
line; the client secret in no output."""
from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from support.onedrive_fixtures import TODAY, graph, tracker_file  # noqa: F401

SCRIPT = Path(sys.executable).parent / "sheetsync"


@pytest.fixture
def standalone(tmp_path):
    """(environment for sheetsync, the seeded source) of an emulator process holding the mixed-zh tracker."""
    path = tracker_file(tmp_path)
    secret = "s3cr3t-" + secrets.token_urlsafe(16)
    env = {**os.environ, "SHEETSYNC_GRAPH_CLIENT_SECRET": secret}
    proc = subprocess.Popen([sys.executable, "-m", "sheets_emulator", "--api", "graph", "--port", "0",
                             "--seed-xlsx", str(path)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=env)
    try:
        base = proc.stdout.readline().strip()
        source = proc.stdout.readline().strip()
        assert base.startswith("http://127.0.0.1:") and base.endswith("/v1.0"), base
        assert source.startswith("onedrive:"), source
        env.update({"SHEETSYNC_GRAPH_ENDPOINT": base, "SHEETSYNC_GRAPH_AUTHORITY": base[:-len("/v1.0")],
                    "SHEETSYNC_GRAPH_TENANT": "contoso", "SHEETSYNC_GRAPH_CLIENT_ID": "sheetsync-app",
                    "SHEETSYNC_GRAPH_TRIES": "3", "SHEETSYNC_GRAPH_BACKOFF": "0.01", "SHEETSYNC_GRAPH_DEADLINE": "20"})
        env.pop("SHEETSYNC_TODAY", None)
        yield env, source, secret
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def run(env, *args, cwd=None):
    return subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=120, env=env,
                          cwd=cwd)


def test_validate_sync_and_digest_on_a_onedrive_workbook(tmp_path, standalone):
    env, source, secret = standalone
    env = {**env, "SHEETSYNC_DEBUG": "1"}
    checked = run(env, "validate", source, "--today", TODAY, cwd=tmp_path)
    assert checked.returncode == 1 and "late" in checked.stdout, checked.stderr  # the tracker has errors
    first = run(env, "sync", source, "--today", TODAY, cwd=tmp_path)
    assert first.returncode == 1 and "Traceback" not in first.stderr
    assert "同步报告" in first.stdout + first.stderr
    second = run(env, "sync", source, "--today", TODAY, "--format", "json", cwd=tmp_path)
    assert '"changed": false' in second.stdout
    digest = run(env, "digest", source, "--today", TODAY, "--outbox", tmp_path / "out", cwd=tmp_path)
    assert digest.returncode in (0, 1), digest.stderr
    html = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out").glob("*.html"))
    assert "contoso-my.sharepoint.com/personal/emulator/_layouts/15/Doc.aspx" in html  # the workbook's webUrl
    for p in (checked, first, second, digest):
        assert secret not in p.stdout + p.stderr


def test_a_wrong_secret_is_one_line_exit_2_without_the_secret(tmp_path, standalone):
    env, source, secret = standalone
    wrong = "wrong-" + secrets.token_urlsafe(12)
    p = run({**env, "SHEETSYNC_GRAPH_CLIENT_SECRET": wrong}, "validate", source, "--today", TODAY, cwd=tmp_path)
    assert p.returncode == 2 and "Traceback" not in p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "AADSTS7000215" in lines[0]
    assert wrong not in p.stdout + p.stderr and secret not in p.stdout + p.stderr


def test_missing_settings_name_the_variables(tmp_path, standalone):
    env, source, _ = standalone
    env = {k: v for k, v in env.items() if k != "SHEETSYNC_GRAPH_CLIENT_ID"}
    p = run(env, "validate", source, "--lang", "en", cwd=tmp_path)
    assert p.returncode == 2 and "SHEETSYNC_GRAPH_CLIENT_ID" in p.stderr and len(p.stderr.strip().splitlines()) == 1


def test_jobs_sync_a_onedrive_tracker_from_the_config(tmp_path, standalone):
    env, source, secret = standalone
    config = tmp_path / "sheetsync.toml"
    config.write_text(f'state = "state"\n[smtp]\nhost = "localhost"\nfrom = "sheetsync@example.com"\n\n'
                      f'[[trackers]]\nname = "cloud"\nsource = "{source}"\nowner = "owner@example.com"\n',
                      encoding="utf-8")
    checked = run(env, "config", "check", "--config", config, "--lang", "en", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    first = run(env, "run", "nightly", "--config", config, "--today", TODAY, "--outbox", tmp_path / "notes",
                cwd=tmp_path)
    assert first.returncode == 0 and "status=ok" in first.stderr, first.stderr
    again = run(env, "sync", source, "--today", TODAY, "--format", "json", cwd=tmp_path)
    assert '"changed": false' in again.stdout  # the nightly run wrote everything
    assert secret not in first.stdout + first.stderr + checked.stdout + checked.stderr


def test_open_in_excel_the_command_and_the_nightly_job_say_rules_and_report_wait(tmp_path, graph):
    from support.onedrive_fixtures import item_of, stored
    source = stored(graph, tracker_file(tmp_path))
    graph.open_in_excel(item_of(source))
    env = {**os.environ, "SHEETSYNC_DEBUG": "1"}
    synced = run(env, "sync", source, "--today", TODAY, "--lang", "en", cwd=tmp_path)
    assert synced.returncode == 1, synced.stderr
    assert "the highlight rules and the report sheet wait" in synced.stdout + synced.stderr
    config = tmp_path / "sheetsync.toml"
    config.write_text(f'state = "state"\n[smtp]\nhost = "localhost"\nfrom = "sheetsync@example.com"\n\n'
                      f'[[trackers]]\nname = "cloud"\nsource = "{source}"\nlanguage = "en"\n', encoding="utf-8")
    nightly = run(env, "run", "nightly", "--config", config, "--today", TODAY, "--outbox", tmp_path / "notes",
                  cwd=tmp_path)
    assert nightly.returncode == 0 and "status=ok" in nightly.stderr, nightly.stderr
    assert "waiting=" in nightly.stderr and "report sheet wait" in nightly.stderr
    assert graph.client_secret not in synced.stdout + synced.stderr + nightly.stdout + nightly.stderr


def test_the_standalone_emulator_switch_opens_the_workbook_in_excel(tmp_path, standalone):
    import requests
    env, source, _ = standalone
    root = env["SHEETSYNC_GRAPH_AUTHORITY"]
    item = source.rsplit("/", 1)[1]
    assert requests.post(f"{root}/_control/open-in-excel", params={"item": item, "open": "1"}).status_code == 204
    busy = run(env, "sync", source, "--today", TODAY, "--lang", "en", cwd=tmp_path)
    assert busy.returncode == 1 and "report sheet wait" in busy.stdout + busy.stderr, busy.stderr
    assert requests.post(f"{root}/_control/open-in-excel", params={"item": item, "open": "0"}).status_code == 204
    free = run(env, "sync", source, "--today", TODAY, "--format", "json", cwd=tmp_path)
    assert '"changed": true' in free.stdout and '"note": null' in free.stdout
    again = run(env, "sync", source, "--today", TODAY, "--format", "json", cwd=tmp_path)
    assert '"changed": false' in again.stdout
