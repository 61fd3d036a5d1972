"""The layers of the package, read from its source: no import cycle (module-level or inside a function, where a
cycle likes to hide), and each layer imports only what is below it. A runtime check confirms it: importing a
subpackage in a fresh interpreter leaves the layers above it out of sys.modules."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sheetsync"

# sheetsync.sync (one pipeline) and sheetsync.backend (the interface a backend implements) are named here so
# the rules hold for them as soon as they exist.
ABOVE_BACKENDS = ("sheetsync.engine", "sheetsync.planner", "sheetsync.api", "sheetsync.sync", "sheetsync.digest",
                  "sheetsync.jobs", "sheetsync.cli")

# The layering, read top to bottom: who, "only" (may import nothing of sheetsync but these) or "never"
# (may not import these), and the modules. A name covers the module and, for a package, everything in it.
LAYERS = [
    ("sheetsync.errors",   "only",  ()),  # the one-line error every layer raises
    ("sheetsync.clock",    "only",  ("sheetsync.errors",)),  # the run's moment: below the model that carries it
    ("sheetsync.model",    "only",  ("sheetsync.model", "sheetsync.errors", "sheetsync.clock")),
    ("sheetsync.serials",  "only",  ()),  # the Excel day-serial epoch, one definition for engine and backends
    ("sheetsync.grid",     "only",  ()),  # merged areas and the cell bound every backend's grid shares
    ("sheetsync.filekind", "only",  ()),  # what kind of file a path is: the file backends claim by it
    # the one dispatcher: backends are listed by module path (strings), so it imports none of them
    ("sheetsync.registry", "only",  ("sheetsync.model", "sheetsync.errors", "sheetsync.clock")),
    ("sheetsync.owned",    "only",  ("sheetsync.model",)),  # how sheetsync knows its own rules and report sheet
    ("sheetsync.engine",   "only",  ("sheetsync.engine", "sheetsync.model", "sheetsync.serials")),
    # a Plan is plain data a backend reads; sheetsync.planner makes it from a Report with the engine's help
    ("sheetsync.plan",     "only",  ("sheetsync.model", "sheetsync.owned")),
    ("sheetsync.xlsx",     "never", ABOVE_BACKENDS),
    ("sheetsync.gsheets",  "never", ABOVE_BACKENDS),
    ("sheetsync.delimited", "never", ABOVE_BACKENDS),
    ("sheetsync.backend",  "never", ABOVE_BACKENDS),
    ("sheetsync.state",    "never", ("sheetsync.history", "sheetsync.api", "sheetsync.digest", "sheetsync.jobs",
                                     "sheetsync.cli")),
    ("sheetsync.history",  "never", ("sheetsync.api", "sheetsync.sync", "sheetsync.digest", "sheetsync.jobs",
                                     "sheetsync.notice", "sheetsync.cli")),
    ("sheetsync.sync",     "never", ("sheetsync.api", "sheetsync.digest", "sheetsync.notice", "sheetsync.jobs",
                                     "sheetsync.cli")),
    ("sheetsync.digest",   "never", ("sheetsync.api", "sheetsync.cli", "sheetsync.jobs", "sheetsync.sync",
                                     "sheetsync.notice")),
    ("sheetsync.notice",   "never", ("sheetsync.api", "sheetsync.cli", "sheetsync.jobs", "sheetsync.sync")),
    ("sheetsync.channels", "never", ("sheetsync.api", "sheetsync.cli", "sheetsync.jobs", "sheetsync.sync",
                                     "sheetsync.notice")),
    # the jobs get the library's sync, digest and notice as callables (jobs.commands.Library): api is above them
    ("sheetsync.jobs",     "never", ("sheetsync.api", "sheetsync.cli", "sheetsync.watch")),
    # the watch runs the jobs' work or the library's sync it is handed; the feeds are written by both
    ("sheetsync.watch",    "never", ("sheetsync.api", "sheetsync.cli", "sheetsync.sync")),
    ("sheetsync.calendar_feed", "never", ("sheetsync.api", "sheetsync.cli", "sheetsync.jobs", "sheetsync.sync",
                                          "sheetsync.watch", "sheetsync.digest")),
    ("sheetsync",          "never", ("sheetsync.cli",)),  # nothing imports the command line ...
]
ENTRY_POINTS = {"sheetsync.__main__"}  # ... but `python -m sheetsync`, which is the command line

# Edges allowed for a while, each with its reason (none today). Delete an entry when its edge is gone.
PENDING: dict[tuple[str, str], str] = {}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Every sheetsync module `name` imports anywhere in its source (relative imports resolved), and the
    packages those imports load on the way (importing a.b.c runs a/__init__ and a/b/__init__; `name`'s own
    packages are loaded before it runs, so they are no edge unless it imports a name from them)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(tree):  # under `if TYPE_CHECKING:` too: a type-only cycle is still a knot to untie
        if isinstance(node, ast.Import):
            targets |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = ".".join(base[:len(base) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for a in node.names:  # `from P import m` imports the module P.m when there is one, else P's name m
                targets.add(f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base)
    own = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}  # loaded before `name` runs
    out = set()
    for t in targets:
        if not t.startswith("sheetsync."):  # the root package is only a version string: left out
            continue
        if t in modules:
            out.add(t)
        parts = t.split(".")
        out |= {p for p in (".".join(parts[:i]) for i in range(2, len(parts))) if p in modules and p not in own}
    out.discard(name)
    return out


def import_graph() -> dict[str, set[str]]:
    modules = all_modules()
    graph = {name: imports_of(name, path, modules) for name, path in modules.items()}
    for (a, b) in PENDING:
        graph.get(a, set()).discard(b)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as its modules in order (the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 on the path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def covers(prefix: str, module: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    out = []
    for module, targets in sorted(graph.items()):
        if module in ENTRY_POINTS:
            continue
        for who, kind, names in LAYERS:
            if not covers(who, module):
                continue
            for t in sorted(targets):
                hit = any(covers(n, t) for n in names)
                if (kind == "only" and not hit) or (kind == "never" and hit):
                    out.append(f"{module} imports {t} ({who}: {kind} {', '.join(names)})")
    return out


def test_the_graph_sees_function_level_and_relative_imports(tmp_path):
    """The reader itself: a cycle through an import inside a function, written relatively, is found."""
    modules = {"sheetsync.a": tmp_path / "a.py", "sheetsync.b": tmp_path / "b.py", "sheetsync.p": tmp_path / "p"}
    (tmp_path / "a.py").write_text("from .b import f\n")
    (tmp_path / "b.py").write_text("def f():\n    from . import a\n    return a\n")
    graph = {"sheetsync.a": imports_of("sheetsync.a", modules["sheetsync.a"], modules),
             "sheetsync.b": imports_of("sheetsync.b", modules["sheetsync.b"], modules)}
    assert graph == {"sheetsync.a": {"sheetsync.b"}, "sheetsync.b": {"sheetsync.a"}}
    assert find_cycle(graph) == ["sheetsync.a", "sheetsync.b", "sheetsync.a"]
    assert find_cycle({"x": {"y"}, "y": set()}) is None


def test_the_rules_catch_a_layer_break():
    graph = {"sheetsync.engine.rows": {"sheetsync.clock"}, "sheetsync.xlsx.read": {"sheetsync.api"},
             "sheetsync.jobs.work": {"sheetsync.digest"}}
    found = layer_violations(graph)
    assert len(found) == 2 and found[0].startswith("sheetsync.engine.rows imports sheetsync.clock")
    assert found[1].startswith("sheetsync.xlsx.read imports sheetsync.api")


def test_a_type_only_import_is_an_edge(tmp_path):
    """An import under `if TYPE_CHECKING:` is read like any other: a type-only cycle is a cycle."""
    modules = {"sheetsync.a": tmp_path / "a.py", "sheetsync.b": tmp_path / "b.py"}
    (tmp_path / "a.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\n")
    (tmp_path / "b.py").write_text("from .a import f\n")
    graph = {n: imports_of(n, p, modules) for n, p in modules.items()}
    assert find_cycle(graph) == ["sheetsync.a", "sheetsync.b", "sheetsync.a"]


# What a backend package (a folder with a source.py, listed in sheetsync.registry) may import besides itself:
# the model and the small modules below it, the Plan it writes, the Backend interface, the atomic write and
# the reading of a throttled answer's Retry-After.
BELOW_BACKENDS = ("sheetsync.model", "sheetsync.errors", "sheetsync.clock", "sheetsync.serials", "sheetsync.grid",
                  "sheetsync.filekind", "sheetsync.owned", "sheetsync.plan", "sheetsync.backend",
                  "sheetsync.atomic", "sheetsync.retry_after")


def backend_packages() -> list[str]:
    return sorted(module_name(p.parent) for p in PACKAGE.glob("*/source.py"))


def backend_violations(graph: dict[str, set[str]], packages: list[str]) -> list[str]:
    """A backend importing another backend, the registry, or anything above the model."""
    out = []
    for module, targets in sorted(graph.items()):
        own = next((p for p in packages if covers(p, module)), None)
        if own is None:
            continue
        out += [f"{module} imports {t}" for t in sorted(targets)
                if not covers(own, t) and not any(covers(b, t) for b in BELOW_BACKENDS)]
    return out


def test_backends_import_neither_each_other_nor_the_registry_nor_anything_above_the_model():
    packages = backend_packages()
    assert {"sheetsync.xlsx", "sheetsync.gsheets", "sheetsync.delimited"} <= set(packages)
    from sheetsync import registry
    assert {m.rpartition(".")[0] for m in registry.BACKENDS} <= set(packages)  # every listed backend is checked
    assert backend_violations(import_graph(), packages) == []


def test_the_backend_rule_can_fail():
    graph = {"sheetsync.xlsx.read": {"sheetsync.gsheets.links", "sheetsync.model"},
             "sheetsync.gsheets.source": {"sheetsync.registry"}, "sheetsync.delimited.read": {"sheetsync.digest"}}
    found = backend_violations(graph, ["sheetsync.xlsx", "sheetsync.gsheets", "sheetsync.delimited"])
    assert found == ["sheetsync.delimited.read imports sheetsync.digest",
                     "sheetsync.gsheets.source imports sheetsync.registry",
                     "sheetsync.xlsx.read imports sheetsync.gsheets.links"]


def test_there_is_no_import_cycle():
    graph = import_graph()
    assert len(graph) > 50  # the whole package was read
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_each_layer_imports_only_what_is_below_it():
    assert layer_violations(import_graph()) == []


def test_pending_edges_are_real_modules():
    modules = all_modules()
    for a, b in PENDING:
        assert b in modules, (a, b)


# the subpackages, and what importing each must leave out of sys.modules
RUNTIME = {
    "sheetsync.model": ("sheetsync.engine", "sheetsync.xlsx", "sheetsync.gsheets", "sheetsync.delimited"),
    "sheetsync.registry": ("sheetsync.xlsx", "sheetsync.gsheets", "sheetsync.delimited", "sheetsync.engine"),
    "sheetsync.engine": ("sheetsync.xlsx", "sheetsync.gsheets", "sheetsync.delimited", "sheetsync.api",
                         "sheetsync.digest", "sheetsync.jobs", "sheetsync.history", "sheetsync.plan",
                         "sheetsync.planner"),
    "sheetsync.xlsx": ABOVE_BACKENDS,
    "sheetsync.gsheets": ABOVE_BACKENDS,
    "sheetsync.delimited": ABOVE_BACKENDS,
    "sheetsync.state": ("sheetsync.history", "sheetsync.api", "sheetsync.digest", "sheetsync.jobs"),
    "sheetsync.history": ("sheetsync.api", "sheetsync.digest", "sheetsync.jobs", "sheetsync.notice",
                          "sheetsync.sync"),
    "sheetsync.digest": ("sheetsync.api", "sheetsync.jobs", "sheetsync.notice", "sheetsync.sync",
                         "sheetsync.cli"),
    "sheetsync.notice": ("sheetsync.api", "sheetsync.jobs", "sheetsync.sync", "sheetsync.cli"),
    "sheetsync.channels": ("sheetsync.api", "sheetsync.jobs", "sheetsync.cli"),
    "sheetsync.jobs": ("sheetsync.cli",),
    # a one-tracker command loads the digest, the notice, the history and the jobs only when it needs them
    "sheetsync.api": ("sheetsync.cli", "sheetsync.jobs", "sheetsync.digest", "sheetsync.notice", "sheetsync.history",
                      "sheetsync.channels"),
}


# Modules left out of the runtime walk for a while, each with its reason (none today).
PENDING_RUNTIME: dict[str, str] = {}


def loaded_by(package: str) -> list[str]:
    """The sheetsync modules in sys.modules of a fresh interpreter after importing `package` and every module
    in it (a subpackage's modules are what its callers import)."""
    code = ("import importlib, json, pkgutil, sys\n"
            "top = importlib.import_module(sys.argv[1])\n"
            "for m in pkgutil.walk_packages(getattr(top, '__path__', []), top.__name__ + '.'):\n"
            f"    if m.name not in {sorted(PENDING_RUNTIME)!r}:\n"
            "        importlib.import_module(m.name)\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('sheetsync'))))\n")
    out = subprocess.run([sys.executable, "-c", code, package], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout)


def test_importing_a_subpackage_leaves_the_layers_above_it_unloaded():
    problems = {}
    for package, above in RUNTIME.items():
        loaded = loaded_by(package)
        assert package in loaded
        wrong = [m for m in loaded if any(covers(a, m) for a in above)]
        if wrong:
            problems[package] = wrong
    assert problems == {}


def test_the_runtime_check_sees_what_an_import_loads():
    loaded = loaded_by("sheetsync.api")
    assert "sheetsync.engine.table" in loaded and "sheetsync.registry" in loaded


def private_imports(path: Path, own: str) -> list[str]:
    """`from X import _name` where X is another sheetsync module: a private name crossing a module boundary."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom):
            continue
        target = node.module or ""
        if node.level == 0 and not target.startswith("sheetsync"):
            continue  # another library's private names are its business
        for alias in node.names:
            if alias.name.startswith("_") and not alias.name.startswith("__"):
                found.append(f"{own}:{node.lineno} imports {alias.name} from {'.' * node.level}{target}")
    return found


def test_private_names_stay_in_their_module(tmp_path):
    bad = tmp_path / "m.py"
    bad.write_text("from .values import _secret\nfrom re import _compiler\n")
    assert private_imports(bad, "m") == ["m:1 imports _secret from .values"]  # the check can fail
    found = [line for name, path in all_modules().items() for line in private_imports(path, name)]
    assert found == []
