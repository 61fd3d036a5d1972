"""Replays 2,130 recorded Google Sheets API interactions (gspread's cassettes) against the emulator and reports
the share of responses that match: printed in pytest's terminal summary (so every CI log shows it) and written to
test-artifacts/emulator-fidelity.txt and .md (per file, with the first difference of every mismatch).

The recordings live beside the repository, in ../shared/sheets-api-recordings (SHEETSYNC_RECORDINGS overrides).
Where they are missing the test is skipped on a developer's machine, but fails in CI (CI set) or when
SHEETSYNC_RECORDINGS names a folder that is not there: a fidelity figure must never silently disappear."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from sheets_emulator.replay import replay_all, report_markdown, summary_line

REPO = Path(__file__).resolve().parents[2]
DEFAULT_RECORDINGS = REPO.parent / "shared" / "sheets-api-recordings"
RECORDINGS = Path(os.environ.get("SHEETSYNC_RECORDINGS") or DEFAULT_RECORDINGS)
ARTIFACTS = REPO / "test-artifacts"
# Measured 99.3% (1497 / 1508) on 2026-11-23; a few points of slack so that regressions fail.
THRESHOLD = 0.96
RECORDED_INTERACTIONS = 2130


class _Summary:
    """A plugin registered by the test: pytest calls it when it writes the terminal summary."""

    def __init__(self, line: str):
        self.line = line

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.write_sep("-", "Sheets emulator fidelity")
        terminalreporter.write_line(self.line)


def _missing_recordings():
    where = f"{RECORDINGS} (expected beside the repository: ../shared/sheets-api-recordings)"
    if os.environ.get("CI") or os.environ.get("SHEETSYNC_RECORDINGS"):
        pytest.fail(f"Sheets API recordings not found at {where}")
    pytest.skip(f"Sheets API recordings not found at {where}")


def test_default_recordings_path_is_the_repositorys_sibling_shared_folder():
    assert DEFAULT_RECORDINGS == REPO.parent / "shared" / "sheets-api-recordings"
    assert (REPO / "pyproject.toml").is_file()  # REPO really is the repository root


def test_replayed_responses_match_recorded_google_responses(request):
    if not RECORDINGS.is_dir():
        _missing_recordings()
    results = replay_all(RECORDINGS)
    compared = sum(r.compared for r in results)
    matched = sum(r.matched for r in results)
    drive = sum(r.not_covered for r in results)
    line = summary_line(results)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "emulator-fidelity.md").write_text(report_markdown(results), encoding="utf-8")
    (ARTIFACTS / "emulator-fidelity.txt").write_text(line + "\n", encoding="utf-8")
    request.config.pluginmanager.register(_Summary(line), "sheetsync-emulator-fidelity")
    request.node.user_properties.append(("emulator_fidelity", f"{matched}/{compared}"))
    print("\n" + line)
    assert len(results) >= 120
    assert compared + drive == RECORDED_INTERACTIONS
    assert matched / compared >= THRESHOLD, line


def test_normalisation_still_tells_different_responses_apart():
    from sheets_emulator.replay import normalise
    a = {"spreadsheetId": "x", "range": "Sheet1!A1:B2", "values": [["1"]]}
    b = {"spreadsheetId": "y", "range": "Sheet1!A1:B2", "values": [["1"]]}
    assert normalise(a) == normalise(b)
    assert normalise(a) != normalise(dict(a, values=[["2"]]))
    assert normalise({"x": 0.49803922}) == normalise({"x": 0.498039215})
