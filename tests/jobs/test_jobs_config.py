"""sheetsync.toml validation: the examples pass; every kind of mistake names the key and the right line."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sheetsync.jobs import EXAMPLE_CONFIG, ConfigError, check_config, load_config, write_example_config
from sheetsync.model import SheetsyncError

REPO = Path(__file__).resolve().parents[2]

BASE = """\
state = "var/state"

[smtp]
host = "localhost"
port = 2525
tls = "none"
from = "sheetsync@localhost"

[jobs.nightly]
time = "02:00"

[jobs.digest]
day = "monday"
time = "8:30"
unchanged = "note"

[[trackers]]
name = "summer"
source = "data/summer.xlsx"
timezone = "Asia/Shanghai"
owner = "Owner <owner@example.com>"
recipients = ["a@example.com", "b@example.com"]

[[trackers]]
name = "autumn"
source = "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg/edit"
language = "en"
timezone = "America/New_York"
calendar = "US"
review_sla_hours = 36

[trackers.lead_times]
"设计" = 5
"IT" = 15
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "conf" / "sheetsync.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, marker: str, nth: int = 1) -> int:
    """1-based line of the nth line containing marker: the expectation comes from the text, not the locator."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if marker in line]
    return hits[nth - 1]


def problems(tmp_path: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    return info.value


def test_base_config_loads_with_defaults_resolved(tmp_path, monkeypatch):
    path = write(tmp_path, BASE)
    monkeypatch.chdir(tmp_path)  # relative paths follow the file, not the working directory
    cfg = load_config(path)
    summer, autumn = cfg.trackers
    assert summer.source == str(path.parent / "data" / "summer.xlsx")
    assert autumn.source.startswith("https://docs.google.com/")  # a URL is not a path
    assert cfg.state == path.parent / "var" / "state"
    assert cfg.path == path
    assert cfg.jobs.digest.time == dt.time(8, 30) and cfg.jobs.digest.unchanged == "note"
    assert cfg.jobs.nightly.time == dt.time(2, 0)
    assert summer.language is None and summer.owner == "Owner <owner@example.com>"
    assert autumn.lead_times == {"设计": 5, "IT": 15} and summer.lead_times == {}
    assert autumn.review_sla_hours == 36.0 and autumn.calendar == "US"
    assert cfg.smtp.port == 2525 and cfg.smtp.tls == "none" and cfg.smtp.sender == "sheetsync@localhost"


def test_defaults_when_jobs_and_optional_keys_are_left_out(tmp_path):
    text = '[smtp]\nhost = "mail.example.com"\nfrom = "s@example.com"\n\n[[trackers]]\nname = "x"\nsource = "x.xlsx"\n'
    cfg = load_config(write(tmp_path, text))
    assert cfg.trackers[0].timezone == "Asia/Shanghai"
    assert (cfg.jobs.nightly.time, cfg.jobs.digest.day, cfg.jobs.digest.time) == (dt.time(2), "monday", dt.time(8, 30))
    assert cfg.jobs.digest.unchanged == "skip"
    assert (cfg.smtp.tls, cfg.smtp.port) == ("starttls", 587)
    assert cfg.state == cfg.path.parent / "state"


def test_example_config_passes_and_init_refuses_to_overwrite(tmp_path):
    target = tmp_path / "etc" / "sheetsync.toml"
    assert write_example_config(target) == target
    cfg = check_config(target)
    assert [t.name for t in cfg.trackers] == ["summer"]
    assert cfg.trackers[0].lead_times["设计"] == 5
    target.write_text("# mine\n", encoding="utf-8")
    with pytest.raises(SheetsyncError) as info:
        write_example_config(target)
    assert "already exists" in info.value.en and "已存在" in info.value.zh
    assert target.read_text(encoding="utf-8") == "# mine\n"
    assert EXAMPLE_CONFIG.count("#") > 10  # it is the commented one


def test_repo_example_toml_passes_and_points_next_to_itself():
    cfg = check_config(REPO / "jobs" / "example.toml")
    assert Path(cfg.trackers[0].source) == (REPO / "demo-output" / "夏日清凉服务季.xlsx").resolve()
    assert cfg.smtp.host == "localhost"


BAD = [
    # (name, edit(text) -> text, expected key, marker of the expected line, nth occurrence, words in en, words in zh)
    ("unknown top-level key", lambda t: t.replace('state = "var/state"', 'stat = "var/state"'),
     "stat", 'stat = "var/state"', 1, "unknown key", "未知的键"),
    ("typo in second tracker", lambda t: t.replace('timezone = "America/New_York"', 'timezome = "America/New_York"'),
     "trackers[2].timezome", "timezome", 1, "unknown key", "未知的键"),
    ("password in file", lambda t: t.replace('tls = "none"', 'tls = "none"\npassword = "hunter2"'),
     "smtp.password", "password =", 1, "SHEETSYNC_SMTP_PASSWORD", "SHEETSYNC_SMTP_PASSWORD"),
    ("port as text", lambda t: t.replace("port = 2525", 'port = "2525"'),
     "smtp.port", "port =", 1, "port number", "端口号"),
    ("hour out of range", lambda t: t.replace('time = "8:30"', 'time = "25:00"'),
     "jobs.digest.time", '"25:00"', 1, "HH:MM", "HH:MM"),
    ("minute not two digits", lambda t: t.replace('time = "02:00"', 'time = "2:0"'),
     "jobs.nightly.time", '"2:0"', 1, "not a time", "不是有效时间"),
    ("unknown zone", lambda t: t.replace('"Asia/Shanghai"', '"Asia/Shangai"'),
     "trackers[1].timezone", "Asia/Shangai", 1, "not a time zone", "时区"),
    ("duplicate tracker names", lambda t: t.replace('name = "autumn"', 'name = "Summer"'),
     "trackers[2].name", 'name = "Summer"', 1, "already used", "重复"),
    ("missing source names the table line", lambda t: t.replace('source = "https://docs.google.com/spreadsheets/d/'
                                                               '1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg/edit"\n', ""),
     "trackers[2].source", "[[trackers]]", 2, "missing", "缺少"),
    ("missing smtp from names [smtp]", lambda t: t.replace('from = "sheetsync@localhost"\n', ""),
     "smtp.from", "[smtp]", 1, "missing", "缺少"),
    ("bad weekday", lambda t: t.replace('day = "monday"', 'day = "mondya"'),
     "jobs.digest.day", "mondya", 1, "weekday", "星期"),
    ("bad unchanged", lambda t: t.replace('unchanged = "note"', 'unchanged = "maybe"'),
     "jobs.digest.unchanged", "maybe", 1, "skip | note", "skip | note"),
    ("bad owner email", lambda t: t.replace("Owner <owner@example.com>", "owner at example"),
     "trackers[1].owner", "owner at example", 1, "email", "电子邮件"),
    ("bad recipient", lambda t: t.replace('"b@example.com"', '"b@example.com\\nBcc: x@evil.test"'),
     "trackers[1].recipients", "recipients =", 1, "email", "电子邮件"),
    ("negative lead time in sub-table", lambda t: t.replace('"IT" = 15', '"IT" = -1'),
     "trackers[2].lead_times.IT", '"IT" = -1', 1, "working days", "工作日"),
    ("text lead time for a Chinese department", lambda t: t.replace('"设计" = 5', '"设计" = "五天"'),
     "trackers[2].lead_times.设计", '"设计" = "五天"', 1, "working days", "工作日"),
    ("token in a tracker", lambda t: t.replace('calendar = "US"', 'calendar = "US"\ntoken = "abc"'),
     "trackers[2].token", 'token = "abc"', 1, "SHEETSYNC_SMTP_PASSWORD", "环境变量"),
    ("boolean where number", lambda t: t.replace("review_sla_hours = 36", "review_sla_hours = true"),
     "trackers[2].review_sla_hours", "review_sla_hours", 1, "true/false", "布尔值"),
    ("unknown calendar", lambda t: t.replace('calendar = "US"', 'calendar = "XX"'),
     "trackers[2].calendar", 'calendar = "XX"', 1, "calendar", "日历"),
    ("unknown key in jobs table", lambda t: t.replace('[jobs.nightly]\ntime = "02:00"', '[jobs.nightly]\ntime = "02:00"\nat = "03:00"'),
     "jobs.nightly.at", 'at = "03:00"', 1, "unknown key", "未知的键"),
    ("dotted keys in a parent table", lambda t: t.replace('[jobs.digest]\nday = "monday"\ntime = "8:30"\n',
                                                           '[jobs]\ndigest.day = "monday"\ndigest . time = "24:00"\n').replace(
                                                               'unchanged = "note"', 'digest."unchanged" = "note"'),
     "jobs.digest.time", "digest . time", 1, "not a time", "不是有效时间"),
]


@pytest.mark.parametrize("name,edit,key,marker,nth,en_word,zh_word", BAD, ids=[b[0] for b in BAD])
def test_each_mistake_names_key_and_line(tmp_path, name, edit, key, marker, nth, en_word, zh_word):
    text = edit(BASE)
    assert text != BASE
    err = problems(tmp_path, text)
    assert [p.key for p in err.problems] == [key], err.en
    expected = line_of(text, marker, nth)
    assert err.line == expected, err.en
    assert err.en.startswith(f"sheetsync.toml:{expected}: {key}: ")
    assert err.zh.startswith(f"sheetsync.toml:{expected}: {key}: ")
    assert en_word in err.en and zh_word in err.zh
    assert err.en != err.zh


def test_password_value_is_not_echoed(tmp_path):
    err = problems(tmp_path, BASE.replace('tls = "none"', 'tls = "none"\npassword = "hunter2"'))
    assert "hunter2" not in err.en and "hunter2" not in err.zh


def test_all_problems_listed_in_file_order(tmp_path):
    text = BASE.replace('"Asia/Shanghai"', '"Mars/Base"').replace("port = 2525", "port = 70000").replace(
        'day = "monday"', 'day = "someday"')
    err = problems(tmp_path, text)
    assert [p.key for p in err.problems] == ["smtp.port", "jobs.digest.day", "trackers[1].timezone"]
    assert [p.line for p in err.problems] == [line_of(text, "port ="), line_of(text, "someday"), line_of(text, "Mars/Base")]
    assert len(err.en.splitlines()) == 3


def test_toml_syntax_error_gives_its_line(tmp_path):
    text = BASE.replace('host = "localhost"', 'host = "localhost')
    err = problems(tmp_path, text)
    assert err.line == line_of(text, 'host = "localhost')
    assert "TOML" in err.en and "TOML" in err.zh


def test_missing_trackers_and_missing_file(tmp_path):
    err = problems(tmp_path, '[smtp]\nhost = "h"\nfrom = "a@b.c"\n')
    assert err.key == "trackers" and "[[trackers]]" in err.en
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.toml")
    assert "not found" in info.value.en and "找不到" in info.value.zh


def test_tracker_overrides_carry_only_what_is_set(tmp_path):
    cfg = load_config(write(tmp_path, BASE))
    summer, autumn = cfg.trackers
    assert summer.overrides() == {"recipients": ["a@example.com", "b@example.com"], "timezone": "Asia/Shanghai"}
    assert autumn.overrides()["lead_times"] == {"设计": 5, "IT": 15}
    assert autumn.overrides()["review_sla_hours"] == 36.0


def test_password_comes_from_environment_only(tmp_path, monkeypatch):
    cfg = load_config(write(tmp_path, BASE))
    monkeypatch.delenv("SHEETSYNC_SMTP_PASSWORD", raising=False)
    assert cfg.smtp.password is None
    monkeypatch.setenv("SHEETSYNC_SMTP_PASSWORD", "s3cret-value")
    assert cfg.smtp.password == "s3cret-value"
    assert "s3cret-value" not in repr(cfg)
