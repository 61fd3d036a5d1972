"""Find the line a TOML key was written on. tomllib gives values only, so we scan the text ourselves.

Honest by design: it understands `[table]`, `[[array]]` headers, `key = ...` and dotted keys, and skips
multi-line strings. When it cannot find a key it returns None rather than guess."""
from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]#]+?)\s*(\]\]?)\s*(#.*)?$")
_KEY = re.compile(r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=""")
_PART = re.compile(r"""\s*("([^"]*)"|'([^']*)'|[A-Za-z0-9_-]+)\s*""")


def _split_dotted(text: str) -> tuple[str, ...]:
    parts = []
    for raw in text.split("."):  # dotted names with quoted dots are rare in a config: accepted imprecision
        m = _PART.fullmatch(raw)
        if not m:
            return ()
        parts.append(m.group(2) if m.group(2) is not None else m.group(3) if m.group(3) is not None else m.group(1))
    return tuple(parts)


class KeyLocator:
    """Paths are tuples such as ("trackers", 0, "timezone"): strings are keys, ints index an array of tables."""

    def __init__(self, text: str):
        self.tables: dict[tuple, int] = {(): 0}  # table path -> 1-based header line (0 = top of file)
        self.keys: dict[tuple, int] = {}
        counters: dict[tuple, int] = {}
        current: tuple = ()
        in_string: str | None = None
        for n, line in enumerate(text.splitlines(), start=1):
            if in_string:
                if line.count(in_string) % 2 == 1:
                    in_string = None
                continue
            header = _HEADER.match(line)
            if header and len(header.group(1)) == len(header.group(3)):
                names = _split_dotted(header.group(2))
                current = self._resolve(names, counters, array=header.group(1) == "[[")
                self.tables.setdefault(current, n)
                continue
            key = _KEY.match(line)
            if key:
                path = current + _split_dotted(key.group(1))
                self.keys.setdefault(path, n)
                for i in range(len(current) + 1, len(path)):  # `a.b = 1` also defines table a
                    self.tables.setdefault(path[:i], n)
                rest = line[key.end():]
                for quote in ('"""', "'''"):
                    if rest.count(quote) % 2 == 1:
                        in_string = quote

    def _resolve(self, names: tuple, counters: dict, array: bool) -> tuple:
        path: tuple = ()
        for i, name in enumerate(names):
            path += (name,)
            last = i == len(names) - 1
            if last and array:
                counters[path] = counters.get(path, -1) + 1
                path += (counters[path],)
            elif path in counters:  # [trackers.lead_times] belongs to the latest [[trackers]]
                path += (counters[path],)
        return path

    def key_line(self, path: tuple) -> int | None:
        return self.keys.get(tuple(path))

    def table_line(self, path: tuple) -> int | None:
        """Line of the table's header; 0 means the top level (no header line)."""
        return self.tables.get(tuple(path))

    def line_for(self, path: tuple) -> int | None:
        """The key's own line, else the nearest enclosing table's header line."""
        path = tuple(path)
        if path in self.keys:
            return self.keys[path]
        for i in range(len(path), -1, -1):
            line = self.keys.get(path[:i]) or self.tables.get(path[:i])  # inline tables: the key holding them
            if line:
                return line
        return None
