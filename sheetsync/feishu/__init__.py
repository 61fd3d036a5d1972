"""The Feishu (Lark) Sheets backend: a spreadsheet on feishu.cn or larksuite.com, read and written in place
through Feishu's open API with a self-built app's tenant token. source.py says which SOURCEs are Feishu's."""
