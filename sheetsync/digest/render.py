"""DigestContent -> (HTML, plain text) through Jinja2; HTML autoescaped because every title comes from a sheet."""
from __future__ import annotations

import functools
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from ..dates_text import DATE_PHRASE, PHRASE
from .content import DigestContent
from .i18n import strings

SECTION_COLOURS = {"done": "#2e7d32", "progress": "#f9a825", "coming": "#0969da", "risks": "#cf222e",
                   "help": "#8250df", "fix": "#bc4c00", "late": "#cf222e", "waiting": "#8250df",
                   "blocked": "#bc4c00", "others": "#57606a", "nobody": "#cf222e", "risk": "#bf8700",
                   "moved": "#0969da", "busy": "#8250df"}


def keep_together(text, counts: bool = True) -> Markup:
    """`text` escaped, with each date and each number with its unit in a span a phone never breaks: split on
    the raw text first, so an escape such as `&#39;` is never cut. `counts=False` (text from the sheet, such as
    a task's name) keeps only the dates and weeks sheetsync wrote."""
    out, last = [], 0
    text = str(text)
    for m in (PHRASE if counts else DATE_PHRASE).finditer(text):
        out.append(str(escape(text[last:m.start()])))
        out.append('<span style="white-space:nowrap;">' + str(escape(m.group(0))) + "</span>")
        last = m.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["keep"] = keep_together
    return env


def render_html(content: DigestContent, chart_cid: str | None = None, chart=None) -> str:
    """`chart` (a chart.Chart) gives the stage names and counts set beside the bars image `chart_cid`."""
    return environment().get_template("digest.html.j2").render(
        d=content, s=strings(content.lang), chart_cid=chart_cid, chart=chart, colours=SECTION_COLOURS)


def render_text(content: DigestContent) -> str:
    return environment().get_template("digest.txt.j2").render(d=content, s=strings(content.lang))
