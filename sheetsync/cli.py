"""The command line: a thin layer over sheetsync.api. Exit 0 clean, 1 findings with errors, 2 could not run."""
from __future__ import annotations

import os
import sys
import traceback

import click

from . import api
from .model import SheetsyncError
from .render import print_text, to_json

LANGS = click.Choice(["zh", "en"])


def _ui_lang(lang: str | None) -> str:
    if lang:
        return lang
    return "zh" if os.environ.get("LANG", "").lower().startswith("zh") else "en"


def _lang_from_args(args: list[str]) -> str | None:
    for i, a in enumerate(args):
        if a == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if a.startswith("--lang="):
            return a.split("=", 1)[1]
    return None


def fail(exc: SheetsyncError, lang: str | None) -> None:
    click.echo(f"sheetsync: {exc.message(_ui_lang(lang))}", err=True)
    sys.exit(2)


class Group(click.Group):
    """Turns every failure into one line and exit 2: people should never see a traceback."""

    def invoke(self, ctx):
        raw = list(getattr(ctx, "_protected_args", None) or getattr(ctx, "protected_args", []) or []) + list(ctx.args)
        try:
            return super().invoke(ctx)
        except SheetsyncError as exc:
            fail(exc, _lang_from_args(raw))
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except BrokenPipeError:
            # `sheetsync ... | head`: the reader left; say nothing more and leave like other Unix tools
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(141)
        except KeyboardInterrupt:
            click.echo("sheetsync: " + ("已中断" if _ui_lang(_lang_from_args(raw)) == "zh" else "interrupted"), err=True)
            sys.exit(130)
        except Exception as exc:  # last resort: a bug must still not print a traceback at people
            if os.environ.get("SHEETSYNC_DEBUG"):
                traceback.print_exc()
            what = f"{type(exc).__name__}: {exc}"
            click.echo("sheetsync: " + (f"内部错误:{what}(设置 SHEETSYNC_DEBUG=1 查看详情)"
                                        if _ui_lang(_lang_from_args(raw)) == "zh" else
                                        f"internal error: {what} (set SHEETSYNC_DEBUG=1 for details)"), err=True)
            sys.exit(2)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sheetsync")
def cli():
    """Validate campaign trackers in Excel or Google Sheets, fill derived deadlines, highlight problems,
    and email weekly digests."""


def source_options(f):
    f = click.option("--lang", type=LANGS, help="Language of messages (default: the sheet's).")(f)
    f = click.option("--today", metavar="YYYY-MM-DD", help="Run as if today were this date (or SHEETSYNC_TODAY).")(f)
    f = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)(f)
    f = click.option("--credentials", type=click.Path(dir_okay=False), envvar="GOOGLE_APPLICATION_CREDENTIALS",
                     help="Google service-account JSON (or GOOGLE_APPLICATION_CREDENTIALS).")(f)
    return f


def layout_options(f):
    """--columns / --sheet / --header-row: say where the table is when recognition is not enough."""
    f = click.option("--header-row", "header_row", type=click.IntRange(1, 1000), metavar="N",
                     help="The header row (1-based), e.g. --header-row 4.")(f)
    f = click.option("--sheet", "sheet", metavar="NAME", help="The task sheet, e.g. --sheet Plan.")(f)
    f = click.option("--columns", "columns", metavar="FIELD=HEADER,...",
                     help="Which column is which field, by header text or column letter, e.g. "
                          "--columns 'task=接口名,owner=开发者,deadline=C' (wins over recognition and the Campaign sheet).")(f)
    return f


def _mapping(columns: str | None, sheet: str | None, header_row: int | None):
    if not (columns or sheet or header_row):
        return None
    from .engine.mapping import parse_columns
    from .model import ColumnMapping
    return ColumnMapping(sheet, header_row, parse_columns(columns or ""), "cli")


def _source_kwargs(source: str, credentials: str | None) -> dict:
    from .sources import is_gsheet
    return {"credentials": credentials} if is_gsheet(source) else {}


@cli.command()
@click.argument("source")
@source_options
@layout_options
def validate(source, fmt, today, lang, credentials, columns, sheet, header_row):
    """Check every row of a tracker and derive deadlines; nothing is written.

    \b
    Example:
      sheetsync validate tracker.xlsx --format json --today 2026-07-01
      sheetsync validate plan.xlsx --columns 'task=接口名,owner=开发者,deadline=计划开发时间'
    """
    report = api.validate(source, today=today, lang=lang, mapping=_mapping(columns, sheet, header_row),
                          **_source_kwargs(source, credentials))
    if fmt == "json":
        click.echo(to_json(report.to_dict()))
    else:
        print_text(report)
    sys.exit(report.exit_code)


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False), required=False)
@click.option("--template", "template", default="campaign-launch", show_default=True,
              help="campaign-launch, material-prep or execution-sop.")
@click.option("--lang", type=LANGS, default="zh", show_default=True)
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
        from .jobs import write_example_config
        out = write_example_config(config)
        click.echo(str(out))
        return
    if not path:
        raise SheetsyncError("give the tracker to create, e.g. `sheetsync init tracker.xlsx` "
                             "(or --config FILE for a job config)",
                             "请指定要创建的跟踪表,例如 `sheetsync init tracker.xlsx`(或用 --config 文件 生成任务配置)",
                             code="usage")
    from .templates import create_tracker
    launch_date, _ = api.parse_today(launch) if launch else (None, None)
    try:
        out = create_tracker(path, template, lang=lang, launch=launch_date)
    except FileExistsError:
        raise SheetsyncError(f"{path}: already exists; choose another name or delete it first",
                             f"{path}:文件已存在,请换个名字或先删除") from None
    except KeyError as exc:
        raise SheetsyncError(f"unknown template {exc}", f"未知模板 {exc}") from None
    click.echo(str(out))


_SYNC_TEXT = {
    "en": {"dry": "Dry run: would write {n} cells (nothing written).", "none": "Nothing to change: the file was not touched.",
           "wrote": "Wrote {n} cells, {rules} highlight rules and the report sheet '{title}'.", "backup": "Backup: {path}"},
    "zh": {"dry": "试运行:将写入 {n} 个单元格(未写入)。", "none": "没有需要更新的内容:文件未改动。",
           "wrote": "已写入 {n} 个单元格、{rules} 条高亮规则和报告表“{title}”。", "backup": "备份:{path}"},
}


@cli.command()
@click.argument("source")
@source_options
@click.option("--dry-run", is_flag=True, help="Print the planned cell changes and write nothing.")
@click.option("--backups", default=5, show_default=True, help="How many previous versions to keep in .sheetsync/backups.")
@layout_options
def sync(source, fmt, today, lang, credentials, dry_run, backups, columns, sheet, header_row):
    """Validate, fill the Due/Health/Flags columns, highlight problem rows and write the report sheet.

    \b
    Example:
      sheetsync sync tracker.xlsx --dry-run
      sheetsync sync tracker.xlsx
    """
    result = api.sync(source, today=today, lang=lang, dry_run=dry_run, backups=backups,
                      mapping=_mapping(columns, sheet, header_row), **_source_kwargs(source, credentials))
    if fmt == "json":
        click.echo(to_json(result.to_dict()))
        sys.exit(result.exit_code)
    tx = _SYNC_TEXT[result.report.language]
    extra = []
    if dry_run:
        extra.append(tx["dry"].format(n=len(result.plan.cells)))
        extra += [f"  {w['cell']}: {w['before']!r} -> {w['after']!r}" for w in result.written()]
    elif not result.changed:
        extra.append(tx["none"])
    else:
        extra.append(tx["wrote"].format(n=len(result.plan.cells), rules=len(result.plan.rules), title=result.plan.report.title))
        if result.backup:
            extra.append(tx["backup"].format(path=result.backup))
    print_text(result.report, extra=extra)
    sys.exit(result.exit_code)


_DIGEST_TEXT = {
    "en": {"head": "Digest {period}: {n} message(s).", "team": "team", "personal": "personal",
           "sent": "sent", "written": "written", "skipped-already-sent": "already sent (not resent)",
           "skipped-uncertain": "delivery uncertain last time (not resent; --force resends)",
           "skipped-in-progress": "being sent by another run", "failed": "FAILED", "uncertain": "UNCERTAIN",
           "none": "Nothing to send for {period}.", "connections": "SMTP connections: {n}"},
    "zh": {"head": "周报 {period}:共 {n} 封。", "team": "团队", "personal": "个人",
           "sent": "已发送", "written": "已写入", "skipped-already-sent": "已发送过(不重发)",
           "skipped-uncertain": "上次投递结果不确定(不重发;--force 可重发)",
           "skipped-in-progress": "另一个任务正在发送", "failed": "失败", "uncertain": "结果不确定",
           "none": "{period} 没有需要发送的周报。", "connections": "SMTP 连接数:{n}"},
}


@cli.command()
@click.argument("source")
@source_options
@click.option("--period", metavar="YYYY-Www", help="ISO week to report on, e.g. 2026-W42 (default: this week).")
@click.option("--to", "to", multiple=True, metavar="ADDR",
              help="Send only to these addresses (replaces the team recipients; repeatable).")
@click.option("--team", "kinds", flag_value="team", help="Only the team digest.")
@click.option("--personal", "kinds", flag_value="personal", help="Only the personal digests.")
@click.option("--all", "kinds", flag_value="all", default=True, help="Team and personal digests (default).")
@click.option("--outbox", type=click.Path(file_okay=False), help="Write .eml and .html files here instead of sending.")
@click.option("--send", is_flag=True, help="Send over SMTP (SHEETSYNC_SMTP_* settings); without them, the outbox.")
@click.option("--state", type=click.Path(dir_okay=False), envvar="SHEETSYNC_STATE",
              help="History database (default .sheetsync/state.db beside the tracker, or SHEETSYNC_STATE).")
@click.option("--force", is_flag=True, help="Resend messages the ledger says were already sent.")
@layout_options
def digest(source, fmt, today, lang, credentials, period, to, kinds, outbox, send, state, force, columns, sheet,
           header_row):
    """Build the weekly team digest and one personal digest per owner; send them or write an outbox.

    Each (tracker, week, recipient) is delivered once: a rerun sends nothing new.

    \b
    Example:
      sheetsync digest tracker.xlsx --outbox out/
      SHEETSYNC_SMTP_HOST=smtp.example.com sheetsync digest tracker.xlsx --send --period 2026-W42
    """
    if outbox and send:
        raise SheetsyncError("--outbox and --send: choose one", "--outbox 和 --send 只能选一个", code="usage")
    batch, result = api.digest(source, today=today, period=period, kinds=kinds, to=list(to) or None,
                               outbox=outbox, send=send, state=state, force=force, lang=lang,
                               mapping=_mapping(columns, sheet, header_row), **_source_kwargs(source, credentials))
    if fmt == "json":
        data = {"tracker": batch.tracker, "period": batch.period, "changed": batch.changed,
                "warnings": [w.__dict__ for w in batch.warnings], **result.to_dict()}
        click.echo(to_json(data))
        sys.exit(result.exit_code)
    ui = lang or batch.lang
    tx = _DIGEST_TEXT[ui]
    click.echo(tx["head"].format(period=batch.period, n=len(batch.messages)) if batch.messages
               else tx["none"].format(period=batch.period))
    subjects = {m.message_id: str(m.email["Subject"]) for m in batch.messages}
    for o in result.outcomes:
        click.echo(f"  [{tx[o.kind]}] {o.recipient}: {tx.get(o.status, o.status)}  {subjects.get(o.message_id, '')}")
        for f in o.files:
            click.echo(f"      {f}")
        if o.error:
            click.echo(f"      {o.error}")
    for w in batch.warnings:
        click.echo(f"  ! {w.subject}: {w.message}")
    if result.connections:
        click.echo(tx["connections"].format(n=result.connections))
    sys.exit(result.exit_code)


_DEMO_TEXT = {
    "workbook": "工作簿(已同步,逾期行标红、待审核超时行标橙): {path}",
    "outbox": "周报邮件(.eml 可用邮件客户端打开,.html 可用浏览器打开): {path}",
    "next": "再次运行 `sheetsync sync {path}` 不会改动文件;修改状态后再同步,只更新该行和报告表。",
}


@cli.command()
@click.option("--folder", default="demo-output", show_default=True, type=click.Path(file_okay=False),
              help="Where the demo tracker and outbox go (recreated on each run).")
@click.option("--today", metavar="YYYY-MM-DD", help="Run as if today were this date.")
def demo(folder, today):
    """Run the whole loop on a demo Chinese tracker: create, sync, write digests to an outbox.

    \b
    Example:
      sheetsync demo --folder demo-output
    """
    from pathlib import Path

    from .demo import run_demo
    day, _ = api.parse_today(today)
    result = run_demo(Path(folder), today=day)
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


@cli.group()
def config():
    """Check a sheetsync.toml job config."""


_CONFIG_OK = {"en": "{path}: OK. {n} tracker(s): {names}. Nightly sync {nightly}; digest {day} {time} "
                    "(each tracker's zone). State in {state}.",
              "zh": "{path}:检查通过。{n} 个跟踪表:{names}。每晚 {nightly} 同步;每周 {day} {time} 发周报"
                    "(按各跟踪表时区)。状态目录 {state}。"}


@config.command("check")
@config_option
@click.option("--lang", type=LANGS, help="Language of messages.")
def config_check(config_path, lang):
    """Validate the config alone: every problem is named by key and line. Exit 0 valid, 2 not.

    \b
    Example:
      sheetsync config check --config /etc/sheetsync/sheetsync.toml
    """
    from .jobs import check_config
    cfg = check_config(config_path)
    click.echo(_CONFIG_OK[_ui_lang(lang)].format(
        path=cfg.path, n=len(cfg.trackers), names=", ".join(t.name for t in cfg.trackers),
        nightly=cfg.jobs.nightly.time.strftime("%H:%M"), day=cfg.jobs.digest.day,
        time=cfg.jobs.digest.time.strftime("%H:%M"), state=cfg.state))


@cli.group()
def run():
    """One-shot, idempotent jobs for cron, systemd or Kubernetes: `run nightly`, `run digest`."""


def _run_options(f):
    f = click.option("--tracker", "only", multiple=True, metavar="NAME", help="Only this tracker (repeatable).")(f)
    f = click.option("--today", metavar="YYYY-MM-DD", help="Run as if today were this date (default: each "
                     "tracker's own date in its time zone).")(f)
    f = click.option("--outbox", type=click.Path(file_okay=False),
                     help="Write the emails as .eml files here instead of sending them.")(f)
    f = click.option("--credentials", type=click.Path(dir_okay=False), envvar="GOOGLE_APPLICATION_CREDENTIALS",
                     help="Google service-account JSON for Google Sheets trackers.")(f)
    return config_option(f)


_RUN_TEXT = {"en": {"ok": "{job}: {ok} of {n} tracker(s) succeeded.", "failed": "  failed: {name}: {detail}"},
             "zh": {"ok": "{job}:{n} 个跟踪表中 {ok} 个成功。", "failed": "  失败:{name}:{detail}"}}


def _finish(summary, lang) -> None:
    tx = _RUN_TEXT[_ui_lang(lang)]
    n = len(summary.results)
    click.echo(tx["ok"].format(job=summary.job, ok=n - len(summary.failed), n=n))
    for r in summary.failed:
        click.echo(tx["failed"].format(name=r.tracker, detail=r.detail))
    sys.exit(summary.exit_code)


@run.command("nightly")
@_run_options
@click.option("--lang", type=LANGS, help="Language of the summary line.")
def run_nightly(config_path, only, today, outbox, credentials, lang):
    """Sync every tracker; mail its owner a short note only when new errors appeared since last night.

    Exit 0 all trackers succeeded, 1 some failed, 2 could not run (bad config, another run holds the lock).

    \b
    Example:
      sheetsync run nightly --config /etc/sheetsync/sheetsync.toml
    """
    from .jobs import load_config
    from .jobs.runner import run_nightly as run_all
    from .jobs.work import Work
    cfg = load_config(config_path)
    work = Work(cfg, outbox=outbox, credentials=credentials)
    day, _ = api.parse_today(today)
    summary = run_all(cfg, sync_one=work.sync_one, notify_owner=work.notify_owner, today=day,
                      only=list(only) or None)
    _finish(summary, lang)


@run.command("digest")
@_run_options
@click.option("--period", metavar="YYYY-Www", help="ISO week (default: this week in each tracker's zone).")
@click.option("--force", is_flag=True, help="Resend messages the ledger says were already sent.")
@click.option("--lang", type=LANGS, help="Language of the summary line.")
def run_digest(config_path, only, today, outbox, credentials, period, force, lang):
    """Send each tracker's weekly digests; a second run for the same week sends nothing.

    \b
    Example:
      sheetsync run digest --config /etc/sheetsync/sheetsync.toml
      sheetsync run digest --config sheetsync.toml --period 2026-W42 --outbox out/
    """
    from .digest.periods import normalise_period
    from .jobs import load_config
    from .jobs.runner import run_digest as run_all
    from .jobs.work import Work
    cfg = load_config(config_path)
    work = Work(cfg, outbox=outbox, credentials=credentials, force=force)
    day, _ = api.parse_today(today)
    period = normalise_period(period) if period else None  # a bad week is one line and exit 2, before any work
    summary = run_all(cfg, digest_one=work.digest_one, period=period, today=day, only=list(only) or None)
    _finish(summary, lang)


@cli.command()
@config_option
@click.option("--outbox", type=click.Path(file_okay=False), help="Write emails as files instead of sending.")
@click.option("--credentials", type=click.Path(dir_okay=False), envvar="GOOGLE_APPLICATION_CREDENTIALS",
              help="Google service-account JSON for Google Sheets trackers.")
def schedule(config_path, outbox, credentials):
    """Run the nightly sync and the weekly digest at their times, in each tracker's time zone, until stopped.

    At start a digest missed this week (the machine was off on Monday morning) is sent once. A second
    scheduler on the same state directory refuses. SIGTERM or Ctrl-C stops it between jobs.

    \b
    Example:
      sheetsync schedule --config /etc/sheetsync/sheetsync.toml
    """
    from .jobs import load_config
    from .jobs.runner import default_log
    from .jobs.scheduler import serve
    from .jobs.work import Work
    cfg = load_config(config_path)
    clock = _rehearsal_clock()
    log = default_log(cfg, clock)
    work = Work(cfg, outbox=outbox, credentials=credentials, clock=clock)
    sys.exit(serve(cfg, nightly=work.nightly_for(log), digest=work.digest_for(log), digest_sent=work.digest_sent,
                   clock=clock, log=log))


def _rehearsal_clock():
    """SHEETSYNC_NOW=2026-11-23T08:29:50+08:00 starts the scheduler's clock there and lets it run at normal
    speed: a rehearsal of Monday morning on any day (and how the tests drive the real command)."""
    import datetime as dt
    import time
    text = os.environ.get("SHEETSYNC_NOW")
    if not text:
        return None
    try:
        start = dt.datetime.fromisoformat(text)
    except ValueError:
        start = None
    if start is None or start.tzinfo is None:
        raise SheetsyncError(f"SHEETSYNC_NOW={text!r}: write a time with its offset, e.g. 2026-11-23T08:29:50+08:00",
                             f"SHEETSYNC_NOW={text!r}:请写带时区偏移的时间,例如 2026-11-23T08:29:50+08:00",
                             code="usage")
    began = time.monotonic()
    return lambda: start + dt.timedelta(seconds=time.monotonic() - began)


def main(argv=None):
    return cli.main(args=argv, prog_name="sheetsync")


if __name__ == "__main__":
    main()
