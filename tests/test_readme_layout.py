"""README's Layout section is the real tree: it names every module of the sheetsync package, one line each with
what it holds, and nothing that is not there (so it stays true when modules move)."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def layout_block(readme: str) -> list[str]:
    section = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```", 2)[1].strip("\n").splitlines()


def layout_entries(lines: list[str]) -> dict[str, str]:
    """path -> what the line says it holds; two spaces of indent per folder level. Continuation lines (only
    text, deeper than any name) belong to the entry above."""
    entries: dict[str, str] = {}
    folders: list[str] = []
    for line in lines:
        m = re.match(r"^( *)(\S+)(?: +(.*))?$", line)
        assert m, line
        indent, name, what = len(m.group(1)), m.group(2), m.group(3) or ""
        if indent % 2 or indent // 2 > len(folders) or not (name.endswith("/") or name.endswith(".py")
                                                            or "." in name):
            continue  # a continuation of the line above
        folders = folders[:indent // 2]
        path = "/".join(folders + [name.rstrip("/")])
        entries[path + ("/" if name.endswith("/") else "")] = what
        if name.endswith("/"):
            folders.append(name.rstrip("/"))
    return entries


def test_the_parser_reads_folders_and_modules():
    lines = ["pkg/", "  a.py         what a holds", "  sub/         a folder", "    b.py       what b holds",
             "  c.py         what c holds", "other/         a folder", "               and more about it"]
    assert layout_entries(lines) == {"pkg/": "", "pkg/a.py": "what a holds", "pkg/sub/": "a folder",
                                     "pkg/sub/b.py": "what b holds", "pkg/c.py": "what c holds",
                                     "other/": "a folder"}


def test_layout_names_every_module_and_nothing_else():
    entries = layout_entries(layout_block((ROOT / "README.md").read_text(encoding="utf-8")))
    named = {p for p in entries if p.endswith(".py")}
    real = {p.relative_to(ROOT).as_posix() for p in (ROOT / "sheetsync").rglob("*.py")}
    assert sorted(real - named) == [], "modules missing from README's Layout"
    assert sorted(named - real) == [], "README's Layout names modules that do not exist"
    folders = [p for p in entries if p.endswith("/")]
    assert [f for f in folders if not (ROOT / f).is_dir()] == [], "README's Layout names folders that do not exist"
    real_packages = {p.parent.relative_to(ROOT).as_posix() + "/" for p in (ROOT / "sheetsync").rglob("__init__.py")}
    assert sorted(real_packages - set(folders)) == []


def test_each_module_line_says_what_it_holds():
    entries = layout_entries(layout_block((ROOT / "README.md").read_text(encoding="utf-8")))
    assert [p for p, what in entries.items() if p.endswith(".py") and len(what.split()) < 3] == []
