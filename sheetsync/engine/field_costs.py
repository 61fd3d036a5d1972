"""What a tracker loses when a column is not found: the checks each missing field turns off.

One table, read by `inspect` (the "not found, and what that costs" lines, JSON `missing`) and by the
`no-deadline-column` finding, so both say the same thing. A cost is listed under its main field; it applies
only when none of the fields that can stand in for it were found either (a time point gives deadlines as
well as a deadline column does)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class FieldCost:
    field: str  # the main field, as in engine.schema COLUMNS
    alternatives: tuple[str, ...]  # fields that do the same job when present
    en: str
    zh: str

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


FIELD_COSTS: tuple[FieldCost, ...] = (
    FieldCost("deadline", ("time_point",),
              "no deadline or time point: no late or due-soon checks, and no deadlines to derive",
              "没有截止日期或时间节点:不检查逾期和即将到期,也无法推算截止日期"),
    FieldCost("owner", (),
              "no owner: no unknown-owner check and no personal digests",
              "没有负责人:不检查负责人是否在人员表中,也不发个人周报"),
    FieldCost("status", ("progress", "done_date"),
              "no status: finished work cannot be told from open work, so every past-due task counts as late, "
              "and no blocked or started-before-predecessor checks",
              "没有状态:无法区分已完成和未完成,所有过了截止日期的任务都算逾期;也不检查受阻和前置任务未完成就开始"),
    FieldCost("depends_on", (),
              "no depends-on: no dependency checks (unknown predecessor, cycle, order, started too early)",
              "没有前置任务:不做依赖检查(前置任务不存在、循环依赖、先后顺序、提前开始)"),
    FieldCost("submitted", ("reviewed",),
              "no reviewer or submitted-for-review time: no review checks (drafts waiting over the review limit)",
              "没有审核人或提交审核时间:不做审核检查(稿件超过审核时限未审)"),
    FieldCost("duration", ("start",),
              "no start or duration: no schedule checks (whether the work fits before its deadline)",
              "没有开始时间或工期:不做排期检查(工作能否在截止前完成)"),
)

BY_FIELD: dict[str, FieldCost] = {c.field: c for c in FIELD_COSTS}


def missing_fields(found: Iterable[str]) -> list[str]:
    """The main fields of every cost that applies to a table whose columns are `found`, in table order."""
    have = set(found)
    return [c.field for c in FIELD_COSTS if c.field not in have and not have.intersection(c.alternatives)]


def cost(field: str, lang: str) -> str:
    """What the missing `field` turns off, in `lang` (a field without a known cost: just that it is missing)."""
    known = BY_FIELD.get(field)
    if known is None:
        return f"没有{field}列" if lang == "zh" else f"no {field} column"
    return known.text(lang)
