"""Weekly digests, one per team and one per owner: build the team and personal messages from a Report and the
history, then deliver them exactly once. The digest reads nothing itself: api.digest reads and validates the
tracker, then calls `build_digests` and `deliver` (as tests and jobs may)."""
from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parseaddr

from ..clock import current
from ..context import gather
from ..engine.schema import REPORT_TITLE
from ..history import History, default_state_path, tracker_key
from ..model import Report
from .content import (DigestContent, Facts, Item, default_link_for, gsheet_link_for, note_content,
                      personal_content, team_content, unreached)
from ..engine.counts import count
from .i18n import t
from .options import DigestOptions, Links
from .mail import build_message, message_id, sender_address, valid_address
from ..periods import iso_period, normalise_period, parse_period
from .render import render_html, render_text
from .send import DeliveryResult, Outcome, SmtpSettings, deliver

__all__ = ["build_digests", "deliver", "DigestOptions", "Links", "DigestBatch", "DigestMessage", "DigestWarning", "Unreached",
           "DeliveryResult", "Outcome", "SmtpSettings", "History", "default_state_path", "iso_period",
           "parse_period", "default_link_for", "gsheet_link_for", "gsheet_report_link", "tracker_key"]

CHART_CID = "progress-chart@sheetsync"


@dataclass
class DigestMessage:
    kind: str  # team | personal
    recipient: str  # bare address
    period: str
    content: DigestContent
    email: EmailMessage
    message_id: str
    html: str
    text: str
    png: bytes | None = None

    def browser_html(self) -> str:
        """The HTML with the chart inlined, for opening the outbox copy in a browser."""
        if self.png is None:
            return self.html
        data = "data:image/png;base64," + base64.b64encode(self.png).decode()
        return self.html.replace(f"cid:{CHART_CID}", data)


@dataclass
class DigestWarning:
    code: str  # bad-address | no-recipients | unchanged | unreached (tasks whose owner gets no digest)
    subject: str
    message: str


@dataclass
class Unreached:
    """Open tasks no personal digest reaches, each with why; `line()` is what the command prints."""
    lang: str
    items: list[Item] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # beside each item: no_owner | no_email | not_in_people
    no_people: bool = False  # nobody at all has an address: there is no People sheet to add them to

    def __len__(self) -> int:
        return len(self.items)

    def line(self) -> str | None:
        """`3 项任务没有发给任何人：负责人不在人员表 2、没有负责人 1`; None when every task reaches someone."""
        if not self.items:
            return None
        lang = self.lang
        if self.no_people:
            why = t(lang, "unreached_no_people")
        else:
            kinds: dict[str, int] = {}
            for kind in self.kinds:
                kinds[kind] = kinds.get(kind, 0) + 1
            why = ("、" if lang == "zh" else ", ").join(
                t(lang, "unreached_why", reason=t(lang, "unreached_" + k), n=n) for k, n in kinds.items())
        return t(lang, "unreached_line", count=count(lang, "item", len(self.items)), why=why)

    def to_dict(self) -> dict:
        return {"count": len(self.items), "no_people": self.no_people,
                "tasks": [{"task": it.key, "title": it.title, "owner": it.owner, "why": it.notes[0]}
                          for it in self.items]}


@dataclass
class DigestBatch:
    tracker: str
    period: str
    messages: list[DigestMessage] = field(default_factory=list)
    warnings: list[DigestWarning] = field(default_factory=list)
    changed: bool = True
    snapshot_run: int | None = None
    lang: str = "en"  # the tracker's language: what the CLI prints about this batch
    team: DigestContent | None = None  # the team digest's content, also when no email carries it (chat channels)
    report: Report | None = None  # the report it was built from (the chat channels post from the same one)
    unreached: Unreached | None = None  # open tasks whose owner gets no personal digest, and why


def _kinds(kinds) -> set[str]:
    if isinstance(kinds, str):
        kinds = ("team", "personal") if kinds == "all" else (kinds,)
    out = set(kinds)
    if not out <= {"team", "personal"}:
        raise ValueError(f"kinds must be team and/or personal, not {kinds!r}")
    return out


def _warn(batch: DigestBatch, lang: str, code: str, subject: str, en: str, zh: str) -> None:
    batch.warnings.append(DigestWarning(code, subject, zh if lang == "zh" else en))


def _people_emails(report: Report) -> dict[str, str]:
    emails = {name: p.email for name, p in report.people.items() if p.email}
    for task in report.tasks:
        if task.owner and task.owner_email and task.owner not in emails:
            emails[task.owner] = task.owner_email
    return emails


def _unreached(facts: Facts) -> Unreached:
    found = unreached(facts)
    return Unreached(facts.lang, [it for it, _ in found], [kind for _, kind in found], no_people=not facts.addresses)


def build_digests(report: Report, history: History | None, *, tracker: str, options: DigestOptions | None = None,
                  links: Links | None = None, **given) -> DigestBatch:
    """Every message for one tracker and ISO week, plus warnings (bad addresses, nothing changed).

    `options` says which messages (digest.options.DigestOptions), `links` the links they show; their field
    names may also be given as keywords. With a history, the tasks are recorded as this period's digest
    snapshot (options.record=False to preview)."""
    options, links = gather(DigestOptions, given, options), gather(Links, given, links)
    if given:
        raise TypeError(f"build_digests() got unexpected keyword arguments: {', '.join(sorted(given))}")
    period, today, now, kinds, to = options.period, options.today, options.now, options.kinds, options.to
    unchanged, sender, record, chart = options.unchanged, options.sender, options.record, options.chart
    link_for, report_link, tracker_link = links.link_for, links.report_link, links.tracker_link
    if unchanged not in ("skip", "note"):
        raise ValueError("unchanged must be 'skip' or 'note'")
    today = today or report.today
    period = normalise_period(period) if period else iso_period(today)
    monday, _ = parse_period(period)
    if now is None:
        # the run's clock (sheetsync.clock): the same hours as the sheet; a bare Report: 08:30, when a weekly digest is read
        now = report.clock.now if report.clock is not None else dt.datetime.combine(today, dt.time(8, 30))
    sent_at = report.clock.aware if report.clock is not None else current()
    wanted = _kinds(kinds)
    lang = report.language
    batch = DigestBatch(tracker=tracker, period=period, lang=lang, report=report)

    baseline = None
    if history is not None:
        baseline = history.previous_digest_snapshot(tracker, period)
        if baseline is None:
            baseline = history.last_snapshot_before(tracker, monday)
    facts = Facts(report, baseline, period=period, monday=monday, today=today, now=now, link_for=link_for,
                  calendar=options.calendar, busy_threshold=options.busy_threshold, report_link=report_link,
                  tracker_link=tracker_link)
    batch.unreached = _unreached(facts)
    if batch.unreached.line():  # printed by the command with the other warnings, and in its JSON
        batch.warnings.append(DigestWarning("unreached", tracker, batch.unreached.line()))
    sender = sender_address(sender)
    domain = parseaddr(sender)[1].partition("@")[2] or "sheetsync.invalid"
    only = None
    if to is not None:
        only = set()
        for addr in to:
            bare = valid_address(addr)
            if bare:
                only.add(bare.lower())
            else:
                _warn(batch, lang, "bad-address", str(addr), f"'{addr}' is not an email address; not sent.",
                      f"“{addr}”不是有效邮箱,未发送。")

    def add(kind: str, content: DigestContent, recipient: str, name: str | None, drawn=None) -> None:
        mid = message_id(tracker, period, recipient, kind, domain)
        png = drawn.png if drawn is not None else None
        html = render_html(content, CHART_CID if png else None, chart=drawn)
        text = render_text(content)
        email = build_message(subject=content.subject, sender=sender, recipient=recipient, recipient_name=name,
                              text=text, html=html, png=png, cid=CHART_CID if png else None, msg_id=mid,
                              date=sent_at)
        batch.messages.append(DigestMessage(kind, recipient, period, content, email, mid, html, text, png))

    if "team" in wanted:
        team = team_content(facts)
        batch.team = team
        batch.changed = team.changed
        if not team.changed:
            _warn(batch, lang, "unchanged", tracker, "Nothing changed since the last digest.",
                  "自上次周报以来没有变化。")
        if team.changed or unchanged == "note":
            content = team if team.changed else note_content(team)
            drawn = None
            if chart and team.changed:
                from .chart import progress_chart
                drawn = progress_chart(report, lang)
            raw = list(to) if to is not None else list(report.campaign.recipients)
            seen = set()
            for entry in raw:
                name, _ = parseaddr(entry)
                bare = valid_address(entry)
                if not bare:
                    if to is None:
                        _warn(batch, lang, "bad-address", str(entry), f"'{entry}' is not an email address; not sent.",
                              f"“{entry}”不是有效邮箱,未发送。")
                    continue
                if bare.lower() not in seen:
                    seen.add(bare.lower())
                    add("team", content, bare, name or None, drawn)
            if not seen:  # one line that says how to add them; the personal digests below still go out
                _warn(batch, lang, "no-recipients", tracker, t("en", "no_recipients"), t("zh", "no_recipients"))

    if "personal" in wanted:
        for name, addr in sorted(_people_emails(report).items()):
            bare = valid_address(addr)
            if not bare:
                _warn(batch, lang, "bad-address", name, f"{name}: '{addr}' is not an email address; not sent.",
                      f"{name}:“{addr}”不是有效邮箱,未发送。")
                continue
            if only is not None and bare.lower() not in only:
                continue
            content = personal_content(facts, name)
            if content is not None:
                add("personal", content, bare, name, None)

    if history is not None and record:
        batch.snapshot_run = history.record_snapshot(tracker, report, "digest", at=now, period=period)
    return batch


def gsheet_report_link(url: str, workbook, lang: str) -> str:
    """The report sheet of a Google tracker (as the last sync wrote it), else the spreadsheet itself."""
    base = url.split("#", 1)[0]
    sheet = workbook.sheet(REPORT_TITLE[lang])
    return f"{base}#gid={sheet.sheet_id}" if sheet is not None and sheet.sheet_id is not None else base
