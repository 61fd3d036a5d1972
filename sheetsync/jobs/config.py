"""sheetsync.toml: what to sync, where to mail, when to run. Loaded with tomllib and checked key by key.

Every problem names the key and the line it is on (or, for a missing key, the line of its table), in
English and Chinese. Unknown keys are errors: a typo such as `timezome` must not silently fall back to a
default. Secrets never live in the file: the SMTP password comes from SHEETSYNC_SMTP_PASSWORD."""
from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytz

from ..channels import KINDS as CHANNEL_KINDS
from ..engine.mapping import known_fields
from ..engine.table import field_of
from ..engine.timepoints import parse_time_point
from ..model import ColumnMapping, SheetsyncError
from ..sources import is_feishu, is_gsheet, is_remote
from ..state import STATE_ENV, is_url  # a postgresql:// URL in STATE_ENV (a Kubernetes Secret) wins
from .locate import KeyLocator

PASSWORD_ENV = "SHEETSYNC_SMTP_PASSWORD"
DEFAULT_ZONE = "Asia/Shanghai"
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# 周一, 星期一, 週一, 礼拜一 ... 周日 / 星期天
_ZH_DAY = re.compile(r"^(?:周|週|星期|禮拜|礼拜)([一二三四五六日天])$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+$")
_NAMED_EMAIL = re.compile(r"^[^<>\r\n]*<([^<>\s]+)>$")
_SECRET_WORDS = ("password", "passwd", "pass", "secret", "token", "api_key")


@dataclass(frozen=True)
class Problem:
    key: str  # dotted, trackers counted from 1: "trackers[2].timezone"
    line: int | None
    en: str
    zh: str


class ConfigError(SheetsyncError):
    """All problems found in one config file; `.en` / `.zh` list them one per line."""

    def __init__(self, path: Path | str, problems: list[Problem]):
        self.path = Path(path)
        self.problems = sorted(problems, key=lambda p: p.line or 0)  # read top to bottom, like the file

        def fmt(p: Problem, text: str) -> str:
            where = f"{self.path.name}:{p.line}" if p.line else self.path.name
            return f"{where}: {p.key}: {text}" if p.key else f"{where}: {text}"

        super().__init__("\n".join(fmt(p, p.en) for p in problems),
                         "\n".join(fmt(p, p.zh) for p in problems), code="config")

    @property
    def key(self) -> str:
        return self.problems[0].key

    @property
    def line(self) -> int | None:
        return self.problems[0].line


@dataclass(frozen=True)
class TrackerConfig:
    name: str
    source: str  # an absolute file path, or a Google Sheets URL / key as written
    timezone: str = DEFAULT_ZONE
    language: str | None = None  # None: the sheet's own language
    calendar: str | None = None  # None: the sheet's own Campaign setting
    recipients: tuple[str, ...] = ()
    owner: str | None = None
    review_sla_hours: float | None = None
    lead_times: dict[str, int] = field(default_factory=dict, hash=False)
    channels: tuple["ChannelConfig", ...] = ()
    notice: str = "T-3wd"  # when the launch notice goes out (seed 004), a time point relative to the launch
    report_url: str | None = None  # the "full report" link in chat messages (default: the sheet URL)
    metric_rules: tuple["MetricRuleConfig", ...] = ()
    columns: dict[str, str] = field(default_factory=dict, hash=False)  # field -> header text or column letter
    header_row: int | None = None  # 1-based
    sheet: str | None = None  # the task sheet's name
    credentials: str | None = None  # a Feishu app's credentials file (absolute), never the secret itself

    @property
    def mapping(self) -> ColumnMapping | None:
        """What this tracker's config says about its layout (wins over recognition and the Campaign sheet)."""
        if not (self.columns or self.header_row or self.sheet):
            return None
        return ColumnMapping(self.sheet, self.header_row, dict(self.columns), "config")

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def overrides(self) -> dict[str, Any]:
        """Campaign facts the config sets, in the shape the engine's `overrides` take; unset ones are left out."""
        out: dict[str, Any] = {}
        if self.calendar is not None:
            out["calendar"] = self.calendar
        if self.recipients:
            out["recipients"] = list(self.recipients)
        if self.review_sla_hours is not None:
            out["review_sla_hours"] = self.review_sla_hours
        if self.lead_times:
            out["lead_times"] = dict(self.lead_times)
        out["timezone"] = self.timezone
        if self.metric_rules:
            out["metric_rules"] = list(self.metric_rules)
        return out


@dataclass(frozen=True)
class ChannelConfig:
    """One team chat channel. The webhook URL and the signing secret are read from the environment at use time,
    never from the file, and never printed."""
    kind: str  # wecom | dingtalk | feishu | slack | teams
    name: str
    webhook_env: str
    secret_env: str | None = None
    mentions: bool = True

    def webhook(self, env=None) -> str | None:
        return ((os.environ if env is None else env).get(self.webhook_env) or "").strip() or None

    def secret(self, env=None) -> str | None:
        if not self.secret_env:
            return None
        return ((os.environ if env is None else env).get(self.secret_env) or "").strip() or None


@dataclass(frozen=True)
class MetricRuleConfig:
    """A metric alert rule (seed 001): `rise`/`fall` of `percent` each period for `periods` periods running,
    or `above`/`below` a baseline for `periods` periods."""
    metric: str
    kind: str  # rise | fall | above | below
    periods: int = 1
    percent: float | None = None
    baseline: float | None = None


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    sender: str  # `from` in the file
    port: int = 587
    tls: str = "starttls"  # starttls | ssl | none
    user: str | None = None

    @property
    def password(self) -> str | None:
        """Read at use time from the environment so it is never stored, printed or logged with the config."""
        return os.environ.get(PASSWORD_ENV) or None


@dataclass(frozen=True)
class NightlyJob:
    time: dt.time = dt.time(2, 0)


@dataclass(frozen=True)
class DigestJob:
    day: str = "monday"
    time: dt.time = dt.time(8, 30)
    unchanged: str = "skip"  # skip | note: what to do when nothing changed since the last digest

    @property
    def weekday(self) -> int:
        return DAYS.index(self.day)


@dataclass(frozen=True)
class NoticeJob:
    time: dt.time = dt.time(9, 0)  # daily: the launch notice goes out on its day at this time (issue 13)


@dataclass(frozen=True)
class JobsConfig:
    nightly: NightlyJob = NightlyJob()
    digest: DigestJob = DigestJob()
    notice: NoticeJob = NoticeJob()


@dataclass(frozen=True)
class QuotaConfig:
    """[quota]: Google's per-minute request limits shared by every runner (issue 14), and the service accounts
    the trackers are spread over (each tracker always the same one, by a stable hash of its name)."""
    write_per_user: float = 60
    write_per_project: float = 300
    read_per_user: float = 60
    read_per_project: float = 300
    service_accounts: tuple[Path, ...] = ()
    lease_seconds: float = 60

    def limits(self) -> dict[str, dict[str, float]]:
        return {"write": {"user": self.write_per_user, "project": self.write_per_project},
                "read": {"user": self.read_per_user, "project": self.read_per_project}}


QUOTA_KEYS = ("write_per_user", "write_per_project", "read_per_user", "read_per_project")


@dataclass(frozen=True)
class Config:
    trackers: list[TrackerConfig]
    smtp: SmtpConfig
    state: Path  # the local state directory (locks, outbox; the SQLite file when state_url is None)
    jobs: JobsConfig
    path: Path
    state_url: str | None = None  # a postgresql:// URL: the shared store of several runners
    quota: QuotaConfig = QuotaConfig()

    def tracker(self, name: str) -> TrackerConfig:
        for t in self.trackers:
            if t.name == name:
                return t
        raise KeyError(name)


class _Checker:
    """Walks the parsed TOML; every accessor records a Problem instead of raising, so one run lists them all."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.where = KeyLocator(text)
        self.problems: list[Problem] = []

    @staticmethod
    def show(path: tuple) -> str:
        out = ""
        for part in path:
            out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        return out

    def bad(self, path: tuple, en: str, zh: str, *, missing: bool = False) -> None:
        line = self.where.line_for(path[:-1] if missing else path)
        self.problems.append(Problem(self.show(path), line or None, en, zh))

    def table(self, data: Any, path: tuple, allowed: tuple[str, ...]) -> dict:
        if not isinstance(data, dict):
            self.bad(path, "must be a table", "必须是一个表(table)")
            return {}
        for key in data:
            if key in allowed:
                continue
            if key.lower() in _SECRET_WORDS:
                self.bad(path + (key,), f"do not put the password in the file; set the {PASSWORD_ENV} "
                         "environment variable instead",
                         f"请不要把密码写在配置文件里;请改用环境变量 {PASSWORD_ENV}")
                continue
            hint = ", ".join(allowed)
            self.bad(path + (key,), f"unknown key (allowed here: {hint})", f"未知的键(此处允许:{hint})")
        return data

    def get(self, data: dict, path: tuple, kinds: tuple[type, ...], what_en: str, what_zh: str,
            default: Any = None, required: bool = False) -> Any:
        key = path[-1]
        if key not in data:
            if required:
                self.bad(path, f"missing; add `{key} = ...` ({what_en})", f"缺少该项;请添加 `{key} = ...`({what_zh})",
                         missing=True)
            return default
        value = data[key]
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            self.bad(path, f"must be {what_en}, not {_toml_type(value)}", f"必须是{what_zh},而不是{_toml_type_zh(value)}")
            return default
        return value

    def text(self, data: dict, path: tuple, what_en: str = "a text", what_zh: str = "文本", default=None,
             required=False) -> str | None:
        value = self.get(data, path, (str,), what_en, what_zh, default, required)
        if isinstance(value, str) and required and not value.strip():
            self.bad(path, "must not be empty", "不能为空")
            return default
        return value.strip() if isinstance(value, str) else value

    def clock(self, data: dict, path: tuple, default: dt.time) -> dt.time:
        value = self.text(data, path, 'a time such as "08:30"', '时间,例如 "08:30"')
        if value is None:
            return default
        m = _TIME.match(value)
        if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
            return dt.time(int(m.group(1)), int(m.group(2)))
        self.bad(path, f'"{value}" is not a time of day; write 24-hour HH:MM such as "08:30" or "23:05"',
                 f'"{value}" 不是有效时间;请写成 24 小时制 HH:MM,例如 "08:30" 或 "23:05"')
        return default

    def choice(self, data: dict, path: tuple, options: tuple[str, ...], default: str) -> str:
        listed = " | ".join(options)
        value = self.text(data, path, f"one of {listed}", f"以下之一:{listed}")
        if value is None:
            return default
        if value.lower() in options:
            return value.lower()
        self.bad(path, f'"{value}" is not allowed; use one of {listed}', f'不允许 "{value}";请使用以下之一:{listed}')
        return default

    def email(self, value: Any, path: tuple) -> str | None:
        if not isinstance(value, str):
            self.bad(path, f"must be an email address, not {_toml_type(value)}",
                     f"必须是电子邮件地址,而不是{_toml_type_zh(value)}")
            return None
        text = value.strip()
        named = _NAMED_EMAIL.match(text)
        if _EMAIL.match(named.group(1) if named else text) and not re.search(r"[\r\n\0]|=\?", text):
            return text
        self.bad(path, f'"{value}" is not an email address such as ops@example.com',
                 f'"{value}" 不是有效的电子邮件地址,例如 ops@example.com')
        return None


def _toml_type(value: Any) -> str:
    return {bool: "true/false", int: "a whole number", float: "a number", str: "a text", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)


def _toml_type_zh(value: Any) -> str:
    return {bool: "布尔值", int: "整数", float: "数字", str: "文本", list: "列表", dict: "表"}.get(type(value), type(value).__name__)


def check_zone(name: str) -> str | None:
    """None when both zoneinfo and pytz know the zone (schedule needs pytz, the rest of sheetsync zoneinfo)."""
    try:
        zoneinfo.ZoneInfo(name)
        pytz.timezone(name)
    except (zoneinfo.ZoneInfoNotFoundError, pytz.UnknownTimeZoneError, ValueError):
        return name
    return None


def _resolve(base: Path, value: str) -> Path:
    p = Path(value).expanduser()
    return p if p.is_absolute() else (base / p).resolve()


_TRACKER_KEYS = ("name", "source", "language", "timezone", "calendar", "recipients", "owner", "review_sla_hours",
                 "lead_times", "channels", "notice", "report_url", "metric_rules",
                 "columns", "header_row", "sheet", "credentials")
_CHANNEL_KEYS = ("kind", "name", "webhook_env", "secret_env", "mentions")
_RULE_KEYS = ("metric", "kind", "periods", "percent", "baseline")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INLINE_SECRETS = ("webhook", "url", "webhook_url", "secret", "token", "access_token", "key", "sign")


def _channels(c: _Checker, data: dict, path: tuple) -> tuple[ChannelConfig, ...]:
    raw = c.get(data, path + ("channels",), (list,), "a list of [[trackers.channels]] tables",
                "[[trackers.channels]] 表的列表", [])
    out, names = [], set()
    for j, item in enumerate(raw or []):
        cpath = path + ("channels", j)
        if isinstance(item, dict):
            for key in item:
                if key in _INLINE_SECRETS:
                    c.bad(cpath + (key,), "do not put webhook URLs or secrets in the file; name an environment "
                          "variable with webhook_env / secret_env instead",
                          "请不要把 webhook 地址或密钥写在配置文件里;请用 webhook_env / secret_env 指定环境变量名")
        item = {k: v for k, v in item.items() if k not in _INLINE_SECRETS} if isinstance(item, dict) else item
        ch = c.table(item, cpath, _CHANNEL_KEYS)
        n0 = len(c.problems)
        kind = c.choice(ch, cpath + ("kind",), CHANNEL_KINDS, "")
        if "kind" not in ch:
            c.bad(cpath + ("kind",), f"missing; add `kind = ...` ({' | '.join(CHANNEL_KINDS)})",
                  f"缺少该项;请添加 `kind = ...`({' | '.join(CHANNEL_KINDS)})", missing=True)
        name = c.text(ch, cpath + ("name",), "a short name such as team-chat", "简短名称,例如 team-chat",
                      default=kind or None)
        if name and name.casefold() in names:
            c.bad(cpath + ("name",), f'"{name}" is already used by another channel of this tracker; names must differ',
                  f'"{name}" 已被本跟踪表的另一个频道使用;名称不能重复')
        names.add((name or "").casefold())
        envs = []
        for key, required in (("webhook_env", True), ("secret_env", False)):
            value = c.text(ch, cpath + (key,), "an environment variable name such as SHEETSYNC_DINGTALK_WEBHOOK",
                           "环境变量名,例如 SHEETSYNC_DINGTALK_WEBHOOK", required=required)
            if value is not None and not _ENV_NAME.match(value):
                # never echo the value: a person who pasted the webhook URL here must not see it in logs
                c.bad(cpath + (key,), "is not an environment variable name (letters, digits, _); "
                      "the URL or secret itself belongs in the environment",
                      "不是环境变量名(字母、数字、下划线);地址或密钥本身请放在环境变量里")
                value = None
            envs.append(value)
        mentions = c.get(ch, cpath + ("mentions",), (bool,), "true or false", "true 或 false", True)
        if len(c.problems) == n0 and kind and name and envs[0]:
            out.append(ChannelConfig(kind=kind, name=name, webhook_env=envs[0], secret_env=envs[1],
                                     mentions=bool(mentions)))
    return tuple(out)


def _metric_rules(c: _Checker, data: dict, path: tuple) -> tuple[MetricRuleConfig, ...]:
    raw = c.get(data, path + ("metric_rules",), (list,), "a list of [[trackers.metric_rules]] tables",
                "[[trackers.metric_rules]] 表的列表", [])
    out = []
    for j, item in enumerate(raw or []):
        rpath = path + ("metric_rules", j)
        r = c.table(item, rpath, _RULE_KEYS)
        n0 = len(c.problems)
        metric = c.text(r, rpath + ("metric",), "a metric name as in the Metrics sheet", "指标表中的指标名", required=True)
        kind = c.choice(r, rpath + ("kind",), ("rise", "fall", "above", "below"), "")
        if "kind" not in r:
            c.bad(rpath + ("kind",), "missing; add `kind = ...` (rise | fall | above | below)",
                  "缺少该项;请添加 `kind = ...`(rise | fall | above | below)", missing=True)
        periods = c.get(r, rpath + ("periods",), (int,), "a whole number of periods such as 3", "周期数,例如 3", 1)
        if periods is not None and periods < 1:
            c.bad(rpath + ("periods",), "must be 1 or more", "必须大于等于 1")
        percent = c.get(r, rpath + ("percent",), (int, float), "a percentage such as 20", "百分比,例如 20")
        baseline = c.get(r, rpath + ("baseline",), (int, float), "a number", "数字")
        if kind in ("rise", "fall") and (percent is None or percent <= 0):
            c.bad(rpath + ("percent",), "a rise or fall rule needs `percent` above 0, such as 20",
                  "上涨/下降规则需要大于 0 的 `percent`,例如 20", missing="percent" not in r)
        if len(c.problems) == n0 and metric and kind:
            out.append(MetricRuleConfig(metric=metric, kind=kind, periods=int(periods or 1),
                                        percent=float(percent) if percent is not None else None,
                                        baseline=float(baseline) if baseline is not None else None))
    return tuple(out)


def _tracker(c: _Checker, raw: Any, i: int, base: Path, seen: dict[str, int]) -> TrackerConfig | None:
    path = ("trackers", i)
    data = c.table(raw, path, _TRACKER_KEYS)
    if not data and not isinstance(raw, dict):
        return None
    n0 = len(c.problems)
    name = c.text(data, path + ("name",), "a short name such as summer", "简短名称,例如 summer", required=True)
    if name:
        if name.casefold() in seen:
            c.bad(path + ("name",), f'"{name}" is already used by tracker {seen[name.casefold()] + 1}; names must differ',
                  f'"{name}" 已被第 {seen[name.casefold()] + 1} 个 tracker 使用;名称不能重复')
        else:
            seen[name.casefold()] = i
    source = c.text(data, path + ("source",), "a file path or a Google Sheets URL", "文件路径或 Google 表格链接",
                    required=True)
    if source:
        if not is_remote(source) and ("://" in source or source.lower().startswith("gsheet:")):
            c.bad(path + ("source",), f'"{source}" does not name a Google sheet; copy the spreadsheet\'s link '
                  '(https://docs.google.com/spreadsheets/d/KEY/edit) or write gsheet:KEY',
                  f'"{source}" 不能确定是哪张 Google 表格;请复制表格链接(https://docs.google.com/spreadsheets/d/KEY/edit)'
                  '或写 gsheet:KEY')
        source = source if is_remote(source) else str(_resolve(base, source))
    language = data.get("language")
    if "language" in data:
        language = c.choice(data, path + ("language",), ("zh", "en"), None)
    zone = c.text(data, path + ("timezone",), 'a time zone such as "Asia/Shanghai"', '时区,例如 "Asia/Shanghai"',
                  default=DEFAULT_ZONE) or DEFAULT_ZONE
    if check_zone(zone):
        c.bad(path + ("timezone",), f'"{zone}" is not a time zone name; use an IANA name such as Asia/Shanghai',
              f'"{zone}" 不是有效的时区名;请使用 IANA 名称,例如 Asia/Shanghai')
    calendar = c.text(data, path + ("calendar",), 'a country code such as "CN"', '国家代码,例如 "CN"')
    if calendar is not None:
        from ..engine.calendar import WorkCalendar
        try:
            WorkCalendar(calendar)
        except ValueError:
            c.bad(path + ("calendar",), f'"{calendar}" is not a holiday calendar; use a country code such as CN, US or GB',
                  f'"{calendar}" 不是已知的节假日日历;请使用国家代码,例如 CN、US 或 GB')
    recipients: list[str] = []
    raw_rcpt = c.get(data, path + ("recipients",), (list,), "a list of email addresses", "电子邮件地址列表", [])
    for j, addr in enumerate(raw_rcpt or []):
        ok = c.email(addr, path + ("recipients",))
        if ok:
            recipients.append(ok)
    owner = None
    if "owner" in data:
        owner = c.email(data["owner"], path + ("owner",))
    sla = c.get(data, path + ("review_sla_hours",), (int, float), "a number of hours such as 24", "小时数,例如 24")
    if sla is not None and not sla > 0:
        c.bad(path + ("review_sla_hours",), "must be more than 0 hours", "必须大于 0 小时")
        sla = None
    leads: dict[str, int] = {}
    raw_leads = c.get(data, path + ("lead_times",), (dict,), "a table of department = working days",
                      "“部门 = 工作日数”的表", {})
    for dept, days in (raw_leads or {}).items():
        kpath = path + ("lead_times", dept)
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            c.bad(kpath, "must be a whole number of working days (0 or more)", "必须是工作日数(0 或以上的整数)")
        else:
            leads[dept] = days
    channels = _channels(c, data, path)
    notice = c.text(data, path + ("notice",), 'a time point before launch such as "T-3wd"', '上线前的时间节点,例如 "T-3wd"',
                    default="T-3wd") or "T-3wd"
    tp = parse_time_point(notice)
    if tp is None or tp.anchor != "T" or tp.offset > 0:
        c.bad(path + ("notice",), f'"{notice}" is not a time point relative to the launch; write T-3wd or 上线前3个工作日',
              f'"{notice}" 不是相对上线日的时间节点;请写 T-3wd 或 上线前3个工作日')
    report_url = c.text(data, path + ("report_url",), "an http(s) link", "http(s) 链接")
    if report_url is not None and not re.match(r"^https?://\S+$", report_url):
        c.bad(path + ("report_url",), f'"{report_url}" is not an http(s) link', f'"{report_url}" 不是 http(s) 链接')
    rules = _metric_rules(c, data, path)
    columns, header_row, sheet = _layout(c, data, path)
    credentials = c.text(data, path + ("credentials",), "the path of a Feishu app's credentials file",
                         "飞书应用凭据文件的路径")
    if credentials and source and not is_feishu(source):
        c.bad(path + ("credentials",), "credentials name a Feishu app's file; this tracker is not a Feishu sheet",
              "credentials 用于飞书应用凭据文件;此跟踪表不是飞书表格")
    if len(c.problems) > n0 or not name or not source:
        return None
    return TrackerConfig(name=name, source=source, timezone=zone, language=language, calendar=calendar,
                         recipients=tuple(recipients), owner=owner,
                         review_sla_hours=float(sla) if sla is not None else None, lead_times=leads,
                         channels=channels, notice=notice, report_url=report_url, metric_rules=rules,
                         columns=columns, header_row=header_row, sheet=sheet,
                         credentials=str(_resolve(base, credentials)) if credentials else None)


def _layout(c: _Checker, data: dict, path: tuple) -> tuple[dict[str, str], int | None, str | None]:
    """columns = { task = "接口名", deadline = "C" }, header_row = 4, sheet = "Plan": the tracker's layout as a
    person states it, when recognition is not enough."""
    columns: dict[str, str] = {}
    raw = c.get(data, path + ("columns",), (dict,), 'a table such as { task = "接口名", owner = "开发者" }',
                '表,例如 { task = "接口名", owner = "开发者" }', {})
    for key, header in (raw or {}).items():
        kpath = path + ("columns", key)
        fld = field_of(key)
        if fld is None:
            c.bad(kpath, f"not a field sheetsync knows (fields: {known_fields()})",
                  f"不是可识别的字段(字段:{known_fields()})")
        elif not isinstance(header, str) or not header.strip():
            c.bad(kpath, 'must be the header text or a column letter, such as "接口名" or "C"',
                  '必须是表头文字或列字母,例如 "接口名" 或 "C"')
        elif fld in columns:
            c.bad(kpath, f"{fld} is already mapped", f"{fld} 已经指定过")
        else:
            columns[fld] = header.strip()
    header_row = c.get(data, path + ("header_row",), (int,), "a row number such as 4", "行号,例如 4")
    if header_row is not None and not 1 <= header_row <= 1000:
        c.bad(path + ("header_row",), "must be a row number from 1 to 1000", "必须是 1 到 1000 之间的行号")
        header_row = None
    sheet = c.text(data, path + ("sheet",), 'a sheet name such as "Plan"', '工作表名称,例如 "Plan"')
    return columns, header_row, sheet or None


def _smtp(c: _Checker, raw: Any) -> SmtpConfig | None:
    path = ("smtp",)
    if raw is None:
        c.bad(path, "missing; add an [smtp] table with host and from", "缺少 [smtp] 表;请添加,至少包含 host 和 from",
              missing=True)
        return None
    data = c.table(raw, path, ("host", "port", "tls", "from", "user"))
    n0 = len(c.problems)
    host = c.text(data, path + ("host",), "a host name such as smtp.example.com", "主机名,例如 smtp.example.com",
                  required=True)
    tls = c.choice(data, path + ("tls",), ("starttls", "ssl", "none"), "starttls")
    port = c.get(data, path + ("port",), (int,), "a port number such as 587", "端口号,例如 587",
                 {"starttls": 587, "ssl": 465, "none": 25}[tls])
    if not 0 < port < 65536:
        c.bad(path + ("port",), f"{port} is not a port number (1-65535)", f"{port} 不是有效端口号(1-65535)")
    sender = None
    if "from" in data:
        sender = c.email(data["from"], path + ("from",))
    else:
        c.bad(path + ("from",), "missing; add `from = \"sheetsync@example.com\"`",
              "缺少该项;请添加 `from = \"sheetsync@example.com\"`", missing=True)
    user = c.text(data, path + ("user",), "a user name", "用户名")
    if len(c.problems) > n0 or not host or not sender:
        return None
    return SmtpConfig(host=host, sender=sender, port=port, tls=tls, user=user or None)


def _jobs(c: _Checker, raw: Any) -> JobsConfig:
    data = c.table(raw if raw is not None else {}, ("jobs",), ("nightly", "digest", "notice"))
    notice = c.table(data.get("notice", {}), ("jobs", "notice"), ("time",))
    nightly = c.table(data.get("nightly", {}), ("jobs", "nightly"), ("time",))
    digest = c.table(data.get("digest", {}), ("jobs", "digest"), ("day", "time", "unchanged"))
    return JobsConfig(
        nightly=NightlyJob(time=c.clock(nightly, ("jobs", "nightly", "time"), dt.time(2, 0))),
        digest=DigestJob(day=_day(c, digest), time=c.clock(digest, ("jobs", "digest", "time"), dt.time(8, 30)),
                         unchanged=c.choice(digest, ("jobs", "digest", "unchanged"), ("skip", "note"), "skip")),
        notice=NoticeJob(time=c.clock(notice, ("jobs", "notice", "time"), dt.time(9, 0))))


def _day(c: _Checker, digest: dict) -> str:
    path = ("jobs", "digest", "day")
    value = c.text(digest, path, 'a weekday such as "monday"', '星期几,例如 "monday"')
    if value is None:
        return "monday"
    word = value.lower()
    for full in DAYS:
        if word in (full, full[:3]):
            return full
    zh = _ZH_DAY.match(value.strip())
    if zh:
        return DAYS["一二三四五六日".index(zh.group(1).replace("天", "日"))]
    c.bad(path, f'"{value}" is not a weekday; write monday ... sunday (or 周一 ... 周日)',
          f'"{value}" 不是星期几;请写 周一 … 周日(或 monday … sunday)')
    return "monday"


def _quota(c: _Checker, raw: Any, base: Path) -> QuotaConfig:
    data = c.table(raw, ("quota",), QUOTA_KEYS + ("service_accounts", "lease_seconds"))
    values: dict[str, Any] = {}
    for key in QUOTA_KEYS + ("lease_seconds",):
        value = c.get(data, ("quota", key), (int, float), "a number (requests per minute; seconds for lease_seconds)",
                      "数字(每分钟请求数;lease_seconds 为秒数)")
        if value is not None:
            if value <= 0:
                c.bad(("quota", key), "must be more than 0", "必须大于 0")
                continue
            values[key] = float(value)
    accounts = c.get(data, ("quota", "service_accounts"), (list,), "a list of service-account key files",
                     "服务账号密钥文件列表", default=[])
    paths = []
    for i, item in enumerate(accounts or []):
        if not isinstance(item, str) or not item.strip():
            c.bad(("quota", "service_accounts", i), "must be a key file path", "必须是密钥文件路径")
            continue
        paths.append(_resolve(base, item.strip()))
    return QuotaConfig(**values, service_accounts=tuple(paths))


def load_config(path: str | Path) -> Config:
    """Read and check a sheetsync.toml; raise ConfigError listing every problem."""
    path = Path(path).expanduser().resolve()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(path, [Problem("", None, "file not found; create one with `sheetsync init --config FILE`",
                                         "找不到文件;可用 `sheetsync init --config 文件` 生成示例")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, [Problem("", None, f"cannot read the file: {exc}", f"无法读取文件:{exc}")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        reason = re.sub(r"\s*\(at line.*\)$", "", str(exc))
        raise ConfigError(path, [Problem("", int(m.group(1)) if m else None, f"not valid TOML: {reason}",
                                         f"不是有效的 TOML:{reason}")]) from None
    c = _Checker(path, text)
    top = c.table(data, (), ("state", "smtp", "jobs", "quota", "trackers"))
    base = path.parent
    state_text = c.text(top, ("state",), "a directory path or a postgresql:// URL", "目录路径或 postgresql:// 链接",
                        default="state") or "state"
    state_url = os.environ.get(STATE_ENV) if is_url(os.environ.get(STATE_ENV)) else None
    if is_url(state_text):
        state_url, state_text = state_url or state_text, "state"  # locks and the outbox stay on local disk
    state = _resolve(base, state_text)
    quota = _quota(c, top.get("quota", {}), base)
    smtp = _smtp(c, top.get("smtp"))
    jobs = _jobs(c, top.get("jobs"))
    trackers: list[TrackerConfig] = []
    raw = top.get("trackers")
    if raw is None:
        c.bad(("trackers",), "missing; add at least one [[trackers]] table with name and source",
              "缺少 tracker;请至少添加一个包含 name 和 source 的 [[trackers]] 表")
    elif not isinstance(raw, list) or not raw:
        c.bad(("trackers",), "must be one or more [[trackers]] tables", "必须是一个或多个 [[trackers]] 表")
    else:
        seen: dict[str, int] = {}
        for i, item in enumerate(raw):
            t = _tracker(c, item, i, base, seen)
            if t:
                trackers.append(t)
    if c.problems:
        raise ConfigError(path, c.problems)
    return Config(trackers=trackers, smtp=smtp, state=state, jobs=jobs, path=path, state_url=state_url, quota=quota)


def check_config(path: str | Path, *, files: bool = False) -> Config:
    """`sheetsync config check`: the same validation as every run, alone; with `files`, also that every tracker
    file the config names exists (a run would only find out at night)."""
    cfg = load_config(path)
    if files:
        c = _Checker(cfg.path, cfg.path.read_text(encoding="utf-8-sig"))
        for i, t in enumerate(cfg.trackers):
            if not is_remote(t.source) and not Path(t.source).is_file():
                c.bad(("trackers", i, "source"), f'{t.source}: no such file; correct the path (relative to this '
                      'config) or create the tracker with `sheetsync init FILE`',
                      f"{t.source}:文件不存在;请更正路径(相对于本配置文件)或用 `sheetsync init 文件` 创建跟踪表")
        if c.problems:
            raise ConfigError(cfg.path, c.problems)
    return cfg
