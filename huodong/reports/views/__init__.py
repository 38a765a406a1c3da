"""The views of the dashboard (dashboard.py) and of the briefs and summaries (documents.py)."""
