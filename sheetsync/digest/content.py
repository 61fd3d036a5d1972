"""What a digest says, as plain data: one list of items in sections, and every number computed from it.

The team digest lists each task once, in the first section that applies: Reaches
nobody (its owner gets no personal digest), Late and at risk (late, at risk, due date moved), Needs help
(blocked, review overdue, someone's overloaded week), In progress, Coming up (due in the next five working
days), Done (finished since the last digest), and the sheet's data errors by kind.

A personal digest (one message with everything a person owes) lists each of their tasks once:
Waiting on you (reviews you owe and what each draft holds up; your tasks holding up a started successor),
Late, Blocked, At risk, Data errors on your rows, Coming up (next five working days), Due date moved, Your
busy week, Waiting on someone else's review. Empty sections are left out.

A task listed once still counts in every number it belongs to: each item carries the flags of facts.py, its
badges beside its title, and the subject's and headline's numbers are counts of listed items with a flag
(`DigestContent.count`), so a number and the list it summarises cannot disagree. Chat posts build on this
model (`sections`, `headline`, `status`, `Item`)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .. import task_counts
from ..engine import catalogue
from ..engine.counts import count
from ..engine.schema import REPORT_TITLE
from ..model import Report, Task
from . import facts as F
from .facts import (Facts, default_link_for, gsheet_link_for, named, owners_of, report_sheet_ref,  # noqa: F401
                    sheet_ref)
from .i18n import t
from .outlook import status_lines

FIX_CELLS = 3  # cells named per kind of data error; the report sheet has them all


@dataclass
class Item:
    key: str
    title: str
    owner: str | None  # None: not about one task (a count of data errors, an overloaded week)
    due: str | None
    ref: str | None = None  # `任务!F12`
    url: str | None = None
    notes: list[str] = field(default_factory=list)
    badges: list[str] = field(default_factory=list)  # late, blocked, at risk...: shown beside the title
    flags: frozenset[str] = frozenset()  # what this item counts in (facts.py's flag names)
    owners: list[str] = field(default_factory=list)  # each owner's name, for chat @-mentions

    @property
    def badge(self) -> str | None:
        """The badges as one short marker (chat posts show one)."""
        return " ".join(self.badges) or None


@dataclass
class Section:
    name: str  # team: nobody | risks | help | progress | coming | done | fix;
    # personal: waiting | late | blocked | risk | fix | coming | moved | busy | others
    title: str
    items: list[Item]


@dataclass
class Box:
    """A headline number: the count of listed items carrying `flag`, or a fixed `value` (progress, countdown)."""
    label: str
    flag: str | None = None
    value: str | None = None


@dataclass
class DigestContent:
    kind: str  # team | personal
    lang: str
    campaign: str
    period: str
    week: int
    title: str
    boxes: list[Box]
    sections: list[Section]
    subject: str = ""
    status: list[str] = field(default_factory=list)  # the lines at the top: launch, forecast, changes, goal
    link: str | None = None  # the tracker itself (report_url, the Google URL, or the file path)
    changed: bool = True
    note: str | None = None  # one-line body when nothing changed
    intro: str | None = None
    recipient_name: str | None = None
    progress: tuple[int, int] = (0, 0)  # (done, total) over task_counts.counted

    def items(self) -> list[Item]:
        """Every listed item once (an item is in one section)."""
        seen, out = set(), []
        for sec in self.sections:
            for it in sec.items:
                if it.key not in seen:
                    seen.add(it.key)
                    out.append(it)
        return out

    def count(self, flag: str) -> int:
        return sum(flag in it.flags for it in self.items())

    @property
    def headline(self) -> list[tuple[str, str]]:
        return [(b.label, b.value if b.flag is None else str(self.count(b.flag))) for b in self.boxes]

    @property
    def counts(self) -> dict:
        """Each flag's count (`review_overdue`...) and the progress (`done`, `total`): what subjects show."""
        out = {flag.replace("-", "_"): self.count(flag) for flag in (F.LATE, F.BLOCKED, F.AT_RISK, F.REVIEW_OVERDUE, F.IN_REVIEW,
                                                   F.DUE_SOON, F.INVALID, F.MOVED, F.NOBODY, F.REVIEW_OWED)}
        out["done"], out["total"] = self.progress
        return out


def _campaign_name(report: Report) -> str:
    return report.campaign.name or (report.sheet or "sheetsync")


def task_item(f: Facts, task: Task, notes=(), extra: set[str] = frozenset()) -> Item:
    """`task` as a listed item: its flags (plus `extra`), badges, owner, due date and link."""
    link = f.link_for(task) if f.link_for else None
    url = link if link and "://" in link else None
    flags = f.flags(task) | set(extra)
    notes = list(notes)
    if task.due_source == "unreadable" and F.INVALID not in flags:
        notes += f.error_reasons(task)
    return Item(key=task.key, title=task.task or task.key,
                owner=("、" if f.lang == "zh" else ", ").join(owners_of(task)) or "—", due=f.due_text(task),
                ref=None if url else link, url=url, notes=_unique(notes), badges=f.badges(flags, task),
                flags=frozenset(flags), owners=owners_of(task))


def _unique(notes: list[str]) -> list[str]:
    seen, out = set(), []
    for n in notes:
        if n and n not in seen:
            seen.add(n)
            out.append(n)
    return out


def _sections(pairs) -> list[Section]:
    """Empty sections are left out: a heading with nothing under it is noise on a phone."""
    return [s for s in pairs if s.items]


# -- the team digest ---------------------------------------------------------------------------------------

def team_content(f: Facts) -> DigestContent:
    lang = f.lang
    name = _campaign_name(f.report)
    nobody, risks, help_items, progress, coming = [], [], [], [], []
    listed_nobody = bool(f.addresses)  # with nobody reachable at all, the count says why (no People sheet)
    for x in sorted(f.tasks, key=lambda x: (x.due or dt.date.max, x.row)):
        if not f.is_open(x):
            continue
        risk, helping = f.risk_reasons(x), f.help_reasons(x)
        if listed_nobody and not f.reaches_someone(x):
            nobody.append(task_item(f, x, [f.nobody_reason(x)] + risk + helping))
        elif risk:  # the first section that applies; every reason stands beside it
            risks.append(task_item(f, x, risk + helping))
        elif helping:
            help_items.append(task_item(f, x, helping))
        elif x.status in F.WORKING or f.awaiting_review(x):
            progress.append(task_item(f, x, [f.progress_reason(x)]))
        elif f.due_soon(x):
            coming.append(task_item(f, x, [f.due_reason(x)]))
    for owner, monday, tasks in f.overloaded():
        # about a person, not a task: the tasks themselves stay in their own sections
        help_items.append(Item(key=f"overloaded:{owner}:{monday.isoformat()}", title=owner, owner=None, due=None,
                               notes=[t(lang, "overloaded", owner=owner, week=f.week_of(monday),
                                        count=count(lang, "item", len(tasks)))]))
    for alert in f.report.alerts:  # a breached metric threshold is a risk too
        risks.append(Item(key=f"metric:{alert.key}", title=alert.metric, owner=None,
                          due=t(lang, "metric_period", period=f.text(alert.period)), ref=alert.ref,
                          notes=[f.text(alert.message)], badges=[t(lang, "metric_badge")]))
    done = [task_item(f, x) for x in f.finished()]

    sections = _sections([
        Section("nobody", t(lang, "sec_nobody"), nobody), Section("risks", t(lang, "sec_risks"), risks),
        Section("help", t(lang, "sec_help"), help_items), Section("progress", t(lang, "sec_progress"), progress),
        Section("coming", f.coming_title("sec_coming"), coming),
        Section("done", t(lang, "sec_done_first" if f.baseline is None else "sec_done"), done),
        Section("fix", t(lang, "sec_fix"), fix_items(f))])
    done_n, total = task_counts.progress(f.report.tasks)
    boxes = [Box(t(lang, "done_of_total"), value=f"{done_n}/{total}"), Box(t(lang, "late"), F.LATE),
             Box(t(lang, "blocked"), F.BLOCKED), Box(t(lang, "at_risk"), F.AT_RISK),
             Box(t(lang, "review_overdue"), F.REVIEW_OVERDUE), Box(t(lang, "in_review_all"), F.IN_REVIEW)]
    days = f.workdays_to_launch()
    if days is not None:
        boxes.append(Box(t(lang, "days_to_launch"), value=str(days) if days >= 0 else t(lang, "launched")))
    content = DigestContent(kind="team", lang=lang, campaign=name, period=f.period, week=f.week,
                            title=t(lang, "title_team", campaign=name, week=f.week_of(f.monday)), boxes=boxes,
                            sections=sections, changed=f.changed(), progress=(done_n, total),
                            intro=t(lang, "first_digest") if f.baseline is None else None, link=f.tracker_link)
    if nobody:
        boxes.append(Box(t(lang, "nobody"), F.NOBODY))
    content.status = status_lines(f, content)
    content.subject = t(lang, "team_subject", campaign=name, week=f.week, **content.counts)
    return content


def note_content(team: DigestContent) -> DigestContent:
    """The one-line message sent instead of a full digest when nothing changed."""
    lang = team.lang
    done, total = team.progress
    return DigestContent(kind="team", lang=lang, campaign=team.campaign, period=team.period, week=team.week,
                         title=team.title, boxes=[b for b in team.boxes if b.flag is None], sections=[],
                         subject=t(lang, "note_subject", campaign=team.campaign, week=team.week, done=done,
                                   total=total),
                         status=list(team.status), link=team.link, changed=False, note=t(lang, "note_line"),
                         progress=team.progress)


def fix_items(f: Facts) -> list[Item]:
    """One line per kind of data error: its title, how many cells, the first few, and the report sheet."""
    lang, out = f.lang, []
    url = f.report_link if "://" in f.report_link else None
    for code, found in f.data_errors():
        ftype = catalogue.CATALOGUE.get(code)
        title = (ftype.title_zh if lang == "zh" else ftype.title_en) if ftype else code
        # a finding over a range is listed as its range and counts each of its cells
        refs = [f"{sheet_ref(x.sheet)}!{x.range or x.cell}" if x.sheet and x.cell else (x.ref or "—")
                for x in found[:FIX_CELLS]]
        listed = ("、" if lang == "zh" else ", ").join(refs)
        if len(found) > FIX_CELLS:
            listed += (" " if lang == "en" else "") + t(lang, "fix_more")
        out.append(Item(key=f"fix:{code}", title=title, owner=None, due=None, ref=None if url else f.report_link,
                        url=url, notes=[t(lang, "fix_cells", cells=count(lang, "spot", sum(len(x.spots()) for x in found)), refs=listed),
                                        t(lang, "fix_report", ref=REPORT_TITLE[lang])]))
    return out


# -- a personal digest -------------------------------------------------------------------------------------

def personal_content(f: Facts, person: str) -> DigestContent | None:
    """What `person` must act on (see the module docstring); None when nothing concerns them."""
    lang = f.lang
    waiting, late, blocked, risk, fix, coming, moved, busy, others = ([] for _ in range(9))
    for x in f.to_review.get(person, ()):
        if person not in owners_of(x) and f.awaiting_review(x):
            notes = [t(lang, "review_owed", submitted=f.day(x.submitted, time=True) if x.submitted else "—",
                       hours=f.hours_text(x))]
            held = f.held_up(x, started_only=True)  # what the draft holds up: successors already under way
            if held:
                notes.append(f.held_text(held))
            item = task_item(f, x, notes, {F.REVIEW_OWED})
            item.flags = frozenset(item.flags & {F.REVIEW_OWED, F.REVIEW_OVERDUE, F.IN_REVIEW})  # not theirs
            item.badges = f.badges(set(item.flags), x)
            waiting.append(item)
    for x in sorted(f.owned.get(person, ()), key=lambda x: (x.due or dt.date.max, x.row)):
        if not f.is_open(x):
            continue
        flags = f.flags(x)
        notes = (f.late_reasons(x) + f.blocked_reasons(x) + f.at_risk_reasons(x) + f.error_reasons(x)
                 + f.moved_reasons(x) + f.overdue_review_reasons(x))
        held = f.held_up(x)
        if held:
            waiting.append(task_item(f, x, [f.held_text(held)] + notes))
        elif F.LATE in flags:
            late.append(task_item(f, x, notes))
        elif F.BLOCKED in flags:
            blocked.append(task_item(f, x, notes))
        elif F.AT_RISK in flags:
            risk.append(task_item(f, x, notes or [t(lang, "badge_at_risk")]))
        elif F.INVALID in flags:
            fix.append(task_item(f, x, notes))
        elif f.awaiting_review(x) and x.reviewer != person:
            key = "waiting_on_review" if x.reviewer else "waiting_on_nobody"
            others.append(task_item(f, x, [t(lang, key, reviewer=x.reviewer or "", hours=f.hours_text(x))] + notes))
        elif F.DUE_SOON in flags:
            coming.append(task_item(f, x, [f.due_reason(x)] + notes))
        elif F.MOVED in flags:
            moved.append(task_item(f, x, notes))
    for owner, monday, tasks in f.overloaded():
        if owner == person:
            busy.append(Item(key=f"overloaded:{owner}:{monday.isoformat()}", title=f.week_of(monday), owner=None,
                             due=None, notes=[t(lang, "your_busy_week", count=count(lang, "item", len(tasks)),
                                                tasks=("、" if lang == "zh" else ", ").join(named(x) for x in tasks))]))
    sections = _sections([
        Section("waiting", t(lang, "sec_waiting"), waiting), Section("late", t(lang, "sec_late"), late),
        Section("blocked", t(lang, "sec_blocked"), blocked), Section("risk", t(lang, "sec_risk"), risk),
        Section("fix", t(lang, "sec_fix_mine"), fix), Section("coming", f.coming_title("sec_coming_mine"), coming),
        Section("moved", t(lang, "sec_moved"), moved), Section("busy", t(lang, "sec_busy"), busy),
        Section("others", t(lang, "sec_others"), others)])
    if not sections:
        return None
    name = _campaign_name(f.report)
    boxes = [Box(t(lang, "late"), F.LATE), Box(t(lang, "blocked"), F.BLOCKED), Box(t(lang, "at_risk"), F.AT_RISK),
             Box(t(lang, "review_owed_box"), F.REVIEW_OWED), Box(t(lang, "due_soon_box", days=F.COMING_WORKDAYS),
                                                                 F.DUE_SOON)]
    content = DigestContent(kind="personal", lang=lang, campaign=name, period=f.period, week=f.week,
                            title=t(lang, "title_personal", name=person, week=f.week_of(f.monday)), boxes=boxes,
                            sections=sections, recipient_name=person, link=f.tracker_link,
                            progress=task_counts.progress(f.report.tasks))
    content.subject = t(lang, "personal_subject", campaign=name, week=f.week, days=F.COMING_WORKDAYS,
                        **content.counts)
    return content


# -- tasks no personal digest reaches ----------------------------------------------------------------------

def unreached(f: Facts) -> list[tuple[Item, str]]:
    """Open tasks whose owners get no personal digest, each with why (facts.nobody_kind)."""
    return [(task_item(f, x, [f.nobody_reason(x)]), f.nobody_kind(x)) for x in sorted(f.tasks, key=lambda x: x.row)
            if f.is_open(x) and not f.reaches_someone(x)]
