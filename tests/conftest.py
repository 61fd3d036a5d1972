# The shared helpers are the package tests/support/ (pyproject's pytest `pythonpath` puts tests/ on the path).
pytest_plugins = ["support.postgres_fixtures"]
