"""What every backend's grid shares, below all of them: merged areas as the engine reads them, and the largest
sheet any reader builds (one bound, whatever the format)."""
from __future__ import annotations

# The grid a reader allocates spans A1 to the sheet's farthest cell; no tracker comes near ten million cells,
# and a stray far cell (or a hostile file) must be refused before it is allocated.
MAX_CELLS = 10_000_000


def merged_areas(merged) -> list[tuple[int, int, int, int]]:
    """Merged areas ((r0, c0), (r1, c1)) pairs as 0-based inclusive (r0, c0, r1, c1). Cells are left as the source
    holds them (the value in the top-left cell only): the engine decides what a merge means (a header spanning
    columns, a stage label down a column, a title or section label that must never fill a data cell)."""
    return [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in merged or ()]
