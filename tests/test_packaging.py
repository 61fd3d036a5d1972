"""The wheel a non-editable install gets carries every module, template and data file the code loads."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_carries_every_module_and_template(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True, timeout=240)
    wheel, = tmp_path.glob("sheetsync-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = {str(p.relative_to(ROOT)) for p in (ROOT / "sheetsync").rglob("*")
              if p.suffix in (".py", ".j2", ".json", ".toml") and "__pycache__" not in p.parts}
    wanted |= {f"sheetsync/sheet_templates/{p.name}" for p in (ROOT / "sheet_templates").glob("*.toml")}
    assert wanted - names == set()
    assert any(n.startswith("sheetsync/sheet_templates/") for n in names)


def test_the_emulator_is_not_in_the_sheetsync_wheel_and_is_a_wheel_of_its_own(tmp_path):
    for project in (ROOT, ROOT / "emulator"):
        subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w",
                        str(tmp_path), str(project)], check=True, capture_output=True, timeout=240)
    ours, = tmp_path.glob("sheetsync-*.whl")
    names = zipfile.ZipFile(ours).namelist()
    assert not [n for n in names if n.startswith(("sheets_emulator/", "sheetsync/testing/", "emulator/"))]
    emulator, = tmp_path.glob("sheets_emulator-*.whl")
    got = {n for n in zipfile.ZipFile(emulator).namelist() if n.endswith(".py")}
    top = ROOT / "emulator"
    wanted = {p.relative_to(top).as_posix() for p in (top / "sheets_emulator").rglob("*.py")}
    assert wanted and got == wanted


def test_the_emulator_imports_nothing_from_sheetsync():
    """A fake Google: every one of its modules loads without sheetsync being imported."""
    top = ROOT / "emulator" / "sheets_emulator"
    modules = sorted(".".join(p.relative_to(top).with_suffix("").parts) for p in top.rglob("*.py")
                     if p.stem != "__main__")
    code = ("import importlib, sys\n"
            f"for m in {modules!r}:\n"
            "    importlib.import_module('sheets_emulator.' + m.removesuffix('__init__').rstrip('.') "
            "if m != '__init__' else 'sheets_emulator')\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sheetsync'))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stdout
