"""Read a Google Sheets tracker into WorkbookData in two requests: one spreadsheets.get for sheet metadata
(with a fields mask) and one values:batchGet for every sheet needed, as UNFORMATTED_VALUE with SERIAL_NUMBER
dates, so nothing depends on the sheet's locale and text such as '007' or '1e5' stays text.

Dates: numbers are passed through as Google gives them (day serials since 1899-12-30). The engine reads a number
in a date or time column as an Excel serial, which is the same day count, so no cell formats are fetched (that
would need grid data, far heavier than values). A .xlsx twin read by calamine gives the same findings."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Optional

from ..grid import merged_areas
from ..model import SheetData, SheetsyncError, WorkbookData, is_side_sheet
from .links import GSHEET_KEY, GSHEET_URL
from .http import SCOPES, BoundedHTTPClient, QuotaHook, EndpointSession, RetryPolicy, endpoint_from_env

META_FIELDS = ("spreadsheetId,properties(title),sheets(properties(sheetId,title,index,sheetType,"
               "gridProperties(rowCount,columnCount)),conditionalFormats,merges)")
VALUE_PARAMS = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER",
                "majorDimension": "ROWS"}


@dataclass
class Target:
    key: str
    title: Optional[str] = None  # gsheet:KEY!Title
    gid: Optional[int] = None  # ...#gid=N


def parse_source(text: str) -> Target:
    m = GSHEET_KEY.match(text)
    if m:
        return Target(m.group(1), title=m.group(2) or None)
    m = GSHEET_URL.match(text)
    if m:
        return Target(m.group(1), gid=int(m.group(2)) if m.group(2) else None)
    raise SheetsyncError(f"{text}: not a Google Sheets URL or gsheet:KEY", f"{text}:不是 Google 表格链接或 gsheet:KEY",
                         code="usage")


@dataclass
class Connection:
    client: BoundedHTTPClient
    client_email: Optional[str]  # who the sheet must be shared with (None when anonymous)


def _load_service_account(path: str, scopes: list[str]):
    from google.oauth2 import service_account
    if not os.path.isfile(path):
        raise SheetsyncError(f"{path}: credentials file not found", f"{path}:找不到凭据文件", code="no-credentials")
    try:
        with open(path, encoding="utf-8") as fh:
            info = json.load(fh)
        creds = service_account.Credentials.from_service_account_info(info, scopes=scopes)
    except (ValueError, KeyError, TypeError) as exc:
        raise SheetsyncError(
            f"{path}: not a Google service-account key file ({str(exc)[:80]}); download the JSON key from the Cloud console",
            f"{path}:不是 Google 服务账号密钥文件({str(exc)[:80]});请从 Cloud 控制台下载 JSON 密钥",
            code="bad-credentials") from None
    return creds, info.get("client_email")


def connect(credentials: Optional[str] = None, retry: Optional[RetryPolicy] = None,
            quota: Optional[QuotaHook] = None, scopes: Optional[list[str]] = None) -> Connection:
    """A gspread HTTP client with the spreadsheets scope only (`scopes` for another), bounded retries and timeouts; every request
    (retries included) first takes a token from `quota` when one is given."""
    from google.auth.credentials import AnonymousCredentials
    path = credentials or os.environ.get("GOOGLE_APPLICATION_CREDENTIALS") or None
    endpoint = endpoint_from_env()
    if path:
        creds, email = _load_service_account(path, scopes or SCOPES)
    elif endpoint:
        creds, email = AnonymousCredentials(), None  # a local emulator needs no sign-in
    else:
        raise SheetsyncError(
            "no Google credentials: pass --credentials FILE (a service-account JSON key) or set GOOGLE_APPLICATION_CREDENTIALS",
            "没有 Google 凭据:请用 --credentials 文件 指定服务账号 JSON 密钥,或设置 GOOGLE_APPLICATION_CREDENTIALS",
            code="no-credentials")
    session = EndpointSession(creds, endpoint)
    return Connection(BoundedHTTPClient(None, session=session, policy=retry or RetryPolicy.from_env(), quota=quota),
                      email)


def api_error(exc: Exception, key: str, email: Optional[str]) -> SheetsyncError:
    """Turn gspread's APIError / google-auth's RefreshError into one line in both languages."""
    from google.auth.exceptions import RefreshError, TransportError
    who = email or "the service account"
    who_zh = email or "服务账号"
    if isinstance(exc, (RefreshError, TransportError)):
        return SheetsyncError(f"cannot sign in to Google with the service account {who}: {str(exc)[:120]}",
                              f"无法用服务账号 {who_zh} 登录 Google:{str(exc)[:120]}", code="auth")
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if status == 404:
        return SheetsyncError(
            f"spreadsheet {key} not found: check the key in the URL; if it is right, share the sheet with {who}",
            f"找不到表格 {key}:请检查链接中的 key;若无误,请把表格共享给 {who_zh}", code="not-found")
    if status == 403:
        return SheetsyncError(
            f"spreadsheet {key} is not shared with {who}: open it in Google Sheets, Share, add {who} as Editor",
            f"表格 {key} 未共享给 {who_zh}:请在 Google 表格中点击「共享」,把 {who_zh} 添加为编辑者", code="not-shared")
    if status == 401:
        return SheetsyncError(f"Google refused the credentials of {who} (HTTP 401)",
                              f"Google 拒绝了 {who_zh} 的凭据(HTTP 401)", code="auth")
    text = str(exc)[:160]
    return SheetsyncError(f"Google Sheets refused the request for {key}: {text}",
                          f"Google 表格拒绝了对 {key} 的请求:{text}", code="sheets-error")


def call(conn: Connection, key: str, fn, *args, **kwargs):
    """Run one gspread HTTPClient call, mapping its failures to SheetsyncError."""
    from google.auth.exceptions import GoogleAuthError
    from gspread.exceptions import APIError
    try:
        return fn(*args, **kwargs)
    except (APIError, GoogleAuthError) as exc:
        raise api_error(exc, key, conn.client_email) from None


def quote_title(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def choose_sheets(meta: dict, target: Target) -> list[dict]:
    """The sheets to read, task sheet first when the source names one; side sheets always (which sheets those
    are is model.is_side_sheet's to say)."""
    grids = [s["properties"] for s in meta.get("sheets", []) if s["properties"].get("sheetType", "GRID") == "GRID"]
    if target.title is None and target.gid is None:
        return grids
    if target.title is not None:
        first = [p for p in grids if p["title"] == target.title]
        what, what_zh = f"no worksheet titled {target.title!r}", f"没有名为 {target.title!r} 的工作表"
    else:
        first = [p for p in grids if p["sheetId"] == target.gid]
        what, what_zh = f"no worksheet with gid={target.gid}", f"没有 gid={target.gid} 的工作表"
    if not first:
        titles = ", ".join(p["title"] for p in grids)
        raise SheetsyncError(f"spreadsheet {target.key}: {what} (sheets: {titles})",
                             f"表格 {target.key}:{what_zh}(现有工作表:{titles})", code="no-sheet")
    side = [p for p in grids if p is not first[0] and is_side_sheet(p["title"])]
    return first + side


def sheet_data(props: dict, value_range: dict, merges: list) -> tuple[SheetData, list[list]]:
    """The sheet as the engine reads it (as from a .xlsx: merged areas listed, not filled) and its raw rows."""
    raw = [list(r) for r in value_range.get("values") or []]
    width = max((len(r) for r in raw), default=0)
    for r in raw:  # Google trims trailing empties; calamine gives a rectangle with ''
        r.extend([""] * (width - len(r)))
    areas = [((m.get("startRowIndex", 0), m.get("startColumnIndex", 0)),
              (m["endRowIndex"] - 1, m["endColumnIndex"] - 1)) for m in merges or ()]
    rows = raw
    merged = merged_areas(areas)
    return SheetData(name=props["title"], rows=rows, merged=merged, sheet_id=props["sheetId"]), raw


@dataclass
class Snapshot:
    """One read of a spreadsheet: the metadata as Google gave it and the values as WorkbookData."""
    key: str
    meta: dict
    workbook: WorkbookData
    sheets_by_title: dict[str, dict] = field(default_factory=dict)  # title -> sheet resource (properties, rules)
    raw: dict[str, list[list]] = field(default_factory=dict)  # title -> values before merged areas were filled


def fetch(conn: Connection, target: Target, source: str) -> Snapshot:
    """Two requests: metadata with a fields mask, then one values:batchGet of every sheet needed."""
    http = conn.client
    meta = call(conn, target.key, http.fetch_sheet_metadata, target.key, params={"fields": META_FIELDS})
    chosen = choose_sheets(meta, target)
    by_title = {s["properties"]["title"]: s for s in meta.get("sheets", [])}
    sheets, raw = [], {}
    if chosen:
        ranges = [quote_title(p["title"]) for p in chosen]
        got = call(conn, target.key, http.values_batch_get, target.key, ranges, params=dict(VALUE_PARAMS))
        for props, vr in zip(chosen, got.get("valueRanges", [])):
            sheet, raw[props["title"]] = sheet_data(props, vr, by_title[props["title"]].get("merges"))
            sheets.append(sheet)
    return Snapshot(target.key, meta, WorkbookData(source=source, sheets=sheets, kind="gsheet", dates_as_serials=True), by_title, raw)


def read_gsheet(text: str, credentials: Optional[str] = None, retry: Optional[RetryPolicy] = None,
                quota: Optional[QuotaHook] = None) -> WorkbookData:
    target = parse_source(text)
    return fetch(connect(credentials, retry, quota), target, text).workbook


