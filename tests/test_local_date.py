"""local_date: the user's day, computed once on write, around DST changes and a late day start."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from tests.factories import make_checkin, make_user
from tracker.services import local_date_for

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("occurred_at", "zone", "day_starts_at", "expected"),
    [
        # Berlin springs forward on 2026-03-29 (02:00 CET -> 03:00 CEST).
        (utc(2026, 3, 28, 22, 30), BERLIN, 0, dt.date(2026, 3, 28)),  # 23:30 CET
        (utc(2026, 3, 28, 23, 30), BERLIN, 0, dt.date(2026, 3, 29)),  # 00:30 CET
        (utc(2026, 3, 29, 21, 30), BERLIN, 0, dt.date(2026, 3, 29)),  # 23:30 CEST
        (utc(2026, 3, 29, 22, 30), BERLIN, 0, dt.date(2026, 3, 30)),  # 00:30 CEST
        # ...and falls back on 2026-10-25 (03:00 CEST -> 02:00 CET).
        (utc(2026, 10, 24, 21, 30), BERLIN, 0, dt.date(2026, 10, 24)),  # 23:30 CEST
        (utc(2026, 10, 24, 22, 30), BERLIN, 0, dt.date(2026, 10, 25)),  # 00:30 CEST
        (utc(2026, 10, 25, 22, 30), BERLIN, 0, dt.date(2026, 10, 25)),  # 23:30 CET
        (utc(2026, 10, 25, 23, 30), BERLIN, 0, dt.date(2026, 10, 26)),  # 00:30 CET
        # A day that starts at 04:00: the small hours belong to the day before.
        (utc(2026, 3, 29, 1, 30), BERLIN, 4, dt.date(2026, 3, 28)),  # 03:30 CEST, after the jump
        (utc(2026, 3, 29, 2, 30), BERLIN, 4, dt.date(2026, 3, 29)),  # 04:30 CEST
        (utc(2026, 10, 25, 0, 30), BERLIN, 4, dt.date(2026, 10, 24)),  # 02:30 CEST, first pass
        (utc(2026, 10, 25, 1, 30), BERLIN, 4, dt.date(2026, 10, 24)),  # 02:30 CET, second pass
        (utc(2026, 10, 25, 2, 59), BERLIN, 4, dt.date(2026, 10, 24)),  # 03:59 CET
        (utc(2026, 10, 25, 3, 0), BERLIN, 4, dt.date(2026, 10, 25)),  # 04:00 CET
        # New York falls back on 2026-11-01.
        (utc(2026, 11, 1, 5, 30), NEW_YORK, 4, dt.date(2026, 10, 31)),  # 01:30 EDT
        (utc(2026, 11, 1, 6, 30), NEW_YORK, 4, dt.date(2026, 10, 31)),  # 01:30 EST
        (utc(2026, 11, 1, 9, 0), NEW_YORK, 4, dt.date(2026, 11, 1)),  # 04:00 EST
        # Far from UTC: +14 and +5:45.
        (utc(2026, 6, 1, 10, 30), zoneinfo.ZoneInfo("Pacific/Kiritimati"), 0, dt.date(2026, 6, 2)),
        (utc(2026, 6, 1, 18, 14), zoneinfo.ZoneInfo("Asia/Kathmandu"), 0, dt.date(2026, 6, 1)),
        (utc(2026, 6, 1, 18, 15), zoneinfo.ZoneInfo("Asia/Kathmandu"), 0, dt.date(2026, 6, 2)),
    ],
)
def test_local_date_follows_the_wall_clock(occurred_at, zone, day_starts_at, expected):
    assert local_date_for(occurred_at, zone=zone, day_starts_at=day_starts_at) == expected


@pytest.mark.django_db
def test_a_checkin_is_bucketed_with_the_profiles_zone_and_day_start_when_written():
    user = make_user("dana", timezone="Europe/Berlin", day_starts_at=4)
    with time_machine.travel(utc(2026, 11, 1), tick=False):
        small_hours = make_checkin(user, occurred_at=utc(2026, 10, 25, 1, 30))  # 02:30 CET
        morning = make_checkin(user, occurred_at=utc(2026, 10, 25, 7, 0))  # 08:00 CET

    assert small_hours.local_date == dt.date(2026, 10, 24)
    assert morning.local_date == dt.date(2026, 10, 25)


@pytest.mark.django_db
def test_a_later_time_zone_change_does_not_rebucket_the_past(client):
    user = make_user("erin", timezone="Asia/Tokyo")
    with time_machine.travel(utc(2026, 11, 1), tick=False):
        checkin = make_checkin(user, occurred_at=utc(2026, 10, 20, 16, 0))  # 01:00 on the 21st in Tokyo
        client.force_login(user)
        response = client.patch(
            "/api/me", {"timezone": "America/Los_Angeles"}, content_type="application/json"
        )

    assert response.status_code == 200
    checkin.refresh_from_db()
    assert checkin.local_date == dt.date(2026, 10, 21)
