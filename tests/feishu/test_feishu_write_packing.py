"""The Feishu write's value ranges packed into requests: every planned value lands once, in its own cell, and
no request carries more than 5,000 rows (a run is cut where a request fills)."""
from hypothesis import given, settings, strategies as st

from sheetsync.feishu.write import ROWS_PER_WRITE, _group, _vr
from sheetsync.model import col_index


def cells_of(ranges):
    out = {}
    for vr in ranges:
        sheet, _, cells = vr["range"].partition("!")
        first, _, last = cells.partition(":")
        letters = first.rstrip("0123456789")
        r0, c0 = int(first[len(letters):]) - 1, col_index(letters)
        assert len(vr["values"]) == int(last.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) - r0
        for dr, line in enumerate(vr["values"]):
            for dc, v in enumerate(line):
                assert (sheet, r0 + dr, c0 + dc) not in out
                out[(sheet, r0 + dr, c0 + dc)] = v
    return out


runs = st.lists(st.tuples(st.integers(0, 20_000), st.integers(0, 30), st.integers(1, 11_000)), max_size=4)


@given(runs)
@settings(max_examples=30, deadline=None)
def test_every_value_lands_once_and_requests_stay_under_the_row_limit(spec):
    ranges, row = [], 0
    for gap, col, n in spec:  # runs one below the other, so no two overlap
        row += gap
        ranges.append(_vr("s1", row, col, [[f"{col}:{row + i}"] for i in range(n)]))
        row += n
    groups = _group(ranges)
    assert all(sum(len(vr["values"]) for vr in g) <= ROWS_PER_WRITE for g in groups)
    assert cells_of([vr for g in groups for vr in g]) == cells_of(ranges)
    total = sum(n for _, _, n in spec)
    assert len(groups) == -(-total // ROWS_PER_WRITE)  # packed full: no request more than needed
