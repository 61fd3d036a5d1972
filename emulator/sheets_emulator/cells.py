"""One cell's life: what a written value becomes (RAW / USER_ENTERED) and how it is read back
(FORMATTED_VALUE / UNFORMATTED_VALUE / FORMULA, SERIAL_NUMBER / FORMATTED_STRING).

A cell is a dict in the API's CellData shape: userEnteredValue, effectiveValue, userEnteredFormat, note.
Formulas: only plain arithmetic (numbers, + - * / ^, parentheses) is evaluated, which is what the recordings
use; any other formula keeps no effective value and reads back as its own text (the real API would compute it)."""
from __future__ import annotations

import ast
import datetime as dt
import operator
import re
import struct
from typing import Any, Optional

EPOCH = dt.date(1899, 12, 30)

_NUM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PERCENT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)%$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SLASH_YMD = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_SLASH_MDY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATETIME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def serial(d: dt.date | dt.datetime) -> float | int:
    if isinstance(d, dt.datetime):
        delta = d - dt.datetime(1899, 12, 30)
        return delta.days + delta.seconds / 86400
    return (d - EPOCH).days


def parse_user_entered(value: Any) -> tuple[Optional[dict], Optional[dict]]:
    """-> (userEnteredValue, numberFormat or None). None value means: the cell becomes empty."""
    if isinstance(value, bool):
        return {"boolValue": value}, None
    if isinstance(value, (int, float)):
        return {"numberValue": value}, None
    text = str(value)
    if text == "":
        return None, None
    if text.startswith("'"):
        return {"stringValue": text[1:]}, None
    if text.startswith("=") and len(text) > 1:
        return {"formulaValue": text}, None
    t = text.strip()
    if t.upper() in ("TRUE", "FALSE"):
        return {"boolValue": t.upper() == "TRUE"}, None
    if _NUM.match(t):
        return {"numberValue": _tidy(float(t))}, None
    if _GROUPED.match(t):
        decimals = len(t.split(".")[1]) if "." in t else 0
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return {"numberValue": _tidy(float(t.replace(",", "")))}, {"type": "NUMBER", "pattern": pattern}
    if _PERCENT.match(t):
        decimals = len(t[:-1].split(".")[1]) if "." in t else 0
        pattern = "0" + ("." + "0" * decimals if decimals else "") + "%"
        return {"numberValue": _tidy(float(t[:-1]) / 100)}, {"type": "PERCENT", "pattern": pattern}
    date = _parse_date(t)
    if date is not None:
        return {"numberValue": date[0]}, date[1]
    return {"stringValue": text}, None


def _parse_date(t: str) -> Optional[tuple[float | int, dict]]:
    try:
        m = _ISO_DATE.match(t)
        if m:
            return serial(dt.date(int(m[1]), int(m[2]), int(m[3]))), {"type": "DATE", "pattern": "yyyy-mm-dd"}
        m = _SLASH_YMD.match(t)
        if m:
            return serial(dt.date(int(m[1]), int(m[2]), int(m[3]))), {"type": "DATE", "pattern": "yyyy/m/d"}
        m = _SLASH_MDY.match(t)
        if m:
            return serial(dt.date(int(m[3]), int(m[1]), int(m[2]))), {"type": "DATE", "pattern": "m/d/yyyy"}
        m = _ISO_DATETIME.match(t)
        if m:
            d = dt.datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6] or 0))
            return _tidy(serial(d)), {"type": "DATE_TIME", "pattern": "yyyy-mm-dd h:mm:ss"}
        m = _TIME.match(t)
        if m and int(m[1]) < 24 and int(m[2]) < 60:
            secs = int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3] or 0)
            return _tidy(secs / 86400), {"type": "TIME", "pattern": "h:mm:ss" if m[3] else "h:mm"}
    except ValueError:
        return None
    return None


def _tidy(x: float) -> float | int:
    return int(x) if isinstance(x, float) and x.is_integer() and abs(x) < 2**53 else x


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
        ast.Pow: operator.pow, ast.USub: operator.neg, ast.UAdd: operator.pos}


def evaluate(formula: str) -> Optional[dict]:
    """Plain arithmetic only; anything else -> None (no effective value)."""
    expr = formula[1:].strip().replace("^", "**")
    try:
        tree = ast.parse(expr, mode="eval")
        value = _eval(tree.body)
    except (SyntaxError, ValueError, ZeroDivisionError, OverflowError, TypeError, RecursionError):
        return None
    return {"numberValue": _tidy(float(value))}


def _eval(node: ast.AST) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_eval(node.left), _eval(node.right))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_eval(node.operand))
    raise ValueError("not arithmetic")


def write_value(cell: dict, value: Any, user_entered: bool) -> None:
    """Apply one value from a values.update body to a cell dict (None leaves the cell as it is)."""
    if value is None:
        return
    if user_entered:
        uev, number_format = parse_user_entered(value)
    else:
        if isinstance(value, bool):
            uev, number_format = {"boolValue": value}, None
        elif isinstance(value, (int, float)):
            uev, number_format = {"numberValue": value}, None
        else:
            uev, number_format = ({"stringValue": str(value)} if str(value) != "" else None), None
    set_user_value(cell, uev)
    if number_format is not None:
        cell.setdefault("userEnteredFormat", {})["numberFormat"] = number_format


def seed_value(cell: dict, value: Any, user_entered: bool = False) -> None:
    """Like write_value, but also takes what JSON cannot carry: dates and times become serial numbers with a
    date/time number format, as they would after a person typed them."""
    if isinstance(value, (dt.datetime, dt.date)):
        is_dt = isinstance(value, dt.datetime)
        set_user_value(cell, {"numberValue": _tidy(float(serial(value)))})
        cell.setdefault("userEnteredFormat", {})["numberFormat"] = (
            {"type": "DATE_TIME", "pattern": "yyyy-mm-dd h:mm:ss"} if is_dt else {"type": "DATE", "pattern": "yyyy-mm-dd"})
    elif isinstance(value, dt.time):
        secs = value.hour * 3600 + value.minute * 60 + value.second
        set_user_value(cell, {"numberValue": _tidy(secs / 86400)})
        cell.setdefault("userEnteredFormat", {})["numberFormat"] = {"type": "TIME", "pattern": "h:mm:ss"}
    else:
        write_value(cell, value, user_entered)


def set_user_value(cell: dict, uev: Optional[dict]) -> None:
    if uev is None:
        cell.pop("userEnteredValue", None)
        cell.pop("effectiveValue", None)
        return
    cell["userEnteredValue"] = dict(uev)
    if "formulaValue" in uev:
        ev = evaluate(uev["formulaValue"])
        if ev is None:
            cell.pop("effectiveValue", None)
        else:
            cell["effectiveValue"] = ev
    else:
        cell["effectiveValue"] = dict(uev)


def number_format(cell: dict) -> Optional[dict]:
    return (cell.get("userEnteredFormat") or {}).get("numberFormat")


def formatted(cell: dict) -> str:
    ev = cell.get("effectiveValue")
    if ev is None:
        uev = cell.get("userEnteredValue") or {}
        return uev.get("formulaValue", "")
    if "stringValue" in ev:
        return ev["stringValue"]
    if "boolValue" in ev:
        return "TRUE" if ev["boolValue"] else "FALSE"
    if "errorValue" in ev:
        return ev["errorValue"].get("type", "#ERROR!")
    return format_number(ev.get("numberValue", 0), number_format(cell))


def format_number(x: float, nf: Optional[dict]) -> str:
    kind = (nf or {}).get("type")
    pattern = (nf or {}).get("pattern", "")
    if kind in ("DATE", "DATE_TIME", "TIME") and pattern:
        return format_datetime(x, pattern)
    if kind in ("NUMBER", "PERCENT", "CURRENCY") and pattern:
        return _format_pattern(x, pattern)
    return general(x)


def general(x: float) -> str:
    if isinstance(x, bool):
        return "TRUE" if x else "FALSE"
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    text = f"{x:.15g}"
    if "e" in text and 1e-10 < abs(x) < 1e15:
        text = f"{x:.15f}".rstrip("0").rstrip(".")
    return text


def _format_pattern(x: float, pattern: str) -> str:
    percent = pattern.endswith("%")
    core = pattern.rstrip("%")
    value = x * 100 if percent else x
    decimals = len(core.split(".")[1]) if "." in core else 0
    grouped = "," in core
    text = f"{value:{',' if grouped else ''}.{decimals}f}"
    return text + ("%" if percent else "")


def format_datetime(x: float, pattern: str) -> str:
    base = dt.datetime(1899, 12, 30) + dt.timedelta(days=float(x))
    base = base.replace(microsecond=0) + (dt.timedelta(seconds=1) if base.microsecond >= 500000 else dt.timedelta())
    out, i, p = [], 0, pattern
    tokens = re.findall(r"yyyy|yy|mm|m|dd|d|hh|h|ss|s|am/pm|.", p, flags=re.I)
    for n, tok in enumerate(tokens):
        low = tok.lower()
        prev = tokens[n - 1].lower() if n else ""
        if low == "yyyy":
            out.append(f"{base.year:04d}")
        elif low == "yy":
            out.append(f"{base.year % 100:02d}")
        elif low in ("mm", "m"):
            minute = prev in ("h", "hh", ":") and ("h" in "".join(tokens[:n]).lower())
            v = base.minute if minute else base.month
            out.append(f"{v:02d}" if low == "mm" else str(v))
        elif low in ("dd", "d"):
            out.append(f"{base.day:02d}" if low == "dd" else str(base.day))
        elif low in ("hh", "h"):
            out.append(f"{base.hour:02d}" if low == "hh" else str(base.hour))
        elif low in ("ss", "s"):
            out.append(f"{base.second:02d}" if low == "ss" else str(base.second))
        else:
            out.append(tok)
    return "".join(out)


def render(cell: Optional[dict], value_render: str, datetime_render: str) -> Any:
    """One cell as values.get returns it; '' for an empty cell."""
    if not cell:
        return ""
    uev = cell.get("userEnteredValue")
    ev = cell.get("effectiveValue")
    if uev is None and ev is None:
        return ""
    if value_render == "FORMATTED_VALUE":
        return formatted(cell)
    if value_render == "FORMULA" and uev and "formulaValue" in uev:
        return uev["formulaValue"]
    if ev is None:
        return (uev or {}).get("formulaValue", "")
    if "numberValue" in ev:
        nf = number_format(cell)
        if nf and nf.get("type") in ("DATE", "DATE_TIME", "TIME") and datetime_render == "FORMATTED_STRING":
            return formatted(cell)
        return _tidy(ev["numberValue"]) if isinstance(ev["numberValue"], float) else ev["numberValue"]
    if "stringValue" in ev:
        return ev["stringValue"]
    if "boolValue" in ev:
        return ev["boolValue"]
    return formatted(cell)


def is_empty(cell: Optional[dict]) -> bool:
    return not cell or (cell.get("userEnteredValue") is None and cell.get("effectiveValue") is None)


# --- formats -------------------------------------------------------------------------------------------------

def _f32(x: float) -> float | int:
    """Google keeps 8-bit channels: 0.5 reads back as 127/255 = 0.49803922 (float32)."""
    # the tolerance keeps a value already on the 8-bit grid there (float32 156/255 * 255 = 155.99999...)
    level = min(255, max(0, int(float(x) * 255 + 1e-3)))
    y = struct.unpack("f", struct.pack("f", level / 255))[0]
    for digits in range(6, 10):  # the shortest text that is still the same float32, as Google prints it
        text = f"{y:.{digits}g}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == y:
            return _tidy(float(text))
    return _tidy(y)


def _color(c: dict) -> dict:
    out = {}
    for k in ("red", "green", "blue", "alpha"):
        v = c.get(k)
        if v:
            out[k] = _f32(v)
    return out


def normalise_format(fmt: Any) -> Any:
    """Colors as Google stores them: zero channels dropped, float32 precision, and each xColor mirrored in
    xColorStyle.rgbColor (and back)."""
    if isinstance(fmt, list):
        return [normalise_format(x) for x in fmt]
    if not isinstance(fmt, dict):
        return fmt
    out: dict = {}
    for k, v in fmt.items():
        if v is None:
            continue
        if k.endswith("Color") and isinstance(v, dict):
            out[k] = _color(v)
            out.setdefault(k + "Style", {"rgbColor": _color(v)})
        elif k.endswith("ColorStyle") and isinstance(v, dict):
            if "rgbColor" in v and not v["rgbColor"]:
                continue
            style = {"rgbColor": _color(v["rgbColor"])} if "rgbColor" in v else dict(v)
            out[k] = style
            if "rgbColor" in style:
                out.setdefault(k[: -len("Style")], dict(style["rgbColor"]))
        else:
            out[k] = normalise_format(v)
    return out


def with_color_twins(fields: list[list[str]]) -> list[list[str]]:
    """A mask naming xColor also writes xColorStyle (and back), as Google keeps the two in step."""
    out = list(fields)
    for path in fields:
        last = path[-1]
        if last.endswith("Color"):
            out.append(path[:-1] + [last + "Style"])
        elif last.endswith("ColorStyle"):
            out.append(path[:-1] + [last[: -len("Style")]])
    return out

