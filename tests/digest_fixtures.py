"""Reports as the engine builds them (real model dataclasses), a week-by-week campaign, and a local SMTP server."""
from __future__ import annotations

import datetime as dt
import socket
import threading
from contextlib import contextmanager

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as _MessageHandler

from sheetsync.model import Campaign, Finding, Person, Report, Task

LAUNCH = dt.date(2026, 10, 26)
WEEK42 = dt.date(2026, 10, 12)  # Monday
WEEK43 = dt.date(2026, 10, 19)

NAMES = {
    "zh": {"campaign": "夏日清凉服务季", "sheet": "任务", "stages": ("策划", "资源筹备", "执行")},
    "en": {"campaign": "Summer Service Week", "sheet": "Tasks", "stages": ("Planning", "Preparation", "Execution")},
}
PEOPLE = {"王芳": "wang.fang@example.com", "李雷": "li.lei@example.com", "张伟": "zhang.wei@example.com",
          "陈静": "chen.jing@example.com", "赵敏": "not-an-address"}


def finding(code: str, task: Task, message: str, sheet: str, severity: str = "warning", cell_col: str = "F",
            **params) -> Finding:
    return Finding(code=code, severity=severity, sheet=sheet, cell=f"{cell_col}{task.row}", row=task.row,
                   column=None, task_id=task.key, message=message, params=params)


def make_report(lang: str, today: dt.date, tasks: list[Task], findings: list[Finding] | None = None,
                recipients=("team@example.com", "boss@example.com")) -> Report:
    names = NAMES[lang]
    return Report(source="tracker.xlsx", today=today, language=lang, sheet=names["sheet"], header_row=1,
                  tasks=tasks, findings=findings or [],
                  campaign=Campaign(name=names["campaign"], launch=LAUNCH, end=LAUNCH + dt.timedelta(days=14),
                                    owner="王芳", recipients=list(recipients), calendar="CN"),
                  people={n: Person(n, e) for n, e in PEOPLE.items()},
                  columns={"id": 0, "stage": 1, "task": 2, "owner": 3, "due": 5}, last_row=len(tasks) + 1)


def task(n: int, title: str, owner: str, status: str, due: dt.date | None, health: str, stage: int = 0, lang="zh",
         **kw) -> Task:
    return Task(row=n + 1, id=f"T{n}", task=title, owner=owner, status=status, due=due, health=health,
                stage=NAMES[lang]["stages"][stage], due_source="explicit" if due else "none", **kw)


def campaign_week(lang: str, week: int) -> Report:
    """The same tracker as seen on Monday of week 41, 42 or 43 of 2026."""
    today = {41: dt.date(2026, 10, 5), 42: WEEK42, 43: WEEK43}[week]
    sheet = NAMES[lang]["sheet"]
    zh = lang == "zh"
    t1 = task(1, "活动方案" if zh else "Campaign plan", "王芳", "done", dt.date(2026, 10, 2), "done", 0, lang)
    # T2 finishes during week 42 (done at the week-43 digest)
    t2_done = week >= 43
    t2 = task(2, "海报设计" if zh else "Poster design", "李雷", "done" if t2_done else "in-progress",
              dt.date(2026, 10, 16), "done" if t2_done else "ok", 1, lang)
    # T3 becomes late in week 43
    t3_due = dt.date(2026, 10, 16)
    t3_late = today > t3_due
    t3 = task(3, "预约小程序开发" if zh else "Booking mini-program", "张伟", "in-progress", t3_due,
              "late" if t3_late else "due-soon" if week == 42 else "ok", 1, lang, depends_on=["T1"])
    # T4's due date slips from 10-20 to 10-23 in week 43
    t4_due = dt.date(2026, 10, 23) if week >= 43 else dt.date(2026, 10, 20)
    t4 = task(4, "H5 页面" if zh else "H5 page", "李雷", "not-started", t4_due, "at-risk", 1, lang,
              depends_on=["T3"], duration=3)
    t5 = task(5, "门店话术卡片" if zh else "Store script cards", "陈静", "in-review", dt.date(2026, 10, 14),
              "unreviewed" if week >= 42 else "ok", 1, lang, reviewer="王芳",
              submitted=dt.datetime(2026, 10, 9, 10, 0))
    t6 = task(6, "物料印刷" if zh else "Print materials", "张伟", "blocked", dt.date(2026, 10, 22), "blocked", 2, lang,
              notes="印刷厂排期已满" if zh else "printer is full")  # the reason, in the owner's words
    tasks = [t1, t2, t3, t4, t5, t6]
    # 李雷 has six small tasks due the week of the launch: overloaded with N=5
    for i in range(7, 13):
        tasks.append(task(i, (f"社群文案 {i}" if zh else f"Community post {i}"), "李雷", "not-started",
                          dt.date(2026, 10, 27), "ok", 2, lang, depends_on=["T2"] if i == 7 else []))
    findings = []
    if t3_late:
        findings.append(finding("late", t3, "截止 2026-10-16 仍未完成(已逾期 1 个工作日)" if zh else
                                "Due 2026-10-16 and not done (1 working days late)", sheet, days=1))
    findings.append(finding("schedule-risk", t4, ("前置任务最早 2026-10-16 完成,本任务需 3 个工作日,最早 2026-10-21 完成,晚于截止"
                                                  if zh else "Its predecessors finish 2026-10-16 at the earliest and "
                                                  "it needs 3 working days, so it ends 2026-10-21, after its deadline"),
                            sheet))
    findings.append(finding("blocked", t6, "本任务受阻:印刷厂排期已满" if zh else "This task is blocked: printer is full",
                            sheet))
    if week >= 42:
        findings.append(finding("unreviewed", t5, "已提交 3 天未审核" if zh else "Submitted 3 days ago, not reviewed",
                                sheet))
    return make_report(lang, today, tasks, findings)


class Recorder(_MessageHandler):
    """Keeps every accepted message with its envelope."""

    def __init__(self):
        super().__init__()
        self.messages = []  # (mail_from, rcpt_tos, email.message.Message)
        self.lock = threading.Lock()

    def handle_message(self, message):
        with self.lock:
            rcpt = [a.strip() for a in message["X-RcptTo"].split(",")]
            self.messages.append((message["X-MailFrom"], rcpt, message))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(handler=None, **controller_kwargs):
    handler = handler or Recorder()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **controller_kwargs)
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()
