"""Helpers the tests share: real trackers, fixtures, local servers. Imported as `support.NAME`
(pyproject's pytest `pythonpath` puts tests/ on the path)."""
