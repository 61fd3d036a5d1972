"""The progress-by-stage chart: bars in a small PNG, every word in the HTML beside it.

The image holds no text at all, so it needs no font: a machine without CJK fonts (a fresh server, a CI
container) draws the same picture as any other, with no empty boxes and no missing-glyph warnings, and a
phone sets the stage names in its own fonts at its own size. The HTML lays one table row per stage
(`ROW_PX` high) next to the image, whose bars are drawn `ROW_PX` apart, so each name sits beside its bar."""
from __future__ import annotations

import io
from collections import OrderedDict
from dataclasses import dataclass

from ..model import Report
from .i18n import t

ROW_PX = 28  # height of one stage's row in the HTML, and of one bar's slot in the image (as displayed)
SCALE = 2  # the image is drawn at twice its displayed size, sharp on phone screens
WIDTH_PX = 600
COLOURS = ("#2e7d32", "#f9a825", "#cfd8dc")  # done, in progress, not started
TRACK = "#f0f2f4"


@dataclass(frozen=True)
class StageBar:
    label: str
    done: int
    progress: int
    todo: int

    @property
    def total(self) -> int:
        return self.done + self.progress + self.todo


@dataclass(frozen=True)
class Chart:
    """What the digest shows: the stages top to bottom, the legend and the bars-only PNG."""
    title: str
    rows: list[StageBar]
    legend: list[tuple[str, str]]  # (colour, label) for done, in progress, not started
    png: bytes
    row_px: int = ROW_PX

    @property
    def height_px(self) -> int:
        return self.row_px * len(self.rows)


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


def stage_bars(report: Report, lang: str) -> list[StageBar]:
    counts = stage_counts(report, lang)
    if not counts:
        return [StageBar(t(lang, "no_stage"), 0, 0, 0)]
    return [StageBar(label, *values) for label, values in counts.items()]


def bars_png(rows: list[StageBar]) -> bytes:
    """One bar per stage, top to bottom, on a light track; bar length in tasks (the longest stage fills the
    width). No title, ticks, labels or legend: the image contains no glyph."""
    import matplotlib
    matplotlib.use("Agg")  # no display on a server; must precede pyplot
    from matplotlib.figure import Figure

    n = max(len(rows), 1)
    dpi = 100
    fig = Figure(figsize=(WIDTH_PX / dpi, n * ROW_PX * SCALE / dpi), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    most = max((r.total for r in rows), default=0) or 1
    ys = list(range(n))
    ax.barh(ys, [most] * n, color=TRACK, height=0.62, linewidth=0)
    left = [0] * n
    for i, colour in enumerate(COLOURS):
        widths = [(r.done, r.progress, r.todo)[i] for r in rows] + [0] * (n - len(rows))
        ax.barh(ys, widths, left=left, color=colour, height=0.62, linewidth=0)
        left = [a + b for a, b in zip(left, widths)]
    ax.set_xlim(0, most)
    ax.set_ylim(n - 0.5, -0.5)  # first stage on top, each bar centred in its ROW_PX slot
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def progress_chart(report: Report, lang: str | None = None) -> Chart:
    lang = lang or report.language
    rows = stage_bars(report, lang)
    legend = list(zip(COLOURS, (t(lang, "chart_done"), t(lang, "chart_progress"), t(lang, "chart_todo"))))
    return Chart(t(lang, "chart_title"), rows, legend, bars_png(rows))


def progress_png(report: Report, lang: str | None = None) -> bytes:
    return progress_chart(report, lang).png
