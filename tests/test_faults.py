"""Faults: a database that is busy or cannot take writes, and errors raised outside any view.

The lock is real: another connection holds SQLite's write lock (or an exclusive lock on the check-in table
in PostgreSQL) while requests arrive over a real HTTP server, with a busy timeout shortened so the test
does not wait 20 seconds.
"""

import json
import urllib.error
import urllib.request
import uuid
from unittest import mock

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.db_faults import database_locked
from tests.factories import make_token, make_user
from tracker.models import CheckIn


def call(base_url: str, method: str, path: str, body=None, token: str | None = None):
    """(status, headers, JSON body) over real HTTP."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base_url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        raw = error.read()
        assert error.headers.get_content_type() == "application/json", raw[:300]  # noqa: PT017 (a helper)
        return error.code, error.headers, json.loads(raw)


def checkin(checkin_id: str) -> dict:
    return {"id": checkin_id, "emotion": "calm", "intensity": 3}


@pytest.mark.django_db(transaction=True)
def test_a_database_locked_past_the_busy_timeout_is_a_503_and_the_same_checkins_resent_are_stored_once(
    live_server, short_busy_timeout
):
    token = make_token(make_user("dana"))
    ids = [str(uuid.uuid4()) for _ in range(3)]

    with database_locked():
        during = [call(live_server.url, "POST", "/api/checkins/", checkin(i), token) for i in ids]
        replay = call(live_server.url, "PUT", f"/api/checkins/{ids[0]}/", checkin(ids[0]), token)
    after = [call(live_server.url, "POST", "/api/checkins/", checkin(i), token) for i in ids]
    again = call(live_server.url, "PUT", f"/api/checkins/{ids[0]}/", checkin(ids[0]), token)

    for status, headers, body in [*during, replay]:
        assert status == 503
        assert int(headers["Retry-After"]) > 0
        assert "busy" in body["detail"]
    assert [status for status, _, _ in after] == [201, 201, 201]
    assert again[0] == 200
    assert sorted(str(u) for u in CheckIn.objects.values_list("uuid", flat=True)) == sorted(ids)


@pytest.mark.django_db(transaction=True)
def test_health_reports_a_database_that_cannot_take_writes(live_server):
    assert call(live_server.url, "GET", "/healthz")[::2] == (200, {"status": "ok"})

    if connection.vendor == "sqlite":
        with database_locked():  # SELECT 1 would still answer; a save would not
            status, headers, body = call(live_server.url, "GET", "/healthz")
    else:
        name = connection.settings_dict["NAME"]
        with connection.cursor() as cursor:  # the database turned read-only (a replica, a failover)
            cursor.execute(f"ALTER DATABASE {name} SET default_transaction_read_only = on")
        try:
            status, headers, body = call(live_server.url, "GET", "/healthz")
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER DATABASE {name} RESET default_transaction_read_only")

    assert (status, body) == (503, {"status": "unavailable"})
    assert headers["Retry-After"]
    assert call(live_server.url, "GET", "/healthz")[::2] == (200, {"status": "ok"})


# --- errors outside views are JSON -------------------------------------------------------------


@pytest.fixture
def raw_client() -> APIClient:
    """A client that gets the server's own error response instead of re-raising the exception."""
    return APIClient(raise_request_exception=False)


def test_a_bad_host_header_is_a_400_json(db, raw_client):
    response = raw_client.get("/api/me", HTTP_HOST="evil.example.com")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Bad request."}


def test_an_unknown_api_path_is_a_404_json(db, raw_client):
    response = raw_client.get("/api/no-such-thing")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_form_over_the_field_limit_is_a_413_json(alice, raw_client):
    raw_client.force_authenticate(alice)

    response = raw_client.post("/api/import", {"mapping": "x" * (600 * 1024)}, format="multipart")

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}


def test_an_unexpected_crash_is_a_500_json_without_details(alice, raw_client):
    raw_client.force_authenticate(alice)

    with mock.patch("tracker.selectors.checkins_for_user", side_effect=RuntimeError("secret detail")):
        response = raw_client.get("/api/checkins/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "secret" not in response.content.decode()
    assert "detail" in response.json()
