"""Deadlines in people's calendars: one iCalendar (.ics) feed per person and one for the team, from a validated
tracker. Each open task with a deadline is an all-day event on its due date with the task, its stage, its state
(the Health word in the tracker's language) and the tracker's link. A task done or cancelled leaves the feed.

A subscribed calendar (Outlook, Apple, Google, Feishu) matches events by UID, so the UID is derived from the
tracker's identity and the task's key (its id, else its name), never its row: a row moved, or a task whose date
or state changed, updates its event instead of adding a second one. Every feed is read back with `icalendar`
before it replaces the old one (sheetsync.atomic). A person who no longer has an open task keeps a feed, empty,
so a subscription empties instead of failing."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import write_atomic
from .engine.schema import HEALTH_LABELS
from .engine.statuses import STATUS_LABELS
from .labels import task_label
from .model import Report, SheetsyncError, Task

TEAM_FILE = "team.ics"
PERSON_PREFIX = "person-"
PRODID = "-//sheetsync//deadline feed//EN"
UID_DOMAIN = "sheetsync"
CLOSED = ("done", "cancelled")

_TEXT = {
    "en": {"sep": ": ", "stage": "Stage", "status": "Status", "health": "Health", "owner": "Owner", "link": "Tracker",
           "team": "{name}: deadlines", "person": "{name}: {person}'s deadlines"},
    "zh": {"sep": "：", "stage": "阶段", "status": "状态", "health": "健康度", "owner": "负责人", "link": "跟踪表",
           "team": "{name}:截止日期", "person": "{name}:{person}的截止日期"},
}


@dataclass
class Feeds:
    """What one run wrote: file name -> the UIDs in it (team.ics included)."""
    folder: Path
    language: str = "en"  # the tracker's: what the command says it wrote is in it
    files: dict[str, list[str]] = field(default_factory=dict)

    @property
    def events(self) -> int:
        return len(self.files.get(TEAM_FILE, []))


def owners_of(task: Task) -> list[str]:
    """Every owner named in the task's owner cell (several owners: the task is in each one's feed)."""
    names = task.owners or ([task.owner] if task.owner else [])
    return list(dict.fromkeys(n.strip() for n in names if n and n.strip()))


def is_open(task: Task) -> bool:
    return task.status not in CLOSED and task.health != "done" and task.due is not None


def person_file(name: str) -> str:
    """A safe file name for a person's feed: an ASCII slug of the name (none for a Chinese name) and a hash of
    the whole name, so two names that slug alike never share a file."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40]
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
    return f"{PERSON_PREFIX}{slug + '-' if slug else ''}{digest}.ics"


def event_uid(tracker: str, task: Task, seen: dict[str, int]) -> str:
    """Stable across runs: the tracker's identity and the task's key (and its sheet, for a task read from another
    table); two tasks with the same key take their order among those (the rows may move, the count holds)."""
    base = f"{tracker}\x00{task.sheet or ''}\x00{task.key}"
    n = seen.get(base, 0)
    seen[base] = n + 1
    if n:
        base += f"\x00{n}"
    return f"{hashlib.sha256(base.encode('utf-8')).hexdigest()[:32]}@{UID_DOMAIN}"


def _event(task: Task, uid: str, report: Report, link: str, stamp: dt.datetime):
    from icalendar import Event  # lazy: only this command loads icalendar
    lang = "zh" if report.language == "zh" else "en"
    tx = _TEXT[lang]
    health = HEALTH_LABELS[lang].get(task.health, task.health)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", task.due)
    event.add("dtend", task.due + dt.timedelta(days=1))  # all-day: DTEND is the next day, exclusive
    event.add("summary", f"{task_label(task)} · {health}")
    lines = []
    stage = task.stage or task.group
    if stage:
        lines.append(f"{tx['stage']}{tx['sep']}{stage}")
    if task.status:
        lines.append(f"{tx['status']}{tx['sep']}{STATUS_LABELS[lang].get(task.status, task.status)}")
    lines.append(f"{tx['health']}{tx['sep']}{health}")
    owners = owners_of(task)
    if owners:
        lines.append(f"{tx['owner']}{tx['sep']}{', '.join(owners)}")
    lines.append(f"{tx['link']}{tx['sep']}{link}")
    event.add("description", "\n".join(lines))
    if "://" in link:
        event.add("url", link)
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy that day
    return event


def _calendar(title: str, events: list):
    from icalendar import Calendar
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", title)
    for e in events:
        cal.add_component(e)
    return cal


def _checked(data: bytes, uids: list[str], name: str) -> bytes:
    """The feed as read back by icalendar holds exactly these events: else nothing is written."""
    from icalendar import Calendar
    try:
        back = Calendar.from_ical(data)
        got = [str(e.get("uid")) for e in back.walk("VEVENT")]
    except ValueError as exc:
        got = [f"unreadable: {exc}"]
    if got != uids:
        raise SheetsyncError(f"{name}: the calendar feed did not read back as written; nothing was written",
                             f"{name}:日历订阅文件读回与写入不一致;未写入", code="ics-unverified")
    return data


def build_feeds(report: Report, *, tracker: str, link: str, now: dt.datetime | None = None) -> dict[str, tuple]:
    """file name -> (calendar, its UIDs): the team's feed and each owner's."""
    stamp = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    name = (report.campaign.name if report.campaign else None) or Path(str(report.source)).stem or tracker
    tx = _TEXT["zh" if report.language == "zh" else "en"]
    seen: dict[str, int] = {}
    team: list = []
    per_person: dict[str, list] = {}
    for task in sorted(report.tasks, key=lambda t: (t.table, t.row)):
        uid = event_uid(tracker, task, seen)  # every task takes its place, so a closed one moves no other UID
        if not is_open(task):
            continue
        team.append((uid, _event(task, uid, report, link, stamp)))
        for person in owners_of(task):
            per_person.setdefault(person, []).append((uid, _event(task, uid, report, link, stamp)))
    feeds = {TEAM_FILE: (_calendar(tx["team"].format(name=name), [e for _, e in team]), [u for u, _ in team])}
    for person, events in per_person.items():
        title = tx["person"].format(name=name, person=person)
        feeds[person_file(person)] = (_calendar(title, [e for _, e in events]), [u for u, _ in events])
    return feeds


def _title_of(path: Path) -> str:
    """The calendar name an earlier feed carried (a person's), kept on its emptied feed."""
    from icalendar import Calendar
    try:
        return str(Calendar.from_ical(path.read_bytes()).get("x-wr-calname") or path.stem)
    except (OSError, ValueError):
        return path.stem


def write_feeds(report: Report, folder: str | Path, *, tracker: str, link: str,
                now: dt.datetime | None = None) -> Feeds:
    """Write the team's and each owner's feed into `folder`; a person's feed from an earlier run whose tasks are
    all closed now is written again, empty."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SheetsyncError(f"{folder}: cannot create the calendar folder ({exc.strerror or exc})",
                             f"{folder}:无法创建日历文件夹({exc.strerror or exc})", code="ics-folder") from None
    feeds = build_feeds(report, tracker=tracker, link=link, now=now)
    stale = {p.name for p in folder.glob(f"{PERSON_PREFIX}*.ics")} - set(feeds)
    for old in sorted(stale):
        feeds[old] = (_calendar(_title_of(folder / old), []), [])
    out = Feeds(folder, "zh" if report.language == "zh" else "en")
    for file, (cal, uids) in feeds.items():
        data = _checked(cal.to_ical(), uids, file)
        write_atomic(folder / file, data)
        out.files[file] = uids
    return out


def tracker_link(source: str | Path, report_url: str | None = None) -> str:
    """What an event links to: the config's report_url, else the tracker's URL, else the file's absolute path."""
    from . import registry
    if report_url:
        return report_url
    url = registry.link(source, ask=False)
    text = str(source)
    return url or (text if "://" in text else str(Path(text).expanduser().resolve()))


def feed_folder(root: str | Path, tracker_name: str) -> Path:
    """Where one tracker of a config writes its feeds under `root`: a folder named after the tracker (its
    config name is already a safe file name)."""
    return Path(root) / tracker_name
