"""The chat messages sheetsync posts, as ChatDocs: the team digest (headline, risks, needs help), metric alerts,
the nightly "new problems" post, and the launch notice with its correction. Text comes from the digest and
the engine (already in the sheet's language); only the few words added here are translated here."""
from __future__ import annotations

from ..model import Finding, MetricAlert, Report, Task
from .content import ChatDoc, ChatItem, ChatSection, Mention

_TX = {
    "zh": {"alerts": "{campaign} · 指标预警", "alert_sec": "指标预警", "nightly": "{campaign} · 今日新增问题",
           "errors": "新增错误", "late": "新逾期", "report": "完整报告", "late_note": "截止 {due},已逾期"},
    "en": {"alerts": "{campaign} · metric alert", "alert_sec": "Metric alerts", "nightly": "{campaign} · new problems today",
           "errors": "New errors", "late": "Newly late", "report": "Full report", "late_note": "due {due}, now late"},
}


def _campaign(report: Report) -> str:
    return report.campaign.name or report.sheet or "sheetsync"


def mention_for(report: Report, name: str | None, platform: str, enabled: bool = True) -> Mention | None:
    """The owner's chat id (that platform's column, else the generic one) or mobile, from the People sheet."""
    if not enabled or not name:
        return None
    person = report.people.get(name)
    if person is None:
        return None
    chat_id, mobile = person.chat_id(platform), person.mobile
    return Mention(name, chat_id, mobile) if chat_id or mobile else None


def digest_doc(content, report: Report, platform: str, *, link: str | None = None, mentions: bool = True) -> ChatDoc:
    """The team digest for a group chat: headline numbers, then risks and needs-help (owner @-mentioned)."""
    sections = []
    for s in content.sections:
        if s.name not in ("risks", "help"):
            continue
        items = [ChatItem(text=i.title, owner=None if i.owner in (None, "—") else i.owner, due=i.due,
                          notes=list(i.notes), link=i.url, ref=i.ref, badge=i.badge,
                          mention=mention_for(report, i.owner, platform, mentions)) for i in s.items]
        sections.append(ChatSection(s.title, items))
    risky = any(s.items for s in sections)
    return ChatDoc(lang=content.lang, title=content.title, headline=list(content.headline),
                   intro=[content.note] if content.note else [], sections=sections, link=link,
                   link_text=_TX[content.lang]["report"], severity="warning" if risky else "info")


def alert_doc(report: Report, alert: MetricAlert, *, link: str | None = None) -> ChatDoc:
    lang = report.language
    tx = _TX[lang]
    item = ChatItem(text=alert.metric, due=alert.period, ref=alert.ref, notes=[alert.message])
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
        err_items.append(ChatItem(text=(task.task or task.key) if task else (f.ref or f.code), owner=owner,
                                  ref=f.ref, notes=[f.message], mention=mention_for(report, owner, platform, mentions)))
    late_items = [ChatItem(text=t.task or t.key, owner=t.owner, due=t.due.isoformat() if t.due else None,
                           notes=[tx["late_note"].format(due=t.due.isoformat() if t.due else "?")],
                           ref=f"{report.sheet}!A{t.row}" if report.sheet else None,
                           mention=mention_for(report, t.owner, platform, mentions)) for t in late]
    return ChatDoc(lang=lang, title=tx["nightly"].format(campaign=_campaign(report)),
                   sections=[ChatSection(tx["errors"], err_items), ChatSection(tx["late"], late_items)],
                   link=link, link_text=tx["report"], severity="warning")
