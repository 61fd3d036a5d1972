"""tests/support/needs.py: what is missing skips with one line alone and fails in CI, whichever way CI is spelled."""
from __future__ import annotations

import pytest

from support.needs import in_ci, missing, module


@pytest.mark.parametrize("value, ci", [("1", True), ("true", True), ("True", True), ("yes", True),
                                       ("", False), ("0", False), ("false", False), (None, False)])
def test_ci_is_read_as_ci_services_and_ci_run_spell_it(monkeypatch, value, ci):
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    assert in_ci() is ci


def test_missing_skips_alone_and_fails_in_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        missing("soffice not installed")
    assert str(skipped.value) == "soffice not installed"
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception) as failed:
        missing("soffice not installed")
    assert "soffice not installed" in str(failed.value) and "required in CI" in str(failed.value)


def test_module_returns_what_is_installed_and_names_what_is_not(monkeypatch):
    assert module("json", "stdlib").dumps([1]) == "[1]"
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        module("no_such_module_here", "pip install -e '.[test]'")
    assert "no_such_module_here is not installed (pip install -e '.[test]')" == str(skipped.value)
