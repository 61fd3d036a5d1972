import sys
from pathlib import Path

# tests import their helpers (tracker_factory, *_fixtures) as plain modules
sys.path.insert(0, str(Path(__file__).parent))

pytest_plugins = ["postgres_fixtures"]
