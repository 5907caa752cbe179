"""A real push service on 127.0.0.1 for tests and the bench, and browser-side subscription keys.

It receives what pywebpush really sends (headers, encrypted body) and answers scripted statuses per path.
"""

import base64
import os
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Browser:
    """What a browser keeps for one push subscription: its key pair and auth secret."""

    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def decrypt(self, body: bytes) -> bytes:
        return http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"
        )


@dataclass
class Received:
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes


class FakePushService:
    """Answers POST /<name> with the statuses scripted for that name (the last one repeats), else 201."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.scripts: dict[str, list[tuple[int, dict[str, str]]]] = {}
        self.holds: dict[str, threading.Event] = {}
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, like a real push service

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                hold = service.holds.get(self.path.lstrip("/"))
                if hold is not None:
                    hold.wait(timeout=15)  # a push service that hangs until the test releases it
                with service.lock:
                    service.received.append(
                        Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    script = service.scripts.get(self.path.lstrip("/"), [])
                    status, headers = (
                        script.pop(0) if len(script) > 1 else (script[0] if script else (201, {}))
                    )
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> "FakePushService":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def endpoint(self, name: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/{name}"

    def answer(self, name: str, *statuses: int | tuple[int, dict[str, str]]) -> None:
        """Script the answers for /<name>, in order; the last one repeats."""
        self.scripts[name] = [s if isinstance(s, tuple) else (s, {}) for s in statuses]

    def hold(self, name: str) -> threading.Event:
        """Requests to /<name> get no answer until the returned event is set (15 s at most)."""
        self.holds[name] = threading.Event()
        return self.holds[name]

    def requests_to(self, name: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.path == f"/{name}"]


def make_reminder(user, *, time: str = "08:00", days=None, due_at=None, **fields):
    """A reminder; `due_at` sets next_fire_at directly (as if the schedule said so)."""
    import datetime as dt

    from tracker.models import WEEKDAYS, Reminder

    reminder = Reminder.objects.create(
        user=user, time=dt.time.fromisoformat(time), days=list(days or WEEKDAYS), **fields
    )
    if due_at is None:
        from tracker.reminders import reminder_next_fire_at

        due_at = reminder_next_fire_at(reminder=reminder, profile=user.profile)
    Reminder.objects.filter(pk=reminder.pk).update(next_fire_at=due_at)
    reminder.refresh_from_db()
    return reminder


def make_subscription(user, service: FakePushService, name: str, browser: Browser | None = None):
    from tracker.models import PushSubscription

    browser = browser or Browser()
    subscription = PushSubscription.objects.create(
        user=user, endpoint=service.endpoint(name), p256dh=browser.p256dh, auth=browser.auth
    )
    subscription.browser = browser
    return subscription
