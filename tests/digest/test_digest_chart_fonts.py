"""The Chinese chart on a machine with no fonts but matplotlib's own: no missing-glyph warnings, the labels
in the HTML.

matplotlib scans the system font folders itself (not only through fontconfig), so an empty fontconfig is not
enough on a machine that has CJK fonts: a first process writes a fresh matplotlib font cache that lists only
the fonts bundled with matplotlib (what a machine with only Python has), and the digest is built in a second
process that reads that cache."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

ONLY_BUNDLED = r"""
import matplotlib
from pathlib import Path
from matplotlib import font_manager
bundled = Path(matplotlib.get_data_path()).resolve()
fm = font_manager.FontManager()
fm.ttflist = [f for f in fm.ttflist if Path(f.fname).resolve().is_relative_to(bundled)]
fm.afmlist = [f for f in fm.afmlist if Path(f.fname).resolve().is_relative_to(bundled)]
font_manager.json_dump(fm, Path(matplotlib.get_cachedir()) / f"fontlist-v{font_manager.FontManager.__version__}.json")
"""

SCRIPT = r"""
import datetime as dt, json, sys, tempfile, warnings
from pathlib import Path
warnings.simplefilter("always")  # every warning printed, none swallowed by the once-per-place filter
sys.path.insert(0, sys.argv[1])
from support.digest_fixtures import campaign_week
from sheetsync.digest import History, build_digests
from matplotlib import font_manager
with tempfile.TemporaryDirectory() as tmp, History(Path(tmp) / "state.db") as history:
    batch = build_digests(campaign_week("zh", 43), history, tracker="t.xlsx", today=dt.date(2026, 10, 19))
team = next(m for m in batch.messages if m.kind == "team")
fonts = sorted({f.name for f in font_manager.fontManager.ttflist})
print(json.dumps({"html": team.html, "png": len(team.png or b""), "fonts": fonts}))
"""


def test_chinese_chart_without_any_system_font(tmp_path):
    conf = tmp_path / "fonts.conf"  # fontconfig with no font directory: no system font is visible
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    f"<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>", encoding="utf-8")
    mpl = tmp_path / "mpl"
    mpl.mkdir()  # a fresh matplotlib config and font cache, as on a new machine
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MPL", "FONTCONFIG", "XDG_"))}
    env.update(FONTCONFIG_FILE=str(conf), FONTCONFIG_PATH=str(tmp_path), MPLCONFIGDIR=str(mpl),
               XDG_DATA_HOME=str(tmp_path / "xdg"), HOME=str(tmp_path), PYTHONPATH=str(ROOT),
               PYTHONWARNINGS="always")
    prep = subprocess.run([sys.executable, "-c", ONLY_BUNDLED], capture_output=True, text=True, env=env, timeout=240)
    assert prep.returncode == 0, prep.stderr[-3000:]
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT / "tests")], capture_output=True, text=True,
                          env=env, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout)
    assert not any("CJK" in name or "Hei" in name or "Han" in name for name in out["fonts"]), out["fonts"]
    for word in ("Glyph", "missing from", "findfont", "Font family", "Warning", "warn"):
        assert word not in done.stderr, done.stderr[-3000:]
    assert out["png"] > 0
    html = out["html"]
    chart = html.split("各阶段进度", 1)[1].split("</table>", 1)[0]
    for label in ("策划", "资源筹备", "执行"):
        assert f">{label}</td>" in chart
    legend = html.split("各阶段进度", 1)[1]
    for label in ("已完成", "进行中", "未开始"):
        assert label in legend
