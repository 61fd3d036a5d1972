"""Chat delivery against local stand-ins of WeCom, DingTalk, Feishu, Slack and Teams (tests/support/chat_servers.py):
each platform's body and URL, signatures and their time window, rate limits with retry, splitting, the ledger
across reruns, a connection dropped after the post, and secrets kept out of errors, the ledger and outboxes."""
from __future__ import annotations

import json
import time

import pytest

from support.chat_servers import SECRETS, TOKENS, platform_server
from support.digest_fixtures import campaign_week
from sheetsync.channels import ChatClient, platform
from sheetsync.channels.compose import digest_doc
from sheetsync.channels.content import ChatDoc, ChatItem, ChatSection
from sheetsync.channels.deliver import ChatPost, post_all
from sheetsync.digest import History, build_digests
from sheetsync.jobs.config import ChannelConfig as Channel
from sheetsync.model import Person

KINDS = ("wecom", "dingtalk", "feishu", "slack", "teams")


class FakeTime:
    """Sleep advances the clock: retries and the rate limiter run instantly and can be measured."""

    def __init__(self):
        self.now, self.slept = 1000.0, []

    def clock(self):
        return self.now

    def sleep(self, s):
        self.slept.append(s)
        self.now += s


@pytest.fixture
def history(tmp_path):
    with History(tmp_path / "state.db") as h:
        yield h


def _report(lang="zh"):
    report = campaign_week(lang, 43)
    report.people["张伟"] = Person("张伟", "zhang.wei@example.com", chat_ids={"dingtalk": "zhangwei01",
                                                                          "feishu": "ou_7d8a6e", "wecom": "ZhangWei",
                                                                          "slack": "U024BE7LH", "teams": "zw@example.com"},
                                 mobile="13800138000")
    report.people["陈静"] = Person("陈静", "chen.jing@example.com", mobile="13900139000")
    return report


def _doc(kind, lang="zh"):
    report = _report(lang)
    batch = build_digests(report, None, tracker="t.xlsx", today=report.today, kinds="team", chart=False)
    return digest_doc(batch.team, report, kind, link="https://docs.example.com/sheet/abc")


def _env(kind, url, secret=None):
    env = {f"HOOK_{kind.upper()}": url}
    if secret:
        env[f"SECRET_{kind.upper()}"] = secret
    return env


def _channel(kind, secret=False):
    return Channel(kind, f"{kind}-team", f"HOOK_{kind.upper()}", f"SECRET_{kind.upper()}" if secret else None)


@pytest.mark.parametrize("kind", KINDS)
def test_each_platform_accepts_the_digest_once_and_a_rerun_posts_nothing(kind, history):
    secret = SECRETS.get(kind)
    with platform_server(kind, secret) as (server, url):
        ch = _channel(kind, secret=bool(secret))
        posts = [ChatPost(ch, "2026-W43", "team", _doc(kind))]
        first = post_all(history, "t.xlsx", posts, env=_env(kind, url, secret))
        again = post_all(history, "t.xlsx", posts, env=_env(kind, url, secret))
    assert [o.status for o in first] == ["sent"], first
    assert [o.status for o in again] == ["skipped-already-sent"]
    assert len(server.posts) == 1
    text = json.dumps(server.posts[0], ensure_ascii=False)
    assert "预约小程序开发" in text and "物料印刷" in text  # a risk and a needs-help item
    assert "https://docs.example.com/sheet/abc" in text
    mention = {"wecom": "<@ZhangWei>", "dingtalk": "@zhangwei01", "feishu": "<at id=ou_7d8a6e></at>",
               "slack": "<@U024BE7LH>", "teams": "<at>张伟</at>"}[kind]
    assert mention in text
    row = history.ledger_get("t.xlsx", "2026-W43", f"{kind}-team", "team", channel=f"{kind}:{kind}-team")
    assert row["state"] == "sent"


def test_dingtalk_names_the_mentioned_in_at_and_in_the_text(history):
    with platform_server("dingtalk") as (server, url):
        post_all(history, "t.xlsx", [ChatPost(_channel("dingtalk"), "2026-W43", "team", _doc("dingtalk"))],
                 env=_env("dingtalk", url))
    body = server.posts[0]
    assert body["at"]["atUserIds"] == ["zhangwei01"]
    assert "13900139000" in body["at"]["atMobiles"] and "@13900139000" in body["markdown"]["text"]
    assert body["at"]["isAtAll"] is False


@pytest.mark.parametrize("kind", ("dingtalk", "feishu"))
def test_a_wrong_secret_or_a_clock_two_hours_off_is_refused_and_not_retried(kind, history):
    with platform_server(kind, SECRETS[kind]) as (server, url):
        wrong = ChatClient(platform(kind), "x", url, "not-the-secret", sleep=lambda s: None)
        late = ChatClient(platform(kind), "x", url, SECRETS[kind], wall_clock=lambda: time.time() - 7200,
                          sleep=lambda s: None)
        right = ChatClient(platform(kind), "x", url, SECRETS[kind], wall_clock=lambda: time.time() - 1800)
        payload = platform(kind).payloads(_doc(kind))[0]
        results = [wrong.post(payload), late.post(payload), right.post(payload)]
    assert [r.status for r in results] == ["failed", "failed", "sent"]
    assert results[0].attempts == 1 and ("310000" in results[0].error or "19021" in results[0].error)
    assert len(server.posts) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_a_rate_limit_answer_is_retried_after_a_pause(kind):
    t = FakeTime()
    with platform_server(kind) as (server, url):
        server.script = ["rate", "rate"]
        client = ChatClient(platform(kind), "x", url, sleep=t.sleep)
        result = client.post(platform(kind).payloads(_doc(kind))[0])
    assert result.status == "sent" and result.attempts == 3
    assert len(server.posts) == 1 and len(server.received) == 3
    assert len([s for s in t.slept if s > 0]) >= (2 if kind in ("wecom", "dingtalk", "feishu") else 0)


def test_the_client_side_limiter_keeps_a_dingtalk_robot_under_20_a_minute():
    t = FakeTime()
    from sheetsync.channels.limiter import RateLimiter
    with platform_server("dingtalk") as (server, url):
        server.clock = t.clock
        client = ChatClient(platform("dingtalk"), "x", url, limiter=RateLimiter(20, 60, clock=t.clock, sleep=t.sleep),
                            sleep=t.sleep)
        payload = {"msgtype": "markdown", "markdown": {"title": "t", "text": "x"}, "at": {}}
        results = [client.post(payload) for _ in range(25)]
    assert all(r.status == "sent" for r in results)
    assert len(server.received) == 25  # no 130101 answer: the limiter waited instead
    assert sum(t.slept) == pytest.approx(60.0)


def test_an_error_answer_fails_without_retry_and_the_next_run_retries(history):
    with platform_server("wecom") as (server, url):
        server.script = ["error"]
        post = ChatPost(_channel("wecom"), "2026-W43", "team", _doc("wecom"))
        first = post_all(history, "t.xlsx", [post], env=_env("wecom", url))
        second = post_all(history, "t.xlsx", [post], env=_env("wecom", url))
    assert first[0].status == "failed" and second[0].status == "sent"
    assert len(server.posts) == 1


@pytest.mark.parametrize("kind", ("dingtalk", "slack"))
def test_a_connection_dropped_after_the_post_is_uncertain_and_not_resent_without_force(kind, history):
    with platform_server(kind) as (server, url):
        server.script = ["drop"]
        post = ChatPost(_channel(kind), "2026-W43", "team", _doc(kind))
        env = _env(kind, url)
        first = post_all(history, "t.xlsx", [post], env=env)
        second = post_all(history, "t.xlsx", [post], env=env)
        assert len(server.posts) == 1
        forced = post_all(history, "t.xlsx", [post], env=env, force=True)
    assert first[0].status == "uncertain" and second[0].status == "skipped-uncertain"
    assert forced[0].status == "sent" and len(server.posts) == 2
    row = history.ledger_get("t.xlsx", "2026-W43", f"{kind}-team", "team", channel=f"{kind}:{kind}-team")
    assert row["state"] == "sent"


def test_a_refused_connection_is_failed_not_uncertain(history):
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    post = ChatPost(_channel("slack"), "2026-W43", "team", _doc("slack"))
    out = post_all(history, "t.xlsx", [post], env=_env("slack", f"http://127.0.0.1:{port}/services/{TOKENS['slack']}"))
    assert out[0].status == "failed" and "could not connect" in out[0].error


def _big_doc(lang, n):
    items = [ChatItem(text=f"物料 {i} " + "海报尺寸 1080x1920 终稿" * 3, owner="张伟", due="2026-10-20",
                      notes=["截止 2026-10-16 仍未完成(已逾期 3 个工作日)"]) for i in range(n)]
    return ChatDoc(lang=lang, title="夏日清凉服务季 · 第43周进度", headline=[("逾期", str(n))],
                   sections=[ChatSection("风险", items[: n // 2]), ChatSection("需协助", items[n // 2:])],
                   link="https://docs.example.com/x")


@pytest.mark.parametrize("kind", KINDS)
def test_a_long_digest_is_split_and_every_part_fits_the_platform(kind, history):
    doc = _big_doc("zh", 200)  # ~30 KB of markdown: over every platform's limit
    parts = platform(kind).payloads(doc)
    assert 2 <= len(parts) <= 3
    with platform_server(kind) as (server, url):
        out = post_all(history, "t.xlsx", [ChatPost(_channel(kind), "2026-W43", "team", doc)], env=_env(kind, url))
    assert [o.status for o in out] == ["sent"] * len(parts)
    assert [o.kind for o in out] == ["team"] + [f"team#{i}" for i in range(2, len(parts) + 1)]
    assert len(server.posts) == len(parts)  # every part passed the server's size check


def test_a_digest_far_over_the_limit_is_shortened_with_n_more():
    doc = _big_doc("zh", 600)
    parts = platform("wecom").payloads(doc)
    assert len(parts) == 2  # split between the two sections, each then shortened
    assert all(len(p["markdown"]["content"].encode()) <= 4096 for p in parts)
    text = "\n".join(p["markdown"]["content"] for p in parts)
    shown = text.count("物料 ")
    assert "… 另有" in text and 0 < shown < 600
    en = platform("slack").payloads(_big_doc("en", 600))
    assert "more" in json.dumps(en)


def test_sheet_text_cannot_mention_everyone_or_inject_links():
    doc = ChatDoc(lang="en", title="T", sections=[ChatSection("Risks", [ChatItem(text="<!channel> <@all> [x](http://e.vil)")])])
    slack = json.dumps(platform("slack").payload(doc))
    assert "<!channel>" not in slack and "&lt;!channel&gt;" in slack
    wecom = platform("wecom").payload(doc)["markdown"]["content"]
    assert "<@all>" not in wecom and "[x](http://e.vil)" not in wecom
    feishu = json.dumps(platform("feishu").payload(doc), ensure_ascii=False)
    assert "<at" not in feishu


def test_secrets_stay_out_of_errors_the_ledger_and_outbox_files(history, tmp_path):
    secret = SECRETS["dingtalk"]
    with platform_server("dingtalk", secret) as (server, url):
        server.script = ["error"]
        ch = _channel("dingtalk", secret=True)
        post = ChatPost(ch, "2026-W43", "team", _doc("dingtalk"))
        out = post_all(history, "t.xlsx", [post], env=_env("dingtalk", url, secret))
        preview = post_all(history, "t.xlsx", [ChatPost(ch, "2026-W44", "team", _doc("dingtalk"))],
                           env=_env("dingtalk", url, secret), outbox=tmp_path / "outbox")
    dead = post_all(history, "t.xlsx", [ChatPost(ch, "2026-W45", "team", _doc("dingtalk"))],
                    env=_env("dingtalk", url.replace("127.0.0.1:", "127.0.0.1:1"), secret))
    assert out[0].status == "failed" and preview[0].status == "written"
    texts = [o.error or "" for o in out + dead]
    texts += [json.dumps(history.ledger("t.xlsx"))]
    texts += [p.read_text(encoding="utf-8") for p in (tmp_path / "outbox").iterdir()]
    texts += [(tmp_path / "state.db").read_bytes().decode("latin-1")]
    for text in texts:
        assert TOKENS["dingtalk"] not in text and secret not in text and "access_token" not in text


def test_a_missing_webhook_variable_is_one_clear_failure(history):
    out = post_all(history, "t.xlsx", [ChatPost(_channel("feishu"), "2026-W43", "team", _doc("feishu"))], env={})
    assert out[0].status == "failed" and "HOOK_FEISHU" in out[0].error
    assert history.ledger("t.xlsx") == []


def test_english_digest_in_chat():
    doc = _doc("slack", "en")
    text = json.dumps(platform("slack").payload(doc))
    assert "Booking mini-program" in text and "<@U024BE7LH>" in text and "Full report" in text
