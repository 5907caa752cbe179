import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import PASSWORD, make_checkin, make_custom_emotion, make_token, make_user
from tests.test_concurrency import run_concurrently
from tracker import services
from tracker.models import ApiToken, CheckIn, Emotion, Profile

User = get_user_model()


def csrf_client() -> tuple[APIClient, str]:
    """A client that enforces CSRF like a browser session, with its token fetched the contract's way."""
    client = APIClient(enforce_csrf_checks=True)
    token = client.get("/api/auth/csrf").json()["csrfToken"]
    return client, token


@pytest.mark.django_db
def test_register_creates_a_user_with_a_profile_and_signs_them_in():
    client, token = csrf_client()

    response = client.post(
        "/api/auth/register",
        {"username": "dana", "password": PASSWORD, "timezone": "Asia/Kathmandu"},
        format="json",
        HTTP_X_CSRFTOKEN=token,
    )

    assert response.status_code == 201
    assert response.json()["username"] == "dana"
    assert response.json()["timezone"] == "Asia/Kathmandu"
    assert response.json()["calendar_url"].startswith("http://testserver/api/reminders.ics?token=")
    assert Profile.objects.get(user__username="dana").timezone == "Asia/Kathmandu"
    assert client.get("/api/me").json()["username"] == "dana"


@pytest.mark.django_db
def test_register_without_a_csrf_token_is_refused():
    client = APIClient(enforce_csrf_checks=True)

    response = client.post("/api/auth/register", {"username": "dana", "password": PASSWORD}, format="json")

    assert response.status_code == 403
    assert not User.objects.exists()


@pytest.mark.django_db
def test_login_without_a_csrf_token_is_refused(alice):
    client = APIClient(enforce_csrf_checks=True)

    response = client.post("/api/auth/login", {"username": "alice", "password": PASSWORD}, format="json")

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"username": "alice", "password": PASSWORD}, "username"),
        ({"username": "ALICE", "password": PASSWORD}, "username"),
        ({"username": "dana", "password": "short"}, "password"),
        ({"username": "dana", "password": "1234567890123"}, "password"),
        ({"username": "dana", "password": PASSWORD, "timezone": "Mars/Olympus"}, "timezone"),
        ({"username": "dana", "password": PASSWORD, "timezone": "../../etc/passwd"}, "timezone"),
        ({"username": "da na!", "password": PASSWORD}, "username"),
        ({"username": 42, "password": PASSWORD}, "username"),
        ({"password": PASSWORD}, "username"),
    ],
)
def test_bad_registrations_are_400_with_the_field_named(alice, payload, field):
    client, token = csrf_client()

    response = client.post("/api/auth/register", payload, format="json", HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 400
    assert field in response.json()
    assert User.objects.count() == 1


def test_login_and_logout_with_a_session(alice):
    client, token = csrf_client()

    login = client.post(
        "/api/auth/login", {"username": "alice", "password": PASSWORD}, format="json", HTTP_X_CSRFTOKEN=token
    )
    token = client.cookies["csrftoken"].value  # rotated on login
    logout = client.post("/api/auth/logout", HTTP_X_CSRFTOKEN=token)

    assert login.status_code == 200
    assert login.json()["username"] == "alice"
    assert logout.status_code == 204
    assert client.get("/api/me").status_code == 401


def test_a_wrong_password_is_a_400_without_saying_which_part_was_wrong(alice):
    client, token = csrf_client()

    response = client.post(
        "/api/auth/login",
        {"username": "alice", "password": "nope-nope-nope"},
        format="json",
        HTTP_X_CSRFTOKEN=token,
    )

    assert response.status_code == 400
    assert response.json() == {"detail": ["That username and password do not match."]}


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_SECONDS=120)
def test_repeated_failed_logins_for_one_account_answer_429_with_retry_after(alice, bob):
    client, token = csrf_client()

    def attempt(username, password):
        return client.post(
            "/api/auth/login",
            {"username": username, "password": password},
            format="json",
            HTTP_X_CSRFTOKEN=token,
        )

    failures = [attempt("alice", "wrong-password!") for _ in range(4)]
    locked_even_with_the_right_password = attempt("Alice", PASSWORD)
    other_account = attempt("bob", PASSWORD)

    # Three passwords checked (the limit), then no more.
    assert [r.status_code for r in failures] == [400, 400, 400, 429]
    assert locked_even_with_the_right_password.status_code == 429
    assert 0 < int(locked_even_with_the_right_password["Retry-After"]) <= 120
    assert other_account.status_code == 200


@override_settings(LOGIN_FAILURE_LIMIT=2)
def test_the_token_endpoint_is_throttled_too(alice):
    client = APIClient()
    for _ in range(2):
        client.post("/api/auth/token", {"username": "alice", "password": "wrong-password!"}, format="json")
    # Both were checked; the third attempt is not, even with the right password.

    response = client.post("/api/auth/token", {"username": "alice", "password": PASSWORD}, format="json")

    assert response.status_code == 429


def test_a_token_authenticates_a_non_browser_client(alice):
    response = APIClient().post("/api/auth/token", {"username": "alice", "password": PASSWORD}, format="json")
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")

    created = client.post("/api/checkins/", {"emotion": "calm", "intensity": 2}, format="json")

    assert response.status_code == 200
    assert ApiToken.objects.get(user=alice).digest != response.json()["token"]  # stored hashed
    assert created.status_code == 201


def test_the_profile_can_be_read_and_changed(alice_client):
    response = alice_client.patch(
        "/api/me",
        {"timezone": "America/St_Johns", "day_starts_at": 4, "week_starts_on": "sun"},
        format="json",
    )

    assert response.status_code == 200
    assert {k: response.json()[k] for k in ("timezone", "day_starts_at", "week_starts_on")} == {
        "timezone": "America/St_Johns",
        "day_starts_at": 4,
        "week_starts_on": "sun",
    }
    assert alice_client.get("/api/me").json()["timezone"] == "America/St_Johns"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"timezone": "Europe/Atlantis"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"day_starts_at": 24}, "day_starts_at"),
        ({"day_starts_at": -1}, "day_starts_at"),
        ({"week_starts_on": "funday"}, "week_starts_on"),
    ],
)
def test_bad_profile_changes_are_400_and_change_nothing(alice, alice_client, payload, field):
    response = alice_client.patch("/api/me", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    profile = Profile.objects.get(user=alice)
    assert (profile.timezone, profile.day_starts_at, profile.week_starts_on) == ("Europe/Berlin", 0, "mon")


def test_deleting_the_account_needs_the_password(alice, alice_client):
    make_checkin(alice)

    response = alice_client.delete("/api/me", {"password": "not-my-password"}, format="json")

    assert response.status_code == 400
    assert "password" in response.json()
    assert User.objects.filter(pk=alice.pk).exists()
    assert CheckIn.objects.filter(user=alice).count() == 1


def test_deleting_the_account_removes_every_row_of_the_user_and_nobody_elses(alice, bob, alice_client):
    make_checkin(alice)
    make_custom_emotion(alice, "wobbly")
    make_token(alice)
    make_checkin(bob)
    alice_id = alice.pk

    response = alice_client.delete("/api/me", {"password": PASSWORD}, format="json")

    assert response.status_code == 204
    assert not User.objects.filter(pk=alice_id).exists()
    assert not CheckIn.objects.filter(user_id=alice_id).exists()
    assert not Emotion.objects.filter(owner_id=alice_id).exists()
    assert not Profile.objects.filter(user_id=alice_id).exists()
    assert not ApiToken.objects.filter(user_id=alice_id).exists()
    assert CheckIn.objects.filter(user=bob).count() == 1


@pytest.mark.django_db
def test_usernames_are_unique_regardless_of_case():
    make_user("Alice")
    client, token = csrf_client()

    response = client.post(
        "/api/auth/register",
        {"username": "alice", "password": PASSWORD},
        format="json",
        HTTP_X_CSRFTOKEN=token,
    )

    assert response.status_code == 400


def test_token_authentication_brings_the_profile_in_the_same_query(alice):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(alice)}")

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/me")

    assert response.status_code == 200
    assert response.json()["timezone"] == "Europe/Berlin"
    # 1. the token joined with its user and the user's profile
    assert len(queries) == 1, [q["sql"] for q in queries]


def test_an_unknown_token_is_a_401(alice):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert client.get("/api/me").status_code == 401


def test_usernames_differing_only_in_case_cannot_both_be_stored(db):
    get_user_model().objects.create_user(username="Alice", password=PASSWORD)

    with pytest.raises(IntegrityError), transaction.atomic():
        get_user_model().objects.create_user(username="alice", password=PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_of_one_name_in_two_cases_let_exactly_one_through():
    def register(i: int):
        try:
            services.user_register(username="alice" if i % 2 else "Alice", password=PASSWORD)
            return "registered"
        except services.ValidationError as exc:
            return exc.message_dict

    results = run_concurrently(register, 6)

    assert results.count("registered") == 1, results
    assert all(r == {"username": ["That username is taken."]} for r in results if r != "registered")
    assert get_user_model().objects.filter(username__iexact="alice").count() == 1
