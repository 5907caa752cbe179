"""Reminder schedules: local wall-clock math and the writes of /api/reminders/.

A reminder says "at 08:00 on Mondays and Thursdays, in my time zone". Its `next_fire_at` (UTC) is always
recomputed from that wall time in the profile's zone for a given local date, never as "last fire + 24 h",
so it keeps firing at 08:00 on the clock across DST changes and after a move to another zone.

DST rule (decided for a gentle reminder: it should fire once on every scheduled day, as close as possible
to the chosen wall time, and never twice):
- A wall time inside the spring-forward gap (02:30 on a night the clock jumps from 02:00 to 03:00) does not
  exist that day. The reminder fires once, at the first valid instant after the gap: the moment the clock
  jumps (03:00 local). Firing "an hour late" at 03:30 (what fold=0 arithmetic gives) or skipping the day
  would both surprise; the jump instant is the nearest real moment at or after the chosen time.
- A wall time inside the fall-back fold (02:30 on a night 02:00-03:00 happens twice) fires once, at its
  first occurrence (fold=0). The second 02:30 is the same local date, which has had its reminder.
The gap is detected by a round trip through UTC: a wall time that exists comes back unchanged.

Window: `window_minutes` > 0 moves each occurrence later by an offset in [0, window), derived from the
reminder's id and the local date, so recomputing an occurrence (after a restart or an edit elsewhere) gives
the same instant, and the offset differs from day to day. Offsets are < 12 h, so occurrences of consecutive
days never swap order: the next occurrence after an instant is well defined.

Pause: while the profile's `paused_until` is in the future, the next fire is the first occurrence after it
(nothing is sent during the pause, and nothing piles up to be sent when it ends).
"""

import datetime as dt
import hashlib
import uuid
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tracker import messages
from tracker.models import WEEKDAYS, Profile, Reminder, new_calendar_token

WINDOW_MAX_MINUTES = 720
LABEL_MAX_LENGTH = 80
REMINDERS_PER_USER_MAX = 24  # several a day, every day, with room to spare; keeps the list unpaginated
SEARCH_DAYS = 9  # a week of dates, the day before (window offsets) and one spare for a skipped date


# --- schedule math -----------------------------------------------------------------------------


def wall_time_to_utc(local_date: dt.date, wall: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The UTC instant the clock in `zone` shows `wall` on `local_date`, by the DST rule above."""
    naive = dt.datetime.combine(local_date, wall.replace(tzinfo=None, fold=0))
    first = naive.replace(tzinfo=zone)  # fold=0: in a fold, the first occurrence
    utc = first.astimezone(dt.UTC)
    if utc.astimezone(zone).replace(tzinfo=None) == naive:
        return utc
    # In a gap: fold=0 and fold=1 map to UTC instants on either side of the transition (fold=0 with the
    # offset before it, fold=1 with the offset after). The transition is the first instant whose offset
    # is the one after the gap; find it by bisection, to the second.
    other = naive.replace(tzinfo=zone, fold=1).astimezone(dt.UTC)
    before, after = sorted([utc, other])
    offset_after = after.astimezone(zone).utcoffset()
    while after - before > dt.timedelta(seconds=1):
        middle = before + (after - before) / 2
        middle = middle.replace(microsecond=0)
        if middle.astimezone(zone).utcoffset() == offset_after:
            after = middle
        else:
            before = middle
    return after


def window_offset(*, seed: str, local_date: dt.date, window_minutes: int) -> dt.timedelta:
    """A stable offset in [0, window) for the occurrence of `local_date` (whole seconds)."""
    if window_minutes <= 0:
        return dt.timedelta(0)
    digest = hashlib.sha256(f"{seed}:{local_date.isoformat()}".encode()).digest()
    return dt.timedelta(seconds=int.from_bytes(digest[:8], "big") % (window_minutes * 60))


def occurrence_on(
    local_date: dt.date,
    *,
    wall: dt.time,
    days: Iterable[str],
    zone: zoneinfo.ZoneInfo,
    window_minutes: int = 0,
    seed: str = "",
) -> dt.datetime | None:
    """The UTC fire instant of the occurrence scheduled on `local_date`, or None if that is not a day."""
    if WEEKDAYS[local_date.weekday()] not in days:
        return None
    base = wall_time_to_utc(local_date, wall, zone)
    return base + window_offset(seed=seed, local_date=local_date, window_minutes=window_minutes)


def next_occurrence(
    *,
    after: dt.datetime,
    wall: dt.time,
    days: Iterable[str],
    zone: zoneinfo.ZoneInfo,
    window_minutes: int = 0,
    seed: str = "",
) -> tuple[dt.date, dt.datetime] | None:
    """(local date, UTC fire instant) of the first occurrence firing strictly after `after`.

    Walks local dates from the day before `after`'s local date (a window may carry yesterday's occurrence
    past midnight) and builds each date's wall time in the zone: never "+24 h". None when `days` is empty.
    """
    days = set(days)
    if not days:
        return None
    start = after.astimezone(zone).date() - dt.timedelta(days=1)
    for step in range(SEARCH_DAYS):
        local_date = start + dt.timedelta(days=step)
        fire_at = occurrence_on(
            local_date, wall=wall, days=days, zone=zone, window_minutes=window_minutes, seed=seed
        )
        if fire_at is not None and fire_at > after:
            return local_date, fire_at
    return None  # pragma: no cover  (some day of any 9 consecutive dates has every weekday)


def reminder_next_fire_at(
    *, reminder: Reminder, profile: Profile, now: dt.datetime | None = None
) -> dt.datetime | None:
    """When `reminder` should fire next, seen from `now`: None while disabled or without days."""
    if not reminder.enabled or not reminder.days:
        return None
    now = now or timezone.now()
    after = max(now, profile.paused_until) if profile.paused_until else now
    found = next_occurrence(
        after=after,
        wall=reminder.time,
        days=reminder.days,
        zone=zoneinfo.ZoneInfo(profile.timezone),
        window_minutes=reminder.window_minutes,
        seed=str(reminder.uuid),
    )
    return found[1] if found else None


# --- writes ------------------------------------------------------------------------------------

REMINDER_FIELDS = ("time", "days", "enabled", "window_minutes", "label")


def _reminder_values(data: dict[str, Any]) -> dict[str, Any]:
    """Validate the given reminder fields (already typed by the API) into model values."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if "time" in data:
        wall = data["time"]
        if not isinstance(wall, dt.time) or wall.second or wall.microsecond:
            errors["time"] = ["Give a local time as HH:MM."]
        values["time"] = wall
    if "days" in data:
        days = data["days"]
        unknown = [day for day in days if day not in WEEKDAYS]
        if unknown:
            errors["days"] = [f"Use days from {', '.join(WEEKDAYS)}."]
        elif not days:
            errors["days"] = ["Choose at least one day (or turn the reminder off)."]
        values["days"] = [day for day in WEEKDAYS if day in days]  # week order, no repeats
    if "enabled" in data:
        values["enabled"] = bool(data["enabled"])
    if "window_minutes" in data:
        if not 0 <= data["window_minutes"] <= WINDOW_MAX_MINUTES:
            errors["window_minutes"] = [f"Choose a window from 0 to {WINDOW_MAX_MINUTES} minutes."]
        values["window_minutes"] = data["window_minutes"]
    if "label" in data:
        label = " ".join((data["label"] or "").split())
        if len(label) > LABEL_MAX_LENGTH:
            errors["label"] = [f"Keep the label to {LABEL_MAX_LENGTH} characters."]
        values["label"] = label
    if errors:
        raise ValidationError(errors)
    return values


def reminder_create(*, user: AbstractBaseUser, data: dict[str, Any], profile: Profile) -> Reminder:
    """A new reminder; `days` defaults to every day. Its first fire is computed at once."""
    values = _reminder_values({"days": WEEKDAYS, **data})
    if "time" not in values:
        raise ValidationError({"time": [messages.REQUIRED]})
    with transaction.atomic():
        # Lock the profile row: two concurrent creates cannot both pass the limit.
        Profile.objects.select_for_update().filter(pk=profile.pk).first()
        if Reminder.objects.filter(user=user).count() >= REMINDERS_PER_USER_MAX:
            raise ValidationError({"detail": [f"Keep to {REMINDERS_PER_USER_MAX} reminders."]})
        reminder = Reminder(user=user, **values)
        reminder.next_fire_at = reminder_next_fire_at(reminder=reminder, profile=profile)
        reminder.save(force_insert=True)
    return reminder


def reminder_update(*, reminder: Reminder, data: dict[str, Any], profile: Profile) -> Reminder:
    """PATCH: change the given fields; the next fire is recomputed from now.

    The row is read again under a lock (the dispatcher may have claimed an occurrence since the request
    read it), and the next fire is computed after the last one sent: writing back the `next_fire_at` the
    request read would hand an occurrence already sent to the dispatcher a second time.
    """
    values = _reminder_values(data)
    with transaction.atomic():
        fresh = Reminder.objects.select_for_update().get(pk=reminder.pk)
        for field, value in values.items():
            setattr(fresh, field, value)
        now = timezone.now()
        after = max(now, fresh.last_fired_at) if fresh.last_fired_at else now
        fresh.next_fire_at = reminder_next_fire_at(reminder=fresh, profile=profile, now=after)
        fresh.save(update_fields=[*values, "next_fire_at", "updated_at"])
    return fresh


def reminder_delete(*, reminder: Reminder) -> None:
    reminder.delete()


def reminders_reschedule_for_user(*, user: AbstractBaseUser, now: dt.datetime | None = None) -> int:
    """Recompute every reminder of `user` (after a time-zone or pause change). Two queries.

    As in reminder_update, the rows are locked and each is scheduled after its last fire, so a
    dispatcher claim in between cannot be undone into a second send.
    """
    profile = Profile.objects.get(user=user)
    now = now or timezone.now()
    with transaction.atomic():
        reminders = list(Reminder.objects.select_for_update().filter(user=user))
        for reminder in reminders:
            after = max(now, reminder.last_fired_at) if reminder.last_fired_at else now
            reminder.next_fire_at = reminder_next_fire_at(reminder=reminder, profile=profile, now=after)
        Reminder.objects.bulk_update(reminders, ["next_fire_at"])
    return len(reminders)


def calendar_token_rotate(*, profile: Profile) -> Profile:
    """A new calendar feed token; the old feed URL stops working at once."""
    profile.calendar_token = new_calendar_token()
    profile.save(update_fields=["calendar_token"])
    return profile


# --- reads -------------------------------------------------------------------------------------


def reminders_for_user(*, user: AbstractBaseUser) -> list[Reminder]:
    return list(Reminder.objects.filter(user=user).order_by("time", "id"))


def reminder_for_user(*, user: AbstractBaseUser, reminder_id: uuid.UUID) -> Reminder | None:
    """One of the caller's reminders; anyone else's does not exist."""
    return Reminder.objects.filter(user=user, uuid=reminder_id).first()
