"""LibreOffice evaluates sheetsync's owned rules itself, with no sync between: a person's edits in the file clear a
row's red the moment the row says it is done, and a deadline that passed since the sync turns its row red.
LibreOffice's TODAY() is the machine's date, so the dates here are chosen around the real today."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import openpyxl
import pytest

import sheetsync.api as api
from support.needs import missing
from support.row_colours import row_colour
from support.tracker_factory import make_tracker

pytestmark = pytest.mark.libreoffice
FIELDS = ("id", "task", "owner", "deadline", "status", "progress", "done_date")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        missing(f"{name} not installed")
    return found


def _render(path, folder) -> dict[str, str | None]:
    """Task id -> the owned fill LibreOffice paints on its row (page 1 of its PDF, as pdftoppm draws it)."""
    from PIL import Image

    soffice, pdftoppm, pdftotext = _tool("soffice"), _tool("pdftoppm"), _tool("pdftotext")
    subprocess.run([soffice, f"-env:UserInstallation=file://{folder}/profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), str(path)], check=True, capture_output=True, timeout=300)
    pdf = folder / (path.stem + ".pdf")
    dpi = 150
    subprocess.run([pdftoppm, "-r", str(dpi), "-png", "-singlefile", "-f", "1", "-l", "1", str(pdf),
                    str(folder / "page")], check=True, timeout=120)
    img = Image.open(folder / "page.png").convert("RGB")
    bbox = subprocess.run([pdftotext, "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    words = [(m.group(5), *map(float, m.group(1, 2, 3, 4))) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', bbox)]
    ids = {w[0]: w for w in words if re.fullmatch(r"T\d", w[0])}
    scale = dpi / 72
    right = int(max(w[3] for w in words) * scale)
    return {t: row_colour(img, int(round((y0 + y1) / 2 * scale)), int(x0 * scale) + 30, min(right, img.width - 1))
            for t, (_, x0, y0, x1, y1) in ids.items()}


def test_libreoffice_clears_done_rows_and_reds_a_passed_deadline_without_a_sync(tmp_path):
    today = dt.date.today()  # what LibreOffice's TODAY() says
    synced_on = today - dt.timedelta(days=3)
    long_ago = synced_on - dt.timedelta(days=10)
    tasks = [
        {"id": "T1", "task": "方案", "owner": "张三", "status": "进行中", "progress": 0.5, "deadline": long_ago},
        {"id": "T2", "task": "海报", "owner": "张三", "status": "进行中", "progress": 0.5, "deadline": long_ago},
        {"id": "T3", "task": "文案", "owner": "张三", "status": "进行中", "progress": 0.5, "deadline": long_ago},
        {"id": "T4", "task": "物料", "owner": "张三", "status": "进行中", "progress": 0.5, "deadline": long_ago},
        {"id": "T5", "task": "预约", "owner": "张三", "status": "进行中", "progress": 0.5,
         "deadline": today - dt.timedelta(days=1)},  # not yet due on the sync's day; passed yesterday
        {"id": "T6", "task": "上线", "owner": "张三", "status": "进行中", "progress": 0.5,
         "deadline": today + dt.timedelta(days=60)},
    ]
    path = make_tracker(tmp_path / "tracker.xlsx", tasks, fields=FIELDS, title=None)
    result = api.sync(str(path), today=synced_on, record=False)
    health = {t.id: t.health for t in result.report.tasks}
    assert [t for t, h in health.items() if h == "late"] == ["T1", "T2", "T3", "T4"] and health["T5"] != "late"

    # a person's edits on a copy, saved by another program, and no sync after them
    edited = tmp_path / "edited" / "tracker.xlsx"
    edited.parent.mkdir()
    wb = openpyxl.load_workbook(path)
    ws = wb[result.report.sheet]
    col = {f: c + 1 for f, c in result.report.columns.items()}
    row = {t.id: t.row for t in result.report.tasks}
    ws.cell(row["T2"], col["status"]).value = "已完成"
    ws.cell(row["T3"], col["progress"]).value = 1
    ws.cell(row["T4"], col["done_date"]).value = today
    ws.cell(row["T4"], col["done_date"]).number_format = "yyyy-mm-dd"
    owned = [r.formula[0] for cf in ws.conditional_formatting for r in cf.rules if r.formula]
    assert sum("TODAY()" in f for f in owned) >= 5  # the live rules are in the file LibreOffice opens
    wb.save(edited)

    seen = _render(edited, edited.parent)
    assert seen == {"T1": "late", "T2": None, "T3": None, "T4": None, "T5": "late", "T6": None}, seen

    # and the file as synced, before the edits: the four late rows red, the passed deadline red too
    original = _render(path, tmp_path)
    assert original == {"T1": "late", "T2": "late", "T3": "late", "T4": "late", "T5": "late", "T6": None}, original
