"""At 390 px in headless Chromium, no date and no count in a digest breaks across lines: each is kept whole
(a nowrap span the renderer puts around what sheetsync.dates_text writes), and none is left outside one."""
from __future__ import annotations

import re

import pytest

from support.digest_fixtures import BUSY_TODAY, HOLIDAY_PEOPLE, TRACKER_FIELDS, BUSY_CAMPAIGN, busy_tasks
from support.needs import missing
from sheetsync import api
from test_digest_render import CHROMIUM, WIDTH, _chromium
from support.tracker_factory import make_tracker

# Laid out in a 390 px iframe (headless Chromium keeps windows at least 500 px wide); the probe counts kept
# phrases that take more than one line box, and dates or counts in text outside any kept phrase.
PROBE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0;background:#fff">
<iframe id="mail" style="display:block;width:%dpx;height:4000px;border:0" srcdoc="%s"></iframe>
<script>
window.addEventListener('load', function () {
  var doc = document.getElementById('mail').contentDocument, broken = [], loose = [], kept = 0;
  doc.querySelectorAll('span').forEach(function (el) {
    if (el.style.whiteSpace !== 'nowrap') return;
    kept += 1;
    var lines = {};
    Array.prototype.forEach.call(el.getClientRects(), function (r) { lines[Math.round(r.top)] = 1; });
    if (Object.keys(lines).length > 1) broken.push(el.textContent);
  });
  var date = /第\\d+周（|week \\d+ \\(|\\d{2}-\\d{2}（周|(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{1,2} \\(|\\d+ (个工作日|小时|项任务)|\\d+ (working days?|hours?|tasks?)/;
  var walk = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
  for (var n = walk.nextNode(); n; n = walk.nextNode()) {
    var kept_here = false;
    for (var p = n.parentElement; p; p = p.parentElement) { if (p.style && p.style.whiteSpace === 'nowrap') { kept_here = true; break; } }
    if (!kept_here && date.test(n.textContent)) loose.push(n.textContent.trim().slice(0, 60));
  }
  var out = document.createElement('pre');
  out.textContent = 'PROBE kept=' + kept + ' broken=' + JSON.stringify(broken) + ' loose=' + JSON.stringify(loose);
  document.body.appendChild(out);
});
</script></body></html>"""


@pytest.mark.chromium
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_date_or_count_breaks_at_phone_width(tmp_path, lang):
    if CHROMIUM is None:
        missing("chromium not installed")
    import html as htmllib
    path = make_tracker(tmp_path / "tracker.xlsx", busy_tasks(lang), lang=lang, fields=TRACKER_FIELDS,
                        campaign=dict(BUSY_CAMPAIGN, calendar="CN"),
                        people=[(n, e, "") for n, e in HOLIDAY_PEOPLE.items()])
    batch, _ = api.digest(path, today=BUSY_TODAY, outbox=tmp_path / "out", state=tmp_path / "state.db")
    team = next(m for m in batch.messages if m.kind == "team")
    li = next(m for m in batch.messages if m.content.recipient_name == "李四")
    for kind, mail in (("team", team), ("personal", li)):
        page = tmp_path / f"phone-{lang}-{kind}.html"
        page.write_text(PROBE % (WIDTH, htmllib.escape(mail.browser_html(), quote=True)), encoding="utf-8")
        dump = _chromium(["--virtual-time-budget=5000", "--dump-dom", page.as_uri()], tmp_path)
        m = re.search(r"PROBE kept=(\d+) broken=(.*?) loose=(.*?)</pre>", dump.stdout, re.S)
        assert m, dump.stderr[-2000:]
        assert int(m.group(1)) > 20, kind  # the dates and counts are there, each kept whole
        assert m.group(2) == "[]", (kind, htmllib.unescape(m.group(2)))
        assert m.group(3) == "[]", (kind, htmllib.unescape(m.group(3)))
