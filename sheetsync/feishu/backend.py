"""The Feishu Sheets backend of the sync pipeline: read = one snapshot (2 + 1 per 5,000 rows requests);
write = re-check rows, values, styles, owned rules, then the key column again. A dry run or an unchanged sheet
stops after the read."""
from __future__ import annotations

from typing import Optional

from ..backend import Written
from ..model import SheetsyncError, WorkbookData
from ..owned import MACHINE_COL
from ..plan import Plan
from . import rules as own_rules
from .client import Client, FeishuUnavailable, RetryPolicy, WriteFailed, endpoint, load_app
from .read import V2, Snapshot, condition_formats, fetch, resolve
from .links import parse
from .write import (add_columns, add_report_sheet, hide_machine_column, plan_writes, refuse_foreign_report,
                    replace_rules, rows_unmoved, write_values)


class FeishuSheet:
    """One spreadsheet, signed in once; each read is a fresh snapshot, and a write applies to the latest."""

    def __init__(self, source: str, *, credentials: Optional[str] = None, retry: Optional[RetryPolicy] = None):
        self.source = source
        self.target = parse(source)
        self.client = Client(load_app(credentials), endpoint(self.target.lark), retry, doc=self.target.token)
        self.attempts = self.client.policy.tries
        self.snap: Optional[Snapshot] = None
        self.token: Optional[str] = None  # the spreadsheet's, once a wiki link is resolved
        self.rounds = 0

    def read(self) -> WorkbookData:
        self.token = self.token or resolve(self.client, self.target)
        self.snap = fetch(self.client, self.target, self.source, self.token)
        self.rounds += 1
        return self.snap.workbook

    def change_token(self) -> Optional[str]:
        """The spreadsheet's revision, from one small request (v2 metainfo): it grows with every edit."""
        self.token = self.token or resolve(self.client, self.target)
        got = self.client.call("GET", V2.format(token=self.token) + "/metainfo")
        revision = (got.get("properties") or {}).get("revision")
        return None if revision is None else f"feishu:{self.token}:{revision}"

    def stale(self, plan: Plan) -> bool:
        snap = self.snap
        sheet = snap.workbook.sheet(plan.table.sheet)
        rows = int(((snap.by_title(sheet.name) or {}).get("grid_properties") or {}).get("row_count") or 0)
        return own_rules.lost(condition_formats(self.client, snap, sheet.sheet_id), plan, sheet.sheet_id, rows)

    def write(self, plan: Plan) -> Written:
        snap, client = self.snap, self.client
        refuse_foreign_report(snap, plan.report.title)
        condition_formats(client, snap, snap.workbook.sheet(plan.table.sheet).sheet_id)  # asked by stale() already
        write_report = not plan.unchanged_report
        report = snap.by_title(plan.report.title)
        writes = plan_writes(plan, snap, report.get("sheet_id") if report else None, write_report)  # may refuse
        if not rows_unmoved(client, snap, plan):
            return Written(again=True)
        try:
            if writes.add_columns:
                add_columns(client, snap, snap.workbook.sheet(plan.table.sheet).sheet_id, writes.add_columns)
            if write_report and report is None:
                report_id = add_report_sheet(client, snap, plan.report.title)
                hide_machine_column(client, snap, report_id, MACHINE_COL)
                writes = plan_writes(plan, snap, report_id, write_report)
            write_values(client, snap, writes)
            if write_report:
                replace_rules(client, snap, plan)
        except WriteFailed as exc:  # maybe applied, maybe not: only a fresh read can tell
            if self.rounds >= self.attempts:
                raise FeishuUnavailable(exc.what, self.rounds) from None
            client.pause(self.rounds - 1, exc.retry_after)
            return Written(changed=True, again=True, misplaced=True)
        if not rows_unmoved(client, snap, plan, header=False):
            # a row moved between the re-check and the values landing: they may sit in the wrong rows
            return Written(changed=True, again=True, misplaced=True)
        return Written(changed=True)
