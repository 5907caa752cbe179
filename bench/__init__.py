"""`make bench`: the API under gunicorn on 127.0.0.1 with a generated dataset, driven by wrk.

See bench/scenarios.py for the list of scenarios (append new ones there) and bench/runner.py for the
orchestration.
"""
