"""GET /api/reminders.ics?token=…: an RFC 5545 feed the token alone opens."""

import datetime as dt
import zoneinfo

import icalendar
import pytest
import time_machine
from dateutil.rrule import rrulestr
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.reminder_kit import make_reminder
from tracker.models import Profile

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)  # a Sunday
NOT_FOUND = {"detail": "Not found."}
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def feed_path(user) -> str:
    return f"/api/reminders.ics?token={Profile.objects.get(user=user).calendar_token}"


def events(response) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


def test_the_feed_has_one_weekly_event_per_enabled_reminder_in_the_users_zone(alice, anon_client):
    morning = make_reminder(alice, time="08:15", days=["mon", "wed", "fri"], label="private words")
    make_reminder(alice, time="21:00", days=["sun"], window_minutes=30)
    make_reminder(alice, time="12:00", enabled=False)

    response = anon_client.get(feed_path(alice), HTTP_ACCEPT="application/json, */*")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    first, second = events(response)
    assert first["UID"] == f"{morning.uuid}@attune"
    assert first["SUMMARY"] == "Gentle check-in"
    assert first.decoded("DTSTART") == dt.datetime(
        2026, 11, 23, 8, 15, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin")
    )
    assert b"DTSTART;TZID=Europe/Berlin:20261123T081500" in response.content  # local wall time, not UTC
    assert first["RRULE"] == icalendar.vRecur({"FREQ": ["WEEKLY"], "BYDAY": ["MO", "WE", "FR"]})
    assert first["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=MO,WE,FR"
    assert first.walk("VALARM")[0]["ACTION"] == "DISPLAY"
    assert second["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=SU"
    assert second.decoded("DTSTART") == dt.datetime(
        2026, 11, 22, 21, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin")
    )
    assert second.decoded("DURATION") == dt.timedelta(minutes=30)
    assert b"private words" not in response.content  # calendar servers sync this: no user text


def test_the_rrule_keeps_the_wall_time_across_dst_for_a_calendar_that_expands_it(alice, anon_client):
    make_reminder(alice, time="08:00", days=["sat", "sun"])

    [event] = events(anon_client.get(feed_path(alice)))
    start = event.decoded("DTSTART")
    rule = event["RRULE"].to_ical().decode()

    occurrences = rrulestr(rule, dtstart=start).between(
        dt.datetime(2027, 3, 26, tzinfo=dt.UTC), dt.datetime(2027, 3, 29, tzinfo=dt.UTC)
    )
    assert [o.astimezone(dt.UTC) for o in occurrences] == [
        dt.datetime(2027, 3, 27, 7, 0, tzinfo=dt.UTC),  # 08:00 CET
        dt.datetime(2027, 3, 28, 6, 0, tzinfo=dt.UTC),  # 08:00 CEST
    ]


@pytest.mark.parametrize("query", ["", "?token=", "?token=wrong", "?token=" + "x" * 500])
def test_a_missing_or_wrong_token_is_a_404(alice, anon_client, query):
    make_reminder(alice)

    response = anon_client.get(f"/api/reminders.ics{query}")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_each_token_shows_only_its_owners_reminders(alice, bob, anon_client):
    make_reminder(alice, time="08:00")
    bobs = make_reminder(bob, time="06:30", days=["tue"])

    response = anon_client.get(feed_path(bob))

    [event] = events(response)
    assert event["UID"] == f"{bobs.uuid}@attune"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    assert event.decoded("DTSTART").tzinfo.key == "America/New_York"


def test_rotating_the_token_revokes_the_old_feed_url(alice, alice_client, anon_client):
    make_reminder(alice)
    old_path = feed_path(alice)

    response = alice_client.post("/api/me/calendar-token")

    assert response.status_code == 200
    new_url = response.json()["calendar_url"]
    assert new_url.startswith("http://testserver/api/reminders.ics?token=")
    assert anon_client.get(old_path).status_code == 404
    assert anon_client.get(new_url.removeprefix("http://testserver")).status_code == 200
    assert alice_client.get("/api/me").json()["calendar_url"] == new_url


def test_a_session_does_not_open_the_feed_without_the_token(alice_client):
    response = alice_client.get("/api/reminders.ics")

    assert response.status_code == 404


def test_a_pause_starts_the_series_after_it(alice, alice_client, anon_client):
    make_reminder(alice, time="08:00")
    alice_client.patch("/api/me", {"paused_until": "2026-12-01T00:00:00+01:00"}, format="json")

    [event] = events(anon_client.get(feed_path(alice)))

    assert event.decoded("DTSTART") == dt.datetime(
        2026, 12, 1, 8, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin")
    )


def test_the_feed_takes_two_queries(alice, anon_client):
    for time in ("07:00", "12:00", "19:00"):
        make_reminder(alice, time=time)
    path = feed_path(alice)

    with CaptureQueriesContext(connection) as queries:
        response = anon_client.get(path)

    assert response.status_code == 200
    assert len(events(response)) == 3
    # 1: SELECT the profile (with its user) by calendar token
    # 2: SELECT the profile's enabled reminders ORDER BY time, id
    assert len(queries) == 2
