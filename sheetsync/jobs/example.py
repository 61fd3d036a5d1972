"""The commented sheetsync.toml that `sheetsync init --config PATH` writes. A test loads it."""
from __future__ import annotations

from pathlib import Path

from ..atomic import write_atomic
from ..model import SheetsyncError

EXAMPLE_TRACKER = "trackers/夏日清凉服务季.xlsx"  # written beside the config by `init --config`, so it checks clean

EXAMPLE_CONFIG = """\
# sheetsync.toml: the trackers sheetsync looks after, how it mails, and when it runs.
# sheetsync.toml:sheetsync 管理哪些跟踪表、如何发邮件、何时运行。
# Check it with: sheetsync config check --config sheetsync.toml
# Relative paths are relative to this file. 相对路径以本文件所在目录为准。

# Where run history, the digest ledger and the scheduler lock live.
# 运行记录、周报发送记录和调度锁的存放目录。
state = "state"

# FILL IN: your mail server. localhost is a relay on this machine; for your company's server write e.g.
# host = "smtp.yourcompany.com", port = 587, tls = "starttls", and user. A placeholder such as
# smtp.example.com is refused. Until then, try everything with --outbox DIR (files, nothing sent).
# 请填写:你们的邮件服务器。localhost 表示本机中继;公司邮件服务器请写例如 host = "smtp.yourcompany.com"、
# port = 587、tls = "starttls" 和 user。smtp.example.com 这类占位名称会被拒绝。填写前可用 --outbox 目录 试运行(只写文件,不发送)。
[smtp]
host = "localhost"
port = 25
tls = "none"                  # starttls | ssl | none
from = "sheetsync@localhost"
# No password here: set the SHEETSYNC_SMTP_PASSWORD environment variable.
# 不要在此写密码:请设置环境变量 SHEETSYNC_SMTP_PASSWORD。

[jobs.nightly]
time = "02:00"                # every night, in each tracker's time zone 每晚,按各跟踪表的时区

[jobs.digest]
day = "monday"                # monday … sunday, or 周一 … 周日
time = "08:30"                # the Monday 08:30 progress email 每周一 08:30 的进度周报
unchanged = "skip"            # skip | note: when nothing changed since last week 与上周相比无变化时

# Deadline feeds for people's calendars, written after each nightly sync (one folder per tracker):
# 每晚同步后为每位负责人和整个团队写出截止日期日历订阅文件(每个跟踪表一个文件夹):
# [jobs.calendar]
# ics = "feeds/"

[[trackers]]
name = "summer"
source = "{tracker}"   # or a Google Sheets URL 也可以是 Google 表格链接
language = "zh"               # zh | en; leave out to use the sheet's own 省略则按表格语言
timezone = "Asia/Shanghai"
calendar = "CN"               # working days follow this country's official calendar 按该国法定工作日
recipients = ["team@example.com"]
owner = "owner@example.com"   # gets a short note when new errors appear overnight 出现新错误时通知负责人
review_sla_hours = 24
quiet_hours = "21:00-08:30"   # chat posts due then wait until it ends, in this zone ("off": none)
                              # 安静时段:此时段内的群消息在结束后发出(按本跟踪表时区);"off" 表示不设

[trackers.lead_times]         # working days each department needs 各部门所需提前的工作日
"设计" = 5
"IT" = 15

# Team chat (optional): wecom | dingtalk | feishu | slack | teams. Only the NAMES of environment variables
# here; the webhook URL and secret stay in the environment. 群聊频道(可选):此处只写环境变量名。
# [[trackers.channels]]
# kind = "dingtalk"
# name = "ops"
# webhook_env = "SHEETSYNC_DINGTALK_WEBHOOK"
# secret_env = "SHEETSYNC_DINGTALK_SECRET"
""".replace("{tracker}", EXAMPLE_TRACKER)


def write_example_tracker(config: Path) -> Path | None:
    """The tracker the example config names, from the campaign-launch template, unless a file is already there."""
    from ..templates import create_tracker
    target = config.parent / EXAMPLE_TRACKER
    if target.exists():
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    return create_tracker(target, "campaign-launch", lang="zh")


def write_example_config(path: str | Path) -> Path:
    """Write EXAMPLE_CONFIG to `path`; never overwrite an existing file."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, EXAMPLE_CONFIG, exclusive=True)
    except FileExistsError:
        raise SheetsyncError(f"{path}: already exists; choose another name or delete it first",
                             f"{path}:文件已存在,请换个名字或先删除", code="usage") from None
    return path
