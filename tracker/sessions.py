"""The session engine (SESSION_ENGINE): Django's database sessions, each row knowing its user.

Chosen over `cached_db` because a session row is one indexed read, and a cached copy would outlive a
session ended server-side (tracker.credentials.sessions_end deletes rows only): revocation stays
immediate. The read's SQL is built once per process (tracker.rows), not by the ORM on every request,
and it joins the row's user and profile: the whole of a session request's authentication is one query
(ProfileBackend.get_user takes the user from it while `authenticating` the request).
"""

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connection
from django.utils import timezone

_reader = None
# The session store whose user Django's get_user is resolving now (set only for that call).
_authenticating: ContextVar["SessionStore | None"] = ContextVar("attune_authenticating", default=None)


def _session_reader():
    global _reader
    if _reader is None:
        from tracker.credentials import user_reader
        from tracker.models import Session

        _reader = user_reader(
            # expire_date only in the WHERE: Django reads nothing of a loaded row but its data.
            [(Session, "s", ("session_key", "session_data", "user_id"))],
            joins=f'LEFT JOIN "{get_user_model()._meta.db_table}" u ON u.id = s.user_id',
            where="s.session_key = %s AND s.expire_date > %s",
        )
    return _reader


@contextlib.contextmanager
def authenticating(session: SessionBase) -> Iterator[None]:
    """While Django's get_user runs: ProfileBackend may take the user read with this session's row."""
    token = _authenticating.set(session if isinstance(session, SessionStore) else None)
    try:
        yield
    finally:
        _authenticating.reset(token)


def joined_user(user_id) -> object | None:
    """The user (profile attached) read with the row of the session being authenticated, if it is
    `user_id`'s; None otherwise (the backend then reads the user itself)."""
    store = _authenticating.get()
    user = store.joined_user if store is not None else None
    if user is None or user.pk != user_id:
        return None
    return user


# Decoded session data by its signed text, per process. Decoding is a pure function of that text (the
# signature checked with SECRET_KEY, then JSON), and every request reads the text from the row afresh,
# so this never keeps a session alive: it only skips the HMAC and JSON work (~20 µs) for the same text
# again. Only flat data is kept, and each caller gets its own copy.
_decoded: dict[str, dict] = {}
_DECODED_MAX = 1000
_SCALARS = (str, int, float, bool, type(None))


class SessionStore(DatabaseSessionStore):
    joined_user = None  # the row's user, read with it (None: no row, or a row signed in to nobody)

    def decode(self, session_data: str) -> dict:
        found = _decoded.get(session_data)
        if found is None:
            found = super().decode(session_data)
            if not found or not all(isinstance(value, _SCALARS) for value in found.values()):
                return found  # (bad data: decoded, and logged by Django, every time)
            if len(_decoded) >= _DECODED_MAX:
                _decoded.clear()
            _decoded[session_data] = found
        return dict(found)

    @classmethod
    def get_model_class(cls):
        from tracker.models import Session

        return Session

    def _get_session_from_db(self):
        from tracker.credentials import user_with_profile

        self.joined_user = None
        found = _session_reader().one(
            [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())]
        )
        if found is None:
            self._session_key = None
            return None
        session, user, profile = found
        if user is not None:
            self.joined_user = user_with_profile(user, profile)
        return session

    def create_model_instance(self, data: dict):
        session = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        session.user_id = get_user_model()._meta.pk.to_python(user_id) if user_id is not None else None
        return session
