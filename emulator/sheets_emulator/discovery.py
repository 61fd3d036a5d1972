"""Google's discovery document for Sheets v4, as the installed google-api-python-client ships it
(googleapiclient/discovery_cache/documents/sheets.v4.json), and what it does not say.

It is read from the installed package, never copied here, so the emulator checks requests against the same
description of the API that Google's client libraries are generated from. The package is located without
importing it (its import pulls in httplib2 and more, which the emulator does not use).

The document names methods, parameters, schemas, types and enums, but not three facts the validator needs:
- which fields form a union (a proto `oneof`: "Union field kind can be only one of the following" in the API
  reference pages; the discovery document dropped those markers), listed in UNIONS from the Sheets v4 protos;
- the root message of each update request's `fields` mask (the API reference says so in prose), MASK_ROOTS;
- the proto name of the request message field that carries the body (`data` for a ValueRange: Google's error
  paths read 'data.values'), BODY_FIELD."""
from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

DOCUMENT = ("discovery_cache", "documents", "sheets.v4.json")

# Proto oneofs of google/apps/sheets/v4/*.proto: schema -> {union name: members}. Request's union is every one
# of its fields and is filled in from the document.
UNIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "ExtendedValue": {"value": ("numberValue", "stringValue", "boolValue", "formulaValue", "errorValue")},
    "ColorStyle": {"kind": ("rgbColor", "themeColor")},
    "UpdateCellsRequest": {"area": ("start", "range")},
    "ConditionalFormatRule": {"rule": ("booleanRule", "gradientRule")},
    "ConditionValue": {"value": ("relativeDate", "userEnteredValue")},
    "DataFilter": {"filter": ("developerMetadataLookup", "a1Range", "gridRange")},
    "EmbeddedObjectPosition": {"location": ("sheetId", "overlayPosition", "newSheet")},
    "PasteDataRequest": {"kind": ("delimiter", "html")},
    "FindReplaceRequest": {"scope": ("range", "sheetId", "allSheets")},
    "AutoFillRequest": {"area": ("range", "sourceAndDestination")},
    "AutoResizeDimensionsRequest": {"dimensionRange": ("dimensions", "dataSourceSheetDimensions")},
    "SortSpec": {"reference": ("dimensionIndex", "dataSourceColumnReference")},
    "FilterSpec": {"reference": ("columnIndex", "dataSourceColumnReference")},
    "PivotGroup": {"source": ("sourceColumnOffset", "dataSourceColumnReference")},
    "PivotValue": {"value": ("sourceColumnOffset", "formula", "dataSourceColumnReference")},
    "PivotTable": {"sourceData": ("source", "dataSourceId")},
    "ChartData": {"type": ("sourceRange", "columnReference")},
    "ChartSpec": {"chart": ("basicChart", "pieChart", "bubbleChart", "candlestickChart", "orgChart",
                            "histogramChart", "waterfallChart", "treemapChart", "scorecardChart")},
    "DataSourceSpec": {"spec": ("bigQuery", "looker")},
    "BigQueryDataSourceSpec": {"spec": ("querySpec", "tableSpec")},
    "DataSourceParameter": {"identifier": ("name",), "value": ("namedRangeId", "range")},
    "RefreshDataSourceRequest": {"target": ("references", "dataSourceId", "isAll")},
    "DataSourceRefreshSchedule": {"scheduleConfig": ("dailySchedule", "weeklySchedule", "monthlySchedule")},
}

# The message each update request's `fields` mask is rooted at.
MASK_ROOTS = {
    "UpdateCellsRequest": "CellData", "RepeatCellRequest": "CellData",
    "UpdateSheetPropertiesRequest": "SheetProperties", "UpdateSpreadsheetPropertiesRequest": "SpreadsheetProperties",
    "UpdateDimensionPropertiesRequest": "DimensionProperties", "UpdateNamedRangeRequest": "NamedRange",
    "UpdateFilterViewRequest": "FilterView", "UpdateBandingRequest": "BandedRange",
    "UpdateProtectedRangeRequest": "ProtectedRange", "UpdateEmbeddedObjectPositionRequest": "EmbeddedObjectPosition",
    "UpdateDeveloperMetadataRequest": "DeveloperMetadata", "UpdateSlicerSpecRequest": "SlicerSpec",
    "UpdateEmbeddedObjectBorderRequest": "EmbeddedObjectBorder", "UpdateDimensionGroupRequest": "DimensionGroup",
    "UpdateDataSourceRequest": "DataSource", "UpdateTableRequest": "Table",
}

# A method whose body is not its whole request message names the field that carries it.
BODY_FIELD = {"ValueRange": "data", "Spreadsheet": "spreadsheet"}

# Messages that are not google.apps.sheets.v4.*
PROTO_NAMES = {"Color": "google.type.Color"}


@dataclass(frozen=True)
class Method:
    id: str
    http_method: str
    pattern: re.Pattern
    query: frozenset  # the method's own query parameters
    request: Optional[str]  # schema name of the body
    response: Optional[str]


class DiscoveryMissing(RuntimeError):
    """google-api-python-client (which ships the document) is not installed."""


def document_path() -> Path:
    spec = importlib.util.find_spec("googleapiclient")
    if spec is None or not spec.submodule_search_locations:
        raise DiscoveryMissing("the Sheets v4 discovery document comes with google-api-python-client: "
                               "pip install google-api-python-client")
    path = Path(next(iter(spec.submodule_search_locations)), *DOCUMENT)
    if not path.is_file():
        raise DiscoveryMissing(f"{path}: not found in the installed google-api-python-client")
    return path


@dataclass(frozen=True)
class Discovery:
    schemas: dict
    methods: tuple  # of Method, longest literal path first
    global_query: frozenset
    unions: dict  # schema -> {member: union name}
    revision: str

    def method_for(self, http_method: str, raw_path: str) -> Optional[Method]:
        path = raw_path.lstrip("/")
        for m in self.methods:
            if m.http_method == http_method and m.pattern.match(path):
                return m
        return None


def _pattern(flat_path: str) -> re.Pattern:
    out, pos = [], 0
    for m in re.finditer(r"\{(\w+)\}", flat_path):
        out.append(re.escape(flat_path[pos:m.start()]))
        out.append("(.+)" if m.group(1) == "range" else "([^/:]+)")
        pos = m.end()
    out.append(re.escape(flat_path[pos:]))
    return re.compile("^" + "".join(out) + "$")


def _methods(resource: dict) -> list[Method]:
    found = []
    for m in (resource.get("methods") or {}).values():
        params = m.get("parameters") or {}
        found.append(Method(m["id"], m["httpMethod"], _pattern(m["flatPath"]),
                            frozenset(k for k, v in params.items() if v.get("location") == "query"),
                            (m.get("request") or {}).get("$ref"), (m.get("response") or {}).get("$ref")))
    for sub in (resource.get("resources") or {}).values():
        found.extend(_methods(sub))
    return found


@lru_cache(maxsize=1)
def load() -> Discovery:
    doc = json.loads(document_path().read_text(encoding="utf-8"))
    schemas = doc["schemas"]
    methods = sorted(_methods(doc), key=lambda m: -len(re.sub(r"\(.*?\)", "", m.pattern.pattern)))
    unions: dict[str, dict[str, str]] = {}
    groups = dict(UNIONS, Request={"kind": tuple(schemas["Request"]["properties"])})
    for schema, by_name in groups.items():
        props = schemas.get(schema, {}).get("properties", {})
        for union, members in by_name.items():
            for member in members:
                if member in props:  # a member an older or newer document lacks is left out
                    unions.setdefault(schema, {})[member] = union
    return Discovery(schemas, tuple(methods), frozenset(doc.get("parameters") or {}), unions,
                     doc.get("revision", ""))
