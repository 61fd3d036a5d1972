"""Metric rules: each default fires on the week it should and not the week before (zh and en), long
and wide sheets, baselines from the sheet or the config, and a property test against pandas."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from sheetsync.engine.metrics import DEFAULT_RULES, MetricRule, breaching, check_metrics, fires
from sheetsync.model import SheetData, WorkbookData

RULES = {r.name: r for r in DEFAULT_RULES}


def _long(rows, name="指标", head=("周", "指标", "数值", "基准")):
    return WorkbookData("m.xlsx", [SheetData(name, [list(head)] + [list(r) for r in rows])])


def _weeks(metric, values, baseline=None):
    return [(f"2026-W{40 + i}", metric, v, baseline if i == 0 else None) for i, v in enumerate(values)]


def _alerts(rows, lang="zh", rules=()):
    return check_metrics(_long(rows), lang, rules)


CASES = [  # metric, values up to the week it fires, baseline
    ("获客成本", [100, 120, 144, 173], None),  # +20%, +20%, +20.1%: third week running
    ("投诉量", [40, 42, 63], None),  # +50% week over week
    ("转化率", [0.05, 0.052, 0.045, 0.041], 0.05),  # below the baseline two weeks running
]


@pytest.mark.parametrize("metric,values,baseline", CASES)
@pytest.mark.parametrize("lang", ("zh", "en"))
def test_each_default_rule_fires_on_its_week_and_not_the_week_before(metric, values, baseline, lang):
    before, _ = _alerts(_weeks(metric, values[:-1], baseline), lang)
    alerts, findings = _alerts(_weeks(metric, values, baseline), lang)
    assert before == []
    assert len(alerts) == 1 and alerts[0].period == f"2026-W{40 + len(values) - 1}"
    f = [x for x in findings if x.code == "metric-alert"]
    assert len(f) == 1 and f[0].cell == f"C{len(values) + 1}" and f[0].severity == "warning"
    words = {"zh": {"获客成本": "连续 3 周环比上涨 20% 及以上", "投诉量": "环比上涨 50% 及以上",
                    "转化率": "连续 2 周低于基准值 0.05"},
             "en": {"获客成本": "up 20% or more each week, 3 weeks running", "投诉量": "up 50% or more on the previous week",
                    "转化率": "below its baseline 0.05 for 2 weeks running"}}[lang][metric]
    assert words in f[0].message


def test_a_run_that_goes_on_is_one_breach_and_a_new_run_is_another():
    rule = RULES["cac"]
    values = [100, 120, 144, 173, 208, 150, 180, 216, 260]
    assert fires(values, rule) == [3, 8]
    assert breaching(values, rule)[3:5] == [True, True]


def test_english_names_and_a_wide_sheet_with_a_baseline_row():
    rows = [["Week", "CAC", "Complaints", "Conversion rate"], ["Baseline", None, None, "5%"],
            ["W1", 10, 10, "5.1%"], ["W2", 12, 11, "4.9%"], ["W3", 14.4, 12, "4.0%"], ["W4", 17.3, 30, "3.9%"]]
    wb = WorkbookData("m.xlsx", [SheetData("Metrics", rows)])
    alerts, findings = check_metrics(wb, "en")
    assert sorted(a.metric for a in alerts) == ["CAC", "Complaints", "Conversion rate"]
    conv = next(f for f in findings if f.params.get("metric") == "Conversion rate")
    assert conv.cell == "D6" and "baseline 5%" in conv.message  # typed as 5%: shown as typed


def test_a_baseline_rule_without_a_baseline_says_where_to_add_one():
    alerts, findings = _alerts(_weeks("转化率", [0.05, 0.04, 0.03]))
    assert alerts == [] and [f.code for f in findings] == ["metric-no-baseline"]
    assert "基准" in findings[0].message


def test_a_config_rule_replaces_the_default_of_its_kind_and_adds_new_metrics():
    rows = _weeks("获客成本", [100, 110, 121, 133.1]) + _weeks("客单价", [80, 70, 60, 50])
    cfg = [{"metric": "获客成本", "kind": "rise", "percent": 10, "periods": 3},
           {"metric": "客单价", "kind": "fall", "percent": 10, "periods": 2}]
    default_only, _ = _alerts(rows)
    configured, _ = _alerts(rows, rules=cfg)
    assert default_only == []
    assert sorted((a.metric, a.rule) for a in configured) == [("客单价", "fall 10% x2"), ("获客成本", "rise 10% x3")]


def test_a_validated_xlsx_carries_the_alert_on_the_metrics_cell(tmp_path):
    from support.chat_fixtures import chat_tracker
    from sheetsync import api
    rows = [("周", "指标", "数值")] + [(f"2026-W{40 + i}", "获客成本", v) for i, v in enumerate((100, 120, 144, 173))]
    report = api.validate(chat_tracker(tmp_path / "t.xlsx", metrics=rows), today="2026-10-19")
    assert [a.ref for a in report.alerts] == ["指标!C5"]
    assert any(f.code == "metric-alert" and f.ref == "指标!C5" for f in report.findings)
    assert all(t.health != "invalid" for t in report.tasks)  # a Metrics finding never lands on a task row


def _pandas_breaching(values, rule: MetricRule, baseline=None) -> list[bool]:
    s = pd.Series(values, dtype="float64")
    if rule.kind in ("rise", "fall"):
        change = s.pct_change() * 100
        ok = (change >= rule.percent - 1e-9) if rule.kind == "rise" else (-change >= rule.percent - 1e-9)
        ok &= s.shift(1) > 0
    else:
        m = (rule.percent or 0) / 100
        ok = s > baseline * (1 + m) if rule.kind == "above" else s < baseline * (1 - m)
    ok = ok.fillna(False).astype(int)
    return (ok.rolling(rule.periods, min_periods=rule.periods).sum() == rule.periods).tolist()


values = st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda x: round(x, 3)) |
                  st.sampled_from([0.0, 100.0, 120.0, 150.0, 50.0]), min_size=1, max_size=30)
rules = st.builds(MetricRule, st.just("custom"), st.just(("x",)), st.sampled_from(["rise", "fall", "above", "below"]),
                  st.integers(1, 4), st.sampled_from([None, 10.0, 20.0, 50.0]), st.none())


@settings(max_examples=300, deadline=None)
@given(values, rules, st.floats(min_value=0.01, max_value=1e6, allow_nan=False))
def test_the_rules_agree_with_a_direct_pandas_computation(xs, rule, baseline):
    if rule.kind in ("rise", "fall") and rule.percent is None:
        rule = MetricRule(rule.name, rule.aliases, rule.kind, rule.periods, 20.0)
    assert breaching(xs, rule, baseline) == _pandas_breaching(xs, rule, baseline)
    flags = _pandas_breaching(xs, rule, baseline)
    assert fires(xs, rule, baseline) == [i for i, f in enumerate(flags) if f and (i == 0 or not flags[i - 1])]


def test_rules_typed_in_a_rules_sheet_and_a_bad_one_named_by_cell():
    data = _long(_weeks("获客成本", [100, 110, 121]) + _weeks("投诉量", [10, 11, 12]))
    data.sheets.append(SheetData("预警规则", [["指标", "规则", "幅度", "周期数"], ["获客成本", "上涨", "10%", 2],
                                          ["投诉量", "暴涨", 5, 1]]))
    alerts, findings = check_metrics(data, "zh")
    assert [(a.metric, a.rule) for a in alerts] == [("获客成本", "rise 10% x2")]
    bad = [f for f in findings if f.code == "bad-metric-rule"]
    assert len(bad) == 1 and bad[0].ref == "预警规则!B3" and "暴涨" in bad[0].message
    # the config wins over the sheet
    alerts, _ = check_metrics(data, "zh", [{"metric": "获客成本", "kind": "rise", "percent": 50, "periods": 2}])
    assert alerts == []
