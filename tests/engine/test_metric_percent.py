"""A metric typed as a percentage (a cell formatted 0.0%, as Excel and WPS show a conversion rate) is compared as
the number it is and shown to people as the sheet shows it: 4.8%, never 0.048, in the finding, the digest and the
chat alert; a count stays a plain number; a workbook without a Metrics sheet reads no number formats."""
from __future__ import annotations

import openpyxl
import pytest
from hypothesis import given, strategies as st

from sheetsync import api
from sheetsync.channels.compose import alert_doc
from sheetsync.channels.markdown import markdown
from sheetsync.digest import History, build_digests
from sheetsync.engine.metrics import metric_text
from sheetsync.xlsx.percent_cells import is_percent_code
from sheetsync.xlsx.read import read_xlsx
from support.chat_fixtures import chat_tracker

WEEKS = ("2026-W40", "2026-W41", "2026-W42", "2026-W43")
ROWS = ([("周", "指标", "数值", "基准")]
        + [(w, "转化率", v, 0.05 if i == 0 else None) for i, (w, v) in enumerate(zip(WEEKS, (0.05, 0.052, 0.045, 0.048)))]
        + [(w, "投诉量", v, None) for w, v in zip(WEEKS, (40, 40, 42, 63))])


@pytest.fixture
def tracker(tmp_path):
    path = chat_tracker(tmp_path / "t.xlsx", metrics=ROWS)
    wb = openpyxl.load_workbook(path)
    ws = wb["指标"]
    for row in ws.iter_rows(min_row=2):
        if row[1].value == "转化率":  # the rates and their baseline typed as percentages
            row[2].number_format = "0.0%"
            row[3].number_format = "0%"
    wb.save(path)
    return path


def test_a_percent_formatted_rate_reads_as_a_percentage_everywhere_a_person_reads_it(tracker, tmp_path):
    report = api.validate(tracker, today="2026-10-19")
    alerts = {a.metric: a for a in report.alerts}
    assert set(alerts) == {"转化率", "投诉量"}
    assert alerts["转化率"].value == pytest.approx(0.048)  # the number itself is unchanged
    rate = next(f for f in report.findings if f.code == "metric-alert" and f.params["metric"] == "转化率")
    assert "2026-W42 4.5% → 2026-W43 4.8%" in rate.message and "低于基准值 5%" in rate.message
    count = next(f for f in report.findings if f.code == "metric-alert" and f.params["metric"] == "投诉量")
    assert "2026-W42 42 → 2026-W43 63" in count.message and "%" not in count.params["values"]
    with History(tmp_path / "state.db") as history:
        batch = build_digests(report, history, tracker="t.xlsx", today=report.today)
    text = next(m for m in batch.messages if m.kind == "team").text
    doc = alert_doc(report, alerts["转化率"])
    for shown in (rate.message, text, doc.sections[0].items[0].notes[0]):
        assert "4.8%" in shown and "0.048" not in shown and "0.045" not in shown
    chat = markdown(doc)  # the post shortens a long note: what it keeps reads as the sheet does
    assert "4.5%" in chat and "0.04" not in chat


def test_the_reader_gives_the_percent_cells_of_the_metrics_sheet_only(tracker, tmp_path):
    book = read_xlsx(tracker)
    # the 转化率 rows' value and baseline cells (an empty baseline cell keeps its format: it holds no number)
    assert book.percent_cells == {"指标": {(r, c) for r in range(1, 5) for c in (2, 3)}}
    plain = read_xlsx(chat_tracker(tmp_path / "plain.xlsx"))
    assert plain.percent_cells is None  # no Metrics sheet: styles.xml is not parsed for it


@pytest.mark.parametrize("code,percent", [("0%", True), ("0.0%", True), ("#,##0.00%;[Red]-0.00%", True),
                                          ('0"%"', False), ("0\\%", False), ("0.00", False), ("[<0.5]0", False)])
def test_a_format_code_is_a_percentage_when_it_shows_an_unquoted_percent_sign(code, percent):
    assert is_percent_code(code) is percent


@pytest.mark.parametrize("value,percent,text", [(0.048, True, "4.8%"), (0.05, True, "5%"), (0.0484, True, "4.84%"),
                                                (1.25, True, "125%"), (-1e-7, True, "0%"), (63.0, False, "63"), (0.048, False, "0.048")])
def test_metric_text(value, percent, text):
    assert metric_text(value, percent) == text


@given(st.floats(min_value=-10, max_value=10, allow_nan=False))
def test_a_percentage_reads_back_as_its_value_to_the_hundredth_of_a_percent(x):
    text = metric_text(x, True)
    assert text.endswith("%") and "e" not in text and text != "-0%"
    assert abs(float(text[:-1]) / 100 - x) <= 0.00005 + 1e-12
