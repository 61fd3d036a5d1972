"""One small inline chart: progress by stage, 600x300 px PNG."""
from __future__ import annotations

import io
from collections import OrderedDict

from ..model import Report
from .i18n import t

_CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans SC", "WenQuanYi Zen Hei")


def _cjk_family() -> list[str]:
    from matplotlib import font_manager
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return [name for name in _CJK_FONTS if name in installed] + ["DejaVu Sans"]


def stage_counts(report: Report, lang: str) -> "OrderedDict[str, list[int]]":
    """stage -> [done, in progress, not started], in sheet order; cancelled tasks left out."""
    out: OrderedDict[str, list[int]] = OrderedDict()
    for task in report.tasks:
        if task.status == "cancelled":
            continue
        row = out.setdefault(task.stage or t(lang, "no_stage"), [0, 0, 0])
        if task.status == "done":
            row[0] += 1
        elif task.status in ("in-progress", "in-review"):
            row[1] += 1
        else:
            row[2] += 1
    return out


def progress_png(report: Report, lang: str | None = None) -> bytes:
    import matplotlib
    matplotlib.use("Agg")  # no display on a server; must precede pyplot
    from matplotlib.figure import Figure

    lang = lang or report.language
    counts = stage_counts(report, lang)
    stages = list(counts)[::-1] or [t(lang, "no_stage")]
    values = [counts.get(s, [0, 0, 0]) for s in stages]
    fig = Figure(figsize=(6, 3), dpi=100)
    ax = fig.add_subplot()
    family = _cjk_family()
    colours = ("#2e7d32", "#f9a825", "#cfd8dc")
    labels = (t(lang, "chart_done"), t(lang, "chart_progress"), t(lang, "chart_todo"))
    left = [0] * len(stages)
    for i in range(3):
        widths = [v[i] for v in values]
        ax.barh(stages, widths, left=left, color=colours[i], label=labels[i], height=0.6)
        left = [a + b for a, b in zip(left, widths)]
    ax.set_title(t(lang, "chart_title"), fontfamily=family, fontsize=15)
    for label in ax.get_yticklabels():
        label.set_fontfamily(family)
    ax.tick_params(labelsize=13)
    ax.xaxis.get_major_locator().set_params(integer=True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, frameon=False, prop={"family": family, "size": 12})
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return buf.getvalue()
