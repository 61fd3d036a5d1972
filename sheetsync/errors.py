"""The one error a command reports as a single line and exit 2, in both languages. Below everything (the clock
and the model use it), so nothing it needs can import it back."""
from __future__ import annotations


class SheetsyncError(Exception):
    """A one-line reason the run could not happen (exit 2). Carries both languages."""

    def __init__(self, en: str, zh: str | None = None, code: str = "error", lang: str | None = None):
        super().__init__(en)
        self.en = en
        self.zh = zh or en
        self.code = code
        self.lang = lang  # the tracker's language when it was known at the time; None: say it in both

    def message(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en
