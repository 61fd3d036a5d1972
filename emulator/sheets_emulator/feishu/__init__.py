"""A local Feishu (Lark) Sheets open-API emulator for tests, beside the Google one: real HTTP on 127.0.0.1, the
tenant token endpoint of self-built apps, the sheets endpoints sheetsync uses, Feishu's {"code", "msg", "data"}
envelope and error codes, strict about request shapes as Feishu's API reference documents them.

    python -m sheets_emulator --api feishu --port 0 --seed-xlsx FILE.xlsx   # prints the URL, then the token

It imports nothing from sheetsync, as Feishu would not."""
from .server import FeishuEmulator

__all__ = ["FeishuEmulator"]
