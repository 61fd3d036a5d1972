"""python -m sheets_emulator [--api google|feishu] --port 0 [--seed FILE.json] [--seed-xlsx FILE.xlsx] [--auth KEY.json]"""
import sys

from .server import main

sys.exit(main())
