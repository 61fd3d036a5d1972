"""The CSV/TSV backend: a tracker exported as delimited text (Jira, Trello, Smartsheet, a sheet saved as CSV),
read into one sheet; read-only, so sync refuses it in one line before anything is read."""
