"""Browser tests: the html reports in a real chromium (see conftest.py)."""
