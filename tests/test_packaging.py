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
