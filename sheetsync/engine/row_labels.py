"""Words that say what a row under the header is, whatever column they sit in: a total ('合计', 'Week 1
subtotal', '共 9 项', '完成 2 项'), a placeholder name of a blank slot ('任务 7', 'TBD'), a plan or actual line
of a plan/actual pair, an unticked box, a note's opening ('注:', 'Note:'), a phase or section heading, and a
list of allowed values (a legend: '未开始/进行中/已完成')."""
from __future__ import annotations

import functools
import re

TOTAL_WORDS = frozenset({"合计", "总计", "小计", "共计", "总和", "汇总", "合計", "總計", "小計", "總和", "彙總", "total",
                         "totals", "subtotal", "sum", "grandtotal", "total:"})
# A total label may carry a week or phase before it ('Week 1 subtotal', '第一周小计') or a count after it
# ('合计 12 项'); a task that mentions a total ('数据汇总', 'Review the total budget') is not a label.
_TOTAL = re.compile(
    r"^(?:(?:(?:week|wk|phase|stage|sprint|month|q)\s*\d{1,3}|第\s*[\d一二三四五六七八九十]{1,3}\s*(?:周|週|期|阶段|階段)|"
    r"本[周週月]|[\d一二三四五六七八九十]{1,2}\s*月|\d{1,3})\s*[-–:：]?\s*)?(?:合计|总计|小计|共计|总和|汇总|合計|總計|小計|總和|彙總|grand\s*total|sub-?totals?|totals?|sum)"
    r"\s*[:：]?\s*(?:\d+(?:\.\d+)?\s*[项个条件]?)?$", re.IGNORECASE)
# '共 9 项', '完成 2 项', '已完成 3 个', 'Done: 2', '9 items', '2 done'
_COUNT = re.compile(r"^(?:(?:共|总共|合计|完成|已完成|未完成|进行中|逾期|延期)\s*[:：]?\s*\d+\s*[项个条件]|"
                    r"(?:done|completed|open|count|items?)\s*[:：]\s*\d+|\d+\s+(?:items?|tasks?|done|completed))$",
                    re.IGNORECASE)
_PLACEHOLDER = re.compile(r"^(?:(?:任务|任務|事项|事項|工作|项目|task|item|action|todo|to-do)\s*[#№]?\s*\d{1,4}|"
                          r"待定|待填|待补充|tbd|tba|n/?a|x{2,}|…+|\.{2,}|-+|—+|/|\?+|？+)$", re.IGNORECASE)
PLAN_WORDS = frozenset({"计划", "計劃", "计划时间", "预计", "預計", "plan", "planned", "baseline", "target", "estimate"})
ACTUAL_WORDS = frozenset({"实际", "實際", "实际时间", "实际完成", "actual", "actuals", "real"})
UNTICKED = frozenset({"false", "☐", "□", "no", "否", "0", "✗"})
_NOTE = re.compile(r"^(?:注|注意|备注|備註|说明|說明|填写说明|填表说明|notes?|nb|remarks?|说明事项|tips?)\s*[:：.、]|^[*※＊]\s*\S",
                   re.IGNORECASE)
# A heading of its own: 'Phase 1: Planning', 'Week 3', 'Part 1 - Plan', '策划阶段', '第二部分:执行', '一、策划'; a
# task that mentions one ('Weekly report', '阶段性总结') is not.
_PHASE = re.compile(r"^(?:phase|stage|section|part|milestone|sprint|week)\b\s*[\w.]*\s*(?:[:：\-–—].*)?$"
                    r"|(?:阶段|階段|部分|模块|模組|板块|环节)\s*[\d一二三四五六七八九十]*\s*(?:[:：].*)?$"
                    r"|^[一二三四五六七八九十]+\s*[、.．]|^第\s*[\d一二三四五六七八九十]+\s*[阶階部周週期]|^[IVX]+\s*[.．]\s",
                    re.IGNORECASE)
_LIST_SPLIT = re.compile(r"\s*[/／|｜、]\s*")


_TOTAL_CHARS = frozenset("计总和汇計總彙共完项个条件")
_TOTAL_EN = re.compile(r"tal|sum|item|task|done|open|count|complete", re.IGNORECASE)


@functools.lru_cache(maxsize=8192)  # asked of every text cell of every row; a tracker repeats its words
def is_total_label(text: str) -> bool:
    t = text.strip()
    if not t or len(t) > 24:
        return False
    if _TOTAL_CHARS.isdisjoint(t) and not _TOTAL_EN.search(t):  # no total or count word at all
        return False
    return bool(_TOTAL.match(t) or _COUNT.match(t))


def is_placeholder(text: str) -> bool:
    """A name a template puts in a slot nobody has filled ('任务 7', 'Task 12', 'TBD', '…')."""
    t = text.strip()
    return len(t) <= 12 and bool(_PLACEHOLDER.match(t))


def is_unticked(v) -> bool:
    if v is False:
        return True
    return v.__class__ is str and v.strip().casefold() in UNTICKED


def is_note_opening(text: str) -> bool:
    return bool(_NOTE.match(text.strip()))


def is_phase_label(text: str) -> bool:
    t = text.strip()
    return len(t) <= 40 and bool(_PHASE.search(t))


def legend_parts(text: str) -> list[str]:
    """'未开始/进行中/已完成' -> its three values; text that is not a short list of short values -> []."""
    t = text.strip().strip("()（）[]【】")
    parts = [p for p in _LIST_SPLIT.split(t) if p]
    if len(parts) < 2 or any(len(p) > 12 for p in parts) or any(ch.isdigit() for p in parts for ch in p[:1]):
        return []
    return parts


# Any of the labels above, in one pass over a text (a superset: rows it finds are then judged one by one).
MAYBE_LABEL = re.compile("|".join(f"(?:{p.pattern})" for p in (_TOTAL, _COUNT, _PLACEHOLDER, _NOTE, _PHASE)),
                         re.IGNORECASE)

