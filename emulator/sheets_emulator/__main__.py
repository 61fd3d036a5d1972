"""python -m sheets_emulator [--api google|feishu|graph] --port 0 [--seed FILE.json] [--seed-xlsx FILE.xlsx] [--auth KEY.json]

--api feishu: the Feishu Sheets emulator (sheets_emulator.feishu); --api graph: the Microsoft Graph emulator
(sheets_emulator.graph): --seed-xlsx FILE [--open-in-excel]"""
import sys

from .server import main

sys.exit(main())
