"""Faults from the emulator: 429 storms, 5xx with HTML bodies, slow answers. sheetsync retries reads within its
bounds, re-reads before any second write, and fails cleanly with nothing half-written."""
import datetime as dt
import email.utils
import time

import pytest

import sheetsync.api as api
from support.gsheets_fixtures import SMALL, calls, emu  # noqa: F401
from sheetsync.gsheets.http import RetryPolicy, SheetsUnavailable, backoff, retry_after

D = dt.date
TODAY = "2026-09-21"
FULL = ["GET get", "GET /values:batchGet", "GET get", "POST :batchUpdate"]
ROWS = [["ID", "任务", "负责人", "截止日期", "完成状态"],
        ["T1", "方案", "张三", D(2026, 9, 1), "进行中"],
        ["T2", "海报", "张三", D(2026, 9, 30), "未开始"]]


@pytest.fixture
def key(emu):
    return emu.create_spreadsheet("t", sheets={"任务": ROWS})


def test_429_storm_on_reads_ends_in_success(emu, key):
    emu.inject(status=429, retry_after=0.05, times=3, match="values:batchGet")
    result = api.sync(f"gsheet:{key}", today=TODAY, retry=SMALL)
    assert result.changed
    assert calls(emu) == ["GET get"] + ["GET /values:batchGet"] * 4 + FULL[2:]
    assert [e.status for e in emu.request_log][1:4] == [429, 429, 429]


def test_429_storm_on_the_write_fails_cleanly_with_nothing_written(emu, key):
    emu.inject(status=429, retry_after=0.01, times=50, match="batchUpdate")
    before = emu.values(key, "任务")
    with pytest.raises(SheetsUnavailable) as err:
        api.sync(f"gsheet:{key}", today=TODAY, retry=SMALL)
    assert err.value.code == "sheets-unavailable" and "429" in err.value.en and "429" in err.value.zh
    assert calls(emu) == FULL * SMALL.tries  # every write attempt came after a fresh read
    assert emu.values(key, "任务") == before and emu.conditional_formats(key, "任务") == []
    assert emu.spreadsheet_ids() == [key] and len(emu.store.spreadsheets[key].sheets) == 1  # no report sheet


def test_retry_after_beyond_the_deadline_gives_up_at_once(emu, key):
    emu.inject(status=429, retry_after=3600, times=5, match="GET")
    with pytest.raises(SheetsUnavailable):
        api.validate(f"gsheet:{key}", today=TODAY, retry=SMALL)
    assert len(emu.request_log) == 1


def test_503_with_an_html_body_is_retried(emu, key):
    emu.inject(status=503, html=True, times=2)
    result = api.sync(f"gsheet:{key}", today=TODAY, retry=SMALL)
    assert result.changed and [e.status for e in emu.request_log][:3] == [503, 503, 200]


@pytest.mark.parametrize("status", [500, 502, 504])
def test_other_transient_statuses_are_retried(emu, key, status):
    emu.inject(status=status, times=1, match="GET")
    assert api.validate(f"gsheet:{key}", today=TODAY, retry=SMALL).tasks


def test_a_slow_answer_hits_the_timeout_and_is_retried(emu, key):
    quick = RetryPolicy(tries=3, deadline=20.0, base=0.01, cap=0.1, timeout=(1.0, 0.5))
    emu.inject(delay=2.0, match="values:batchGet")
    report = api.validate(f"gsheet:{key}", today=TODAY, retry=quick)
    assert [t.id for t in report.tasks] == ["T1", "T2"]
    assert calls(emu) == ["GET get", "GET /values:batchGet", "GET /values:batchGet"]


def test_a_timed_out_write_is_followed_by_a_fresh_read_and_the_next_sync_heals(emu, key):
    quick = RetryPolicy(tries=3, deadline=20.0, base=0.01, cap=0.1, timeout=(1.0, 0.5))
    assert api.sync(f"gsheet:{key}", today=TODAY, retry=quick).changed
    emu.request_log.clear()
    emu.inject(delay=1.5, match="batchUpdate")  # applied, but only after the client gave up on it
    result = api.sync(f"gsheet:{key}", today="2026-09-22", retry=quick)
    assert result.changed
    assert calls(emu) == FULL + FULL  # the second write came after a fresh read, never as a blind resend
    first = emu.request_log[3]
    deadline = time.monotonic() + 10
    while first.status == 0 and time.monotonic() < deadline:  # the late write lands
        time.sleep(0.05)
    assert first.status == 200
    # Google can apply a write whose answer timed out; the late batch replaced the rules at the same indices,
    # so there is still one set of sheetsync rules, and the next sync rewrites it
    assert len([r for r in emu.conditional_formats(key, "任务") if "sheetsync" in str(r)]) == len(result.plan.rules)
    again = api.sync(f"gsheet:{key}", today="2026-09-23", retry=quick)
    assert again.changed
    own = [r for r in emu.conditional_formats(key, "任务") if "sheetsync" in str(r)]
    assert len(own) == len(again.plan.rules)


def test_non_retryable_refusal_is_one_clean_error(emu, key):
    emu.inject(status=400, match="batchUpdate", message="Invalid requests[0]")
    from sheetsync.model import SheetsyncError
    with pytest.raises(SheetsyncError) as err:
        api.sync(f"gsheet:{key}", today=TODAY, retry=SMALL)
    assert err.value.code == "sheets-error" and "Invalid requests[0]" in err.value.en
    assert calls(emu) == FULL


def test_retry_after_header_forms():
    class R:
        def __init__(self, v):
            self.headers = {"Retry-After": v} if v is not None else {}

    assert retry_after(R("7")) == 7.0
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= retry_after(R(when)) <= 31
    assert retry_after(R("soon")) is None and retry_after(R(None)) is None and retry_after(None) is None


def test_backoff_is_jittered_bounded_and_never_below_retry_after():
    p = RetryPolicy(base=0.5, cap=4.0)
    waits = [backoff(p, a, None) for a in range(10) for _ in range(50)]
    assert all(0 <= w <= 4.0 for w in waits) and len(set(waits)) > 100
    assert all(backoff(p, a, 9.0) >= 9.0 for a in range(6))


def test_under_the_endpoint_nothing_but_sheets_calls_leave_the_process(emu):
    import gspread
    from sheetsync.model import SheetsyncError
    from sheetsync.gsheets.read import connect
    conn = connect(None, SMALL)
    client = gspread.Client(auth=None, session=conn.client.session)
    with pytest.raises(SheetsyncError) as err:
        client.open("活动任务跟踪表")  # by title goes through Drive: refused, never sent to Google
    assert err.value.code == "endpoint" and "googleapis.com" in err.value.en
    assert emu.request_log == []
