"""The SQLite database backend (settings ENGINE "tracker.sqlite"): Django's own; see base.py."""
