"""The launch notice: before launch, one notice to every department involved — what the campaign is,
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
from .channels.compose import mention_for
from .dates_text import DAY_PHRASE, calendar_of, day_text
from .channels.deliver import ChatPost, post_all
from .digest import DigestMessage
from .digest.mail import build_message, message_id, valid_address
from .digest.send import deliver
from .context import Delivery
from .engine.calendar import WorkCalendar
from .engine.counts import count
from .engine.timepoints import parse_time_point, resolve
from .history import History
from .model import Person, Report, SheetsyncError, Task

DEFAULT_SPEC = "T-3wd"
NOTICE, CORRECTION = "notice", "correction"
_DONE = ("done", "cancelled")

_TX = {
    "zh": {"subject": "[{campaign}] 上线通知：{launch}上线", "fix_subject": "[{campaign}] 更正：上线日期改为 {launch}",
           "hello": "各部门同事好：", "when": "{campaign} 将于 {launch}上线（{left}），{end}。",
           "end": "{end}结束", "no_end": "结束日期待定", "goal": "目标：{target}", "owner": "活动负责人：{owner}",
           "depts": "各部门对接人与交付", "contact": "对接人 {name}", "no_contact": "对接人未在人员表中",
           "nothing": "暂无待交付任务", "due": "截止 {due}", "no_due": "截止日期未定", "faq": "常见问题",
           "late": "截止 {due}已过，请给出新日期",
           "late_intro": "{n}已过截止日期：请对接人为每项给出新日期。",
           "q": "问：", "a": "答：", "outro": "请按上述日期交付；有问题请联系对接人或活动负责人。",
           "outro_late": "其余任务请按上述日期交付；有问题请联系对接人或活动负责人。",
           "fix": "{campaign} 的上线日期由 {old}改为 {launch}，{end}。各部门交付时间以跟踪表为准。",
           "today": "今天", "left": "还有 {n} 个工作日", "unassigned": "（未填部门）",
           "title": "{campaign} · 上线通知", "fix_title": "{campaign} · 上线日期更正"},
    "en": {"subject": "[{campaign}] Launch notice: live on {launch}", "fix_subject": "[{campaign}] Correction: launch moved to {launch}",
           "hello": "Hello all,", "when": "{campaign} launches on {launch} ({left}) and {end}.",
           "end": "ends on {end}", "no_end": "has no end date yet", "goal": "Goal: {target}",
           "owner": "Campaign owner: {owner}", "depts": "Contacts and deliveries by department",
           "contact": "contact {name}", "no_contact": "no contact in the People sheet", "nothing": "nothing open",
           "due": "due {due}", "no_due": "no deadline yet", "faq": "Common questions", "q": "Q: ", "a": "A: ",
           "late": "was due {due}: please give a new date",
           "late_intro": "Past their deadline: {n}. Contacts, please give each a new date.",
           "outro": "Please deliver by these dates; ask your department's contact or the campaign owner if anything is unclear.",
           "outro_late": "Please deliver the others by these dates; ask your department's contact or the campaign owner if anything is unclear.",
           "fix": "The launch of {campaign} moved from {old} to {launch}, and it {end}. Deliveries follow the tracker.",
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
    today: dt.date | None = None  # the run's day: a deadline before it is late
    calendar: WorkCalendar | None = None  # for a make-up working day or a day off beside a date
    people: dict[str, Person] = field(default_factory=dict)  # the People sheet: who to @-mention in chat

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

    def day(self, d: dt.date) -> str:
        """A date as the notice shows it: with its weekday (and a make-up working day or a day off)."""
        return day_text(d, self.lang, self.calendar, year=d.year != self.launch.year)

    def is_late(self, task: Task) -> bool:
        return task.due is not None and self.today is not None and task.due < self.today

    def late(self) -> list[Task]:
        """The open tasks past their deadline, as the department lists show them (each task once)."""
        return [t for d in self.departments for t in d.tasks if self.is_late(t)]

    def due_text(self, task: Task) -> str:
        """`截止 10-22(周四)`, or for a deadline already past, that it passed and a new date is wanted."""
        tx = _TX[self.lang]
        if task.due is None:
            return tx["no_due"]
        return tx["late" if self.is_late(task) else "due"].format(due=self.day(task.due))


@dataclass
class Decision:
    action: str  # send | wait | done | passed | no-launch
    due: dt.date | None = None
    period: str | None = None
    announced: dt.date | None = None  # the launch date the last delivered notice gave
    old: dt.date | None = None  # for a correction: the date it corrects
    launch: dt.date | None = None  # the launch date in the sheet today


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
    calendar = calendar_of(report)
    return Notice(lang=lang, campaign=c.name or report.sheet or "sheetsync", launch=c.launch, end=c.end,
                  target=c.target, owner=c.owner, owner_email=c.owner_email or (owner_person.email if owner_person else None),
                  departments=list(depts.values()), faq=list(report.faq),
                  workdays_left=calendar.workdays_between(today, c.launch), old_launch=old_launch, today=today,
                  calendar=calendar, people=dict(report.people))


def _who(name: str | None, email: str | None, lang: str) -> str:
    if name and email:
        return f"{name}\uff08{email}\uff09" if lang == "zh" else f"{name} ({email})"
    return name or email or "—"


def _facts(n: Notice) -> tuple[str, list[str]]:
    """(subject, the lines before the departments: when, goal, owner, and how many deadlines have passed)."""
    tx = _TX[n.lang]
    end = tx["end"].format(end=n.day(n.end)) if n.end else tx["no_end"]
    launch = n.day(n.launch)
    if n.old_launch:
        return (tx["fix_subject"].format(campaign=n.campaign, launch=launch),
                [tx["fix"].format(campaign=n.campaign, old=n.day(n.old_launch), launch=launch, end=end)])
    lines = [tx["when"].format(campaign=n.campaign, launch=launch, left=_left(n.lang, n.workdays_left), end=end)]
    if n.target:
        lines.append(tx["goal"].format(target=n.target))
    if n.owner or n.owner_email:
        lines.append(tx["owner"].format(owner=_who(n.owner, n.owner_email, n.lang)))
    late = n.late()
    if late:
        lines.append(tx["late_intro"].format(n=count(n.lang, "item", len(late))))
    return tx["subject"].format(campaign=n.campaign, launch=launch), lines


def _contact(n: Notice, d: Department) -> str:
    tx = _TX[n.lang]
    return tx["contact"].format(name=_who(d.contact.name, d.contact.email, n.lang)) if d.contact else tx["no_contact"]


def _outro(n: Notice) -> str:
    return _TX[n.lang]["outro_late" if n.late() else "outro"]


def notice_lines(n: Notice) -> tuple[str, list[str]]:
    """(subject, body lines of the plain-text part) in the sheet's language."""
    tx = _TX[n.lang]
    subject, facts = _facts(n)
    if n.old_launch:
        return subject, facts
    lines = [tx["hello"], ""] + facts + ["", tx["depts"]]
    for d in n.departments:
        lines.append(f"■ {d.name} — {_contact(n, d)}")
        lines += [f"  - {t.task or t.key} · {n.due_text(t)}" for t in d.tasks] or [f"  - {tx['nothing']}"]
    if n.faq:
        lines += ["", tx["faq"]]
        for q, a in n.faq:
            lines += [f"{tx['q']}{q}", f"{tx['a']}{a}"]
    lines += ["", _outro(n)]
    return subject, lines


# Headings and real lists, as the digest's email; every text from the sheet is autoescaped, and dates and short
# phrases do not break inside themselves at phone width.
_HTML = """<!DOCTYPE html>
<html lang="{{ 'zh-CN' if n.lang == 'zh' else 'en' }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ subject }}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7;">
<div style="max-width:600px;margin:0 auto;padding:12px;box-sizing:border-box;font-family:-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei','Noto Sans CJK SC',Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2328;overflow-wrap:anywhere;">
<div style="background:#ffffff;border-radius:6px;padding:16px;">
<h1 style="font-size:19px;line-height:1.3;margin:0 0 12px 0;">{{ title }}</h1>
{% if not n.old_launch %}<p style="margin:8px 0;">{{ tx.hello }}</p>{% endif %}
{% for line in facts %}<p style="margin:8px 0;">{{ line|nobreak|safe }}</p>
{% endfor %}
{% if not n.old_launch %}
<h2 style="font-size:16px;margin:16px 0 6px 0;padding-bottom:4px;border-bottom:2px solid #0969da;">{{ tx.depts }}</h2>
{% for d in n.departments %}
<h3 style="font-size:15px;margin:12px 0 4px 0;">{{ d.name }} <span style="font-weight:normal;color:#57606a;">{{ contact(d) }}</span></h3>
<ul style="margin:0;padding-left:20px;">
{% for t in d.tasks %}<li style="margin:2px 0;">{{ t.task or t.key }} · {% if n.is_late(t) %}<span style="color:#cf222e;font-weight:bold;">{{ n.due_text(t)|nobreak|safe }}</span>{% else %}{{ n.due_text(t)|nobreak|safe }}{% endif %}</li>
{% else %}<li style="margin:2px 0;color:#57606a;">{{ tx.nothing }}</li>
{% endfor %}</ul>
{% endfor %}
{% if n.faq %}
<h2 style="font-size:16px;margin:16px 0 6px 0;padding-bottom:4px;border-bottom:2px solid #8250df;">{{ tx.faq }}</h2>
<dl style="margin:0;">
{% for q, a in n.faq %}<dt style="font-weight:bold;margin:8px 0 2px 0;">{{ tx.q }}{{ q }}</dt><dd style="margin:0 0 0 20px;">{{ tx.a }}{{ a }}</dd>
{% endfor %}</dl>
{% endif %}
<p style="margin:16px 0 0 0;">{{ outro }}</p>
{% endif %}
</div></div></body></html>
"""


def _nobreak(text: str) -> str:
    """Text escaped for HTML, each date in it kept on one line (the template marks the result safe)."""
    return DAY_PHRASE.sub(lambda m: f'<span style="white-space:nowrap">{m.group(0)}</span>', html.escape(str(text)))


def notice_html(n: Notice) -> str:
    import jinja2  # lazy: only a notice being mailed renders HTML
    tx = _TX[n.lang]
    subject, facts = _facts(n)
    title = tx["fix_title" if n.old_launch else "title"].format(campaign=n.campaign)
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["nobreak"] = _nobreak
    return env.from_string(_HTML).render(n=n, tx=tx, subject=subject, title=title, facts=facts,
                                         contact=lambda d: _contact(n, d), outro=_outro(n))


def notice_doc(n: Notice, link: str | None = None, platform: str | None = None, mentions: bool = True):
    """The notice as a chat message on `platform`: the same facts, one section per department (its contact in
    the heading, each task one line with its owner @-mentioned from the People sheet's chat ids)."""
    tx = _TX[n.lang]
    subject, facts = _facts(n)
    if n.old_launch:
        return ChatDoc(lang=n.lang, title=tx["fix_title"].format(campaign=n.campaign), intro=facts, link=link,
                       severity="warning")
    sections = []
    for d in n.departments:
        contact = tx["contact"].format(name=d.contact.name) if d.contact else tx["no_contact"]
        items = [ChatItem(text=t.task or t.key, owner=t.owner, notes=[n.due_text(t)],
                          mention=mention_for(n.people, t.owner, platform, mentions)) for t in d.tasks]
        sections.append(ChatSection(d.name, items, detail=contact, mention=mention_for(
            n.people, d.contact.name if d.contact else None, platform, mentions)))
    if n.faq:
        sections.append(ChatSection(tx["faq"], [ChatItem(text=f"{tx['q']}{q}", notes=[f"{tx['a']}{a}"])
                                                for q, a in n.faq], counted=False))
    return ChatDoc(lang=n.lang, title=tx["title"].format(campaign=n.campaign), intro=facts, sections=sections,
                   link=link, severity="warning" if n.late() else "info")


def notice_messages(n: Notice, *, tracker: str, period: str, sender: str, recipients=None):
    """One email per department contact (DigestMessage objects, so digest.send.deliver sends them)."""
    subject, lines = notice_lines(n)
    text = "\n".join(lines) + "\n"
    body = notice_html(n)
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


@dataclass(frozen=True)
class NoticeOptions:
    """What a notice run is asked for: `spec` (when before the launch it is due, default T-3wd), the chat
    `channels` (with `env` for their webhooks and `clients`), `tracker` (the ledger's key; default the
    source's), `link` (the tracker's link in chat posts), `hold` (where chat posts wait out quiet hours)."""
    spec: str = DEFAULT_SPEC
    channels: tuple | list = ()
    env: dict | None = None
    tracker: str | None = None
    link: str | None = None
    clients: dict | None = None
    hold: Path | str | None = None


def deliver_notice(report: Report, history: History, *, tracker: str, options: NoticeOptions | None = None,
                   delivery: Delivery | None = None) -> NoticeResult:
    """Decide from `report` and the ledger in `history`, then deliver the notice or its correction (api.notice
    reads and validates the tracker first).

    With `delivery.outbox` the notice is written as a preview whatever the day (to read it before it is due);
    otherwise it is sent only when due, by SMTP (`delivery.smtp`) and to `options.channels` (or, with
    `options.hold`, its chat posts are kept there for the end of the team's quiet hours:
    channels.deliver.post_all)."""
    options, delivery = options or NoticeOptions(), delivery or Delivery()
    spec, channels, env, link, clients, hold = (options.spec, options.channels, options.env, options.link,
                                                options.clients, options.hold)
    outbox, smtp, force = delivery.outbox, delivery.smtp, delivery.force
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
        posts = [ChatPost(ch, period, notice.kind, notice_doc(notice, link, ch.kind, ch.mentions))
                 for ch in channels]
        result.outcomes += post_all(history, tracker, posts, outbox=outbox, force=force, env=env, clients=clients,
                                    hold=hold if outbox is None else None)
    return result
