"""Boundaries and weekly intentions (issue 14): writes and reads, every one scoped to the caller.

A boundary says what the person will and won't accept, with the needs it protects; an intention is one
small step for a week. Both are private text like the note: they are never logged, never in a URL and
never in a push payload. Functions are keyword-only and raise ValidationError (HTTP 400), leaving the
database unchanged when they do.
"""

import datetime as dt
import uuid
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch

from tracker import messages, services, trends
from tracker.models import Boundary, Intention, Need, Profile

BOUNDARY_TEXT_MAX_LENGTH = 500  # also the database constraint boundary_text_max_500
BOUNDARY_NEEDS_MAX = 10
BOUNDARIES_PER_USER_MAX = 100  # a life's worth of boundaries; keeps the list unpaginated
INTENTION_TEXT_MAX_LENGTH = 280  # also the database constraint intention_text_max_280


# --- boundaries --------------------------------------------------------------------------------


def _boundary_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({"text": [messages.BOUNDARY_TEXT_REQUIRED]})
    if len(text) > BOUNDARY_TEXT_MAX_LENGTH:
        raise ValidationError(
            {"text": [messages.BOUNDARY_TEXT_TOO_LONG.format(limit=BOUNDARY_TEXT_MAX_LENGTH)]}
        )
    return text


def _boundary_needs(*, user: AbstractBaseUser, slugs: Iterable[str]) -> list[Need]:
    """The needs named, built-in or the caller's own (repeats dropped, order kept); else a field error."""
    slugs = list(dict.fromkeys(slugs))
    if len(slugs) > BOUNDARY_NEEDS_MAX:
        raise ValidationError({"needs": [messages.BOUNDARY_TOO_MANY_NEEDS.format(limit=BOUNDARY_NEEDS_MAX)]})
    needs, unknown = [], []
    for slug in slugs:
        try:
            needs.append(
                services.vocabulary_word_for(user=user, model=Need, slug=slug, field="needs", label="need")
            )
        except ValidationError as exc:
            unknown.extend(exc.message_dict["needs"])
    if unknown:
        raise ValidationError({"needs": unknown})
    return needs


def boundary_create(*, user: AbstractBaseUser, text: str, needs: Iterable[str] = ()) -> Boundary:
    """A new boundary of the caller; at most BOUNDARIES_PER_USER_MAX."""
    text = _boundary_text(text)
    need_words = _boundary_needs(user=user, slugs=needs)
    with transaction.atomic():
        # Lock the profile row: two concurrent creates cannot both pass the limit.
        Profile.objects.select_for_update().filter(user=user).first()
        if Boundary.objects.filter(user=user).count() >= BOUNDARIES_PER_USER_MAX:
            raise ValidationError(
                {"detail": [messages.BOUNDARIES_TOO_MANY.format(limit=BOUNDARIES_PER_USER_MAX)]}
            )
        boundary = Boundary.objects.create(user=user, text=text)
        boundary.needs.set(need_words)
    return boundary_for_user(user=user, boundary_id=boundary.uuid)


def boundary_update(
    *, boundary: Boundary, text: str | None = None, needs: Iterable[str] | None = None
) -> Boundary:
    """PATCH: change the text, the needs, or both. Sending what is stored changes nothing (not even
    updated_at), so a replayed request is harmless."""
    new_text = _boundary_text(text) if text is not None else boundary.text
    need_words = _boundary_needs(user=boundary.user, slugs=needs) if needs is not None else None
    needs_change = need_words is not None and {n.pk for n in need_words} != {
        n.pk for n in boundary.needs.all()
    }
    if new_text == boundary.text and not needs_change:
        return boundary
    with transaction.atomic():
        boundary.text = new_text
        boundary.save(update_fields=["text", "updated_at"])  # a change of needs is a change too
        if needs_change:
            boundary.needs.set(need_words)
    return boundary_for_user(user=boundary.user, boundary_id=boundary.uuid)


def boundary_delete(*, boundary: Boundary) -> None:
    boundary.delete()


def _boundaries(user: AbstractBaseUser):
    return Boundary.objects.filter(user=user).prefetch_related(
        Prefetch("needs", queryset=Need.objects.only("slug").order_by("slug"))
    )


def boundaries_for_user(*, user: AbstractBaseUser) -> list[Boundary]:
    """The caller's boundaries, newest first, with their needs (2 queries)."""
    return list(_boundaries(user).order_by("-created_at", "-id"))


def boundary_for_user(*, user: AbstractBaseUser, boundary_id: uuid.UUID) -> Boundary | None:
    """The caller's boundary with this id, or None (another user's is None too)."""
    return _boundaries(user).filter(uuid=boundary_id).select_related("user").first()


# --- intentions --------------------------------------------------------------------------------


def intention_week(*, profile: Profile, day: dt.date) -> dt.date:
    """The week an intention belongs to: any day of it names it, as in GET /api/trends/week."""
    trends.check_date(day, "week_start")
    return trends.week_start_for(day, week_starts_on=profile.week_starts_on)


def intention_get(*, user: AbstractBaseUser, week_start: dt.date) -> Intention:
    """The intention of that week; an unsaved, empty one when none is set (the app asks every week)."""
    found = Intention.objects.filter(user=user, week_start=week_start).first()
    return found or Intention(user=user, week_start=week_start, text="", updated_at=None)


def intention_set(*, user: AbstractBaseUser, week_start: dt.date, text: str) -> Intention:
    """Set the week's intention; empty text removes it. Sending the same text again changes nothing."""
    text = text.strip()
    if len(text) > INTENTION_TEXT_MAX_LENGTH:
        raise ValidationError(
            {"text": [messages.INTENTION_TEXT_TOO_LONG.format(limit=INTENTION_TEXT_MAX_LENGTH)]}
        )
    if not text:
        Intention.objects.filter(user=user, week_start=week_start).delete()
        return intention_get(user=user, week_start=week_start)
    for _attempt in range(2):
        existing = Intention.objects.filter(user=user, week_start=week_start).first()
        if existing is not None:
            if existing.text != text:
                existing.text = text
                existing.save(update_fields=["text", "updated_at"])
            return existing
        try:
            with transaction.atomic():
                return Intention.objects.create(user=user, week_start=week_start, text=text)
        except IntegrityError:
            continue  # a concurrent PUT created it first: update that row instead
    raise IntegrityError("intention write kept colliding")  # pragma: no cover
