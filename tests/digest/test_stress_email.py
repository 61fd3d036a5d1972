"""`make stress`: digests are delivered exactly once across reruns and dropped connections, counted at a real
aiosmtpd server on 127.0.0.1. tests/digest/test_digest_smtp.py proves each drop point once; here the server drops the
connection (or refuses for a while) at random points of random messages, over many rounds of reruns, and a
delivery run is also SIGKILLed at random moments.

What SMTP allows (RFC 5321 §6.1) and the ledger promises:
- a message the ledger calls `sent` arrived exactly once;
- a message that is `failed` or `pending` never arrived, and the next run sends it;
- a message whose connection died after the final '.' is `uncertain`: it arrived at most once and is never
  resent without --force (the one case SMTP cannot settle);
- so no recipient ever gets a message twice, and after reruns against a healthy server every message is
  `sent` or `uncertain`.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from support.digest_fixtures import Recorder, campaign_week, smtp_server
from sheetsync.digest import History, SmtpSettings, build_digests, deliver

pytestmark = pytest.mark.stress

TRACKER = "tracker.xlsx"
PERIOD = "2026-W42"
POINTS = ("ehlo", "mail", "rcpt", "rcpt-451", "data-lost", "data-kept", "after-reply")


class Flaky(Recorder):
    """Accepts mail, except that at each step of each message it may, at random, hang up or refuse."""

    def __init__(self, rng: random.Random, p: float):
        super().__init__()
        self.rng, self.p, self.on = rng, p, True
        self.drops: Counter = Counter()

    def _drop(self, point: str) -> bool:
        if self.on and self.rng.random() < self.p:
            self.drops[point] += 1
            return True
        return False

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        if self._drop("ehlo"):
            server.transport.abort()
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self._drop("mail"):
            server.transport.abort()
            return "421 closing"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self._drop("rcpt"):
            server.transport.abort()
            return "421 closing"
        if self._drop("rcpt-451"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self._drop("data-lost"):  # the server dies before it commits the message
            server.transport.abort()
            return "250 OK"
        reply = await super().handle_DATA(server, session, envelope)  # stored: it arrived
        if self._drop("data-kept"):  # committed, but the answer never leaves
            server.transport.abort()
        elif self._drop("after-reply"):  # answers, then hangs up before the next message
            asyncio.get_running_loop().call_later(0.001, server.transport.abort)
        return reply


def _settings(controller) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=controller.port, tls="none", sender="Bot <bot@example.com>", timeout=5)


def _received(handler) -> Counter:
    return Counter(r for _, rcpts, _ in handler.messages for r in rcpts)


def _check_ledger(history: History, handler, batch) -> dict:
    got = _received(handler)
    states = {}
    for m in batch.messages:
        row = history.ledger_get(TRACKER, PERIOD, m.recipient, m.kind)
        state = row["state"] if row else "none"
        n = got[m.recipient]
        assert n <= 1, f"{m.recipient} received {n} copies"
        if state == "sent":
            assert n == 1, f"{m.recipient}: ledger says sent, server has {n}"
        elif state in ("failed", "pending", "none"):
            assert n == 0, f"{m.recipient}: ledger says {state}, server has {n}"
        else:  # `sending`: a run died between the final '.' and the answer; a later run calls it uncertain
            assert state in ("uncertain", "sending"), state
        states[m.recipient] = state
    return states


@pytest.mark.parametrize("seed", range(40))
def test_random_drops_over_reruns_deliver_each_message_at_most_once(tmp_path, seed):
    rng = random.Random(seed)
    report = campaign_week(rng.choice(["zh", "en"]), 42)
    handler = Flaky(rng, p=rng.choice([0.05, 0.15, 0.3]))
    with History(tmp_path / "state.db") as history, smtp_server(handler) as (controller, _):
        batch = build_digests(report, history, tracker=TRACKER, today=report.today)
        assert len({m.recipient for m in batch.messages}) == len(batch.messages) >= 5
        for run in range(12):  # cron running the job again after every failure
            if run == 8:
                handler.on = False  # the server heals: the reruns must finish the job
            if run:
                batch = build_digests(report, history, tracker=TRACKER, today=report.today)
            result = deliver(batch, history, smtp=_settings(controller))
            states = _check_ledger(history, handler, batch)
            for o in result.outcomes:
                assert o.status in ("sent", "failed", "uncertain", "skipped-already-sent", "skipped-uncertain")
                if o.status.startswith("skipped"):
                    assert states[o.recipient] in ("sent", "uncertain")
            if set(states.values()) <= {"sent", "uncertain"}:
                break
        assert set(states.values()) <= {"sent", "uncertain"}, (states, handler.drops)
        got = _received(handler)
        assert all(got[r] == 1 for r, s in states.items() if s == "sent")
        # an uncertain message is only ever one whose connection died after DATA began
        uncertain = [r for r, s in states.items() if s == "uncertain"]
        assert len(uncertain) <= handler.drops["data-lost"] + handler.drops["data-kept"] + handler.drops["after-reply"]
        before = sum(got.values())
        again = deliver(build_digests(report, history, tracker=TRACKER, today=report.today), history,
                        smtp=_settings(controller))
        assert sum(_received(handler).values()) == before and again.connections == 0  # a rerun sends nothing
    print(f"seed {seed}: drops {dict(handler.drops)}, uncertain {len(uncertain)}, received {before}")


CHILD = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
from support.digest_fixtures import campaign_week
from sheetsync.digest import History, SmtpSettings, build_digests, deliver
report = campaign_week("zh", 42)
with History(sys.argv[2]) as h:
    batch = build_digests(report, h, tracker="tracker.xlsx", today=report.today)
    print("ready", flush=True)
    deliver(batch, h, smtp=SmtpSettings(host="127.0.0.1", port=int(sys.argv[3]), tls="none", timeout=5))
print("done", flush=True)
"""


class Slow(Recorder):
    """Takes a little while over each message, so a kill lands inside a delivery."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.03)
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.parametrize("seed", range(20))
def test_sigkill_during_delivery_then_reruns_never_send_twice(tmp_path, seed):
    """The job process dies at a random moment; later runs (after the stale window) finish the job."""
    rng = random.Random(500 + seed)
    db = tmp_path / "state.db"
    handler = Slow()
    with smtp_server(handler) as (controller, _):
        proc = subprocess.Popen([sys.executable, "-c", CHILD, str(Path(__file__).resolve().parents[1]), str(db),
                                 str(controller.port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        time.sleep(rng.uniform(0, 0.35))
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        time.sleep(0.1)  # let the server finish what it was given
        report = campaign_week("zh", 42)
        with History(db) as history:
            batch = build_digests(report, history, tracker=TRACKER, today=report.today, record=False)
            _check_ledger(history, handler, batch)
            # a later run: rows the dead run left `pending`/`sending` are stale by then
            stale = (dt.datetime.now() - dt.timedelta(hours=1)).isoformat(timespec="seconds")
            history.db.execute("UPDATE ledger SET updated_at = ?", (stale,))
            history.db.commit()
            rerun = deliver(batch, history, smtp=_settings(controller))
            states = _check_ledger(history, handler, batch)
            # a stale `sending` row stays as the dead run left it and counts as uncertain: never resent
            assert set(states.values()) <= {"sent", "uncertain", "sending"}, states
            for o in rerun.outcomes:
                if states[o.recipient] == "sending":
                    assert o.status == "skipped-uncertain"
            got = _received(handler)
            assert all(got[r] == 1 for r, s in states.items() if s == "sent")
            deliver(batch, history, smtp=_settings(controller))
            assert _received(handler) == got  # and one more rerun sends nothing
