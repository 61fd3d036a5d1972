"""The Google Sheets backend of the sync pipeline: read = one snapshot (2 requests); write = re-check rows,
build the batch, one spreadsheets.batchUpdate, the key check on its answer (2 requests). Four requests whatever
the tracker's size; a dry run or an unchanged sheet stops after the first two."""
from __future__ import annotations

from typing import Optional

from ..backend import Written
from ..model import WorkbookData
from ..plan import Plan
from .http import DRIVE_FILES, VERSION_SCOPES, QuotaHook, RetryPolicy, SheetsUnavailable, WriteFailed
from .read import Snapshot, call, connect, fetch, parse_source
from .write import fit, key_ranges, recheck, refuse_foreign_report, rows_moved, rules_lost


class GoogleSheet:
    """One spreadsheet, signed in once; each read is a fresh snapshot, and a write applies to the latest."""

    def __init__(self, source: str, *, credentials: Optional[str] = None,
                 retry: Optional[RetryPolicy] = None, quota: Optional[QuotaHook] = None):
        self.source = source
        self.target = parse_source(source)
        self.conn = connect(credentials, retry, quota)
        self.opened = (credentials, retry, quota)
        self.drive = None  # the change token's own connection, signed in with the Drive metadata scope too
        self.attempts = self.conn.client.policy.tries
        self.reads = 0
        self.snap: Optional[Snapshot] = None

    def read(self) -> WorkbookData:
        self.snap = fetch(self.conn, self.target, self.source)
        self.reads += 1
        return self.snap.workbook

    def change_token(self) -> Optional[str]:
        """The Drive file's `version` (one small read on the shared quota): it grows with every change to the
        spreadsheet, a person's edit or sheetsync's own write."""
        from urllib.parse import quote
        key = self.target.key
        if self.drive is None:
            credentials, retry, quota = self.opened
            self.drive = connect(credentials, retry, quota, scopes=VERSION_SCOPES)
        answer = call(self.drive, key, self.drive.client.request, "get", DRIVE_FILES + quote(key, safe=""),
                      params={"fields": "version", "supportsAllDrives": "true"})
        version = answer.json().get("version")
        return None if version is None else f"gsheets:{key}:{version}"

    def stale(self, plan: Plan) -> bool:
        return rules_lost(self.snap, plan)

    def write(self, plan: Plan) -> Written:
        snap, conn = self.snap, self.conn
        refuse_foreign_report(snap, plan.report.title)
        where = recheck(conn, snap, plan)
        if where is None:  # rows moved since the read
            return Written(again=True)
        write_report = not plan.unchanged_report
        if write_report:
            where.notes = {**{cell: "" for cell in plan.cleared_notes}, **plan.notes}
            where.note_keys = plan.note_keys
        requests = fit(plan, where, write_report, plan.language, conn.client.max_body)
        body = {"requests": requests, "includeSpreadsheetInResponse": True,
                "responseRanges": key_ranges(snap, plan)[1], "responseIncludeGridData": True}
        attempt = self.reads - 1
        try:
            answer = call(conn, self.target.key, conn.client.batch_update, self.target.key, body)
        except WriteFailed as exc:  # maybe applied, maybe not: only a fresh read can tell
            if attempt + 1 >= self.attempts:
                raise SheetsUnavailable(exc.what, attempt + 1) from None
            conn.client.pause(attempt, exc.retry_after)
            return Written(again=True)
        if rows_moved(snap, plan, (answer or {}).get("updatedSpreadsheet") or {}):
            # a row moved between the re-check and Google applying the batch: values may sit in the wrong rows
            return Written(changed=True, again=True, misplaced=True)
        return Written(changed=True)
