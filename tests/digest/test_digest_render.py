"""The HTML digest at phone width in headless Chromium, escaping, and the chart."""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from support.digest_fixtures import campaign_week, make_report, task
from support.needs import missing
from sheetsync.digest import History, build_digests
from sheetsync.digest.chart import COLOURS, ROW_PX, SCALE, progress_png, stage_counts

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WIDTH = 390

# New headless Chromium will not make a window narrower than 500 px, so the digest is laid out in a
# 390 px iframe (its own viewport, like a phone's) and measured from the page around it after load.
FRAME = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0;background:#fff">
<iframe id="mail" style="display:block;width:%dpx;height:1990px;border:0" srcdoc="%s"></iframe>
<script>
window.addEventListener('load', function () {
  var frame = document.getElementById('mail'), doc = frame.contentDocument, vw = frame.contentWindow.innerWidth;
  var right = 0, worst = '';
  doc.querySelectorAll('body *').forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.right > right) { right = r.right; worst = el.tagName + ':' + (el.textContent || '').slice(0, 40); }
  });
  var out = document.createElement('pre');
  out.textContent = 'PROBE vw=' + vw + ' scroll=' + doc.documentElement.scrollWidth +
                    ' right=' + Math.ceil(right) + ' worst=' + worst.replace(/\\s+/g, ' ');
  document.body.appendChild(out);
});
</script></body></html>"""


def framed(html: str) -> str:
    import html as htmllib
    return FRAME % (WIDTH, htmllib.escape(html, quote=True))


def _chromium(args: list[str], tmp: Path) -> subprocess.CompletedProcess:
    profile = tempfile.mkdtemp(dir=tmp, prefix="chromium-profile-")
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", f"--window-size={WIDTH},2000", "--hide-scrollbars", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def _hostile_week(lang: str):
    report = campaign_week(lang, 43)
    long_url = "https://example.com/" + "very-long-path-segment-" * 12
    report.tasks.append(task(20, "<script>alert(1)</script> " + "超长的任务标题没有空格" * 8, "王芳", "in-progress",
                             dt.date(2026, 10, 21), "ok", 2, lang))
    report.tasks.append(task(21, long_url, "王芳", "in-progress", dt.date(2026, 10, 22), "ok", 2, lang))
    return report


@pytest.fixture(scope="module", params=["zh", "en"])
def rendered(request, tmp_path_factory):
    lang = request.param
    tmp = tmp_path_factory.mktemp(f"render-{lang}")
    with History(tmp / "state.db") as history:
        build_digests(campaign_week(lang, 42), history, tracker="t.xlsx", today=dt.date(2026, 10, 12))
        batch = build_digests(_hostile_week(lang), history, tracker="t.xlsx", today=dt.date(2026, 10, 19))
    personal = next(m for m in batch.messages if m.recipient == "wang.fang@example.com")
    return lang, next(m for m in batch.messages if m.kind == "team"), tmp, personal


def test_html_escapes_sheet_text(rendered):
    _, message, _, personal = rendered
    assert "<script>alert(1)</script>" not in message.html + personal.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in message.html
    assert "<script>alert(1)</script>" in message.text  # plain text needs no escaping


def test_html_follows_the_mobile_rules(rendered):
    _, message, _, _ = rendered
    assert "max-width:600px" in message.html and "word-break:break-word" in message.html
    widths = [int(w) for w in re.findall(r"(?<![-\w])(?:width|min-width|max-width)\s*[:=]\s*\"?(\d+)(?:px)?",
                                         message.html)]
    assert widths and max(w for w in widths if w != 600) <= 360
    assert "<table" not in message.html or "table-layout" in message.html


@pytest.mark.chromium
def test_no_horizontal_overflow_at_phone_width(rendered):
    if CHROMIUM is None:
        missing("chromium not installed")
    lang, message, tmp, personal = rendered
    for kind, mail in (("personal", personal), ("team", message)):
        page = tmp / f"digest-{lang}-{kind}.html"
        page.write_text(framed(mail.browser_html()), encoding="utf-8")
        dump = _chromium(["--virtual-time-budget=5000", "--dump-dom", page.as_uri()], tmp)
        m = re.search(r"PROBE vw=(\d+) scroll=(\d+) right=(\d+) worst=(.*?)</pre>", dump.stdout)
        assert m, dump.stderr[-2000:]
        vw, scroll, right = int(m.group(1)), int(m.group(2)), int(m.group(3))
        assert vw == WIDTH
        assert scroll <= WIDTH and right <= WIDTH, f"{kind} overflows: scroll {scroll}, right {right}, {m.group(4)}"
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"digest-{lang}-{WIDTH}.png"
    shot.unlink(missing_ok=True)
    whole = tmp / f"shot-{lang}.png"
    result = _chromium(["--virtual-time-budget=5000", f"--screenshot={whole}", page.as_uri()], tmp)
    assert whole.is_file(), result.stderr[-2000:]
    from PIL import Image
    with Image.open(whole) as img:
        img.crop((0, 0, WIDTH, img.height)).save(shot)  # keep the phone-wide frame only
    with Image.open(shot) as img:
        assert img.width == WIDTH
        # the frame shows the digest: many distinct colours, not a blank page
        assert len(img.convert("RGB").getcolors(maxcolors=1 << 20)) > 50


def test_chart_is_a_small_png_with_stage_counts(tmp_path):
    report = campaign_week("zh", 43)
    counts = stage_counts(report, "zh")
    assert counts == {"策划": [1, 0, 0], "资源筹备": [1, 2, 1], "执行": [0, 0, 7]}
    png = progress_png(report)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) < 60_000
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    # one 2x-scaled ROW_PX slot per stage, so the HTML rows beside it line up with the bars
    assert (width, height) == (600, 3 * ROW_PX * SCALE)
    (tmp_path / "chart.png").write_bytes(png)
    from PIL import Image
    with Image.open(tmp_path / "chart.png") as img:
        rgb = img.convert("RGB")
        centre = [rgb.getpixel((x, (2 * i + 1) * ROW_PX * SCALE // 2)) for i in range(3) for x in (3,)]
        done, todo = tuple(int(COLOURS[0][k:k + 2], 16) for k in (1, 3, 5)), tuple(
            int(COLOURS[2][k:k + 2], 16) for k in (1, 3, 5))
        # 策划 starts with a done bar, 执行 (all 7 not started) with a not-started bar, in sheet order
        assert _near(centre[0], done) and _near(centre[1], done) and _near(centre[2], todo)
        # the longest stage (执行, 7 tasks) fills the width; 策划 (1 task) only a seventh of it
        assert _near(rgb.getpixel((590, 5 * ROW_PX * SCALE // 2)), todo)
        assert not _near(rgb.getpixel((300, ROW_PX * SCALE // 2)), done)


def _near(a, b, tol=12):
    return all(abs(x - y) <= tol for x, y in zip(a, b))


def test_chart_labels_and_counts_are_html_text_beside_the_bars():
    report = campaign_week("zh", 43)
    with tempfile.TemporaryDirectory() as tmp, History(Path(tmp) / "state.db") as history:
        batch = build_digests(report, history, tracker="t.xlsx", today=dt.date(2026, 10, 19))
    team = next(m for m in batch.messages if m.kind == "team")
    html = team.html
    rows = re.findall(r'<tr style="height:(\d+)px;">\s*<td[^>]*>([^<]*)</td>', html)
    assert [label for _, label in rows] == ["策划", "资源筹备", "执行"]
    assert {int(h) for h, _ in rows} == {ROW_PX}
    assert f'height:{3 * ROW_PX}px' in html and "各阶段进度" in html
    for label in ("已完成", "进行中", "未开始"):
        assert label in html.split("各阶段进度", 1)[1]
    assert ">1/1<" in html and ">1/4<" in html and ">0/7<" in html


def test_chart_falls_back_without_stages():
    report = make_report("en", dt.date(2026, 10, 12), [])
    assert progress_png(report)[:8] == b"\x89PNG\r\n\x1a\n"
