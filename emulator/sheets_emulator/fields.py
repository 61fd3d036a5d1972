"""Google field masks: 'a.b,c(d,e/f)' both to filter responses and to choose what an update writes."""
from __future__ import annotations

import copy
from typing import Any


def parse_mask(mask: str) -> list[list[str]]:
    """'sheets(properties(sheetId,title)),sheets/data.x' -> [['sheets','properties','sheetId'], ...]."""
    paths: list[list[str]] = []
    _parse_group(mask, 0, [], paths)
    return [p for p in paths if p]


def _parse_group(mask: str, i: int, prefix: list[str], out: list[list[str]]) -> int:
    cur: list[str] = []
    word = ""
    closed_by_group = False
    while i < len(mask):
        ch = mask[i]
        if ch in "./":
            if word.strip():
                cur.append(word.strip())
            word = ""
        elif ch == "(":
            if word.strip():
                cur.append(word.strip())
            word = ""
            i = _parse_group(mask, i + 1, prefix + cur, out)
            closed_by_group = True
            continue
        elif ch in ",)":
            if word.strip():
                cur.append(word.strip())
            if cur and not closed_by_group:
                out.append(prefix + cur)
            cur, word, closed_by_group = [], "", False
            if ch == ")":
                return i + 1
        else:
            word += ch
        i += 1
    if word.strip():
        cur.append(word.strip())
    if cur and not closed_by_group:
        out.append(prefix + cur)
    return i


def mask_tree(mask: str) -> dict:
    tree: dict = {}
    for path in parse_mask(mask):
        node = tree
        for key in path[:-1]:
            nxt = node.get(key)
            if nxt is True:
                break
            node = node.setdefault(key, {})
        else:
            node[path[-1]] = True
    return tree


def apply_mask(obj: Any, tree: dict | bool) -> Any:
    """Keep only what the mask names; lists are looked through, as Google does."""
    if tree is True or "*" in tree:
        return obj
    if isinstance(obj, list):
        return [apply_mask(x, tree) for x in obj]
    if not isinstance(obj, dict):
        return obj
    out = {}
    for key, sub in tree.items():
        if key in obj:
            out[key] = apply_mask(obj[key], sub)
    return out


def assign_masked(dst: dict, src: dict, fields: str, expand=None) -> None:
    """Write into dst what `fields` names, taking it from src; a named field absent from src is cleared."""
    if fields.strip() == "*":
        dst.clear()
        dst.update(copy.deepcopy(src))
        return
    paths = parse_mask(fields)
    for path in (expand(paths) if expand else paths):
        if path == ["*"]:
            dst.clear()
            dst.update(copy.deepcopy(src))
            continue
        s: Any = src
        for key in path:
            s = s.get(key) if isinstance(s, dict) else None
            if s is None:
                break
        d = dst
        for key in path[:-1]:
            d = d.setdefault(key, {})
            if not isinstance(d, dict):
                break
        if s is None:
            d.pop(path[-1], None)
        else:
            d[path[-1]] = copy.deepcopy(s)
