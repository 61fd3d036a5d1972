"""sync against the emulator with the real gspread client: same managed columns and report as the Excel plan,
one atomic batchUpdate, four requests at most, nothing rewritten on a second run, user's work left alone."""
import datetime as dt
import threading
import time

import pytest
import requests

import sheetsync.api as api
from support.gsheets_fixtures import batch, calls, emu, load_xlsx, tracker  # noqa: F401
from sheetsync.model import SheetsyncError
from sheetsync.owned import FINDINGS_START, MACHINE_COL
from support.twin_trackers import CAMPAIGN, PEOPLE, TRACKERS
from support.tracker_factory import make_tracker

D = dt.date
TODAY = "2026-09-21"
FULL = ["GET get", "GET /values:batchGet", "GET get", "POST :batchUpdate"]
EPOCH = D(1899, 12, 30)


def many(n):
    return [{"id": f"T{i}", "task": f"任务{i}", "owner": "张三", "status": ("已完成" if i % 3 == 0 else "进行中"),
             "deadline": D(2026, 9, 1) + dt.timedelta(days=i % 60)} for i in range(1, n + 1)]


def as_google(v):
    if isinstance(v, dt.date):
        return (v - EPOCH).days
    return "" if v is None else v


def test_sync_writes_what_the_excel_plan_says(tmp_path, emu):
    path, key = tracker(tmp_path, emu)
    planned = api.sync(path, today=TODAY, dry_run=True).plan  # the Excel sync's plan, nothing written
    result = api.sync(f"gsheet:{key}", today=TODAY)
    assert result.changed and calls(emu) == FULL
    assert result.plan.columns == planned.columns
    assert [(c.row, c.col, c.value) for c in result.plan.cells] == [(c.row, c.col, c.value) for c in planned.cells]
    values = emu.values(key, "任务")
    for c in planned.cells:
        got = values[c.row][c.col] if c.col < len(values[c.row]) else ""
        assert got == as_google(c.value), (c.row, c.col)
    due = emu.cell(key, "任务", "O4")
    assert due["userEnteredFormat"]["numberFormat"] == {"type": "DATE", "pattern": "yyyy-mm-dd"}
    report = emu.values(key, planned.report.title)
    assert report[0] == planned.report.rows[0] and report[2:4] == planned.report.rows[2:4]
    assert report[0][1:MACHINE_COL] == [""] * (MACHINE_COL - 1)  # only the title shows; the fingerprint is in H1
    assert emu._sheet(key, planned.report.title).col_meta[MACHINE_COL].get("hiddenByUser") is True
    finding_rows = planned.report.rows[FINDINGS_START:]
    assert [r[2:] for r in report[FINDINGS_START:]] == [r[2:] for r in finding_rows]
    link = emu.cell(key, planned.report.title, f"B{FINDINGS_START + 1}")["userEnteredValue"]["formulaValue"]
    gid = emu.sheet_properties(key, "任务")["sheetId"]
    assert link.startswith(f'=HYPERLINK("#gid={gid}&range=')
    rules = emu.conditional_formats(key, "任务")
    assert len(rules) == len(planned.rules)


def test_second_sync_sends_no_write(tmp_path, emu):
    _, key = tracker(tmp_path, emu)
    assert api.sync(f"gsheet:{key}", today=TODAY).changed
    emu.request_log.clear()
    again = api.sync(f"gsheet:{key}", today=TODAY)
    assert not again.changed and again.plan.cells == []
    assert calls(emu) == ["GET get", "GET /values:batchGet"]


def test_dry_run_writes_nothing(tmp_path, emu):
    _, key = tracker(tmp_path, emu)
    before = emu.values(key, "任务")
    result = api.sync(f"gsheet:{key}", today=TODAY, dry_run=True)
    assert result.plan.cells and not result.changed
    assert calls(emu) == ["GET get", "GET /values:batchGet"] and emu.values(key, "任务") == before


@pytest.mark.parametrize("n", [10, 1000])
def test_request_budget_whatever_the_size(tmp_path, emu, n):
    path = make_tracker(tmp_path / "big.xlsx", many(n), campaign=CAMPAIGN, people=PEOPLE)
    key = load_xlsx(emu, path)
    result = api.sync(f"gsheet:{key}", today=TODAY)
    assert len(result.report.tasks) == n
    assert calls(emu) == FULL
    values = emu.values(key, "任务")
    health = result.plan.columns["m_health"]
    assert sum(1 for row in values[3:] if row[health] == "已完成") == n // 3


def test_formula_text_typed_by_a_person_stays_text(tmp_path, emu):
    _, key = tracker(tmp_path, emu)
    api.sync(f"gsheet:{key}", today=TODAY)
    cell = emu.cell(key, "任务", "C10")
    assert cell["userEnteredValue"] == {"stringValue": '=IMPORTXML("http://x","//a")'}
    body = str([e.body for e in emu.request_log if e.method == "POST"])
    assert "IMPORTXML" not in body  # sheetsync never sends it back
    formulas = [r for e in emu.request_log if e.method == "POST" for r in str(e.body).split("formulaValue")[1:]]
    assert formulas and all(f.startswith("': '=HYPERLINK(\"#gid=") for f in formulas)


def _user_rules(emu, key, sheet_id):
    batch(emu, key, [
        {"addConditionalFormatRule": {"index": 0, "rule": {
            "ranges": [{"sheetId": sheet_id, "startRowIndex": 3, "endRowIndex": 20, "startColumnIndex": 0, "endColumnIndex": 1}],
            "booleanRule": {"condition": {"type": "TEXT_CONTAINS", "values": [{"userEnteredValue": "T4"}]},
                            "format": {"backgroundColor": {"red": 0, "green": 0, "blue": 1}}}}}},
        {"addConditionalFormatRule": {"index": 1, "rule": {
            "ranges": [{"sheetId": sheet_id, "startRowIndex": 3, "endRowIndex": 20, "startColumnIndex": 3, "endColumnIndex": 4}],
            "booleanRule": {"condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": '=$D4="张三"'}]},
                            "format": {"textFormat": {"italic": True}}}}}},
    ])


def test_users_rules_survive_in_order_across_syncs(tmp_path, emu):
    _, key = tracker(tmp_path, emu)
    sid = emu.sheet_properties(key, "任务")["sheetId"]
    _user_rules(emu, key, sid)
    mine = emu.conditional_formats(key, "任务")
    first = api.sync(f"gsheet:{key}", today=TODAY)
    after1 = emu.conditional_formats(key, "任务")
    assert after1[:2] == mine and len(after1) == 2 + len(first.plan.rules)
    # a person moves a user rule after sheetsync's, then a later day changes health: rules are rewritten
    batch(emu, key, [{"updateConditionalFormatRule": {"sheetId": sid, "index": 0, "newIndex": len(after1) - 1}}])
    moved = emu.conditional_formats(key, "任务")
    second = api.sync(f"gsheet:{key}", today="2026-10-20")
    assert second.changed and not second.plan.unchanged_report
    after2 = emu.conditional_formats(key, "任务")
    assert [r for r in after2 if "sheetsync" not in str(r)] == [moved[0], moved[-1]] == [mine[1], mine[0]]
    assert len(after2) == 2 + len(second.plan.rules)


def test_error_notes_follow_the_findings_and_leave_the_users_notes(tmp_path, emu):
    _, key = tracker(tmp_path, emu)
    sid = emu.sheet_properties(key, "任务")["sheetId"]
    batch(emu, key, [{"updateCells": {"rows": [{"values": [{"note": "person's note"}]}], "fields": "note",
                                      "start": {"sheetId": sid, "rowIndex": 3, "columnIndex": 2}}}])
    first = api.sync(f"gsheet:{key}", today=TODAY)
    noted = {f"{chr(65 + c)}{r + 1}" for r, c in first.plan.notes}
    assert "K6" in noted  # 2026-02-30
    assert "2026-02-30" in emu.cell(key, "任务", "K6")["note"]
    emu.set_values(key, "任务", "K6", [["2026-09-30"]], user_entered=False)
    second = api.sync(f"gsheet:{key}", today=TODAY)
    assert second.changed
    assert not emu.cell(key, "任务", "K6")["note"]
    assert emu.cell(key, "任务", "C4")["note"] == "person's note"
    for r, c in second.plan.notes:
        assert emu.cell(key, "任务", f"{chr(65 + c)}{r + 1}")["note"] == second.plan.notes[(r, c)]


def _health_by_id(emu, key, result):
    values = emu.values(key, "任务")
    idc, hc = result.report.columns["id"], result.plan.columns["m_health"]
    return {row[idc]: row[hc] for row in values[3:] if len(row) > hc and row[idc] != ""}


def test_row_inserted_before_the_recheck_makes_sheetsync_plan_again(tmp_path, emu):
    path, key = tracker(tmp_path, emu, tasks=many(6))
    recheck = f"/v4/spreadsheets/{key}"
    emu.inject(delay=1.5, match=f"GET {recheck}?ranges=")  # hold the re-check while a person inserts a row

    def person():
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if any(e.path == recheck and "ranges" in e.query for e in emu.request_log):
                emu.insert_rows(key, "任务", 5, [["N1", "", "新任务", "张三", "", "", "", "", "", "", "", "已完成"]])
                return
            time.sleep(0.01)

    t = threading.Thread(target=person)
    t.start()
    result = api.sync(f"gsheet:{key}", today=TODAY)
    t.join()
    assert calls(emu) == FULL[:3] + FULL  # the first plan was dropped, not written
    health = _health_by_id(emu, key, result)
    assert health["N1"] == "已完成"
    expected = {t.id: t.health for t in result.report.tasks}
    assert expected["T1"] != "done" and health["T1"] == "逾期" and health["T3"] == "已完成"
    assert len(health) == 7


def test_failed_write_is_retried_only_after_a_fresh_read(tmp_path, emu):
    from support.gsheets_fixtures import SMALL
    _, key = tracker(tmp_path, emu, tasks=many(5))

    def person(e):
        e.insert_rows(key, "任务", 4, [["N1", "", "插入", "张三", "", "", "", "", "", "", "", "已完成"]])

    emu.inject(status=503, before_write=person, match="batchUpdate")
    result = api.sync(f"gsheet:{key}", today=TODAY, retry=SMALL)
    assert calls(emu) == FULL + FULL
    health = _health_by_id(emu, key, result)
    assert health["N1"] == "已完成" and health["T3"] == "已完成" and health["T1"] == "逾期"


def test_narrow_grid_is_widened_in_the_same_batch(emu):
    rows = [["ID", "任务", "负责人", "截止日期", "完成状态"], ["T1", "方案", "张三", D(2026, 9, 1), "进行中"]]
    key = emu.create_spreadsheet("narrow", sheets={"任务": rows}, cols=5)
    result = api.sync(f"gsheet:{key}", today=TODAY)
    posts = [e.body for e in emu.request_log if e.method == "POST"]
    assert len(posts) == 1 and "appendDimension" in str(posts[0]["requests"][0])
    assert emu.sheet_properties(key, "任务")["gridProperties"]["columnCount"] == 8
    assert emu.values(key, "任务")[1][result.plan.columns["m_health"]] == "逾期"


def test_a_persons_sheet_with_the_report_name_is_not_overwritten(emu):
    rows = [["ID", "任务", "负责人", "截止日期", "完成状态"], ["T1", "方案", "张三", D(2026, 9, 1), "进行中"]]
    key = emu.create_spreadsheet("x", sheets={"任务": rows, "同步报告": [["我的笔记"]]})
    with pytest.raises(SheetsyncError) as err:
        api.sync(f"gsheet:{key}", today=TODAY)
    assert err.value.code == "report-sheet-taken"
    assert not any(e.method == "POST" for e in emu.request_log)
    assert emu.values(key, "同步报告") == [["我的笔记"]]


def test_a_sheet_that_keeps_moving_is_left_alone_after_bounded_tries(tmp_path, emu):
    from sheetsync.gsheets.http import RetryPolicy
    _, key = tracker(tmp_path, emu, tasks=many(4))
    recheck = f"/v4/spreadsheets/{key}"
    emu.inject(delay=0.8, times=10, match=f"GET {recheck}?ranges=")
    stop = threading.Event()

    def busy_person():
        seen = 0
        while not stop.is_set():
            n = sum(1 for e in emu.request_log if e.path == recheck and "ranges" in e.query)
            if n > seen:
                seen = n
                emu.insert_rows(key, "任务", 5, [[f"N{n}", "", "新", "张三", "", "", "", "", "", "", "", "未开始"]])
            time.sleep(0.01)

    t = threading.Thread(target=busy_person)
    t.start()
    try:
        with pytest.raises(SheetsyncError) as err:
            api.sync(f"gsheet:{key}", today=TODAY, retry=RetryPolicy(tries=2, deadline=20, base=0.01))
    finally:
        stop.set()
        t.join()
    assert err.value.code == "sheet-busy" and "2" in err.value.en and "2" in err.value.zh
    assert not any(e.method == "POST" for e in emu.request_log)


def test_highlights_a_person_deleted_come_back(tmp_path, emu):
    _, key = tracker(tmp_path, emu)
    first = api.sync(f"gsheet:{key}", today=TODAY)
    sid = emu.sheet_properties(key, "任务")["sheetId"]
    batch(emu, key, [{"deleteConditionalFormatRule": {"sheetId": sid, "index": 0}}])
    emu.request_log.clear()
    again = api.sync(f"gsheet:{key}", today=TODAY)
    assert again.changed and calls(emu) == FULL
    assert len(emu.conditional_formats(key, "任务")) == len(first.plan.rules)
    emu.request_log.clear()
    assert not api.sync(f"gsheet:{key}", today=TODAY).changed and len(emu.request_log) == 2


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_huge_findings_list_is_cut_to_fit_one_request(tmp_path, emu, lang):
    from sheetsync.gsheets.http import RetryPolicy, body_bytes
    tasks = [{"id": f"T{i}", "task": f"任务{i}", "owner": "张三", "status": "进行中" if lang == "zh" else "in progress",
              "deadline": f"2026-02-30 #{i}"} for i in range(1, 301)]  # each its own value: 300 findings
    path = make_tracker(tmp_path / "huge.xlsx", tasks, lang=lang, campaign=CAMPAIGN, people=PEOPLE)
    key = load_xlsx(emu, path)
    full = api.sync(f"gsheet:{key}", today=TODAY, dry_run=True).plan
    listed = len(full.report.rows) - FINDINGS_START
    assert listed >= 300  # an invalid date per row, at least
    emu.request_log.clear()
    limit = 200_000
    result = api.sync(f"gsheet:{key}", today=TODAY, retry=RetryPolicy(max_body=limit))
    posts = [e.body for e in emu.request_log if e.method == "POST"]
    assert result.changed and len(posts) == 1 and len(body_bytes(posts[0])) <= limit
    report = emu.values(key, full.report.title)
    shown = len(report) - FINDINGS_START - 1  # heading rows above, the "more" line below
    assert 0 < shown < listed
    assert [r[3] for r in report[FINDINGS_START:-1]] == [r[3] for r in full.report.rows[FINDINGS_START:FINDINGS_START + shown]]  # the first ones, in order
    more = report[-1][0]
    assert f" {listed - shown} " in more and "sheetsync validate" in more  # says how many are not shown
    assert ("未列出" in more) if lang == "zh" else ("more findings not listed" in more)
    sheet = "任务" if lang == "zh" else "Tasks"
    values = emu.values(key, sheet)
    hc = result.plan.columns["m_health"]
    labels = {row[hc] for row in values[3:] if len(row) > hc and row[0]}
    assert len([row for row in values[3:] if row and row[0]]) == 300
    assert labels == ({"数据有误"} if lang == "zh" else {"Data error"})  # every managed cell was written


def test_changes_too_big_for_one_request_write_nothing(tmp_path, emu):
    from sheetsync.gsheets.http import RetryPolicy
    _, key = tracker(tmp_path, emu, tasks=many(200))
    with pytest.raises(SheetsyncError) as err:
        api.sync(f"gsheet:{key}", today=TODAY, retry=RetryPolicy(max_body=5_000))
    assert err.value.code == "too-large" and "MB" in err.value.en and "MB" in err.value.zh
    assert not any(e.method == "POST" for e in emu.request_log)


def _due_by_id(emu, key, result):
    values = emu.values(key, "任务")
    idc, dc = result.report.columns["id"], result.plan.columns["m_due"]
    return {row[idc]: (row[dc] if len(row) > dc else "") for row in values[3:] if row and row[idc] != ""}


def test_row_inserted_while_the_write_is_in_flight_is_put_right_in_the_same_sync(tmp_path, emu):
    _, key = tracker(tmp_path, emu, tasks=many(6))

    def person(e):  # runs after the re-check answered, just before Google applies the batch
        e.insert_rows(key, "任务", 5, [["N1", "", "新任务", "张三", "", "", "", "", "", "", D(2026, 12, 1), "进行中"]])

    emu.inject(before_write=person, match="batchUpdate")
    result = api.sync(f"gsheet:{key}", today=TODAY)
    # the batch's answer showed the key column had moved: planned again from a fresh read and rewritten
    assert result.changed and calls(emu) == FULL + FULL
    health, due = _health_by_id(emu, key, result), _due_by_id(emu, key, result)
    assert len(health) == 7 and health["N1"] == "正常" and health["T1"] == "逾期" and health["T3"] == "已完成"
    assert due["N1"] == (D(2026, 12, 1) - EPOCH).days
    for t in result.report.tasks:  # every row holds its own task's values
        assert due[t.id] == as_google(t.due) and health[t.id] == {"late": "逾期", "done": "已完成", "ok": "正常",
                                                                   "due-soon": "即将到期"}[t.health], t.id
    emu.request_log.clear()
    assert not api.sync(f"gsheet:{key}", today=TODAY).changed and len(emu.request_log) == 2


def test_rows_moving_at_every_write_end_in_a_clear_error_and_the_next_sync_heals(tmp_path, emu):
    from sheetsync.gsheets.http import RetryPolicy
    _, key = tracker(tmp_path, emu, tasks=many(4))
    n = iter(range(1, 100))

    def person(e):
        e.insert_rows(key, "任务", 4, [[f"N{next(n)}", "", "新", "张三", "", "", "", "", "", "", "", "已完成"]])

    emu.inject(before_write=person, match="batchUpdate", times=10)
    with pytest.raises(SheetsyncError) as err:
        api.sync(f"gsheet:{key}", today=TODAY, retry=RetryPolicy(tries=2, deadline=20, base=0.01))
    assert err.value.code == "sheet-busy" and "wrong rows" in err.value.en and "错位" in err.value.zh
    assert sum(1 for e in emu.request_log if e.method == "POST") == 2
    emu.clear_faults()
    healed = api.sync(f"gsheet:{key}", today=TODAY)
    health = _health_by_id(emu, key, healed)
    assert len(health) == 6 and health["N1"] == health["N2"] == health["T3"] == "已完成"
    assert health["T1"] == "逾期"
