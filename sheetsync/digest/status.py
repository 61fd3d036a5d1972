"""`sheetsync digest SOURCE --status`: what the ledger holds for one period, in the sheet's language.

One line per thing that happened to a message: a preview written (to an outbox) and, separately, its real
delivery state on its channel, so "previewed, then sent" reads as two lines. Times are the ledger's UTC
stamps shown in the tracker's zone."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.cells import cell_len

from ..history import EMAIL, History, default_state_path, parse_ledger_time, shown_state, tracker_key
from ..state import is_url
from ..periods import iso_period, normalise_period

WORDS = {
    "zh": {"head": "周报投递记录 {period}(时区 {zone})", "none": "{period} 还没有投递记录。",
           "cols": ("收件人 / 渠道", "类型", "状态", "时间"),
           "kind": {"team": "团队", "personal": "个人"}, "channel": {EMAIL: "邮件"},
           "state": {"preview": "预览(未发送)", "pending": "已认领,尚未发出", "sending": "发送中(未收到答复)",
                     "sent": "已发送", "failed": "失败(下次运行重试)", "uncertain": "结果不确定(不会自动重发)"}},
    "en": {"head": "Digest deliveries for {period} (times in {zone})", "none": "Nothing recorded for {period} yet.",
           "cols": ("Recipient / channel", "Kind", "State", "When"),
           "kind": {"team": "team", "personal": "personal"}, "channel": {EMAIL: "email"},
           "state": {"preview": "preview (not sent)", "pending": "claimed, not sent yet",
                     "sending": "sending (no answer yet)", "sent": "sent", "failed": "failed (retried on the next run)",
                     "uncertain": "uncertain (never resent by itself)"}},
}


@dataclass
class StatusLine:
    recipient: str
    channel: str
    kind: str
    state: str
    at: dt.datetime  # aware
    detail: str | None = None  # the preview's files, or the error

    def to_dict(self) -> dict:
        return {"recipient": self.recipient, "channel": self.channel, "kind": self.kind, "state": self.state,
                "at": self.at.isoformat(), "detail": self.detail}


@dataclass
class LedgerStatus:
    tracker: str
    period: str
    lang: str
    zone: str
    lines: list[StatusLine]

    def text(self) -> list[str]:
        return format_status(self.lines, self.period, self.lang, self.zone)

    def to_dict(self) -> dict:
        return {"tracker": self.tracker, "period": self.period, "zone": self.zone,
                "ledger": [s.to_dict() for s in self.lines]}


def ledger_status(source, *, period: str | None, state, today: dt.date, language: str, zone: str) -> LedgerStatus:
    """The ledger of SOURCE for `period` (default: the week of `today`, the tracker's day, api.digest_status
    reads it with the language and zone); writes nothing."""
    label = normalise_period(period) if period else iso_period(today)
    key = tracker_key(source)
    path = state or default_state_path(source)
    path = path if is_url(path) else Path(path)
    lines = []
    if is_url(path) or path.exists():  # asking must not create a state file
        with History(path) as history:
            lines = status_lines(history, key, label)
    return LedgerStatus(key, label, language, zone, lines)


def status_lines(history: History, tracker: str, period: str) -> list[StatusLine]:
    out = []
    for row in history.ledger(tracker, period):
        base = (row["recipient"], row["channel"], row["kind"])
        if row.get("previewed_at"):
            out.append(StatusLine(*base, "preview", parse_ledger_time(row["previewed_at"]),
                                  ", ".join((row.get("preview_files") or "").splitlines()) or None))
        if row["state"] != "preview":
            out.append(StatusLine(*base, shown_state(row), parse_ledger_time(row["updated_at"]), row.get("error")))
    return sorted(out, key=lambda s: (s.kind != "team", s.recipient, s.channel, s.at))


def format_status(lines: list[StatusLine], period: str, lang: str, zone: str) -> list[str]:
    w = WORDS["zh" if lang == "zh" else "en"]
    if not lines:
        return [w["none"].format(period=period)]
    tz = ZoneInfo(zone)
    rows = [w["cols"]] + [
        (f"{s.recipient} / {w['channel'].get(s.channel, s.channel)}", w["kind"].get(s.kind, s.kind),
         w["state"].get(s.state, s.state), s.at.astimezone(tz).strftime("%Y-%m-%d %H:%M")) for s in lines]
    widths = [max(cell_len(r[i]) for r in rows) for i in range(3)]
    out = [w["head"].format(period=period, zone=zone)]
    for r, line in zip(rows, [None] + lines):
        text = "  " + "  ".join(_pad(r[i], widths[i]) for i in range(3)) + "  " + r[3]
        out.append(text)
        if line is not None and line.detail and line.state in ("failed", "uncertain", "sending"):
            out.append("      " + line.detail)
    return out


def _pad(text: str, width: int) -> str:
    return text + " " * (width - cell_len(text))  # CJK characters take two terminal columns
