"""Any grid of text, numbers and dates reads the same from the Feishu emulator as from the .xlsx it was seeded
from: the same cells at the same places (dates as day serials), text that looks like a number staying text,
merged areas listed the same."""
import datetime as dt
import os

import openpyxl
from hypothesis import HealthCheck, given, settings, strategies as st

from sheets_emulator.feishu.server import APP_ID, APP_SECRET, FeishuEmulator
from sheetsync import registry as sources
from support.twin_trackers import as_serial

cell = st.one_of(st.none(), st.text(alphabet="ab 中文07-/.e", min_size=1, max_size=6).filter(lambda t: t.strip()),
                 st.integers(-1000, 100000), st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31)))
grids = st.lists(st.lists(cell, min_size=1, max_size=6), min_size=1, max_size=8)


def trimmed(rows):
    out = [[as_serial(v) if v is not None else "" for v in r] for r in rows]
    out = [r[:max((i + 1 for i, v in enumerate(r) if v != ""), default=0)] for r in out]
    while out and not out[-1]:
        out.pop()
    return out


@given(grids, st.booleans())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_grid_reads_the_same_from_feishu_and_the_xlsx(tmp_path_factory, grid, merge):
    path = tmp_path_factory.mktemp("g") / "grid.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    for r, row in enumerate(grid):
        for c, v in enumerate(row):
            ws.cell(r + 2, c + 2, v)  # from B2: the reader keeps absolute places
    if merge:
        ws.merge_cells("H1:J2")
    wb.save(path)
    with FeishuEmulator() as emu:
        token = emu.seed_xlsx(str(path))
        env = {"SHEETSYNC_FEISHU_ENDPOINT": emu.base_url, "SHEETSYNC_FEISHU_APP_ID": APP_ID,
               "SHEETSYNC_FEISHU_APP_SECRET": APP_SECRET}
        old = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            lark = sources.read(f"feishu:{token}").sheet("Data")
        finally:
            for k, v in old.items():
                os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    excel = sources.read(path).sheet("Data")
    assert trimmed(lark.rows) == trimmed(excel.rows)
    assert sorted(lark.merged) == sorted(excel.merged)
