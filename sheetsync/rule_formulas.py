"""The formulas of sheetsync's row highlights: the last sync's verdict (its Health word) combined with what the
spreadsheet can judge itself on the row's own cells, so a highlight clears the moment the row says its cause is
fixed, and a deadline passing turns the row red at midnight, with no sync in between.

- A row is resolved when its status reads done or cancelled (the tracker's own words, one equality each: Excel
  refuses array constants in rule formulas), its progress is 100%, or an actual finish date is filled in.
- Late: not resolved, the deadline not moved later than today, and either the last sync said late or the Due
  date (sheetsync's own Due column, a date) is before TODAY().
- Unreviewed, blocked, at risk and due soon come from the last sync (they need working hours, the working-day
  calendar or other rows) and clear live: when resolved, when a row's deadline passes (it is late then, and the
  late rule shows it), and unreviewed also when a review time is filled in. A due-soon row's Due is already later
  than today, and the working-day window cannot be counted without the holidays: the next sync re-judges it.

Excel, LibreOffice and Google Sheets evaluate the same text: references to the row's own cells only (relative
row, absolute column, anchored on the rule range's first row), English function names, no array constants.
A date is a number in all three, so ISNUMBER tells a date from a placeholder ('-', '无') that reads as nothing."""
from __future__ import annotations

from .engine.statuses import STATUS_LABELS, parse_status
from .engine.task_states import marlett_ticks
from .model import Task, col_letter

CLOSED = ("done", "cancelled")
MAX_WORDS = 12  # distinct closed status words in one formula, the most used first: the formula stays short
# the words a person most often types to close a task, beside the ones the tracker already holds
TYPED = {"zh": ("完成", "取消"), "en": ("Completed", "Complete", "Canceled")}


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _trimmed(text: str) -> str:
    """What TRIM() leaves of a cell's text: no spaces at the ends, single spaces inside."""
    return " ".join(w for w in text.split(" ") if w)


def closed_words(tasks: list[Task], values: list, lang: str, unread: frozenset = frozenset()
                 ) -> tuple[list[str], bool, bool, bool]:
    """The status column's own words that read as done or cancelled (as TRIM() leaves them; the MAX_WORDS most
    used, sorted so the formula is the same from run to run), with the language's usual closing words, and
    whether closed rows there say so with TRUE (a checkbox), with a number (1 = 100%), or with any mark at all
    (a Marlett tick list). `values` are the status cells of `tasks`, in order. A word counts when the built-in
    vocabulary reads it closed, or, a word of the tracker's own (its statuses mapping), when every row holding it
    is closed: a word that some open row holds never clears a highlight, nor does a word sheetsync could not
    read (the rows in `unread`, closed only by their progress or finish date)."""
    count: dict[str, int] = {}
    shown: dict[str, str] = {}
    open_words: set[str] = set()
    boolean = number = False
    marks = marlett_ticks(values)
    for t, raw in zip(tasks, values):
        closed = t.status in CLOSED and t.row not in unread
        if isinstance(raw, bool):
            boolean |= closed and raw
        elif isinstance(raw, (int, float)):
            number |= closed and raw >= 1
        elif isinstance(raw, str) and raw.strip():
            word = _trimmed(raw)
            key = word.casefold()
            try:
                reading = parse_status(raw)
            except ValueError:
                reading = None
            if not closed or (reading is not None and reading not in CLOSED):
                open_words.add(key)
            else:
                count[key] = count.get(key, 0) + 1
                shown.setdefault(key, word)
    # the words a person picks when the tracker shows none yet: the language's labels, then the usual ones
    for word in (*(STATUS_LABELS[lang][code] for code in CLOSED), *TYPED[lang]):
        if word.casefold() not in open_words:
            count.setdefault(word.casefold(), 0)
            shown.setdefault(word.casefold(), word)
    keys = sorted((k for k in count if k not in open_words), key=lambda k: (-count[k], k))[:MAX_WORDS]
    return sorted(shown[k] for k in keys), boolean, number, marks


class RowFormulas:
    """The parts the row rules are made of, for a range whose first row is `first` (1-based); columns 0-based,
    None when the tracker has no such column."""

    def __init__(self, first: int, *, health: int, due: int, status: int | None = None, words=(),
                 boolean: bool = False, number: bool = False, marks: bool = False, progress: int | None = None,
                 percent: bool = False, done_date: int | None = None, reviewed: int | None = None,
                 deadline: int | None = None):
        self.first = first
        ref = self.ref
        parts = []
        if status is not None:
            s = ref(status)
            if marks:
                parts.append(f"LEN({s})>0")
            parts += [f"TRIM({s})={_quote(w)}" for w in words]
            if boolean:
                parts.append(f"{s}=TRUE")
            if number:
                parts.append(f"AND(ISNUMBER({s}),{s}>=1)")
        if progress is not None:
            p = ref(progress)
            parts.append(f"AND(ISNUMBER({p}),{p}>={100 if percent else 1})")
            parts.append(f'TRIM({p})="100%"')
        if done_date is not None:
            parts.append(f"ISNUMBER({ref(done_date)})")
        self.resolved = _any(parts)
        d = ref(due)
        self.passed = f"AND(ISNUMBER({d}),{d}<TODAY())"
        self.moved = _any([f"AND(ISNUMBER({ref(c)}),{ref(c)}>TODAY())" for c in (due, deadline) if c is not None])
        self.health = ref(health)
        self.reviewed = f"ISNUMBER({ref(reviewed)})" if reviewed is not None else None

    def ref(self, col: int) -> str:
        return f"${col_letter(col)}{self.first}"

    def is_(self, label: str) -> str:
        return f"{self.health}={_quote(label)}"

    def late(self, label: str) -> str:
        return f"AND(NOT({self.resolved}),NOT({self.moved}),OR({self.is_(label)},{self.passed}))"

    def verdict(self, name: str, label: str) -> str:
        """A verdict of the last sync, shown until the row is resolved or late (the late rule shows that)."""
        parts = [self.is_(label), f"NOT({self.resolved})", f"NOT(AND({self.passed},NOT({self.moved})))"]
        if name == "unreviewed" and self.reviewed:
            parts.append(f"NOT({self.reviewed})")
        return "AND(" + ",".join(parts) + ")"


def _any(parts: list[str]) -> str:
    if not parts:
        return "FALSE"
    return parts[0] if len(parts) == 1 else "OR(" + ",".join(parts) + ")"
