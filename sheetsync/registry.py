"""The one way in for every SOURCE: which backend a SOURCE lives in, and that backend opened or read.

Every command (validate, inspect, sync, digest, notice, digest --status, the jobs) opens its SOURCE here. Each
backend is a package with a small `source` module (sheetsync/<name>/source.py) that says which SOURCE forms it
claims (a path and its suffix, a URL pattern, a scheme such as gsheet:) and opens one as a Backend
(sheetsync.backend). Backends are listed by module path, so importing the registry loads none of them; the
first whose `claims(source)` is true takes the SOURCE. The Excel backend claims every SOURCE (a local path),
so it is last. Backends never import the registry or each other.

A backend module has NAME, claims(source), open(source, **options), and optionally link(source) (the URL a
person opens), refusal(source) (why a SOURCE it claims can never be opened) and FILES = True (its SOURCE is
a path on this machine). Adding a backend is one package and one
line in BACKENDS; a plugin or a test adds one with register()."""
from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from typing import Any

from .model import SheetsyncError, WorkbookData

# In order: the first that claims a SOURCE opens it; the Excel backend takes every path no one else claimed.
BACKENDS: list[str] = [
    "sheetsync.gsheets.source",
    "sheetsync.feishu.source",
    "sheetsync.onedrive.source",
    "sheetsync.delimited.source",
    "sheetsync.xlsx.source",
]

_registered: list[Any] = []  # backends added by register(): asked before the listed ones


def register(backend: Any) -> None:
    """Add a backend (a module or an object with NAME, claims and open) ahead of the listed ones: for plugins
    and tests. Registering one with the NAME of a registered backend replaces it."""
    for attr in ("NAME", "claims", "open"):
        if not hasattr(backend, attr):
            raise TypeError(f"a backend needs {attr}")
    unregister(backend.NAME)
    _registered.insert(0, backend)


def unregister(name: str) -> None:
    _registered[:] = [b for b in _registered if b.NAME != name]


def backends() -> list[Any]:
    return list(_registered) + [importlib.import_module(m) for m in BACKENDS]


def backend_for(source: str | Path) -> Any:
    """The backend module (or registered object) that claims SOURCE."""
    text = str(source)
    for backend in backends():
        if backend.claims(text):
            return backend
    raise SheetsyncError(f"{text}: no backend reads this kind of source", f"{text}:无法识别的数据源", code="usage")


def backend_name(source: str | Path) -> str:
    return backend_for(source).NAME


def is_path(source: str | Path) -> bool:
    """Is SOURCE a file on this machine (resolved relative to a config, checked to exist), not a link?"""
    return bool(getattr(backend_for(source), "FILES", False))


def refusal(source: str | Path) -> SheetsyncError | None:
    """Why SOURCE can never be opened, when its backend knows from the SOURCE alone (a Google Docs link where
    a spreadsheet was meant): a config check says so before any run."""
    get = getattr(backend_for(source), "refusal", None)
    return get(str(source)) if get is not None else None


def takes(source: str | Path, option: str) -> bool:
    """Does SOURCE's backend take `option` (credentials, backups, ...)? One that takes **options takes all."""
    known = _options(backend_for(source))
    return known is None or option in known


def _options(backend: Any) -> set[str] | None:
    params = inspect.signature(backend.open).parameters.values()
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return None  # it takes anything: it says itself what it does not know
    return {p.name for p in params if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)} - {"source"}


def open_source(source: str | Path, **options) -> Any:
    """SOURCE's backend, opened with `options`. An option the backend does not know is a one-line error."""
    text = str(source)
    backend = backend_for(text)
    known = _options(backend)
    unknown = sorted(set(options) - known) if known is not None else []
    if unknown:
        names = ", ".join(unknown)
        raise SheetsyncError(f"{text}: {names} cannot be used with a {backend.NAME} source",
                             f"{text}:{backend.NAME} 数据源不接受选项 {names}", code="usage")
    if "open_file" in inspect.signature(backend.open).parameters and "open_file" not in options:
        # a backend that works on a downloaded copy (OneDrive) has it read and patched by the file backend that
        # claims the copy's path, opened here: backends never import each other
        options["open_file"] = lambda path: open_source(path, backups=0)
    return backend.open(text, **options)


def read(source: str | Path, **options) -> WorkbookData:
    """SOURCE's workbook as it is now."""
    return open_source(source, **options).read()


def link(source: str | Path, *, ask: bool = True) -> str | None:
    """The URL a person opens for SOURCE (the digest's tracker link), or None for a local file. A backend whose
    SOURCE form holds no URL (onedrive:DRIVE/ITEM) may ask its service (`web_url`) unless `ask` is False."""
    backend = backend_for(source)
    get = getattr(backend, "link", None)
    url = get(str(source)) if get is not None else None
    web = getattr(backend, "web_url", None) if ask else None
    return url if url is not None or web is None else web(str(source))


def sheet_links(source: str | Path, workbook: WorkbookData, sheet: str | None, lang: str):
    """(a task's link, the report sheet's link) for the digest when SOURCE's backend knows its sheets' own links
    (`sheet_links`), else None."""
    get = getattr(backend_for(source), "sheet_links", None)
    return get(str(source), workbook, sheet, lang) if get is not None else None


def source_options(source: str | Path, **candidates) -> dict:
    """Of the options a run has for every source (credentials, backups...), those SOURCE's backend takes, left
    out when None: what a command passes on when it does not know which backend it talks to."""
    return {k: v for k, v in candidates.items() if v is not None and takes(source, k)}
