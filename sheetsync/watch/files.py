"""A tracker file as the watch sees it: whether a person has it open (the owner file Excel or LibreOffice keeps
beside it), its signature (size and mtime) to tell a save from nothing, and the filesystem events (watchdog) that
wake the loop when it, or its owner file, changes. Events only wake the loop; the loop decides from the file
itself, so a burst of events from one save, or events watchdog missed, change nothing."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable


def lock_files(path: Path) -> list[Path]:
    from ..xlsx.safe_write import lock_files as owners  # the one list of owner-file names, the writer's
    return owners(path)


def is_open(path: Path) -> bool:
    """Does a person have the workbook open (Excel's `~$name`, LibreOffice's `.~lock.name#` beside it)?"""
    return any(p.exists() for p in lock_files(path))


def signature(path: Path) -> tuple[int, int] | None:
    """(mtime in ns, size), or None while the file is missing (a save that replaces it, mid-way)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def watched_names(path: Path) -> set[str]:
    return {path.name} | {p.name for p in lock_files(path)}


class FolderEvents:
    """One watchdog observer over the folders of the watched files; `poke(path)` is called for an event on a
    watched file or its owner file (never for the .sheetsync folder, backups or temporary copies)."""

    def __init__(self, files: list[Path], poke: Callable[[Path], None]):
        from watchdog.events import FileSystemEventHandler  # lazy: only `sheetsync watch` loads watchdog
        from watchdog.observers import Observer

        names: dict[tuple[str, str], Path] = {}
        for f in files:
            for n in watched_names(f):
                names[(str(f.parent), n)] = f

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                for raw in (event.src_path, getattr(event, "dest_path", "") or ""):
                    if not raw:
                        continue
                    p = Path(os.fsdecode(raw))
                    hit = names.get((str(p.parent), p.name))
                    if hit is not None:
                        poke(hit)

        self.observer = Observer()
        handler = Handler()
        for folder in sorted({str(f.parent) for f in files}):
            self.observer.schedule(handler, folder, recursive=False)

    def start(self) -> None:
        self.observer.start()

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=5)
