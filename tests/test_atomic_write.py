"""One atomic write (sheetsync.atomic) for every file sheetsync writes: what it guarantees, and an AST scan
that fails when a module under sheetsync/ writes a file any other way."""
from __future__ import annotations

import ast
import os
import stat
from pathlib import Path

import pytest

import sheetsync
from sheetsync.atomic import write_atomic

PACKAGE = Path(sheetsync.__file__).parent
# the atomic write itself, and the tracker's safe write: it checks the file did not change since it was read,
# reads its temporary copy back and keeps a backup, so it owns its temporary file and its rename
EXCEPTIONS = {"atomic.py", "xlsx/safe_write.py",
              # a new SQLite state file is made by SQLite under another name and linked into place whole
              "state/sqlite.py"}

WRITE_MODES = set("wax+")
MOVES = {("os", "replace"), ("os", "rename"), ("os", "link"), ("shutil", "move"), ("shutil", "copy"),
         ("shutil", "copy2"), ("shutil", "copyfile"), ("tempfile", "mkstemp"), ("tempfile", "NamedTemporaryFile")}


def _mode(call: ast.Call, position: int) -> str | None:
    """The mode argument of an open() call, when it is a literal."""
    arg = call.args[position] if len(call.args) > position else next(
        (k.value for k in call.keywords if k.arg == "mode"), None)
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None


def _buffers(tree: ast.AST) -> set[str]:
    """Names bound to an in-memory buffer (io.BytesIO() / io.StringIO()): saving into one writes no file."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            f = node.value.func
            if isinstance(f, ast.Attribute) and f.attr in ("BytesIO", "StringIO"):
                out |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return out


def file_writes(source: str, name: str) -> list[str]:
    """Every place in `source` that writes, moves or creates a file by hand."""
    tree = ast.parse(source)
    buffers = _buffers(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        what = None
        if isinstance(f, ast.Name) and f.id == "open":
            mode = _mode(node, 1)
            if mode is not None and WRITE_MODES & set(mode):
                what = f"open(..., {mode!r})"
        elif isinstance(f, ast.Attribute):
            owner = f.value.id if isinstance(f.value, ast.Name) else None
            if f.attr in ("write_bytes", "write_text"):
                what = f.attr
            elif (owner, f.attr) in MOVES:
                what = f"{owner}.{f.attr}"
            elif f.attr == "open" and owner != "os":  # Path.open(mode)
                mode = _mode(node, 0)
                if mode is not None and WRITE_MODES & set(mode):
                    what = f".open({mode!r})"
            elif f.attr == "fdopen":
                mode = _mode(node, 1)
                if mode is not None and WRITE_MODES & set(mode):
                    what = f"os.fdopen(..., {mode!r})"
            elif f.attr in ("rename", "replace", "symlink_to", "hardlink_to") and len(node.args) == 1 \
                    and not node.keywords:  # Path.replace(target); str.replace takes two
                what = f".{f.attr}(...)"
            elif f.attr in ("save", "savefig") and node.args:
                target = node.args[0]
                if not (isinstance(target, ast.Name) and target.id in buffers):
                    what = f".{f.attr}(...)"
        if what:
            found.append((node.lineno, f"{name}:{node.lineno} {what}"))
    return [text for _, text in sorted(found)]


def test_the_scan_finds_each_way_of_writing_a_file_by_hand():
    source = ("import os, io, shutil\n"
              "p.write_text('x')\n"
              "open(p, 'wb')\n"
              "with p.open('a') as fh: pass\n"
              "os.replace(a, b)\n"
              "tmp.replace(path)\n"
              "wb.save(path)\n"
              "buf = io.BytesIO()\n"
              "wb.save(buf)\n"  # into memory: no file
              "open(p, encoding='utf-8')\n"  # a read
              "'a-b'.replace('-', '')\n")  # a string
    assert [w.split(" ", 1)[1] for w in file_writes(source, "m")] == [
        "write_text", "open(..., 'wb')", ".open('a')", "os.replace", ".replace(...)", ".save(...)"]


def test_no_module_writes_a_file_other_than_through_the_atomic_write():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name not in EXCEPTIONS:
            found += file_writes(path.read_text(encoding="utf-8"), name)
    assert found == []


def test_the_atomic_write_replaces_whole_keeps_the_mode_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "note.eml"
    write_atomic(target, "first")
    os.chmod(target, 0o640)
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # a replaced file keeps its permissions
    assert [p.name for p in tmp_path.iterdir()] == ["note.eml"]


def test_an_exclusive_write_never_replaces_a_file(tmp_path):
    target = tmp_path / "sheetsync.toml"
    write_atomic(target, "mine", exclusive=True)
    with pytest.raises(FileExistsError):
        write_atomic(target, "theirs", exclusive=True)
    assert target.read_text() == "mine" and len(list(tmp_path.iterdir())) == 1


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path, monkeypatch):
    target = tmp_path / "state.json"
    write_atomic(target, "old")

    def refuse(*args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError):
        write_atomic(target, "new")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["state.json"]
