"""Side sheets: campaign facts (key in A, value in B), People and Holidays."""
from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from ..model import Campaign, Finding, Person, SheetData, WorkbookData, a1
from . import catalogue
from .calendar import calendar_code
from .schema import (CAMPAIGN_KEYS, CHAT_ID_FIELDS, CAMPAIGN_SHEETS, FAQ_COLUMNS, FAQ_SHEETS, DEFAULT_LEAD_TIMES, HOLIDAY_COLUMNS, HOLIDAY_SHEETS,
                     LEAD_TIME_PREFIXES, PEOPLE_COLUMNS, PEOPLE_SHEETS, WORKDAY_WORDS)
from .values import clean_text, is_blank, is_email, normalise_header, parse_date, parse_number

_KEYS = {normalise_header(alias): key for key, aliases in CAMPAIGN_KEYS.items() for alias in aliases}
_LEAD_PREFIXES = tuple(normalise_header(p) for p in LEAD_TIME_PREFIXES)
# the review clock as people write it in the Campaign sheet (engine.review_clock)
REVIEW_CLOCK_WORDS = {"working": "working", "工作日": "working", "工作时间": "working", "calendar": "calendar",
                      "自然日": "calendar", "日历": "calendar", "全天": "calendar"}
_SPLIT = re.compile(r"[,;，；、\s]+")
_HINTS = {
    "launch": ("write a date such as 2026-07-15", "请填写日期,例如 2026-07-15"),
    "end": ("write a date such as 2026-07-31", "请填写日期,例如 2026-07-31"),
    "timezone": ("use a zone name such as Asia/Shanghai", "请填写时区名,例如 Asia/Shanghai"),
    "review_sla_hours": ("write a number of hours such as 24", "请填写小时数,例如 24"),
    "review_clock": ("write working (only working days count) or calendar (every hour counts)",
                     "请填写 工作日(只计工作日)或 自然日(每个小时都计)"),
    "due_soon_days": ("write a number of working days such as 2", "请填写工作日天数,例如 2"),
    "lead": ("write a number of working days such as 5", "请填写工作日天数,例如 5"),
    "recipients": ("at most {most} addresses get the team digest, so only the first {most} do; keep the list short "
                   "(a mailing list address counts as one)", "团队周报最多发送给 {most} 个地址,因此只发给前 {most} 个;"
                   "请精简名单(邮件组地址只算一个)"),
}


def find_sheet(workbook: WorkbookData, names) -> SheetData | None:
    wanted = {normalise_header(n) for n in names}
    for sheet in workbook.sheets:
        if normalise_header(sheet.name) in wanted:
            return sheet
    return None


def _bad(lang, sheet, r, key_text, value, hint_key, **values) -> Finding:
    hint_en, hint_zh = (h.format(**values) for h in _HINTS[hint_key])
    return catalogue.make("bad-campaign", lang, sheet=sheet.name, cell=a1(r, 1), row=r + 1, key=key_text,
                          value=value, hint=hint_en, hint_zh=hint_zh)


def _in_range(x, most):
    """A count of hours or days: negative or absurd values (-24e9 hours overflowed timedelta) are not one."""
    if x is None or not 0 <= x <= most:
        raise ValueError(x)
    return x


MAX_RECIPIENTS = 100  # the jobs config's default too: more addresses than this are a pasting accident


def read_campaign(workbook: WorkbookData, lang: str, default_year: int,
                  near: dt.date | None = None, max_recipients: int | None = None) -> tuple[Campaign, list[Finding]]:
    """Campaign facts; a launch or end typed without a year takes the year nearest `near` (today). At most
    `max_recipients` addresses of the Recipients row are kept, with a finding on that row beyond it."""
    most = max_recipients or MAX_RECIPIENTS
    campaign = Campaign(calendar="CN" if lang == "zh" else "")  # English sheets: weekends only unless a calendar is named
    campaign.lead_times = dict(DEFAULT_LEAD_TIMES)
    findings: list[Finding] = []
    sheet = find_sheet(workbook, CAMPAIGN_SHEETS)
    if sheet is None:
        return campaign, findings
    for r, row in enumerate(sheet.rows):
        if len(row) < 2 or is_blank(row[0]):
            continue
        key_text = clean_text(row[0]) or ""
        norm = normalise_header(key_text)
        value = row[1]
        if is_blank(value):
            continue
        key = _KEYS.get(norm)
        if key is None:
            for prefix in _LEAD_PREFIXES:
                if norm.startswith(prefix) and len(norm) > len(prefix):
                    dept = norm[len(prefix):].lstrip(":：-")
                    try:
                        campaign.lead_times[dept] = int(_in_range(parse_number(value), 3660))
                    except (ValueError, TypeError):
                        findings.append(_bad(lang, sheet, r, key_text, value, "lead"))
                    break
            continue
        campaign.cells[key] = (sheet.name, a1(r, 1))
        try:
            if key in ("launch", "end"):
                setattr(campaign, key, parse_date(value, None if near else default_year, near=near))
            elif key == "recipients":
                campaign.recipients = [p for p in _SPLIT.split(str(value)) if p]
                for addr in campaign.recipients:
                    if not is_email(addr):
                        findings.append(catalogue.make("bad-email", lang, sheet=sheet.name, cell=a1(r, 1), row=r + 1, value=addr))
                campaign.recipients = [a for a in campaign.recipients if is_email(a)]
                if len(campaign.recipients) > most:
                    findings.append(_bad(lang, sheet, r, key_text, f"{len(campaign.recipients)} addresses",
                                         "recipients", most=most))
                    campaign.recipients = campaign.recipients[:most]
            elif key == "timezone":
                zone = str(value).strip()
                zoneinfo.ZoneInfo(zone)
                campaign.timezone = zone
            elif key == "calendar":
                campaign.calendar = calendar_code(str(value))
            elif key == "review_sla_hours":
                campaign.review_sla_hours = float(_in_range(parse_number(value), 1e6))
            elif key == "review_clock":
                campaign.review_clock = REVIEW_CLOCK_WORDS[normalise_header(str(value))]
            elif key == "due_soon_days":
                campaign.due_soon_days = int(_in_range(parse_number(value), 3660))
            elif key == "owner_email":
                addr = str(value).strip()
                if is_email(addr):
                    campaign.owner_email = addr
                else:
                    findings.append(catalogue.make("bad-email", lang, sheet=sheet.name, cell=a1(r, 1), row=r + 1, value=addr))
            elif key in ("name", "owner", "target"):
                setattr(campaign, key, clean_text(value))
        except (ValueError, TypeError, zoneinfo.ZoneInfoNotFoundError, KeyError):
            findings.append(_bad(lang, sheet, r, key_text, value, key))
    return campaign, findings


def campaign_zone(workbook: WorkbookData) -> str | None:
    """The zone the Campaign sheet names, as read_campaign reads it (the last good one; None when none is
    named or it is no zone): all the run's clock needs of the sheet, taken before the engine's one full read
    (which needs the clock's day to read dates written without a year)."""
    sheet = find_sheet(workbook, CAMPAIGN_SHEETS)
    zone = None
    for row in sheet.rows if sheet is not None else ():
        if len(row) < 2 or is_blank(row[0]) or is_blank(row[1]):
            continue
        if _KEYS.get(normalise_header(clean_text(row[0]) or "")) == "timezone":
            try:
                zoneinfo.ZoneInfo(str(row[1]).strip())
                zone = str(row[1]).strip()
            except (ValueError, zoneinfo.ZoneInfoNotFoundError):
                pass
    return zone


def header_map(sheet: SheetData, spec: dict[str, tuple[str, ...]]) -> tuple[int, dict[str, int]] | None:
    aliases = {normalise_header(a): k for k, names in spec.items() for a in names}
    for r in range(min(10, len(sheet.rows))):
        found: dict[str, int] = {}
        for c, v in enumerate(sheet.rows[r]):
            if isinstance(v, str) and normalise_header(v) in aliases:
                found.setdefault(aliases[normalise_header(v)], c)
        if len(found) >= 2 or ("name" in found or "date" in found) and len(found) >= 1:
            return r, found
    return None


def read_people(workbook: WorkbookData, lang: str) -> tuple[dict[str, Person] | None, list[Finding]]:
    """None when there is no People sheet (owners are then not checked against it)."""
    sheet = find_sheet(workbook, PEOPLE_SHEETS)
    if sheet is None:
        return None, []
    people: dict[str, Person] = {}
    findings: list[Finding] = []
    layout = header_map(sheet, PEOPLE_COLUMNS)
    if layout is None or "name" not in layout[1]:
        return people, findings
    header, cols = layout
    for r in range(header + 1, len(sheet.rows)):
        name = clean_text(sheet.value(r, cols["name"]))
        if not name:
            continue
        email = clean_text(sheet.value(r, cols["email"])) if "email" in cols else None
        if email and not is_email(email):
            findings.append(catalogue.make("bad-email", lang, sheet=sheet.name, cell=a1(r, cols["email"]), row=r + 1,
                                           column=clean_text(sheet.value(header, cols["email"])), value=email))
            email = None
        dept = clean_text(sheet.value(r, cols["department"])) if "department" in cols else None
        mobile = _mobile(sheet.value(r, cols["mobile"])) if "mobile" in cols else None
        chat_ids = {k: v for k in CHAT_ID_FIELDS + ("chat_id",) if k in cols
                    for v in [clean_text(sheet.value(r, cols[k]))] if v}
        if "chat_id" in chat_ids:
            chat_ids["any"] = chat_ids.pop("chat_id")
        people[name] = Person(name=name, email=email, department=dept, row=r + 1, mobile=mobile, chat_ids=chat_ids)
    return people, findings


def read_faq(workbook: WorkbookData) -> list[tuple[str, str]]:
    """(question, answer) rows of the optional FAQ / 常见问题 sheet; without a header, columns A and B."""
    sheet = find_sheet(workbook, FAQ_SHEETS)
    if sheet is None:
        return []
    layout = header_map(sheet, FAQ_COLUMNS)
    header, cols = layout if layout and "question" in layout[1] else (-1, {"question": 0, "answer": 1})
    out = []
    for r in range(header + 1, len(sheet.rows)):
        q = clean_text(sheet.value(r, cols["question"]))
        a = clean_text(sheet.value(r, cols.get("answer", cols["question"] + 1)))
        if q:
            out.append((q, a or ""))
    return out


def _mobile(value) -> str | None:
    """A phone number as the chat platforms take it: digits (and a leading +); Excel may hand it over as a float."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"[\s()-]", "", clean_text(value) or "")
    return text if re.fullmatch(r"\+?\d{5,15}", text) else None


def read_holidays(workbook: WorkbookData, lang: str, default_year: int,
                  near: dt.date | None = None) -> tuple[set[dt.date], set[dt.date], list[Finding]]:
    """(days off, extra working days) from the tracker's own Holidays sheet; a day without a year takes the
    year nearest `near` (the launch, else today)."""
    sheet = find_sheet(workbook, HOLIDAY_SHEETS)
    off: set[dt.date] = set()
    work: set[dt.date] = set()
    findings: list[Finding] = []
    if sheet is None:
        return off, work, findings
    layout = header_map(sheet, HOLIDAY_COLUMNS)
    header, cols = layout if layout and "date" in layout[1] else (-1, {"date": 0, "kind": 1})
    workday_words = {normalise_header(w) for w in WORKDAY_WORDS}
    for r in range(header + 1, len(sheet.rows)):
        raw = sheet.value(r, cols["date"])
        if is_blank(raw):
            continue
        try:
            day = parse_date(raw, None if near else default_year, near=near)
        except ValueError:
            findings.append(catalogue.make("bad-date", lang, sheet=sheet.name, cell=a1(r, cols["date"]), row=r + 1,
                                           column=clean_text(sheet.value(header, cols["date"])) if header >= 0 else "A",
                                           value=raw))
            continue
        kind = normalise_header(clean_text(sheet.value(r, cols["kind"])) or "") if "kind" in cols else ""
        (work if kind in workday_words else off).add(day)
    return off, work, findings
