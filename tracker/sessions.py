"""The session engine (SESSION_ENGINE): Django's database sessions, each row knowing its user.

Chosen over `cached_db` because a session row is one indexed read, and a cached copy would outlive a
session ended server-side (tracker.credentials.sessions_end deletes rows only): revocation stays
immediate. The read's SQL is built once per process (tracker.rows), not by the ORM on every request.
"""

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connection
from django.utils import timezone

_reader = None


def _session_reader():
    global _reader
    if _reader is None:
        from tracker.models import Session
        from tracker.rows import JoinedReader

        _reader = JoinedReader([(Session, "s")], joins="", where="s.session_key = %s AND s.expire_date > %s")
    return _reader


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls):
        from tracker.models import Session

        return Session

    def _get_session_from_db(self):
        found = _session_reader().one(
            [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())]
        )
        if found is None:
            self._session_key = None
            return None
        return found[0]

    def create_model_instance(self, data: dict):
        session = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        session.user_id = get_user_model()._meta.pk.to_python(user_id) if user_id is not None else None
        return session
