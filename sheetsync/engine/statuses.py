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
                    "false", "否", "no", "n", "没有", "待处理"),
    "in-progress": ("进行中", "处理中", "执行中", "开发中", "in progress", "doing", "wip", "ongoing", "started",
                    "正在进行", "正在进行中", "延期", "延迟", "逾期", "滞后", "持续", "测试中", "开发完成待测试",
                    "at risk", "off track", "on track", "behind", "delayed", "late", "draft", "drafting",
                    "in development", "in testing", "testing", "research", "outline ready"),
    "in-review": ("待审核", "审核中", "待确认", "待验收", "in review", "review", "pending review", "awaiting review",
                  "submitted", "验收中", "待测试", "等待测试", "under review", "awaiting approval", "in qa"),
    "done": ("已完成", "完成", "已上线", "已交付", "done", "complete", "completed", "finished", "closed",
             "resolved", "已经完成", "测试完成", "已解决", "bug已经解决", "已关闭", "已结束", "已验收", "通过",
             "true", "是", "yes", "y", "shipped", "delivered", "launched", "fixed"),
    "blocked": ("受阻", "阻塞", "卡住", "暂停", "搁置", "blocked", "on hold", "stuck", "挂起", "paused",
                "功能异常", "bug等待解决"),
    "cancelled": ("已取消", "取消", "作废", "cancelled", "canceled", "dropped", "won't do", "wont do", "won't fix",
                  "wontfix", "不做", "放弃", "废弃", "abandoned", "rejected"),
}


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


@lru_cache(maxsize=1024)
def _status_from_text(text: str) -> str:
    s = to_simplified(nfkc(text).strip().strip(_INVISIBLE).casefold())
    if s in _LONE_MARKS:  # a check-list column that holds only the mark
        return _LONE_MARKS[s]
    key = s.strip(_STATUS_TRIM)
    code = _STATUS.get(_status_key(key))
    if code is None:
        m = PERCENT.fullmatch(key)
        if m and 0 <= float(m.group(1)) <= 100:  # '50%' typed into a status column
            return status_from_progress(float(m.group(1)) / 100)
        raise ValueError(f"unknown status: {text!r}")
    return code


def parse_status(v) -> str | None:
    """One of STATUSES from Chinese (Simplified or Traditional) or English words, check marks, yes/no answers,
    booleans (a checkbox column) and percentages, ignoring case, width and check-box symbols."""
    if is_blank(v):
        return None
    if isinstance(v, bool):
        return "done" if v else "not-started"
    if not isinstance(v, str):
        raise ValueError(f"unknown status: {v!r}")
    return _status_from_text(v)
