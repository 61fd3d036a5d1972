"""A task's state from its status cell, its progress and its dates, and the owner's Red/Amber/Green rating.

- 100% progress or an actual finish date makes a task done whatever its status cell says (a finding says the
  cell disagrees): finished work is never late.
- A word sheetsync does not know is a finding (one per word, over all its cells, engine/ranges.py), and the
  task's state falls back to its progress and dates, never to "not started".
- A rating (Red/Amber/Green, 红/黄/绿, On track/At risk/Off track) is how the owner rates the task, never its
  status: it is kept on the task, and checked against sheetsync's own health."""
from __future__ import annotations

from ..model import Finding, Task, a1
from . import catalogue
from .cells import clean_text, is_blank
from .numbers import parse_progress
from .statuses import parse_rag, parse_status, rag_word, status_from_progress

CLOSED = ("done", "cancelled")
_STATUS_WHAT = ("the status (Not started, In progress, In review, Done, Blocked, Cancelled)",
                "状态(未开始、进行中、待审核、已完成、受阻、已取消)")


def _blank(v) -> bool:
    return v is None or v == "" or is_blank(v)


# A column empty on every one of at least this many task rows is a column nobody uses: it is not checked row by
# row (with fewer rows, an empty cell is more likely a gap to fill).
UNUSED_ROWS = 3


def unused(values: list | None) -> bool:
    """No cell filled on any of UNUSED_ROWS or more rows."""
    return values is not None and len(values) >= UNUSED_ROWS and all(_blank(v) for v in values)


def ratings_only(values: list | None) -> bool:
    """A status column whose every filled cell is a rating, at least one of them a colour: a RAG column
    headed 'Status'. Its cells rate the tasks; none is a status."""
    if not values:
        return False
    filled = [v for v in values if not _blank(v)]
    colours = 0
    for v in filled:
        if rag_word(v) is not None:
            colours += 1
            continue
        try:
            parse_rag(v)
        except ValueError:
            return False
    return colours > 0


def read_ratings(tasks: list[Task], values: list | None) -> None:
    """Task.rating from a rating column; a cell that is not a rating is left unread (a note, a legend)."""
    if values is None:
        return
    for t, v in zip(tasks, values):
        try:
            t.rating = parse_rag(v)
        except ValueError:
            pass


def marlett_ticks(values: list | None) -> bool:
    """A status column whose filled cells are all the letter 'a': the tick of the Marlett font (a check-list
    drawn with it shows ✓ where the file holds 'a'); the reader gives values without fonts, and no other
    reading of a column of nothing but 'a' is plausible."""
    if not values:
        return False
    filled = [v for v in values if not _blank(v)]
    return len(filled) >= 2 and all(v.__class__ is str and v.strip() == "a" for v in filled)


def read_states(tasks: list[Task], values: list | None, implied: list, numbers: list[int], ids: list,
                finding, words: tuple = ()) -> None:
    """Task.status for every task. `values` are the status column's cells (None: no status column), `implied`
    the status each task's progress cell says, `words` the tracker's own status words (parse_status)."""
    if marlett_ticks(values):
        values = ["✓" if not _blank(v) else None for v in values]
    if ratings_only(values):
        read_ratings(tasks, values)
        values = None
    if values is None or unused(values):  # no status column, or one nobody uses
        for i, t in enumerate(tasks):
            t.status = _fallback(t, implied[i])
        return
    cache: dict = {}
    for i, raw in enumerate(values):
        t = tasks[i]
        fallback = _fallback(t, implied[i])
        if _blank(raw):
            t.status = fallback
            if t.status is None:
                finding("missing-value", "status", numbers[i], ids[i], severity="warning", what=_STATUS_WHAT[0],
                        what_zh=_STATUS_WHAT[1])
            continue
        key = raw if raw.__class__ is str else (raw.__class__.__name__, repr(raw))  # 1.0 is not '1.0'
        status = cache.get(key, False)
        if status is False:
            status = cache[key] = _read_cell(raw, words)
        if status == "rating":  # 'Green' in the status column: the owner's rating, not a status
            t.rating = t.rating or rag_word(raw)
            t.status = fallback
            continue
        if status is None:
            finding("bad-status", "status", numbers[i], ids[i], value=clean_text(raw))
            t.status = fallback
            continue
        t.status = status
        if status in CLOSED:
            continue
        if implied[i] == "done" and t.progress is not None:
            finding("progress-not-done", "status", numbers[i], ids[i], value=clean_text(raw))
            t.status = "done"
        elif t.done_date is not None:
            finding("done-date-not-done", "done_date", numbers[i], ids[i], value=clean_text(raw),
                    done=t.done_date.isoformat())
            t.status = "done"


def _fallback(t: Task, implied: str | None) -> str | None:
    """What the progress cell says, else done when an actual finish date is filled in, else nothing."""
    if implied == "done" or t.done_date is not None:
        return "done"
    return implied


def _read_cell(raw, words: tuple):
    """The status a cell says, 'rating' for a rating word, None for a word sheetsync does not know. A number in
    a status column (0, 1, 0.5) is a fraction done."""
    try:
        if raw.__class__ in (int, float):
            if not 0 <= raw <= 1:
                return None
            return status_from_progress(parse_progress(raw))
        return parse_status(raw, words)
    except (ValueError, TypeError):
        return "rating" if rag_word(raw) is not None else None


# How a rating and sheetsync's health read in a finding.
_RATING_TEXT = {"green": ("Green", "绿"), "amber": ("Amber", "黄"), "red": ("Red", "红")}
_HEALTH_TEXT = {"late": ("late", "已逾期"), "blocked": ("blocked", "受阻"), "done": ("done", "已完成")}
# The disagreements that matter: a green rating on late or blocked work, a red one on finished work.
_DISAGREE = {"green": ("late", "blocked"), "red": ("done",)}


def rating_findings(tasks: list[Task], layout, lang: str) -> list[Finding]:
    """One finding per task whose rating disagrees with sheetsync's health in a way that matters; run after
    health is assigned. The finding names the rating cell (the status cell when the ratings were typed there)."""
    fld = "rating" if "rating" in layout.columns else "status"
    col = layout.columns.get(fld)
    if col is None:
        return []
    out = []
    for t in tasks:
        if t.rating is None or t.health not in _DISAGREE.get(t.rating, ()):
            continue
        rating, rating_zh = _RATING_TEXT[t.rating]
        health, health_zh = _HEALTH_TEXT[t.health]
        out.append(catalogue.make("rating-disagrees", lang, sheet=layout.sheet.name, cell=a1(t.row - 1, col),
                                  row=t.row, column=layout.headers.get(fld), task_id=t.id, rating=rating,
                                  rating_zh=rating_zh, health=health, health_zh=health_zh))
    return out
