"""sheetsync.toml: what to sync, where to mail, when to run. Loaded with tomllib and checked key by key.

Every problem names the key and the line it is on (or, for a missing key, the line of its table), in
English and Chinese. Unknown keys are errors: a typo such as `timezome` must not silently fall back to a
default. Secrets never live in the file: the SMTP password comes from SHEETSYNC_SMTP_PASSWORD."""
from __future__ import annotations

import datetime as dt
import math
import os
import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytz

from ..channels import KINDS as CHANNEL_KINDS
from ..engine.calendar import calendar_code
from ..engine.campaign import MAX_RECIPIENTS
from ..engine.mapping import known_fields, parse_rows
from ..engine.statuses import STATUS_LABELS, status_words
from ..engine.table import field_of
from ..engine.timepoints import parse_time_point
from ..mailhost import is_placeholder_host, placeholder_problem
from ..model import ColumnMapping, SheetsyncError
from .. import registry
from ..state import STATE_ENV, is_url  # a postgresql:// URL in STATE_ENV (a Kubernetes Secret) wins
from .locate import KeyLocator
from .quiet import DEFAULT as QUIET_DEFAULT, DEFAULT_QUIET_HOURS, QuietHours, parse_quiet_hours

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
    max_recipients: int = MAX_RECIPIENTS  # more addresses than this are a finding, not a mass mailing
    owner: str | None = None
    review_sla_hours: float | None = None
    review_clock: str | None = None  # working | calendar (None: the Campaign sheet's, else working)
    lead_times: dict[str, int] = field(default_factory=dict, hash=False)
    channels: tuple["ChannelConfig", ...] = ()
    notice: str = "T-3wd"  # when the launch notice goes out, a time point relative to the launch
    report_url: str | None = None  # the "full report" link in chat messages (default: the sheet URL)
    metric_rules: tuple["MetricRuleConfig", ...] = ()
    columns: dict[str, str] = field(default_factory=dict, hash=False)  # field -> header text or column letter
    header_row: int | None = None  # 1-based
    sheet: str | None = None  # the task sheet's name
    ignore: tuple[str, ...] = ()  # columns switched off (header text or letter)
    skip_rows: tuple[int, ...] = ()  # 1-based rows that are not tasks
    holidays_file: str | None = None  # an absolute path: official days off and make-up days (sheetsync.holidays_file)
    statuses: dict[str, str] = field(default_factory=dict, hash=False)  # the tracker's own status word -> status
    quiet_hours: QuietHours | None = QUIET_DEFAULT  # no chat post @-mentions people then (None: off)
    credentials: str | None = None  # a credentials file (absolute; a Feishu app's), never the secret itself

    @property
    def mapping(self) -> ColumnMapping | None:
        """What this tracker's config says about its layout (wins over recognition and the Campaign sheet)."""
        mapping = ColumnMapping(self.sheet, self.header_row, dict(self.columns), "config", self.ignore, self.skip_rows,
                                dict(self.statuses))
        return mapping if mapping.says_anything() else None

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def overrides(self) -> dict[str, Any]:
        """Campaign facts the config sets, in the shape the engine's `overrides` take; unset ones are left out."""
        out: dict[str, Any] = {}
        if self.calendar is not None:
            out["calendar"] = calendar_code(self.calendar)  # 台灣 -> TW, as the Campaign sheet's is read
        if self.recipients:
            out["recipients"] = list(self.recipients)
        if self.max_recipients != MAX_RECIPIENTS:
            out["max_recipients"] = self.max_recipients
        if self.review_sla_hours is not None:
            out["review_sla_hours"] = self.review_sla_hours
        if self.review_clock is not None:
            out["review_clock"] = self.review_clock
        if self.lead_times:
            out["lead_times"] = dict(self.lead_times)
        out["timezone"] = self.timezone
        if self.metric_rules:
            out["metric_rules"] = list(self.metric_rules)
        if self.holidays_file:
            from ..holidays_file import official_days  # read at each run: a notice imported since is used
            out["official_days"] = official_days(self.holidays_file)
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
    """A metric alert rule: `rise`/`fall` of `percent` each period for `periods` periods running,
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
    time: dt.time = dt.time(9, 0)  # daily: the launch notice goes out on its day at this time


@dataclass(frozen=True)
class CalendarJob:
    ics: Path | None = None  # the nightly writes each tracker's deadline feeds to ics/<tracker name>/; None: not


@dataclass(frozen=True)
class JobsConfig:
    nightly: NightlyJob = NightlyJob()
    digest: DigestJob = DigestJob()
    notice: NoticeJob = NoticeJob()
    calendar: CalendarJob = CalendarJob()


@dataclass(frozen=True)
class QuotaConfig:
    """[quota]: Google's per-minute request limits shared by every runner, and the service accounts
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
# Ranges that make sense. Google's quotas are hundreds of requests a minute; a lease renewed every third of
# its length must not be renewed hundreds of times a second, nor outlive a night.
REQUESTS_PER_MINUTE = (1, 100_000)
LEASE_SECONDS = (1, 86_400)
REVIEW_SLA_HOURS = (0.1, 10_000)
RECIPIENTS_BOUNDS = (1, 10_000)
# a tracker's name names files (the owner note in the outbox) and lock keys: letters (any script), digits,
# '-', '_', '.', space; not starting with '.' or a space, at most 100 characters
NAME_LENGTH = 100
_SAFE_NAME = re.compile(r"^(?![. ])[\w\-. ]+$")


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

    def number(self, data: dict, path: tuple, bounds: tuple[float, float], what_en: str, what_zh: str,
               default=None, whole: bool = False) -> float | None:
        """A finite number within `bounds` (inclusive): `inf`, `nan`, 1e-300 or a negative count is refused with
        the range that makes sense."""
        value = self.get(data, path, (int,) if whole else (int, float), what_en, what_zh)
        if value is None:
            return default
        lo, hi = bounds
        if not (math.isfinite(value) and lo <= value <= hi):
            self.bad(path, f"{value} is out of range; write {what_en} from {lo:g} to {hi:g}",
                     f"{value} 超出范围;请填写 {lo:g} 到 {hi:g} 之间的{what_zh}")
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


_TRACKER_KEYS = ("name", "source", "language", "timezone", "calendar", "recipients", "max_recipients", "owner",
                 "review_sla_hours", "review_clock",
                 "lead_times", "channels", "notice", "report_url", "metric_rules",
                 "columns", "header_row", "sheet", "ignore", "skip_rows", "holidays_file", "statuses", "quiet_hours",
                 "credentials")
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
        periods = c.number(r, rpath + ("periods",), (1, 520), "a whole number of periods", "周期数(整数)", 1,
                           whole=True)
        percent = c.number(r, rpath + ("percent",), (0, 1e6), "a percentage", "百分比")
        baseline = c.number(r, rpath + ("baseline",), (-1e15, 1e15), "a number", "数字")
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
    if name and (len(name) > NAME_LENGTH or not _SAFE_NAME.match(name) or ".." in name):
        shown = name[:40].encode("unicode_escape").decode() + ("…" if len(name) > 40 else "")
        c.bad(path + ("name",), f'"{shown}" is not a safe name: use letters, digits, -, _, . or spaces (no "/", '
              f'"..", control characters), at most {NAME_LENGTH} characters',
              f'"{shown}" 不是安全的名称:请只用字母、数字、-、_、. 或空格(不含 "/"、".."、控制字符),'
              f'最多 {NAME_LENGTH} 个字符')
        name = None
    if name:
        if name.casefold() in seen:
            c.bad(path + ("name",), f'"{name}" is already used by tracker {seen[name.casefold()] + 1}; names must differ',
                  f'"{name}" 已被第 {seen[name.casefold()] + 1} 个 tracker 使用;名称不能重复')
        else:
            seen[name.casefold()] = i
    source = c.text(data, path + ("source",), "a file path or a Google Sheets URL", "文件路径或 Google 表格链接",
                    required=True)
    if source:
        local = registry.is_path(source)
        if (local and ("://" in source or source.lower().startswith("gsheet:"))) or registry.refusal(source):
            c.bad(path + ("source",), f'"{source}" does not name a Google sheet; copy the spreadsheet\'s link '
                  '(https://docs.google.com/spreadsheets/d/KEY/edit) or write gsheet:KEY',
                  f'"{source}" 不能确定是哪张 Google 表格;请复制表格链接(https://docs.google.com/spreadsheets/d/KEY/edit)'
                  '或写 gsheet:KEY')
        source = str(_resolve(base, source)) if local else source
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
    sla = c.number(data, path + ("review_sla_hours",), REVIEW_SLA_HOURS, "a number of hours", "小时数")
    clock = c.choice(data, path + ("review_clock",), ("working", "calendar"), None)  # None: the Campaign sheet's
    most = c.number(data, path + ("max_recipients",), RECIPIENTS_BOUNDS, "a whole number of addresses",
                    "地址数(整数)", default=MAX_RECIPIENTS, whole=True)
    if len(recipients) > most:
        c.bad(path + ("recipients",), f"{len(recipients)} addresses, over max_recipients ({most}); list at most "
              f"{most}, or raise max_recipients", f"共 {len(recipients)} 个地址,超过 max_recipients({most});"
              f"请最多列 {most} 个,或调高 max_recipients")
    leads: dict[str, int] = {}
    raw_leads = c.get(data, path + ("lead_times",), (dict,), "a table of department = working days",
                      "“部门 = 工作日数”的表", {})
    for dept, days in (raw_leads or {}).items():
        kpath = path + ("lead_times", dept)
        if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 3660:
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
    ignore, skip_rows = _corrections(c, data, path)
    holidays = _holidays_file(c, data, path, base)
    statuses = _statuses(c, data, path)
    quiet = _quiet_hours(c, data, path)
    credentials = c.text(data, path + ("credentials",), "the path of a credentials file (a Feishu app's)",
                         "凭据文件的路径(飞书应用的)")
    if credentials and source and not registry.takes(source, "credentials"):
        c.bad(path + ("credentials",), "this tracker's source signs in with no credentials file",
              "此跟踪表的数据源不使用凭据文件")
    if len(c.problems) > n0 or not name or not source:
        return None
    return TrackerConfig(name=name, source=source, timezone=zone, language=language, calendar=calendar,
                         recipients=tuple(recipients), owner=owner,
                         review_sla_hours=float(sla) if sla is not None else None, review_clock=clock,
                         lead_times=leads, max_recipients=int(most),
                         channels=channels, notice=notice, report_url=report_url, metric_rules=rules,
                         columns=columns, header_row=header_row, sheet=sheet, ignore=ignore, skip_rows=skip_rows,
                         holidays_file=holidays, statuses=statuses, quiet_hours=quiet,
                         credentials=str(_resolve(base, credentials)) if credentials else None)


def _quiet_hours(c: _Checker, data: dict, path: tuple) -> QuietHours | None:
    text = c.text(data, path + ("quiet_hours",), 'hours such as "21:00-08:30", or "off"',
                  '时段,例如 "21:00-08:30",或 "off"', default=DEFAULT_QUIET_HOURS)
    try:
        return parse_quiet_hours(text if text is not None else DEFAULT_QUIET_HOURS)
    except ValueError:
        c.bad(path + ("quiet_hours",), f'"{text}" is not a time range; write "21:00-08:30" (in the tracker\'s zone) '
              'or "off"', f'"{text}" 不是时段;请写 "21:00-08:30"(按跟踪表时区)或 "off"')
        return QUIET_DEFAULT


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


def _corrections(c: _Checker, data: dict, path: tuple) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """ignore = ["RAG", "备注"] (columns switched off) and skip_rows = [5, "8-12"] (rows that are not tasks)."""
    raw = c.get(data, path + ("ignore",), (list,), 'a list of headers or column letters such as ["RAG", "F"]',
                '表头或列字母的列表,例如 ["RAG", "F"]', [])
    ignore = []
    for item in raw or []:
        if not isinstance(item, str) or not item.strip():
            c.bad(path + ("ignore",), f"{item!r} is not a header text or column letter", f"{item!r} 不是表头文字或列字母")
        else:
            ignore.append(item.strip())
    rows = c.get(data, path + ("skip_rows",), (list,), 'a list of rows such as [5, "8-12"]', '行号列表,例如 [5, "8-12"]', [])
    try:
        skip = parse_rows(rows or [], "skip_rows")
    except SheetsyncError as exc:
        c.bad(path + ("skip_rows",), exc.en.partition(": ")[2], exc.zh.partition(":")[2])
        skip = ()
    return tuple(dict.fromkeys(ignore)), skip


def _holidays_file(c: _Checker, data: dict, path: tuple, base: Path) -> str | None:
    """holidays_file = "holidays.toml": read now, so `config check` names a missing or broken file."""
    text = c.text(data, path + ("holidays_file",), 'a file path such as "holidays.toml"', '文件路径,例如 "holidays.toml"')
    if not text:
        return None
    from ..holidays_file import load
    full = _resolve(base, text)
    try:
        load(full)
    except SheetsyncError as exc:
        c.bad(path + ("holidays_file",), exc.en.partition(": ")[2], exc.zh.partition(":")[2])
        return None
    return str(full)


def _statuses(c: _Checker, data: dict, path: tuple) -> dict[str, str]:
    """statuses = { "开工" = "in progress", "待验收" = "待审核" }: the tracker's own status words and the status each
    means (a status code, or a status word sheetsync knows in either language)."""
    out: dict[str, str] = {}
    raw = c.get(data, path + ("statuses",), (dict,), 'a table such as { "开工" = "in progress" }',
                '表,例如 { "开工" = "进行中" }', {})
    for word, target in (raw or {}).items():
        kpath = path + ("statuses", word)
        if not isinstance(target, str) or not target.strip():
            c.bad(kpath, 'must be a status such as "in progress" or "已完成"', '必须是状态,例如 "in progress" 或 "已完成"')
            continue
        try:
            status_words({word: target.strip()})
        except ValueError:
            c.bad(kpath, f'"{target}" is not a status; use one of {", ".join(STATUS_LABELS["en"].values())}',
                  f'"{target}" 不是状态:请使用 {"、".join(STATUS_LABELS["zh"].values())} 之一')
            continue
        out[str(word)] = target.strip()
    return out


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


def _jobs(c: _Checker, raw: Any, base: Path) -> JobsConfig:
    data = c.table(raw if raw is not None else {}, ("jobs",), ("nightly", "digest", "notice", "calendar"))
    calendar = c.table(data.get("calendar", {}), ("jobs", "calendar"), ("ics",))
    ics = c.text(calendar, ("jobs", "calendar", "ics"), "a folder for the calendar feeds", "日历订阅文件的文件夹")
    notice = c.table(data.get("notice", {}), ("jobs", "notice"), ("time",))
    nightly = c.table(data.get("nightly", {}), ("jobs", "nightly"), ("time",))
    digest = c.table(data.get("digest", {}), ("jobs", "digest"), ("day", "time", "unchanged"))
    return JobsConfig(
        nightly=NightlyJob(time=c.clock(nightly, ("jobs", "nightly", "time"), dt.time(2, 0))),
        digest=DigestJob(day=_day(c, digest), time=c.clock(digest, ("jobs", "digest", "time"), dt.time(8, 30)),
                         unchanged=c.choice(digest, ("jobs", "digest", "unchanged"), ("skip", "note"), "skip")),
        notice=NoticeJob(time=c.clock(notice, ("jobs", "notice", "time"), dt.time(9, 0))),
        calendar=CalendarJob(ics=_resolve(base, ics) if ics else None))


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
    for key in QUOTA_KEYS:
        value = c.number(data, ("quota", key), REQUESTS_PER_MINUTE, "a number of requests per minute",
                         "每分钟请求数")
        if value is not None:
            values[key] = float(value)
    lease = c.number(data, ("quota", "lease_seconds"), LEASE_SECONDS, "a number of seconds", "秒数")
    if lease is not None:
        values["lease_seconds"] = float(lease)
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
    except RecursionError:  # tomllib parses nested arrays and tables by recursion
        raise ConfigError(path, [Problem("", None, "not valid TOML: arrays or tables nested too deeply",
                                         "不是有效的 TOML:数组或表嵌套过深")]) from None
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
    jobs = _jobs(c, top.get("jobs"), base)
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
            if registry.is_path(t.source) and not Path(t.source).is_file():
                c.bad(("trackers", i, "source"), f'{t.source}: no such file; correct the path (relative to this '
                      'config) or create the tracker with `sheetsync init FILE`',
                      f"{t.source}:文件不存在;请更正路径(相对于本配置文件)或用 `sheetsync init 文件` 创建跟踪表")
        if cfg.smtp is not None and is_placeholder_host(cfg.smtp.host):  # a run would fail on it at night
            c.bad(("smtp", "host"), *placeholder_problem(cfg.smtp.host))
        if c.problems:
            raise ConfigError(cfg.path, c.problems)
    return cfg
