"""The names in an owner cell ('张三、李四', 'A and B', 'Nash·Timyo')."""
from __future__ import annotations

import re
from functools import lru_cache

from ..model import INVISIBLE as _INVISIBLE
from .cells import clean_text, nfkc

# ---------------------------------------------------------------- owners

# '张三、李四', '杨海波，贾建西', 'David／Allen' (NFKC makes it '/'), 'A, B', 'A; B', 'A and B', 'Gilly & Alex'
_OWNER_SPLIT = re.compile(r"\s*(?:[、,;，；/&|\n\r]|\s(?:and|\+)\s)\s*", re.IGNORECASE)
_DOTS = "·・•‧"


@lru_cache(maxsize=4096)
def _owner_parts(text: str) -> tuple[str, ...]:
    s = nfkc(text).strip().strip(_INVISIBLE).strip()
    out: dict[str, None] = {}
    for part in _OWNER_SPLIT.split(s):
        part = part.strip()
        if not part:
            continue
        # 'Nash·Timyo·Haoche' is three people; '迪丽热巴·迪力木拉提' is one (the dot inside a transliterated name)
        if any(d in part for d in _DOTS) and part.translate({ord(d): None for d in _DOTS}).isascii():
            for name in re.split(f"[{_DOTS}]", part):
                if name.strip():
                    out.setdefault(name.strip())
        else:
            out.setdefault(part)
    return tuple(out)


def parse_owners(v, known=None) -> list[str]:
    """Every name in an owner cell. `known` (the People sheet's names) lets '张三 李四' be two people when both
    are known, and keeps a known name that contains a separator ('Marketing/ARH') whole."""
    text = clean_text(v)
    if not text:
        return []
    if known and text in known:
        return [text]
    parts = _owner_parts(text)
    if known:
        spaced = []
        for p in parts:
            pieces = p.split()
            if len(pieces) > 1 and p not in known and all(x in known for x in pieces):
                spaced += pieces
            else:
                spaced.append(p)
        parts = spaced
    return list(parts)
