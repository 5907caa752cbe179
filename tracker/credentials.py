"""Credentials a person controls: a token per client, session limits, password change, signing out
everywhere, and the throttling of password attempts.

Every function is keyword-only. Wrong input raises django.core.exceptions.ValidationError (HTTP 400);
a request over a limit raises Throttled (HTTP 429 with Retry-After).
"""

import datetime as dt
import hashlib
import ipaddress
import math
import secrets
import time
import uuid

from django.conf import settings
from django.contrib.auth import SESSION_KEY, authenticate, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from tracker import messages, sessions
from tracker.models import ApiToken, AttemptCounter, Profile, Session
from tracker.rows import JoinedReader

# "Last used" is written at most this often: once a request would cost every request a write.
TOKEN_LAST_USED_RESOLUTION = dt.timedelta(hours=1)
# A client that signs in on every run must not grow the table without end: beyond this many tokens the
# least recently used go.
TOKENS_PER_USER_MAX = 50
# A session's "last seen" (and so its idle deadline) is saved at most this often, for the same reason.
SESSION_SEEN_RESOLUTION_SECONDS = 3600
SESSION_STARTED = "_attune_started"  # epoch seconds of the sign-in
SESSION_SEEN = "_attune_seen"  # epoch seconds of the last saved activity
ACCOUNT_WINDOW_SECONDS = 3600  # LOGIN_ACCOUNT_FAILURE_LIMIT and AUTH_ADDRESS_LIMIT are per hour
WRONG_CREDENTIALS = "That username and password do not match."


class Throttled(Exception):
    """Over a limit; the caller may try again after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"throttled for {retry_after} s")
        self.retry_after = max(1, retry_after)


# --- tokens ------------------------------------------------------------------------------------


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _token_idle_cutoff(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=settings.TOKEN_IDLE_DAYS)


def token_create(*, user: AbstractBaseUser, name: str = "") -> tuple[ApiToken, str]:
    """A new token for one client; returns (token, secret). The secret is never available again."""
    secret = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, digest=_digest(secret), name=name, last_used_at=now)
        keep = ApiToken.objects.filter(user=user, last_used_at__gt=_token_idle_cutoff(now)).order_by(
            "-last_used_at", "-id"
        )[:TOKENS_PER_USER_MAX]
        # Expired tokens no longer sign anyone in; deleting them here keeps the table to live ones.
        ApiToken.objects.filter(user=user).exclude(pk__in=list(keep.values_list("pk", flat=True))).delete()
    return token, secret


# The user's fields an authenticated request uses; the others (email, names, last_login, date_joined)
# stay deferred: Django reads one when it is first used. Fewer columns and datetime conversions per
# request: 50-60 thousand instructions of the 1.8 million of GET /api/me (make bench-instructions).
USER_FIELDS_READ = ("id", "password", "username", "is_active", "is_staff", "is_superuser")


def user_reader(prefix: list[tuple], *, joins: str, where: str) -> JoinedReader:
    User = get_user_model()
    return JoinedReader(
        [*prefix, (User, "u", USER_FIELDS_READ), (Profile, "p")],
        joins=f'{joins} LEFT JOIN "{Profile._meta.db_table}" p ON p.user_id = u.{User._meta.pk.column}',
        where=where,
    )


# The token, its user and profile: one indexed query (the digest's unique index), SQL built once. Only
# the token's fields a request uses are read (its digest, name and creation time stay deferred).
_TOKEN_READER = user_reader(
    [(ApiToken, "t", ("id", "uuid", "user_id", "last_used_at"))],
    joins=f'JOIN "{get_user_model()._meta.db_table}" u ON u.id = t.user_id',
    where="t.digest = %s",
)


def user_with_profile(user: AbstractBaseUser, profile: Profile | None) -> AbstractBaseUser:
    """The user with `user.profile` (and `profile.user`) known, so services.profile_get needs no query.

    Set as the ORM's select_related sets them: `user.profile = profile` would also ask the database
    routers whether the two may be related, on every request.
    """
    if profile is not None:
        Profile.user.field.remote_field.set_cached_value(user, profile)
        Profile.user.field.set_cached_value(profile, user)
    return user


def token_authenticate(*, secret: str) -> ApiToken | None:
    """The live token with this secret, its user and profile joined in (one indexed query), or None.

    A token unused for TOKEN_IDLE_DAYS no longer works. Revocation deletes the row, so it is refused on
    the very next request (nothing about a token is cached between requests).
    """
    now = timezone.now()
    found = _TOKEN_READER.one([_digest(secret)])
    if found is None:
        return None
    token, user, profile = found
    if token.last_used_at <= _token_idle_cutoff(now):
        return None
    token.user = user_with_profile(user, profile)
    if now - token.last_used_at >= TOKEN_LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def tokens_for_user(*, user: AbstractBaseUser) -> QuerySet[ApiToken]:
    """The user's live tokens, most recently used first."""
    cutoff = _token_idle_cutoff(timezone.now())
    return ApiToken.objects.filter(user=user, last_used_at__gt=cutoff).order_by("-last_used_at", "-id")


def token_revoke(*, user: AbstractBaseUser, token_id: uuid.UUID) -> bool:
    """Delete one of the user's tokens; False when the user holds none with this id."""
    deleted, _ = ApiToken.objects.filter(user=user, uuid=token_id).delete()
    return deleted > 0


# --- sessions ----------------------------------------------------------------------------------


def _session_deadline(*, started: float, seen: float) -> float:
    """The idle limit after the last activity, but never past the session's lifetime."""
    return min(seen + settings.SESSION_IDLE_DAYS * 86400, started + settings.SESSION_LIFETIME_DAYS * 86400)


def _session_mark_seen(session: SessionBase, *, started: float, now: float) -> None:
    session[SESSION_SEEN] = now
    # The row and the cookie expire at the deadline too, so an abandoned session leaves the database
    # (`clearsessions`) and the browser on time.
    session.set_expiry(max(1, int(_session_deadline(started=started, seen=now) - now)))


def session_begin(*, session: SessionBase, now: float | None = None) -> None:
    """Start the idle and lifetime clocks of a session that has just signed someone in."""
    now = time.time() if now is None else now
    session[SESSION_STARTED] = now
    _session_mark_seen(session, started=now, now=now)


def session_check(*, session: SessionBase, now: float | None = None) -> None:
    """End a signed-in session past its idle limit or its lifetime; otherwise note the activity.

    A signed-in session without the clocks predates them: it ends too, rather than living on unbounded.
    """
    if SESSION_KEY not in session:
        return
    now = time.time() if now is None else now
    started, seen = session.get(SESSION_STARTED), session.get(SESSION_SEEN)
    if started is None or seen is None or now >= _session_deadline(started=started, seen=seen):
        session.flush()
    elif now - seen >= SESSION_SEEN_RESOLUTION_SECONDS:
        _session_mark_seen(session, started=started, now=now)


def sessions_end(*, user_id: int, keep_session_key: str | None = None) -> None:
    """End every session of the account (but `keep_session_key`), on every device, at once."""
    # tracker.sessions stores sessions in the database only; a cached engine would also have to drop
    # the cached copies of these keys.
    Session.objects.filter(user_id=user_id).exclude(session_key=keep_session_key).delete()


_USER_READER = user_reader([], joins="", where=f"u.{get_user_model()._meta.pk.column} = %s")


class ProfileBackend(ModelBackend):
    """Django's ModelBackend whose get_user (every request of a session) joins the profile, SQL built once.

    The session's user is read afresh on every request, so a deactivated account is refused at once
    (user_can_authenticate checks is_active, as ModelBackend does).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            # Ends the chain: ModelBackend stays listed only to read sessions signed in before this one
            # existed, and must not hash the same wrong password a second time.
            raise PermissionDenied
        return user

    def get_user(self, user_id):
        User = get_user_model()
        try:
            user_id = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        # A session request: the user came with the session's row (tracker.sessions), read just now.
        user = sessions.joined_user(user_id)
        if user is not None:
            return user if self.user_can_authenticate(user) else None
        found = _USER_READER.one([user_id])
        if found is None:
            return None
        user, profile = found
        return user_with_profile(user, profile) if self.user_can_authenticate(user) else None


def signout_everywhere(*, user: AbstractBaseUser) -> None:
    """End every session and revoke every token of the account, the caller's own included."""
    with transaction.atomic():
        sessions_end(user_id=user.pk)
        ApiToken.objects.filter(user=user).delete()


# --- passwords ---------------------------------------------------------------------------------


def user_authenticate(*, username: str, password: str, address: str) -> AbstractBaseUser:
    """The active user with these credentials. The attempt is counted before the password is checked."""
    password_attempt(username=username, address=address)
    user = authenticate(None, username=username, password=password)
    if user is None:
        raise ValidationError({"detail": [WRONG_CREDENTIALS]})
    password_attempt_succeeded(username=username, address=address)
    return user


def password_change(
    *,
    user: AbstractBaseUser,
    password: str,
    new_password: str,
    address: str,
    keep_session_key: str | None = None,
    keep_token: ApiToken | None = None,
) -> None:
    """Set a new password; every other session and token of the account stops working.

    The credential that asked (`keep_session_key` or `keep_token`) stays signed in. The current password
    is throttled like a sign-in, so a stolen session cannot be used to guess it.
    """
    password_attempt(username=user.get_username(), address=address)
    if not user.check_password(password):
        raise ValidationError({"password": [messages.WRONG_PASSWORD]})
    password_attempt_succeeded(username=user.get_username(), address=address)
    try:
        validate_password(new_password, user=user)
    except ValidationError as exc:
        raise ValidationError({"new_password": list(exc.messages)}) from None
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        sessions_end(user_id=user.pk, keep_session_key=keep_session_key)
        tokens = ApiToken.objects.filter(user=user)
        if keep_token is not None:
            tokens = tokens.exclude(pk=keep_token.pk)
        tokens.delete()


# --- throttling --------------------------------------------------------------------------------
# Attempts are counted in the database with one atomic upsert, before the password is checked, so no
# number of concurrent requests can get more than the limit checked, whatever the cache backend
# (the file cache has no atomic increment). Two counters guard sign-ins: per account and client address
# (LOGIN_FAILURE_LIMIT per LOGIN_LOCKOUT_SECONDS), which locks out an attacker's address but not the
# owner elsewhere; and per account over all addresses (LOGIN_ACCOUNT_FAILURE_LIMIT per hour), the ceiling
# for attackers with many addresses. A success resets the first and takes itself off the second.


def _network(address: str) -> str:
    """The unit an address is counted by: one IPv4 address, or the /64 a single IPv6 host gets."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _counter_key(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()  # neither names nor addresses stored


def _account(username: str) -> str:
    return username.strip().lower()  # usernames are unique regardless of case


# One statement, atomic on SQLite (a single writer) and PostgreSQL (ON CONFLICT locks the row); both
# evaluate every SET expression against the row as it was. Same syntax on both (SQLite >= 3.35).
_COUNT_SQL = """
INSERT INTO tracker_attemptcounter ("key", "count", window_ends) VALUES (%s, 1, %s)
ON CONFLICT ("key") DO UPDATE SET
    "count" = CASE WHEN tracker_attemptcounter.window_ends <= %s THEN 1
                   ELSE tracker_attemptcounter."count" + 1 END,
    window_ends = CASE WHEN tracker_attemptcounter.window_ends <= %s THEN excluded.window_ends
                       ELSE tracker_attemptcounter.window_ends END
RETURNING "count"
"""


def _count(key: str, *, window_seconds: int, now: dt.datetime) -> int:
    """Add one attempt to the counter's current window (a new window once it ended); the new count."""
    now_db = connection.ops.adapt_datetimefield_value(now)
    ends_db = connection.ops.adapt_datetimefield_value(now + dt.timedelta(seconds=window_seconds))
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_SQL, [key, ends_db, now_db, now_db])
        return cursor.fetchone()[0]


def _over_limit(key: str, *, limit: int, window_seconds: int, now: dt.datetime) -> None:
    if _count(key, window_seconds=window_seconds, now=now) > limit:
        ends = AttemptCounter.objects.filter(key=key).values_list("window_ends", flat=True).first()
        raise Throttled(math.ceil((ends - now).total_seconds()) if ends else window_seconds)


def _counters_forget_expired(now: dt.datetime) -> None:
    AttemptCounter.objects.filter(window_ends__lt=now).delete()


def password_attempt(*, username: str, address: str) -> None:
    """Count one attempt at the account's password from `address`; Throttled when over a limit.

    Counted before the password is checked, so the limit is exactly the number of passwords checked.
    """
    now = timezone.now()
    _counters_forget_expired(now)
    pair = _counter_key("login", _account(username), _network(address))
    # The address counter goes first: an address already locked out spends none of the account's ceiling.
    _over_limit(
        pair, limit=settings.LOGIN_FAILURE_LIMIT, window_seconds=settings.LOGIN_LOCKOUT_SECONDS, now=now
    )
    _over_limit(
        _counter_key("account", _account(username)),
        limit=settings.LOGIN_ACCOUNT_FAILURE_LIMIT,
        window_seconds=ACCOUNT_WINDOW_SECONDS,
        now=now,
    )


def password_attempt_succeeded(*, username: str, address: str) -> None:
    """The right password: this address starts afresh, and the attempt leaves the account's count."""
    account = _counter_key("account", _account(username))
    AttemptCounter.objects.filter(key=_counter_key("login", _account(username), _network(address))).delete()
    # A counter down to nothing goes: no row is left behind for an account that only ever signed in.
    AttemptCounter.objects.filter(key=account, count__lte=1).delete()
    AttemptCounter.objects.filter(key=account, count__gt=1).update(count=F("count") - 1)


def address_spend(*, address: str) -> int:
    """Spend one of the address's password requests of the hour (each hashes a password: ~0.9 s).

    Returns 0 when allowed, else the seconds until the address may ask again.
    """
    now = timezone.now()
    try:
        _over_limit(
            _counter_key("address", _network(address)),
            limit=settings.AUTH_ADDRESS_LIMIT,
            window_seconds=ACCOUNT_WINDOW_SECONDS,
            now=now,
        )
    except Throttled as exc:
        return exc.retry_after
    return 0
