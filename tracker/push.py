"""Web Push: the VAPID key pair, browser subscriptions, and sending one generic notification.

The notification text is fixed and generic. It never carries an emotion, need, note or the reminder's
label (user text): push services and lock screens are not private.
"""

import base64
import binascii
import datetime as dt
import email.utils
import enum
import json
import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from tracker.models import PushSubscription

logger = logging.getLogger(__name__)

NOTIFICATION = {"title": "Attune", "body": "Time for a gentle check-in", "url": "/#checkin"}
PAYLOAD = json.dumps(NOTIFICATION, separators=(",", ":"))
# A reminder still makes sense a few hours late (the phone was off); after that the push service drops it.
PUSH_TTL_SECONDS = 4 * 60 * 60
# Undelivered notifications with the same topic replace each other at the push service: a phone that was
# offline through three reminders gets one prompt, not three.
PUSH_TOPIC = "attune-checkin"
PUSH_TIMEOUT_SECONDS = 10
SUBSCRIPTIONS_PER_USER_MAX = 20
P256DH_LENGTH = 65  # uncompressed P-256 point
AUTH_LENGTH = 16


# --- VAPID keys --------------------------------------------------------------------------------


def vapid_key_file() -> Path:
    return Path(settings.VAPID_PRIVATE_KEY_FILE)


def vapid_ensure_keys() -> bool:
    """Create the VAPID key pair where settings say, unless it exists. Returns True when created.

    The key is written to a private temporary file (mode 0600) and published with link(), which is atomic
    and refuses to replace an existing file: the web server and a dispatcher starting at the same moment
    cannot both install a key, and neither can read a half-written one.
    """
    path = vapid_key_file()
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    vapid = Vapid()
    vapid.generate_keys()
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".vapid-")  # mkstemp files are 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(vapid.private_pem())
        os.link(temporary, path)
    except FileExistsError:
        return False
    finally:
        os.unlink(temporary)
    return True


_vapid_cache: dict[tuple[str, float], Vapid] = {}
_vapid_lock = threading.Lock()


def vapid_key() -> Vapid:
    """The server's VAPID key (created on first use), cached until the file changes."""
    vapid_ensure_keys()
    path = vapid_key_file()
    cache_key = (str(path), path.stat().st_mtime)
    with _vapid_lock:
        if cache_key not in _vapid_cache:
            _vapid_cache.clear()
            _vapid_cache[cache_key] = Vapid.from_pem(path.read_bytes())
        return _vapid_cache[cache_key]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def application_server_key() -> str:
    """The public key browsers pass to pushManager.subscribe(): base64url of the uncompressed point."""
    point = vapid_key().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point)


# --- subscriptions -----------------------------------------------------------------------------


def _b64url_decode(value: str) -> bytes | None:
    if not value or not all(c.isalnum() or c in "-_=" for c in value):
        return None
    try:
        return base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        return None


def _endpoint_allowed(endpoint: str) -> bool:
    """https to a known push service. The server POSTs to this URL, so it must not reach anything else.

    PUSH_SERVICE_HOSTS lists host suffixes ("*": any https host); PUSH_ALLOW_INSECURE_ENDPOINTS (tests,
    development) also admits http on loopback, where the tests run a fake push service.
    """
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018  (raises ValueError on a malformed port)
    except ValueError:
        return False
    if parts.username or parts.password or not host:
        return False
    if parts.scheme == "http":
        return settings.PUSH_ALLOW_INSECURE_ENDPOINTS and host in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https":
        return False
    if settings.PUSH_ALLOW_INSECURE_ENDPOINTS and host in ("127.0.0.1", "localhost", "::1"):
        return True
    suffixes = settings.PUSH_SERVICE_HOSTS
    return "*" in suffixes or any(host == s or host.endswith("." + s) for s in suffixes)


def push_subscription_save(
    *, user: AbstractBaseUser, endpoint: str, p256dh: str, auth: str
) -> tuple[PushSubscription, bool]:
    """Register this browser's subscription for `user`. Returns (subscription, created).

    The endpoint is unique: subscribing again updates the keys, and an endpoint held by another account
    moves to the caller (a browser belongs to whoever is signed in on it now; the previous account must
    not keep receiving prompts on a device it no longer uses). Beyond SUBSCRIPTIONS_PER_USER_MAX the
    oldest subscriptions of the user are dropped (browsers abandon endpoints without telling us).
    """
    errors: dict[str, list[str]] = {}
    if not _endpoint_allowed(endpoint):
        errors["endpoint"] = ["Give the https endpoint of a browser push service."]
    key = _b64url_decode(p256dh)
    if key is None or len(key) != P256DH_LENGTH or key[0] != 4:
        errors.setdefault("keys", []).append("p256dh: give the base64url P-256 public key.")
    secret = _b64url_decode(auth)
    if secret is None or len(secret) != AUTH_LENGTH:
        errors.setdefault("keys", []).append("auth: give the base64url 16-byte auth secret.")
    if errors:
        raise ValidationError(errors)
    fields = {"user": user, "p256dh": p256dh, "auth": auth, "failure_count": 0, "retry_after": None}
    for _attempt in range(2):
        try:
            with transaction.atomic():
                subscription, created = PushSubscription.objects.update_or_create(
                    endpoint=endpoint, defaults=fields
                )
                extra = PushSubscription.objects.filter(user=user).order_by("-created_at", "-id")[
                    SUBSCRIPTIONS_PER_USER_MAX:
                ]
                PushSubscription.objects.filter(pk__in=list(extra.values_list("pk", flat=True))).delete()
            return subscription, created
        except IntegrityError:  # the same endpoint registered concurrently: update that row instead
            continue
    raise IntegrityError("push subscription kept colliding")  # pragma: no cover


def push_subscriptions_for(*, user: AbstractBaseUser) -> list[PushSubscription]:
    return list(PushSubscription.objects.filter(user=user).order_by("created_at"))


def push_subscription_delete(*, user: AbstractBaseUser, endpoint: str) -> int:
    """Remove the caller's subscription with this endpoint (another account's stays). Returns count."""
    deleted, _ = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted


# --- sending -----------------------------------------------------------------------------------


class Outcome(enum.Enum):
    SENT = "sent"
    GONE = "gone"  # 404/410: the browser unsubscribed; delete the subscription
    RETRY = "retry"  # 429/5xx or no answer: try again later
    REJECTED = "rejected"  # 400/401/403/413: our request or configuration is wrong; keep the subscription


@dataclass(frozen=True)
class PushResult:
    outcome: Outcome
    status: int | None = None
    retry_after: dt.timedelta | None = None  # what the push service asked for (429/503 Retry-After)


_sessions = threading.local()


def _session() -> requests.Session:
    # One keep-alive session per thread: a dispatcher sends many pushes to the same few push services.
    if not hasattr(_sessions, "session"):
        _sessions.session = requests.Session()
    return _sessions.session


def parse_retry_after(value: str | None, *, now: dt.datetime) -> dt.timedelta | None:
    """Retry-After as seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return dt.timedelta(seconds=int(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(dt.timedelta(0), when - now)


def push_send(*, subscription: PushSubscription, now: dt.datetime) -> PushResult:
    """Send the generic check-in prompt to one subscription (encrypted, VAPID-signed, TTL > 0)."""
    info = {
        "endpoint": subscription.endpoint,
        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
    }
    try:
        webpush(
            info,
            data=PAYLOAD,
            vapid_private_key=vapid_key(),
            vapid_claims={"sub": settings.VAPID_SUBJECT},  # fresh dict per call: webpush() mutates it
            ttl=PUSH_TTL_SECONDS,
            headers={"Topic": PUSH_TOPIC, "Urgency": "normal"},
            timeout=PUSH_TIMEOUT_SECONDS,
            requests_session=_session(),
        )
    except WebPushException as exc:
        if exc.response is None:
            return PushResult(Outcome.RETRY)
        status = exc.response.status_code
        if status in (404, 410):
            return PushResult(Outcome.GONE, status)
        if status == 429 or status >= 500:
            retry_after = parse_retry_after(exc.response.headers.get("Retry-After"), now=now)
            return PushResult(Outcome.RETRY, status, retry_after)
        return PushResult(Outcome.REJECTED, status)
    except requests.RequestException:  # unreachable, timed out: the push service may be back later
        return PushResult(Outcome.RETRY)
    return PushResult(Outcome.SENT, 201)


# --- "Send a test reminder" ------------------------------------------------------------------------

TEST_PUSHES_PER_MINUTE = 3


def push_test_wait(*, user: AbstractBaseUser) -> int:
    """Seconds to wait before another test reminder, counting this one (0: go ahead).

    A fixed one-minute window on the cache's atomic add/incr, so concurrent taps cannot overshoot it.
    """
    key = f"push-test:{user.pk}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.add(key, 1, timeout=60)
        count = 1
    return 60 if count > TEST_PUSHES_PER_MINUTE else 0


def push_test_send(*, user: AbstractBaseUser, now: dt.datetime) -> dict[str, int]:
    """The generic prompt to each of the person's devices now. Retry state is left to the dispatcher."""
    sent = failed = 0
    subscriptions = list(PushSubscription.objects.filter(user=user))
    for subscription in subscriptions:
        try:
            result = push_send(subscription=subscription, now=now)
        except Exception:  # a corrupt key or a library bug: this device only
            logger.exception("push subscription %s: test send failed", subscription.pk)
            result = PushResult(Outcome.REJECTED)
        if result.outcome is Outcome.SENT:
            sent += 1
            PushSubscription.objects.filter(pk=subscription.pk).update(last_success_at=now)
        elif result.outcome is Outcome.GONE:
            PushSubscription.objects.filter(pk=subscription.pk).delete()
            failed += 1
        else:
            failed += 1
    return {"devices": len(subscriptions), "sent": sent, "failed": failed}
