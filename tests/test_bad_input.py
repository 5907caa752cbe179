"""Inputs that used to crash the server (HTTP 500): each is now a 4xx with a field error, and changes nothing.

The clients here do not re-raise server exceptions, so a crash shows as the 500 a real client would get.
"""

import datetime as dt
import json
import logging
import uuid

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from api.parsers import json_depth_check
from tests.factories import PASSWORD, make_checkin
from tracker import reminders
from tracker.models import CheckIn, Profile, Reminder

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
DEEP = "[" * 100_000


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def client_of(user=None) -> APIClient:
    client = APIClient(raise_request_exception=False)
    if user is not None:
        client.force_authenticate(user)
    return client


def upload(client, data: str, **fields):
    file = SimpleUploadedFile("export.csv", data.encode())
    return client.post("/api/import", {"file": file, **fields}, format="multipart")


# --- deeply nested JSON ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/auth/token"),
        ("post", "/api/auth/register"),
        ("post", "/api/checkins/"),
        ("patch", "/api/me"),
        ("post", "/api/reminders/"),
        ("post", "/api/vocabulary/emotions"),
    ],
)
def test_deeply_nested_json_is_a_400_without_a_traceback(alice, method, path, caplog):
    client = client_of(None if path.startswith("/api/auth/") else alice)
    if path == "/api/auth/register":
        client = APIClient(raise_request_exception=False, enforce_csrf_checks=False)

    response = getattr(client, method)(path, DEEP, content_type="application/json")

    assert response.status_code == 400, response.content[:200]
    assert "detail" in response.json()
    assert not [record for record in caplog.records if record.exc_info]


def test_a_deeply_nested_import_mapping_is_a_400_on_mapping(alice):
    header = "full_date,date,weekday,time,mood,activities,note_title,note\n"

    response = upload(client_of(alice), header + "2024-05-14,May 14,Tuesday,20:05,rad,,,\n", mapping=DEEP)

    assert response.status_code == 400
    assert "mapping" in response.json()
    assert not CheckIn.objects.filter(user=alice).exists()


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("[" * 32 + "]" * 32, False),  # the limit itself
        ("[" * 33 + "]" * 33, True),
        ('{"a": [' + "[" * 31 + "]" * 31 + "]}", True),  # objects and arrays both count
        ('{"note": "' + "[{" * 40 + '"}', False),  # brackets inside a string do not
        ('[["' + "{" * 40 + '"], {"a": [1]}]', False),
    ],
)
def test_the_depth_check_counts_only_the_brackets_that_nest(text, refused):
    if refused:
        with pytest.raises(ValueError, match="nested more than 32 levels"):
            json_depth_check(text)
    else:
        json_depth_check(text)


def test_modest_nesting_is_still_parsed(alice):
    # Legitimate bodies nest two or three levels; the limit leaves ample room above that.
    response = client_of(alice).post(
        "/api/checkins/", {"emotion": "calm", "intensity": 3, "context": ["home"]}, format="json"
    )

    assert response.status_code == 201


# --- dates out of the computable range -----------------------------------------------------------


def attune_export(*occurred_at: str) -> str:
    rows = [
        {"id": str(uuid.uuid4()), "occurred_at": when, "emotion": "calm", "intensity": 3}
        for when in occurred_at
    ]
    return json.dumps({"format": "attune-export", "version": 1, "checkins": rows})


@pytest.mark.parametrize("extreme", ["9999-12-31T23:59:59-10:00", "0001-01-01T00:00:00+14:00"])
def test_an_attune_row_near_year_1_or_9999_is_a_row_error_and_the_rest_is_imported(alice, extreme):
    document = attune_export("2026-11-01T08:00:00+00:00", extreme)

    response = client_of(alice).post(
        "/api/import", {"file": SimpleUploadedFile("a.json", document.encode())}, format="multipart"
    )

    assert response.status_code == 200, response.content[:300]
    body = response.json()
    assert body["imported"] == 1
    assert [error["row"] for error in body["errors"]] == [2]
    assert CheckIn.objects.filter(user=alice).count() == 1


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_daylio_row_at_the_ends_of_the_calendar_is_a_row_error(alice, day):
    Profile.objects.filter(user=alice).update(timezone="America/Adak")
    alice.refresh_from_db()
    header = "full_date,date,weekday,time,mood,activities,note_title,note\n"
    rows = f"{day},x,x,23:30,rad,,,\n2024-05-14,May 14,Tuesday,20:05,rad,,,\n"

    response = upload(client_of(alice), header + rows)

    assert response.status_code == 200, response.content[:300]
    assert response.json()["imported"] == 1
    assert [error["row"] for error in response.json()["errors"]] == [2]


def test_pausing_until_the_end_of_time_is_a_400_on_paused_until(alice):
    reminders.reminder_create(user=alice, data={"time": dt.time(8, 0)}, profile=alice.profile)
    before = Reminder.objects.get(user=alice).next_fire_at

    response = client_of(alice).patch("/api/me", {"paused_until": "9999-12-31T23:59:59+00:00"}, format="json")

    assert response.status_code == 400
    assert "paused_until" in response.json()
    assert Profile.objects.get(user=alice).paused_until is None
    assert Reminder.objects.get(user=alice).next_fire_at == before


def test_a_pause_of_a_few_years_is_still_accepted(alice):
    reminders.reminder_create(user=alice, data={"time": dt.time(8, 0)}, profile=alice.profile)

    response = client_of(alice).patch("/api/me", {"paused_until": "2030-01-01T00:00:00+00:00"}, format="json")

    assert response.status_code == 200
    assert Reminder.objects.get(user=alice).next_fire_at > dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "path",
    [
        "/api/report.pdf?from=9999-12-01&to=9999-12-31",
        "/api/report.pdf?to=9999-12-31",
        "/api/trends/week?start=9999-12-31",
        "/api/trends/range?from=9999-12-01&to=9999-12-31",
        "/api/charts/week.svg?start=9999-12-31",
        "/api/checkins/?from=9999-12-31",
    ],
)
def test_dates_at_the_end_of_the_calendar_are_a_400(alice, path):
    response = client_of(alice).get(path)

    assert response.status_code == 400, (path, response.content[:300])
    assert response["Content-Type"].startswith("application/json")


# --- ids -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad_id", [False, True, 0, 1, 12345678901234567890, 1.5, ["x"]])
def test_a_checkin_id_that_is_not_a_uuid_string_is_refused(alice, bad_id):
    response = client_of(alice).post(
        "/api/checkins/", {"id": bad_id, "emotion": "calm", "intensity": 3}, format="json"
    )

    assert response.status_code == 400
    assert "id" in response.json()
    assert not CheckIn.objects.filter(user=alice).exists()


def test_a_patch_with_a_non_string_id_is_refused(alice):
    checkin = make_checkin(alice, occurred_at=NOW - dt.timedelta(hours=1))

    response = client_of(alice).patch(f"/api/checkins/{checkin.uuid}/", {"id": 0}, format="json")

    assert response.status_code == 400
    assert "id" in response.json()


# --- body size ----------------------------------------------------------------------------------


def test_a_5_mb_json_body_is_a_413_before_it_is_read(alice):
    junk = json.dumps({"emotion": "calm", "intensity": 3, "junk": "x" * (5 * 1024 * 1024)})

    response = client_of(alice).post("/api/checkins/", junk, content_type="application/json")

    assert response.status_code == 413
    assert "detail" in response.json()
    assert not CheckIn.objects.filter(user=alice).exists()


def test_the_largest_legitimate_checkin_fits_the_limit(alice):
    # 5,000 characters that each need a 12-byte escape (an emoji as a surrogate pair), ten long tags.
    note = "\U0001f600" * 5000
    tags = ["\U0001f600" * 40 for _ in range(9)] + ["a" * 40]
    body = json.dumps({"emotion": "calm", "intensity": 3, "note": note, "context": tags}, indent=8)

    response = client_of(alice).post("/api/checkins/", body, content_type="application/json")

    assert response.status_code == 201, response.content[:300]


def test_an_anonymous_huge_body_is_a_413_too(db):
    response = client_of().post(
        "/api/auth/token", "[" + "1," * 200_000 + "1]", content_type="application/json"
    )

    assert response.status_code == 413


def test_the_token_endpoint_still_works_after_the_limits(alice):
    response = client_of().post("/api/auth/token", {"username": "alice", "password": PASSWORD}, format="json")

    assert response.status_code == 200


def test_a_bad_request_is_logged_without_a_traceback(alice, caplog):
    caplog.set_level(logging.INFO)

    client_of(alice).post("/api/checkins/", "{not json", content_type="application/json")

    assert not [record for record in caplog.records if record.exc_info]
