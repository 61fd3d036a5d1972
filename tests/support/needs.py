"""What a test needs from the machine or from beside the repository (LibreOffice, Chromium, PostgreSQL, the
shared corpus and recordings, a test extra): without it a test is skipped with one line saying what is missing
on a developer's machine, and fails in CI, so nothing silently stops running there.

CI is what .ci/run sets (CI=1) and what CI services set (CI=true); "", "0" and "false" mean not CI."""
from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing(what: str) -> NoReturn:
    """Skip with `what` (one line), or fail with it in CI."""
    __tracebackhide__ = True  # the skip line names the test's helper that needed it, not this file
    if in_ci():
        pytest.fail(f"{what} (required in CI: scripts/system-deps.sh, ../shared or pip install -e '.[test]')")
    pytest.skip(what, allow_module_level=True)


def module(name: str, install: str) -> ModuleType:
    """The module, or a skip (fail in CI) naming what to install."""
    __tracebackhide__ = True
    try:
        return importlib.import_module(name)
    except ImportError:
        missing(f"{name} is not installed ({install})")
