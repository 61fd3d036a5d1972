"""Metric alerts: an optional Metrics / 指标 sheet, one row per period and metric (long form) or one
column per metric (wide form), checked against rules — a rise or fall of X% each period for N periods running,
or a value above or below a baseline for N periods. Pure: values in, MetricAlerts and findings out.

A value typed as a percentage (a cell in a percent format, or the text 4.8%) is compared as the number it is
(0.048) and shown to people as 4.8%.

A rule is in breach at period i when its condition holds on the N periods ending at i; it FIRES at the first
such period of a run (a run that goes on is the same breach, so the chat hears of it once). The seed's three
rules are defaults for the metrics they name; a rule for the same metric and kind in sheetsync.toml, or in an
optional 预警规则 / Metric rules sheet, replaces it (the config wins over the sheet). A rise from a value of 0 or less is not a percentage and never counts."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import METRIC_SHEETS, Finding, MetricAlert, SheetData, WorkbookData, a1
from . import catalogue
from .campaign import header_map, find_sheet
from .values import clean_text, is_blank, normalise_header, parse_number

_PERIOD = {"week": ("周", "周次", "周别", "week", "week of", "iso week"),
           "day": ("日期", "日", "date", "day"),
           "period": ("期间", "时间", "period")}
_METRIC = ("指标", "指标名称", "指标名", "metric", "kpi")
_VALUE = ("数值", "值", "数据", "value", "amount")
_BASELINE = ("基准", "基准值", "baseline", "benchmark")
_BASELINE_ROW = ("基准", "基准值", "baseline", "benchmark")
RULE_SHEETS = ("预警规则", "指标规则", "Metric rules", "Alert rules")
RULE_COLUMNS = {"metric": ("指标", "指标名称", "metric"), "kind": ("规则", "类型", "rule", "kind"),
                "percent": ("幅度", "百分比", "幅度%", "percent", "%"), "periods": ("周期数", "连续期数", "连续周数", "periods", "n"),
                "baseline": ("基准", "基准值", "baseline")}
_KIND_WORDS = {"rise": ("上涨", "上升", "增长", "rise", "up"), "fall": ("下降", "下跌", "减少", "fall", "down"),
               "above": ("高于", "超过", "above"), "below": ("低于", "below")}
EPS = 1e-9  # a rise of exactly 20% must count although 1.2 * x is not exact in binary


@dataclass(frozen=True)
class MetricRule:
    name: str  # cac | complaints | conversion | custom
    aliases: tuple[str, ...]
    kind: str  # rise | fall | above | below
    periods: int = 1
    percent: float | None = None
    baseline: float | None = None

    @property
    def label(self) -> str:
        what = f"{self.kind} {self.percent:g}%" if self.percent is not None else self.kind
        return f"{what} x{self.periods}"


DEFAULT_RULES = (
    MetricRule("cac", ("获客成本", "客户获取成本", "获客单价", "cac", "customer acquisition cost", "acquisition cost"),
               "rise", 3, 20.0),
    MetricRule("complaints", ("投诉量", "投诉", "用户投诉量", "投诉数", "complaints", "complaint count"), "rise", 1, 50.0),
    MetricRule("conversion", ("转化率", "活动转化率", "conversion", "conversion rate"), "below", 2),
)
_ACTION = {  # what the team does about each breach, as the alert says it
    "cac": ("start a joint attribution analysis by planning and operations", "立即启动策划与运营的联合归因分析"),
    "complaints": ("refine the campaign messaging and step up customer-service training",
                   "策划端优化传播话术,运营端加强客服培训"),
    "conversion": ("adjust the mix of paid channels", "调整投放渠道组合"),
    "custom": ("check what changed and who acts on it", "请核查原因并安排跟进"),
}
_UNIT = {"week": ("week", "weeks", "周"), "day": ("day", "days", "天"), "period": ("period", "periods", "期")}


@dataclass
class Point:
    period: str
    value: float
    row: int  # 0-based
    col: int
    percent: bool = False  # typed or formatted as a percentage: shown as 4.8%, compared as 0.048


@dataclass
class Series:
    metric: str
    points: list[Point]
    baseline: float | None = None

    @property
    def percent(self) -> bool:
        """Every value is a percentage: its baseline is one too."""
        return bool(self.points) and all(p.percent for p in self.points)


def condition(values: list[float], i: int, rule: MetricRule, baseline: float | None) -> bool:
    """Whether period i alone meets the rule's condition (before counting N in a row)."""
    x = values[i]
    if rule.kind in ("rise", "fall"):
        if i == 0 or values[i - 1] <= 0:
            return False
        change = (x / values[i - 1] - 1) * 100  # the same arithmetic as pandas' pct_change
        return change >= rule.percent - EPS if rule.kind == "rise" else -change >= rule.percent - EPS
    if baseline is None:
        return False
    margin = (rule.percent or 0.0) / 100
    return x > baseline * (1 + margin) if rule.kind == "above" else x < baseline * (1 - margin)


def breaching(values: list[float], rule: MetricRule, baseline: float | None = None) -> list[bool]:
    """For each period: the condition held on the `periods` periods ending here."""
    run, out = 0, []
    for i in range(len(values)):
        run = run + 1 if condition(values, i, rule, baseline) else 0
        out.append(run >= rule.periods)
    return out


def fires(values: list[float], rule: MetricRule, baseline: float | None = None) -> list[int]:
    """The periods at which a breach begins (in breach here, not at the period before)."""
    flags = breaching(values, rule, baseline)
    return [i for i, f in enumerate(flags) if f and (i == 0 or not flags[i - 1])]


def _number(v) -> float | None:
    if isinstance(v, bool) or is_blank(v):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    text = str(v).strip().replace("％", "%")
    if text.endswith("%"):
        n = parse_number(text[:-1])
        return None if n is None else n / 100
    return parse_number(text)


def _is_percent(v, cell: tuple[int, int], percent_cells: set[tuple[int, int]]) -> bool:
    """A number in a percent-formatted cell, or a text ending in a % sign."""
    if isinstance(v, str):
        return v.strip().endswith(("%", "％"))
    return isinstance(v, (int, float)) and not isinstance(v, bool) and cell in percent_cells


def metric_text(value: float, percent: bool = False) -> str:
    """A metric value as a person reads it: 0.048 in a percent cell is 4.8% (up to two decimals, no trailing
    zeros, so two different rates never read alike at the sheet's usual precision); any other value as typed."""
    if percent:
        return f"{round(value * 100, 2) + 0.0:g}%"  # + 0.0: a tiny negative rounds to 0%, not -0%
    return f"{value:g}"


def _matches(header: str, names) -> bool:
    return normalise_header(header) in {normalise_header(n) for n in names}


def _find_header(sheet: SheetData) -> tuple[int, int, str] | None:
    """(header row, period column, unit) from the first rows."""
    for r in range(min(10, len(sheet.rows))):
        for c, v in enumerate(sheet.rows[r]):
            if isinstance(v, str):
                for unit, names in _PERIOD.items():
                    if _matches(v, names):
                        return r, c, unit
    return None


def read_series(sheet: SheetData, percent_cells: set[tuple[int, int]] = frozenset()) -> tuple[list[Series], str] | None:
    """The sheet's series; `percent_cells` are the (row, col) a reader saw formatted as a percentage."""
    found = _find_header(sheet)
    if found is None:
        return None
    hr, pc, unit = found
    head = {c: clean_text(v) for c, v in enumerate(sheet.rows[hr]) if clean_text(v)}
    metric_c = next((c for c, h in head.items() if _matches(h, _METRIC)), None)
    value_c = next((c for c, h in head.items() if _matches(h, _VALUE)), None)
    base_c = next((c for c, h in head.items() if _matches(h, _BASELINE)), None)
    series: dict[str, Series] = {}
    if metric_c is not None and value_c is not None:  # long form
        for r in range(hr + 1, len(sheet.rows)):
            name, period = clean_text(sheet.value(r, metric_c)), clean_text(sheet.value(r, pc))
            if not name:
                continue
            s = series.setdefault(name, Series(name, []))
            base = _number(sheet.value(r, base_c)) if base_c is not None else None
            if base is not None:
                s.baseline = base
            raw = sheet.value(r, value_c)
            value = _number(raw)
            if period and value is not None:
                s.points.append(Point(period, value, r, value_c, _is_percent(raw, (r, value_c), percent_cells)))
    else:  # wide form: every other headed column is a metric; a 基准 row gives baselines
        cols = {c: h for c, h in head.items() if c != pc}
        for c, h in cols.items():
            series[h] = Series(h, [])
        for r in range(hr + 1, len(sheet.rows)):
            period = clean_text(sheet.value(r, pc))
            if not period:
                continue
            is_base = _matches(period, _BASELINE_ROW)
            for c, h in cols.items():
                raw = sheet.value(r, c)
                value = _number(raw)
                if value is None:
                    continue
                if is_base:
                    series[h].baseline = value
                else:
                    series[h].points.append(Point(period, value, r, c, _is_percent(raw, (r, c), percent_cells)))
    return [s for s in series.values() if s.points], unit


def rules_for(metric: str, configured: list[MetricRule]) -> list[MetricRule]:
    """Configured rules naming this metric, plus the defaults for it that no configured rule of the same kind
    replaces."""
    own = [r for r in configured if _matches(metric, r.aliases)]
    defaults = [r for r in DEFAULT_RULES if _matches(metric, r.aliases) and all(o.kind != r.kind for o in own)]
    return own + defaults


def config_rules(raw) -> list[MetricRule]:
    """Rules from sheetsync.toml (dicts with metric, kind, periods, percent, baseline)."""
    out = []
    for r in raw or ():
        get = r.get if isinstance(r, dict) else (lambda k, d=None, r=r: getattr(r, k, d))
        name = next((d.name for d in DEFAULT_RULES if _matches(get("metric"), d.aliases)), "custom")
        out.append(MetricRule(name, (get("metric"),), get("kind"), int(get("periods", 1) or 1), get("percent"),
                              get("baseline")))
    return out


def sheet_rules(workbook: WorkbookData, lang: str) -> tuple[list[MetricRule], list[Finding]]:
    """Rules typed into an optional 预警规则 / Metric rules sheet (指标, 规则 上涨/下降/高于/低于, 幅度, 周期数, 基准)."""
    sheet = find_sheet(workbook, RULE_SHEETS)
    if sheet is None:
        return [], []
    layout = header_map(sheet, RULE_COLUMNS)
    if layout is None or "metric" not in layout[1] or "kind" not in layout[1]:
        return [], []
    header, cols = layout
    kinds = {normalise_header(w): k for k, words in _KIND_WORDS.items() for w in words}
    rules, findings = [], []
    for r in range(header + 1, len(sheet.rows)):
        metric = clean_text(sheet.value(r, cols["metric"]))
        if not metric:
            continue
        raw_kind = clean_text(sheet.value(r, cols["kind"])) or ""
        kind = kinds.get(normalise_header(raw_kind))
        percent = _number(sheet.value(r, cols["percent"])) if "percent" in cols else None
        if percent is not None and 0 < percent < 1 and "%" in str(sheet.value(r, cols["percent"])):
            percent *= 100  # "20%" reads as 0.2
        periods = _number(sheet.value(r, cols["periods"])) if "periods" in cols else 1
        baseline = _number(sheet.value(r, cols["baseline"])) if "baseline" in cols else None
        if kind is None or (kind in ("rise", "fall") and not percent) or not periods or periods < 1:
            findings.append(catalogue.make("bad-metric-rule", lang, sheet=sheet.name, cell=a1(r, cols["kind"]),
                                           row=r + 1, metric=metric, value=raw_kind))
            continue
        name = next((d.name for d in DEFAULT_RULES if _matches(metric, d.aliases)), "custom")
        rules.append(MetricRule(name, (metric,), kind, int(periods), percent, baseline))
    return rules, findings


def _rule_text(rule: MetricRule, unit: str, baseline: float | None, percent: bool = False) -> tuple[str, str]:
    one, many, zh = _UNIT[unit]
    n, p = rule.periods, f"{rule.percent:g}%" if rule.percent is not None else ""
    b = metric_text(baseline, percent) if baseline is not None else "?"
    if rule.kind in ("rise", "fall"):
        verb_en, verb_zh = ("up", "上涨") if rule.kind == "rise" else ("down", "下降")
        if n == 1:
            return f"{verb_en} {p} or more on the previous {one}", f"环比{verb_zh} {p} 及以上"
        return (f"{verb_en} {p} or more each {one}, {n} {many} running",
                f"连续 {n} {zh}环比{verb_zh} {p} 及以上")
    side_en, side_zh = ("above", "高于") if rule.kind == "above" else ("below", "低于")
    extra_en = f" by more than {p}" if p else ""
    extra_zh = f"超过 {p}" if p else ""
    if n == 1:
        return f"{side_en} its baseline {b}{extra_en}", f"{side_zh}基准值 {b}{extra_zh}"
    return (f"{side_en} its baseline {b}{extra_en} for {n} {many} running",
            f"连续 {n} {zh}{side_zh}基准值 {b}{extra_zh}")


def check_metrics(workbook: WorkbookData, lang: str, configured=()) -> tuple[list[MetricAlert], list[Finding]]:
    """Every rule breach active on the latest period, as a MetricAlert and a `metric-alert` finding on the
    latest value's cell; a below/above rule without a baseline is an info finding saying where to add one."""
    sheet = find_sheet(workbook, METRIC_SHEETS)
    if sheet is None:
        return [], []
    got = read_series(sheet, (workbook.percent_cells or {}).get(sheet.name, frozenset()))
    if got is None:
        return [], []
    series, unit = got
    rules = config_rules(configured)
    typed, findings = sheet_rules(workbook, lang)
    # the config wins over the sheet for the same metric and kind; either wins over the seed's defaults
    rules += [r for r in typed if not any(c.kind == r.kind and _matches(r.aliases[0], c.aliases) for c in rules)]
    alerts = []
    for s in series:
        values = [p.value for p in s.points]
        for rule in rules_for(s.metric, rules):
            baseline = rule.baseline if rule.baseline is not None else s.baseline
            if rule.kind in ("above", "below") and baseline is None:
                last = s.points[-1]
                findings.append(catalogue.make("metric-no-baseline", lang, sheet=sheet.name, cell=a1(last.row, last.col),
                                               row=last.row + 1, metric=s.metric, rule=rule.label))
                continue
            flags = breaching(values, rule, baseline)
            if not flags or not flags[-1]:
                continue
            start = len(flags) - 1
            while start > 0 and flags[start - 1]:
                start -= 1
            last = s.points[-1]
            window = s.points[max(0, len(s.points) - rule.periods - (1 if rule.kind in ("rise", "fall") else 0)):]
            shown = " → ".join(f"{p.period} {metric_text(p.value, p.percent)}" for p in window)
            rule_en, rule_zh = _rule_text(rule, unit, baseline, s.percent)
            action_en, action_zh = _ACTION[rule.name]
            cell = a1(last.row, last.col)
            f = catalogue.make("metric-alert", lang, sheet=sheet.name, cell=cell, row=last.row + 1, metric=s.metric,
                               rule_en=rule_en, rule_zh=rule_zh, values=shown, action_en=action_en,
                               action_zh=action_zh, period=s.points[start].period)
            findings.append(f)
            key = f"{s.metric}|{rule.label}|{s.points[start].period}"
            alerts.append(MetricAlert(s.metric, rule.label, s.points[start].period, last.value, sheet.name, cell,
                                      re.sub(r"\s+", " ", key), f.message))
    return alerts, findings
