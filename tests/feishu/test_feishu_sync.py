"""Sync against the Feishu emulator: managed cells and sheetsync's own rules written, a second sync only reads,
a person's own conditional formats kept, deleted rules put back, rows inserted mid-sync never leave values in
the wrong rows, rate-limit storms end right or cleanly, and the request budget per sync."""
import datetime as dt
import math

import pytest

import sheetsync.api as api
from sheetsync import registry
from support.feishu_fixtures import calls, feishu, reads, writes  # noqa: F401
from sheets_emulator.feishu.server import RATE_LIMIT
from sheetsync.model import SheetsyncError
from support.twin_trackers import CAMPAIGN, PEOPLE, TODAY, as_serial, build
from support.tracker_factory import make_tracker

PERSON_RULE = {"ranges": [], "rule_type": "containsText", "attrs": [{"operator": "containsText", "text": "urgent"}],
               "style": {"back_color": "#ff0000"}}


def seeded(tmp_path, feishu, name="english"):
    original = build(tmp_path, "factory", name)
    return feishu.seed_xlsx(str(original))


def task_sheet_id(feishu, token, title="Tasks"):
    return feishu.sheet(token, title).sheet_id


def own_rules(feishu, token, title="Tasks"):
    return [cf for cf in feishu.condition_formats(token, title) if cf["rule_type"] == "cellIs"]


def managed_right(feishu, token, result):
    """Every task's Due cell holds its due date, in the task's own row."""
    rows = feishu.values(token, result.report.sheet)
    col = result.plan.columns["m_due"]
    for t in result.report.tasks:
        row = rows[t.row - 1]
        assert (row[col] if col < len(row) else "") == as_serial(t.due), (t.row, t.key)


def test_sync_writes_cells_and_rules_then_a_second_sync_only_reads(tmp_path, feishu):
    token = seeded(tmp_path, feishu)
    first = api.sync(f"feishu:{token}", today=TODAY, state=tmp_path / "s.db")
    assert first.changed and writes(feishu) > 0
    managed_right(feishu, token, first)
    rules = own_rules(feishu, token)
    health = first.plan.columns["m_health"]
    assert len(rules) == 5 and all(r["ranges"][0].split("!")[1].startswith(chr(65 + health)) for r in rules)
    report = feishu.sheet(token, first.plan.report.title)
    assert 7 in report.hidden_cols  # the machine column
    feishu.request_log.clear()
    again = api.sync(f"feishu:{token}", today=TODAY, state=tmp_path / "s.db")
    assert not again.changed and writes(feishu) == 0 and reads(feishu) == 3
    assert own_rules(feishu, token) == rules


def test_a_persons_rules_survive_and_owned_rules_are_never_duplicated(tmp_path, feishu):
    token = seeded(tmp_path, feishu)
    sid = task_sheet_id(feishu, token)
    mine = {**PERSON_RULE, "ranges": [f"{sid}!B2:B40"]}
    # a person's rule in sheetsync's own colour, but over their own column, is theirs too
    lookalike = {"ranges": [f"{sid}!C2:C40"], "rule_type": "cellIs",
                 "attrs": [{"operator": "equal", "formula": ['"x"']}], "style": {"back_color": "#e57373"}}
    ids = {feishu.add_condition_format(token, "Tasks", mine), feishu.add_condition_format(token, "Tasks", lookalike)}
    api.sync(f"feishu:{token}", today=TODAY, state=tmp_path / "s.db")
    later = TODAY + dt.timedelta(days=9)  # health changes: the report and rules are written again
    api.sync(f"feishu:{token}", today=later, state=tmp_path / "s.db")
    have = feishu.condition_formats(token, "Tasks")
    assert ids <= {cf["cf_id"] for cf in have}
    assert len(have) == 2 + 5


def test_a_deleted_owned_rule_is_put_back(tmp_path, feishu):
    token = seeded(tmp_path, feishu)
    api.sync(f"feishu:{token}", today=TODAY, state=tmp_path / "s.db")
    sheet = feishu.sheet(token, "Tasks")
    sheet.cfs.pop(0)
    result = api.sync(f"feishu:{token}", today=TODAY, state=tmp_path / "s.db")
    assert result.changed and len(own_rules(feishu, token)) == 5


def header_index(feishu, token):
    """0-based row of the task table's header in the Feishu copy."""
    return next(i for i, r in enumerate(feishu.values(token, "Tasks")) if "Deadline" in r)


# a person inserts a row just before the values land, or between the re-check and the first write
@pytest.mark.parametrize("before,below", [("values_batch_update", 2), ("sheets_batch_update", 3)])
def test_rows_inserted_mid_sync_never_leave_values_in_the_wrong_row(tmp_path, feishu, before, below):
    token = seeded(tmp_path, feishu)
    head = header_index(feishu, token)
    feishu.inject(match=before, before_write=lambda e: e.insert_rows(token, "Tasks", head + below, [["T-99", "New"]]))
    result = api.sync(f"feishu:{token}", today=TODAY, state=tmp_path / "s.db")
    assert result.changed
    managed_right(feishu, token, result)
    assert any(t.key == "T-99" for t in result.report.tasks)


def test_rate_limit_storm_ends_right(tmp_path, feishu):
    token = seeded(tmp_path, feishu)
    feishu.inject(status=429, code=RATE_LIMIT, reset=0, times=3, match="values_batch")
    feishu.inject(status=400, code=RATE_LIMIT, times=2, match="condition_formats")
    result = api.sync(f"feishu:{token}", today=TODAY, state=tmp_path / "s.db")
    assert result.changed
    managed_right(feishu, token, result)
    assert sum(1 for e in feishu.request_log if e.code == RATE_LIMIT) == 5


def test_endless_rate_limit_ends_cleanly(tmp_path, feishu, monkeypatch):
    token = seeded(tmp_path, feishu)
    monkeypatch.setenv("SHEETSYNC_FEISHU_TRIES", "3")
    feishu.inject(status=429, code=RATE_LIMIT, times=1000, match="values_batch_update")
    with pytest.raises(SheetsyncError) as err:
        api.sync(f"feishu:{token}", today=TODAY, state=tmp_path / "s.db")
    assert err.value.code == "sheets-unavailable"
    assert "Feishu" in str(err.value) and "\n" not in str(err.value)


def test_an_expired_token_is_renewed(tmp_path, feishu):
    token = seeded(tmp_path, feishu)
    backend = registry.open_source(f"feishu:{token}")
    backend.read()
    feishu.tokens.clear()  # every tenant token Feishu gave is now invalid
    assert backend.read().sheet("Tasks") is not None
    assert sum(1 for e in feishu.request_log if e.code == 99991663) == 1


def test_app_not_added_to_the_document_is_one_line_in_both_languages(tmp_path, feishu):
    original = build(tmp_path, "factory", "english")
    from sheets_emulator.seed import read_xlsx
    sheets, merges = read_xlsx(original)
    token = feishu.create_spreadsheet("Plan", sheets, merges, apps=set())
    with pytest.raises(SheetsyncError) as err:
        api.validate(f"feishu:{token}", today=TODAY)
    e = err.value
    assert e.code == "not-shared" and "Add document app" in str(e) and "添加文档应用" in e.zh


def test_a_wrong_secret_is_refused_without_showing_it(tmp_path, feishu, monkeypatch):
    token = seeded(tmp_path, feishu)
    monkeypatch.setenv("SHEETSYNC_FEISHU_APP_SECRET", "not-the-secret-123")
    with pytest.raises(SheetsyncError) as err:
        api.validate(f"feishu:{token}", today=TODAY)
    assert err.value.code == "auth" and "not-the-secret-123" not in str(err.value) + err.value.zh


def test_wiki_and_sheet_links_read_the_same(tmp_path, feishu):
    token = seeded(tmp_path, feishu)
    node = feishu.add_wiki_node(token)
    sid = task_sheet_id(feishu, token)
    plain = api.validate(f"feishu:{token}", today=TODAY)
    for link in (f"https://acme.feishu.cn/wiki/{node}?sheet={sid}", f"https://acme.feishu.cn/sheets/{token}?sheet={sid}",
                 f"https://acme.larksuite.com/sheets/{token}?sheet={sid}", f"feishu:{token}!Tasks"):
        seen = api.validate(link, today=TODAY)
        assert [t.key for t in seen.tasks] == [t.key for t in plain.tasks], link


def test_a_wiki_page_that_is_not_a_sheet_is_refused(tmp_path, feishu):
    token = seeded(tmp_path, feishu)
    node = feishu.add_wiki_node(token, obj_type="docx")
    with pytest.raises(SheetsyncError) as err:
        api.validate(f"https://acme.feishu.cn/wiki/{node}", today=TODAY)
    assert err.value.code == "not-a-spreadsheet"


def big_tracker(path, n):
    start = dt.date(2026, 9, 1)
    tasks = [{"id": f"T{i}", "task": f"Task {i}", "owner": "张三", "status": "进行中" if i % 3 else "未开始",
              "deadline": start + dt.timedelta(days=i % 60)} for i in range(n)]
    return make_tracker(path, tasks, campaign=CAMPAIGN, people=PEOPLE)


@pytest.mark.parametrize("n", [10, 1000, pytest.param(5000, marks=pytest.mark.stress)])
def test_request_budget(tmp_path, feishu, n):
    """A read is at most 2 + 1 per 5,000 rows; a first sync adds the re-check, the report sheet, the values,
    the styles, the rules and the key check; a second sync only reads."""
    token = feishu.seed_xlsx(str(big_tracker(tmp_path / "big.xlsx", n)))
    rows = feishu.sheet(token, "任务").rows
    per_read = 2 + math.ceil(rows / 5000)
    first = api.sync(f"feishu:{token}", today=TODAY, state=tmp_path / "s.db")
    got = calls(feishu)
    assert sum(1 for c in got if c.startswith("GET")) <= per_read + 2  # the read, the re-check, the key check
    value_writes = sum(1 for c in got if c.endswith("values_batch_update"))
    # at most 5,000 rows per request: the managed cells' runs, then the report's rows
    assert value_writes <= math.ceil(len(first.plan.cells) / 5000) + 1
    assert sum(1 for c in got if c.endswith("styles_batch_update")) == 1
    feishu.request_log.clear()
    api.sync(f"feishu:{token}", today=TODAY, state=tmp_path / "s.db")
    assert writes(feishu) == 0 and reads(feishu) <= per_read


def test_rows_that_keep_moving_end_cleanly_and_the_next_sync_puts_them_right(tmp_path, feishu, monkeypatch):
    monkeypatch.setenv("SHEETSYNC_FEISHU_TRIES", "3")
    token = seeded(tmp_path, feishu)
    head = header_index(feishu, token)
    moved = []

    def insert(e):
        moved.append(1)
        e.insert_rows(token, "Tasks", head + 2, [[f"N{len(moved)}", "Inserted"]])

    feishu.inject(match="values_batch_update", times=100, before_write=insert)
    with pytest.raises(SheetsyncError) as err:
        api.sync(f"feishu:{token}", today=TODAY, state=tmp_path / "s.db")
    assert err.value.code == "sheet-busy" and len(moved) == 3
    feishu.faults.clear()
    result = api.sync(f"feishu:{token}", today=TODAY, state=tmp_path / "s.db")
    managed_right(feishu, token, result)
    assert len(own_rules(feishu, token)) == 5


def test_a_tracker_too_large_is_refused_before_anything_is_written(tmp_path, feishu):
    from sheetsync.feishu.write import MAX_WRITES, ROWS_PER_WRITE
    from sheetsync.plan import PlannedCell
    token = seeded(tmp_path, feishu)
    backend = registry.open_source(f"feishu:{token}")
    plan = api.sync(f"feishu:{token}", today=TODAY, state=tmp_path / "s.db", dry_run=True).plan
    backend.read()
    col = plan.columns["m_flags"]
    plan.cells = plan.cells + [PlannedCell(row=100 + r, col=col, value="x", kind="flags")
                               for r in range(MAX_WRITES * ROWS_PER_WRITE + 1)]
    feishu.request_log.clear()
    with pytest.raises(SheetsyncError) as err:
        backend.write(plan)
    assert err.value.code == "too-large" and writes(feishu) == 0


def test_an_option_the_feishu_backend_does_not_know_is_one_line(tmp_path, feishu):
    token = seeded(tmp_path, feishu)
    with pytest.raises(SheetsyncError) as err:
        registry.open_source(f"feishu:{token}", backups=3)
    assert err.value.code == "usage" and "backups" in str(err.value) and "backups" in err.value.zh


def test_change_token_is_one_small_request_and_moves_with_an_edit(tmp_path, feishu):
    token = seeded(tmp_path, feishu)
    backend = registry.open_source(f"feishu:{token}")
    before = backend.change_token()
    assert before and before == backend.change_token()
    assert [c for c in calls(feishu)] == ["GET metainfo", "GET metainfo"]
    feishu.set_values(token, "Tasks", 30, 0, [["a person's edit"]])
    assert backend.change_token() != before


def test_owned_rules_make_room_for_a_persons_never_the_other_way(tmp_path, feishu):
    """Feishu keeps 20 condition formats per sheet: with 17 of a person's, sheetsync keeps 3 of its 5 and a
    second sync still writes nothing."""
    token = seeded(tmp_path, feishu)
    sid = task_sheet_id(feishu, token)
    for i in range(17):
        feishu.add_condition_format(token, "Tasks", {**PERSON_RULE, "ranges": [f"{sid}!B{i + 2}:B{i + 2}"]})
    api.sync(f"feishu:{token}", today=TODAY, state=tmp_path / "s.db")
    assert len(own_rules(feishu, token)) == 3 and len(feishu.condition_formats(token, "Tasks")) == 20
    feishu.request_log.clear()
    again = api.sync(f"feishu:{token}", today=TODAY, state=tmp_path / "s.db")
    assert not again.changed and writes(feishu) == 0


def test_a_token_near_its_end_is_renewed_before_the_request(tmp_path, feishu):
    """Tokens that live less than the renewal margin are renewed before each use: never sent expired."""
    from sheets_emulator.feishu.server import TOKEN_PATH
    from sheetsync.feishu.client import RENEW_BEFORE
    token = seeded(tmp_path, feishu)
    feishu.token_ttl = RENEW_BEFORE - 1
    api.validate(f"feishu:{token}", today=TODAY)
    log = feishu.request_log
    signs = sum(1 for e in log if e.path == TOKEN_PATH)
    assert signs == sum(1 for e in log if e.path != TOKEN_PATH) and all(e.code == 0 for e in log)


def test_a_workbook_of_many_sheets_costs_no_more_requests(tmp_path, feishu):
    """Feishu answers condition formats for at most 10 sheets per request: only the task sheet's are asked."""
    tasks = [{"id": "T1", "task": "海报", "owner": "张三", "status": "进行中", "deadline": dt.date(2026, 9, 18)}]
    path = make_tracker(tmp_path / "many.xlsx", tasks, campaign=CAMPAIGN, people=PEOPLE,
                        extra_sheets=[f"封面{i}" for i in range(11)])
    token = feishu.seed_xlsx(str(path))
    first = api.sync(f"feishu:{token}", today=TODAY, state=tmp_path / "s.db")
    assert first.changed and len(own_rules(feishu, token, "任务")) == 5
    feishu.request_log.clear()
    api.sync(f"feishu:{token}", today=TODAY, state=tmp_path / "s.db")
    assert calls(feishu) == ["GET sheets/query", "GET values_batch_get", "GET condition_formats"]


def test_a_write_that_fails_midway_is_read_again_and_ends_right(tmp_path, feishu):
    """A 503 on the styles after the values landed: maybe applied, maybe not; the pipeline reads again."""
    token = seeded(tmp_path, feishu)
    feishu.inject(status=503, code=0, times=1, match="styles_batch_update")
    result = api.sync(f"feishu:{token}", today=TODAY, state=tmp_path / "s.db")
    assert result.changed
    managed_right(feishu, token, result)
    assert len(own_rules(feishu, token)) == 5
    assert sum(1 for e in feishu.request_log if e.path.endswith("sheets/query")) == 2  # read again
