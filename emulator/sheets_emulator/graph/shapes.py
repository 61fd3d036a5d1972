"""Request shapes Graph v1.0 accepts on the routes the emulator serves, as its published description (the
msgraph-metadata OpenAPI document) defines them: anything else is refused with Graph's 400 body."""
from __future__ import annotations

import re

# microsoft.graph.workbookSessionInfo is answered; createSession's request body has one property
CREATE_SESSION = {"persistChanges": bool}
# the updatable properties of microsoft.graph.workbookRange (PATCH .../range(address='...'))
RANGE_PATCH = {"values", "numberFormat", "formulas", "formulasLocal", "formulasR1C1", "numberFormatLocal",
               "rowHidden", "columnHidden"}
# a JSON batch: { "requests": [ {id, method, url, headers?, body?, dependsOn?} ] }, at most 20
BATCH_KEYS = {"requests"}
BATCH_REQUEST_KEYS = {"id", "method", "url", "headers", "body", "dependsOn"}
BATCH_LIMIT = 20
ODATA_QUERY = {"$select", "$expand", "$filter", "$top", "$orderby", "$count", "$search", "$skip", "$format"}
ADDRESS = re.compile(r"^(?:[^!]+!)?\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def invalid(message: str) -> Refused:
    return Refused(400, "invalidRequest", message)


def check_query(query: dict) -> None:
    for name in query:
        if name.startswith("$") and name not in ODATA_QUERY:
            raise Refused(400, "BadRequest", f"Query option '{name}' is not allowed. Make sure that it is "
                                             f"supported by the endpoint.")


def check_object(body, allowed, what: str) -> dict:
    if not isinstance(body, dict):
        raise invalid(f"The request body of {what} must be a JSON object.")
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise Refused(400, "BadRequest", f"Property '{unknown[0]}' does not exist on type '{what}'. Make sure to "
                                         f"only use property names that are defined by the type.")
    return body


def check_create_session(body) -> bool:
    check_object(body, CREATE_SESSION, "microsoft.graph.workbookSessionInfo")
    persist = body.get("persistChanges", True)
    if not isinstance(persist, bool):
        raise invalid("persistChanges must be a Boolean.")
    return persist


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def parse_address(address: str) -> tuple[int, int, int, int]:
    """0-based inclusive (r0, c0, r1, c1)."""
    m = ADDRESS.match(address.strip())
    if not m:
        raise Refused(400, "InvalidArgument", "The argument is invalid or missing or has an incorrect format.")
    c0, r0 = col_index(m.group(1)), int(m.group(2)) - 1
    c1, r1 = (col_index(m.group(3)), int(m.group(4)) - 1) if m.group(3) else (c0, r0)
    return min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)


def check_range_patch(body, rows: int, cols: int) -> dict:
    check_object(body, RANGE_PATCH, "microsoft.graph.workbookRange")
    for key in ("values", "numberFormat", "formulas"):
        if key not in body:
            continue
        grid = body[key]
        if (not isinstance(grid, list) or len(grid) != rows
                or any(not isinstance(r, list) or len(r) != cols for r in grid)):
            raise Refused(400, "InvalidArgument", f"The number of rows or columns in the input array doesn't match "
                                                  f"the size or dimensions of the range ({key}).")
        for row in grid:
            for v in row:
                if v is not None and not isinstance(v, (str, int, float, bool)):
                    raise Refused(400, "InvalidArgument", f"A value of {key} is not a string, number or Boolean.")
    return body


def check_batch(body) -> list[dict]:
    check_object(body, BATCH_KEYS, "batch request")
    requests = body.get("requests")
    if not isinstance(requests, list) or not requests:
        raise invalid("Invalid batch payload format.")
    if len(requests) > BATCH_LIMIT:
        raise invalid(f"The number of batch requests in the payload ({len(requests)}) exceeds the limit of "
                      f"{BATCH_LIMIT}.")
    ids = set()
    for r in requests:
        check_object(r, BATCH_REQUEST_KEYS, "batch request item")
        if not isinstance(r.get("id"), str) or not r.get("method") or not isinstance(r.get("url"), str):
            raise invalid("Each batch request needs an id (a string), a method and a url.")
        if r["id"] in ids:
            raise invalid(f"Duplicate batch request id '{r['id']}'.")
        ids.add(r["id"])
        if r["url"].lower().startswith(("http:", "https:")):
            raise invalid("A batch request url must be relative to the version root.")
        if "body" in r and "content-type" not in {k.lower() for k in (r.get("headers") or {})}:
            raise invalid("A batch request with a body needs a Content-Type header.")
    return requests
