"""/api/reminders/: schedules in the caller's zone, validation, privacy, rescheduling on profile changes."""

import datetime as dt
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.reminder_kit import make_reminder
from tracker.models import Reminder
from tracker.reminders import REMINDERS_PER_USER_MAX

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)  # a Sunday; 13:00 in Berlin
NOT_FOUND = {"detail": "Not found."}


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_it_creates_a_reminder_whose_next_fire_is_the_wall_time_in_the_users_zone(alice, alice_client):
    body = {"time": "08:00", "days": ["thu", "mon", "mon"], "label": "  morning   pages "}

    response = alice_client.post("/api/reminders/", body, format="json")

    assert response.status_code == 201
    data = response.json()
    row = Reminder.objects.get(user=alice)
    assert data == {
        "id": str(row.uuid),
        "time": "08:00",
        "days": ["mon", "thu"],  # week order, no repeats
        "enabled": True,
        "window_minutes": 0,
        "label": "morning pages",
        "next_fire_at": "2026-11-23T07:00:00Z",  # Monday 08:00 CET
        "last_fired_at": None,
    }
    assert row.next_fire_at == dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)


def test_days_default_to_every_day_and_a_time_later_today_fires_today(alice, alice_client):
    response = alice_client.post("/api/reminders/", {"time": "21:30"}, format="json")

    assert response.status_code == 201
    assert response.json()["days"] == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert response.json()["next_fire_at"] == "2026-11-22T20:30:00Z"


def test_next_fire_at_in_the_body_is_ignored(alice, alice_client):
    body = {"time": "08:00", "next_fire_at": "2030-01-01T00:00:00Z"}

    response = alice_client.post("/api/reminders/", body, format="json")

    assert response.status_code == 201
    assert response.json()["next_fire_at"] == "2026-11-23T07:00:00Z"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time": "8:00"}, "time"),
        ({"time": "24:00"}, "time"),
        ({"time": "08:00:00"}, "time"),
        ({"time": 800}, "time"),
        ({"time": None}, "time"),
        ({"days": ["funday"]}, "days"),
        ({"days": []}, "days"),
        ({"days": "mon"}, "days"),
        ({"window_minutes": 721}, "window_minutes"),
        ({"window_minutes": -1}, "window_minutes"),
        ({"label": "x" * 81}, "label"),
        ({"label": 5}, "label"),
        ({"enabled": "yes"}, "enabled"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_written(alice_client, change, field):
    response = alice_client.post("/api/reminders/", {"time": "08:00", **change}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Reminder.objects.exists()


def test_a_person_can_keep_a_bounded_number_of_reminders(alice, alice_client):
    for _ in range(REMINDERS_PER_USER_MAX):
        make_reminder(alice)

    response = alice_client.post("/api/reminders/", {"time": "08:00"}, format="json")

    assert response.status_code == 400
    assert Reminder.objects.filter(user=alice).count() == REMINDERS_PER_USER_MAX


def test_the_list_shows_only_the_callers_reminders_in_time_order_in_one_query_beyond_authentication(
    alice, bob, alice_session
):
    late = make_reminder(alice, time="21:00")
    early = make_reminder(alice, time="07:15", days=["sat"])
    make_reminder(bob, time="08:00")

    with CaptureQueriesContext(connection) as queries:
        response = alice_session.get("/api/reminders/")

    assert response.status_code == 200
    assert [r["id"] for r in response.json()] == [str(early.uuid), str(late.uuid)]
    assert response.json()[0]["days"] == ["sat"]
    # 1. the session with its user (the app's browsers sign in with a session cookie)
    # 2. SELECT the caller's reminders ORDER BY time, id
    assert len(queries) == 2, [q["sql"] for q in queries]


def test_another_users_reminder_is_a_404_like_an_unknown_or_malformed_id(alice, bob, bob_client):
    reminder = make_reminder(alice)
    paths = [f"/api/reminders/{reminder.uuid}/", f"/api/reminders/{uuid.uuid4()}/", "/api/reminders/nope/"]

    responses = [bob_client.get(path) for path in paths]
    patched = bob_client.patch(paths[0], {"time": "09:00"}, format="json")
    deleted = bob_client.delete(paths[0])

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert all(r.json() == NOT_FOUND for r in [*responses, patched, deleted])
    assert (patched.status_code, deleted.status_code) == (404, 404)
    reminder.refresh_from_db()
    assert reminder.time == dt.time(8, 0)


def test_patching_the_time_recomputes_the_next_fire(alice, alice_client):
    reminder = make_reminder(alice)

    response = alice_client.patch(f"/api/reminders/{reminder.uuid}/", {"time": "18:45"}, format="json")

    assert response.status_code == 200
    assert response.json()["time"] == "18:45"
    assert response.json()["next_fire_at"] == "2026-11-22T17:45:00Z"
    reminder.refresh_from_db()
    assert reminder.next_fire_at == dt.datetime(2026, 11, 22, 17, 45, tzinfo=dt.UTC)


def test_a_disabled_reminder_has_no_next_fire_until_it_is_enabled_again(alice, alice_client):
    reminder = make_reminder(alice, days=["wed"])
    path = f"/api/reminders/{reminder.uuid}/"

    disabled = alice_client.patch(path, {"enabled": False}, format="json")
    enabled = alice_client.patch(path, {"enabled": True}, format="json")

    assert disabled.json()["next_fire_at"] is None
    assert enabled.json()["next_fire_at"] == "2026-11-25T07:00:00Z"


def test_deleting_a_reminder_removes_it(alice, alice_client):
    reminder = make_reminder(alice)

    response = alice_client.delete(f"/api/reminders/{reminder.uuid}/")

    assert response.status_code == 204
    assert not Reminder.objects.exists()


def test_moving_to_another_time_zone_recomputes_every_reminder(alice, alice_client):
    morning = make_reminder(alice, time="08:00")
    evening = make_reminder(alice, time="20:00", days=["sun"])
    make_reminder(alice, time="09:00", enabled=False)

    response = alice_client.patch("/api/me", {"timezone": "America/New_York"}, format="json")

    assert response.status_code == 200
    morning.refresh_from_db()
    evening.refresh_from_db()
    assert morning.next_fire_at == dt.datetime(2026, 11, 22, 13, 0, tzinfo=dt.UTC)  # 08:00 EST today
    assert evening.next_fire_at == dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)  # Sunday 20:00 EST
    assert Reminder.objects.get(enabled=False).next_fire_at is None


def test_a_pause_moves_every_next_fire_past_it_and_ending_it_brings_them_back(alice, alice_client):
    reminder = make_reminder(alice, time="08:00")

    paused = alice_client.patch("/api/me", {"paused_until": "2026-11-25T12:00:00+01:00"}, format="json")
    reminder.refresh_from_db()
    during = reminder.next_fire_at
    resumed = alice_client.patch("/api/me", {"paused_until": None}, format="json")
    reminder.refresh_from_db()

    assert (paused.status_code, resumed.status_code) == (200, 200)
    assert during == dt.datetime(2026, 11, 26, 7, 0, tzinfo=dt.UTC)  # first 08:00 after the pause
    assert reminder.next_fire_at == dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)


def test_reminders_need_a_signed_in_user(db, anon_client):
    response = anon_client.get("/api/reminders/")

    assert response.status_code == 401
