"""Delivery against a real aiosmtpd server on 127.0.0.1: MIME shape, ledger across reruns, lost connections,
refused recipients, STARTTLS with a verifying context, header injection."""
from __future__ import annotations

import datetime as dt
import ipaddress
import threading
import ssl
from email import message_from_bytes, policy

import pytest
from aiosmtpd.smtp import AuthResult

from support.digest_fixtures import Recorder, campaign_week, free_port, make_report, smtp_server, task
from sheetsync.digest import History, SmtpSettings, build_digests, deliver
from sheetsync.model import Person


def _batch(history, lang="zh", week=42, **kw):
    report = kw.pop("report", None) or campaign_week(lang, week)
    return build_digests(report, history, tracker="tracker.xlsx", today=report.today, **kw)


def _settings(controller, **kw) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=controller.port, tls=kw.pop("tls", "none"),
                        sender="Campaign Bot <bot@example.com>", **kw)


@pytest.fixture
def history(tmp_path):
    with History(tmp_path / ".sheetsync" / "state.db") as h:
        yield h


def test_delivers_every_message_over_one_connection_with_the_mime_tree(history):
    batch = _batch(history)
    with smtp_server() as (controller, rec):
        result = deliver(batch, history, smtp=_settings(controller))
    assert result.connections == 1
    assert result.count("sent") == len(batch.messages) == len(rec.messages) >= 5
    team = [m for _, rcpt, m in rec.messages if rcpt == ["team@example.com"]]
    assert len(team) == 1
    msg = message_from_bytes(team[0].as_bytes(), policy=policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    plain, related = msg.get_payload()
    assert plain.get_content_type() == "text/plain" and "海报设计" in plain.get_content()
    assert related.get_content_type() == "multipart/related"
    html, png = related.get_payload()
    assert html.get_content_type() == "text/html" and png.get_content_type() == "image/png"
    cid = png["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html.get_content()
    assert png.get_content()[:8] == b"\x89PNG\r\n\x1a\n"
    assert msg["Subject"] == "[夏日清凉服务季] 第42周 进度 1/12 · 逾期 0 · 受阻 1 · 待审核超时 1"
    assert msg["Message-ID"] == batch.messages[0].message_id
    ledger = {(r["kind"], r["recipient"]): r["state"] for r in history.ledger("tracker.xlsx", "2026-W42")}
    assert set(ledger.values()) == {"sent"} and len(ledger) == len(batch.messages)


def test_second_run_of_the_same_period_sends_nothing(history):
    with smtp_server() as (controller, rec):
        first = deliver(_batch(history), history, smtp=_settings(controller))
        again = _batch(history)
        second = deliver(again, history, smtp=_settings(controller))
        assert first.count("sent") == len(rec.messages)
        assert len(rec.messages) == len(again.messages)  # nothing new arrived
    assert second.count("skipped-already-sent") == len(again.messages)
    assert second.connections == 0
    assert [m.message_id for m in again.messages] == [o.message_id for o in first.outcomes]


def test_an_outbox_is_a_preview_and_the_send_after_it_delivers_once(history, tmp_path):
    first = deliver(_batch(history), history, outbox=tmp_path / "out")
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert first.count("written") == len(first.outcomes) and len(files) == 2 * len(first.outcomes)
    assert "2026-W42-team-team@example.com.eml" in files
    html = (tmp_path / "out" / "2026-W42-team-team@example.com.html").read_text()
    assert "data:image/png;base64," in html and "cid:" not in html
    assert {r["state"] for r in history.ledger("tracker.xlsx", "2026-W42")} == {"preview"}
    with smtp_server() as (controller, rec):
        second = deliver(_batch(history), history, smtp=_settings(controller))
        assert second.count("sent") == len(second.outcomes) == len(rec.messages)
        third = deliver(_batch(history), history, smtp=_settings(controller))
        assert len(rec.messages) == len(second.outcomes)  # nothing twice
    assert third.count("skipped-already-sent") == len(third.outcomes)
    rows = history.ledger("tracker.xlsx", "2026-W42")
    assert {r["state"] for r in rows} == {"sent"} and all(r["previewed_at"] for r in rows)


class DropAfterData(Recorder):
    """Reads the whole message, then closes the connection without answering the final '.'."""

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, None))
        server.transport.abort()
        return "250 OK"  # written to a closed transport: the client never sees it


def test_connection_lost_after_data_is_uncertain_and_not_resent(history):
    report = campaign_week("en", 42)
    batch = build_digests(report, history, tracker="tracker.xlsx", kinds="team", to=["team@example.com"])
    with smtp_server(DropAfterData()) as (controller, rec):
        result = deliver(batch, history, smtp=_settings(controller, timeout=10))
        assert len(rec.messages) == 1  # the server did receive it
    assert [o.status for o in result.outcomes] == ["uncertain"]
    assert history.ledger_get("tracker.xlsx", "2026-W42", "team@example.com", "team")["state"] == "uncertain"
    with smtp_server() as (controller, rec):
        rerun = deliver(build_digests(report, history, tracker="tracker.xlsx", kinds="team", to=["team@example.com"]),
                        history, smtp=_settings(controller))
        assert rec.messages == [] and [o.status for o in rerun.outcomes] == ["skipped-uncertain"]
        forced = deliver(batch, history, smtp=_settings(controller), force=True)
        assert [o.status for o in forced.outcomes] == ["sent"] and len(rec.messages) == 1
        assert rec.messages[0][2]["Message-ID"] == batch.messages[0].message_id  # same id: receivers can dedupe


class RejectRecipient(Recorder):
    def __init__(self, bad):
        super().__init__()
        self.bad = bad

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.bad:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_refused_recipient_fails_and_is_retried_next_run(history):
    batch = _batch(history)
    with smtp_server(RejectRecipient("li.lei@example.com")) as (controller, rec):
        result = deliver(batch, history, smtp=_settings(controller))
    status = {o.recipient: o.status for o in result.outcomes}
    assert status.pop("li.lei@example.com") == "failed"
    assert set(status.values()) == {"sent"}
    assert result.connections == 1  # the refusal did not cost the connection
    assert "550" in history.ledger_get("tracker.xlsx", "2026-W42", "li.lei@example.com", "personal")["error"]
    with smtp_server() as (controller, rec):
        rerun = deliver(_batch(history), history, smtp=_settings(controller))
    assert [m[1] for m in rec.messages] == [["li.lei@example.com"]]
    assert rerun.count("sent") == 1 and rerun.count("skipped-already-sent") == len(batch.messages) - 1


def test_server_down_fails_everything_then_a_rerun_sends(history):
    batch = _batch(history)
    down = SmtpSettings(host="127.0.0.1", port=free_port(), tls="none", timeout=5)
    result = deliver(batch, history, smtp=down)
    assert result.connections == 0 and result.count("failed") == len(batch.messages) and result.exit_code == 1
    with smtp_server() as (controller, rec):
        rerun = deliver(_batch(history), history, smtp=_settings(controller))
    assert rerun.count("sent") == len(batch.messages) == len(rec.messages)


def _self_signed(tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sheetsync test")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_starttls_verifies_the_server_and_logs_in(history, tmp_path):
    cert, key = _self_signed(tmp_path)
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.login == b"bot" and auth_data.password == b"s3cret-pw")

    batch = _batch(history, kinds="team")
    with smtp_server(tls_context=server_ctx, require_starttls=True, authenticator=authenticator,
                     auth_require_tls=True) as (controller, rec):
        # an unverifiable certificate (no cafile) stops before anything is sent
        refused = deliver(batch, history, smtp=_settings(controller, tls="starttls", user="bot",
                                                          password="s3cret-pw"))
        assert refused.count("failed") == len(batch.messages) and rec.messages == []
        assert "CERTIFICATE_VERIFY_FAILED" in refused.outcomes[0].error
        assert "s3cret-pw" not in refused.outcomes[0].error
        settings = _settings(controller, tls="starttls", user="bot", password="s3cret-pw", cafile=str(cert))
        assert "s3cret-pw" not in repr(settings)
        ok = deliver(_batch(history, kinds="team"), history, smtp=settings)
    assert ok.count("sent") == 2 and len(rec.messages) == 2 and ok.connections == 1
    assert logins == [(b"bot", b"s3cret-pw")]


INJECTIONS = ["x\r\nBcc: evil@example.com", "=?UTF-8?Q?x=0A?=Bcc: evil@example.com"]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_header_injection_from_the_sheet_adds_no_header_or_recipient(history, payload):
    report = make_report("en", dt.date(2026, 10, 12), [
        task(1, payload, payload, "in-progress", dt.date(2026, 10, 14), "due-soon", lang="en"),
        task(2, "<script>alert(1)</script>", "Bob", "in-progress", dt.date(2026, 10, 13), "due-soon", lang="en"),
    ])
    report.campaign.name = "Summer " + payload
    report.people = {payload: Person(payload, "victim@example.com")}
    batch = build_digests(report, history, tracker="hostile.xlsx")
    with smtp_server() as (controller, rec):
        deliver(batch, history, smtp=_settings(controller))
    assert len(rec.messages) == 3  # two team recipients and the person with an address
    for _, rcpt, msg in rec.messages:
        assert "evil@example.com" not in rcpt
        raw = msg.as_bytes()
        head = raw.split(b"\r\n\r\n" if b"\r\n\r\n" in raw else b"\n\n", 1)[0]
        assert b"\nBcc:" not in head.replace(b"\r\n", b"\n") and msg["Bcc"] is None
        parsed = message_from_bytes(raw, policy=policy.default)
        assert "\n" not in str(parsed["Subject"]) and "Bcc" not in [k for k in parsed.keys()]
        html = parsed.get_body(("html",)).get_content()
        assert "<script>alert(1)</script>" not in html
        if rcpt == ["team@example.com"]:
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
            assert "<script>alert(1)</script>" in parsed.get_body(("plain",)).get_content()


def test_bad_addresses_are_reported_not_sent(history):
    report = campaign_week("en", 42)
    report.campaign.recipients = ["team@example.com", "oops at example", "x@y.com\r\nBcc: evil@example.com"]
    batch = build_digests(report, history, tracker="tracker.xlsx")
    recipients = {m.recipient for m in batch.messages}
    assert "team@example.com" in recipients and not any("evil" in r or "oops" in r for r in recipients)
    bad = [w for w in batch.warnings if w.code == "bad-address"]
    assert {w.subject for w in bad} >= {"oops at example", "赵敏"}
    assert any("x@y.com" in w.subject for w in bad)


def test_many_personal_digests_share_one_connection(history):
    report = campaign_week("zh", 42)
    for i in range(30):
        name = f"员工{i}"
        report.people[name] = Person(name, f"p{i}@example.com")
        report.tasks.append(task(100 + i, f"任务 {i}", name, "in-progress", dt.date(2026, 10, 15), "ok"))
    batch = build_digests(report, history, tracker="many.xlsx", kinds="personal")
    with smtp_server() as (controller, rec):
        result = deliver(batch, history, smtp=_settings(controller))
    assert result.connections == 1 and result.count("sent") == len(rec.messages) >= 30


class DropOnceAtMail(Recorder):
    """Hangs up when the second message starts, as a server with a short idle timeout does."""

    def __init__(self):
        super().__init__()
        self.mails = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.mails += 1
        if self.mails == 2:
            server.transport.abort()
            return "421 closing"
        envelope.mail_from = address
        return "250 OK"


def test_connection_lost_before_data_is_retried_at_once_on_a_new_connection(history):
    batch = _batch(history)
    with smtp_server(DropOnceAtMail()) as (controller, rec):
        result = deliver(batch, history, smtp=_settings(controller))
    assert result.count("sent") == len(batch.messages) == len(rec.messages)
    assert result.connections == 2
    assert sorted(r for _, rcpts, _ in rec.messages for r in rcpts) == sorted(m.recipient for m in batch.messages)


def test_implicit_tls(history, tmp_path):
    cert, key = _self_signed(tmp_path)
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    with smtp_server(ssl_context=server_ctx) as (controller, rec):
        result = deliver(_batch(history, kinds="team"), history,
                         smtp=_settings(controller, tls="ssl", cafile=str(cert)))
    assert result.count("sent") == 2 == len(rec.messages) and result.connections == 1


def test_settings_from_env():
    env = {"SHEETSYNC_SMTP_HOST": "mail.example.com", "SHEETSYNC_SMTP_TLS": "ssl", "SHEETSYNC_SMTP_USER": "u",
           "SHEETSYNC_SMTP_PASSWORD": "hunter2", "SHEETSYNC_SMTP_FROM": "Ops <ops@example.com>"}
    s = SmtpSettings.from_env(env)
    assert (s.host, s.port, s.tls, s.user, s.password) == ("mail.example.com", 465, "ssl", "u", "hunter2")
    assert "hunter2" not in repr(s) and "hunter2" not in str(s)
    assert SmtpSettings.from_env({}) is None
    assert SmtpSettings.from_env({"SHEETSYNC_SMTP_HOST": "h", "SHEETSYNC_SMTP_PORT": "2525"}).port == 2525
    with pytest.raises(ValueError):
        SmtpSettings.from_env({"SHEETSYNC_SMTP_HOST": "h", "SHEETSYNC_SMTP_TLS": "tls1.0"})


def test_two_runs_at_once_send_each_message_once(tmp_path):
    # cron starting the job twice: two processes' worth of History connections on one state file
    path = tmp_path / "state.db"
    with History(path) as a, History(path) as b:
        batches = [_batch(a), _batch(b, record=False)]
    results = []
    with smtp_server() as (controller, rec):
        def run(batch):
            with History(path) as h:
                results.append(deliver(batch, h, smtp=_settings(controller)))
        threads = [threading.Thread(target=run, args=(batch,)) for batch in batches]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
    received = sorted(r for _, rcpts, _ in rec.messages for r in rcpts)
    assert received == sorted(m.recipient for m in batches[0].messages)  # each exactly once
    assert sum(r.count("sent") for r in results) == len(received)
    assert {o.status for r in results for o in r.outcomes} <= {"sent", "skipped-already-sent", "skipped-in-progress"}


def test_a_pending_row_left_by_a_crash_is_taken_over_when_stale(history):
    import datetime as _dt
    batch = _batch(history, kinds="team")
    first = batch.messages[0]
    assert history.ledger_claim("tracker.xlsx", "2026-W42", first.recipient, "team", message_id=first.message_id,
                                channel="email") is None  # a run claims it, then dies before DATA
    with smtp_server() as (controller, rec):
        fresh = deliver(batch, history, smtp=_settings(controller))
        assert fresh.outcomes[0].status == "skipped-in-progress" and len(rec.messages) == 1
        history.db.execute("UPDATE ledger SET updated_at = ?", ((_dt.datetime.now() - _dt.timedelta(hours=1))
                                                                 .isoformat(timespec="seconds"),))
        history.db.execute("UPDATE ledger SET state = 'pending' WHERE recipient = ?", (first.recipient,))
        later = deliver(batch, history, smtp=_settings(controller))
    assert later.outcomes[0].status == "sent" and len(rec.messages) == 2
    assert later.outcomes[1].status == "skipped-already-sent"
