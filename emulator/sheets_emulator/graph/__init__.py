"""A local Microsoft Graph emulator for OneDrive/SharePoint workbooks (a test tool, not Graph).

    with GraphEmulator() as emu:                      # emu.base_url: http://127.0.0.1:PORT
        item = emu.add_item(Path("tracker.xlsx").read_bytes(), "tracker.xlsx")
        emu.open_in_excel(item, True)               # uploads now answer 423 resourceLocked
        emu.inject(status=429, retry_after=1, times=3, match="PUT")

Standalone: ``python -m sheets_emulator --api graph --port 0 --seed-xlsx FILE`` prints the Graph endpoint, then the
item's source (onedrive:DRIVE/ITEM); ``POST /_control/open-in-excel?item=ITEM&open=1`` (or 0) opens or closes
it in "Excel" while the emulator runs."""
from .server import GraphEmulator, main  # noqa: F401
