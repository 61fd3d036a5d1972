"""sheetsync: validate, derive, highlight and report on campaign trackers in Excel or Google Sheets."""
__version__ = "0.1.0"
