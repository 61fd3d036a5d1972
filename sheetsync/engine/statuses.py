"""Status words and marks, in Chinese (Simplified and Traditional) and English, to one of STATUSES."""
from __future__ import annotations

import re
from functools import lru_cache

from ..model import INVISIBLE as _INVISIBLE
from .cells import is_blank, nfkc
from .numbers import PERCENT

# ---------------------------------------------------------------- status

STATUSES = ("not-started", "in-progress", "in-review", "done", "blocked", "cancelled")

STATUS_LABELS = {
    "zh": {"not-started": "未开始", "in-progress": "进行中", "in-review": "待审核", "done": "已完成",
           "blocked": "受阻", "cancelled": "已取消"},
    "en": {"not-started": "Not started", "in-progress": "In progress", "in-review": "In review", "done": "Done",
           "blocked": "Blocked", "cancelled": "Cancelled"},
}

# Every word and mark a person writes for a status, in one place (Simplified; Traditional Chinese is converted
# with OpenCC before the lookup). Decisions:
# - 延期 延迟 逾期 滞后 At Risk / Off Track say the work is still going, late or at risk: they read as in
#   progress, and `late` comes only from the deadline (a row marked 延期 whose deadline was moved is not late).
# - "Not done" marks and answers (✗ × ☐, FALSE, 否, N, No, 未完成) read as not started: a mark cannot tell
#   "not started" from "started, not finished", and not-started is the reading that claims no progress.
STATUS_WORDS = {
    "not-started": ("未开始", "未启动", "待开始", "待办", "not started", "to do", "todo", "open", "planned",
                    "待定", "未完成", "计划中", "讨论计划中", "待下一个版本更新", "backlog", "new", "not yet",
                    "false", "否", "no", "n", "没有", "待处理", "未开工", "待开工", "待启动", "尚未开始", "没开始",
                    "待排期", "未排期", "待分配", "not begun", "pending", "pending start", "queued", "scheduled"),
    "in-progress": ("进行中", "处理中", "执行中", "开发中", "in progress", "doing", "wip", "ongoing", "started",
                    "正在进行", "正在进行中", "延期", "延迟", "逾期", "滞后", "持续", "测试中", "开发完成待测试",
                    "at risk", "off track", "on track", "behind", "delayed", "late", "draft", "drafting",
                    "in development", "in testing", "testing", "research", "outline ready",
                    "开工", "已开工", "启动", "已启动", "调研", "调研中", "开发", "设计中", "制作中", "筹备中",
                    "准备中", "跟进中", "推进中", "实施中", "正常", "正常进行", "有风险", "风险", "已逾期",
                    "修改中", "待修改", "需修改", "返工", "联调中", "优化中", "overdue", "active", "underway",
                    "under way", "working", "working on it", "in flight", "researching", "in design",
                    "change is needed", "changes needed", "needs changes", "changes requested", "rework"),
    "in-review": ("待审核", "审核中", "待确认", "待验收", "in review", "review", "pending review", "awaiting review",
                  "submitted", "验收中", "待测试", "等待测试", "under review", "awaiting approval", "in qa",
                  "待审批", "审批中", "送审", "已送审", "已提交", "待复核", "复核中", "提测", "已提测",
                  "for review", "ready for review", "awaiting sign off", "pending approval"),
    "done": ("已完成", "完成", "已上线", "已交付", "done", "complete", "completed", "finished", "closed",
             "resolved", "已经完成", "测试完成", "已解决", "bug已经解决", "已关闭", "已结束", "已验收", "通过",
             "true", "是", "yes", "y", "shipped", "delivered", "launched", "fixed",
             "延期完成", "提前完成", "按时完成", "按期完成", "如期完成", "逾期完成", "超期完成", "全部完成",
             "已发布", "已上架", "已完结", "完结", "结束", "已审核", "审核通过", "已通过", "验收通过", "已审批",
             "上线", "交付", "已实现", "已处理", "approved", "accepted", "signed off", "released", "live", "published"),
    "blocked": ("受阻", "阻塞", "卡住", "暂停", "搁置", "blocked", "on hold", "stuck", "挂起", "paused",
                "功能异常", "bug等待解决", "已暂停", "暂缓", "阻碍", "waiting", "hold"),
    "cancelled": ("已取消", "取消", "作废", "cancelled", "canceled", "dropped", "won't do", "wont do", "won't fix",
                  "wontfix", "不做", "放弃", "废弃", "abandoned", "rejected", "已作废", "不需要", "无需"),
}

# A Red/Amber/Green health (RAG) rating, in its own column or typed in the status column: how the owner rates
# the task, never its status. sheetsync shows it and compares it with its own health.
RAG_WORDS = {
    "green": ("green", "绿", "绿色", "绿灯", "🟢"),
    "amber": ("amber", "yellow", "黄", "黄色", "黄灯", "橙", "橙色", "🟡", "🟠"),
    "red": ("red", "红", "红色", "红灯", "🔴"),
}
# Compound words ('正常-已完成', '完成／延期完成', '已完成(延期)', '进行中-有风险') are read by their parts.
_PARTS = re.compile(r"\s*[-—–/、,;|+&()\[\]【】\n]+\s*")
# When no part is done, the part that says the most wins: cancelled, blocked, in review, in progress, not started.
_RANK = {"done": 5, "cancelled": 4, "blocked": 3, "in-review": 2, "in-progress": 1, "not-started": 0}


def _status_key(s: str) -> str:
    # 'In-Progress', 'in_progress', 'IN PROGRESS' and 'inprogress' are one word to a reader; so are won't / wont.
    return re.sub(r"[\s\-_'’]+", "", s)


_STATUS = {_status_key(w): code for code, words in STATUS_WORDS.items() for w in (*words, code)}
for _code, _label in (*STATUS_LABELS["zh"].items(), *STATUS_LABELS["en"].items()):
    _STATUS[_status_key(_label.casefold())] = _code
_BOXES = "□■☐☑✓✔√☒✅❌✗✘▢◻◼▪▫○●◯×"
_LONE_MARKS = {"✓": "done", "✔": "done", "√": "done", "☑": "done", "✅": "done", "■": "done", "☐": "not-started",
               "□": "not-started", "✗": "not-started", "✘": "not-started", "×": "not-started", "❌": "not-started"}
_STATUS_TRIM = _BOXES + " \t\r\n.。!！:：" + _INVISIBLE


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # loaded on the first Traditional character, not for every command
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=4096)
def to_simplified(text: str) -> str:
    """Traditional Chinese to Simplified (進行中 -> 进行中); ASCII and Simplified text come back unchanged."""
    if text.isascii():
        return text
    return _t2s().convert(text)


def status_from_progress(fraction: float) -> str:
    """0 not started, 1 (100%) done, anything between in progress."""
    if fraction <= 0:
        return "not-started"
    return "done" if fraction >= 1 else "in-progress"


def _simple(text: str) -> str:
    return to_simplified(nfkc(text).strip().strip(_INVISIBLE).casefold())


def status_key(word: str) -> str:
    """A status word as it is looked up: width, case, Traditional forms, spaces and hyphens do not count."""
    return _status_key(_simple(word).strip(_STATUS_TRIM))


def _known(key: str, extra: dict) -> str | None:
    return extra.get(key) or _STATUS.get(key)


@lru_cache(maxsize=64)
def _extra(words: tuple) -> dict:
    return dict(words)


@lru_cache(maxsize=4096)
def _status_from_text(text: str, words: tuple = ()) -> str:
    s = _simple(text)
    if s in _LONE_MARKS:  # a check-list column that holds only the mark
        return _LONE_MARKS[s]
    extra = _extra(words) if words else {}
    key = s.strip(_STATUS_TRIM)
    code = _known(_status_key(key), extra)
    if code is not None:
        return code
    m = PERCENT.fullmatch(key)
    if m and 0 <= float(m.group(1)) <= 100:  # '50%' typed into a status column
        return status_from_progress(float(m.group(1)) / 100)
    # one ASCII letter is a part of something else ('n/a'), not a word of a compound
    parts = [p for p in _PARTS.split(key) if p.strip(_STATUS_TRIM)]
    if any(len(p) == 1 and p.isascii() for p in parts):
        raise ValueError(f"unknown status: {text!r}")
    if len(parts) > 1:
        # a compound word: the done part wins ('正常-已完成', '已完成(延期)'); else every part must be known,
        # a rating part ('绿', 'on track') says nothing of the status, and the part that says most wins
        codes = [_known(_status_key(p.strip(_STATUS_TRIM)), extra) for p in parts]
        if "done" in codes:
            return "done"
        ratings = [rag_word(p) is not None for p in parts]
        said = [c for c, r in zip(codes, ratings) if c is not None and not r] or [c for c in codes if c]
        if said and all(c is not None or r for c, r in zip(codes, ratings)):
            return max(said, key=_RANK.__getitem__)
    raise ValueError(f"unknown status: {text!r}")


def parse_status(v, words: tuple = ()) -> str | None:
    """One of STATUSES from Chinese (Simplified or Traditional) or English words, check marks, yes/no answers,
    booleans (a checkbox column), percentages and compound words ('正常-已完成' is done), ignoring case,
    width and check-box symbols. `words` ((status_key(word), status), ...) are a tracker's own words, from
    its configuration; they win over the built-in ones."""
    if is_blank(v):
        return None
    if isinstance(v, bool):
        return "done" if v else "not-started"
    if not isinstance(v, str):
        raise ValueError(f"unknown status: {v!r}")
    return _status_from_text(v, words)


_RAG = {_status_key(w): code for code, words in RAG_WORDS.items() for w in words}


def rag_word(v) -> str | None:
    """'green', 'amber' or 'red' for a rating word (Red/Amber/Green, 红/黄/绿, 🔴); None for anything else."""
    if not isinstance(v, str) or is_blank(v):
        return None
    return _RAG.get(_status_key(_simple(v).strip(_STATUS_TRIM)))


# On track / At risk / Off track are status words (the work is going) and, in a column of ratings, ratings.
_TRACK = {_status_key(w): code for w, code in (("on track", "green"), ("at risk", "amber"), ("off track", "red"),
                                                 ("正常", "green"), ("有风险", "amber"), ("风险", "amber"),
                                                 ("延期", "red"), ("逾期", "red"), ("已逾期", "red"))}


def parse_rag(v) -> str | None:
    """A rating column's cell: green, amber or red (also On track / At risk / Off track, 正常 / 有风险 /
    延期); None when blank. Raises ValueError for anything else."""
    if is_blank(v):
        return None
    code = rag_word(v)
    if code is None and isinstance(v, str):
        code = _TRACK.get(_status_key(_simple(v).strip(_STATUS_TRIM)))
    if code is None:
        raise ValueError(f"not a rating: {v!r}")
    return code


def status_words(mapping: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """A tracker's own status words ({'开工': 'in progress'}) as parse_status takes them. Each target is a
    status code or a word sheetsync knows, in either language; one it does not know raises ValueError with
    (word, target) as its args."""
    out = {}
    for word, target in mapping.items():
        try:
            code = target if target in STATUSES else _status_from_text(str(target))
        except ValueError:
            raise ValueError(word, target) from None
        out[status_key(str(word))] = code
    return tuple(sorted(out.items()))
