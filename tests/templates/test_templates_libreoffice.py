"""An independent reader opens what the generator writes: LibreOffice converts the task sheet to CSV."""
from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess

import pytest

from sheetsync.engine import schema
from sheetsync.templates import FIELDS, create_tracker, list_templates
from support.needs import missing

pytestmark = pytest.mark.libreoffice
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_libreoffice_reads_every_template(tmp_path, lang):
    if not SOFFICE:
        missing("LibreOffice not installed")
    paths = [create_tracker(tmp_path / f"{n}.xlsx", n, lang=lang, today=dt.date(2026, 3, 2), scenario="demo")
             for n in list_templates()]
    out = tmp_path / "csv"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(out),
                    *map(str, paths)], check=True, capture_output=True, timeout=240)
    for p in paths:
        with open(out / f"{p.stem}.csv", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        assert rows[2] == [schema.header(fld, lang) for fld in FIELDS]
        assert rows[3][0] == "T1"
        status = rows[3][FIELDS.index("status")]
        assert status in (("已完成", "未开始") if lang == "zh" else ("Done", "Not started"))
