"""A tracker in OneDrive/SharePoint, synced through Microsoft Graph against the local Graph emulator (real HTTP on
127.0.0.1, the sign-in through MSAL): read like the same .xlsx on disk, patched exactly as the local patch of the
same download, a person's save meanwhile never overwritten, a workbook open in Excel written cell by cell through
a workbook session, throttling honoured within the run's deadline."""
from __future__ import annotations

import io
import shutil

import openpyxl
import pytest

from support.onedrive_fixtures import TODAY, graph, item_of, stored, tracker_file  # noqa: F401
from sheetsync import api
from sheetsync.model import SheetsyncError

MANAGED = {"计划截止", "健康度", "提示"}


def book(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def persons_cells(data: bytes) -> dict:
    """Every cell of every sheet but sync's own: the managed columns of the task sheet and the report sheet."""
    wb = book(data)
    out = {}
    for ws in wb.worksheets:
        if ws.title in ("同步报告", "sheetsync"):
            continue
        managed = set()
        for row in ws.iter_rows():
            for c in row:
                if c.value in MANAGED:
                    managed.add(c.column)
        for row in ws.iter_rows():
            for c in row:
                if c.column not in managed and c.value is not None:
                    out[(ws.title, c.coordinate)] = c.value
    return out


def puts(graph, status=None):
    return [s for m, path, s in graph.log if m == "PUT" and (status is None or s == status)]


@pytest.mark.parametrize("name", ["mixed-zh", "english", "no-title-numeric-ids"])
def test_the_same_tracker_on_disk_and_in_onedrive_gives_the_same_findings(tmp_path, graph, name):
    path = tracker_file(tmp_path, name)
    source = stored(graph, path)
    local = api.validate(path, today=TODAY)
    remote = api.validate(source, today=TODAY)
    assert remote.source == source
    assert [(f.code, f.cell, f.message) for f in remote.findings] == [(f.code, f.cell, f.message) for f in local.findings]
    assert [(t.row, t.task, t.owner, t.status) for t in remote.tasks] == [(t.row, t.task, t.owner, t.status) for t in local.tasks]
    assert remote.tasks


def test_the_upload_is_byte_for_byte_the_local_patch_of_the_same_download(tmp_path, graph):
    path = tracker_file(tmp_path)
    source = stored(graph, path)
    download = graph.content(item_of(source))
    result = api.sync(source, today=TODAY, state=tmp_path / "remote.db")
    assert result.changed and result.plan.cells and not result.note
    twin = tmp_path / "twin" / path.name
    twin.parent.mkdir()
    twin.write_bytes(download)
    api.sync(twin, today=TODAY, state=tmp_path / "local.db", backups=0)
    assert graph.content(item_of(source)) == twin.read_bytes()
    assert puts(graph) == [200]


def test_a_second_sync_uploads_nothing(tmp_path, graph):
    source = stored(graph, tracker_file(tmp_path))
    api.sync(source, today=TODAY, state=tmp_path / "s.db")
    version = graph.item(item_of(source)).version
    again = api.sync(source, today=TODAY, state=tmp_path / "s.db")
    assert not again.changed and not again.plan.changed
    assert graph.item(item_of(source)).version == version and puts(graph) == [200]


def test_a_persons_save_between_download_and_upload_is_kept_and_the_run_plans_again(tmp_path, graph):
    source = stored(graph, tracker_file(tmp_path))
    item = item_of(source)

    def person_saves(emu):  # T2 is done now, and a note typed beside the table
        wb = book(emu.content(item))
        ws = wb["任务"]
        ws["L5"] = "已完成"
        ws["A30"] = "张三的备注"
        out = io.BytesIO()
        wb.save(out)
        emu.save(item, out.getvalue())

    graph.inject(match="PUT ", before=person_saves)
    result = api.sync(source, today=TODAY, state=tmp_path / "s.db")
    assert puts(graph) == [412, 200]  # the first upload was refused on the eTag; the second after a fresh read
    ws = book(graph.content(item))["任务"]
    assert ws["L5"].value == "已完成" and ws["A30"].value == "张三的备注"
    health = [c.column for c in ws[3] if c.value == "健康度"][0]
    assert ws.cell(5, health).value == "已完成"  # planned from the person's version, not the first download
    assert result.changed


def test_open_in_excel_writes_only_the_managed_cells_then_a_free_run_writes_rules_and_report(tmp_path, graph):
    source = stored(graph, tracker_file(tmp_path))
    item = item_of(source)
    before = graph.content(item)
    graph.open_in_excel(item)
    first = api.sync(source, today=TODAY, state=tmp_path / "s.db")
    assert first.changed and "Excel" in first.note and "高亮规则" in first.note
    assert puts(graph) == [423]
    assert any(m == "PATCH" for m, _, _ in graph.log) and any(p == "/$batch" for _, p, _ in graph.log)
    during = graph.content(item)
    assert persons_cells(during) == persons_cells(before)  # nothing of the person's touched
    wb = book(during)
    assert wb.sheetnames == book(before).sheetnames  # no report sheet yet
    assert not wb["任务"].conditional_formatting  # rules wait too
    ws = wb["任务"]
    heads = {c.value: c.column for c in ws[3] if c.value in MANAGED}
    assert set(heads) == MANAGED and ws.cell(4, heads["健康度"]).value == "逾期"
    assert ws.cell(4, heads["计划截止"]).number_format == "yyyy-mm-dd"

    graph.open_in_excel(item, False)
    free = api.sync(source, today=TODAY, state=tmp_path / "s.db")
    assert free.changed and not free.plan.cells and free.plan.rules and not free.note
    after = book(graph.content(item))
    assert "同步报告" in after.sheetnames and after["任务"].conditional_formatting
    version = graph.item(item).version
    last = api.sync(source, today=TODAY, state=tmp_path / "s.db")
    assert not last.changed and graph.item(item).version == version


def test_open_in_excel_a_row_inserted_meanwhile_makes_the_run_read_again(tmp_path, graph):
    source = stored(graph, tracker_file(tmp_path))
    item = item_of(source)
    graph.open_in_excel(item)

    def insert_row(emu):  # a co-author inserts a task above the others while sheetsync plans
        wb = book(emu.content(item))
        wb["任务"].insert_rows(4)
        wb["任务"]["A4"], wb["任务"]["C4"], wb["任务"]["D4"], wb["任务"]["L4"] = "T0", "新任务", "张三", "未开始"
        out = io.BytesIO()
        wb.save(out)
        emu.save(item, out.getvalue())

    graph.inject(match="POST /drives", before=insert_row)  # just before the session opens
    api.sync(source, today=TODAY, state=tmp_path / "s.db")
    ws = book(graph.content(item))["任务"]
    heads = {c.value: c.column for c in ws[3] if c.value in MANAGED}
    ids = {ws.cell(r, 1).value: r for r in range(4, 12)}
    assert ws.cell(ids["T0"], heads["健康度"]).value == "正常"
    assert ws.cell(ids["T1"], heads["健康度"]).value == "逾期"  # every value in its own row


def test_a_429_storm_on_the_download_ends_in_success(tmp_path, graph):
    source = stored(graph, tracker_file(tmp_path))
    graph.inject(status=429, retry_after=0, times=2, match="/content")
    result = api.sync(source, today=TODAY, state=tmp_path / "s.db")
    assert result.changed and puts(graph) == [200]
    assert [s for m, p, s in graph.log if p.endswith("/content") and m == "GET"][:3] == [429, 429, 200]


def test_a_503_storm_on_the_upload_fails_cleanly_with_nothing_written(tmp_path, graph):
    source = stored(graph, tracker_file(tmp_path))
    before = graph.content(item_of(source))
    graph.inject(status=503, retry_after=0, times=50, match="PUT ")
    with pytest.raises(SheetsyncError) as err:
        api.sync(source, today=TODAY, state=tmp_path / "s.db")
    assert err.value.code == "graph-unavailable" and "nothing was written" in str(err.value)
    assert graph.content(item_of(source)) == before and set(puts(graph)) == {503}


def test_retry_after_beyond_the_deadline_gives_up_at_once(tmp_path, graph):
    source = stored(graph, tracker_file(tmp_path))
    graph.inject(status=429, retry_after=3600, times=5, match="/content")
    with pytest.raises(SheetsyncError) as err:
        api.validate(source, today=TODAY)
    assert err.value.code == "graph-unavailable"
    assert [s for _, p, s in graph.log if p.endswith("/content")] == [429]  # one try: the wait would pass the deadline


def test_throttled_range_writes_in_a_batch_are_sent_again(tmp_path, graph):
    source = stored(graph, tracker_file(tmp_path))
    item = item_of(source)
    graph.open_in_excel(item)
    graph.inject(status=429, retry_after=0, times=2, match="PATCH ")
    result = api.sync(source, today=TODAY, state=tmp_path / "s.db")
    assert result.changed
    ws = book(graph.content(item))["任务"]
    heads = {c.value: c.column for c in ws[3] if c.value in MANAGED}
    assert set(heads) == MANAGED and ws.cell(4, heads["健康度"]).value == "逾期"


def test_a_sharing_link_is_resolved_through_the_shares_api(tmp_path, graph):
    source = stored(graph, tracker_file(tmp_path))
    link = graph.item(item_of(source)).share_link
    report = api.validate(link, today=TODAY)
    assert report.tasks and any(p.startswith("/shares/u!") for _, p, _ in graph.log)


def test_missing_consent_is_one_line_saying_what_to_grant(tmp_path, graph):
    source = stored(graph, tracker_file(tmp_path))
    graph.consented = False
    with pytest.raises(SheetsyncError) as err:
        api.validate(source, today=TODAY)
    assert "Files.ReadWrite.All" in str(err.value) and "admin consent" in str(err.value)
    assert "管理员同意" in err.value.zh and "\n" not in str(err.value)


def test_change_token_changes_with_the_content(tmp_path, graph):
    from sheetsync.onedrive.backend import OneDriveWorkbook
    source = stored(graph, tracker_file(tmp_path))
    before = OneDriveWorkbook(source, open_file=None).change_token()
    assert before == OneDriveWorkbook(source, open_file=None).change_token()
    api.sync(source, today=TODAY, state=tmp_path / "s.db")
    after = OneDriveWorkbook(source, open_file=None).change_token()
    assert after != before and after.startswith('"c:')
    link = graph.item(item_of(source)).share_link
    sent = len(graph.log)
    assert OneDriveWorkbook(link, open_file=None).change_token() == after and len(graph.log) == sent + 1


def test_open_in_excel_and_the_excel_service_refusing_the_app_writes_nothing_in_one_line(tmp_path, graph):
    source = stored(graph, tracker_file(tmp_path))
    item = item_of(source)
    before = graph.content(item)
    graph.open_in_excel(item)
    graph.workbook_app_only = False
    with pytest.raises(SheetsyncError) as err:
        api.sync(source, today=TODAY, state=tmp_path / "s.db")
    assert err.value.code == "workbook-open" and "nothing was written" in str(err.value) and "\n" not in str(err.value)
    assert graph.content(item) == before


@pytest.mark.parametrize("seed", range(6))
def test_random_throttling_storms_end_right_or_cleanly_and_a_resync_settles(tmp_path, graph, seed):
    import random
    rnd = random.Random(seed)
    source = stored(graph, tracker_file(tmp_path))
    item = item_of(source)
    if rnd.random() < 0.5:
        graph.open_in_excel(item)
    for _ in range(rnd.randint(1, 4)):
        graph.inject(status=rnd.choice([429, 503]), retry_after=0, times=rnd.randint(1, 5),
                     match=rnd.choice(["GET /drives", "/content", "PUT ", "PATCH ", "POST /drives", "$batch"]))
    before = graph.content(item)
    try:
        api.sync(source, today=TODAY, state=tmp_path / "s.db")
    except SheetsyncError as err:
        assert err.code == "graph-unavailable" and "\n" not in str(err)
    graph.faults.clear()
    assert persons_cells(graph.content(item)) == persons_cells(before)  # whatever happened, nothing of theirs changed
    graph.open_in_excel(item, False)
    api.sync(source, today=TODAY, state=tmp_path / "s.db")
    version = graph.item(item).version
    assert not api.sync(source, today=TODAY, state=tmp_path / "s.db").changed
    assert graph.item(item).version == version


def test_a_onedrive_source_is_one_tracker_from_any_folder_and_makes_no_folder(tmp_path, graph, monkeypatch):
    from sheetsync.history import default_state_path, tracker_key
    source = stored(graph, tracker_file(tmp_path))
    monkeypatch.delenv("SHEETSYNC_STATE", raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert tracker_key(source) == source
    assert default_state_path(source) == work / ".sheetsync" / "state.db"
    api.sync(source, today=TODAY)
    assert sorted(p.name for p in work.iterdir()) == [".sheetsync"]
