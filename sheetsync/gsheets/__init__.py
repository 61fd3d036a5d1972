"""The Google Sheets backend: the bounded HTTP client, reading a spreadsheet (2 requests) and writing a Plan in one
spreadsheets.batchUpdate."""
