"""python -m sheets_emulator --port 0 [--seed FILE.json] [--seed-xlsx FILE.xlsx] [--auth KEY.json]

--api graph: the Microsoft Graph emulator (sheets_emulator.graph) instead: --seed-xlsx FILE [--open-in-excel]"""
import sys

from .server import main

sys.exit(main())
