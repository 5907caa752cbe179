#!/usr/bin/env python
"""Django's command-line utility for Attune."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    from django.core.management import execute_from_command_line

    from tracker.datadir import prepare

    prepare()  # DATA_DIR, the secret key and the SQLite file exist before any command reads settings
    execute_from_command_line(sys.argv)
