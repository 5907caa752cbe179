"""The bench's dataset: one user with 5 years of 3 check-ins a day, and a few others beside them.

Rows are written with bulk_create (the API would take minutes); local_date is derived exactly as the
app derives it on write (tracker.services.local_date_for).
"""

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tracker.models import BodyArea, CheckIn, Emotion, Need, Profile, Sensation
from tracker.services import local_date_for

PASSWORD = "bench-passphrase-not-secret"  # noqa: S105  (a throwaway account in a temporary database)
MAIN_USER = "bench"
MAIN_ZONE = "Europe/Berlin"
YEARS = 5
PER_DAY = 3
OTHER_USERS = 4  # each with a year of 2 check-ins a day
HOURS = (8, 13, 21)  # local wall-clock hours of the day's check-ins (jittered)


@dataclass(frozen=True)
class Dataset:
    username: str
    password: str
    zone: str
    first_day: dt.date
    last_day: dt.date
    checkins: int


def _user(username: str, zone: str):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    Profile.objects.create(user=user, timezone=zone)
    return user


def _rows(user, *, zone: str, days: int, per_day: int, today: dt.date, rng: random.Random) -> list[CheckIn]:
    tz = zoneinfo.ZoneInfo(zone)
    emotions = list(Emotion.objects.filter(owner=None).values_list("id", flat=True))
    needs = list(Need.objects.filter(owner=None).values_list("id", flat=True))
    sensations = list(Sensation.objects.filter(owner=None).values_list("id", flat=True))
    areas = list(BodyArea.objects.values_list("id", flat=True))
    now = timezone.now()
    rows = []
    for offset in range(days, 0, -1):
        day = today - dt.timedelta(days=offset - 1)
        for hour in HOURS[:per_day]:
            wall = dt.datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=tz)
            occurred_at = min(wall.astimezone(dt.UTC), now)
            rows.append(
                CheckIn(
                    user=user,
                    occurred_at=occurred_at,
                    local_date=local_date_for(occurred_at, zone=tz, day_starts_at=0),
                    emotion_id=rng.choice(emotions),
                    intensity=rng.randrange(11),
                    need_id=rng.choice(needs) if rng.random() < 0.7 else None,
                    sensation_id=rng.choice(sensations) if rng.random() < 0.6 else None,
                    body_area_id=rng.choice(areas) if rng.random() < 0.6 else None,
                    note="",
                )
            )
    return rows


def generate(*, seed: int = 7) -> Dataset:
    """Create the users and their check-ins; returns what the scenarios need to know."""
    rng = random.Random(seed)
    main_zone = zoneinfo.ZoneInfo(MAIN_ZONE)
    today = local_date_for(timezone.now(), zone=main_zone, day_starts_at=0)
    days = YEARS * 365 + 1
    with transaction.atomic():
        main = _user(MAIN_USER, MAIN_ZONE)
        rows = _rows(main, zone=MAIN_ZONE, days=days, per_day=PER_DAY, today=today, rng=rng)
        CheckIn.objects.bulk_create(rows, batch_size=1000)
        zones = ["America/New_York", "Asia/Kathmandu", "Pacific/Kiritimati", "America/St_Johns"]
        for i in range(OTHER_USERS):
            other = _user(f"other{i}", zones[i % len(zones)])
            others = _rows(other, zone=zones[i % len(zones)], days=365, per_day=2, today=today, rng=rng)
            CheckIn.objects.bulk_create(others, batch_size=1000)
        _user("writer", MAIN_ZONE)  # the check-in POST scenario writes as this user
    return Dataset(
        username=MAIN_USER,
        password=PASSWORD,
        zone=MAIN_ZONE,
        first_day=today - dt.timedelta(days=days - 1),
        last_day=today,
        checkins=len(rows),
    )
