"""Credentials a person controls: password change, tokens per client, sign-out (everywhere), session
limits, and what the API lets caches keep."""

import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from rest_framework.test import APIClient

from tests.factories import PASSWORD, make_token
from tracker.models import ApiToken, Session

NEW_PASSWORD = "another-calm-passphrase"
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def signed_in(username: str = "alice", password: str = PASSWORD) -> APIClient:
    """A client signed in through the login endpoint, holding a session cookie like a browser."""
    client = APIClient()
    response = client.post("/api/auth/login", {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return client


def token_client(secret: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {secret}")


def token_for(username: str = "alice", name: str = "", password: str = PASSWORD) -> str:
    response = APIClient().post(
        "/api/auth/token", {"username": username, "password": password, "name": name}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def status_of(client: APIClient) -> int:
    return client.get("/api/me").status_code


# --- password change ---------------------------------------------------------------------------


def test_changing_the_password_ends_other_sessions_and_tokens_and_keeps_this_session(alice, bob):
    phone, laptop = signed_in(), signed_in()
    cli = token_client(token_for(name="cli"))
    bobs = signed_in("bob")

    response = phone.post(
        "/api/me/password", {"password": PASSWORD, "new_password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 204
    assert status_of(phone) == 200
    assert status_of(laptop) == 401
    assert status_of(cli) == 401
    assert status_of(bobs) == 200
    assert not ApiToken.objects.filter(user=alice).exists()
    assert Session.objects.filter(user=alice).count() == 1  # the phone's, under a new key
    old = APIClient().post("/api/auth/login", {"username": "alice", "password": PASSWORD}, format="json")
    assert old.status_code == 400
    assert status_of(signed_in(password=NEW_PASSWORD)) == 200


def test_changing_the_password_with_a_token_keeps_that_token_only(alice):
    laptop = signed_in()
    asking, other = token_for(name="asking"), token_for(name="other")

    response = token_client(asking).post(
        "/api/me/password", {"password": PASSWORD, "new_password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 204
    assert status_of(token_client(asking)) == 200
    assert status_of(token_client(other)) == 401
    assert status_of(laptop) == 401
    assert "sessionid" not in response.cookies  # a token client gets no session


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"password": "not my password", "new_password": NEW_PASSWORD}, "password"),
        ({"password": PASSWORD, "new_password": "short"}, "new_password"),
        ({"password": PASSWORD, "new_password": "qwertyuiop"}, "new_password"),
        ({"password": PASSWORD, "new_password": "12345678901234"}, "new_password"),
        ({"password": PASSWORD}, "new_password"),
    ],
)
def test_a_refused_password_change_changes_nothing(alice, payload, field):
    phone, laptop = signed_in(), signed_in()
    cli = token_client(token_for())

    response = phone.post("/api/me/password", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    assert [status_of(c) for c in (phone, laptop, cli)] == [200, 200, 200]


@override_settings(LOGIN_FAILURE_LIMIT=2)
def test_the_current_password_cannot_be_guessed_through_a_stolen_session(alice):
    phone = signed_in()
    guesses = [
        phone.post(
            "/api/me/password", {"password": f"guess-{i}-guess", "new_password": NEW_PASSWORD}, format="json"
        )
        for i in range(3)
    ]
    right = phone.post(
        "/api/me/password", {"password": PASSWORD, "new_password": NEW_PASSWORD}, format="json"
    )

    assert [r.status_code for r in guesses] == [400, 400, 429]
    assert right.status_code == 429
    assert "Retry-After" in right


# --- tokens ------------------------------------------------------------------------------------


def test_every_token_request_makes_a_new_token_each_of_which_works(alice):
    first = APIClient().post(
        "/api/auth/token", {"username": "alice", "password": PASSWORD, "name": "phone"}, format="json"
    )
    second = token_for(name="laptop")

    body = first.json()
    assert first.status_code == 200
    assert set(body) == {"token", "id", "name", "created_at", "last_used_at"}
    assert body["name"] == "phone"
    assert body["token"] != second
    assert status_of(token_client(body["token"])) == 200
    assert status_of(token_client(second)) == 200
    # Only the digest is stored: no column of any token row holds the secret.
    stored = ApiToken.objects.values_list("digest", "name")
    assert all(body["token"] not in row and second not in row for row in stored)


def test_the_token_list_names_each_token_and_never_shows_a_secret(alice, bob):
    with time_machine.travel(START, tick=False) as traveller:
        phone = token_for(name="phone")
        traveller.shift(dt.timedelta(minutes=5))
        laptop = token_for(name="laptop")
        token_for("bob", name="bob's")
        traveller.shift(dt.timedelta(hours=2))
        token_client(phone).get("/api/me")  # phone is now the most recently used

        response = signed_in().get("/api/auth/tokens")
        by_laptop = token_client(laptop).get("/api/auth/tokens").json()

    assert response.status_code == 200
    listed = response.json()
    assert [(t["name"], t["current"]) for t in listed] == [("phone", False), ("laptop", False)]
    assert listed[0]["created_at"] == "2026-11-02T09:00:00Z"
    assert listed[0]["last_used_at"] == "2026-11-02T11:05:00Z"
    assert listed[1]["created_at"] == listed[1]["last_used_at"] == "2026-11-02T09:05:00Z"
    assert all(set(t) == {"id", "name", "created_at", "last_used_at", "current"} for t in listed)
    assert phone not in response.content.decode()
    assert laptop not in response.content.decode()
    assert [(t["name"], t["current"]) for t in by_laptop] == [("laptop", True), ("phone", False)]


def test_a_revoked_token_is_refused_on_the_next_request_and_the_others_keep_working(alice):
    phone, laptop = token_for(name="phone"), token_for(name="laptop")
    session = signed_in()
    phone_id = next(t["id"] for t in session.get("/api/auth/tokens").json() if t["name"] == "phone")

    response = session.delete(f"/api/auth/tokens/{phone_id}")

    assert response.status_code == 204
    assert status_of(token_client(phone)) == 401
    assert status_of(token_client(laptop)) == 200
    assert session.delete(f"/api/auth/tokens/{phone_id}").status_code == 404


@pytest.mark.parametrize("token_id", ["other", "00000000-0000-0000-0000-000000000000", "not-a-uuid"])
def test_another_users_token_or_an_unknown_id_is_404_and_revokes_nothing(alice, bob, token_id):
    bobs = token_for("bob")
    bob_token_id = str(ApiToken.objects.get(user__username="bob").uuid)

    response = token_client(token_for()).delete(
        f"/api/auth/tokens/{bob_token_id if token_id == 'other' else token_id}"
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert status_of(token_client(bobs)) == 200


def test_logout_with_a_token_revokes_that_token_only(alice):
    phone, laptop = token_for(), token_for()
    session = signed_in()

    response = token_client(phone).post("/api/auth/logout")

    assert response.status_code == 204
    assert status_of(token_client(phone)) == 401
    assert status_of(token_client(laptop)) == 200
    assert status_of(session) == 200


def test_a_token_unused_for_the_idle_limit_stops_working(alice):
    with time_machine.travel(START, tick=False) as traveller:
        kept_in_use, idle = token_for(), token_for()
        traveller.shift(dt.timedelta(days=60))
        assert status_of(token_client(kept_in_use)) == 200
        traveller.shift(dt.timedelta(days=30, seconds=1))  # 90 days after the idle one was last used

        assert status_of(token_client(idle)) == 401
        assert status_of(token_client(kept_in_use)) == 200
        listed = token_client(kept_in_use).get("/api/auth/tokens").json()
        assert [t["last_used_at"] for t in listed] == ["2027-01-31T09:00:01Z"]  # the idle one is gone


@override_settings(TOKEN_IDLE_DAYS=7)
def test_the_token_idle_limit_is_a_setting(alice):
    with time_machine.travel(START, tick=False) as traveller:
        secret = token_for()
        traveller.shift(dt.timedelta(days=6, hours=23))
        assert status_of(token_client(secret)) == 200
        traveller.shift(dt.timedelta(days=7))

        assert status_of(token_client(secret)) == 401


def test_a_token_of_a_deactivated_account_is_refused(alice):
    secret = make_token(alice)
    alice.is_active = False
    alice.save()

    assert status_of(token_client(secret)) == 401


# --- sign-out and sessions ----------------------------------------------------------------------


def test_session_logout_ends_it_and_tells_the_browser_to_clear_the_sites_data(alice):
    phone, laptop = signed_in(), signed_in()

    response = phone.post("/api/auth/logout")

    assert response.status_code == 204
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert status_of(phone) == 401
    assert status_of(laptop) == 200


def test_logout_everywhere_ends_every_session_and_token_of_the_account(alice, bob):
    phone, laptop = signed_in(), signed_in()
    cli = token_client(token_for())
    bobs, bobs_token = signed_in("bob"), token_client(token_for("bob"))

    response = phone.post("/api/auth/logout", {"everywhere": True}, format="json")

    assert response.status_code == 204
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert [status_of(c) for c in (phone, laptop, cli)] == [401, 401, 401]
    assert [status_of(c) for c in (bobs, bobs_token)] == [200, 200]
    assert not Session.objects.filter(user=alice).exists()


def test_logout_everywhere_works_from_a_token_too(alice):
    laptop, cli = signed_in(), token_client(token_for())

    response = cli.post("/api/auth/logout", {"everywhere": True}, format="json")

    assert response.status_code == 204
    assert [status_of(c) for c in (laptop, cli)] == [401, 401]


@pytest.mark.parametrize("body", [{"everywhere": "yes"}, {"everywhere": 1}, ["everywhere"]])
def test_a_malformed_logout_body_is_400_and_signs_nothing_out(alice, body):
    phone = signed_in()

    response = phone.post("/api/auth/logout", body, format="json")

    assert response.status_code == 400
    assert status_of(phone) == 200


@override_settings(SESSION_IDLE_DAYS=14, SESSION_LIFETIME_DAYS=30)
def test_a_session_ends_after_the_idle_limit_without_use(alice):
    with time_machine.travel(START, tick=False) as traveller:
        used, idle = signed_in(), signed_in()
        traveller.shift(dt.timedelta(days=13, hours=23))
        assert status_of(used) == 200
        traveller.shift(dt.timedelta(hours=2))  # 14 days and 1 hour since `idle` was last used

        assert status_of(idle) == 401
        assert status_of(used) == 200


@override_settings(SESSION_IDLE_DAYS=14, SESSION_LIFETIME_DAYS=30)
def test_a_session_ends_at_its_lifetime_however_much_it_is_used(alice):
    with time_machine.travel(START, tick=False) as traveller:
        phone = signed_in()
        for _ in range(5):
            traveller.shift(dt.timedelta(days=5, hours=23))
            assert status_of(phone) == 200
        traveller.shift(dt.timedelta(hours=6))  # 30 days and 1 hour after signing in

        assert status_of(phone) == 401
        assert status_of(signed_in()) == 200  # signing in again starts a new lifetime


def test_the_session_cookie_and_row_expire_at_the_sessions_deadline(alice):
    with time_machine.travel(START, tick=False):
        response = APIClient().post(
            "/api/auth/login", {"username": "alice", "password": PASSWORD}, format="json"
        )

    # Defaults: 14 idle days (the lifetime, 30 days, is further away).
    assert response.cookies["sessionid"]["max-age"] == 14 * 86400
    assert Session.objects.get(user=alice).expire_date == START + dt.timedelta(days=14)


def test_a_signed_in_session_from_before_the_limits_is_ended(alice):
    client = signed_in()
    session = client.session
    del session["_attune_started"]
    session.save()

    assert status_of(client) == 401


# --- caching ----------------------------------------------------------------------------------

AUTHENTICATED_JSON_GETS = [
    "/api/me",
    "/api/auth/tokens",
    "/api/vocabulary",
    "/api/checkins/",
    "/api/trends/week",
    "/api/trends/range",
    "/api/reminders/",
    "/api/push/public-key",
    "/api/export",
    "/api/auth/csrf",
]


@pytest.mark.parametrize("path", AUTHENTICATED_JSON_GETS)
@pytest.mark.parametrize("auth", ["token", "session"])
def test_authenticated_json_answers_may_not_be_stored_by_any_cache(alice, path, auth):
    client = token_client(make_token(alice)) if auth == "token" else signed_in()

    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "no-store" in response["Cache-Control"]
    assert {"Cookie", "Authorization"} <= {v.strip() for v in response["Vary"].split(",")}


def test_errors_are_not_stored_either(alice):
    client = token_client(make_token(alice))

    for response in (client.get("/api/checkins/not-an-id/"), APIClient().get("/api/me")):
        assert response.status_code in (401, 404)
        assert response["Cache-Control"] == "no-store"


def test_charts_keep_their_revalidation_policy(alice):
    response = token_client(make_token(alice)).get("/api/charts/week.svg")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"
    assert {"Cookie", "Authorization"} <= {v.strip() for v in response["Vary"].split(",")}
