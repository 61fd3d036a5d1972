"""batchUpdate requests on rows/columns and on the objects a sheet carries: dimensions, groups, conditional
format rules (no ids: addressed by index, later ones shift), named ranges, filters, protected ranges."""
from __future__ import annotations

import copy
import re

from . import cells as cells_mod
from . import dimensions as dims
from .batch import _dim_range, grid_bounds, handler, required_fields
from .fields import assign_masked
from .store import Spreadsheet, bad, gridrange_out


@handler("insertDimension")
def insert_dimension(ss: Spreadsheet, body: dict, where: str) -> dict:
    sheet, dim, s, e = _dim_range(ss, body.get("range") or {}, where, allow_end=False)
    limit = sheet.rows if dim == "ROWS" else sheet.cols
    if s > limit:
        raise bad(f"{where}Invalid dimension range: startIndex {s} is beyond the grid ({limit}).")
    if body.get("inheritFromBefore") and s == 0:
        raise bad(f"{where}Cannot insert rows or columns at index 0 and inherit from before.")
    dims.insert(ss, sheet, dim, s, e - s)
    return {}


@handler("moveDimension")
def move_dimension(ss: Spreadsheet, body: dict, where: str) -> dict:
    sheet, dim, s, e = _dim_range(ss, body.get("source") or {}, where)
    dest = body.get("destinationIndex")
    limit = sheet.rows if dim == "ROWS" else sheet.cols
    if not isinstance(dest, int) or not 0 <= dest <= limit:
        raise bad(f"{where}Invalid destinationIndex: {dest}.")
    if not s <= dest <= e:  # onto itself: nothing moves
        dims.move(ss, sheet, dim, s, e, dest)
    return {}


@handler("deleteDimension")
def delete_dimension(ss: Spreadsheet, body: dict, where: str) -> dict:
    sheet, dim, s, e = _dim_range(ss, body.get("range") or {}, where)
    limit = sheet.rows if dim == "ROWS" else sheet.cols
    if s == 0 and e >= limit:
        what = "rows" if dim == "ROWS" else "columns"
        raise bad(f"{where}You can't delete all the {what} on the sheet.")
    dims.delete(ss, sheet, dim, s, e)
    return {}


@handler("appendDimension")
def append_dimension(ss: Spreadsheet, body: dict, where: str) -> dict:
    sheet = ss.sheet_by_id(body.get("sheetId", 0), where)
    n = body.get("length", 0)
    if n < 1:
        raise bad(f"{where}length must be greater than 0.")
    key = "rowCount" if body.get("dimension") == "ROWS" else "columnCount"
    sheet.grid[key] = (sheet.rows if key == "rowCount" else sheet.cols) + n
    return {}


@handler("updateDimensionProperties")
def update_dimension_properties(ss: Spreadsheet, body: dict, where: str) -> dict:
    sheet, dim, s, e = _dim_range(ss, body.get("range") or {}, where)
    fields = required_fields(body, where)
    meta = sheet.row_meta if dim == "ROWS" else sheet.col_meta
    for i in range(s, e):
        m = meta.setdefault(i, {})
        assign_masked(m, body.get("properties") or {}, fields)
    return {}


@handler("autoResizeDimensions")
def auto_resize(ss: Spreadsheet, body: dict, where: str) -> dict:
    # Real widths depend on font metrics; 7 px per character plus padding is only an approximation.
    sheet, dim, s, e = _dim_range(ss, body.get("dimensions") or {}, where)
    meta = sheet.row_meta if dim == "ROWS" else sheet.col_meta
    for i in range(s, e):
        texts = [cells_mod.formatted(c) for (r, cc), c in sheet.cells.items() if (cc if dim == "COLUMNS" else r) == i]
        if dim == "COLUMNS":
            width = max((len(t) for t in texts), default=0) * 7 + 10
            meta.setdefault(i, {})["pixelSize"] = max(width, 100) if not texts else width
        else:
            meta.setdefault(i, {})["pixelSize"] = 21 * max((t.count("\n") + 1 for t in texts), default=1)
    return {}


def _groups(sheet, dim):
    return sheet.row_groups if dim == "ROWS" else sheet.column_groups


@handler("addDimensionGroup")
def add_dimension_group(ss: Spreadsheet, body: dict, where: str) -> dict:
    sheet, dim, s, e = _dim_range(ss, body.get("range") or {}, where)
    groups = _groups(sheet, dim)
    depth = 1 + sum(1 for g in groups if g["range"]["startIndex"] <= s and e <= g["range"]["endIndex"])
    groups.append({"range": {"dimension": dim, "startIndex": s, "endIndex": e}, "depth": depth})
    sheet.grid["rowGroupControlAfter" if dim == "ROWS" else "columnGroupControlAfter"] = True
    groups.sort(key=lambda g: (g["depth"], g["range"]["startIndex"]))
    return {"addDimensionGroup": {"dimensionGroups": copy.deepcopy(groups)}}


@handler("deleteDimensionGroup")
def delete_dimension_group(ss: Spreadsheet, body: dict, where: str) -> dict:
    sheet, dim, s, e = _dim_range(ss, body.get("range") or {}, where)
    groups = _groups(sheet, dim)
    match = [g for g in groups if g["range"]["startIndex"] == s and g["range"]["endIndex"] == e]
    if not match:
        raise bad(f"{where}No dimension group exists in range.")
    deepest = max(match, key=lambda g: g["depth"])
    groups.remove(deepest)
    return {"deleteDimensionGroup": {"dimensionGroups": copy.deepcopy(groups)} if groups else {}}


# --- conditional formats --------------------------------------------------------------------------------------

def _rule_sheet(ss: Spreadsheet, rule: dict, where: str):
    ranges = rule.get("ranges") or []
    if not ranges:
        raise bad(f"{where}A conditional format rule must have at least one range.")
    ids = {g.get("sheetId", 0) for g in ranges}
    if len(ids) != 1:
        raise bad(f"{where}All ranges of a conditional format rule must be on the same sheet.")
    for g in ranges:
        grid_bounds(ss, g, where)
    if ("booleanRule" in rule) == ("gradientRule" in rule):
        raise bad(f"{where}A conditional format rule must have exactly one of booleanRule or gradientRule.")
    condition = (rule.get("booleanRule") or {}).get("condition") or {}
    if condition.get("type") == "CUSTOM_FORMULA":
        _custom_formula(condition.get("values") or [], where)
    return ss.sheet_by_id(ids.pop(), where)


# A custom formula is one formula: '=' first, quotes and brackets balanced, and (as Google's rule editor says)
# no reference to another sheet: a rule may only read its own sheet's cells (INDIRECT aside).
_STRINGS = re.compile(r'"(?:[^"]|"")*"')
_OTHER_SHEET = re.compile(r"(?:'(?:[^']|'')+'|[A-Za-z_][\w.]*)!\$?[A-Za-z]{1,3}\$?\d")


def _custom_formula(values: list, where: str) -> None:
    if len(values) != 1:
        raise bad(f"{where}Invalid BooleanCondition: CUSTOM_FORMULA requires exactly one ConditionValue, "
                  f"but {len(values)} were given.")
    text = str(values[0].get("userEnteredValue", ""))
    bare = _STRINGS.sub('""', text)
    depth = 0
    for ch in bare:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            break
    if not text.startswith("=") or bare.count('"') % 2 or depth != 0 or _OTHER_SHEET.search(bare):
        raise bad(f"{where}Invalid ConditionValue.userEnteredValue: {text}")


def _rule_in(rule: dict) -> dict:
    out = copy.deepcopy(rule)
    out["ranges"] = [dict(g, sheetId=g.get("sheetId", 0)) for g in out["ranges"]]
    if "booleanRule" in out and "format" in out["booleanRule"]:
        out["booleanRule"]["format"] = cells_mod.normalise_format(out["booleanRule"]["format"])
    return out


def _rule_out(rule: dict) -> dict:
    return dict(copy.deepcopy(rule), ranges=[gridrange_out(g) for g in rule.get("ranges", [])])


@handler("addConditionalFormatRule")
def add_cf_rule(ss: Spreadsheet, body: dict, where: str) -> dict:
    rule = body.get("rule") or {}
    sheet = _rule_sheet(ss, rule, where)
    index = body.get("index", 0)
    if index < 0 or index > len(sheet.conditional_formats):
        raise bad(f"{where}index {index} is out of range: the sheet has "
                  f"{len(sheet.conditional_formats)} conditional format rules.")
    sheet.conditional_formats.insert(index, _rule_in(rule))
    return {}


def _cf_at(ss: Spreadsheet, body: dict, where: str):
    sheet = ss.sheet_by_id(body.get("sheetId", 0), where)
    index = body.get("index", 0)
    if not 0 <= index < len(sheet.conditional_formats):
        raise bad(f"{where}No conditional format on sheet: {sheet.sheet_id} at index: {index}")
    return sheet, index


@handler("updateConditionalFormatRule")
def update_cf_rule(ss: Spreadsheet, body: dict, where: str) -> dict:
    sheet, index = _cf_at(ss, body, where)
    old = sheet.conditional_formats[index]
    if "rule" in body:
        new_sheet = _rule_sheet(ss, body["rule"], where)
        if new_sheet is not sheet:
            raise bad(f"{where}A conditional format rule cannot be moved to another sheet with this request.")
        sheet.conditional_formats[index] = _rule_in(body["rule"])
        return {"updateConditionalFormatRule": {"newRule": _rule_out(sheet.conditional_formats[index]),
                                                "oldRule": _rule_out(old), "newIndex": index, "oldIndex": index}}
    new_index = body.get("newIndex")
    if new_index is None or not 0 <= new_index < len(sheet.conditional_formats):
        raise bad(f"{where}newIndex must be a valid rule index.")
    sheet.conditional_formats.insert(new_index, sheet.conditional_formats.pop(index))
    return {"updateConditionalFormatRule": {"newRule": _rule_out(old), "newIndex": new_index, "oldIndex": index}}


@handler("deleteConditionalFormatRule")
def delete_cf_rule(ss: Spreadsheet, body: dict, where: str) -> dict:
    sheet, index = _cf_at(ss, body, where)
    rule = sheet.conditional_formats.pop(index)
    return {"deleteConditionalFormatRule": {"rule": _rule_out(rule)}}


# --- named ranges, filters, protection ------------------------------------------------------------------------

@handler("addNamedRange")
def add_named_range(ss: Spreadsheet, body: dict, where: str) -> dict:
    nr = copy.deepcopy(body.get("namedRange") or {})
    name = nr.get("name", "")
    if not name or any(n["name"].lower() == name.lower() for n in ss.named_ranges):
        raise bad(f"{where}A named range with the name \"{name}\" already exists or the name is invalid.")
    grid_bounds(ss, nr.get("range") or {}, where)
    nr["range"] = dict(nr.get("range") or {}, sheetId=(nr.get("range") or {}).get("sheetId", 0))
    nr["namedRangeId"] = nr.get("namedRangeId") or str(ss.rng.randrange(10**8, 2**31 - 1))
    ss.named_ranges.append(nr)
    return {"addNamedRange": {"namedRange": {"namedRangeId": nr["namedRangeId"], "name": name,
                                             "range": gridrange_out(nr["range"])}}}


def _named(ss: Spreadsheet, nid: str, where: str) -> dict:
    for n in ss.named_ranges:
        if n["namedRangeId"] == nid:
            return n
    raise bad(f"{where}No named range with id: {nid}")


@handler("deleteNamedRange")
def delete_named_range(ss: Spreadsheet, body: dict, where: str) -> dict:
    ss.named_ranges.remove(_named(ss, body.get("namedRangeId", ""), where))
    return {}


@handler("updateNamedRange")
def update_named_range(ss: Spreadsheet, body: dict, where: str) -> dict:
    src = body.get("namedRange") or {}
    nr = _named(ss, src.get("namedRangeId", ""), where)
    assign_masked(nr, src, required_fields(body, where))
    nr["range"].setdefault("sheetId", 0)
    return {}


@handler("setBasicFilter")
def set_basic_filter(ss: Spreadsheet, body: dict, where: str) -> dict:
    flt = copy.deepcopy(body.get("filter") or {})
    g = flt.get("range") or {}
    sheet, r0, r1, c0, c1 = grid_bounds(ss, g, where)
    flt["range"] = {"sheetId": sheet.sheet_id, "startRowIndex": r0, "endRowIndex": r1,
                    "startColumnIndex": c0, "endColumnIndex": c1}
    sheet.basic_filter = flt
    return {}


@handler("clearBasicFilter")
def clear_basic_filter(ss: Spreadsheet, body: dict, where: str) -> dict:
    ss.sheet_by_id(body.get("sheetId", 0), where).basic_filter = None
    return {}


@handler("addProtectedRange")
def add_protected_range(ss: Spreadsheet, body: dict, where: str) -> dict:
    pr = {k: v for k, v in copy.deepcopy(body.get("protectedRange") or {}).items() if v not in (None, False)}
    sheet, *_ = grid_bounds(ss, pr.get("range") or {}, where)
    pr["range"] = dict(pr.get("range") or {}, sheetId=sheet.sheet_id)
    pr["protectedRangeId"] = pr.get("protectedRangeId") or ss.rng.randrange(10**8, 2**31 - 1)
    pr["requestingUserCanEdit"] = True
    pr["editors"] = {k: v for k, v in (pr.get("editors") or {}).items() if v}
    ordered = {"protectedRangeId": pr.pop("protectedRangeId"), "range": pr.pop("range")}
    ordered.update(pr)
    sheet.protected_ranges.append(ordered)
    return {"addProtectedRange": {"protectedRange": dict(copy.deepcopy(ordered), range=gridrange_out(ordered["range"]))}}


@handler("deleteProtectedRange")
def delete_protected_range(ss: Spreadsheet, body: dict, where: str) -> dict:
    pid = body.get("protectedRangeId")
    for sheet in ss.sheets:
        for p in sheet.protected_ranges:
            if p["protectedRangeId"] == pid:
                sheet.protected_ranges.remove(p)
                return {}
    raise bad(f"{where}No protected range with id: {pid}")
