"""The session engine (SESSION_ENGINE): Django's database sessions, each row knowing its user."""

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls):
        from tracker.models import Session

        return Session

    def create_model_instance(self, data: dict):
        session = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        session.user_id = get_user_model()._meta.pk.to_python(user_id) if user_id is not None else None
        return session
