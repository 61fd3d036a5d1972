"""A local Google Sheets API v4 emulator for tests: real HTTP on 127.0.0.1, strict like Google (every request
checked against the Sheets v4 discovery document), with an OAuth2 token endpoint for service-account keys.

It is its own package, not part of sheetsync: it imports nothing from sheetsync, as Google would not."""
from .server import SheetsEmulator

__all__ = ["SheetsEmulator"]
