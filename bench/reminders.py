"""`python -m bench.reminders`: how many reminders per second one dispatcher sends over real Web Push.

N people each get one due reminder and one push subscription whose endpoint is a fake push service on
127.0.0.1 answering 201 (a real HTTP server in its own process receiving the real pywebpush requests:
VAPID-signed, aes128gcm-encrypted). One dispatcher then runs `dispatch_due()` until nothing is due; the
rate is N over that time. Everything lives in a temporary DATA_DIR (SQLite) that is removed afterwards.

Knobs (environment): BENCH_REMINDERS (N, default 1000), BENCH_KEEP=1 keeps the temporary directory.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(data_dir: str) -> None:
    os.environ["DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    os.environ["PUSH_ALLOW_INSECURE_ENDPOINTS"] = "1"  # the fake push service speaks http on loopback
    os.environ.pop("DATABASE_URL", None)  # always the temporary SQLite file
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    from tracker.datadir import prepare

    prepare()  # the data folder, database file and secret key (settings only read them)
    import django

    django.setup()


def make_due_reminders(count: int, service) -> None:
    """`count` users, each with one due reminder and one subscription at the fake push service."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from tests.reminder_kit import Browser
    from tracker.models import WEEKDAYS, Profile, PushSubscription, Reminder

    user_model = get_user_model()
    users = user_model.objects.bulk_create(
        [user_model(username=f"bench-{n}", password="!") for n in range(count)]  # noqa: S106  (unusable)
    )
    Profile.objects.bulk_create([Profile(user=user, timezone="Europe/Berlin") for user in users])
    browser = Browser()  # one key pair serves all: encryption still runs per message
    PushSubscription.objects.bulk_create(
        [
            PushSubscription(
                user=user, endpoint=service.endpoint(f"p{n}"), p256dh=browser.p256dh, auth=browser.auth
            )
            for n, user in enumerate(users)
        ]
    )
    due = timezone.now() - dt.timedelta(seconds=1)
    Reminder.objects.bulk_create(
        [Reminder(user=user, time=dt.time(8), days=WEEKDAYS, next_fire_at=due) for user in users]
    )


PUSH_SERVICE = r"""
import sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
count = 0
lock = threading.Lock()
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        global count
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with lock:
            count += 1
        self.send_response(201); self.send_header("Content-Length", "0"); self.end_headers()
    def do_GET(self):  # /count
        body = str(count).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


class PushServiceProcess:
    """A push service answering 201 in its own process, so it does not share the dispatcher's CPU time."""

    def __enter__(self) -> "PushServiceProcess":
        command = [sys.executable, "-c", PUSH_SERVICE]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603
        self.port = int(self.process.stdout.readline())
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def endpoint(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"

    def received(self) -> int:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/count", timeout=10) as response:
            return int(response.read())


def measure(count: int) -> dict[str, float]:
    from django.core.management import call_command

    from tracker import dispatcher, push

    call_command("migrate", verbosity=0)
    push.vapid_ensure_keys()
    with PushServiceProcess() as service:
        make_due_reminders(count, service)
        push.vapid_key()  # load the key outside the timed part
        started = time.perf_counter()
        claimed = 0
        while (stats := dispatcher.dispatch_due()).claimed:
            claimed += stats.claimed
        elapsed = time.perf_counter() - started
        received = service.received()
    if claimed != count or received != count:
        raise SystemExit(
            f"bench.reminders: claimed {claimed}, push service received {received}, expected {count}"
        )
    return {"reminders": count, "seconds": elapsed, "per_second": count / elapsed}


def main() -> int:
    count = int(os.environ.get("BENCH_REMINDERS", "1000"))
    data_dir = tempfile.mkdtemp(prefix="attune-bench-reminders-")
    sys.path.insert(0, str(ROOT))
    try:
        setup_django(data_dir)
        result = measure(count)
    finally:
        if os.environ.get("BENCH_KEEP") != "1":
            shutil.rmtree(data_dir, ignore_errors=True)
    print(
        f"reminder dispatch: {result['reminders']:.0f} reminders in {result['seconds']:.2f} s = "
        f"{result['per_second']:.0f} reminders/s (one dispatcher, SQLite, Web Push to a fake push service "
        "on 127.0.0.1)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
