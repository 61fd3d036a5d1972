"""Which of sheetsync's highlight fills a rendered row shows: pixels of LibreOffice's PDF page (pdftoppm's PNG)."""
from __future__ import annotations

# the fills sheetsync's rules paint (sheetsync/plan.py HIGHLIGHTS)
FILLS = {"late": (0xE5, 0x73, 0x73), "unreviewed": (0xF6, 0xA0, 0x4D), "violet": (0xD9, 0xC9, 0xF0),
         "due-soon": (0xFF, 0xF2, 0xA8)}


def row_colour(img, y: int, x0: int, x1: int) -> str | None:
    """The owned fill that paints a good part of the pixel rows y-1..y+1 between x0 and x1, else None."""
    counts = dict.fromkeys(FILLS, 0)
    px = img.load()
    for dy in (-1, 0, 1):
        for x in range(x0, x1):
            rgb = px[x, y + dy]
            for name, fill in FILLS.items():
                if all(abs(a - b) <= 12 for a, b in zip(rgb, fill)):
                    counts[name] += 1
                    break
    name, n = max(counts.items(), key=lambda kv: kv[1])
    return name if n >= 0.3 * 3 * (x1 - x0) else None  # painted rows measure 0.6-0.8, others 0
