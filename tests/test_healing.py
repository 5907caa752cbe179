"""Issue 14, "from tracking to healing": the check-in's new fields, boundaries, weekly intentions and the
gentle-prompt settings. Alice owns data, bob has his own, and neither ever sees the other's."""

import base64
import datetime as dt
import json
import logging
import uuid
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_checkin
from tracker import checkin_rules, practices, services
from tracker.models import Boundary, CheckIn, Help, Intention, Profile

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)  # a Sunday
NOT_FOUND = {"detail": "Not found."}
LINE_MAX = checkin_rules.LINE_MAX_LENGTH


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def body(**overrides):
    return {
        "occurred_at": "2026-11-22T09:15:00+01:00",
        "emotion": "worthless",
        "intensity": 8,
        "need": "to-matter",
        "intensity_after": 5,
        "would_help": "to-be-heard",
        "harsh_line": "I'm too sensitive.",
        "kind_line": "My feelings are signals of what I need.",
        **overrides,
    }


def custom_help(user, name: str = "a long bath") -> Help:
    return services.vocabulary_word_create(user=user, kind="help", name=name)


# --- the check-in's new fields ------------------------------------------------------------------------


def test_the_new_fields_round_trip_through_post_and_get(alice, alice_client):
    created = alice_client.post("/api/checkins/", body(), format="json")

    assert created.status_code == 201, created.content
    fetched = alice_client.get(f"/api/checkins/{created.json()['id']}/").json()
    for answer in (created.json(), fetched):
        assert answer["intensity_after"] == 5
        assert answer["would_help"] == "to-be-heard"
        assert answer["harsh_line"] == "I'm too sensitive."
        assert answer["kind_line"] == "My feelings are signals of what I need."
    row = CheckIn.objects.get(user=alice)
    assert (row.intensity_after, row.would_help.slug) == (5, "to-be-heard")
    assert (row.harsh_line, row.kind_line) == (
        "I'm too sensitive.",
        "My feelings are signals of what I need.",
    )


def test_the_new_fields_are_optional_and_default_to_null_and_empty(alice_client):
    answer = alice_client.post("/api/checkins/", {"emotion": "calm", "intensity": 3}, format="json").json()

    assert answer["intensity_after"] is None
    assert answer["would_help"] is None
    assert answer["harsh_line"] == ""
    assert answer["kind_line"] == ""


def test_put_replaces_the_new_fields_and_leaves_out_ones_reset(alice, alice_client):
    checkin_id = str(uuid.uuid4())
    path = f"/api/checkins/{checkin_id}/"
    assert alice_client.put(path, body(), format="json").status_code == 201

    replaced = alice_client.put(
        path, {"emotion": "calm", "intensity": 2, "would_help": "space"}, format="json"
    )

    assert replaced.status_code == 200
    answer = replaced.json()
    assert (answer["would_help"], answer["intensity_after"]) == ("space", None)
    assert (answer["harsh_line"], answer["kind_line"]) == ("", "")
    row = CheckIn.objects.get(user=alice)
    assert (row.would_help.slug, row.intensity_after, row.harsh_line) == ("space", None, "")


def test_patch_changes_only_the_given_new_fields(alice, alice_client):
    checkin = make_checkin(alice, emotion="ashamed", intensity=7, harsh_line="I ruin things.")
    path = f"/api/checkins/{checkin.uuid}/"

    first = alice_client.patch(path, {"intensity_after": 4, "kind_line": "I made a mistake."}, format="json")
    second = alice_client.patch(path, {"would_help": None, "intensity_after": None}, format="json")

    assert first.status_code == 200
    assert first.json()["intensity_after"] == 4
    assert first.json()["harsh_line"] == "I ruin things."
    assert first.json()["kind_line"] == "I made a mistake."
    assert second.json()["intensity_after"] is None
    checkin.refresh_from_db()
    assert (checkin.intensity_after, checkin.harsh_line, checkin.kind_line) == (
        None,
        "I ruin things.",
        "I made a mistake.",
    )


def test_the_callers_own_custom_help_can_be_used_and_nobody_elses(alice, bob, alice_client, bob_client):
    custom_help(alice, "a long bath")

    mine = alice_client.post("/api/checkins/", body(would_help="a-long-bath"), format="json")
    theirs = bob_client.post("/api/checkins/", body(would_help="a-long-bath"), format="json")

    assert mine.status_code == 201
    assert mine.json()["would_help"] == "a-long-bath"
    assert theirs.status_code == 400
    assert theirs.json() == {"would_help": ["Unknown help 'a-long-bath'."]}
    assert not CheckIn.objects.filter(user=bob).exists()


def test_lines_of_exactly_the_limit_are_accepted(alice_client):
    answer = alice_client.post(
        "/api/checkins/", body(harsh_line="h" * LINE_MAX, kind_line="k" * LINE_MAX), format="json"
    )

    assert answer.status_code == 201
    assert len(answer.json()["kind_line"]) == LINE_MAX


BAD_CHECKIN_FIELDS = [
    ({"would_help": "a-pony"}, "would_help"),
    ({"would_help": 3}, "would_help"),
    ({"would_help": "x" * 65}, "would_help"),
    ({"intensity_after": -1}, "intensity_after"),
    ({"intensity_after": 11}, "intensity_after"),
    ({"intensity_after": "x"}, "intensity_after"),
    ({"intensity_after": "5"}, "intensity_after"),
    ({"intensity_after": 4.5}, "intensity_after"),
    ({"intensity_after": True}, "intensity_after"),
    ({"harsh_line": "h" * (LINE_MAX + 1)}, "harsh_line"),
    ({"kind_line": "k" * (LINE_MAX + 1)}, "kind_line"),
    ({"kind_line": 7}, "kind_line"),
    ({"harsh_line": None}, "harsh_line"),
]


@pytest.mark.parametrize(("overrides", "field"), BAD_CHECKIN_FIELDS)
@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_bad_new_fields_are_a_400_with_the_field_error_and_write_nothing(
    alice, alice_client, overrides, field, method
):
    existing = make_checkin(alice, emotion="calm", intensity=3)
    before = list(CheckIn.objects.values())
    if method == "post":
        response = alice_client.post("/api/checkins/", body(**overrides), format="json")
    elif method == "put":
        response = alice_client.put(f"/api/checkins/{uuid.uuid4()}/", body(**overrides), format="json")
    else:
        response = alice_client.patch(f"/api/checkins/{existing.uuid}/", overrides, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {field}
    assert list(CheckIn.objects.values()) == before


def test_another_users_custom_help_in_a_patch_is_refused_and_changes_nothing(alice, bob, bob_client):
    custom_help(alice, "a long bath")
    checkin = make_checkin(bob, would_help="space")

    response = bob_client.patch(
        f"/api/checkins/{checkin.uuid}/", {"would_help": "a-long-bath"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"would_help": ["Unknown help 'a-long-bath'."]}
    checkin.refresh_from_db()
    assert checkin.would_help.slug == "space"


def test_the_domain_refuses_out_of_range_values_that_skip_the_serializer(alice):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.checkin_create(
            user=alice,
            data={"emotion": "calm", "intensity": 3, "intensity_after": 12, "kind_line": "k" * 501},
        )

    assert set(refused.value.message_dict) == {"intensity_after", "kind_line"}
    assert not CheckIn.objects.exists()


def test_a_builtin_help_costs_no_lookup_when_writing(alice, alice_session):
    alice_session.post("/api/checkins/", body(), format="json")  # warms the per-process word cache

    with CaptureQueriesContext(connection) as queries:
        response = alice_session.post("/api/checkins/", body(), format="json")

    assert response.status_code == 201
    # 1. the session with its user and profile; 2-4. savepoint, the insert, release
    assert len(queries) == 4, json.dumps([q["sql"] for q in queries], indent=1)


# --- profile prompts ----------------------------------------------------------------------------------


def test_the_prompts_are_on_by_default_and_each_can_be_turned_off(alice, alice_client):
    before = alice_client.get("/api/me").json()
    off = alice_client.patch("/api/me", {"prompt_kind_line": False}, format="json")

    assert [before[name] for name in services.PROFILE_PROMPTS] == [True, True, True]
    assert off.status_code == 200
    assert off.json()["prompt_kind_line"] is False
    assert off.json()["prompt_naming"] is True
    profile = Profile.objects.get(user=alice)
    assert (profile.prompt_naming, profile.prompt_kind_line, profile.prompt_self_compassion) == (
        True,
        False,
        True,
    )
    again = alice_client.patch(
        "/api/me", {"prompt_kind_line": True, "prompt_self_compassion": False}, format="json"
    )
    assert (again.json()["prompt_kind_line"], again.json()["prompt_self_compassion"]) == (True, False)


@pytest.mark.parametrize("name", ["prompt_naming", "prompt_kind_line", "prompt_self_compassion"])
@pytest.mark.parametrize("value", ["yes", 1, 0, "true", None, []])
def test_a_non_boolean_prompt_setting_is_a_400_and_changes_nothing(alice, alice_client, name, value):
    response = alice_client.patch("/api/me", {name: value, "day_starts_at": 4}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {name}
    profile = Profile.objects.get(user=alice)
    assert getattr(profile, name) is True
    assert profile.day_starts_at == 0


# --- boundaries ---------------------------------------------------------------------------------------


def make_boundary(user, text: str = "I won't answer work messages after 8 pm.", needs=("rest",)) -> Boundary:
    return practices.boundary_create(user=user, text=text, needs=needs)


def test_a_boundary_is_created_with_its_needs_and_read_back(alice, alice_client):
    services.vocabulary_word_create(user=alice, kind="need", name="quiet evenings", category="peace")

    created = alice_client.post(
        "/api/boundaries/",
        {"text": "  I won't take calls after 9 pm.  ", "needs": ["rest", "quiet-evenings", "rest"]},
        format="json",
    )

    assert created.status_code == 201, created.content
    answer = created.json()
    assert set(answer) == {"id", "text", "needs", "created_at", "updated_at"}
    assert answer["text"] == "I won't take calls after 9 pm."
    assert sorted(answer["needs"]) == ["quiet-evenings", "rest"]
    assert alice_client.get(f"/api/boundaries/{answer['id']}/").json() == answer
    row = Boundary.objects.get(user=alice)
    assert str(row.uuid) == answer["id"]
    assert sorted(row.needs.values_list("slug", flat=True)) == ["quiet-evenings", "rest"]


def test_the_list_is_a_plain_array_newest_first_of_only_the_callers_own(alice, bob, alice_client):
    with time_machine.travel(NOW - dt.timedelta(days=2), tick=False):
        older = make_boundary(alice, "older")
    newer = make_boundary(alice, "newer", needs=())
    make_boundary(bob, "bob's")

    answer = alice_client.get("/api/boundaries/").json()

    assert [b["id"] for b in answer] == [str(newer.uuid), str(older.uuid)]
    assert answer[1]["needs"] == ["rest"]
    assert answer[0]["needs"] == []


def test_patch_changes_the_text_or_the_needs(alice, alice_client):
    boundary = make_boundary(alice)
    path = f"/api/boundaries/{boundary.uuid}/"

    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        needs = alice_client.patch(path, {"needs": ["space", "choice"]}, format="json")
    text = alice_client.patch(path, {"text": "No work messages after 7 pm."}, format="json")

    assert needs.status_code == 200
    assert sorted(needs.json()["needs"]) == ["choice", "space"]
    assert needs.json()["text"] == "I won't answer work messages after 8 pm."
    assert needs.json()["updated_at"] > needs.json()["created_at"]
    assert text.json()["text"] == "No work messages after 7 pm."
    assert sorted(text.json()["needs"]) == ["choice", "space"]


def test_a_patch_that_changes_nothing_keeps_updated_at(alice, alice_client):
    boundary = make_boundary(alice, needs=("rest", "space"))
    path = f"/api/boundaries/{boundary.uuid}/"

    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        same = alice_client.patch(path, {"text": boundary.text, "needs": ["space", "rest"]}, format="json")

    assert same.status_code == 200
    assert same.json()["updated_at"] == same.json()["created_at"] == "2026-11-22T12:00:00Z"
    boundary.refresh_from_db()
    assert boundary.updated_at == NOW


def test_delete_removes_the_boundary(alice, alice_client):
    boundary = make_boundary(alice)

    response = alice_client.delete(f"/api/boundaries/{boundary.uuid}/")

    assert response.status_code == 204
    assert not Boundary.objects.exists()
    assert alice_client.get(f"/api/boundaries/{boundary.uuid}/").status_code == 404


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
@pytest.mark.parametrize("which", ["another user's", "random", "malformed"])
def test_a_boundary_that_is_not_the_callers_is_a_404_on_every_route(alice, bob, bob_client, method, which):
    boundary = make_boundary(alice)
    boundary_id = {"another user's": boundary.uuid, "random": uuid.uuid4(), "malformed": "not-a-uuid"}[which]
    before = list(Boundary.objects.values())

    response = getattr(bob_client, method)(
        f"/api/boundaries/{boundary_id}/", {"text": "mine now"}, format="json"
    )

    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert list(Boundary.objects.values()) == before
    assert bob_client.get("/api/boundaries/").json() == []


BAD_BOUNDARIES = [
    ({"text": ""}, "text"),
    ({"text": "   "}, "text"),
    ({}, "text"),
    ({"text": 5}, "text"),
    ({"text": "x" * (practices.BOUNDARY_TEXT_MAX_LENGTH + 1)}, "text"),
    ({"text": "fine", "needs": ["not-a-need"]}, "needs"),
    ({"text": "fine", "needs": "rest"}, "needs"),
    ({"text": "fine", "needs": [3]}, "needs"),
    ({"text": "fine", "needs": ["bobs-need"]}, "needs"),  # bob's custom need
]


@pytest.mark.parametrize(("payload", "field"), BAD_BOUNDARIES)
def test_a_bad_boundary_is_a_400_with_the_field_error_and_writes_nothing(
    alice, bob, alice_client, payload, field
):
    services.vocabulary_word_create(user=bob, kind="need", name="bobs need", category="peace")

    response = alice_client.post("/api/boundaries/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Boundary.objects.filter(user=alice).exists()


def test_a_bad_patch_of_a_boundary_changes_nothing(alice, alice_client):
    boundary = make_boundary(alice)
    path = f"/api/boundaries/{boundary.uuid}/"

    empty = alice_client.patch(path, {"text": ""}, format="json")
    unknown = alice_client.patch(path, {"text": "new words", "needs": ["rest", "nope"]}, format="json")

    assert empty.status_code == 400
    assert empty.json() == {"text": ["Write what you will or won't accept."]}
    assert unknown.status_code == 400
    assert unknown.json() == {"needs": ["Unknown need 'nope'."]}
    boundary.refresh_from_db()
    assert boundary.text == "I won't answer work messages after 8 pm."
    assert list(boundary.needs.values_list("slug", flat=True)) == ["rest"]


def test_the_number_of_boundaries_is_capped_with_a_clear_400(alice, alice_client, monkeypatch):
    monkeypatch.setattr(practices, "BOUNDARIES_PER_USER_MAX", 3)
    for number in range(3):
        make_boundary(alice, f"boundary {number}")

    response = alice_client.post("/api/boundaries/", {"text": "one more"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": ["Keep to 3 boundaries; you could let go of one you no longer need."]
    }
    assert Boundary.objects.filter(user=alice).count() == 3


def test_the_boundary_list_takes_two_queries_beyond_authentication(alice, alice_session):
    for number in range(4):
        make_boundary(alice, f"boundary {number}", needs=("rest", "space"))

    with CaptureQueriesContext(connection) as queries:
        response = alice_session.get("/api/boundaries/")

    assert response.status_code == 200
    assert len(response.json()) == 4
    # 1. the session with its user and profile; 2. the boundaries; 3. their needs
    assert len(queries) == 3, json.dumps([q["sql"] for q in queries], indent=1)


# --- intentions ---------------------------------------------------------------------------------------


def test_a_week_without_an_intention_answers_empty_text_not_404(alice, alice_client):
    response = alice_client.get("/api/intentions/2026-11-16")

    assert response.status_code == 200
    assert response.json() == {"week_start": "2026-11-16", "text": "", "updated_at": None}


def test_an_intention_is_set_read_changed_and_removed(alice, alice_client):
    path = "/api/intentions/2026-11-16"

    put = alice_client.put(path, {"text": "One walk outside, however short."}, format="json")
    got = alice_client.get(path)
    changed = alice_client.put(path, {"text": "Two walks."}, format="json")
    removed = alice_client.put(path, {"text": ""}, format="json")

    assert put.status_code == 200
    assert put.json()["text"] == "One walk outside, however short."
    assert put.json()["updated_at"] == "2026-11-22T12:00:00Z"
    assert got.json() == put.json()
    assert changed.json()["text"] == "Two walks."
    assert removed.status_code == 200
    assert removed.json() == {"week_start": "2026-11-16", "text": "", "updated_at": None}
    assert not Intention.objects.exists()


def test_any_day_of_a_week_names_that_week_in_the_users_week_start(db, client):
    from tests.conftest import client_for
    from tests.factories import make_user

    sunday_person = make_user("sam", week_starts_on="sun")
    sam = client_for(sunday_person)

    put = sam.put("/api/intentions/2026-11-19", {"text": "Rest on Saturday."}, format="json")  # a Thursday

    assert put.json()["week_start"] == "2026-11-15"  # the Sunday before
    assert sam.get("/api/intentions/2026-11-21").json()["text"] == "Rest on Saturday."
    assert sam.get("/api/intentions/2026-11-22").json()["text"] == ""  # the next week
    assert Intention.objects.get().week_start == dt.date(2026, 11, 15)


def test_intentions_are_per_user(alice, bob, alice_client, bob_client):
    alice_client.put("/api/intentions/2026-11-16", {"text": "alice's step"}, format="json")

    assert bob_client.get("/api/intentions/2026-11-16").json()["text"] == ""
    bob_client.put("/api/intentions/2026-11-16", {"text": "bob's step"}, format="json")
    assert alice_client.get("/api/intentions/2026-11-16").json()["text"] == "alice's step"
    assert Intention.objects.count() == 2


@pytest.mark.parametrize(
    "week_start", ["2026-13-01", "2026-02-30", "yesterday", "20261116", "1899-12-31", "9999-12-31", "0"]
)
@pytest.mark.parametrize("method", ["get", "put"])
def test_a_week_start_that_is_not_a_date_is_a_400_field_error(alice, alice_client, week_start, method):
    response = getattr(alice_client, method)(f"/api/intentions/{week_start}", {"text": "x"}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"week_start"}
    assert not Intention.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": "x" * (practices.INTENTION_TEXT_MAX_LENGTH + 1)}, "text"),
        ({"text": 3}, "text"),
        ({}, "text"),
    ],
)
def test_a_bad_intention_is_a_400_and_keeps_the_stored_one(alice, alice_client, payload, field):
    alice_client.put("/api/intentions/2026-11-16", {"text": "kept"}, format="json")

    response = alice_client.put("/api/intentions/2026-11-16", payload, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {field}
    assert Intention.objects.get().text == "kept"


def test_an_intention_of_exactly_the_limit_is_kept(alice_client):
    text = "x" * practices.INTENTION_TEXT_MAX_LENGTH

    assert (
        alice_client.put("/api/intentions/2026-11-16", {"text": text}, format="json").json()["text"] == text
    )


# --- privacy ------------------------------------------------------------------------------------------

SENTINELS = {
    "harsh_line": "harsh-sentinel-4f1c",
    "kind_line": "kind-sentinel-9b2e",
    "boundary": "boundary-sentinel-77aa",
    "intention": "intention-sentinel-03d1",
}


def test_the_practices_private_words_never_reach_the_logs_or_a_url(alice, alice_session, caplog):
    make_checkin(alice, occurred_at=NOW - dt.timedelta(days=1), kind_line=SENTINELS["kind_line"])
    caplog.set_level(logging.DEBUG)
    over = "x" * (LINE_MAX + 1)
    answers = [
        alice_session.post(
            "/api/checkins/",
            body(harsh_line=SENTINELS["harsh_line"], kind_line=SENTINELS["kind_line"]),
            format="json",
        ),
        # Refused bodies are logged by Django as bad requests: their text must not go with them.
        alice_session.post("/api/checkins/", body(harsh_line=SENTINELS["harsh_line"] + over), format="json"),
        alice_session.post(
            "/api/checkins/", body(kind_line=SENTINELS["kind_line"], intensity_after=11), format="json"
        ),
        alice_session.post(
            "/api/boundaries/", {"text": SENTINELS["boundary"], "needs": ["rest"]}, format="json"
        ),
        alice_session.post(
            "/api/boundaries/", {"text": SENTINELS["boundary"], "needs": ["nope"]}, format="json"
        ),
        alice_session.put("/api/intentions/2026-11-16", {"text": SENTINELS["intention"]}, format="json"),
        alice_session.put(
            "/api/intentions/2026-11-16", {"text": SENTINELS["intention"] + "x" * 280}, format="json"
        ),
        alice_session.put("/api/intentions/not-a-day", {"text": SENTINELS["intention"]}, format="json"),
        alice_session.get("/api/checkins/?limit=1"),
        alice_session.get("/api/boundaries/"),
    ]

    assert [answer.status_code for answer in answers] == [201, 400, 400, 201, 400, 200, 400, 400, 200, 200]
    assert caplog.records  # the refused requests were logged, just without the words
    for words in SENTINELS.values():
        assert words not in caplog.text
    # No answer names a URL holding them: ids are UUIDs, a week is a date, a cursor is a position.
    boundary_id = answers[3].json()["id"]
    assert str(uuid.UUID(boundary_id)) == boundary_id
    for answer in answers:
        headers = " ".join(f"{name}: {value}" for name, value in answer.items())
        assert not any(words in headers for words in SENTINELS.values())
    cursor_link = answers[8].json()["next"]
    cursor = parse_qs(urlsplit(cursor_link).query)["cursor"][0]
    decoded = base64.b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    assert "p=" in decoded  # a position: the occurred_at of the last row shown
    assert not any(words in decoded or words in unquote(cursor_link) for words in SENTINELS.values())
