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

from support.digest_fixtures import Recorder, make_report, smtp_server, task  # noqa: E402
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


def measure(people: int = 1000, lang: str = "zh") -> dict:
    """Build and render one personal digest per owner (3 tasks each) and send them all to a local aiosmtpd."""
    today = dt.date(2026, 10, 12)
    tasks, persons = [], {}
    for p in range(people):
        name = f"员工{p:04d}"
        persons[name] = Person(name, f"p{p}@example.com")
        for k in range(3):
            n = p * 3 + k + 1
            tasks.append(task(n, f"任务 {n} 海报/H5/话术", name, ("in-progress", "not-started", "in-review")[k],
                              today + dt.timedelta(days=k * 2 - 1), ("late", "ok", "due-soon")[k], k % 3,
                              lang=lang, reviewer=f"员工{(p + 1) % people:04d}" if k == 2 else None))
    report = make_report(lang, today, tasks)
    report.people = persons
    with tempfile.TemporaryDirectory() as tmp, History(Path(tmp) / "state.db") as history:
        t0 = time.perf_counter()
        batch = build_digests(report, history, tracker="bench.xlsx", kinds="personal")
        t1 = time.perf_counter()
        handler = Counting()
        with smtp_server(handler) as (controller, _):
            result = deliver(batch, history, smtp=SmtpSettings(host="127.0.0.1", port=controller.port, tls="none"))
        t2 = time.perf_counter()
    return {"people": people, "tasks": len(tasks), "messages": len(batch.messages), "build_s": t1 - t0,
            "send_s": t2 - t1, "total_s": t2 - t0, "sent": result.count("sent"), "failed": result.count("failed"),
            "received": len(handler.messages), "connections": result.connections,
            "server_sessions": len(handler.sessions)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=1000)
    ap.add_argument("--lang", default="zh")
    args = ap.parse_args()
    m = measure(args.people, args.lang)
    print(f"personal digests: {m['messages']} for {m['people']} people, {m['tasks']} tasks")
    print(f"build+render: {m['build_s']:.2f} s   send: {m['send_s']:.2f} s   total: {m['total_s']:.2f} s")
    print(f"sent: {m['sent']}  failed: {m['failed']}  received: {m['received']}")
    print(f"SMTP connections: client {m['connections']}, server sessions {m['server_sessions']}")


if __name__ == "__main__":
    main()
