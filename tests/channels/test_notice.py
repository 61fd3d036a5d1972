"""The launch notice over a sequence of days around launch: sent once at T-3 working days, moved with
a launch moved before it went out, one short correction for a launch moved after; to each department's contact
by email (a real aiosmtpd server) and to a chat channel (a local DingTalk stand-in)."""
from __future__ import annotations

import datetime as dt
import unicodedata
from email import message_from_bytes, policy
from email.header import decode_header, make_header


from support.chat_fixtures import chat_tracker, set_launch
from support.chat_servers import platform_server
from support.digest_fixtures import smtp_server
from sheetsync.digest import SmtpSettings
from sheetsync.api import notice as run_notice
from sheetsync.notice import decide, notice_due
from sheetsync.jobs.config import ChannelConfig as Channel

CONTACTS = {"li@example.com", "zhang@example.com", "chen@example.com"}


def _days(first: dt.date, last: dt.date):
    d = first
    while d <= last:
        yield d
        d += dt.timedelta(days=1)


def _subject(m) -> str:
    return nfkc(str(make_header(decode_header(m["Subject"]))))


def nfkc(text: str) -> str:
    """Chinese text is written with Chinese punctuation; the needles below are typed with ASCII punctuation."""
    return unicodedata.normalize("NFKC", text)


def _run(tracker, state, day, controller, url=None, **kw):
    settings = SmtpSettings(host="127.0.0.1", port=controller.port, tls="none", sender="bot@example.com")
    channels = [Channel("dingtalk", "ops", "HOOK")] if url else ()
    return run_notice(tracker, today=day, state=state, smtp=settings, channels=channels,
                      env={"HOOK": url} if url else None, **kw)


def test_sent_once_at_t_minus_3_working_days_to_every_department_and_the_chat(tmp_path):
    tracker = chat_tracker(tmp_path / "t.xlsx")
    state = tmp_path / "state.db"
    with smtp_server() as (controller, rec), platform_server("dingtalk") as (chat, url):
        sent_on = {}
        for day in _days(dt.date(2026, 10, 14), dt.date(2026, 10, 30)):
            before = len(rec.messages)
            result = _run(tracker, state, day, controller, url)
            assert result.exit_code == 0
            if len(rec.messages) > before:
                sent_on[day] = len(rec.messages) - before
    assert sent_on == {dt.date(2026, 10, 21): 3}  # Wednesday: Fri 23, Thu 22, Wed 21 before Monday 26
    assert {rcpt[0] for _, rcpt, _ in rec.messages} == CONTACTS
    assert len(chat.posts) == 1
    msg = message_from_bytes(rec.messages[0][2].as_bytes(), policy=policy.default)
    text = nfkc(msg.get_body(("plain",)).get_content())
    assert _subject(msg) == "[夏日清凉服务季] 上线通知:10-26(周一)上线"
    for needle in ("10-26(周一)上线", "11-08(周日)结束", "目标:2000 个预约", "王芳(wang@example.com)",
                   "■ IT部 — 对接人 张伟(zhang@example.com)", "预约小程序 · 截止 10-22(周四)",
                   "问:活动期间库存不足怎么办?", "答:联系运营部王芳调拨。", "还有 3 个工作日"):
        assert needle in text, needle
    # 海报设计 was due on Tuesday 10-20: marked late, asked for a new date, and not told to deliver by then
    assert "海报设计 · 截止 10-20(周二)已过,请给出新日期" in text and "1 项任务已过截止日期" in text
    assert "\n其余任务请按上述日期交付" in text and "\n请按上述日期交付" not in text
    posted = nfkc(str(chat.posts[0]))
    # 李雷 @-mentioned by the People sheet's 钉钉 column, in the text and in `at`
    assert "预约小程序" in posted and "常见问题" in posted and "@lilei" in posted
    assert "lilei" in chat.posts[0]["at"]["atUserIds"]


def test_a_launch_moved_before_the_notice_moves_the_notice(tmp_path):
    tracker = chat_tracker(tmp_path / "t.xlsx")
    state = tmp_path / "state.db"
    with smtp_server() as (controller, rec):
        for day in _days(dt.date(2026, 10, 16), dt.date(2026, 10, 20)):
            _run(tracker, state, day, controller)
        set_launch(tracker, dt.date(2026, 10, 29))  # Thursday: the notice moves to Monday 10-26
        sent = {}
        for day in _days(dt.date(2026, 10, 21), dt.date(2026, 10, 28)):
            before = len(rec.messages)
            _run(tracker, state, day, controller)
            if len(rec.messages) > before:
                sent[day] = len(rec.messages) - before
    assert sent == {dt.date(2026, 10, 26): 3}
    assert all("10-29(周四)上线" in _subject(m) for _, _, m in rec.messages)


def test_a_launch_moved_after_the_notice_sends_one_short_correction(tmp_path):
    tracker = chat_tracker(tmp_path / "t.xlsx")
    state = tmp_path / "state.db"
    with smtp_server() as (controller, rec), platform_server("dingtalk") as (chat, url):
        _run(tracker, state, dt.date(2026, 10, 21), controller, url)
        assert len(rec.messages) == 3
        set_launch(tracker, dt.date(2026, 10, 28))
        for day in _days(dt.date(2026, 10, 22), dt.date(2026, 10, 27)):
            _run(tracker, state, day, controller, url)
    corrections = [m for _, _, m in rec.messages[3:]]
    assert len(corrections) == 3 and len(chat.posts) == 2
    msg = message_from_bytes(corrections[0].as_bytes(), policy=policy.default)
    assert _subject(msg) == "[夏日清凉服务季] 更正:上线日期改为 10-28(周三)"
    body = nfkc(msg.get_body(("plain",)).get_content())
    assert "由 10-26(周一)改为 10-28(周三),11-08(周日)结束" in body and len(body) < 200


def test_a_failed_recipient_is_retried_and_nobody_gets_two(tmp_path):
    from aiosmtpd.handlers import Message

    class RefuseOnce(Message):
        def __init__(self):
            super().__init__()
            self.messages, self.refused = [], False

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address == "zhang@example.com" and not self.refused:
                self.refused = True
                return "550 mailbox unavailable"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        def handle_message(self, message):
            self.messages.append((message["X-MailFrom"], [message["X-RcptTo"]], message))

    tracker = chat_tracker(tmp_path / "t.xlsx")
    handler = RefuseOnce()
    with smtp_server(handler) as (controller, rec):
        first = _run(tracker, tmp_path / "s.db", dt.date(2026, 10, 21), controller)
        second = _run(tracker, tmp_path / "s.db", dt.date(2026, 10, 22), controller)
        third = _run(tracker, tmp_path / "s.db", dt.date(2026, 10, 23), controller)
    assert first.exit_code == 1 and [o.status for o in first.outcomes].count("failed") == 1
    assert sorted(o.status for o in second.outcomes) == ["sent", "skipped-already-sent", "skipped-already-sent"]
    assert all(o.status == "skipped-already-sent" for o in third.outcomes)
    assert sorted(r[0] for _, r, _ in rec.messages) == sorted(CONTACTS)


def test_english_notice_and_plural_working_days(tmp_path):
    from sheetsync.notice import build_notice, notice_lines
    from sheetsync import api
    tracker = chat_tracker(tmp_path / "t.xlsx")
    one = api.validate(tracker, today="2026-10-23", lang="en")
    subject, lines = notice_lines(build_notice(one, one.today))
    assert subject == "[夏日清凉服务季] Launch notice: live on Oct 26 (Mon)"
    assert "(in 1 working day)" in "\n".join(lines) and "Common questions" in lines
    three = api.validate(tracker, today="2026-10-21", lang="en")
    assert "(in 3 working days)" in "\n".join(notice_lines(build_notice(three, three.today))[1])
    day = api.validate(tracker, today="2026-10-26", lang="en")
    assert "(today)" in "\n".join(notice_lines(build_notice(day, day.today))[1])


def test_notice_time_point_is_configurable(tmp_path):
    from sheetsync import api
    report = api.validate(chat_tracker(tmp_path / "t.xlsx"), today="2026-10-01")
    assert notice_due(report, "T-3wd") == dt.date(2026, 10, 21)
    assert notice_due(report, "上线前5个工作日") == dt.date(2026, 10, 19)
    assert decide(report, [], dt.date(2026, 10, 20), "T-3wd").action == "wait"
    assert decide(report, [], dt.date(2026, 10, 27), "T-3wd").action == "passed"


def test_cli_notice_preview_then_send_once(tmp_path):
    import os
    import subprocess
    import sys
    tracker = chat_tracker(tmp_path / "t.xlsx")
    with smtp_server() as (controller, rec):
        env = {**os.environ, "SHEETSYNC_SMTP_HOST": "127.0.0.1", "SHEETSYNC_SMTP_PORT": str(controller.port),
               "SHEETSYNC_SMTP_TLS": "none", "SHEETSYNC_STATE": str(tmp_path / "state.db")}

        def cli(*args):
            return subprocess.run([sys.executable, "-m", "sheetsync", "notice", str(tracker), *args], env=env,
                                  capture_output=True, text=True, timeout=120)
        early = cli("--today", "2026-10-19")
        preview = cli("--today", "2026-10-19", "--outbox", str(tmp_path / "out"))
        due = cli("--today", "2026-10-21", "--send")
        again = cli("--today", "2026-10-22", "--send")
    assert early.returncode == 0 and "将于 10-21(周三)发出" in nfkc(early.stdout) and not rec.messages[:0]
    assert "前 3 个工作日" in early.stdout and "T-3wd" not in early.stdout  # the time point in words
    assert preview.returncode == 0 and len(list((tmp_path / "out").glob("*.eml"))) == 3
    assert due.returncode == 0, due.stderr
    assert due.stdout.count("已发送") == 3 and again.stdout.count("已发送过") == 3
    assert len(rec.messages) == 3
