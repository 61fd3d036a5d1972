"""Render a declarative template from sheet_templates/ to a new tracker workbook (.xlsx).

Templates are data (TOML, text in zh and en); this is the one generator for all of them, so nothing here
knows about a particular template. Headers come from engine.schema so what we write is what the engine reads.
"""
from __future__ import annotations

import datetime as dt
import io
import tomllib
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .atomic import write_atomic
from .clock import make_clock
from .engine import schema
from .engine.calendar import WorkCalendar
from .engine.timepoints import parse_time_point, resolve
from .engine.values import STATUS_LABELS

__all__ = ["TEMPLATE_DIR", "UnknownTemplateError", "list_templates", "load_template", "create_tracker"]

# A source checkout keeps them at the top of the repository; an installed wheel inside the package.
_HERE = Path(__file__).resolve().parent
TEMPLATE_DIR = next((d for d in (_HERE.parent / "sheet_templates", _HERE / "sheet_templates") if d.is_dir()),
                    _HERE / "sheet_templates")
LANGS = ("zh", "en")
FIELDS = ("id", "stage", "task", "details", "owner", "department", "reviewer", "depends_on", "time_point",
          "duration", "deadline", "status", "submitted", "reviewed", "notes")
HEADER_ROW = 3
SPARE_ROWS = 200  # the status drop-down also covers rows people add later

TEXT = {
    "zh": {"tasks": "任务", "title": "活动任务跟踪表", "off": "休息", "work": "上班", "sep": "、",
           "dv_title": "状态", "dv_error": "请从下拉列表中选择状态", "dv_prompt": "从列表选择任务状态"},
    "en": {"tasks": "Tasks", "title": "Campaign task tracker", "off": "day off", "work": "workday", "sep": ", ",
           "dv_title": "Status", "dv_error": "Pick a status from the drop-down list", "dv_prompt": "Pick the task's status"},
}
WIDTHS = {"id": 7, "stage": 12, "task": 26, "details": 40, "owner": 12, "department": 12, "reviewer": 12,
          "depends_on": 16, "time_point": 20, "duration": 8, "deadline": 13, "status": 11, "submitted": 18,
          "reviewed": 18, "notes": 30}
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
SIDE_FILL = PatternFill("solid", fgColor="D9E1F2")
DATE_FMT = "yyyy-mm-dd"
DATETIME_FMT = "yyyy-mm-dd hh:mm"
DEFAULT_ZONE = "Asia/Shanghai"  # a template that names no zone: the teams the seeds describe


class UnknownTemplateError(KeyError):
    """A template name that is not in sheet_templates/; the message lists the known ones."""

    def __init__(self, name: str, known: list[str]):
        super().__init__(name)
        self.name, self.known = name, known

    def __str__(self) -> str:
        return f"{self.name!r} (known templates / 可用模板: {', '.join(self.known)})"


def list_templates() -> list[str]:
    return sorted(p.stem for p in TEMPLATE_DIR.glob("*.toml"))


def load_template(name: str) -> dict:
    known = list_templates()
    if name not in known:  # also keeps names like '../x' away from the file system
        raise UnknownTemplateError(name, known)
    with open(TEMPLATE_DIR / f"{name}.toml", "rb") as f:
        return tomllib.load(f)


def _t(value, lang: str):
    """A template value: either language-neutral or a {zh: .., en: ..} table."""
    if isinstance(value, dict) and set(value) <= set(LANGS):
        return value.get(lang)
    return value


def _zh_or_en(aliases, lang: str) -> str:
    """The first alias in the language: CJK for zh, ASCII (capitalised) for en; the engine ignores case."""
    for a in aliases:
        if a.isascii() == (lang == "en"):
            return (a[:1].upper() + a[1:]).replace(" sla ", " SLA ") if lang == "en" else a
    return aliases[0]


def _dates(tpl: dict, launch: dt.date) -> tuple[dt.date, dt.date]:
    return launch, launch + dt.timedelta(days=int(tpl["campaign"]["length_days"]))


def _holidays(tpl: dict, launch: dt.date, end: dt.date) -> list[tuple[dt.date, bool, dict]]:
    """(date, is_workday, note) from offsets relative to the end, so they move with the campaign."""
    return [(end + dt.timedelta(days=int(h["days_after_end"])), bool(h.get("workday", False)), h["note"])
            for h in tpl.get("holidays", [])]


def _calendar(tpl: dict, launch: dt.date, end: dt.date) -> WorkCalendar:
    hol = _holidays(tpl, launch, end)
    return WorkCalendar(tpl["campaign"].get("calendar", "CN"),
                        holidays=[d for d, work, _ in hol if not work], workdays=[d for d, work, _ in hol if work])


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def _demo_rows(tpl: dict, lang: str, launch: dt.date, end: dt.date, today: dt.date) -> dict[str, dict]:
    """Status, review times and notes per task id for the demo scenario; rows not listed stay not started."""
    cal = _calendar(tpl, launch, end)
    out: dict[str, dict] = {}
    people = {p["key"]: p for p in tpl["people"]}
    for task in tpl["tasks"]:
        spec = tpl.get("demo", {}).get("rows", {}).get(task["id"], {})
        status = spec.get("status", "not-started")
        row = {"status": status}
        if "note" in spec:
            row["notes"] = _t(spec["note"], lang)
        if status == "in-review":
            # working days ago: the review clock counts working days only, so a draft "two days" old has waited
            # two working days whatever weekday the demo is made on
            row["submitted"] = _at(cal.add_workdays(today, -int(spec.get("submitted_days_ago", 2))), 10)
        elif status == "done" and task.get("reviewer") in people:
            # reviewed a day before its due date (or yesterday): the finished work looks properly signed off
            due = _due(task, lang, launch, end, cal)
            base = min(due, today) if due else today
            submitted = cal.previous_workday(base - dt.timedelta(days=1))
            row["submitted"] = _at(submitted, 10)
            row["reviewed"] = _at(submitted, 15, 30)
        out[task["id"]] = row
    return out


def _due(task: dict, lang: str, launch: dt.date, end: dt.date, cal: WorkCalendar) -> dt.date | None:
    if "deadline_days" in task:
        return _explicit_deadline(task, launch, cal)
    tp = parse_time_point(_t(task.get("time_point"), lang))
    return resolve(tp, launch, end, cal) if tp else None


def _explicit_deadline(task: dict, launch: dt.date, cal: WorkCalendar) -> dt.date:
    return cal.previous_workday(launch + dt.timedelta(days=int(task["deadline_days"])))


def _style_header(ws, row: int, ncols: int) -> None:
    for c in range(1, ncols + 1):
        cell = ws.cell(row, c)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _tasks_sheet(wb: Workbook, tpl: dict, lang: str, launch: dt.date, end: dt.date, demo: dict | None) -> None:
    text = TEXT[lang]
    ws = wb.active
    ws.title = text["tasks"]
    ncols = len(FIELDS)
    col = {f: i for i, f in enumerate(FIELDS, 1)}
    name = _t(tpl["campaign"]["name"], lang)
    ws.cell(1, 1, f"{name} · {text['title']}").font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    if tpl.get("subtitle"):
        ws.cell(2, 1, _t(tpl["subtitle"], lang)).font = Font(italic=True, color="595959")
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncols)
    for f, c in col.items():
        ws.cell(HEADER_ROW, c, schema.header(f, lang))
        ws.column_dimensions[get_column_letter(c)].width = WIDTHS[f]
    _style_header(ws, HEADER_ROW, ncols)
    ws.row_dimensions[HEADER_ROW].height = 22

    people = {p["key"]: p for p in tpl["people"]}
    cal = _calendar(tpl, launch, end)
    labels = STATUS_LABELS[lang]
    for r, task in enumerate(tpl["tasks"], HEADER_ROW + 1):
        owner = people.get(task.get("owner"))
        reviewer = people.get(task.get("reviewer"))
        dept = _t(task.get("department"), lang) or (_t(owner["department"], lang) if owner else None)
        state = (demo or {}).get(task["id"], {})
        values = {
            "id": task["id"],
            "stage": _t(task.get("stage"), lang),
            "task": _t(task["task"], lang),
            "details": _t(task.get("details"), lang),
            "owner": _t(owner["name"], lang) if owner else None,
            "department": dept,
            "reviewer": _t(reviewer["name"], lang) if reviewer else None,
            "depends_on": text["sep"].join(task.get("depends_on", [])) or None,
            "time_point": _t(task.get("time_point"), lang),
            "duration": task.get("duration"),
            "deadline": _explicit_deadline(task, launch, cal) if "deadline_days" in task else None,
            "status": labels[state.get("status", "not-started")],
            "submitted": state.get("submitted"),
            "reviewed": state.get("reviewed"),
            "notes": state.get("notes") or _t(task.get("notes"), lang),
        }
        for f, v in values.items():
            if v is None:
                continue
            cell = ws.cell(r, col[f], v)
            if isinstance(v, str):
                cell.data_type = "s"  # a cell text starting with '=' must stay text, never a formula
            if isinstance(v, dt.datetime):
                cell.number_format = DATETIME_FMT
            elif isinstance(v, dt.date):
                cell.number_format = DATE_FMT
            cell.alignment = Alignment(wrap_text=f in ("details", "notes", "task"), vertical="top")
    last = HEADER_ROW + len(tpl["tasks"])
    # Empty spare rows keep the date formats, so typed dates come out as yyyy-mm-dd too.
    for r in range(last + 1, last + SPARE_ROWS + 1):
        for f, fmt in (("deadline", DATE_FMT), ("submitted", DATETIME_FMT), ("reviewed", DATETIME_FMT)):
            ws.cell(r, col[f]).number_format = fmt

    words = ",".join(labels[s] for s in ("not-started", "in-progress", "in-review", "done", "blocked", "cancelled"))
    dv = DataValidation(type="list", formula1=f'"{words}"', allow_blank=True, showDropDown=False,
                        showErrorMessage=True, errorTitle=text["dv_title"], error=text["dv_error"],
                        showInputMessage=True, promptTitle=text["dv_title"], prompt=text["dv_prompt"])
    status_col = get_column_letter(col["status"])
    dv.add(f"{status_col}{HEADER_ROW + 1}:{status_col}{last + SPARE_ROWS}")
    ws.add_data_validation(dv)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1).coordinate
    # printed or exported to PDF, the whole table width fits on a landscape page
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(ncols)}{last}"


def _campaign_sheet(wb: Workbook, tpl: dict, lang: str, launch: dt.date, end: dt.date) -> None:
    ws = wb.create_sheet(_zh_or_en(schema.CAMPAIGN_SHEETS, lang))
    c = tpl["campaign"]
    owner = next((p for p in tpl["people"] if p["key"] == c["owner"]), None)
    rows = [
        ("name", _t(c["name"], lang)),
        ("launch", launch),
        ("end", end),
        ("owner", _t(owner["name"], lang) if owner else None),
        ("owner_email", owner["email"] if owner else None),
        ("recipients", ", ".join(p["email"] for p in tpl["people"] if p.get("recipient"))),
        ("target", _t(c.get("target"), lang)),
        ("timezone", template_zone(tpl)),
        ("calendar", c.get("calendar", "CN")),
        ("review_sla_hours", c.get("review_sla_hours", 24)),
    ]
    r = 0
    for r, (key, value) in enumerate(((k, v) for k, v in rows if v not in (None, "")), 1):
        ws.cell(r, 1, _zh_or_en(schema.CAMPAIGN_KEYS[key], lang)).font = Font(bold=True)
        ws.cell(r, 1).fill = SIDE_FILL
        cell = ws.cell(r, 2, value)
        if isinstance(value, dt.date):
            cell.number_format = DATE_FMT
        elif isinstance(value, str):
            cell.data_type = "s"
    prefix = "提前期" if lang == "zh" else "Lead time"
    for r, lead in enumerate(c.get("lead_times", []), r + 1):
        ws.cell(r, 1, f"{prefix}:{_t(lead['department'], lang)}" if lang == "zh"
                else f"{prefix}: {_t(lead['department'], lang)}").font = Font(bold=True)
        ws.cell(r, 1).fill = SIDE_FILL
        ws.cell(r, 2, int(lead["days"]))
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 48


def _table_sheet(wb: Workbook, title: str, headers: list[str], rows: list[list], widths: list[int]) -> None:
    ws = wb.create_sheet(title)
    ws.append(headers)
    _style_header(ws, 1, len(headers))
    for row in rows:
        ws.append(row)
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, dt.date):
                cell.number_format = DATE_FMT
    ws.freeze_panes = "A2"


def _workbook(tpl: dict, lang: str, launch: dt.date, today: dt.date, scenario: str | None) -> Workbook:
    launch, end = _dates(tpl, launch)
    demo = _demo_rows(tpl, lang, launch, end, today) if scenario == "demo" else None
    wb = Workbook()
    _tasks_sheet(wb, tpl, lang, launch, end, demo)
    _campaign_sheet(wb, tpl, lang, launch, end)
    head = [_zh_or_en(schema.PEOPLE_COLUMNS[k], lang) for k in ("name", "email", "department")]
    _table_sheet(wb, _zh_or_en(schema.PEOPLE_SHEETS, lang), head,
                 [[_t(p["name"], lang), p["email"], _t(p["department"], lang)] for p in tpl["people"]], [16, 30, 14])
    head = [_zh_or_en(schema.HOLIDAY_COLUMNS[k], lang) for k in ("date", "kind", "note")]
    text = TEXT[lang]
    _table_sheet(wb, _zh_or_en(schema.HOLIDAY_SHEETS, lang), head,
                 [[d, text["work"] if work else text["off"], _t(note, lang)]
                  for d, work, note in _holidays(tpl, launch, end)], [13, 10, 30])
    return wb


def template_zone(tpl: dict | str) -> str:
    """The zone a tracker made from this template writes in its Campaign sheet."""
    tpl = load_template(tpl) if isinstance(tpl, str) else tpl
    return tpl["campaign"].get("timezone", DEFAULT_ZONE)


def create_tracker(path, template: str, *, lang: str = "zh", launch: dt.date | None = None,
                   today: dt.date | None = None, scenario: str | None = None) -> Path:
    """Write a new tracker from a template. Never overwrites: FileExistsError if `path` exists.

    scenario="demo" ignores `launch` and places the campaign around `today` with the template's demo
    statuses (some late, one unreviewed, one dependency problem, one blocked)."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    if scenario not in (None, "demo"):
        raise ValueError(f"unknown scenario {scenario!r}; the only scenario is 'demo'")
    tpl = load_template(template)
    path = Path(path)
    today = today or make_clock(template_zone(tpl)).today  # the day where the team is, not on the server
    if scenario == "demo":
        launch = today + dt.timedelta(days=int(tpl["demo"]["launch_in_days"]))
    launch = launch or today + dt.timedelta(days=21)
    if path.exists():
        raise FileExistsError(f"{path}: already exists; sheetsync init never overwrites a tracker "
                              f"(已存在,不会覆盖:请换个文件名或先删除)")
    wb = _workbook(tpl, lang, launch, today, scenario)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    try:
        return write_atomic(path, buffer.getvalue(), exclusive=True)  # never over a file made meanwhile
    except FileExistsError:
        raise FileExistsError(f"{path}: already exists; sheetsync init never overwrites a tracker "
                              f"(已存在,不会覆盖:请换个文件名或先删除)") from None
