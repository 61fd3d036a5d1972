"""Every runtime dependency in pyproject.toml is imported by some module of sheetsync, so a
dependency nothing uses fails here instead of being installed for every user. Import names come from what each
installed distribution provides (its RECORD), not from a hand-kept table: python-calamine -> python_calamine,
google-auth -> google.auth and google.oauth2 (google is a namespace), chinesecalendar -> chinese_calendar."""
from __future__ import annotations

import ast
import importlib.metadata as metadata
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sheetsync"


def runtime_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = [Requirement(line) for line in project["dependencies"]]
    return [r for r in reqs if r.marker is None or r.marker.evaluate()]


def provided_modules(distribution: str) -> set[str]:
    """The importable names a distribution installs: its top-level modules and packages, and for a namespace
    package (a top directory without __init__.py, like google/) the packages one level down."""
    files = metadata.files(distribution) or []
    paths = [f.parts for f in files if f.parts and f.parts[0] not in ("..", "__pycache__")
             and not f.parts[0].endswith((".dist-info", ".data"))]
    regular = {p[0] for p in paths if len(p) == 2 and p[1] == "__init__.py"}
    names = set()
    for p in paths:
        if len(p) == 1:
            if p[0].endswith(".py") or p[0].endswith((".so", ".pyd")):
                names.add(p[0].split(".")[0])
        elif p[0] in regular:
            names.add(p[0])
        elif len(p) >= 3 or p[1].endswith(".py"):  # inside a namespace directory
            names.add(f"{p[0]}.{p[1].split('.')[0]}")
    return names


def imported_names() -> set[str]:
    """Every absolute module name imported anywhere in sheetsync, top-level or lazy (inside a function)."""
    names: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def unused(distributions: list[str]) -> list[str]:
    imported = imported_names()
    out = []
    for dist in distributions:
        provided = provided_modules(dist)
        assert provided, f"{dist} is not installed (or installs no module): pip install -e '.[test]'"
        if not any(name == mod or name.startswith(mod + ".") for name in imported for mod in provided):
            out.append(dist)
    return out


def test_every_runtime_dependency_is_imported_by_sheetsync():
    reqs = runtime_requirements()
    assert len(reqs) >= 10
    assert unused([r.name for r in reqs]) == []


def test_runtime_dependencies_are_listed_once():
    names = [metadata.distribution(r.name).metadata["Name"].lower().replace("_", "-") for r in runtime_requirements()]
    assert sorted(names) == sorted(set(names))


def test_the_check_finds_a_dependency_nothing_imports():
    # pytest is installed for the tests and never imported by the library: the check must name it
    assert unused(["pytest", "python-calamine", "google-auth", "chinesecalendar"]) == ["pytest"]
    assert {"google.auth", "google.oauth2"} <= provided_modules("google-auth")
    assert provided_modules("python-calamine") == {"python_calamine"}


def test_dropped_dependencies_stay_out_of_the_library():
    # pandas is the [pandas] extra (Report frames import it lazily); numpy and defusedxml are used by nothing
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {Requirement(line).name.lower() for line in project["dependencies"]}
    assert not runtime & {"pandas", "numpy", "defusedxml"}
    assert [Requirement(line).name for line in project["optional-dependencies"]["pandas"]] == ["pandas"]
    top_level = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # module level only: a lazy import inside a function is what an extra needs
            if isinstance(node, ast.Import):
                top_level.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                top_level.add(node.module.split(".")[0])
    assert not top_level & {"pandas", "numpy", "defusedxml"}
