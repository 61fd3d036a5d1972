"""A small reader of the conditional-format formulas sheetsync writes, written from the spreadsheet rules, not from
sheetsync's code: it parses a formula into a tree (refusing what Excel, LibreOffice and Google do not all accept
in a rule: another sheet's cells, array constants, ranges, locale separators) and evaluates it on a row the way
Excel compares values (text is greater than any number, TRUE than any text; text compares without case; an empty
cell is 0, "" or FALSE to whatever it meets)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sheetsync.model import col_index

TOKEN = re.compile(r'\s*(?:(?P<str>"(?:[^"]|"")*")|(?P<func>[A-Z][A-Z0-9.]*)\(|(?P<ref>(?P<cabs>\$?)(?P<col>[A-Z]{1,3})'
                   r'(?P<rabs>\$?)(?P<row>\d+))(?![\w(!])|(?P<bool>TRUE|FALSE)(?![\w(])|(?P<num>\d+(?:\.\d+)?)'
                   r'|(?P<op><>|<=|>=|=|<|>)|(?P<punct>[(),]))')
ENGLISH = frozenset(("AND", "OR", "NOT", "TODAY", "ISNUMBER", "ISBLANK", "TRIM", "LEN"))
EPOCH = dt.date(1899, 12, 30)


class FormulaError(ValueError):
    pass


@dataclass
class Ref:
    col: int  # 0-based
    row: int  # 1-based as written
    col_absolute: bool
    row_absolute: bool


@dataclass
class Node:
    kind: str  # str num bool ref func cmp
    value: object = None
    args: tuple = ()


def tokens(formula: str) -> list[tuple[str, object]]:
    text = formula[1:] if formula.startswith("=") else formula
    out, pos = [], 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise FormulaError(f"cannot read {text[pos:pos + 20]!r} in {formula!r}")
        if m.group("ref"):
            out.append(("ref", Ref(col_index(m.group("col")), int(m.group("row")), bool(m.group("cabs")),
                                   bool(m.group("rabs")))))
        elif m.group("str") is not None:
            out.append(("str", m.group("str")[1:-1].replace('""', '"')))
        elif m.group("func"):
            out.append(("func", m.group("func")))
        elif m.group("bool"):
            out.append(("bool", m.group("bool") == "TRUE"))
        elif m.group("num"):
            out.append(("num", float(m.group("num"))))
        else:
            kind = "op" if m.group("op") else "punct"
            out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def parse(formula: str) -> Node:
    toks = tokens(formula)
    pos = 0

    def peek():
        return toks[pos] if pos < len(toks) else (None, None)

    def take(kind, value=None):
        nonlocal pos
        k, v = peek()
        if k != kind or (value is not None and v != value):
            raise FormulaError(f"expected {value or kind} at token {pos} of {formula!r}, got {v!r}")
        pos += 1
        return v

    def term() -> Node:
        nonlocal pos
        k, v = peek()
        if k in ("str", "num", "bool", "ref"):
            pos += 1
            return Node(k, v)
        if k == "func":
            pos += 1
            args = []
            if peek() != ("punct", ")"):
                args.append(expr())
                while peek() == ("punct", ","):
                    pos += 1
                    args.append(expr())
            take("punct", ")")
            return Node("func", v, tuple(args))
        if (k, v) == ("punct", "("):
            pos += 1
            inner = expr()
            take("punct", ")")
            return inner
        raise FormulaError(f"unexpected {v!r} in {formula!r}")

    def expr() -> Node:
        nonlocal pos
        left = term()
        if peek()[0] == "op":
            op = take("op")
            return Node("cmp", op, (left, term()))
        return left

    tree = expr()
    if pos != len(toks):
        raise FormulaError(f"left over {toks[pos:]!r} in {formula!r}")
    return tree


def walk(node: Node):
    yield node
    for a in node.args:
        yield from walk(a)


def serial(day: dt.date) -> int:
    return (day - EPOCH).days


def _blank(v) -> bool:
    return v is None or v == ""


def _rank(v) -> int:
    return 2 if isinstance(v, bool) else 0 if isinstance(v, (int, float)) else 1


def compare(op: str, a, b) -> bool:
    if _blank(a) and _blank(b):
        a = b = ""
    elif _blank(a):
        a = {0: 0, 1: "", 2: False}[_rank(b)]
    elif _blank(b):
        b = {0: 0, 1: "", 2: False}[_rank(a)]
    ra, rb = _rank(a), _rank(b)
    if ra != rb:
        a, b = ra, rb
    elif ra == 1:
        a, b = a.casefold(), b.casefold()
    return {"=": a == b, "<>": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]


def evaluate(node: Node, cell, today: dt.date):
    """The formula's value where `cell(ref)` gives the value a reference points at."""
    if node.kind in ("str", "num", "bool"):
        return node.value
    if node.kind == "ref":
        return cell(node.value)
    if node.kind == "cmp":
        return compare(node.value, *(evaluate(a, cell, today) for a in node.args))
    name, args = node.value, node.args
    if name == "AND":
        return all(bool(evaluate(a, cell, today)) for a in args)
    if name == "OR":
        return any(bool(evaluate(a, cell, today)) for a in args)
    if name == "NOT":
        return not evaluate(args[0], cell, today)
    if name == "TODAY":
        return serial(today)
    v = evaluate(args[0], cell, today)
    if name == "ISNUMBER":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if name == "ISBLANK":
        return _blank(v)
    if name == "TRIM":
        return " ".join(w for w in ("" if _blank(v) else str(v)).split(" ") if w)
    if name == "LEN":
        return len("" if _blank(v) else str(v))
    raise FormulaError(f"no function {name}")


def true_at(formula: str, anchor_row: int, row: int, values: list[list], today: dt.date) -> bool:
    """Is the rule formula (relative to the 0-based `anchor_row`, its range's first row) true on 0-based `row`
    of `values` (dates as day serials)?"""
    tree = parse(formula)

    def cell(ref: Ref):
        r = ref.row - 1 if ref.row_absolute else row + (ref.row - 1 - anchor_row)
        line = values[r] if 0 <= r < len(values) else []
        v = line[ref.col] if ref.col < len(line) else None
        if isinstance(v, dt.datetime):
            return serial(v.date()) + (v - dt.datetime.combine(v.date(), dt.time())).total_seconds() / 86400
        if isinstance(v, dt.date):
            return serial(v)
        return v

    return bool(evaluate(tree, cell, today))
