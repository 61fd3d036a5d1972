"""Reading the launch notice and the chat posts as people do, for a busy tracker across China's National Day
holiday (32 tasks, 6 owners, a reviewer, deadlines before, inside and after the holiday, the make-up working
Saturday 10-10), in Chinese and English, on all five platforms: no ISO week token, no `T-` token, no finding
code, no doubled word, every date with its weekday; and every number in a chat post equals the list it heads
(hypothesis over generated trackers)."""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from support.tracker_factory import make_tracker
from sheetsync import api
from sheetsync.channels import KINDS, platform
from sheetsync.channels.compose import alert_doc, digest_doc, nightly_doc
from sheetsync.digest import build_digests
from sheetsync.engine.catalogue import CATALOGUE
from sheetsync.notice import build_notice, notice_doc, notice_html, notice_lines

D = dt.date
TODAY = "2026-09-30T10:00"  # Wednesday, the last working day before the holiday
LAUNCH = D(2026, 10, 15)
OWNERS = ("王芳", "李雷", "张伟", "陈静", "赵敏", "周杰")
DEPTS = {"王芳": "运营部", "李雷": "市场部", "张伟": "IT部", "陈静": "门店", "赵敏": "设计部", "周杰": "市场部"}
CHAT = {"王芳": ("13700137000", "wangfang", "ou_wf", "WangFang", "U01WF", "wf@example.com"),
        "李雷": ("13800138000", "lilei", "ou_ll", "LiLei", "U01LL", "ll@example.com"),
        "张伟": ("13900139000", "zhangwei", "ou_zw", "ZhangWei", "U01ZW", "zw@example.com"),
        "陈静": ("", "", "", "", "", ""), "赵敏": ("13600136000", "", "ou_zm", "", "", ""),
        "周杰": ("", "zhoujie", "", "", "U01ZJ", "")}
STATUS = {"zh": ("未开始", "进行中", "待审核", "已完成", "受阻", "进行中"),
          "en": ("Not started", "In progress", "In review", "Done", "Blocked", "In progress")}
DUES = [D(2026, 9, 24), D(2026, 9, 28), D(2026, 9, 29), D(2026, 9, 30), D(2026, 10, 8), D(2026, 10, 9),
        D(2026, 10, 10), D(2026, 10, 12), D(2026, 10, 13), D(2026, 10, 14), D(2026, 10, 15), D(2026, 10, 20)]
WORDS = {"zh": ("海报", "落地页", "短信文案", "门店物料", "小程序", "直播脚本", "社群话术", "投放计划"),
         "en": ("Poster", "Landing page", "SMS copy", "Store kit", "Mini-program", "Live script", "Group posts",
                "Media plan")}


def people_sheet(path: Path, lang: str) -> None:
    wb = openpyxl.load_workbook(path)
    ps = wb.create_sheet("人员" if lang == "zh" else "People")
    ps.append(["姓名", "邮箱", "部门", "手机", "钉钉", "飞书", "企业微信", "Slack", "Teams"] if lang == "zh" else
              ["Name", "Email", "Department", "Mobile", "DingTalk", "Feishu", "WeCom", "Slack", "Teams"])
    for i, name in enumerate(OWNERS):
        ps.append([name, f"p{i}@example.com", DEPTS[name], *CHAT[name]])
    wb.save(path)


def busy_tracker(path: Path, lang: str, n: int = 32, seed: int = 0) -> Path:
    tasks = []
    for i in range(n):
        k = i + seed
        status = STATUS[lang][k % 6]
        owner = OWNERS[k % len(OWNERS)]
        task = {"id": f"T{i + 1}", "task": f"{WORDS[lang][k % 8]} {i + 1}", "owner": owner,
                "department": DEPTS[owner], "deadline": DUES[(k * 5) % len(DUES)], "status": status}
        if status in ("待审核", "In review"):
            task["reviewer"] = "王芳"
            task["submitted"] = dt.datetime(2026, 9, 29, 16, 0)
        tasks.append(task)
    campaign = {"name": "夏日清凉服务季" if lang == "zh" else "Summer Service Week", "launch": LAUNCH,
                "end": D(2026, 10, 31), "owner": "王芳", "recipients": "team@example.com", "calendar": "CN"}
    make_tracker(path, tasks, lang=lang, campaign=campaign)
    people_sheet(path, lang)
    return path


def strings(value) -> list[str]:
    """Every text a person can read in a payload (JSON values, not keys)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() if k not in ("msgtype", "msg_type", "type", "tag", "contentType",
                                                            "$schema", "version", "template", "weight", "size",
                                                            "color", "spacing") for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


ISO_WEEK = re.compile(r"\b\d{4}-W\d{1,2}\b|\bW\d{2}\b")
T_TOKEN = re.compile(r"(?<![A-Za-z])[TE][-+]\d")
ZH_DOUBLE = re.compile(r"([\u4e00-\u9fff]{2,})[\s·,、]*\1")
EN_DOUBLE = re.compile(r"\b([A-Za-z]{2,})\s+\1\b", re.IGNORECASE)
ZH_DATE = re.compile(r"(?<![\d-])(?:\d{4}-)?\d{2}-\d{2}(?![\d-])(?!\uff08周)")
EN_DATE = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}(?:, \d{4})?(?![\d,])"
                     r"(?! \((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun))")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b(?!\uff08周| \((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun))")
URL = re.compile(r"https?://\S+")


def problems(text: str, lang: str) -> list[str]:
    text = URL.sub("", text)
    found = [f"ISO week {m.group(0)!r}" for m in ISO_WEEK.finditer(text)]
    found += [f"time-point token {m.group(0)!r}" for m in T_TOKEN.finditer(text)]
    codes = [c for c in CATALOGUE if "-" in c or lang == "zh"]
    found += [f"finding code {c!r}" for c in codes if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)]
    found += [f"doubled {m.group(0)!r}" for m in (ZH_DOUBLE if lang == "zh" else EN_DOUBLE).finditer(text)]
    found += [f"date without weekday near {text[max(0, m.start() - 10):m.end() + 6]!r}"
              for pattern in ((ZH_DATE,) if lang == "zh" else (EN_DATE, ISO_DATE)) for m in pattern.finditer(text)]
    return found


@pytest.fixture(scope="module", params=("zh", "en"))
def busy(request, tmp_path_factory):
    lang = request.param
    path = busy_tracker(tmp_path_factory.mktemp(lang) / "t.xlsx", lang)
    return lang, api.validate(path, today=TODAY)


def notice_texts(report) -> dict[str, str]:
    n = build_notice(report, report.today)
    subject, lines = notice_lines(n)
    html = re.sub(r"<[^>]+>", " ", notice_html(n))
    out = {"email text": subject + "\n" + "\n".join(lines), "email html": html}
    for kind in KINDS:
        out[f"notice on {kind}"] = "\n".join(s for p in platform(kind).payloads(notice_doc(n, None, kind))
                                             for s in strings(p))
    return out


def nightly_texts(report) -> dict[str, str]:
    errors = [f for f in report.findings if f.severity == "error"]
    late = [t for t in report.tasks if t.health == "late"]
    out = {}
    for kind in KINDS:
        docs = [nightly_doc(report, errors, late, kind)] + [alert_doc(report, a) for a in report.alerts]
        out[f"nightly on {kind}"] = "\n".join(s for d in docs for p in platform(kind).payloads(d) for s in strings(p))
    return out


def test_the_busy_tracker_is_busy_across_the_holiday(busy):
    lang, report = busy
    assert len(report.tasks) == 32 and len({t.owner for t in report.tasks}) == 6
    assert any(t.health == "late" for t in report.tasks) and any(t.status == "blocked" for t in report.tasks)
    assert any(t.due == D(2026, 10, 10) and t.status not in ("done", "cancelled") for t in report.tasks)


def test_the_notice_reads_clean_in_every_form(busy):
    lang, report = busy
    texts = notice_texts(report)
    for where, text in texts.items():
        assert problems(text, lang) == [], where
    email = unicodedata.normalize("NFKC", texts["email text"])  # the needles are typed with ASCII punctuation
    assert ("10-10(周六,调休上班)" if lang == "zh" else "Oct 10 (Sat, make-up workday)") in email
    assert lang == "en" or "10-10\uff08周六\uff0c调休上班\uff09" in texts["email text"]  # Chinese brackets and comma
    late = [t for d in build_notice(report, report.today).departments for t in d.tasks
            if t.due and t.due < report.today]
    marked = email.count("已过,请给出新日期" if lang == "zh" else "please give a new date")
    said = re.search(r"(\d+) 项任务已过截止日期" if lang == "zh" else r"Past their deadline: (\d+) tasks?", email)
    assert late and marked == len(late) and said and int(said.group(1)) == len(late)


def test_the_nightly_post_reads_clean_on_every_platform(busy):
    lang, report = busy
    for where, text in nightly_texts(report).items():
        assert problems(text, lang) == [], where


def test_owners_are_mentioned_on_every_platform_that_has_their_id(busy):
    lang, report = busy
    n = build_notice(report, report.today)
    feishu = json.dumps(platform("feishu").payload(notice_doc(n, None, "feishu")), ensure_ascii=False)
    assert "<at id=ou_ll></at>" in feishu and "<at id=ou_zw></at>" in feishu
    ding = platform("dingtalk").payload(notice_doc(n, None, "dingtalk"))
    assert {"lilei", "zhangwei", "zhoujie"} <= set(ding["at"]["atUserIds"]) and "13600136000" in ding["at"]["atMobiles"]
    slack = json.dumps(platform("slack").payload(notice_doc(n, None, "slack")))
    assert "<@U01LL>" in slack
    wecom = platform("wecom").payload(notice_doc(n, None, "wecom"))["markdown"]["content"]
    assert "<@LiLei>" in wecom
    teams = platform("teams").payload(notice_doc(n, None, "teams"))["attachments"][0]["content"]
    assert {e["mentioned"]["id"] for e in teams["msteams"]["entities"]} >= {"ll@example.com", "zw@example.com"}
    quiet = json.dumps(platform("feishu").payload(notice_doc(n, None, "feishu", mentions=False)))
    assert "<at " not in quiet


def test_a_chat_item_is_one_line_with_the_first_reason_and_a_count_of_the_rest(busy):
    lang, report = busy
    errors = [f for f in report.findings if f.severity == "error"]
    late = [t for t in report.tasks if t.health == "late"]
    doc = nightly_doc(report, errors, late, "wecom")
    doc.sections[1].items[0].notes += ["second reason", "third reason"]
    text = platform("wecom").payload(doc)["markdown"]["content"]
    bullets = [line for line in text.splitlines() if line.startswith("- ")]
    assert bullets and all(len(b) < 200 for b in bullets)
    assert any(b.endswith(" +2") for b in bullets)


def section_counts(text: str, lang: str) -> list[tuple[int, int]]:
    """(the number a heading says, the items listed under it plus "… N more") for markdown posts."""
    head = re.compile(r"^\*\*.*?(?:\((\d+)\)|\uff08(\d+)\uff09)(?: · .*)?\*\*")
    more = re.compile(r"(?:… 另有 (\d+) 项|… (\d+) more)$")
    out, current = [], None
    for line in text.splitlines() + [""]:
        m = head.match(line)
        if m:
            current = [int(m.group(1) or m.group(2)), 0]
            out.append(current)
        elif current is not None and line.startswith("- "):
            current[1] += 1
        elif current is not None and more.search(line):
            mm = more.search(line)
            current[1] += int(mm.group(1) or mm.group(2))
        elif not line.strip():
            current = None
    return [tuple(x) for x in out]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(1, 60), seed=st.integers(0, 50), lang=st.sampled_from(("zh", "en")),
       day=st.dates(D(2026, 9, 20), D(2026, 10, 20)), kind=st.sampled_from(("wecom", "dingtalk", "feishu")))
def test_every_number_in_a_chat_post_equals_the_list_it_heads(tmp_path, n, seed, lang, day, kind):
    path = busy_tracker(tmp_path / f"t{n}-{seed}-{lang}.xlsx", lang, n=n, seed=seed)
    report = api.validate(path, today=day.isoformat())
    errors = [f for f in report.findings if f.severity == "error"]
    late = [t for t in report.tasks if t.health == "late"]
    notice = build_notice(report, report.today)
    team = build_digests(report, None, tracker=str(path), today=report.today, kinds="team", chart=False).team
    docs = [nightly_doc(report, errors, late, kind), notice_doc(notice, None, kind)]
    docs += [digest_doc(team, report, kind)] if team is not None else []
    for doc in docs:
        shown = 0
        for payload in platform(kind).payloads(doc):
            text = payload["markdown"]["content" if kind == "wecom" else "text"] if kind != "feishu" else \
                payload["card"]["elements"][0]["text"]["content"]
            for said, listed in section_counts(text, lang):
                assert said == listed, text
                shown += listed
        assert shown == sum(len(s.items) + s.more for s in doc.sections if s.counted and (s.items or s.more))
    text = unicodedata.normalize("NFKC", "\n".join(notice_lines(notice)[1]))
    said = re.search(r"(\d+) 项任务已过截止日期" if lang == "zh" else r"Past their deadline: (\d+) tasks?", text)
    assert (int(said.group(1)) if said else 0) == len(notice.late())


@pytest.mark.parametrize("kind", KINDS)
def test_a_campaign_name_with_line_breaks_and_angle_brackets_is_one_plain_title(kind):
    from sheetsync.channels.content import ChatDoc, ChatItem, ChatSection
    title = "夏日\r\n<@all> <at id=all></at>\n活动 · 上线通知"
    doc = ChatDoc(lang="zh", title=title, intro=["<!channel>\r\n第二行"],
                  sections=[ChatSection("风险", [ChatItem(text="海报\n<@all>", owner="李雷\r\n")])])
    payload = platform(kind).payload(doc)
    titles = {"wecom": lambda p: p["markdown"]["content"].splitlines()[0],
              "dingtalk": lambda p: p["markdown"]["title"],
              "feishu": lambda p: p["card"]["header"]["title"]["content"],
              "slack": lambda p: p["blocks"][0]["text"]["text"] + p["text"],
              "teams": lambda p: p["attachments"][0]["content"]["body"][0]["text"]}
    shown = titles[kind](payload)
    assert "夏日" in shown and "活动" in shown
    assert not any(ch in shown for ch in "\r\n<>"), shown
    text = json.dumps(payload, ensure_ascii=False)
    for bad in ("<@all>", "<at id=all>", "<!channel>", "\\r"):
        assert bad not in text, (kind, bad)


def test_the_notice_email_escapes_sheet_text_and_keeps_each_date_on_one_line(tmp_path):
    path = busy_tracker(tmp_path / "t.xlsx", "zh", n=4)
    report = api.validate(path, today=TODAY)
    report.tasks[0].task = "<script>alert(1)</script> 海报"
    html = notice_html(build_notice(report, report.today))
    assert "<script>" not in html and "&lt;script&gt;" in html
    html = html[html.index("<body"):]  # what the reader sees (the <title> is the subject)
    text_dates = re.findall(r"\d{2}-\d{2}\uff08[^\uff09]*\uff09", re.sub(r"<[^>]+>", "", html))
    kept = re.findall(r'<span style="white-space:nowrap">(\d{2}-\d{2}\uff08[^\uff09]*\uff09)</span>', html)
    assert text_dates and sorted(kept) == sorted(text_dates)
    assert "<h2" in html and "<ul" in html and "<li" in html and "<p>\u25a0" not in html
