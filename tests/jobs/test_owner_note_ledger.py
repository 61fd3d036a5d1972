"""The nightly owner note goes through the delivery ledger: over dropped connections (the server has the note,
the answer is lost) three runs deliver it once; a `sending` row a crash left is `uncertain` after the claim
timeout, shown so by `digest --status`, and resent only with force."""
from __future__ import annotations

import datetime as dt

import openpyxl

from support.digest_fixtures import Recorder, smtp_server
from sheetsync import api
from sheetsync.history import CLAIM_TIMEOUT, History, shown_state, tracker_key
from sheetsync.templates import create_tracker

MONDAY = dt.date(2026, 11, 23)


class DropAfterData(Recorder):
    """Takes the whole message, then closes the connection without answering the final '.'."""

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, None))
        server.transport.abort()
        return "250 OK"


def config_for(tmp_path, port: int) -> str:
    path = tmp_path / "sheetsync.toml"
    path.write_text(f'state = "state"\n\n[smtp]\nhost = "127.0.0.1"\nport = {port}\ntls = "none"\n'
                    f'from = "s@localhost"\n\n[[trackers]]\nname = "summer"\nsource = "summer.xlsx"\n'
                    f'timezone = "Asia/Shanghai"\nowner = "owner@example.com"\n', encoding="utf-8")
    return path


def clear_an_owner(tracker) -> None:
    wb = openpyxl.load_workbook(tracker)
    ws = wb["任务"]
    head = next(r for r in ws.iter_rows(min_row=1, max_row=5) if "负责人" in [c.value for c in r])
    col = [c.value for c in head].index("负责人") + 1
    ws.cell(head[0].row + 2, col).value = None
    wb.save(tracker)


def test_the_owner_note_arrives_once_over_dropped_connections(tmp_path):
    tracker = create_tracker(tmp_path / "summer.xlsx", "campaign-launch", lang="zh", today=MONDAY, scenario="demo")
    handler = DropAfterData()
    with smtp_server(handler) as (controller, _):
        config = config_for(tmp_path, controller.port)
        assert api.run_nightly(config, today=MONDAY).exit_code == 0  # the baseline night: no note
        clear_an_owner(tracker)
        runs = [api.run_nightly(config, today=MONDAY) for _ in range(3)]
    assert len(handler.messages) == 1  # the server got the note once, though no answer ever came back
    assert all(r.exit_code == 0 for r in runs)
    with History(tmp_path / "state" / "state.db") as history:
        rows = [r for r in history.ledger(tracker_key(str(tracker))) if r["kind"].startswith("owner-note")]
    assert [(r["recipient"], r["state"]) for r in rows] == [("owner@example.com", "uncertain")]


def test_a_note_refused_before_anything_left_is_said_again_next_run(tmp_path):
    tracker = create_tracker(tmp_path / "summer.xlsx", "campaign-launch", lang="zh", today=MONDAY, scenario="demo")
    from support.digest_fixtures import free_port
    config = config_for(tmp_path, free_port())  # nobody listens: the connection is refused, nothing left
    assert api.run_nightly(config, today=MONDAY).exit_code == 0
    clear_an_owner(tracker)
    failed = api.run_nightly(config, today=MONDAY)
    assert failed.exit_code == 1 and "not delivered" in failed.results[0].detail
    with smtp_server() as (controller, rec):
        config = config_for(tmp_path, controller.port)
        assert api.run_nightly(config, today=MONDAY).exit_code == 0
        assert api.run_nightly(config, today=MONDAY).exit_code == 0
        assert len(rec.messages) == 1


def test_a_sending_row_left_by_a_crash_becomes_uncertain(tmp_path):
    state = tmp_path / "state.db"
    with History(state) as history:
        assert history.ledger_claim("t", "2026-W48", "a@example.com", "team", message_id="<m@x>") is None
        history.ledger_set("t", "2026-W48", "a@example.com", "team", "sending")
        row = history.ledger_get("t", "2026-W48", "a@example.com", "team")
        assert shown_state(row) == "sending"  # young: a run is sending it now
        later = dt.datetime.fromisoformat(row["updated_at"]) + CLAIM_TIMEOUT
        assert shown_state(row, later) == "uncertain"
        old = (dt.datetime.now(dt.timezone.utc) - CLAIM_TIMEOUT - dt.timedelta(minutes=1)).replace(microsecond=0)
        history.store.execute("UPDATE ledger SET updated_at = ?", (old.isoformat(),))
        stale = history.ledger_get("t", "2026-W48", "a@example.com", "team")
        assert shown_state(stale) == "uncertain"
        assert history.ledger_claim("t", "2026-W48", "a@example.com", "team", message_id="<m@x>") == "uncertain"
        assert history.ledger_get("t", "2026-W48", "a@example.com", "team")["state"] == "uncertain"  # recorded
        assert history.ledger_claim("t", "2026-W48", "a@example.com", "team", message_id="<m@x>") == "uncertain"
        assert history.ledger_claim("t", "2026-W48", "a@example.com", "team", message_id="<m@x>", force=True) is None


def test_digest_status_shows_a_stale_sending_row_as_uncertain(tmp_path):
    tracker = create_tracker(tmp_path / "summer.xlsx", "campaign-launch", lang="en", today=MONDAY, scenario="demo")
    state = tmp_path / "state.db"
    old = (dt.datetime.now(dt.timezone.utc) - CLAIM_TIMEOUT - dt.timedelta(minutes=1)).replace(microsecond=0)
    with History(state) as history:
        history.ledger_claim(tracker_key(str(tracker)), "2026-W48", "team@example.com", "team", message_id="<m@x>")
        history.ledger_set(tracker_key(str(tracker)), "2026-W48", "team@example.com", "team", "sending")
        history.store.execute("UPDATE ledger SET updated_at = ?", (old.isoformat(),))
    status = api.digest_status(tracker, period="2026-W48", state=state, today=MONDAY, lang="en")
    text = "\n".join(status.text())
    assert "uncertain" in text and "sending" not in text.replace("no answer", "")
