"""Whether an id column holds ids: a row counter that restarts (1, 2, 3, 1, 2, 3 per week or block) numbers
rows, and 'Link' or a URL in every cell points elsewhere; neither identifies a task, so neither gives
duplicate-id findings nor is a key other rows refer to."""
from __future__ import annotations

import re

_URL = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_LINK_WORDS = frozenset({"link", "links", "url", "链接", "连接", "地址", "点击", "点击查看", "查看", "open", "view"})


def restarting_counter(values: list) -> bool:
    """Whole numbers where each step is +1 or a restart at the first number, with at least one restart."""
    numbers = []
    for v in values:
        if v is None:
            continue
        s = str(v).strip()
        if not s.isdigit():
            return False
        numbers.append(int(s))
    if len(numbers) < 2:
        return False
    start, restarts = numbers[0], 0
    for a, b in zip(numbers, numbers[1:]):
        if b == a + 1:
            continue
        if b == start and b <= 1:
            restarts += 1
            continue
        return False
    return restarts > 0


def links_only(values: list) -> bool:
    """Every filled cell is a link or the word for one ('Link', '链接')."""
    filled = [str(v).strip() for v in values if v is not None and str(v).strip()]
    return bool(filled) and all(_URL.match(s) or s.casefold() in _LINK_WORDS for s in filled)


def not_ids(values: list) -> bool:
    """An id column's cells (text, None for blank) that number rows or point elsewhere instead of naming tasks."""
    return restarting_counter(values) or links_only(values)
