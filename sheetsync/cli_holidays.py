"""`sheetsync holidays import`: the command over sheetsync.holidays_import (registered by cli.py)."""
from __future__ import annotations

import click

from .engine.counts import count

TEXT = {
    "en": {"item": "  {name}: {rest} off{work}", "work": ", {n} make-up working {days} ({dates})",
           "file": "Wrote {year} into {path}; name it in sheetsync.toml: holidays_file = \"{name}\"",
           "sheet": "Added {n} to the Holidays sheet '{sheet}' of {path}.", "backup": "Backup: {path}",
           "kept": "Left as typed: {n} already in the sheet.",
           "nothing": "The Holidays sheet '{sheet}' already lists every day.",
           "paste": "Rows for a Holidays sheet (日期, 类型 休息/上班, 说明); paste them below its header:",
           "no_sheet": "{path} has no Holidays sheet (节假日): add one with the header 日期, 类型, 说明 and run again, "
                       "or paste the rows above into it.",
           "not_xlsx": "{path}: only an .xlsx tracker is written to; paste the rows above into its Holidays sheet "
                       "(节假日)."},
    "zh": {"item": "  {name}:放假 {rest}{work}", "work": ",调休上班 {n} 天({dates})",
           "file": "已将 {year} 年写入 {path};请在 sheetsync.toml 中写 holidays_file = \"{name}\"",
           "sheet": "已在 {path} 的节假日表“{sheet}”中添加 {n}。", "backup": "备份:{path}",
           "kept": "保留原样:表中已有 {n}。", "nothing": "节假日表“{sheet}”已列出全部日期。",
           "paste": "节假日表的行(日期、类型 休息/上班、说明),粘贴到表头下方:",
           "no_sheet": "{path} 没有节假日表:请添加名为“节假日”的工作表(表头 日期、类型、说明)后重新运行,或把上面的行粘贴进去。",
           "not_xlsx": "{path}:只能写入 .xlsx 跟踪表;请把上面的行粘贴到它的节假日表中。"},
}


@click.group(short_help="Holidays: import the State Council's notice for a year.")
def holidays():
    """Official days off and make-up working days that the calendar package does not have yet."""


@holidays.command("import", short_help="Read the State Council's holiday notice into a holidays file or the tracker.")
@click.argument("notice", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--file", "file", type=click.Path(dir_okay=False), metavar="FILE",
              help="The holidays file to add the year to (name it in sheetsync.toml: holidays_file = \"FILE\").")
@click.option("--into", "into", metavar="TRACKER", help="An .xlsx tracker whose Holidays sheet (节假日) gets the days.")
@click.option("--year", "year", type=click.IntRange(1949, 2200), metavar="YYYY",
              help="The notice's year, when its title is not in the text.")
@click.option("--backups", default=5, show_default=True, help="Previous versions of the tracker to keep (--into).")
@click.option("--lang", metavar="zh|en", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of what is printed.")
def import_notice(notice, file, into, year, backups, lang):
    """Read the State Council's notice (国务院办公厅关于YYYY年部分节假日安排的通知) as published, with full-width
    or half-width punctuation and line breaks anywhere, and store its days off and make-up working days: in a
    holidays file (--file), in the tracker's Holidays sheet (--into, through sheetsync's safe write), or, with
    neither, printed as rows to paste. Working-day counts for that year then use them, and its calendar-gap
    warning goes away.

    \b
    Example:
      sheetsync holidays import 2027.txt --file holidays.toml
      sheetsync holidays import 2027.txt --into tracker.xlsx
    """
    from . import api
    done = api.import_holidays(notice, year=year, into=into, file=file, backups=backups)
    tx = TEXT[lang]
    n = done.notice
    click.echo(f"{n.year}:")
    for h in n.holidays:
        work = tx["work"].format(n=len(h.work), days="day" if len(h.work) == 1 else "days",
                                 dates=", ".join(d.isoformat() for d in h.work)) if h.work else ""
        click.echo(tx["item"].format(name=h.name, rest=count(lang, "day", len(h.rest)), work=work))
    if done.file is not None:
        click.echo(tx["file"].format(year=n.year, path=done.file, name=done.file.name))
    if done.paste:
        click.echo(tx["paste"])
        for day, kind, note in done.paste:
            click.echo(f"{day.isoformat()}\t{kind}\t{note}")
    if done.sheet is not None and done.sheet.sheet is not None:
        if done.written:
            added = count(lang, "day", len(done.sheet.rows))
            click.echo(tx["sheet"].format(n=added, sheet=done.sheet.sheet, path=into))
            if done.backup:
                click.echo(tx["backup"].format(path=done.backup))
        elif not done.sheet.rows:
            click.echo(tx["nothing"].format(sheet=done.sheet.sheet))
        if done.sheet.kept:
            click.echo(tx["kept"].format(n=count(lang, "day", len(done.sheet.kept))))
    elif into is not None:
        from .model import SheetsyncError
        key = "no_sheet" if str(into).lower().endswith((".xlsx", ".xlsm")) else "not_xlsx"
        raise SheetsyncError(TEXT["en"][key].format(path=into), TEXT["zh"][key].format(path=into),
                             code="no-holidays-sheet")
