"""A holidays file: official days off (休息) and make-up working days (上班) per year, imported from the State
Council's notices (`sheetsync holidays import NOTICE.txt --file holidays.toml`) and named in sheetsync.toml
(`holidays_file = "holidays.toml"`) or given to one run (`--holidays-file`). It lets a year the calendar package
does not have yet be counted right the day the notice comes out.

    [2027]
    notice = "国务院办公厅关于2027年部分节假日安排的通知"

    [[2027.holidays]]
    name = "春节"
    rest = [2027-02-05, 2027-02-06, ...]
    work = [2027-02-07]

A year may also list `rest` and `work` directly. Importing a year again replaces that year and keeps the others.
The days reach the engine as `overrides["official_days"]`: the engine itself reads no file."""
from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

from .atomic import write_atomic
from .engine.holiday_notice import Holiday, Notice
from .model import SheetsyncError

HEADER = ("# Official days off (rest) and make-up working days (work) per year, from the State Council's notices.\n"
          "# 国务院办公厅放假通知中的放假日(rest)和调休上班日(work)。由 `sheetsync holidays import` 写入;\n"
          "# name it in sheetsync.toml: holidays_file = \"holidays.toml\"\n")


def _bad(path: Path, what_en: str, what_zh: str) -> SheetsyncError:
    return SheetsyncError(f"{path}: {what_en}", f"{path}:{what_zh}", code="bad-holidays-file")


def _days(path: Path, where: str, raw) -> list[dt.date]:
    if not isinstance(raw, list):
        raise _bad(path, f"{where} must be a list of dates such as [2027-02-05]", f"{where} 必须是日期列表,例如 [2027-02-05]")
    out = []
    for v in raw:
        if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
            out.append(v)
            continue
        try:
            out.append(dt.date.fromisoformat(str(v)))
        except ValueError:
            raise _bad(path, f"{where}: {v!r} is not a date (write 2027-02-05)",
                       f"{where}:{v!r} 不是日期(请写 2027-02-05)") from None
    return out


def load(path: str | Path) -> dict[int, Notice]:
    """Every year in the file, as the notices it was imported from. A missing or broken file is one error."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _bad(path, "no such file; create it with `sheetsync holidays import NOTICE.txt --file " + path.name + "`",
                   "文件不存在;请用 `sheetsync holidays import 通知.txt --file " + path.name + "` 生成") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _bad(path, f"cannot be read ({exc})", f"无法读取({exc})") from None
    years: dict[int, Notice] = {}
    for key, table in data.items():
        if not (key.isdigit() and len(key) == 4 and isinstance(table, dict)):
            raise _bad(path, f"'{key}' is not a year table such as [2027]", f"“{key}”不是年份表,例如 [2027]")
        year = int(key)
        holidays = [Holiday(str(h.get("name", "")), _days(path, f"[{key}] {h.get('name', '')} rest", h.get("rest", [])),
                            _days(path, f"[{key}] {h.get('name', '')} work", h.get("work", [])))
                    for h in table.get("holidays", []) if isinstance(h, dict)]
        if "rest" in table or "work" in table:
            holidays.append(Holiday("", _days(path, f"[{key}] rest", table.get("rest", [])),
                                    _days(path, f"[{key}] work", table.get("work", []))))
        years[year] = Notice(year, holidays)
    return years


def official_days(path: str | Path) -> dict[str, list[dt.date]]:
    """The file's days as the engine's `overrides["official_days"]`: {"rest": [...], "work": [...]}."""
    years = load(path)
    return {"rest": sorted({d for n in years.values() for d in n.rest}),
            "work": sorted({d for n in years.values() for d in n.work})}


def _dates(days: list[dt.date]) -> str:
    return "[" + ", ".join(d.isoformat() for d in days) + "]"


def render(years: dict[int, Notice]) -> str:
    """The file's text: one table per year, one [[YEAR.holidays]] entry per holiday of its notice."""
    out = [HEADER]
    for year in sorted(years):
        notice = years[year]
        out.append(f"[{year}]")
        title = f"国务院办公厅关于{year}年部分节假日安排的通知"
        out.append(f"notice = {json.dumps(title, ensure_ascii=False)}\n")
        for h in notice.holidays:
            out.append(f"[[{year}.holidays]]")
            out.append(f"name = {json.dumps(h.name, ensure_ascii=False)}")
            out.append(f"rest = {_dates(sorted(h.rest))}")
            out.append(f"work = {_dates(sorted(h.work))}\n")
    return "\n".join(out)


def store_notice(path: str | Path, notice: Notice) -> Path:
    """Add (or replace) the notice's year in the file, keeping the other years; written whole or not at all."""
    path = Path(path)
    years = load(path) if path.exists() else {}
    years[notice.year] = notice
    text = render(years)
    write_atomic(path, text.encode("utf-8"))
    return path
