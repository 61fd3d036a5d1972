"""What a person sees in Google Sheets after sync: Google shows, for each cell, the format of the FIRST
conditional-format rule whose range holds the cell and whose condition is true (rules do not layer as in Excel).
The rules sheetsync wrote are evaluated that way here, so an error cell must show the error mark even on a late
row, and the error mark must be something Google can draw (no border)."""
import datetime as dt
import re

import sheetsync.api as api
from support import sheet_formulas
from support.gsheets_fixtures import emu, load_xlsx  # noqa: F401
from sheetsync.model import col_letter, parse_a1
from support.twin_trackers import CAMPAIGN, PEOPLE
from support.tracker_factory import make_tracker

D = dt.date
TODAY = "2026-09-21"
OWN = re.compile(r'^=AND\("sheetsync"="sheetsync",(.*)\)$')


def holds(rng, r, c):
    return rng["startRowIndex"] <= r < rng["endRowIndex"] and rng["startColumnIndex"] <= c < rng["endColumnIndex"]


def true_at(formula, rng, r, values, day=TODAY):
    """The rule's formula on row r as Google evaluates it (row references relative to the range's top row),
    on `day` (the day the sync ran unless said)."""
    assert OWN.match(formula), formula
    return sheet_formulas.true_at(formula, rng["startRowIndex"], r, values, dt.date.fromisoformat(day))


def shown(rules, values, r, c, day=TODAY):
    """The format Google shows at (r, c) on `day`: the first matching rule's, or None."""
    for rule in rules:
        b = rule["booleanRule"]
        for rng in rule["ranges"]:
            if holds(rng, r, c):
                if true_at(b["condition"]["values"][0]["userEnteredValue"], rule["ranges"][0], r, values, day):
                    return b["format"]
                break
    return None


def rgb(colour):
    """(r, g, b) in 0..255; Google leaves out zero components and stores float32."""
    return tuple(round(255 * (colour or {}).get(k, 0)) for k in ("red", "green", "blue"))


def colour_of(fmt, name):
    """A colour given as xColorStyle.rgbColor (what sheetsync sends) or the deprecated xColor."""
    style = (fmt.get(name + "Style") or {}).get("rgbColor")
    return style if style is not None else fmt.get(name)


def look(fmt):
    """What the eye sees of a rule's format: fill, text colour, bold."""
    if fmt is None:
        return None
    text = fmt.get("textFormat") or {}
    fill, font = colour_of(fmt, "backgroundColor"), colour_of(text, "foregroundColor")
    return (rgb(fill) if fill else None, rgb(font) if font else None, bool(text.get("bold")))


ERROR_LOOK = ((0xFF, 0xC7, 0xCE), (0x9C, 0x00, 0x06), True)
LATE_FILL = (0xE5, 0x73, 0x73)


def test_error_cells_show_the_error_mark_even_on_a_late_row(tmp_path, emu):
    tasks = [
        {"id": "T1", "task": "方案", "owner": "张三", "status": "进行中", "deadline": D(2026, 9, 10), "depends_on": "T9"},
        {"id": "T2", "task": "海报", "owner": "张三", "status": "未开始", "deadline": "2026-02-30"},
        {"id": "T3", "task": "文案", "owner": "张三", "status": "进行中", "deadline": D(2026, 9, 15)},
        {"id": "T4", "task": "上线", "owner": "张三", "status": "进行中", "deadline": D(2026, 10, 20)},
    ]
    key = load_xlsx(emu, make_tracker(tmp_path / "t.xlsx", tasks, campaign=CAMPAIGN, people=PEOPLE))
    result = api.sync(f"gsheet:{key}", today=TODAY)
    health = {t.id: t.health for t in result.report.tasks}
    assert health["T1"] == "late" and health["T2"] == "invalid" and health["T3"] == "late"
    errors = sorted({f.cell for f in result.report.findings if f.severity == "error"})
    t1_row = next(t.row for t in result.report.tasks if t.id == "T1") - 1
    assert any(parse_a1(c)[0] == t1_row for c in errors), errors  # an error cell on the late row

    rules, values = emu.conditional_formats(key, "任务"), emu.values(key, "任务")
    assert len(rules) == len(result.plan.rules)
    for cell in errors:
        r, c = parse_a1(cell)
        assert look(shown(rules, values, r, c)) == ERROR_LOOK, cell
    late = shown(rules, values, t1_row, 2)  # the task name on the late row: the late fill, not the error mark
    assert look(late)[0] == LATE_FILL
    t4_row = next(t.row for t in result.report.tasks if t.id == "T4") - 1
    assert shown(rules, values, t4_row, 2) is None  # an ok row: nothing painted


def test_google_rule_formats_carry_no_border():
    from sheetsync.plan import HIGHLIGHTS
    from sheetsync.gsheets.batch import rule_format
    for style in HIGHLIGHTS.values():
        fmt = rule_format(style)
        assert "borders" not in fmt and fmt.get("backgroundColorStyle", {}).get("rgbColor"), style.name
        # the deprecated plain colour fields are not sent (rule colours use the ...Style fields)
        assert "backgroundColor" not in fmt and "foregroundColor" not in fmt.get("textFormat", {}), style.name
    assert look(rule_format(HIGHLIGHTS["error-cell"])) == ERROR_LOOK


def test_rules_in_an_older_order_are_rewritten_once(tmp_path, emu):
    import requests
    tasks = [{"id": "T1", "task": "方案", "owner": "张三", "status": "进行中", "deadline": D(2026, 9, 10),
              "depends_on": "T9"}]
    key = load_xlsx(emu, make_tracker(tmp_path / "t.xlsx", tasks, campaign=CAMPAIGN, people=PEOPLE))
    api.sync(f"gsheet:{key}", today=TODAY)
    rules = emu.conditional_formats(key, "任务")
    sid = emu.sheet_properties(key, "任务")["sheetId"]
    # what an older sheetsync left: the error mark last, behind the row rules
    r = requests.post(f"{emu.base_url}/v4/spreadsheets/{key}:batchUpdate", timeout=10, json={"requests": [
        {"updateConditionalFormatRule": {"sheetId": sid, "index": 0, "newIndex": len(rules) - 1}}]})
    assert r.status_code == 200
    emu.request_log.clear()
    again = api.sync(f"gsheet:{key}", today=TODAY)
    assert again.changed and len([e for e in emu.request_log if e.method == "POST"]) == 1
    assert emu.conditional_formats(key, "任务") == rules
    emu.request_log.clear()
    assert not api.sync(f"gsheet:{key}", today=TODAY).changed and len(emu.request_log) == 2


def _as_older_versions_wrote(fmt):
    """A rule format with the plain backgroundColor / foregroundColor fields only, as sheetsync sent them before."""
    out = {}
    if colour_of(fmt, "backgroundColor"):
        out["backgroundColor"] = colour_of(fmt, "backgroundColor")
    text = fmt.get("textFormat") or {}
    old_text = {k: v for k, v in text.items() if not k.startswith("foregroundColor")}
    if colour_of(text, "foregroundColor"):
        old_text["foregroundColor"] = colour_of(text, "foregroundColor")
    if old_text:
        out["textFormat"] = old_text
    return out


def test_own_rules_written_with_the_deprecated_colour_fields_are_recognised_not_duplicated(tmp_path, emu):
    import requests
    tasks = [{"id": "T1", "task": "方案", "owner": "张三", "status": "进行中", "deadline": D(2026, 9, 10),
              "depends_on": "T9"},
             {"id": "T2", "task": "海报", "owner": "张三", "status": "未开始", "deadline": "2026-02-30"}]
    key = load_xlsx(emu, make_tracker(tmp_path / "t.xlsx", tasks, campaign=CAMPAIGN, people=PEOPLE))
    api.sync(f"gsheet:{key}", today=TODAY)
    sent = [b for e in emu.request_log if e.method == "POST" and isinstance(e.body, dict)
            for b in e.body.get("requests", []) if "addConditionalFormatRule" in b]
    assert sent and all("backgroundColorStyle" in b["addConditionalFormatRule"]["rule"]["booleanRule"]["format"]
                        and "backgroundColor" not in b["addConditionalFormatRule"]["rule"]["booleanRule"]["format"]
                        for b in sent)
    rules = emu.conditional_formats(key, "任务")
    sid = emu.sheet_properties(key, "任务")["sheetId"]
    # the tracker as the previous version left it: the same rules, colours in the deprecated fields only
    old = [{"ranges": r["ranges"], "booleanRule": dict(r["booleanRule"], format=_as_older_versions_wrote(
        r["booleanRule"]["format"]))} for r in rules]
    body = [{"deleteConditionalFormatRule": {"sheetId": sid, "index": i}} for i in reversed(range(len(rules)))]
    body += [{"addConditionalFormatRule": {"index": i, "rule": rule}} for i, rule in enumerate(old)]
    assert requests.post(f"{emu.base_url}/v4/spreadsheets/{key}:batchUpdate", json={"requests": body},
                         timeout=10).status_code == 200
    assert all("backgroundColorStyle" not in str(rule["booleanRule"]["format"]) for rule in old)
    emu.request_log.clear()
    again = api.sync(f"gsheet:{key}", today=TODAY)
    assert not again.changed and [e.method for e in emu.request_log] == ["GET", "GET"]  # nothing rewritten
    after = emu.conditional_formats(key, "任务")
    assert len(after) == len(rules) and [look(r["booleanRule"]["format"]) for r in after] == \
        [look(r["booleanRule"]["format"]) for r in rules]


def test_google_rules_clear_a_done_row_and_red_a_passed_deadline_without_a_sync(tmp_path, emu):
    """A person marks a late task done in Google Sheets: its row loses the late fill at once; and the day after a
    deadline the row is late with no sync (the rules read the row's cells and TODAY())."""
    tasks = [
        {"id": "T1", "task": "方案", "owner": "张三", "status": "进行中", "deadline": D(2026, 9, 10)},
        {"id": "T2", "task": "海报", "owner": "张三", "status": "进行中", "deadline": D(2026, 9, 22)},
        {"id": "T3", "task": "文案", "owner": "张三", "status": "已完成", "deadline": D(2026, 9, 22)},
    ]
    key = load_xlsx(emu, make_tracker(tmp_path / "t.xlsx", tasks, campaign=CAMPAIGN, people=PEOPLE))
    result = api.sync(f"gsheet:{key}", today=TODAY)
    row = {t.id: t.row - 1 for t in result.report.tasks}
    status = result.report.columns["status"]
    rules = emu.conditional_formats(key, "任务")

    def fill(task_id, day=TODAY):
        fmt = shown(rules, emu.values(key, "任务"), row[task_id], 1, day)
        return look(fmt)[0] if fmt else None

    assert fill("T1") == LATE_FILL and fill("T2") != LATE_FILL
    assert fill("T2", "2026-09-23") == LATE_FILL and fill("T3", "2026-09-23") is None  # done work is never late
    emu.set_values(key, "任务", f"{col_letter(status)}{row['T1'] + 1}", [["已完成"]])
    assert fill("T1") is None

