"""Request bodies as Feishu's API reference documents them, checked strictly: an unknown field, a missing
required one or a wrong type is refused with Feishu's answer (code 90215 for the v2 sheets API's "wrong
request", 99992402 for the v3 and auth APIs' "field validation failed").

A shape is a dict {field: (shape, required)}, a list [item shape], or a leaf: str, int, bool, "number" (int or
float, not bool), "value" (a cell value: text, number, boolean, null, or a {"type": ...} rich value)."""
from __future__ import annotations

from typing import Any

STYLE = {"font": ({"bold": (bool, False), "italic": (bool, False), "fontSize": (str, False),
                   "clean": (bool, False)}, False),
         "textDecoration": (int, False), "formatter": (str, False), "hAlign": (int, False), "vAlign": (int, False),
         "foreColor": (str, False), "backColor": (str, False), "borderType": (str, False),
         "borderColor": (str, False), "clean": (bool, False)}
CF_STYLE = {"font": ({"bold": (bool, False), "italic": (bool, False)}, False), "text_decoration": (int, False),
            "fore_color": (str, False), "back_color": (str, False)}
CF_ATTR = {"operator": (str, False), "time_period": (str, False), "formula": ([str], False), "text": (str, False)}
CONDITION_FORMAT = {"ranges": ([str], True), "rule_type": (str, True), "attrs": ([CF_ATTR], False),
                    "style": (CF_STYLE, False)}
CONDITION_FORMAT_UPDATE = {"cf_id": (str, True), **CONDITION_FORMAT}

BODIES = {
    "token": {"app_id": (str, True), "app_secret": (str, True)},
    "values_batch_update": {"valueRanges": ([{"range": (str, True), "values": ([["value"]], True)}], True)},
    "styles_batch_update": {"data": ([{"ranges": ([str], True), "style": (STYLE, True)}], True)},
    "sheets_batch_update": {"requests": ([{
        "addSheet": ({"properties": ({"title": (str, True), "index": (int, False)}, True)}, False),
        "deleteSheet": ({"sheetId": (str, True)}, False)}], True)},
    "dimension_add": {"dimension": ({"sheetId": (str, True), "majorDimension": (str, True),
                                     "length": (int, True)}, True)},
    "dimension_update": {"dimension": ({"sheetId": (str, True), "majorDimension": (str, True),
                                        "startIndex": (int, True), "endIndex": (int, True)}, True),
                         "dimensionProperties": ({"visible": (bool, False), "fixedSize": (int, False)}, True)},
    "cf_create": {"sheet_condition_formats": ([{"sheet_id": (str, True),
                                                "condition_format": (CONDITION_FORMAT, True)}], True)},
    "cf_update": {"sheet_condition_formats": ([{"sheet_id": (str, True),
                                                "condition_format": (CONDITION_FORMAT_UPDATE, True)}], True)},
    "cf_delete": {"sheet_cf_ids": ([{"sheet_id": (str, True), "cf_id": (str, True)}], True)},
}
RULE_TYPES = ("containsBlanks", "notContainsBlanks", "duplicateValues", "uniqueValues", "cellIs", "containsText",
              "timePeriod")
CELLIS_OPERATORS = ("equal", "notEqual", "greaterThan", "greaterThanOrEqual", "lessThan", "lessThanOrEqual",
                    "between", "notBetween")


class ShapeError(ValueError):
    pass


def _value(v: Any) -> bool:
    if v is None or isinstance(v, (str, bool, int, float)):
        return True
    return isinstance(v, dict) and isinstance(v.get("type"), str)


def check(body: Any, shape: Any, path: str = "body") -> None:
    if isinstance(shape, dict):
        if not isinstance(body, dict):
            raise ShapeError(f"{path}: must be an object")
        for k in body:
            if k not in shape:
                raise ShapeError(f"{path}.{k}: unknown field")
        for k, (sub, required) in shape.items():
            if k not in body:
                if required:
                    raise ShapeError(f"{path}.{k}: required")
                continue
            check(body[k], sub, f"{path}.{k}")
        return
    if isinstance(shape, list):
        if not isinstance(body, list):
            raise ShapeError(f"{path}: must be an array")
        for i, item in enumerate(body):
            check(item, shape[0], f"{path}[{i}]")
        return
    if shape == "value":
        if not _value(body):
            raise ShapeError(f"{path}: not a cell value")
        return
    if shape == "number":
        ok = isinstance(body, (int, float)) and not isinstance(body, bool)
    elif shape is int:
        ok = isinstance(body, int) and not isinstance(body, bool)
    else:
        ok = isinstance(body, shape)
    if not ok:
        raise ShapeError(f"{path}: must be {getattr(shape, '__name__', shape)}")


def check_condition_format(cf: dict) -> None:
    """What Feishu checks beyond types: a known rule type, and attrs as that type needs them."""
    kind = cf.get("rule_type")
    if kind not in RULE_TYPES:
        raise ShapeError(f"rule_type: unknown {kind!r}")
    attrs = cf.get("attrs") or []
    if kind == "cellIs":
        if not attrs or attrs[0].get("operator") not in CELLIS_OPERATORS or not attrs[0].get("formula"):
            raise ShapeError("attrs: cellIs needs an operator and a formula")
    elif kind == "containsText" and (not attrs or not attrs[0].get("text")):
        raise ShapeError("attrs: containsText needs a text")
