"""The lean hot paths of issue 12: authentication with SQL built once (token and session), one check-in
validator shared by the API and the import."""

import contextlib
import datetime as dt
import json
import re
import uuid

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import PASSWORD, make_token
from tracker import checkin_rules, credentials, exports
from tracker.models import ApiToken, Profile, Session

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def signed_in(username: str = "alice") -> APIClient:
    client = APIClient()
    response = client.post("/api/auth/login", {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return client


# --- authentication --------------------------------------------------------------------------------


def test_a_token_request_reads_the_token_its_user_and_profile_in_one_query(alice):
    client = APIClient(HTTP_AUTHORIZATION=f"Token {make_token(alice)}")
    client.get("/api/me")  # the first use may write last_used_at

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/me")

    assert response.status_code == 200
    assert response.json()["username"] == "alice"
    assert response.json()["timezone"] == "Europe/Berlin"
    # 1. the token, its user and profile (the digest's unique index)
    assert len(queries) == 1, [q["sql"] for q in queries]


def test_a_session_request_reads_the_session_its_user_and_profile_in_one_query(alice):
    client = signed_in()

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/me")

    assert response.status_code == 200
    assert response.json()["timezone"] == "Europe/Berlin"
    # 1. the session row with its user and the profile joined in
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert '"tracker_profile"' in queries[0]["sql"]


def test_a_session_request_hands_the_view_the_user_itself_and_checks_csrf_only_when_unsafe(alice):
    from django.contrib.auth import get_user_model
    from rest_framework.request import Request

    from api.authentication import SessionAuthentication

    client = signed_in()
    seen = []
    original = SessionAuthentication.enforce_csrf

    def spy(self, request):
        seen.append(request.method)
        return original(self, request)

    SessionAuthentication.enforce_csrf = spy
    try:
        with CaptureQueriesContext(connection):
            response = client.get("/api/me")
            posted = client.post("/api/checkins/", {"emotion": "calm", "intensity": 3}, format="json")
    finally:
        SessionAuthentication.enforce_csrf = original
    assert response.status_code == 200
    assert posted.status_code == 201  # (APIClient skips the CSRF check; tests/test_http.py checks it)
    assert seen == ["GET", "POST"]  # asked on both; it returns at once for the GET
    # A request as the middleware leaves it: request.user is Django's lazy proxy ...
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.test import RequestFactory

    from api.middleware import AuthenticationMiddleware

    wsgi_request = RequestFactory().get("/api/me")
    wsgi_request.COOKIES["sessionid"] = client.cookies["sessionid"].value
    SessionMiddleware(lambda r: None).process_request(wsgi_request)
    AuthenticationMiddleware(lambda r: None).process_request(wsgi_request)
    assert type(wsgi_request.user) is not get_user_model()
    # ... and the view is handed the user itself.
    drf_request = Request(wsgi_request, authenticators=[SessionAuthentication()])
    assert type(drf_request.user) is get_user_model()
    assert drf_request.user.pk == alice.pk


def signed_in_as_the_browser(username: str = "alice") -> tuple[APIClient, str]:
    """A client that signs in as the app does (CSRF checked), and its CSRF secret after signing in."""
    client = APIClient(enforce_csrf_checks=True)
    client.get("/api/auth/csrf")
    client.post(
        "/api/auth/login",
        {"username": username, "password": PASSWORD},
        format="json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    return client, client.cookies["csrftoken"].value  # signing in rotates it


def test_csrf_is_checked_from_the_header_for_json_and_from_the_form_field_for_a_form(alice):
    client, secret = signed_in_as_the_browser()
    body = {"emotion": "calm", "intensity": 3}
    export = json.dumps({"format": "attune-export", "version": 1, "checkins": []})

    def form(**fields):
        return {"file": SimpleUploadedFile("attune.json", export.encode()), **fields}

    json_without = client.post("/api/checkins/", body, format="json")
    json_wrong = client.post("/api/checkins/", body, format="json", headers={"X-CSRFToken": "x" * 32})
    json_with = client.post("/api/checkins/", body, format="json", headers={"X-CSRFToken": secret})
    form_without = client.post("/api/import", form(), format="multipart")
    form_with = client.post("/api/import", form(csrfmiddlewaretoken=secret), format="multipart")

    assert (json_without.status_code, json_wrong.status_code, json_with.status_code) == (403, 403, 201)
    assert "CSRF token missing" in json_without.json()["detail"]
    assert "CSRF token from the 'X-Csrftoken' HTTP header incorrect" in json_wrong.json()["detail"]
    assert form_without.status_code == 403
    assert form_with.status_code == 200, form_with.content


def test_a_session_post_with_a_malformed_or_missing_csrf_cookie_is_refused_and_given_a_new_one(alice):
    from tracker.models import CheckIn

    client, secret = signed_in_as_the_browser()
    body = {"emotion": "calm", "intensity": 3}
    client.cookies["csrftoken"] = "!" * 32
    malformed = client.post("/api/checkins/", body, format="json", headers={"X-CSRFToken": "!" * 32})
    renewed = malformed.cookies["csrftoken"].value  # CsrfViewMiddleware replaced the malformed cookie
    del client.cookies["csrftoken"]
    missing = client.post("/api/checkins/", body, format="json", headers={"X-CSRFToken": secret})

    assert malformed.status_code == 403
    assert malformed.json()["detail"] == "CSRF Failed: CSRF cookie has invalid characters."
    assert len(renewed) == 32
    assert renewed != "!" * 32
    assert missing.status_code == 403
    assert missing.json()["detail"] == "CSRF Failed: CSRF cookie not set."
    assert not CheckIn.objects.filter(user=alice).exists()


def test_the_joined_read_gives_the_same_instances_as_the_orm(alice):
    secret = make_token(alice, name="phone")

    token = credentials.token_authenticate(secret=secret)
    # What no request uses is not read; Django reads it when first asked (the loop below asks).
    assert token.get_deferred_fields() == {"digest", "name", "created_at"}
    assert token.user.get_deferred_fields() == {
        "email",
        "first_name",
        "last_name",
        "last_login",
        "date_joined",
    }
    assert token.user.profile.get_deferred_fields() == set()

    orm = ApiToken.objects.select_related("user__profile").get(pk=token.pk)
    for field in ApiToken._meta.concrete_fields:
        assert getattr(token, field.attname) == getattr(orm, field.attname), field.name
    assert token.created_at.tzinfo is not None
    assert token.last_used_at == orm.last_used_at
    for field in type(alice)._meta.concrete_fields:
        assert getattr(token.user, field.attname) == getattr(orm.user, field.attname), field.name
    for field in Profile._meta.concrete_fields:
        assert getattr(token.user.profile, field.attname) == getattr(orm.user.profile, field.attname)
    # Built without Model.__init__: the state the ORM gives, and saving updates the row, never inserts.
    for ours, theirs in ((token, orm), (token.user, orm.user), (token.user.profile, orm.user.profile)):
        assert (
            (ours._state.adding, ours._state.db)
            == (theirs._state.adding, theirs._state.db)
            == (False, "default")
        )
        assert ours.get_deferred_fields() == set()
    token.user.profile.week_starts_on = "sun"
    token.user.profile.save(update_fields=["week_starts_on"])
    assert Profile.objects.get(user=alice).week_starts_on == "sun"
    assert Profile.objects.count() == 1


def test_a_user_read_with_its_credential_saves_without_losing_what_it_did_not_read(alice):
    type(alice).objects.filter(pk=alice.pk).update(email="alice@example.org", first_name="Alice")
    user = credentials.token_authenticate(secret=make_token(alice, name="phone")).user

    user.set_password("another-calm-passphrase")
    user.save()  # saves the fields it read; the deferred ones are left as they are in the row

    stored = type(alice).objects.get(pk=alice.pk)
    assert stored.check_password("another-calm-passphrase")
    assert (stored.email, stored.first_name, stored.date_joined) == (
        "alice@example.org",
        "Alice",
        alice.date_joined,
    )


@contextlib.contextmanager
def post_init_seen(model):
    """The instances of `model` that Django's post_init announces meanwhile."""
    from django.db.models.signals import post_init

    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(listener, sender=model)
    try:
        yield seen
    finally:
        post_init.disconnect(listener, sender=model)


def test_a_model_something_listens_to_is_built_by_django(alice):
    from tracker.rows import JoinedReader

    with post_init_seen(Profile) as seen:
        reader = JoinedReader([(Profile, "p")], joins="", where="p.user_id = %s")
        (profile,) = reader.one([alice.pk])
    assert seen == [profile]
    assert profile.user_id == alice.pk


def test_a_session_replayed_after_logout_is_refused_on_the_very_next_request(alice):
    client = signed_in()
    cookie = client.cookies["sessionid"].value
    assert client.post("/api/auth/logout").status_code == 204

    replay = APIClient()
    replay.cookies["sessionid"] = cookie

    assert replay.get("/api/me").status_code == 401


def test_a_session_ended_on_another_device_is_refused_on_its_next_request(alice):
    phone, laptop = signed_in(), signed_in()
    assert phone.get("/api/me").status_code == 200

    assert laptop.post("/api/auth/logout", {"everywhere": True}, format="json").status_code == 204

    assert phone.get("/api/me").status_code == 401
    assert not Session.objects.filter(user=alice).exists()


def test_a_revoked_token_is_refused_on_the_very_next_request(alice):
    secret = make_token(alice)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {secret}")
    assert client.get("/api/me").status_code == 200

    ApiToken.objects.filter(user=alice).delete()

    assert client.get("/api/me").status_code == 401


def test_a_session_of_a_deactivated_account_is_refused(alice):
    client = signed_in()
    alice.is_active = False
    alice.save()

    assert client.get("/api/me").status_code == 401


def test_a_session_whose_password_changed_behind_it_is_refused(alice):
    client = signed_in()
    alice.set_password("another passphrase entirely")
    alice.save()  # the session's hash no longer matches (Django's get_user checks it on the joined user)

    assert client.get("/api/me").status_code == 401


def test_the_user_read_with_one_session_is_never_given_to_another_request(alice, bob):
    alices, bobs = signed_in("alice"), signed_in("bob")

    assert alices.get("/api/me").json()["username"] == "alice"
    assert bobs.get("/api/me").json()["username"] == "bob"
    assert APIClient().get("/api/me").status_code == 401
    assert alices.get("/api/me").json()["username"] == "alice"


def test_a_session_whose_row_changed_is_read_as_it_is_now(alice):
    from tracker.sessions import SessionStore

    client = signed_in()
    key = client.cookies["sessionid"].value
    assert client.get("/api/me").status_code == 200
    store = SessionStore(key)
    store["_attune_started"] = 0.0  # signed in long ago: past its lifetime
    store.save()

    assert client.get("/api/me").status_code == 401


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "*/*",
        "application/json",
        "application/json; indent=4",
        "application/*",
        "text/html",
        "image/png",
    ],
)
@pytest.mark.parametrize("debug_renderers", [False, True])
def test_the_usual_accept_headers_get_what_drf_negotiates(accept, debug_renderers):
    from django.test import RequestFactory
    from rest_framework.negotiation import DefaultContentNegotiation
    from rest_framework.renderers import BrowsableAPIRenderer
    from rest_framework.request import Request

    from api.negotiation import ApiNegotiation
    from api.renderers import JSONRenderer

    renderers = [JSONRenderer(), BrowsableAPIRenderer()] if debug_renderers else [JSONRenderer()]
    headers = {"HTTP_ACCEPT": accept} if accept else {}

    def negotiated(negotiation):
        try:
            renderer, media_type = negotiation.select_renderer(
                Request(RequestFactory().get("/api/me", **headers)), renderers
            )
        except Exception as exc:  # the 406 is part of what must agree
            return type(exc)
        return type(renderer), media_type

    assert negotiated(ApiNegotiation()) == negotiated(DefaultContentNegotiation())


def test_a_session_of_an_account_without_a_profile_still_works(db):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user(username="dora", password=PASSWORD)  # as createsuperuser would
    client = signed_in("dora")

    response = client.get("/api/me")

    assert response.status_code == 200
    assert response.json()["timezone"] == "UTC"


def test_a_check_in_inserted_with_sql_built_once_reads_back_field_for_field(alice):
    from tracker import services
    from tracker.models import CheckIn

    checkin, created = services.checkin_create(
        user=alice,
        checkin_id=uuid.uuid4(),
        data={
            "emotion": "calm",
            "intensity": 4,
            "need": "rest",
            "sensation": "heavy",
            "body_area": "chest",
            "note": "ünïcode and a \u2028 separator",
            "context": ["work", "home"],
            "occurred_at": NOW - dt.timedelta(hours=30),
        },
    )

    stored = CheckIn.objects.get(pk=checkin.pk)
    assert created
    assert not checkin._state.adding
    for field in CheckIn._meta.concrete_fields:
        assert getattr(checkin, field.attname) == getattr(stored, field.attname), field.name
    assert stored.created_at == stored.updated_at == NOW
    assert stored.local_date == dt.date(2026, 11, 21)  # Europe/Berlin


@pytest.mark.parametrize("given", ["every field", "the required fields only"])
def test_a_new_row_built_without_model_init_equals_what_django_builds(alice, given):
    from tracker.models import BodyArea, CheckIn, Emotion, Help, Need
    from tracker.rows import RowInserter

    values = {
        "user": alice,
        "uuid": uuid.uuid4(),
        "occurred_at": NOW,
        "local_date": NOW.date(),
        "emotion": Emotion.objects.get(slug="calm"),
        "intensity": 4,
    }
    if given == "every field":
        values |= {
            "need": Need.objects.get(slug="rest"),
            "sensation": None,
            "body_area": BodyArea.objects.get(slug="chest"),
            "would_help": Help.objects.first(),
            "note": "a note",
            "context": ["work"],
            "intensity_after": 2,
            "harsh_line": "harsh",
            "kind_line": "kind",
            "source": "import",
        }

    ours, django = RowInserter(CheckIn).new(dict(values)), CheckIn(**values)

    for field in CheckIn._meta.concrete_fields:
        assert getattr(ours, field.attname) == getattr(django, field.attname), field.name
    if "context" not in values:
        assert ours.context is not RowInserter(CheckIn).new(dict(values)).context  # a default list each
    assert ours._state.fields_cache == django._state.fields_cache  # the words, read without a query
    assert (ours._state.adding, ours._state.db) == (django._state.adding, django._state.db)
    assert (ours._state.adding, ours._state.db) == (True, "default")
    with pytest.raises(TypeError, match="emotion_id"):
        RowInserter(CheckIn).new({**values, "emotion_id": 1})


def test_a_new_row_of_a_model_something_listens_to_is_built_by_django(alice):
    from tracker.rows import RowInserter

    with post_init_seen(Session) as seen:
        session = RowInserter(Session).new({"session_key": "k", "session_data": "", "expire_date": NOW})
    assert seen == [session]


# --- one validator for the API and the import ------------------------------------------------------

VALID = {"emotion": "calm", "intensity": 3}
# (field, bad value, API error body, import row message): each rule of tracker.checkin_rules, broken
# once through POST /api/checkins/ and once in an imported Attune JSON row.
BAD_INPUTS = [
    (
        "occurred_at",
        "1899-12-31T23:00:00+00:00",
        {"occurred_at": ["Choose a moment from 1900-01-01 to 9999-11-30."]},  # the API's date type
        "That is too long ago to be a check-in.",
    ),
    (
        "occurred_at",
        "2026-11-22T12:10:00+00:00",
        {"occurred_at": ["A check-in cannot be in the future."]},
        "A check-in cannot be in the future.",
    ),
    (
        "note",
        "x" * (checkin_rules.NOTE_MAX_LENGTH + 1),
        {"note": ["Ensure this field has no more than 5000 characters."]},
        "The note is longer than 5,000 characters.",
    ),
    (
        "context",
        [f"tag {i}" for i in range(checkin_rules.CONTEXT_MAX_TAGS + 1)],
        {"context": ["Ensure this field has no more than 10 elements."]},
        "Use at most 10 context tags of at most 40 characters.",
    ),
    (
        "intensity",
        checkin_rules.INTENSITY_MAX + 1,
        {"intensity": ["Ensure this value is less than or equal to 10."]},
        "'intensity' must be a whole number from 0 to 10.",
    ),
    (
        "intensity_after",
        checkin_rules.INTENSITY_MAX + 1,
        {"intensity_after": ["Ensure this value is less than or equal to 10."]},
        "'intensity_after' must be a whole number from 0 to 10, or empty.",
    ),
    (
        "intensity_after",
        checkin_rules.INTENSITY_MIN - 1,
        {"intensity_after": ["Ensure this value is greater than or equal to 0."]},
        "'intensity_after' must be a whole number from 0 to 10, or empty.",
    ),
    (
        "would_help",
        "a-pony",
        {"would_help": ["Unknown help 'a-pony'."]},
        "Unknown help 'a-pony'.",
    ),
    (
        "harsh_line",
        "x" * (checkin_rules.LINE_MAX_LENGTH + 1),
        {"harsh_line": ["Ensure this field has no more than 500 characters."]},
        "A harsh or kinder line is longer than 500 characters.",
    ),
    (
        "kind_line",
        "x" * (checkin_rules.LINE_MAX_LENGTH + 1),
        {"kind_line": ["Ensure this field has no more than 500 characters."]},
        "A harsh or kinder line is longer than 500 characters.",
    ),
]


def import_rows(client: APIClient, user, rows: list[dict]) -> dict:
    document = json.loads(
        "".join(exports.export_json(user=user, profile=Profile.objects.get(user=user), now=NOW))
    )
    document["checkins"] = rows
    upload = SimpleUploadedFile("export.json", json.dumps(document).encode())
    response = client.post("/api/import", {"file": upload}, format="multipart")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize(("field", "value", "api_error", "row_message"), BAD_INPUTS)
def test_the_api_and_the_import_refuse_the_same_bad_check_ins(alice, field, value, api_error, row_message):
    client = signed_in()
    checkin = {**VALID, "id": str(uuid.uuid4()), field: value}

    response = client.post("/api/checkins/", checkin, format="json")
    imported = import_rows(
        client, alice, [{"occurred_at": "2026-11-22T10:00:00+00:00", "source": "app", **checkin}]
    )

    assert response.status_code == 400
    assert response.json() == api_error
    assert imported["errors"] == [{"row": 1, "message": row_message}]
    assert imported["imported"] == 0


def test_a_check_in_the_api_accepts_is_accepted_by_the_import_too(alice):
    checkin = {
        **VALID,
        "id": str(uuid.uuid4()),
        "occurred_at": "2026-11-22T12:04:00+00:00",  # within the clock tolerance
        "note": "x" * checkin_rules.NOTE_MAX_LENGTH,
        "context": [
            f"{i}" * checkin_rules.CONTEXT_TAG_MAX_LENGTH for i in range(checkin_rules.CONTEXT_MAX_TAGS)
        ],
    }

    imported = import_rows(signed_in(), alice, [{**checkin, "source": "app"}])
    response = signed_in().post("/api/checkins/", {**checkin, "id": str(uuid.uuid4())}, format="json")

    assert imported["errors"] == []
    assert imported["imported"] == 1
    assert response.status_code == 201


def test_the_domain_names_each_broken_rule():
    problems = checkin_rules.checkin_problems(
        {
            "occurred_at": dt.datetime(2026, 11, 22, 12, 0),  # noqa: DTZ001 (naive on purpose)
            "intensity": -1,
            "note": "x" * 5001,
            "context": checkin_rules.context_normalize(["a" * 41]),
        },
        now=NOW,
    )

    assert problems == {
        "occurred_at": checkin_rules.NAIVE,
        "intensity": checkin_rules.INTENSITY_RANGE,
        "note": checkin_rules.NOTE_TOO_LONG,
        "context": checkin_rules.CONTEXT_TOO_BIG,
    }
    assert checkin_rules.context_normalize(["  a  b ", "a b", "", " "]) == ["a b"]


def test_the_domain_rules_hold_for_writes_that_skip_the_serializer(alice):
    from django.core.exceptions import ValidationError

    from tracker import services

    with pytest.raises(ValidationError) as refused:
        services.checkin_create(user=alice, data={**VALID, "note": "x" * 5001, "intensity": 11})

    assert refused.value.message_dict == {
        "note": ["Keep the note to 5,000 characters."],
        "intensity": ["Choose an intensity from 0 to 10."],
    }


# --- chart revalidation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "builder"),
    [
        ("/api/charts/week.svg?start=2026-11-16", "week_trends"),
        ("/api/charts/range.png?from=2026-01-01&to=2026-11-22&bucket=week", "range_trends"),
    ],
)
def test_a_chart_revalidation_is_answered_after_the_fingerprint_alone(alice, path, builder):
    from unittest import mock

    from tracker import charts, trends

    client = signed_in()
    etag = client.get(path)["ETag"]

    with (
        mock.patch.object(trends, builder, wraps=getattr(trends, builder)) as build,
        mock.patch.object(charts, "cached_render") as render,
        CaptureQueriesContext(connection) as queries,
    ):
        response = client.get(path, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "private, no-cache"
    build.assert_not_called()
    render.assert_not_called()
    # 1. the session with its user and profile joined in  2. the data fingerprint of the range
    assert len(queries) == 2, [q["sql"] for q in queries]


# --- the check-in body read without a serializer ---------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from api import serializers as api_serializers  # noqa: E402

texts = st.one_of(
    st.sampled_from(
        ["calm", " calm", "calm ", "", " ", "a\x00b", "\ud800", "x" * 64, "x" * 65, "ä-ü", "x" * 33]
    ),
    st.text(max_size=70),
)
values = st.one_of(
    texts,
    st.none(),
    st.booleans(),
    st.integers(-3, 13),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(texts, max_size=12),
    st.sampled_from(
        [
            "2026-11-22T08:30:00+01:00",
            "2026-11-22T08:30:00Z",
            "2026-11-22T08:30:00",
            "2026-11-22 08:30+05:30",
            "1899-12-31T23:00:00+00:00",
            "9999-12-31T23:59:59-05:00",
            "0001-01-01T00:00:00+01:00",
            "not a time",
            str(uuid.UUID(int=7)),
            uuid.UUID(int=7).hex,
            "{" + str(uuid.UUID(int=7)) + "}",
            "x" * 5000,
            "x" * 5001,
            " note with spaces ",
        ]
    ),
)
OPTIONAL = [
    "id", "occurred_at", "need", "sensation", "body_area", "note", "context",
    "intensity_after", "would_help", "harsh_line", "kind_line", "other",
]  # fmt: skip
FIELDS = [*OPTIONAL, "emotion", "intensity"]
words = st.sampled_from(["rest", " rest", "rest\n", "", " ", None, "x" * 32, "x" * 33, "a\x00b", "\udfff"])
# Mostly what the field takes, so that the other fields of a body are often fine too.
LIKELY = {
    "id": st.uuids().map(str),
    "occurred_at": st.datetimes(
        min_value=dt.datetime(1899, 12, 31),  # noqa: DTZ001 (hypothesis adds the zones)
        timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=-5))]),
    ).map(dt.datetime.isoformat),
    "need": words,
    "sensation": words,
    "body_area": words,
    "note": st.text(max_size=40),
    "context": st.lists(st.sampled_from(["work", " work", "", "x" * 40, "x" * 41, "a\x00"]), max_size=11),
    "intensity_after": st.one_of(st.none(), st.integers(-1, 11), st.sampled_from(["5", 5.0, True])),
    "would_help": words,
    "harsh_line": st.one_of(st.text(max_size=40), st.sampled_from(["x" * 500, "x" * 501, " a ", None])),
    "kind_line": st.one_of(st.text(max_size=40), st.sampled_from(["x" * 500, "x" * 501, " a ", None])),
    "other": values,
}
bodies = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), values, max_size=10),
    st.fixed_dictionaries(
        {"emotion": st.one_of(st.just("calm"), words), "intensity": st.integers(-1, 11)},
        optional={name: st.one_of(LIKELY[name], LIKELY[name], values) for name in OPTIONAL},
    ),
    st.lists(st.integers(), max_size=2),
)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies, partial=st.booleans())
def test_the_plain_read_of_a_body_agrees_with_the_input_serializer_wherever_it_answers(body, partial):
    plain = api_serializers._checkin_plain(body, partial=partial)
    serializer = api_serializers.CheckInInput(data=body, partial=partial)

    if plain is not None:
        assert serializer.is_valid(), (body, serializer.errors)
        assert plain == dict(serializer.validated_data)


def test_the_ordinary_bodies_of_the_app_are_read_without_the_serializer():
    body = {
        "id": str(uuid.uuid4()),
        "occurred_at": "2026-11-22T08:30:00+01:00",
        "emotion": "calm",
        "intensity": 3,
        "need": "rest",
        "sensation": None,
        "body_area": "",
        "note": "a line\nand another ",
        "context": ["work", "home"],
    }

    plain = api_serializers._checkin_plain(body, partial=False)

    assert plain is not None
    assert plain["occurred_at"] == dt.datetime(2026, 11, 22, 7, 30, tzinfo=dt.UTC)
    assert api_serializers._checkin_plain({"intensity": 4}, partial=True) == {"intensity": 4}
    healing = {
        "intensity_after": 2,
        "would_help": "to-be-heard",
        "harsh_line": " I'm too much",
        "kind_line": "",
    }
    assert api_serializers._checkin_plain({**body, **healing}, partial=False) == {**plain, **healing}
    assert api_serializers._checkin_plain({"intensity_after": None}, partial=True) == {
        "intensity_after": None
    }
    assert api_serializers._checkin_plain({"intensity": 4}, partial=False) is None  # the serializer's 400


# --- query strings of the trends and charts read without a serializer -----------------------------

from api import trend_views  # noqa: E402

query_values = st.one_of(
    st.sampled_from(
        [
            "2026-11-16",
            "2026-11-30",
            "2026-02-30",
            "1899-12-31",
            "1900-01-01",
            "9999-12-31",
            "2026-1-5",
            "20261116",
            "2026-W47-1",
            " 2026-11-16",
            "2026-11-16\n",
            "",
            "light",
            "dark",
            "Dark",
            "day",
            "week",
            "month",
            "year",
            "\u0662\u0660\u0662\u0666-\u0661\u0661-\u0661\u0666",  # Arabic-Indic digits
        ]
    ),
    st.dates().map(dt.date.isoformat),
    st.text(max_size=12),
)
queries = st.dictionaries(st.sampled_from(["start", "from", "to", "bucket", "theme", "other"]), query_values)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=queries, serializer_class=st.sampled_from(list(trend_views._PLAIN)))
def test_the_plain_read_of_a_query_agrees_with_the_input_serializer_wherever_it_answers(
    query, serializer_class
):
    plain = trend_views._plain_params(serializer_class, query)
    serializer = serializer_class(data=query)

    if plain is not None:
        assert serializer.is_valid(), (query, serializer.errors)
        assert plain == dict(serializer.validated_data)


def test_the_ordinary_queries_of_the_app_are_read_without_the_serializer():
    week = trend_views._plain_params(trend_views.WeekChartInput, {"start": "2026-11-16", "theme": "dark"})
    year = trend_views._plain_params(trend_views.RangeInput, {"from": "2025-11-23", "to": "2026-11-22"})

    assert week == {"start": dt.date(2026, 11, 16), "theme": "dark"}
    assert year == {"date_from": dt.date(2025, 11, 23), "date_to": dt.date(2026, 11, 22), "bucket": "week"}
    assert trend_views._plain_params(trend_views.WeekInput, {}) == {}
    assert trend_views._plain_params(trend_views.WeekInput, {"start": ""}) is None  # the serializer's 400


def test_a_session_signed_in_before_the_profile_backend_still_works(alice):
    from django.contrib.auth import BACKEND_SESSION_KEY

    from tracker.sessions import SessionStore

    client = signed_in()
    row = Session.objects.get(user=alice)
    store = SessionStore()
    data = store.decode(row.session_data)
    assert data[BACKEND_SESSION_KEY] == "tracker.credentials.ProfileBackend"
    data[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    row.session_data = store.encode(data)
    row.save()

    assert client.get("/api/me").status_code == 200


def test_a_wrong_password_is_checked_once(alice):
    from unittest import mock

    from django.contrib.auth.base_user import AbstractBaseUser

    check = AbstractBaseUser.check_password
    with mock.patch.object(AbstractBaseUser, "check_password", autospec=True, side_effect=check) as verify:
        response = APIClient().post(
            "/api/auth/login", {"username": "alice", "password": "wrong-one"}, format="json"
        )

    assert response.status_code == 400
    assert verify.call_count == 1


def _checkin_indexes() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "tracker_checkin")
    return {name: info["columns"] for name, info in found.items() if info["index"] and not info["unique"]}


@pytest.mark.django_db
def test_every_check_in_index_starts_with_the_user_or_serves_a_protected_word():
    indexes = _checkin_indexes()
    assert ["user_id"] not in indexes.values()  # covered by every (user_id, ...) index
    assert indexes["checkin_user_day_covering_idx"] == [
        "user_id", "local_date", "emotion_id", "intensity", "intensity_after", "updated_at",
    ]  # fmt: skip
    assert "checkin_user_local_date_idx" not in indexes


@pytest.mark.django_db
def test_an_optional_word_is_indexed_only_where_a_check_in_names_it_and_its_protection_uses_that_index():
    from tracker.models import OPTIONAL_WORDS, CheckIn

    indexes = _checkin_indexes()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'")
        else:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'tracker_checkin'")
        definitions = {name: re.sub(r'["()]', "", sql or "") for name, sql in cursor.fetchall()}
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # the test's table is too small to need an index
    for word in OPTIONAL_WORDS:
        name = f"checkin_{word}_idx"
        column = CheckIn._meta.get_field(word).column
        assert indexes[name] == [column]
        assert definitions[name].endswith(f"WHERE {column} IS NOT NULL"), definitions[name]
        assert [columns for columns in indexes.values() if columns == [column]] == [[column]]  # no full one
        # What PROTECT asks before a word is deleted: the check-ins that name it.
        assert name in CheckIn.objects.filter(**{f"{word}__in": [1, 2]}).explain()


@pytest.mark.django_db
def test_the_range_trends_and_the_chart_fingerprint_are_read_from_the_index_alone_with_nothing_sorted():
    from tracker import trends

    if connection.vendor != "sqlite":
        pytest.skip("the query plan is SQLite's (PostgreSQL chooses index-only scans by its statistics)")
    bucket = trends.BUCKET_SQL.format(key=trends.BUCKET_KEY_SQL["sqlite"]["day"])
    day = dt.date(2026, 1, 1)
    statements = (
        (bucket, [1, day, day]),
        (f"{trends.BUCKET_PART_SQL} UNION ALL {trends.BUCKET_PART_SQL}", [0, 1, day, day, 1, 1, day, day]),
        (trends.FINGERPRINT_SQL, [1, day, day]),
    )
    for sql, params in statements:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "COVERING INDEX checkin_user_day_covering_idx" in plan, plan
        assert "TEMP B-TREE" not in plan, plan  # days in the index's order; a week or month in its part


# --- the SQLite backend ------------------------------------------------------------------------------


@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("the placeholder rewrite is the SQLite backend's (PostgreSQL takes %s as it is)")


STATEMENTS = [
    'SELECT "a" FROM "t" WHERE "b" = %s AND "c" IN (%s, %s)',
    "SELECT %s || '%%s' || '%%'",  # a literal %s and %, escaped as Django writes them
    "SELECT 1",
    "INSERT INTO t (a, b) VALUES (%s, %s) RETURNING id",
]


@pytest.mark.django_db
def test_the_sqlite_backend_rewrites_each_statement_as_django_does_whether_new_or_seen(sqlite_only):
    from django.db.backends.sqlite3.base import SQLiteCursorWrapper as DjangoCursor

    from tracker.sqlite import base

    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, base.SQLiteCursorWrapper)  # the settings' engine is in use
        for statement in STATEMENTS:
            expected = DjangoCursor.convert_query(cursor.cursor, statement)
            assert cursor.cursor.convert_query(statement) == expected  # new
            assert cursor.cursor.convert_query(statement) == expected  # seen
        named = "SELECT %(a)s, %(b)s"
        assert cursor.cursor.convert_query(named, param_names=["a", "b"]) == "SELECT :a, :b"


@pytest.mark.django_db
def test_the_sqlite_backend_runs_statements_with_literal_percents_again_and_again(alice, sqlite_only):
    from tracker.models import Emotion

    for _ in range(2):
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s || '%%'", ["50"])
            assert cursor.fetchone() == ("50%",)
        assert Emotion.objects.filter(name__contains="%").count() == 0  # LIKE's own escaping intact
        assert Emotion.objects.filter(slug="calm").values_list("slug", flat=True).get() == "calm"


@pytest.mark.django_db
def test_the_sqlite_backends_memo_of_rewrites_stays_bounded(monkeypatch, sqlite_only):
    from tracker.sqlite import base

    monkeypatch.setattr(base, "CONVERTED_MAX", 3)
    monkeypatch.setattr(base, "_converted", {})
    with connection.cursor() as cursor:
        answers = [cursor.cursor.convert_query(f"SELECT {n}, %s") for n in range(10)]

    assert answers == [f"SELECT {n}, ?" for n in range(10)]
    assert len(base._converted) <= 3
