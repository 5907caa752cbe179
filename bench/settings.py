"""Settings of `make bench`: the app's own settings plus a bare baseline view (bench/urls.py).

The runner points DATA_DIR at a temporary directory, so the benchmark never touches ./var.
"""

from tracker.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
# The bench's 4xx/5xx would otherwise be logged per request by django.request and skew the figures.
LOGGING["root"]["level"] = "ERROR"  # noqa: F405
