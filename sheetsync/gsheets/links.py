"""What a Google Sheets SOURCE looks like: a spreadsheet link (with an optional #gid=N) or gsheet:KEY[!Title].
Plain patterns, so the SOURCE dispatcher can tell a Google source without loading the Google client."""
from __future__ import annotations

import re

GSHEET_URL = re.compile(r"^https://docs\.google\.com/spreadsheets/d/([A-Za-z0-9_-]+)(?:/[^#?]*)?(?:\?[^#]*)?(?:#gid=(\d+))?")
GSHEET_KEY = re.compile(r"^gsheet:([A-Za-z0-9_-]+)(?:!(.+))?$")
