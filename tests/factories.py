"""Plain factory functions: explicit, keyword-only, with calm defaults."""

import datetime as dt
import uuid

from django.contrib.auth import get_user_model

from tracker import credentials, services
from tracker.models import CheckIn, Emotion, Profile

PASSWORD = "a-long-calm-passphrase"


def make_user(
    username: str = "alice", *, timezone: str = "UTC", day_starts_at: int = 0, week_starts_on: str = "mon"
):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    Profile.objects.create(
        user=user, timezone=timezone, day_starts_at=day_starts_at, week_starts_on=week_starts_on
    )
    return user


def make_checkin(
    user,
    *,
    occurred_at: dt.datetime | None = None,
    emotion: str = "lonely",
    intensity: int = 5,
    checkin_id: uuid.UUID | None = None,
    **fields,
) -> CheckIn:
    """A check-in written through the domain function, so local_date is derived as in production."""
    data = {"emotion": emotion, "intensity": intensity, **fields}
    if occurred_at is not None:
        data["occurred_at"] = occurred_at
    checkin, created = services.checkin_create(user=user, checkin_id=checkin_id, data=data)
    assert created
    return checkin


def make_custom_emotion(
    user, name: str = "wobbly", *, pleasantness: float = -0.2, energy: float = 0.3
) -> Emotion:
    return services.vocabulary_word_create(
        user=user, kind="emotion", name=name, pleasantness=pleasantness, energy=energy
    )


def make_token(user, name: str = "") -> str:
    """A new API token of the user; returns its secret (for `Authorization: Token …`)."""
    _token, secret = credentials.token_create(user=user, name=name)
    return secret
