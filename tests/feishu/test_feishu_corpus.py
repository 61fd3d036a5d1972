"""Every real workbook of the corpus loads into the Feishu emulator (and the Google one), merged areas and all,
and sheetsync reads the Feishu copy as it reads the file: the same findings, or the same one-line refusal."""
import datetime as dt

import pytest

import sheetsync.api as api
from support.feishu_fixtures import feishu  # noqa: F401
from support.patcher_fixtures import CORPUS, corpus_params
from sheets_emulator.server import SheetsEmulator, seed_from_xlsx
from sheetsync.model import SheetsyncError

TODAY = dt.date(2026, 9, 21)


def outcome(source):
    try:
        report = api.validate(source, today=TODAY)
    except SheetsyncError as exc:
        return ("refused", exc.code)
    return ("read", report.sheet, sorted((f.code, f.cell or "", f.severity) for f in report.findings),
            [(t.row, t.key, t.due, t.health) for t in report.tasks])


@pytest.mark.parametrize("name", corpus_params())
def test_a_real_workbook_reads_the_same_from_feishu(feishu, name):
    path = CORPUS / name
    token = feishu.seed_xlsx(str(path))
    assert outcome(f"feishu:{token}") == outcome(str(path))


@pytest.mark.stress  # the Google emulator checks every merge against the others: minutes for the many-merges file
@pytest.mark.parametrize("name", corpus_params())
def test_a_real_workbook_seeds_the_google_emulator(name):
    with SheetsEmulator() as google:
        assert seed_from_xlsx(google, str(CORPUS / name))  # no "exceeds grid limits"
