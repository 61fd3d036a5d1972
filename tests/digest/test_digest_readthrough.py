"""A read-through of everything a person reads about one busy tracker across China's National Day holiday (32
tasks, six owners, a reviewer, a draft submitted before the holiday, a bad date, an owner not in People), in
Chinese and English: the team and personal digests (text and HTML), the report sheet and the console. Checked
as a reader would: no ISO week token, no `T-` token, no finding code outside the report's Code column, no
doubled word, every date with its weekday (and the make-up Saturday said to be one)."""
from __future__ import annotations

import html as htmllib
import re

import openpyxl
import pytest

from support.digest_fixtures import BUSY_CAMPAIGN, BUSY_TODAY, HOLIDAY_PEOPLE, TRACKER_FIELDS, busy_tasks
from sheetsync import api
from sheetsync.dates_text import MONTHS
from sheetsync.engine.catalogue import CATALOGUE
from sheetsync.engine.schema import REPORT_TITLE
from sheetsync.owned import FINDINGS_START, MACHINE_COL
from sheetsync.render import plain_text
from support.tracker_factory import make_tracker

ISO_WEEK = re.compile(r"\b\d{4}-W\d{1,2}\b")
T_MINUS = re.compile(r"(?<![\w-])T-\d")
# a format example (how to write a date) is not a date a person is told about
EXAMPLE = re.compile(r"(请写成|写成|write it as|such as|e\.g\.)[^。;；\n]*")
QUOTED = re.compile(r"'[^'\n]{1,20}'|“[^”\n]{1,20}”")  # what a person typed, quoted back as typed
ZH_DAY = re.compile(r"(?<![\d-])(?:\d{4}-)?\d{1,2}-\d{1,2}(?![\d-])")
EN_DAY = re.compile(r"\b(?:%s) \d{1,2}\b(?:, \d{4})?" % "|".join(MONTHS))
ISO_DAY = re.compile(r"(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-])")
WEEK_SPAN = re.compile(r"第\d+周（\d{2}-\d{2} 至 \d{2}-\d{2}）|week \d+ \((?:%s) \d+ to (?:%s) \d+\)"
                       % ("|".join(MONTHS), "|".join(MONTHS)))


def _visible(html: str) -> str:
    html = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", "\n", html))


def _undated(text: str, lang: str) -> list[str]:
    """Dates in `text` without their weekday right after them."""
    text = WEEK_SPAN.sub(" ", EXAMPLE.sub(" ", QUOTED.sub(" ", text)))
    bad = []
    if lang == "zh":
        for m in ZH_DAY.finditer(text):
            if not text[m.end():].startswith("（周"):
                bad.append(text[max(0, m.start() - 20):m.end() + 10])
    else:
        for m in EN_DAY.finditer(text):
            if not re.match(r" \((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b", text[m.end():]):
                bad.append(text[max(0, m.start() - 20):m.end() + 10])
        bad += [text[max(0, m.start() - 20):m.end() + 10] for m in ISO_DAY.finditer(text)]
    return bad


def _doubled(text: str, lang: str) -> list[str]:
    found = [m.group(0) for m in re.finditer(r"([\u4e00-\u9fff]{2,4})\1", text)]
    found += [m.group(0) for m in re.finditer(r"(?<!\S)(\S{2,}) \1(?!\S)", text)]
    if lang == "en":
        found += [m.group(0) for m in re.finditer(r"\b([A-Za-z]{2,}) \1\b", text, re.I)]
    return found


def _codes(text: str, lang: str) -> list[str]:
    codes = [c for c in CATALOGUE if "-" in c or lang == "zh"]  # in English, `late` is a word as well as a code
    return [c for c in codes if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)]


@pytest.fixture(scope="module", params=["zh", "en"])
def read(request, tmp_path_factory):
    lang = request.param
    tmp = tmp_path_factory.mktemp(f"read-{lang}")
    path = make_tracker(tmp / "tracker.xlsx", busy_tasks(lang), lang=lang, fields=TRACKER_FIELDS,
                        campaign=dict(BUSY_CAMPAIGN, calendar="CN"),
                        people=[(n, e, "") for n, e in HOLIDAY_PEOPLE.items()])
    api.sync(path, today=BUSY_TODAY, state=tmp / "state.db")
    batch, _ = api.digest(path, today=BUSY_TODAY, outbox=tmp / "out", state=tmp / "state.db")
    texts = {}
    for m in batch.messages:
        name = f"{m.kind}:{m.recipient}"
        texts[name + ":text"] = m.text + "\n" + str(m.email["Subject"])
        texts[name + ":html"] = _visible(m.html)
    rows = [list(r) for r in openpyxl.load_workbook(path)[REPORT_TITLE[lang]].iter_rows(values_only=True)]
    code_col = 4  # the findings' Code column: the one place a code belongs
    texts["report"] = "\n".join(" | ".join(str(v) for i, v in enumerate(r) if v is not None and i != MACHINE_COL
                                           and not (n >= FINDINGS_START and i == code_col))
                                for n, r in enumerate(rows))
    report = api.validate(path, today=BUSY_TODAY)
    console = plain_text(report).splitlines()
    # the console's findings table has a Code column too (third of four tab-separated fields)
    texts["console"] = "\n".join("\t".join(p for i, p in enumerate(line.split("\t")) if not (i == 2 and
                                                                                          line.count("\t") == 3))
                                 for line in console)
    return lang, texts, batch, path


def test_no_internal_token_code_or_doubled_word(read):
    lang, texts, _, _ = read
    for name, text in texts.items():
        assert not ISO_WEEK.findall(text), (name, ISO_WEEK.findall(text))
        assert not T_MINUS.findall(text), name
        assert not _codes(text, lang), (name, _codes(text, lang))
        assert not _doubled(text, lang), (name, _doubled(text, lang))


def test_every_date_carries_its_weekday(read):
    lang, texts, _, _ = read
    for name, text in texts.items():
        assert not _undated(text, lang), (name, _undated(text, lang)[:5])
    team = next(v for k, v in texts.items() if k.startswith("team:") and k.endswith(":text"))
    # the make-up working Saturday and the holiday are said to be so
    assert ("10-10（周六，调休上班）" if lang == "zh" else "Oct 10 (Sat, make-up workday)") in team


def test_what_the_busy_tracker_tells_its_people(read):
    lang, texts, batch, _ = read
    team = next(m for m in batch.messages if m.kind == "team")
    zh = lang == "zh"
    # the status at the top: the launch with its weekday, the forecast, the goal, a link to the tracker
    assert team.content.status[0].startswith("上线 10-15（周四），预计" if zh else "Launch Oct 15 (Thu), forecast")
    assert ("目标：2000 预约" if zh else "Goal: 2000 预约") in team.content.status
    assert team.content.link and team.content.link.endswith("tracker.xlsx") and team.content.link in team.text
    # the blocked reason is the owner's words; "fill in the notes" only where they are empty
    assert ("受阻原因：等待支付机构审批" if zh else "Blocked: waiting for the payment provider's approval") in team.text
    # the draft submitted before the holiday has waited 16 working hours, not the 184 of the wall clock
    assert ("16 小时" if zh else "16 hours") in team.text and "184" not in team.text
    # 老周 is not in People: his two tasks and the one with no owner reach nobody, and the command says so
    assert len(batch.unreached) == 3
    line = next(w.message for w in batch.warnings if w.code == "unreached")
    assert line.startswith("无人接收：3 项任务（" if zh else "Reaches nobody: 3 tasks (")
    # the next five working days run 10-08 to 10-13 across the make-up Saturday: 李四's seven posts due on
    # 10-13 are his, counted in his headline, and his busy week is said
    personal = {m.content.recipient_name: m.content for m in batch.messages if m.kind == "personal"}
    li = personal["李四"]
    coming = next(s for s in li.sections if s.name == "coming")
    assert ("10-13（周二）" if zh else "Oct 13 (Tue)") in coming.title and len(coming.items) >= 7
    assert li.count("due-soon") >= 7 and any(s.name == "busy" for s in li.sections)
    # the bad date reaches its owner, with what is wrong with it, not as "no date"
    zhang = personal["张三"]
    fix = next(s for s in zhang.sections if s.name == "fix")
    assert [i.key for i in fix.items] == ["T8"] and fix.items[0].due == ("日期有误" if zh else "date unreadable")


def test_the_report_sheet_reads_like_a_summary(read):
    lang, _, batch, path = read
    ws = openpyxl.load_workbook(path)[REPORT_TITLE[lang]]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    # each label in the cell left of its number, nothing a person needs in the hidden machine column
    pairs = {rows[r][c]: rows[r][c + 1] for r in range(2, FINDINGS_START - 2) for c in (0, 2) if rows[r][c]}
    assert pairs["任务数" if lang == "zh" else "Tasks"] == 31 and all(isinstance(v, int) for v in pairs.values())
    # the same tasks the digest's progress counts (the cancelled one apart, and said so)
    assert batch.team.progress[1] == 31 and pairs["已取消（不计入）" if lang == "zh" else "Cancelled (not counted)"] == 1
    letter = openpyxl.utils.get_column_letter(MACHINE_COL + 1)
    assert ws.column_dimensions[letter].hidden
    assert all(r[MACHINE_COL] in (None, "") for r in rows[1:])
    # a styled header for the findings, and rows as tall as their wrapped messages
    head = ws.cell(FINDINGS_START, 1)
    assert head.value == ("严重程度" if lang == "zh" else "Severity") and head.font.b
    assert head.fill.fgColor.rgb.endswith("DDEBF7")
    long = max(range(FINDINGS_START + 1, ws.max_row + 1), key=lambda r: len(str(ws.cell(r, 6).value or "")))
    assert ws.cell(long, 6).alignment.wrap_text and (ws.row_dimensions[long].height or 15) > 15
    # a late task's schedule no longer fitting is not repeated beside its lateness
    late = {r[2] for r in rows[FINDINGS_START:] if len(r) > 4 and r[4] == "late"}
    assert not [r for r in rows[FINDINGS_START:] if len(r) > 4 and r[4] == "schedule-risk" and r[2] in late]
