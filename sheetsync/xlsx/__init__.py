"""The Excel backend: read a workbook package with python-calamine, write a Plan by patching only the parts
sheetsync owns (lxml), with the safe write around it."""
