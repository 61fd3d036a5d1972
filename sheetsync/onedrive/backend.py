"""The OneDrive/SharePoint backend of the sync pipeline.

read: the item's metadata (eTag, webUrl), then its content into a private temporary folder, read by the local
file backend the dispatcher gives (`open_file`). write: that backend patches the temporary copy (verified before
anything is sent), then the copy is uploaded with If-Match on the eTag read: 412 (someone saved meanwhile) makes the
pipeline read and plan again; 423 (the workbook is open in Excel, co-authoring) writes the managed cells through
the workbook endpoints instead (sheetsync.onedrive.cowrite) and leaves the rules and report for a free run.
Never two writes to one item at once in a process (a lock per item); across processes the jobs' lease does it."""
from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from ..atomic import write_atomic
from ..backend import Backend, Written
from ..model import SheetsyncError, WorkbookData
from ..plan import Plan
from .client import Graph, GraphError
from .links import Target, parse, share_id

_LOCKS: dict[tuple[str, str], threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def item_lock(drive: str, item: str) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault((drive, item), threading.Lock())


def not_found(source: str) -> SheetsyncError:
    return SheetsyncError(f"{source}: no such workbook, or the app registration cannot see it; copy the file's "
                          f"link again (Share > Copy link) or check the app's permissions",
                          f"{source}:找不到该工作簿,或应用注册无权访问;请重新复制文件链接(共享 > 复制链接)或检查应用权限",
                          code="not-found")


class OneDriveWorkbook:
    """One workbook in a drive; each read downloads afresh, and a write applies to the latest download."""

    def __init__(self, source: str, *, open_file: Callable[[str], Backend], graph: Graph | None = None,
                 dry_run: bool = False):
        self.source, self.target = source, parse(source)
        self.open_file, self.dry_run = open_file, dry_run
        self.graph = graph or Graph()
        self.attempts = self.graph.policy.tries
        self.drive, self.item = self.target.drive, self.target.item
        self.meta: dict = {}
        self.local: Backend | None = None
        self.workbook: WorkbookData | None = None
        self.note = ""  # what this run left for a free run (said by the pipeline in one line)
        self._tmp = tempfile.TemporaryDirectory(prefix="sheetsync-onedrive-")  # removed with this object
        self._dir = self._tmp.name

    # -- the item ---------------------------------------------------------------------------------------------
    @property
    def base(self) -> str:
        return f"/drives/{quote(self.drive, safe='')}/items/{quote(self.item, safe='')}"

    def metadata(self) -> dict:
        try:
            if self.drive is None:
                meta = self.graph.json("GET", f"/shares/{share_id(self.target.url)}/driveItem")
                self.drive, self.item = meta["parentReference"]["driveId"], meta["id"]
            else:
                meta = self.graph.json("GET", self.base)
        except GraphError as exc:
            if exc.status in (400, 404):
                raise not_found(self.source) from None
            raise
        if "file" not in meta:
            raise SheetsyncError(f"{self.source}: a folder, not a workbook", f"{self.source}:这是文件夹,不是工作簿",
                                 code="not-a-spreadsheet")
        self.meta = meta
        return meta

    def change_token(self) -> str | None:
        """The content tag (cTag; else eTag) in one small request: it changes when the content does."""
        path = f"/shares/{share_id(self.target.url)}/driveItem" if self.drive is None else self.base
        meta = self.graph.json("GET", path, params={"$select": "eTag,cTag"})
        return meta.get("cTag") or meta.get("eTag")

    def web_url(self) -> str | None:
        if not self.meta:
            self.metadata()
        return self.meta.get("webUrl")

    # -- the pipeline -----------------------------------------------------------------------------------------
    def read(self) -> WorkbookData:
        meta = self.metadata()
        name = Path(meta.get("name") or "workbook.xlsx").name
        if Path(name).suffix.lower() not in (".xlsx", ".xlsm"):
            raise SheetsyncError(f"{self.source}: {name} is not an .xlsx workbook; sync works on .xlsx files in "
                                 f"OneDrive/SharePoint", f"{self.source}:{name} 不是 .xlsx 工作簿;同步只支持 .xlsx 文件",
                                 code="not-a-spreadsheet")
        content = self.graph.request("GET", self.base + "/content", allow_redirects=True).content
        path = Path(self._dir) / name
        write_atomic(path, content)  # the downloaded copy, whole, in this run's private folder
        self.local = self.open_file(str(path))
        workbook = self.local.read()
        workbook.source = self.source
        self.workbook = workbook
        return workbook

    def stale(self, plan: Plan) -> bool:
        return self.local.stale(plan)

    def write(self, plan: Plan) -> Written:
        with item_lock(self.drive, self.item):
            done = self.local.write(plan)  # the patched copy, verified by the file backend before we send it
            if not done.changed:
                return Written()
            body = Path(self._dir, Path(self.meta.get("name") or "workbook.xlsx").name).read_bytes()
            answer = self.graph.request(
                "PUT", self.base + "/content", expect=(200, 201, 412, 423), data=body,
                headers={"If-Match": self.meta["eTag"],
                         "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
            if answer.status_code == 412:  # saved by someone since our download: read and plan again
                return Written(again=True)
            if answer.status_code == 423:  # open in Excel: only the managed cells, through the workbook session
                from .cowrite import write_cells
                return write_cells(self, plan)
            self.meta = answer.json()
            return Written(changed=True)
