"""Reads of Attune's domain that cross relations: every one is scoped to the caller."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, Q, QuerySet

from tracker.models import BodyArea, CheckIn, Emotion, Help, Need, Sensation
from tracker.vocabulary import practices


def checkins_for_user(
    *,
    user: AbstractBaseUser,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    emotion: str | None = None,
    need: str | None = None,
) -> QuerySet[CheckIn]:
    """The caller's check-ins, newest first, with their words joined in (one query)."""
    rows = CheckIn.objects.filter(user=user).select_related(
        "emotion", "need", "sensation", "body_area", "would_help"
    )
    if date_from:
        rows = rows.filter(local_date__gte=date_from)
    if date_to:
        rows = rows.filter(local_date__lte=date_to)
    if emotion:
        rows = rows.filter(emotion__slug=emotion)
    if need:
        rows = rows.filter(need__slug=need)
    # -id breaks ties between check-ins at the same instant, so cursor pages never skip or repeat.
    return rows.order_by("-occurred_at", "-id")


def checkin_for_user(*, user: AbstractBaseUser, checkin_id) -> CheckIn | None:
    return (
        CheckIn.objects.filter(user=user, uuid=checkin_id)
        .select_related("user", "emotion", "need", "sensation", "body_area", "would_help")
        .first()
    )


def _visible_to(user: AbstractBaseUser) -> Q:
    return Q(owner=None) | Q(owner=user)


def vocabulary_for_user(*, user: AbstractBaseUser) -> dict[str, list]:
    """Built-in words plus the caller's own, never anyone else's (7 queries), and the texts of the
    gentle prompts (data files, read once per process)."""
    visible = _visible_to(user)
    emotions = list(
        Emotion.objects.filter(visible)
        .prefetch_related(
            Prefetch("suggested_emotions", queryset=Emotion.objects.only("slug")),
            Prefetch("suggested_needs", queryset=Need.objects.only("slug")),
        )
        .order_by("name")
    )
    return {
        "emotions": emotions,
        "needs": list(Need.objects.filter(visible).order_by("category", "name")),
        "sensations": list(Sensation.objects.filter(visible).order_by("name")),
        "body_areas": list(BodyArea.objects.order_by("position")),
        "helps": list(Help.objects.filter(visible).order_by("name")),
        **practices(),
    }
