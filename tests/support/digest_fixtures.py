"""Reports as the engine builds them (real model dataclasses), a week-by-week campaign, and a local SMTP server."""
from __future__ import annotations

import datetime as dt
import socket
import threading
from contextlib import contextmanager

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as _MessageHandler

from sheetsync.model import Campaign, Finding, Person, Report, SheetData, Task, WorkbookData

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


# -- trackers across China's National Day (Oct 1-7 2026 off, Sat Oct 10 a make-up working day) ----------------

HOLIDAY_PEOPLE = {"张三": "zhangsan@example.com", "李四": "lisi@example.com", "王五": "wangwu@example.com",
                  "赵六": "zhaoliu@example.com", "钱七": "qianqi@example.com", "孙八": "sunba@example.com"}
NOT_IN_PEOPLE = "老周"  # owns tasks, but is not in the People sheet
TRACKER_FIELDS = ("id", "stage", "task", "owner", "reviewer", "depends_on", "duration", "deadline", "status",
                  "submitted", "reviewed", "notes")


def tracker_rows(tasks: list[dict], lang: str, campaign: dict, people: dict[str, str]) -> WorkbookData:
    """The workbook tracker_factory.make_tracker writes, as the engine reads it (in memory, for hypothesis)."""
    from sheetsync.engine.schema import header
    from support.tracker_factory import EN_SIDE, ZH_SIDE
    side = ZH_SIDE if lang == "zh" else EN_SIDE
    rows = [[header(f, lang) for f in TRACKER_FIELDS]]
    rows += [[t.get(f) for f in TRACKER_FIELDS] for t in tasks]
    sheets = [SheetData("任务" if lang == "zh" else "Tasks", rows),
              SheetData(side["campaign"], [[side["keys"].get(k, k), v] for k, v in campaign.items()]),
              SheetData(side["people"], [list(side["people_head"])] + [[n, e, ""] for n, e in people.items()])]
    return WorkbookData("tracker.xlsx", sheets)


def busy_tasks(lang: str) -> list[dict]:
    """32 tasks, six owners, a reviewer, across the National Day holiday: late, blocked (with and without notes),
    at risk, a draft submitted before the holiday, a bad date, an owner not in People, a busy week."""
    from sheetsync.engine.values import STATUS_LABELS
    s = STATUS_LABELS[lang]
    D = dt.date
    zh = lang == "zh"
    names = list(HOLIDAY_PEOPLE)

    def row(i, title, owner, status, due, **kw):
        return dict(id=f"T{i}", stage="执行" if zh else "Execution", task=title, owner=owner, status=s[status],
                    deadline=due, **kw)
    tasks = [
        row(1, "活动方案" if zh else "Campaign plan", "张三", "done", D(2026, 9, 25)),
        row(2, "预算审批" if zh else "Budget approval", "李四", "in-progress", D(2026, 9, 28)),  # late
        row(3, "支付接口" if zh else "Payment API", "王五", "blocked", D(2026, 10, 9),
            notes="等待支付机构审批" if zh else "waiting for the payment provider's approval"),
        row(4, "物料印刷" if zh else "Print run", "赵六", "blocked", D(2026, 10, 12)),  # blocked, notes empty
        row(5, "海报初稿" if zh else "Poster draft", "钱七", "in-review", D(2026, 10, 9), reviewer="张三",
            submitted=dt.datetime(2026, 9, 30, 16, 0)),  # submitted before the holiday
        row(6, "海报定稿" if zh else "Poster final", "钱七", "in-progress", D(2026, 10, 13), depends_on="T5"),
        row(7, "H5 开发" if zh else "H5 build", "孙八", "not-started", D(2026, 10, 10), depends_on="T3",
            duration=5),  # due on the make-up Saturday, cannot fit: at risk
        row(8, "门店培训" if zh else "Store training", "张三", "not-started", "9月31日" if zh else "Sep 31"),  # bad date
        row(9, "社群预热" if zh else "Community teaser", NOT_IN_PEOPLE, "not-started", D(2026, 10, 8)),
        row(10, "直播脚本" if zh else "Live script", NOT_IN_PEOPLE, "in-progress", D(2026, 9, 29)),  # late, no one
        row(11, "上线检查" if zh else "Launch check", "李四", "not-started", D(2026, 10, 15), depends_on="T7"),
        row(12, "活动上线" if zh else "Go live", "张三", "not-started", D(2026, 10, 15), depends_on="T11"),
    ]
    for i in range(13, 20):  # 李四's busy week after the holiday
        tasks.append(row(i, (f"渠道投放 {i}" if zh else f"Channel post {i}"), "李四", "not-started", D(2026, 10, 13)))
    for i in range(20, 30):
        owner = names[i % len(names)]
        tasks.append(row(i, (f"素材 {i}" if zh else f"Asset {i}"), owner,
                         ("not-started", "in-progress", "done")[i % 3], D(2026, 10, 16) + dt.timedelta(days=i - 20)))
    tasks.append(row(30, "复盘" if zh else "Retrospective", "王五", "not-started", D(2026, 10, 30)))
    tasks.append(row(31, "旧方案" if zh else "Old plan", "王五", "cancelled", D(2026, 9, 20)))
    tasks.append(row(32, "数据看板" if zh else "Dashboard", "", "not-started", D(2026, 10, 9)))  # no owner
    return tasks


BUSY_TODAY = "2026-10-08T08:30"  # Thursday, the first working day after the holiday
BUSY_CAMPAIGN = {"name": "国庆焕新季", "launch": dt.date(2026, 10, 15), "end": dt.date(2026, 10, 31),
                 "timezone": "Asia/Shanghai", "recipients": "team@example.com", "target": "2000 预约"}
