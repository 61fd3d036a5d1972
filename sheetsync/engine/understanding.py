"""What the engine understood of the table, in the report's language: each header cell with the field it was
read as (or why it was ignored), the other tables seen, and the fields whose absence turns checks off."""
from __future__ import annotations

from dataclasses import replace

from ..model import ColumnRead, Finding, Understanding, a1
from . import catalogue
from .field_costs import missing_fields
from .schema import BY_FIELD
from .table import TableLayout

# Fields whose absence turns a check off (deadline: the late and due-soon checks; the rest likewise).
COSTS = {
    "deadline": ("late and due-soon checks", "逾期和即将到期检查"),
    "owner": ("owner checks and personal digests", "负责人检查和个人周报"),
    "status": ("status checks (late needs to know what is done)", "状态检查(逾期判断需要知道是否完成)"),
    "depends_on": ("dependency order checks", "前置任务顺序检查"),
}

# Words of a header that may hold the deadline under another name (the example in the warning).
_DATE_WORDS = ("时间", "日期", "時間", "完成", "结束", "結束", "date", "time", "end", "finish", "due", "when")

_NOTES = {"lower score": "得分较低", "another sheet": "在另一个工作表", "no task column": "没有任务列",
          "only a task column": "只有任务列", "read too": "列相同,也已读取"}

_WHY = {
    "word": ("head word {word} → {field}", "中心词“{word}” → {field}"),
    "known": ("known header → {field}", "标准表头 → {field}"),
    "values": ("no header; its values read as task names → {field}", "无表头;内容像任务名称 → {field}"),
    "mapped-config": ("mapped in sheetsync.toml → {field}", "在 sheetsync.toml 中指定 → {field}"),
    "mapped-campaign-sheet": ("mapped in the Campaign sheet → {field}", "在活动信息表中指定 → {field}"),
    "mapped-cli": ("mapped with --columns → {field}", "由 --columns 指定 → {field}"),
    "managed": ("sheetsync's own column", "sheetsync 管理的列"),
    "taken": ("ignored: {field} already taken by {by} (higher score)", "忽略:{field}已由 {by} 列承担(得分更高)"),
    "none": ("ignored: no field matches", "忽略:没有匹配的字段"),
    "grid": ("ignored: date grid beside the table", "忽略:表格旁的日期网格"),
    "gantt": ("Gantt chart, {word}: a bar drawn here dates its task", "甘特图,{word}:画在这里的横条给出任务的日期"),
    "ignored-config": ("ignored: switched off in sheetsync.toml (ignore)", "忽略:在 sheetsync.toml 中关闭(ignore)"),
    "ignored-campaign-sheet": ("ignored: switched off in the Campaign sheet", "忽略:在活动信息表中关闭(忽略列)"),
    "ignored-cli": ("ignored: switched off with --ignore", "忽略:由 --ignore 关闭"),
    "not-task-values": ("ignored: its values are not task names (empty, one value or a few categories)",
                        "忽略:内容不像任务名称(为空、只有一个值或几个类别)"),
}


def field_label(fld: str, lang: str) -> str:
    col = BY_FIELD.get(fld)
    if col is None:
        return fld
    return col.zh[0] if lang == "zh" else fld


def why(kind: str, params: dict, lang: str) -> str:
    if kind in ("mapped", "ignored"):
        kind = kind + "-" + (params.get("origin") or "config")
    if kind == "word" and params.get("word") == "=":
        kind = "known"
    en, zh = _WHY.get(kind, _WHY["none"])
    p = dict(params)
    if "field" in p:
        p["field"] = field_label(p["field"], lang) if lang == "zh" else p["field"]
    return (zh if lang == "zh" else en).format(**{"word": "", "field": "", "by": "", **p})


def understanding(layout: TableLayout, lang: str, mapping) -> Understanding:
    by_col = {c: f for f, c in {**layout.columns, **layout.managed}.items()}  # sync's own columns too: read back
    reads = []
    for c in sorted(layout.texts):
        kind, params = layout.reasons.get(c, ("none", {}))
        reads.append(ColumnRead(c, layout.texts[c], by_col.get(c), why(kind, params, lang)))
    for f, c in layout.columns.items():  # a column mapped by letter whose header is empty
        if c not in layout.texts and not f.startswith("m_"):
            kind, params = layout.reasons.get(c, ("mapped", {"field": f}))
            reads.append(ColumnRead(c, "", f, why(kind, params, lang)))
    reads.sort(key=lambda r: r.column)
    seen = [replace(c, note=_NOTES.get(c.note, c.note) if lang == "zh" else c.note) for c in layout.candidates]
    rows: dict[str, list[int]] = {}
    for r, kind in sorted(layout.rows.kinds.items()):
        rows.setdefault(kind, []).append(r + 1)
    return Understanding(layout.sheet.name, layout.header_row + 1, layout.header_rows, reads, seen,
                         missing_fields(layout.columns), mapping, rows=rows, empty=sorted(layout.rows.empty_columns))


def no_deadline(layout: TableLayout, lang: str) -> list[Finding]:
    """The warning when neither a deadline nor a time point column was found: checks are off, never silently."""
    if "deadline" in layout.columns or "time_point" in layout.columns:
        return []
    cell = a1(layout.header_row, min((c for c in layout.texts), default=layout.first_col))
    free = [t for c, t in sorted(layout.texts.items())
            if c not in layout.columns.values() and layout.reasons.get(c, ("",))[0] not in ("grid", "managed")]
    example = next((t for t in free if any(w in t.casefold() for w in _DATE_WORDS)),
                   "截止日期" if lang == "zh" else "Deadline")
    return [catalogue.make("no-deadline-column", lang, sheet=layout.sheet.name, cell=cell, row=layout.header_row + 1,
                           example=example.replace('"', "'"))]
