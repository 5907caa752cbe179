"""Settings of `make bench`: the app's own settings plus a bare baseline view (bench/urls.py).

The runner points DATA_DIR at a temporary directory, so the benchmark never touches ./var.
"""

from tracker.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
# The bench's 4xx/5xx would otherwise be logged per request by django.request and skew the figures.
LOGGING["root"]["level"] = "ERROR"  # noqa: F405

# Persistent connections: opening a SQLite connection (and its PRAGMAs) per request costs more than
# the whole of a trends query under load (measured: /healthz 960 req/s without, see README).
DATABASES["default"]["CONN_MAX_AGE"] = env_int("BENCH_CONN_MAX_AGE", 600)  # noqa: F405
