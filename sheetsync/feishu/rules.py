"""sheetsync's highlight rules in Feishu's conditional formats, and how they are told from a person's.

Feishu's public API has no formula rules (its rule types are cellIs, containsText, timePeriod, blanks and
duplicates), so a rule can neither colour a whole row nor react to the row's status, progress or dates as the
Excel and Google rules do (sheetsync.rule_formulas): a highlight here shows the last sync's verdict until the next
sync. sheetsync colours the Health cell itself: one `cellIs equal` rule per health word (the rule's `verdict`),
over the Health column of the table's rows. The error-cell marks of Excel and Google are not drawn (they would
need a rule on a person's cell); the report sheet and the Flags column list those findings.

A rule is sheetsync's when every range it covers lies in sheetsync's own columns (Due, Health, Flags) and its
fill is one of sheetsync's highlight colours: a person's rule elsewhere, or in other colours, is never touched."""
from __future__ import annotations

import re

from ..model import col_index, col_letter
from ..plan import HIGHLIGHTS, ROW_RULE_ORDER, Plan

BATCH = 10  # condition formats per request (Feishu's limit)
PER_SHEET = 20  # condition formats on one sheet (Feishu's limit)
_SQREF = re.compile(r"^\$?[A-Z]+\$?(\d+):\$?[A-Z]+\$?(\d+)$")
_RANGE = re.compile(r"^[^!]+!([A-Z]+)(\d*)(?::([A-Z]+)(\d*))?$")
OWN_FILLS = frozenset("#" + h.fill.upper() for h in HIGHLIGHTS.values() if h.fill)


def wanted(plan: Plan, sheet_id: str, max_rows: int) -> list[dict]:
    """The condition formats the plan's row rules become, in the plan's priority order."""
    out = []
    col = col_letter(plan.columns["m_health"])
    for rule in plan.rules:
        if rule.style.name not in ROW_RULE_ORDER or rule.verdict is None:
            continue
        rows = _SQREF.match(rule.sqref.split()[0])
        if not rows:
            continue
        label = rule.verdict
        first, last = int(rows.group(1)), min(int(rows.group(2)), max_rows)
        if last < first:
            continue
        style: dict = {"back_color": "#" + rule.style.fill.lower()}
        if rule.style.font:
            style["fore_color"] = "#" + rule.style.font.lower()
        if rule.style.bold:
            style["font"] = {"bold": True}
        out.append({"ranges": [f"{sheet_id}!{col}{first}:{col}{last}"], "rule_type": "cellIs",
                    "attrs": [{"operator": "equal", "formula": ['"' + label.replace('"', '""') + '"']}],
                    "style": style})
    return out


def fitting(have: list[dict], plan: Plan, sheet_id: str, max_rows: int) -> list[dict]:
    """The plan's rules that fit beside a person's own: Feishu keeps at most PER_SHEET condition formats on a
    sheet, and a person's rules are never dropped to make room (the first health words go first)."""
    managed = set(plan.columns.values())
    theirs = sum(1 for cf in have if not is_own(cf, managed))
    return wanted(plan, sheet_id, max_rows)[:max(0, PER_SHEET - theirs)]


def _columns(ref: str) -> tuple[int, int] | None:
    m = _RANGE.match(ref)
    if not m:
        return None
    a = col_index(m.group(1))
    return a, col_index(m.group(3)) if m.group(3) else a


def is_own(cf: dict, managed_cols) -> bool:
    fill = str((cf.get("style") or {}).get("back_color") or "").upper()
    if fill not in OWN_FILLS:
        return False
    spans = [_columns(str(r)) for r in cf.get("ranges") or []]
    return bool(spans) and all(s is not None and all(c in managed_cols for c in range(s[0], s[1] + 1))
                               for s in spans)


def key(cf: dict) -> tuple:
    """What makes two rules the same to a person: where, when and how they colour."""
    style = cf.get("style") or {}
    attrs = [(a.get("operator"), tuple(a.get("formula") or ())) for a in cf.get("attrs") or []]
    return (tuple(cf.get("ranges") or ()), cf.get("rule_type"), tuple(attrs),
            str(style.get("back_color", "")).lower(), str(style.get("fore_color", "")).lower())


def lost(have: list[dict], plan: Plan, sheet_id: str, max_rows: int) -> bool:
    """Are sheetsync's rules in the sheet not the ones (in the order) this plan writes?"""
    managed = set(plan.columns.values())
    return [key(cf) for cf in have if is_own(cf, managed)] != [key(cf) for cf in fitting(have, plan, sheet_id, max_rows)]
