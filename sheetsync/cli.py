"""The command line: a thin layer over sheetsync.api. Exit 0 clean, 1 findings with errors, 2 could not run."""
from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

import click

from . import api
from .cli_holidays import holidays
from .context import Delivery, Reading
from .engine.counts import count
from .engine.mapping import parse_columns, parse_names, parse_rows, parse_statuses
from .model import ColumnMapping, SheetsyncError, contained
from .redact import redact
from .render import SHOWN_PER_SEVERITY, print_text, to_json
from .understood import inspect_lines

def _check_lang(ctx, param, value):
    """zh or en; anything else is one line (click's own choice error is three)."""
    if value is None or value in ("zh", "en"):
        return value
    raise SheetsyncError(f"--lang {value!r}: choose zh (Chinese) or en (English)",
                         f"--lang {value!r}:请选择 zh(中文)或 en(英文)", code="usage")


def lang_option(help_text: str, **kw):
    return click.option("--lang", metavar="zh|en", callback=_check_lang, help=help_text, **kw)


TODAY_HELP = ("Run as if it were this day, or this moment with THH:MM (2026-12-08T09:30), in the tracker's "
              "time zone; also SHEETSYNC_TODAY. Default: now.")
FORMAT_HELP = "text: tables for people to read; json: every finding and task, for scripts."


def _ui_lang(lang: str | None) -> str:
    if lang:
        return lang
    return "zh" if os.environ.get("LANG", "").lower().startswith("zh") else "en"


def _option_value(args: list[str], name: str) -> str | None:
    for i, a in enumerate(args):
        if a == name and i + 1 < len(args):
            return args[i + 1]
        if a.startswith(name + "="):
            return a.split("=", 1)[1]
    return None


def _lang_from_args(args: list[str]) -> str | None:
    return _option_value(args, "--lang")


def _config_lang(args: list[str]) -> str | None:
    """The language of a config's trackers when every one of them names the same (`language = "zh"`): an error
    of a command run with that config is in it. None when the config cannot be read or does not say."""
    if args[:1] == ["init"]:  # there --config is the file to write, not a config in use
        return None
    path = _option_value(args, "--config") or os.environ.get("SHEETSYNC_CONFIG")
    if not path:
        return None
    try:
        from .jobs import load_config  # lazy: only a failing command with a config reads it again
        langs = {t.language for t in load_config(path).trackers}
    except Exception:
        return None
    return langs.pop() if len(langs) == 1 and None not in langs else None


def error_line(exc: SheetsyncError, lang: str | None) -> str:
    """The one line of a run that could not go ahead: in `lang` (--lang), else in the tracker's language when it
    was known when the run stopped, else in both (a file not found has no language yet)."""
    lang = lang if lang in ("zh", "en") else exc.lang
    if lang in ("zh", "en") or exc.en == exc.zh:
        return exc.message(lang or "en")
    return f"{exc.en} / {exc.zh}"


def fail(exc: SheetsyncError, lang: str | None) -> None:
    click.echo(f"sheetsync: {redact(error_line(exc, lang))}", err=True)
    sys.exit(2)


class Group(click.Group):
    """Turns every failure into one line and exit 2: people should never see a traceback."""

    def invoke(self, ctx):
        raw = list(getattr(ctx, "_protected_args", None) or getattr(ctx, "protected_args", []) or []) + list(ctx.args)
        try:
            return super().invoke(ctx)
        except SheetsyncError as exc:
            fail(exc, _lang_from_args(raw) or exc.lang or _config_lang(raw))
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except BrokenPipeError:
            # `sheetsync ... | head`: the reader left; say nothing more and leave like other Unix tools
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(141)
        except KeyboardInterrupt:
            click.echo("sheetsync: " + error_line(SheetsyncError("interrupted", "已中断"), _lang_from_args(raw)), err=True)
            sys.exit(130)
        except BaseException as exc:  # last resort (a library's panic too): never a traceback at people
            if not contained(exc):
                raise
            if os.environ.get("SHEETSYNC_DEBUG"):
                traceback.print_exc()
            what = redact(f"{type(exc).__name__}: {exc}")
            bug = SheetsyncError(f"internal error: {what} (set SHEETSYNC_DEBUG=1 for details)",
                                 f"内部错误:{what}(设置 SHEETSYNC_DEBUG=1 查看详情)")
            click.echo("sheetsync: " + error_line(bug, _lang_from_args(raw)), err=True)
            sys.exit(2)


EXAMPLES = """\b
Examples (one per command; `sheetsync COMMAND --help` tells more):
  sheetsync init tracker.xlsx --lang zh --launch 2026-12-15
  sheetsync validate tracker.xlsx
  sheetsync inspect tracker.xlsx
  sheetsync sync tracker.xlsx --dry-run
  sheetsync digest tracker.xlsx --outbox out/
  sheetsync notice tracker.xlsx --outbox out/
  sheetsync demo
  sheetsync config check --config sheetsync.toml
  sheetsync run nightly --config sheetsync.toml
  sheetsync schedule --config sheetsync.toml
  sheetsync status --config sheetsync.toml
  sheetsync watch tracker.xlsx
  sheetsync calendar tracker.xlsx --ics feeds/
  sheetsync holidays import 2027.txt --file holidays.toml
  sheetsync state check --config sheetsync.toml
"""


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             epilog=EXAMPLES)
@click.version_option(package_name="sheetsync")
def cli():
    """Validate campaign trackers in Excel, Google Sheets or Feishu Sheets, fill derived deadlines, highlight
    problems, and email weekly digests.

    SOURCE is an .xlsx file, a Google Sheets link (https://docs.google.com/spreadsheets/d/...) or gsheet:KEY,
    or a Feishu sheet link (https://TENANT.feishu.cn/sheets/TOKEN, also a wiki link) or feishu:TOKEN.
    """


def source_options(f):
    f = lang_option("Language of messages: zh or en (default: the sheet's own).")(f)
    f = click.option("--today", metavar="YYYY-MM-DD[THH:MM]", help=TODAY_HELP)(f)
    f = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
                     help=FORMAT_HELP)(f)
    f = click.option("--credentials", type=click.Path(dir_okay=False), envvar="GOOGLE_APPLICATION_CREDENTIALS",
                     help="Google service-account JSON (or GOOGLE_APPLICATION_CREDENTIALS), or a Feishu app's "
                          "JSON {\"app_id\", \"app_secret\"} for a Feishu sheet.")(f)
    return f


def _remember(ctx, param, value):
    ctx.meta[param.name] = value  # read by _mapping and _overrides: the commands' signatures stay as they are
    return value


def layout_options(f):
    """--columns / --sheet / --header-row / --ignore / --skip-rows: say where the table is when recognition is
    not enough; --holidays-file: an imported holiday notice's days."""
    f = click.option("--holidays-file", "holidays_file", metavar="FILE", expose_value=False, callback=_remember,
                     help="A holidays file from `sheetsync holidays import` (official days off and make-up "
                          "working days).")(f)
    f = click.option("--skip-rows", "skip_rows", metavar="ROWS", expose_value=False, callback=_remember,
                     help="Rows that are not tasks, e.g. --skip-rows 5,8-12.")(f)
    f = click.option("--ignore", "ignore", metavar="HEADER,...", expose_value=False, callback=_remember,
                     help="Columns to switch off (read as no field, never checked), by header or letter, "
                          "e.g. --ignore 'RAG,备注'.")(f)
    f = click.option("--header-row", "header_row", type=click.IntRange(1, 1000), metavar="N",
                     help="The header row (1-based), e.g. --header-row 4.")(f)
    f = click.option("--sheet", "sheet", metavar="NAME", help="The task sheet, e.g. --sheet Plan.")(f)
    f = click.option("--statuses", "statuses", metavar="WORD=STATUS,...",
                     help="What the tracker's own status words mean, e.g. --statuses '开工=进行中,待验收=待审核' "
                          "(wins over the Campaign sheet's 状态:开工 | 进行中 rows).")(f)
    f = click.option("--columns", "columns", metavar="FIELD=HEADER,...",
                     help="Which column is which field, by header text or column letter, e.g. "
                          "--columns 'task=接口名,owner=开发者,deadline=C' (wins over recognition and the Campaign sheet).")(f)
    return f


def _mapping(columns: str | None, sheet: str | None, header_row: int | None, statuses: str | None = None):
    meta = click.get_current_context().meta
    mapping = ColumnMapping(sheet, header_row, parse_columns(columns or ""), "cli",
                            parse_names(meta.get("ignore") or ""), parse_rows(meta.get("skip_rows") or ""),
                            parse_statuses(statuses or ""))
    return mapping if mapping.says_anything() else None


def _overrides() -> dict | None:
    """--holidays-file: its days, as a job's holidays_file gives them."""
    path = click.get_current_context().meta.get("holidays_file")
    if not path:
        return None
    from .holidays_file import official_days  # only a run given a holidays file reads one
    return {"official_days": official_days(path)}


def _source_kwargs(source: str, credentials: str | None) -> dict:
    from .registry import backend_name, source_options  # --credentials for a source that signs in
    if credentials and credentials == os.environ.get("GOOGLE_APPLICATION_CREDENTIALS") \
            and backend_name(source) != "gsheets":
        credentials = None  # the Google key the environment names is Google's only (not a Feishu app's file)
    return source_options(source, credentials=credentials)


def all_option(f):
    return click.option("--all", "show_all", is_flag=True,
                        help=f"Print every finding (default: at most {SHOWN_PER_SEVERITY} per severity, then "
                             "how many more).")(f)


@cli.command(short_help="Check every row and show what is wrong; writes nothing.")
@click.argument("source")
@source_options
@all_option
@layout_options
def validate(source, fmt, today, lang, credentials, show_all, columns, sheet, header_row, statuses):
    """Check every row of a tracker and derive deadlines; nothing is written.

    \b
    Example:
      sheetsync validate tracker.xlsx --format json --today 2026-07-01
      sheetsync validate plan.xlsx --columns 'task=接口名,owner=开发者,deadline=计划开发时间'
    """
    report = api.validate(source, today=today, lang=lang, mapping=_mapping(columns, sheet, header_row, statuses),
                          overrides=_overrides(),
                          **_source_kwargs(source, credentials))
    if fmt == "json":
        click.echo(to_json(report.to_dict()))
    else:
        print_text(report, show_all=show_all)
    sys.exit(report.exit_code)


@cli.command(short_help="Say which column was read as what, and how to correct it.")
@click.argument("source")
@source_options
@layout_options
def inspect(source, fmt, today, lang, credentials, columns, sheet, header_row, statuses):
    """Say how the tracker was read: the task table, each column's field (or ignored) and why, the other
    tables seen, what a missing column costs, and the sheetsync.toml lines to paste to correct it.

    Exit 0 when a task table was found, 2 when not (what was seen is still printed).

    \b
    Example:
      sheetsync inspect tracker.xlsx
      sheetsync inspect export.csv --format json
    """
    result = api.inspect(source, today=today, lang=lang, mapping=_mapping(columns, sheet, header_row, statuses),
                         overrides=_overrides(), **_source_kwargs(source, credentials))
    if fmt == "json":
        click.echo(to_json(result.to_dict()))
    else:
        click.echo("\n".join(inspect_lines(result)))
    if result.error is not None:
        fail(result.error, lang or result.language)
    sys.exit(result.exit_code)


@cli.command(short_help="Create a tracker from a template, or an example job config.")
@click.argument("path", type=click.Path(dir_okay=False), required=False)
@click.option("--template", "template", default="campaign-launch", show_default=True,
              help="campaign-launch, material-prep or execution-sop.")
@lang_option("Language of the tracker's headers and words: zh or en.", default="zh", show_default=True)
@click.option("--launch", metavar="YYYY-MM-DD", help="Launch date (default: three weeks from today).")
@click.option("--config", "config", is_flag=False, flag_value="sheetsync.toml", default=None, metavar="[FILE]",
              help="Write a commented example sheetsync.toml (to FILE, default ./sheetsync.toml) instead.")
def init(path, template, lang, launch, config):
    """Write a new tracker from a template, or (with --config) an example job config.

    \b
    Example:
      sheetsync init tracker.xlsx --template campaign-launch --lang zh --launch 2026-12-15
      sheetsync init --config sheetsync.toml
    """
    if config is not None:
        for out in api.init_config(config):  # the config, and the tracker it names
            click.echo(str(out))
        return
    if not path:
        raise SheetsyncError("give the tracker to create, e.g. `sheetsync init tracker.xlsx` "
                             "(or --config FILE for a job config)",
                             "请指定要创建的跟踪表,例如 `sheetsync init tracker.xlsx`(或用 --config 文件 生成任务配置)",
                             code="usage")
    click.echo(str(api.init(path, template=template, lang=lang, launch=launch)))


def _cell_text(value, lang: str) -> str:
    """A cell's value in a dry run: an empty cell says so (not None), text is quoted so spaces show."""
    if value is None or value == "":
        return "\uff08空\uff09" if lang == "zh" else "(empty)"
    return f"“{value}”" if isinstance(value, str) else str(value)


_SYNC_TEXT = {
    "en": {"dry": "Dry run: would write {n} (nothing written).", "none": "Nothing to change: the file was not touched.",
           "wrote": "Wrote {n}, {rules} and the report sheet '{title}'.", "backup": "Backup: {path}"},
    "zh": {"dry": "试运行:将写入 {n}(未写入)。", "none": "没有需要更新的内容:文件未改动。",
           "wrote": "已写入 {n}、{rules}和报告表“{title}”。", "backup": "备份:{path}"},
}


@cli.command(short_help="Fill Due/Health/Flags, highlight problems, write the report sheet.")
@click.argument("source")
@source_options
@click.option("--dry-run", is_flag=True, help="Print the planned cell changes and write nothing.")
@click.option("--backups", default=5, show_default=True, help="How many previous versions to keep in .sheetsync/backups.")
@all_option
@layout_options
def sync(source, fmt, today, lang, credentials, dry_run, backups, show_all, columns, sheet, header_row, statuses):
    """Validate, fill the Due/Health/Flags columns, highlight problem rows and write the report sheet.

    \b
    Example:
      sheetsync sync tracker.xlsx --dry-run
      sheetsync sync tracker.xlsx
    """
    result = api.sync(source, today=today, lang=lang, dry_run=dry_run, backups=backups, overrides=_overrides(),
                      mapping=_mapping(columns, sheet, header_row, statuses), **_source_kwargs(source, credentials))
    if fmt == "json":
        click.echo(to_json(result.to_dict()))
        sys.exit(result.exit_code)
    ui = result.report.language
    tx = _SYNC_TEXT[ui]
    extra = []
    if dry_run:
        extra.append(tx["dry"].format(n=count(ui, "cell", len(result.plan.cells))))
        extra += [f"  {w['cell']}: {_cell_text(w['before'], ui)} -> {_cell_text(w['after'], ui)}"
                  for w in result.written()]
    elif result.note:  # a backend wrote only part of the plan and says what waits (a workbook open in Excel)
        extra.append(result.note)
    elif not result.changed:
        extra.append(tx["none"])
    else:
        extra.append(tx["wrote"].format(n=count(ui, "cell", len(result.plan.cells)),
                                        rules=count(ui, "rule", len(result.plan.rules)), title=result.plan.report.title))
        if result.backup:
            extra.append(tx["backup"].format(path=result.backup))
    print_text(result.report, extra=extra, show_all=show_all)
    sys.exit(result.exit_code)


_DIGEST_TEXT = {
    "en": {"head": "Digest {period}: {n}.", "team": "team", "personal": "personal",
           "sent": "sent", "written": "preview written (not sent)",
           "skipped-already-previewed": "same preview already written", "skipped-already-sent": "already sent (not resent)",
           "skipped-uncertain": "delivery uncertain last time (not resent; --force resends)",
           "skipped-in-progress": "being sent by another run", "failed": "FAILED", "uncertain": "UNCERTAIN",
           "held": "held for the team's quiet hours (goes once they end)",
           "none": "Nothing to send for {period}.", "connections": "SMTP connections: {n}"},
    "zh": {"head": "周报 {period}:共 {n}。", "team": "团队", "personal": "个人",
           "sent": "已发送", "written": "已写入预览(未发送)",
           "skipped-already-previewed": "相同的预览已写过", "skipped-already-sent": "已发送过(不重发)",
           "skipped-uncertain": "上次投递结果不确定(不重发;--force 可重发)",
           "skipped-in-progress": "另一个任务正在发送", "failed": "失败", "uncertain": "结果不确定",
           "held": "安静时段内暂缓\uff08结束后发出一次\uff09",
           "none": "{period} 没有需要发送的周报。", "connections": "SMTP 连接数:{n}"},
}


_OLD_ALL = "all (old name)"


def mail_outbox(source: str, outbox: str | None, send: bool) -> str | Path | None:
    """The outbox of a one-tracker `digest` or `notice`. A rehearsal (SHEETSYNC_NOW set) without --send writes
    previews to .sheetsync/rehearsal beside the tracker; a run that would send refuses a placeholder mail host
    in one line before anything is read."""
    from .clock import env_now
    from .history import default_state_path
    if outbox is None and not send and env_now() is not None:
        state = default_state_path(source)
        return (Path(state).parent if isinstance(state, Path) else Path.cwd() / ".sheetsync") / "rehearsal"
    if outbox is None:
        from .mailhost import refuse_placeholder
        refuse_placeholder(os.environ.get("SHEETSYNC_SMTP_HOST"), "SHEETSYNC_SMTP_HOST")
    return outbox


@cli.command(short_help="Send the weekly team and personal digests, or preview them.")
@click.argument("source")
@source_options
@click.option("--period", metavar="YYYY-Www", help="ISO week to report on, e.g. 2026-W42 (default: this week).")
@click.option("--to", "to", multiple=True, metavar="ADDR",
              help="Send only to these addresses (replaces the team recipients; repeatable).")
@click.option("--team", "kinds", flag_value="team", help="Only the team digest.")
@click.option("--personal", "kinds", flag_value="personal", help="Only the personal digests.")
@click.option("--everyone", "kinds", flag_value="all", default=True, help="Team and personal digests (default).")
@click.option("--all", "kinds", flag_value=_OLD_ALL, hidden=True, help="The old name of --everyone.")
@click.option("--outbox", type=click.Path(file_okay=False), metavar="DIR",
              help="Write .eml and .html files to DIR instead of sending (a preview).")
@click.option("--send", is_flag=True,
              help="Send by email over SMTP (SHEETSYNC_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM, _TLS). With no "
                   "SMTP host set, the messages are written to the outbox folder .sheetsync/outbox beside the "
                   "state file instead.")
@click.option("--state", type=click.Path(dir_okay=False), envvar="SHEETSYNC_STATE",
              help="History database (default .sheetsync/state.db beside the tracker, or SHEETSYNC_STATE).")
@click.option("--force", is_flag=True, help="Resend messages the ledger says were already sent.")
@click.option("--status", is_flag=True,
              help="Print the ledger for the period (who, channel, kind, state, when) and send nothing.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), metavar="FILE",
              help="With --status: read the state the jobs of this sheetsync.toml write (SOURCE may be the "
                   "tracker's name there).")
@layout_options
def digest(source, fmt, today, lang, credentials, period, to, kinds, outbox, send, state, force, status, config_path,
           columns, sheet, header_row, statuses):
    """Build the weekly team digest and one personal digest per owner; send them or write an outbox.

    Each (tracker, week, recipient) is delivered once: a rerun sends nothing new. An --outbox run (or one
    with no SMTP settings) writes previews, which never stop a later --send; --status shows the ledger.

    \b
    Example:
      sheetsync digest tracker.xlsx --outbox out/
      SHEETSYNC_SMTP_HOST=smtp.example.com sheetsync digest tracker.xlsx --send --period 2026-W42
      sheetsync digest tracker.xlsx --status --period 2026-W42
      sheetsync digest summer --status --config sheetsync.toml
    """
    if outbox and send:
        raise SheetsyncError("--outbox and --send: choose one", "--outbox 和 --send 只能选一个", code="usage")
    if kinds == _OLD_ALL:  # --all means "every finding" everywhere else
        click.echo("sheetsync: " + error_line(SheetsyncError(
            "--all is now --everyone (team and personal digests); --all will be removed",
            "--all 已改名为 --everyone(团队和个人周报);--all 以后将不再支持"), lang), err=True)
        kinds = "all"
    if status:
        seen = api.digest_status(source, period=period, state=state, today=today, lang=lang, config=config_path,
                                 **_source_kwargs(source, credentials))
        click.echo(to_json(seen.to_dict()) if fmt == "json" else "\n".join(seen.text()))
        return
    outbox = mail_outbox(source, outbox, send)
    reading = Reading(today=today, lang=lang, mapping=_mapping(columns, sheet, header_row, statuses),
                      overrides=_overrides())
    batch, result = api.digest(source, reading=reading, delivery=Delivery(outbox, send, None, force, state),
                               period=period, kinds=kinds, to=list(to) or None, **_source_kwargs(source, credentials))
    if fmt == "json":
        data = {"tracker": batch.tracker, "period": batch.period, "changed": batch.changed,
                "warnings": [w.__dict__ for w in batch.warnings], **result.to_dict(),
                "unreached": batch.unreached.to_dict() if batch.unreached is not None else None}
        click.echo(to_json(data))
        sys.exit(result.exit_code)
    ui = lang or batch.lang
    tx = _DIGEST_TEXT[ui]
    click.echo(tx["head"].format(period=batch.period, n=count(ui, "message", len(batch.messages))) if batch.messages
               else tx["none"].format(period=batch.period))
    subjects = {m.message_id: str(m.email["Subject"]) for m in batch.messages}
    for o in result.outcomes:
        click.echo(f"  [{tx.get(o.kind, o.kind)}] {o.recipient}: {tx.get(o.status, o.status)}  {subjects.get(o.message_id, '')}")
        for f in o.files:
            click.echo(f"      {f}")
        if o.error:
            click.echo(f"      {o.error}")
    for w in batch.warnings:
        click.echo(f"  ! {w.subject}: {w.message}")
    if result.connections:
        click.echo(tx["connections"].format(n=result.connections))
    sys.exit(result.exit_code)


_NOTICE_TEXT = {
    "en": {"wait": "Launch notice: due on {due}, {spec} the launch on {launch}; nothing sent yet.",
           "passed": "Launch notice: the launch on {launch} has passed; no notice sent.",
           "no-launch": "Launch notice: the Campaign sheet gives no launch date; add one.",
           "send": "Launch notice (launch on {launch}):", "done": "Launch notice (launch on {launch}), delivered before:",
           "notice": "notice", "correction": "correction",
           "none": "  ! no department contact with an email in the People sheet, and no chat channel"},
    "zh": {"wait": "上线通知：将于 {due}发出（上线日 {launch}{spec}）；尚未发送。",
           "passed": "上线通知：上线日 {launch} 已过，未发送通知。",
           "no-launch": "上线通知：活动信息表中没有上线日期，请填写。",
           "send": "上线通知（上线日 {launch}）：", "done": "上线通知（上线日 {launch}），此前已送达：",
           "notice": "通知", "correction": "更正",
           "none": "  ! 人员表中没有带邮箱的部门对接人，也没有配置群聊频道"},
}


def _before(spec: str, lang: str) -> str:
    """A notice time point in words: T-3wd -> "3 working days before" / "前 3 个工作日" (never the token)."""
    from .engine.timepoints import parse_time_point
    tp = parse_time_point(spec)
    if tp is None:
        return spec
    unit = "wd" if tp.unit == "wd" else "day"
    if lang == "zh":
        return "\u5f53\u5929" if tp.offset == 0 else f"\u524d {count(lang, unit, -tp.offset)}"
    return "on the day of" if tp.offset == 0 else f"{count(lang, unit, -tp.offset)} before"


@cli.command(short_help="Send the launch notice to every department once, before launch.")
@click.argument("source")
@source_options
@click.option("--outbox", type=click.Path(file_okay=False),
              help="Write the notice here as a preview (any day, even before it is due) instead of sending.")
@click.option("--send", is_flag=True, help="Send over SMTP (SHEETSYNC_SMTP_* settings) when it is due.")
@click.option("--state", type=click.Path(dir_okay=False), envvar="SHEETSYNC_STATE",
              help="History database (default .sheetsync/state.db beside the tracker, or SHEETSYNC_STATE).")
@click.option("--at", "spec", default="T-3wd", show_default=True, metavar="TIMEPOINT",
              help="When before the launch the notice goes out, e.g. T-3wd or 上线前5个工作日.")
@click.option("--force", is_flag=True, help="Resend a notice the ledger says was already delivered.")
def notice(source, fmt, today, lang, credentials, outbox, send, state, spec, force):
    """Send the launch notice to each department's contact once, when it is due.

    A launch date moved before the notice went out moves the notice; moved after it went out, one short
    correction follows. A rerun sends nothing already delivered.

    \b
    Example:
      sheetsync notice tracker.xlsx --outbox out/
      SHEETSYNC_SMTP_HOST=smtp.example.com sheetsync notice tracker.xlsx --send
    """
    if outbox and send:
        raise SheetsyncError("--outbox and --send: choose one", "--outbox 和 --send 只能选一个", code="usage")
    outbox = mail_outbox(source, outbox, send)
    result = api.notice(source, reading=Reading(today=today, lang=lang),
                        delivery=Delivery(outbox, send, None, force, state), spec=spec,
                        **_source_kwargs(source, credentials))
    d = result.decision
    if fmt == "json":
        click.echo(to_json({"action": d.action, "due": d.due.isoformat() if d.due else None, "period": d.period,
                            "messages": [{"kind": o.kind, "recipient": o.recipient, "status": o.status,
                                          "error": o.error, "files": [str(f) for f in o.files]}
                                         for o in result.outcomes]}))
        sys.exit(result.exit_code)
    ui = lang or result.lang
    tx, dtx = _NOTICE_TEXT[ui], _DIGEST_TEXT[ui]
    from .dates_text import day_text  # lazy: only the notice's lines show dates
    launch = day_text(d.launch, ui) if d.launch else "?"
    if result.notice is None:
        due = day_text(d.due, ui) if d.due else "?"
        click.echo(tx[d.action].format(due=due, spec=_before(spec, ui), launch=launch, period=d.period))
        sys.exit(0)
    click.echo(tx["send" if d.action == "send" or outbox else "done"].format(launch=launch, period=d.period or ""))
    for o in result.outcomes:
        click.echo(f"  [{tx.get(o.kind.split('#')[0], o.kind)}] {o.recipient}: {dtx.get(o.status, o.status)}")
        for f in o.files:
            click.echo(f"      {f}")
        if o.error:
            click.echo(f"      {o.error}")
    if not result.outcomes:
        click.echo(tx["none"])
    sys.exit(result.exit_code)


_DEMO_TEXT = {
    "workbook": "工作簿(已同步,逾期行标红、待审核超时行标橙): {path}",
    "outbox": "周报邮件(.eml 可用邮件客户端打开,.html 可用浏览器打开): {path}",
    "next": "再次运行 `sheetsync sync {path}` 不会改动文件;修改状态后再同步,只更新该行和报告表。",
}


@cli.command(short_help="Try everything on a demo Chinese tracker in ./demo-output.")
@click.option("--folder", default="demo-output", show_default=True, type=click.Path(file_okay=False),
              help="Where the demo tracker and outbox go (recreated on each run).")
@click.option("--today", metavar="YYYY-MM-DD[THH:MM]", help=TODAY_HELP)
def demo(folder, today):
    """Run the whole loop on a demo Chinese tracker: create, sync, write digests to an outbox.

    \b
    Example:
      sheetsync demo --folder demo-output
    """
    from .demo import run_demo  # lazy: only the demo loads its template (the demo runs the api, above it)
    result = run_demo(Path(folder), today=today)
    print_text(result.report)
    click.echo("")
    click.echo(_DEMO_TEXT["workbook"].format(path=result.tracker))
    if result.outbox:
        click.echo(_DEMO_TEXT["outbox"].format(path=result.outbox))
        for f in result.files:
            click.echo(f"  {f}")
    click.echo(_DEMO_TEXT["next"].format(path=result.tracker))


# ---- unattended jobs: one config, one-shot runs, the embedded scheduler ----------------------------------------

def config_option(f):
    return click.option("--config", "config_path", required=True, type=click.Path(dir_okay=False),
                        envvar="SHEETSYNC_CONFIG", help="The sheetsync.toml (or SHEETSYNC_CONFIG).")(f)


@cli.group(short_help="Check a sheetsync.toml job config.")
def config():
    """Check a sheetsync.toml job config."""


_CONFIG_OK = {"en": "{path}: OK. {n}: {names}. Nightly sync {nightly}; digest {day} {time} "
                    "(each tracker's zone). State in {state}.",
              "zh": "{path}:检查通过。{n}:{names}。每晚 {nightly} 同步;每周 {day} {time} 发周报"
                    "(按各跟踪表时区)。状态目录 {state}。"}
_WEEKDAY_ZH = dict(zip(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
                       ("周一", "周二", "周三", "周四", "周五", "周六", "周日")))


@config.command("check", short_help="Check every key of the config and every tracker it names.")
@config_option
@lang_option("Language of messages: zh or en.")
def config_check(config_path, lang):
    """Validate the config alone: every problem is named by key and line. Exit 0 valid, 2 not.

    \b
    Example:
      sheetsync config check --config /etc/sheetsync/sheetsync.toml
    """
    cfg = api.check_config(config_path)
    ui = _ui_lang(lang)
    day = cfg.jobs.digest.day
    click.echo(_CONFIG_OK[ui].format(
        path=cfg.path, n=count(ui, "tracker", len(cfg.trackers)), names=", ".join(t.name for t in cfg.trackers),
        nightly=cfg.jobs.nightly.time.strftime("%H:%M"), day=_WEEKDAY_ZH.get(day, day) if ui == "zh" else day,
        time=cfg.jobs.digest.time.strftime("%H:%M"), state=cfg.state))
    tx = _CHANNEL_TEXT[_ui_lang(lang)]
    for t in cfg.trackers:
        for ch in t.channels:
            # only whether each variable is set, and its shape: never its value
            url = ch.webhook()
            state = tx["unset"] if url is None else (tx["set"] if url.startswith(("https://", "http://"))
                                                     else tx["not_url"])
            line = f"  {t.name} {ch.kind}:{ch.name}: {ch.webhook_env} {state}"
            if ch.secret_env:
                line += f"; {ch.secret_env} {tx['set'] if ch.secret() else tx['unsigned']}"
            click.echo(("  ! " if url is None or state == tx["not_url"] else "    ") + line.strip())
        if t.channels:  # when its chat posts wait, so nobody is surprised by a 08:30 post about 02:00
            quiet = t.quiet_hours.text() if t.quiet_hours else tx["quiet_off"]
            click.echo("    " + tx["quiet"].format(name=t.name, hours=quiet, zone=t.timezone))


_CHANNEL_TEXT = {"en": {"set": "set", "unset": "NOT SET (posts to this channel fail until it is)",
                        "not_url": "set, but not an http(s) URL", "unsigned": "not set (posts go unsigned)",
                        "quiet": "{name} chat quiet hours: {hours} ({zone}); posts due then go when they end",
                        "quiet_off": "off"},
                 "zh": {"set": "已设置", "unset": "未设置(设置前发往该频道的消息会失败)", "not_url": "已设置,但不是 http(s) 地址",
                        "unsigned": "未设置(消息不加签)",
                        "quiet": "{name} 群消息安静时段\uff1a{hours}\uff08{zone}\uff09\uff0c此时段内的消息在结束后发出",
                        "quiet_off": "不设"}}


@cli.group(short_help="Check the state store, or move a damaged state file aside.")
def state():
    """The state store (history, ledger, leases): `state check`, `state reset --yes`."""


def _state_options(f):
    f = click.option("--state", "state_target", metavar="FILE|URL", help="The state file or postgresql:// URL "
                     "(default: the config's, else SHEETSYNC_STATE, else .sheetsync/state.db here).")(f)
    f = click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="SHEETSYNC_CONFIG",
                     help="Use the state store of this sheetsync.toml.")(f)
    return lang_option("Language of the answer: zh or en.")(f)


@state.command("check", short_help="Run SQLite's integrity check or PostgreSQL's schema check.")
@_state_options
def state_check(config_path, state_target, lang):
    """Check the state store: a SQLite file's integrity and schema version, or a PostgreSQL database's schema.
    Exit 0 sound, 2 damaged or newer than this sheetsync (one line naming it).

    \b
    Example:
      sheetsync state check --config sheetsync.toml
    """
    click.echo(api.state_check(config_path, state_target).message(_ui_lang(lang)))


@state.command("reset", short_help="Move a damaged state file aside (a copy is kept).")
@_state_options
@click.option("--yes", is_flag=True, help="Really move it aside.")
def state_reset(config_path, state_target, lang, yes):
    """Move the state file aside (kept as state.db.damaged-TIME beside it); the next run starts a new one. The
    digests of the current week may then go out again: use it for a damaged file only.

    \b
    Example:
      sheetsync state reset --yes --config sheetsync.toml
    """
    if not yes:
        raise SheetsyncError("state reset moves the state file aside: add --yes to do it",
                             "state reset 会移走状态文件:确认请加 --yes", code="usage")
    click.echo(api.state_reset(config_path, state_target).message(_ui_lang(lang)))


@cli.group(short_help="One-shot jobs for cron or systemd: run nightly, run digest.")
def run():
    """One-shot, idempotent jobs for cron, systemd or Kubernetes: `run nightly`, `run digest`, `run notice`."""


def _run_options(f):
    f = click.option("--tracker", "only", multiple=True, metavar="NAME", help="Only this tracker (repeatable).")(f)
    f = click.option("--today", metavar="YYYY-MM-DD[THH:MM]", help="Run as if it were this day (or moment, "
                     "with THH:MM); default: now, in each tracker's own time zone.")(f)
    f = click.option("--outbox", type=click.Path(file_okay=False),
                     help="Write the emails as .eml files here instead of sending them.")(f)
    f = click.option("--credentials", type=click.Path(dir_okay=False), envvar="GOOGLE_APPLICATION_CREDENTIALS",
                     help="Google service-account JSON for Google Sheets trackers.")(f)
    f = click.option("--send", is_flag=True, help="Send even in a rehearsal (SHEETSYNC_NOW set), which otherwise "
                     "writes previews to <state>/rehearsal and sends nothing.")(f)
    f = click.option("--shard", metavar="I/N", help="Take only shard I of N of the trackers (by a stable hash of "
                     "the name); default from a Kubernetes Indexed Job's JOB_COMPLETION_INDEX/COUNT.")(f)
    return config_option(f)


_RUN_TEXT = {"en": {"ok": "{job}: {ok} of {n} succeeded", "skipped_n": ", {k} skipped", "failed": "  failed: {name}: {detail}",
                    "skipped": "  skipped: {name} ({detail})"},
             "zh": {"ok": "{job}:{n} 个跟踪表中 {ok} 个成功", "skipped_n": ",{k} 个跳过", "failed": "  失败:{name}:{detail}",
                    "skipped": "  跳过:{name}({detail})"}}
_SKIP_WHY = {"en": {"done": "already done tonight by another run", "leased": "another runner is working on it",
                    "lease-lost": "this runner lost its lease mid-run; another runner takes it over"},
             "zh": {"done": "今晚已由其他运行完成", "leased": "另一个运行实例正在处理",
                    "lease-lost": "本运行实例中途失去租约;由其他运行实例接手"}}


def _finish(summary, lang) -> None:
    ui = _ui_lang(lang)
    tx = _RUN_TEXT[ui]
    n = len(summary.results)
    # "1 of 2 trackers succeeded" / "2 个跟踪表中 1 个成功"
    line = tx["ok"].format(job=summary.job, ok=len(summary.succeeded), n=count(ui, "tracker", n) if ui == "en" else n)
    if summary.skipped:  # a skipped tracker is not a success: counted apart
        line += tx["skipped_n"].format(k=len(summary.skipped))
    click.echo(line + ("." if ui == "en" else "。"))
    for r in summary.failed:
        click.echo(tx["failed"].format(name=r.tracker, detail=r.detail))
    for r in summary.results:
        if r.status == "skipped":
            why = _SKIP_WHY[_ui_lang(lang)].get(r.detail, r.detail)
            click.echo(tx["skipped"].format(name=r.tracker, detail=why))
    sys.exit(summary.exit_code)


@cli.command("status", short_help="Print what the fleet did last night and what the watch watches.")
@click.argument("source", required=False)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="SHEETSYNC_CONFIG",
              help="The sheetsync.toml (or SHEETSYNC_CONFIG).")
@click.option("--state", "state", metavar="FILE", help="The state file a one-tracker watch was given.")
@lang_option("Language: zh or en (default: the config's trackers').")
def fleet_status(source, config_path, state, lang):
    """What every shard of the fleet did in its last nightly, digest and notice run (from the state store), and
    what `sheetsync watch` watches and when each tracker last synced. Without --config: the watch of SOURCE
    (its state folder beside the tracker), or of the working directory.

    \b
    Example:
      sheetsync status --config fleet.toml
      sheetsync status tracker.xlsx
    """
    if config_path:
        lines = api.fleet_status(config_path, lang=lang)
        watched = api.watch_status(config=config_path, lang=lang or _config_lang(["--config", config_path]) or "en")
        lines += watched if len(watched) > 1 else []  # a config nobody watches: the fleet's lines alone
    else:
        lines = api.watch_status(source, state=state, lang=_ui_lang(lang))
    for line in lines:
        click.echo(line)


@cli.command(short_help="Sync a tracker soon after each change, until stopped.")
@click.argument("source", required=False)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="SHEETSYNC_CONFIG",
              help="Watch every tracker of this sheetsync.toml (or SHEETSYNC_CONFIG) instead of one SOURCE.")
@click.option("--tracker", "only", multiple=True, metavar="NAME", help="With --config: only this tracker (repeatable).")
@click.option("--poll", type=click.FloatRange(0.5, 86_400), default=60.0, show_default=True, metavar="SECONDS",
              help="How often a remote sheet's change token is asked (one small request), and a file looked at.")
@click.option("--settle", type=click.FloatRange(0, 3_600), default=3.0, show_default=True, metavar="SECONDS",
              help="How long a closed file must stay unchanged (size and mtime) before it is synced.")
@click.option("--state", "state", metavar="FILE", help="The state file (default: .sheetsync/state.db beside the "
              "tracker, or SHEETSYNC_STATE).")
@click.option("--credentials", type=click.Path(dir_okay=False), envvar="GOOGLE_APPLICATION_CREDENTIALS",
              help="Google service-account JSON (or GOOGLE_APPLICATION_CREDENTIALS), or a Feishu app's JSON.")
def watch(source, config_path, only, poll, settle, state, credentials):
    """Sync a tracker soon after each change and do nothing otherwise, until SIGTERM or Ctrl-C (exit 0).

    A file is synced once nobody has it open (no ~$ or .~lock owner file beside it) and it has been unchanged
    for --settle seconds; a workbook open all day is synced when it is closed. A Google, Feishu or OneDrive
    sheet is asked for its revision every --poll seconds. Its own writes are not changes; a failing tracker is
    retried later (logged) while the others go on. `sheetsync status` says what it watches and when each
    tracker last synced.

    \b
    Example:
      sheetsync watch tracker.xlsx
      sheetsync watch --config sheetsync.toml --poll 60
    """
    if bool(source) == bool(config_path):
        raise SheetsyncError("give one SOURCE, or --config FILE for every tracker of a config",
                             "请给出一个数据源,或用 --config 文件 监视配置中的所有跟踪表", code="usage")
    if config_path:
        sys.exit(api.watch(config=config_path, only=list(only) or None, poll=poll, settle=settle,
                           credentials=credentials))
    creds = _source_kwargs(source, credentials).get("credentials")
    sys.exit(api.watch(source, poll=poll, settle=settle, state=state, credentials=creds))


_ICS_TEXT = {"en": "Wrote {feeds} to {folder}: {events} (team.ics, and one per owner).",
             "zh": "已将 {feeds}写入 {folder}:共 {events}(team.ics,以及每位负责人一个)。"}


@cli.command(short_help="Write iCalendar feeds of the deadlines: one per owner, one for the team.")
@click.argument("source", required=False)
@click.option("--ics", "ics", type=click.Path(file_okay=False), metavar="DIR",
              help="The folder for the .ics files (with --config: a folder per tracker in it; default "
                   "[jobs.calendar] ics).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="SHEETSYNC_CONFIG",
              help="Every tracker of this sheetsync.toml (or SHEETSYNC_CONFIG) instead of one SOURCE.")
@click.option("--tracker", "only", multiple=True, metavar="NAME", help="With --config: only this tracker (repeatable).")
@click.option("--today", metavar="YYYY-MM-DD[THH:MM]", help=TODAY_HELP)
@click.option("--credentials", type=click.Path(dir_okay=False), envvar="GOOGLE_APPLICATION_CREDENTIALS",
              help="Google service-account JSON (or GOOGLE_APPLICATION_CREDENTIALS), or a Feishu app's JSON.")
@lang_option("Language of the events and messages: zh or en (default: the sheet's own).")
def calendar(source, ics, config_path, only, today, credentials, lang):
    """Write one iCalendar (.ics) feed per owner and one for the team (team.ics): each open task's deadline as
    an all-day event with the task, its stage, its state and the tracker's link. UIDs stay the same from run to
    run, so a subscribed calendar (Outlook, Apple, Google, Feishu) updates its events; done and cancelled tasks
    leave the feed. Put the folder where calendars can subscribe to it (a web server, a shared drive).

    \b
    Example:
      sheetsync calendar tracker.xlsx --ics feeds/
      sheetsync calendar --config sheetsync.toml --ics /srv/www/feeds
    """
    if bool(source) == bool(config_path):
        raise SheetsyncError("give one SOURCE, or --config FILE for every tracker of a config",
                             "请给出一个数据源,或用 --config 文件 处理配置中的所有跟踪表", code="usage")
    if config_path:
        _finish(api.run_calendar(config_path, ics=ics, only=list(only) or None, today=today,
                                 credentials=credentials), lang)
    if not ics:
        raise SheetsyncError("say where the feeds go: --ics DIR", "请用 --ics 文件夹 指定日历文件的位置", code="usage")
    feeds = api.calendar(source, ics, today=today, lang=lang, **_source_kwargs(source, credentials))
    ui = lang or feeds.language
    click.echo(_ICS_TEXT[ui].format(feeds=count(ui, "feed", len(feeds.files)), folder=feeds.folder,
                                    events=count(ui, "event", feeds.events)))


@run.command("nightly", short_help="Sync every tracker; tell owners about new errors.")
@_run_options
@lang_option("Language of the summary line: zh or en.")
def run_nightly(config_path, only, today, outbox, credentials, shard, send, lang):
    """Sync every tracker; mail its owner a short note only when new errors appeared since last night.

    Exit 0 all trackers succeeded, 1 some failed, 2 could not run (bad config, another run holds the lock).

    \b
    Example:
      sheetsync run nightly --config /etc/sheetsync/sheetsync.toml
      sheetsync run nightly --config fleet.toml --shard 0/4
    """
    _finish(api.run_nightly(config_path, only=list(only), today=today, outbox=outbox, credentials=credentials,
                            shard=shard, send=send), lang)


@run.command("digest", short_help="Send every tracker's weekly digests, once per week.")
@_run_options
@click.option("--period", metavar="YYYY-Www", help="ISO week (default: this week in each tracker's zone).")
@click.option("--force", is_flag=True, help="Resend messages the ledger says were already sent.")
@lang_option("Language of the summary line: zh or en.")
def run_digest(config_path, only, today, outbox, credentials, shard, send, period, force, lang):
    """Send each tracker's weekly digests; a second run for the same week sends nothing.

    \b
    Example:
      sheetsync run digest --config /etc/sheetsync/sheetsync.toml
      sheetsync run digest --config sheetsync.toml --period 2026-W42 --outbox out/
    """
    _finish(api.run_digest(config_path, only=list(only), today=today, outbox=outbox, credentials=credentials,
                           shard=shard, period=period, force=force, send=send), lang)


@run.command("notice", short_help="Send each tracker's launch notice on its day, once.")
@_run_options
@click.option("--force", is_flag=True, help="Resend a notice the ledger says was already delivered.")
@lang_option("Language of the summary line: zh or en.")
def run_notice(config_path, only, today, outbox, credentials, shard, send, force, lang):
    """Send each tracker's launch notice on its day (`notice = "T-3wd"` in the config) by email and to its chat
    channels; any other day, and on a rerun, it sends nothing. The scheduler runs it daily at [jobs.notice] time.

    \b
    Example:
      sheetsync run notice --config /etc/sheetsync/sheetsync.toml
    """
    _finish(api.run_notice(config_path, only=list(only), today=today, outbox=outbox, credentials=credentials,
                           shard=shard, force=force, send=send), lang)


@run.command("chat", short_help="Post the chat messages quiet hours held back, once.")
@_run_options
@click.option("--force", is_flag=True, help="Resend a post the ledger says was already delivered.")
@lang_option("Language of the summary line: zh or en.")
def run_chat(config_path, only, today, outbox, credentials, shard, send, force, lang):
    """Post the chat messages each tracker's quiet hours (quiet_hours = "21:00-08:30", in its zone) held back:
    the nightly post and metric alerts of 02:00 go once, when the team is at work. Run it from cron at the end
    of quiet hours; `sheetsync schedule` does it itself, and every other run posts them first too.

    \b
    Example:
      sheetsync run chat --config /etc/sheetsync/sheetsync.toml
    """
    _finish(api.run_chat(config_path, only=list(only), today=today, outbox=outbox, credentials=credentials,
                         shard=shard, force=force, send=send), lang)


@cli.command(short_help="Run the nightly sync and weekly digest on time, until stopped.")
@config_option
@click.option("--outbox", type=click.Path(file_okay=False), help="Write emails as files instead of sending.")
@click.option("--credentials", type=click.Path(dir_okay=False), envvar="GOOGLE_APPLICATION_CREDENTIALS",
              help="Google service-account JSON for Google Sheets trackers.")
@click.option("--rehearse", is_flag=True, help="A rehearsal: write every message to <state>/rehearsal (or "
              "--outbox) and send nothing. Also the default when SHEETSYNC_NOW is set.")
@click.option("--send", is_flag=True, help="Send even in a rehearsal.")
def schedule(config_path, outbox, credentials, rehearse, send):
    """Run the nightly sync and the weekly digest at their times, in each tracker's time zone, until stopped.

    At start a digest missed this week (the machine was off on Monday morning) is sent once. A second
    scheduler on the same state directory refuses. SIGTERM or Ctrl-C stops it between jobs. With
    SHEETSYNC_NOW set (its clock starts there) or --rehearse, nothing is sent unless --send is given:
    every message is written to <state>/rehearsal as a preview.

    \b
    Example:
      sheetsync schedule --config /etc/sheetsync/sheetsync.toml
      SHEETSYNC_NOW=2026-11-23T08:29:50+08:00 sheetsync schedule --config sheetsync.toml   # writes previews
    """
    if rehearse and send:
        raise SheetsyncError("--rehearse and --send: choose one", "--rehearse 和 --send 只能选一个", code="usage")
    sys.exit(api.schedule(config_path, outbox=outbox, credentials=credentials, rehearse=rehearse, send=send))


cli.add_command(holidays)


def main(argv=None):
    return cli.main(args=argv, prog_name="sheetsync")


if __name__ == "__main__":
    main()
