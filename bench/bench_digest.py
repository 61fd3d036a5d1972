"""Render and send 1,000 personal digests to a local aiosmtpd server.

    .venv/bin/python bench/bench_digest.py [--people 1000]

Prints build and send times and the SMTP connections the server saw (expected: 1)."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from digest_fixtures import Recorder, make_report, smtp_server, task  # noqa: E402
from sheetsync.digest import History, SmtpSettings, build_digests, deliver  # noqa: E402
from sheetsync.model import Person  # noqa: E402


class Counting(Recorder):
    """Counts distinct SMTP sessions that delivered mail."""

    def __init__(self):
        super().__init__()
        self.sessions = set()

    async def handle_DATA(self, server, session, envelope):
        self.sessions.add(id(session))
        return await super().handle_DATA(server, session, envelope)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=1000)
    ap.add_argument("--lang", default="zh")
    args = ap.parse_args()
    today = dt.date(2026, 10, 12)
    tasks, people = [], {}
    for p in range(args.people):
        name = f"员工{p:04d}"
        people[name] = Person(name, f"p{p}@example.com")
        for k in range(3):
            n = p * 3 + k + 1
            tasks.append(task(n, f"任务 {n} 海报/H5/话术", name, ("in-progress", "not-started", "in-review")[k],
                              today + dt.timedelta(days=k * 2 - 1), ("late", "ok", "due-soon")[k], k % 3,
                              lang=args.lang, reviewer=f"员工{(p + 1) % args.people:04d}" if k == 2 else None))
    report = make_report(args.lang, today, tasks)
    report.people = people
    with tempfile.TemporaryDirectory() as tmp, History(Path(tmp) / "state.db") as history:
        t0 = time.perf_counter()
        batch = build_digests(report, history, tracker="bench.xlsx", kinds="personal")
        t1 = time.perf_counter()
        handler = Counting()
        with smtp_server(handler) as (controller, _):
            result = deliver(batch, history, smtp=SmtpSettings(host="127.0.0.1", port=controller.port, tls="none"))
        t2 = time.perf_counter()
    print(f"personal digests: {len(batch.messages)} for {args.people} people, {len(tasks)} tasks")
    print(f"build+render: {t1 - t0:.2f} s   send: {t2 - t1:.2f} s   total: {t2 - t0:.2f} s")
    print(f"sent: {result.count('sent')}  failed: {result.count('failed')}  received: {len(handler.messages)}")
    print(f"SMTP connections: client {result.connections}, server sessions {len(handler.sessions)}")


if __name__ == "__main__":
    main()
