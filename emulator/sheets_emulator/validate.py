"""Refuse what Google refuses before it reaches a handler: every request checked against the Sheets v4
discovery document (discovery.py), answered with Google's 400 INVALID_ARGUMENT texts.

- a query parameter the method does not take: 'Invalid JSON payload received. Unknown name "foo": Cannot bind
  query parameter. Field 'foo' could not be found in request message.'
- a body field the schema does not have: 'Invalid JSON payload received. Unknown name "x" at 'requests[0]':
  Cannot find field.'
- a value of the wrong type: "Invalid value at 'requests[0].update_cells.start.row_index' (TYPE_INT32), "a"";
  an unknown enum name: "... (TYPE_ENUM), "X""; a message given as something else (a colour as "#ff0000"):
  "... (type.googleapis.com/google.type.Color), "#ff0000""
- two members of one union: "Invalid value at 'requests[0]' (oneof), oneof field 'kind' is already set. Cannot
  set 'updateCells'"
- an update request's `fields` mask, or a response `fields` mask, naming a field that does not exist.
Paths use the proto field names (snake_case), as Google's do; every problem found is listed, one a line, and in
details[].fieldViolations. Proto JSON also accepts snake_case names, numbers as strings and enums by number:
those pass and are rewritten to the form the handlers read."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Optional

from .discovery import BODY_FIELD, MASK_ROOTS, PROTO_NAMES, Discovery, load
from .fields import parse_mask
from .store import ApiError

BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest"
_INT = re.compile(r"^-?\d+$")


@lru_cache(maxsize=None)
def snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", lambda m: "_" + m.group(1).lower(), name)


@lru_cache(maxsize=None)
def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _repr(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# A path is built only when something is wrong: (parent, segment) pairs, segment a proto name or "[i]".
Path = Optional[tuple]


def text(path: Path) -> str:
    parts = []
    while path is not None:
        path, segment = path
        parts.append(segment)
    out = ""
    for segment in reversed(parts):
        out += segment if segment.startswith("[") or not out else "." + segment
    return out


class _Checker:
    """Walks a body against the schemas; returns each value unchanged (the same object) unless proto JSON's
    other spellings had to be rewritten, so a well-formed body is never copied."""

    def __init__(self, disco: Discovery):
        self.disco = disco
        self.violations: list[tuple[str, str]] = []

    def fail(self, field: str, description: str) -> None:
        self.violations.append((field, description))

    def invalid(self, path: Path, kind: str, value: Any) -> None:
        where = text(path)
        self.fail(where, f"Invalid value at '{where}' ({kind}), {_repr(value)}")

    # --- values against schemas ----------------------------------------------------------------------------------
    def message(self, value: Any, schema_name: str, path: Path) -> Any:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.invalid(path, f"type.googleapis.com/{PROTO_NAMES.get(schema_name, 'google.apps.sheets.v4.' + schema_name)}",
                         value)
            return value
        props = self.disco.schemas[schema_name].get("properties") or {}
        unions = self.disco.unions.get(schema_name)
        taken: Optional[dict] = None
        out = value
        for key, item in value.items():
            name = key
            prop = props.get(key)
            if prop is None:
                name = camel(key)
                prop = props.get(name) if name != key else None
                if prop is None:
                    where = text(path)
                    at = f" at '{where}'" if where else ""
                    self.fail(where, f"Invalid JSON payload received. Unknown name {_repr(key)}{at}: Cannot find field.")
                    continue
            if unions is not None and item is not None and name in unions:
                taken = {} if taken is None else taken
                union = unions[name]
                if union in taken:
                    where = text(path)
                    self.fail(where, f"Invalid value at '{where}' (oneof), oneof field '{snake(union)}' is already "
                                     f"set. Cannot set '{key}'")
                    continue
                taken[union] = name
            checked = self.field(item, prop, (path, snake(name)))
            if name == "fields" and schema_name in MASK_ROOTS and isinstance(checked, str):
                self.update_mask(checked, MASK_ROOTS[schema_name], path)
            if checked is not item or name != key:
                if out is value:
                    out = {}
                    for k2, v2 in value.items():  # keep the order; renamed keys take their proto JSON name
                        if k2 == key:
                            break
                        out[k2] = v2
                out[name] = checked
            elif out is not value:
                out[name] = checked
        return out

    def field(self, value: Any, prop: dict, path: Path) -> Any:
        if value is None:
            return None
        ref = prop.get("$ref")
        if ref is not None:
            return self.message(value, ref, path)
        kind = prop.get("type")
        if kind == "string" and "enum" not in prop and not prop.get("format") and isinstance(value, str):
            return value  # the commonest case first
        if kind == "array":
            items = prop.get("items") or {}
            if items.get("type") in ("array", "any"):
                return value  # ListValue / Value: any JSON; the values handlers check their own shape
            if not isinstance(value, list):
                return self.field(value, items, path)  # Google names the item type for a lone value
            out = value
            for i, v in enumerate(value):
                checked = self.field(v, items, (path, f"[{i}]"))
                if checked is not v:
                    out = list(value) if out is value else out
                    out[i] = checked
            return out
        if kind == "object" and "additionalProperties" in prop:  # a proto map, e.g. int32 -> FilterCriteria
            if not isinstance(value, dict):
                self.invalid(path, "TYPE_MESSAGE", value)
                return value
            inner = prop["additionalProperties"]
            checked = {k: self.field(v, inner, (path, f"[{k}]")) for k, v in value.items()}
            return value if all(checked[k] is value[k] for k in value) else checked
        if "enum" in prop:
            return self.enum(value, prop["enum"], path)
        return self.scalar(value, kind, prop.get("format"), path)

    def enum(self, value: Any, names: list, path: Path) -> Any:
        if isinstance(value, str) and value in names:
            return value
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(names):
            return names[value]  # proto JSON takes an enum by its number
        self.invalid(path, "TYPE_ENUM", value)
        return value

    def scalar(self, value: Any, kind: Optional[str], fmt: Optional[str], path: Path) -> Any:
        if kind == "boolean":
            if isinstance(value, bool):
                return value
            self.invalid(path, "TYPE_BOOL", value)
        elif kind == "integer" or (kind == "string" and fmt in ("int64", "uint64")):
            word = {"int32": "TYPE_INT32", "uint32": "TYPE_UINT32", "int64": "TYPE_INT64",
                    "uint64": "TYPE_UINT64"}.get(fmt or "", "TYPE_INT32")
            if isinstance(value, bool):
                self.invalid(path, word, value)
            elif isinstance(value, int):
                return value
            elif isinstance(value, float) and value.is_integer():
                return int(value)
            elif isinstance(value, str) and _INT.match(value.strip()):
                return int(value.strip()) if kind == "integer" else value
            else:
                self.invalid(path, word, value)
        elif kind == "number":
            word = "TYPE_FLOAT" if fmt == "float" else "TYPE_DOUBLE"
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return value
            if isinstance(value, str):
                try:
                    return float(value)
                except ValueError:
                    pass
            self.invalid(path, word, value)
        elif kind == "string":
            if isinstance(value, str):
                return value
            special = {"google-fieldmask": "type.googleapis.com/google.protobuf.FieldMask",
                       "google-datetime": "type.googleapis.com/google.protobuf.Timestamp",
                       "google-duration": "type.googleapis.com/google.protobuf.Duration",
                       "byte": "TYPE_BYTES"}
            self.invalid(path, special.get(fmt or "", "TYPE_STRING"), value)
        return value

    # --- field masks ---------------------------------------------------------------------------------------------
    def update_mask(self, mask: str, root: str, path: Path) -> None:
        if mask.strip() == "*":
            return
        for parts in parse_mask(mask):
            if not self.resolves(parts, root):
                where = text(path)  # 'requests[0].repeat_cell' -> Google's 'Invalid requests[0].repeatCell: ...'
                head, _, kind = where.rpartition(".")
                self.fail(where + ".fields",
                          f"Invalid {head + '.' if head else ''}{camel(kind)}: Error expanding 'fields' parameter. "
                          f"Cannot find matching fields for path '{'.'.join(parts)}'.")

    def resolves(self, parts: list[str], schema_name: str) -> bool:
        """Does the mask path name fields that exist, walking messages, lists and maps?"""
        schema: Optional[dict] = self.disco.schemas.get(schema_name)
        for part in parts:
            if part == "*":
                return True
            if schema is None:
                return False
            props = schema.get("properties") or {}
            prop = props.get(part) or props.get(camel(part))
            if prop is None:
                return False
            while prop.get("type") == "array" or "additionalProperties" in prop:
                prop = prop.get("items") or prop.get("additionalProperties") or {}
            schema = self.disco.schemas.get(prop["$ref"]) if "$ref" in prop else None
        return True

    def response_mask(self, mask: str, root: str) -> None:
        for piece in _top_level(mask):
            if piece != piece.strip() or not piece:
                self.fail("", f"Error expanding 'fields' parameter. Cannot find matching fields for path '{piece}'.")
                return
        for parts in parse_mask(mask):
            if not self.resolves(parts, root):
                self.fail("", "Error expanding 'fields' parameter. Cannot find matching fields for path "
                              f"'{'.'.join(parts)}'.")
                return


def _top_level(mask: str) -> list[str]:
    pieces, depth, cur = [], 0, ""
    for ch in mask:
        if ch == "," and depth == 0:
            pieces.append(cur)
            cur = ""
            continue
        depth += {"(": 1, ")": -1}.get(ch, 0)
        cur += ch
    pieces.append(cur)
    return pieces


class Malformed(ApiError):
    """A request the discovery document says Google refuses (as opposed to one a handler refuses)."""


def _error(violations: list[tuple[str, str]]) -> Malformed:
    text = "\n".join(d for _, d in violations)
    details = [{"@type": BAD_REQUEST, "fieldViolations": [
        ({"field": f, "description": d} if f else {"description": d}) for f, d in violations]}]
    return Malformed(400, text, "INVALID_ARGUMENT", details)


def check(http_method: str, raw_path: str, query: dict, body: Any) -> Any:
    """The body as the handlers should read it (snake_case names, enum numbers, numeric strings rewritten), or
    ApiError with Google's answer. A path the document does not describe is left to the router (404)."""
    disco = load()
    method = disco.method_for(http_method, raw_path)
    if method is None:
        return body
    checker = _Checker(disco)
    for name in query:
        if name not in method.query and name not in disco.global_query:
            raise _error([("", f"Invalid JSON payload received. Unknown name {_repr(name)}: Cannot bind query "
                               f"parameter. Field {name!r} could not be found in request message.")])
    fields = (query.get("fields") or [None])[0]
    if fields is not None and method.response:
        checker.response_mask(fields, method.response)
        if checker.violations:
            raise _error(checker.violations)
    if method.request and isinstance(body, dict):
        prefix = BODY_FIELD.get(method.request)
        body = checker.message(body, method.request, None if prefix is None else (None, prefix))
    if checker.violations:
        raise _error(checker.violations)
    return body
