"""The launch notice (seed 004): before launch, one notice to every department involved — what the campaign is,
when it runs, its goal, whom to contact, what each department delivers and by when, and the common questions
from an optional FAQ / 常见问题 sheet — by email to each department's contact and to the chat channels.

When: at a time point before the launch (default T-3wd, `notice = "..."` per tracker), computed from the launch
date in the sheet today, so a launch moved before the notice went out moves the notice. Once: the delivery
ledger holds every notice (period `notice.LAUNCH`) and correction (`notice-fix.N.LAUNCH`); the date last
announced is the launch of the latest delivered one. When the sheet's launch differs from it, one short
correction goes out; a rerun re-delivers only what the ledger has not delivered (a recipient that failed)."""
from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path

from .channels.content import ChatDoc, ChatItem, ChatSection, Mention
from .channels.deliver import ChatPost, post_all
from .digest import DigestMessage
from .digest.mail import build_message, message_id, valid_address
from .digest.send import deliver
from .engine.calendar import WorkCalendar
from .engine.timepoints import parse_time_point, resolve
from .history import History
from .model import Person, Report, SheetsyncError, Task

DEFAULT_SPEC = "T-3wd"
NOTICE, CORRECTION = "notice", "correction"
_DONE = ("done", "cancelled")

_TX = {
    "zh": {"subject": "[{campaign}] 上线通知:{launch} 上线", "fix_subject": "[{campaign}] 更正:上线日期改为 {launch}",
           "hello": "各部门同事好:", "when": "{campaign} 将于 {launch} 上线({left}),{end}。",
           "end": "{end} 结束", "no_end": "结束日期待定", "goal": "目标:{target}", "owner": "活动负责人:{owner}",
           "depts": "各部门对接人与交付", "contact": "对接人 {name}", "no_contact": "对接人未在人员表中",
           "nothing": "暂无待交付任务", "due": "截止 {due}", "no_due": "截止日期未定", "faq": "常见问题",
           "q": "问:", "a": "答:", "outro": "请按上述时间交付;有问题请联系对接人或活动负责人。",
           "fix": "{campaign} 的上线日期由 {old} 改为 {launch}({end})。各部门交付时间以跟踪表为准。",
           "today": "今天", "left": "还有 {n} 个工作日", "unassigned": "(未填部门)",
           "title": "{campaign} · 上线通知", "fix_title": "{campaign} · 上线日期更正"},
    "en": {"subject": "[{campaign}] Launch notice: live on {launch}", "fix_subject": "[{campaign}] Correction: launch moved to {launch}",
           "hello": "Hello all,", "when": "{campaign} launches on {launch} ({left}) and {end}.",
           "end": "ends on {end}", "no_end": "its end date is not set yet", "goal": "Goal: {target}",
           "owner": "Campaign owner: {owner}", "depts": "Contacts and deliveries by department",
           "contact": "contact {name}", "no_contact": "no contact in the People sheet", "nothing": "nothing open",
           "due": "due {due}", "no_due": "no deadline yet", "faq": "Common questions", "q": "Q: ", "a": "A: ",
           "outro": "Please deliver by these dates; ask your department's contact or the campaign owner if anything is unclear.",
           "fix": "The launch of {campaign} moved from {old} to {launch} ({end}). Deliveries follow the tracker.",
           "today": "today", "left": "in {n} working days", "left1": "in 1 working day", "unassigned": "(no department)",
           "title": "{campaign} · launch notice", "fix_title": "{campaign} · launch date corrected"},
}


def _left(lang: str, n: int) -> str:
    tx = _TX[lang]
    if n <= 0:
        return tx["today"]
    if n == 1 and lang == "en":
        return tx["left1"]
    return tx["left"].format(n=n)


@dataclass
class Department:
    name: str
    contact: Person | None
    tasks: list[Task] = field(default_factory=list)


@dataclass
class Notice:
    lang: str
    campaign: str
    launch: dt.date
    end: dt.date | None
    target: str | None
    owner: str | None
    owner_email: str | None
    departments: list[Department]
    faq: list[tuple[str, str]]
    workdays_left: int
    old_launch: dt.date | None = None  # set on a correction

    @property
    def kind(self) -> str:
        return CORRECTION if self.old_launch else NOTICE

    def recipients(self) -> list[tuple[str, str]]:
        """(name, email) of each department's contact, once each."""
        seen, out = set(), []
        for d in self.departments:
            if d.contact and d.contact.email and d.contact.email.lower() not in seen:
                seen.add(d.contact.email.lower())
                out.append((d.contact.name, d.contact.email))
        return out


@dataclass
class Decision:
    action: str  # send | wait | done | passed | no-launch
    due: dt.date | None = None
    period: str | None = None
    announced: dt.date | None = None  # the launch date the last delivered notice gave
    old: dt.date | None = None  # for a correction: the date it corrects
    launch: dt.date | None = None  # the launch date in the sheet today


def calendar_of(report: Report) -> WorkCalendar:
    if report.work_calendar is not None:  # the engine's: the Holidays sheet and an imported notice included
        return report.work_calendar
    try:
        return WorkCalendar(report.campaign.calendar or None)
    except ValueError:
        return WorkCalendar(None)


def notice_due(report: Report, spec: str = DEFAULT_SPEC) -> dt.date | None:
    tp = parse_time_point(spec)
    if tp is None or report.campaign.launch is None:
        return None
    return resolve(tp, report.campaign.launch, report.campaign.end, calendar_of(report))


def _launch_of(period: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(period.rsplit(".", 1)[1])
    except (IndexError, ValueError):
        return None


def _sequence(period: str) -> int:
    """notice.L is the first; notice-fix.N.L the N-th correction (times in the ledger can tie within a second)."""
    parts = period.split(".")
    return int(parts[1]) if period.startswith("notice-fix.") and len(parts) > 2 and parts[1].isdigit() else 0


def decide(report: Report, ledger_rows: list[dict], today: dt.date, spec: str = DEFAULT_SPEC) -> Decision:
    """What the notice job should do today, from the sheet and the ledger rows of this tracker."""
    launch = report.campaign.launch
    if launch is None:
        return Decision("no-launch")
    due = notice_due(report, spec)
    d = _decide(report, ledger_rows, today, due, launch)
    d.launch = launch
    return d


def _decide(report: Report, ledger_rows: list[dict], today: dt.date, due: dt.date, launch: dt.date) -> Decision:
    delivered = [r for r in ledger_rows if str(r["period"]).startswith(("notice.", "notice-fix."))
                 and r["state"] in ("sent", "uncertain")]
    periods = sorted({r["period"] for r in delivered}, key=_sequence)
    if not periods:
        if today < due:
            return Decision("wait", due=due)
        if today > launch:
            return Decision("passed", due=due)
        return Decision("send", due=due, period=f"notice.{launch.isoformat()}")
    last = periods[-1]
    announced = _launch_of(last)
    if announced == launch:  # re-deliver the latest: the ledger skips every recipient who has it
        old = _launch_of(periods[-2]) if last.startswith("notice-fix.") and len(periods) > 1 else None
        return Decision("done", due=due, period=last, announced=announced, old=old)
    end = report.campaign.end
    if end is not None and today > end:
        return Decision("passed", due=due, announced=announced)
    return Decision("send", due=due, period=f"notice-fix.{len(periods)}.{launch.isoformat()}", announced=announced,
                    old=announced)


def build_notice(report: Report, today: dt.date, *, old_launch: dt.date | None = None) -> Notice:
    people = sorted(report.people.values(), key=lambda p: p.row or 0)
    depts: dict[str, Department] = {}
    lang = report.language
    for t in sorted(report.tasks, key=lambda t: (t.due or dt.date.max, t.row)):
        owner = report.people.get(t.owner or "")
        name = t.department or (owner.department if owner else None) or _TX[lang]["unassigned"]
        d = depts.get(name)
        if d is None:
            contact = next((p for p in people if p.department == name), None) or owner
            d = depts[name] = Department(name, contact)
        if t.status not in _DONE:
            d.tasks.append(t)
    c = report.campaign
    owner_person = report.people.get(c.owner or "")
    return Notice(lang=lang, campaign=c.name or report.sheet or "sheetsync", launch=c.launch, end=c.end,
                  target=c.target, owner=c.owner, owner_email=c.owner_email or (owner_person.email if owner_person else None),
                  departments=list(depts.values()), faq=list(report.faq),
                  workdays_left=calendar_of(report).workdays_between(today, c.launch), old_launch=old_launch)


def _who(name: str | None, email: str | None) -> str:
    return f"{name}({email})" if name and email else (name or email or "—")


def notice_lines(n: Notice) -> tuple[str, list[str]]:
    """(subject, body lines) in the sheet's language."""
    tx = _TX[n.lang]
    end = tx["end"].format(end=n.end.isoformat()) if n.end else tx["no_end"]
    if n.old_launch:
        return (tx["fix_subject"].format(campaign=n.campaign, launch=n.launch.isoformat()),
                [tx["fix"].format(campaign=n.campaign, old=n.old_launch.isoformat(), launch=n.launch.isoformat(),
                                  end=end)])
    lines = [tx["hello"], "", tx["when"].format(campaign=n.campaign, launch=n.launch.isoformat(),
                                                 left=_left(n.lang, n.workdays_left), end=end)]
    if n.target:
        lines.append(tx["goal"].format(target=n.target))
    if n.owner or n.owner_email:
        lines.append(tx["owner"].format(owner=_who(n.owner, n.owner_email)))
    lines += ["", tx["depts"]]
    for d in n.departments:
        who = tx["contact"].format(name=_who(d.contact.name, d.contact.email)) if d.contact else tx["no_contact"]
        lines.append(f"■ {d.name} — {who}")
        for t in d.tasks:
            due = tx["due"].format(due=t.due.isoformat()) if t.due else tx["no_due"]
            lines.append(f"  - {t.task or t.key} · {due}")
        if not d.tasks:
            lines.append(f"  - {tx['nothing']}")
    if n.faq:
        lines += ["", tx["faq"]]
        for q, a in n.faq:
            lines += [f"{tx['q']}{q}", f"{tx['a']}{a}"]
    lines += ["", tx["outro"]]
    return tx["fix_subject" if n.old_launch else "subject"].format(campaign=n.campaign, launch=n.launch.isoformat()), lines


def notice_html(lines: list[str]) -> str:
    body = "\n".join(f"<p>{html.escape(x)}</p>" if x else "<br>" for x in lines)
    return f'<!doctype html><html><head><meta charset="utf-8"></head><body style="font-family:sans-serif">{body}</body></html>'


def notice_doc(n: Notice, link: str | None = None):
    """The notice as a chat message: the same facts, departments as sections, the contact @-mentionable."""
    tx = _TX[n.lang]
    subject, lines = notice_lines(n)
    if n.old_launch:
        return ChatDoc(lang=n.lang, title=tx["fix_title"].format(campaign=n.campaign), intro=lines, link=link,
                       severity="warning")
    intro = [x for x in lines[2:lines.index(tx["depts"]) - 1] if x]
    sections = []
    for d in n.departments:
        mention = Mention(d.contact.name, None, d.contact.mobile) if d.contact and d.contact.mobile else None
        head = ChatItem(text=tx["contact"].format(name=d.contact.name) if d.contact else tx["no_contact"],
                        mention=mention, owner=d.contact.name if mention else None)
        items = [head] + [ChatItem(text=t.task or t.key, due=t.due.isoformat() if t.due else tx["no_due"])
                          for t in d.tasks]
        sections.append(ChatSection(d.name, items))
    if n.faq:
        sections.append(ChatSection(tx["faq"], [ChatItem(text=f"{tx['q']}{q}", notes=[f"{tx['a']}{a}"]) for q, a in n.faq]))
    return ChatDoc(lang=n.lang, title=tx["title"].format(campaign=n.campaign), intro=intro, sections=sections, link=link)


def notice_messages(n: Notice, *, tracker: str, period: str, sender: str, recipients=None):
    """One email per department contact (DigestMessage objects, so digest.send.deliver sends them)."""
    subject, lines = notice_lines(n)
    text = "\n".join(lines) + "\n"
    body = notice_html(lines)
    domain = parseaddr(sender)[1].partition("@")[2] or "sheetsync.invalid"
    out = []
    for name, addr in (recipients if recipients is not None else n.recipients()):
        bare = valid_address(addr)
        if not bare:
            continue
        mid = message_id(tracker, period, bare, n.kind, domain)
        email = build_message(subject=subject, sender=sender, recipient=bare, recipient_name=name, text=text,
                              html=body, png=None, cid=None, msg_id=mid, date=dt.datetime.now(dt.timezone.utc))
        out.append(DigestMessage(n.kind, bare, period, None, email, mid, body, text))
    return out


@dataclass
class NoticeBatch:
    tracker: str
    period: str
    messages: list


@dataclass
class NoticeResult:
    decision: Decision
    notice: Notice | None
    outcomes: list = field(default_factory=list)
    lang: str = "en"

    @property
    def exit_code(self) -> int:
        return 1 if any(o.status in ("failed", "uncertain") for o in self.outcomes) else 0


def check_spec(spec: str) -> None:
    """A time point the notice cannot be placed by is one line, before anything is read."""
    if parse_time_point(spec) is None:
        raise SheetsyncError(f"notice time point {spec!r} is not understood; write T-3wd",
                             f"上线通知时间节点 {spec!r} 无法识别;请写 T-3wd", code="usage")


def deliver_notice(report: Report, history: History, *, tracker: str, spec: str = DEFAULT_SPEC,
                   outbox: Path | str | None = None, smtp=None, force: bool = False, channels=(), env=None,
                   link: str | None = None, clients=None) -> NoticeResult:
    """Decide from `report` and the ledger in `history`, then deliver the notice or its correction (api.notice
    reads and validates the tracker first).

    With `outbox` the notice is written as a preview whatever the day (to read it before it is due); otherwise it
    is sent only when due, by SMTP (`smtp`) and to `channels`."""
    check_spec(spec)
    decision = decide(report, history.ledger(tracker), report.today, spec)
    result = NoticeResult(decision, None, lang=report.language)
    period, old = decision.period, decision.old
    if outbox is not None and decision.action != "no-launch":
        period = period or f"notice.{report.campaign.launch.isoformat()}"  # a preview before it is due
    elif decision.action not in ("send", "done"):
        return result
    notice = build_notice(report, report.today, old_launch=old)
    result.notice = notice
    sender = smtp.sender if smtp else "sheetsync@localhost"
    batch = NoticeBatch(tracker, period, notice_messages(notice, tracker=tracker, period=period, sender=sender))
    delivered = deliver(batch, history, outbox=outbox, smtp=None if outbox is not None else smtp, force=force)
    result.outcomes += delivered.outcomes
    if channels:
        posts = [ChatPost(ch, period, notice.kind, notice_doc(notice, link)) for ch in channels]
        result.outcomes += post_all(history, tracker, posts, outbox=outbox, force=force, env=env, clients=clients)
    return result
