"""The chat messages sheetsync posts, as ChatDocs: the team digest (headline, risks, needs help), metric alerts,
the nightly "new problems" post, and the launch notice with its correction. Text comes from the digest and
the engine (already in the sheet's language); only the few words added here are translated here."""
from __future__ import annotations

from ..engine import catalogue
from ..model import Finding, MetricAlert, Person, Report, Task
from .content import ChatDoc, ChatItem, ChatSection, Mention
from ..dates_text import calendar_of, day_text

_TX = {
    "zh": {"alerts": "{campaign} · 指标预警", "alert_sec": "指标预警", "nightly": "{campaign} · 今日新增问题",
           "errors": "新增错误", "late": "新逾期", "report": "完整报告", "late_note": "截止 {due}已过"},
    "en": {"alerts": "{campaign} · metric alert", "alert_sec": "Metric alerts", "nightly": "{campaign} · new problems today",
           "errors": "New errors", "late": "Newly late", "report": "Full report", "late_note": "was due {due}"},
}


def _campaign(report: Report) -> str:
    return report.campaign.name or report.sheet or "sheetsync"


def mention_for(people: dict[str, Person], name: str | None, platform: str | None, enabled: bool = True
                ) -> Mention | None:
    """The person's chat id on `platform` (that platform's People column, else the generic Chat ID) or mobile,
    from the People sheet; None when mentions are off for the channel or the person has neither."""
    if not enabled or not name:
        return None
    person = people.get(name)
    if person is None:
        return None
    chat_id, mobile = (person.chat_id(platform) if platform else person.chat_ids.get("any")), person.mobile
    return Mention(name, chat_id, mobile) if chat_id or mobile else None


def _finding_title(f: Finding, lang: str) -> str:
    """What a finding is about when it has no task: its cell, else its kind in words (never its code)."""
    kind = catalogue.CATALOGUE.get(f.code)
    return f.ref or ((kind.title_zh if lang == "zh" else kind.title_en) if kind else f.message)


def digest_doc(content, report: Report, platform: str, *, link: str | None = None, mentions: bool = True) -> ChatDoc:
    """The team digest for a group chat: headline numbers, then risks and needs-help (owner @-mentioned)."""
    sections = []
    for s in content.sections:
        if s.name not in ("risks", "help"):
            continue
        items = [ChatItem(text=i.title, owner=None if i.owner in (None, "—") else i.owner, due=i.due,
                          notes=list(i.notes), link=i.url, ref=i.ref, badge=i.badge,
                          mention=mention_for(report.people, i.owner, platform, mentions)) for i in s.items]
        sections.append(ChatSection(s.title, items))
    risky = any(s.items for s in sections)
    return ChatDoc(lang=content.lang, title=content.title, headline=list(content.headline),
                   intro=[content.note] if content.note else [], sections=sections, link=link,
                   link_text=_TX[content.lang]["report"], severity="warning" if risky else "info")


def alert_doc(report: Report, alert: MetricAlert, *, link: str | None = None) -> ChatDoc:
    lang = report.language
    tx = _TX[lang]
    item = ChatItem(text=alert.metric, ref=alert.ref, notes=[alert.message])
    return ChatDoc(lang=lang, title=tx["alerts"].format(campaign=_campaign(report)),
                   sections=[ChatSection(tx["alert_sec"], [item])], link=link, link_text=tx["report"],
                   severity="warning")


def nightly_doc(report: Report, errors: list[Finding], late: list[Task], platform: str, *, link: str | None = None,
                mentions: bool = True) -> ChatDoc:
    """What appeared since last night: new errors (each with its cell) and tasks that became late."""
    lang = report.language
    tx = _TX[lang]
    by_row = {t.row: t for t in report.tasks}
    err_items = []
    for f in errors:
        task = by_row.get(f.row) if f.sheet == report.sheet and not f.cells else None  # a range: no one task
        owner = task.owner if task else None
        err_items.append(ChatItem(text=(task.task or task.key) if task else _finding_title(f, lang), owner=owner,
                                  ref=f.ref if task else None, notes=[f.message],
                                  mention=mention_for(report.people, owner, platform, mentions)))
    calendar = calendar_of(report)
    late_items = [ChatItem(text=t.task or t.key, owner=t.owner,
                           notes=[tx["late_note"].format(due=day_text(t.due, lang, calendar, year=t.due.year != report.today.year))]
                           if t.due else [], ref=f"{report.sheet}!A{t.row}" if report.sheet else None,
                           mention=mention_for(report.people, t.owner, platform, mentions)) for t in late]
    return ChatDoc(lang=lang, title=tx["nightly"].format(campaign=_campaign(report)),
                   sections=[ChatSection(tx["errors"], err_items), ChatSection(tx["late"], late_items)],
                   link=link, link_text=tx["report"], severity="warning")
