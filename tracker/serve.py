"""`make run`: the web server (gunicorn) and its companions as one foreground unit.

Ctrl-C or SIGTERM stops every child; if one child dies, the others are stopped too, so a half-running
app never goes unnoticed.
"""

import os
import signal
import subprocess
import sys
import time

from tracker.datadir import prepare


def commands() -> list[list[str]]:
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    workers = os.environ.get("WEB_CONCURRENCY", "2")
    gunicorn = [
        sys.executable, "-m", "gunicorn", "tracker.wsgi",
        "--bind", f"{host}:{port}",
        "--workers", workers,
        "--worker-class", "sync",  # measured faster than gthread here; charts are CPU-bound
        # A worker silent this long is killed. The longest requests stay well inside it: an import stops
        # writing after 30 s (tracker.imports.IMPORT_SECONDS_MAX), a lock is waited for at most
        # DATABASE_BUSY_TIMEOUT (20 s), the report is bounded (tracker.report).
        "--timeout", "60",
        "--graceful-timeout", "30",
        "--access-logfile", "-",
        # Path without the query string: the calendar feed's token must not land in logs.
        "--access-logformat", '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
    ]  # fmt: skip
    # The reminder loop (creates the VAPID key pair on first start); more can run elsewhere at scale.
    manage = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "manage.py")
    sendreminders = [sys.executable, manage, "sendreminders"]
    return [gunicorn, sendreminders]


def main() -> int:
    # Once, before the workers start: they then only read DATA_DIR and the secret key (tracker.datadir).
    prepare()
    children = [subprocess.Popen(command) for command in commands()]  # noqa: S603

    def stop(*_args) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    finally:
        stop()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
    return max((child.returncode or 0) for child in children)


if __name__ == "__main__":
    sys.exit(main())
