import datetime as dt
import json
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_checkin, make_custom_emotion
from tracker import services
from tracker.models import CheckIn

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
NOT_FOUND = {"detail": "Not found."}


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def body(**overrides):
    return {
        "occurred_at": "2026-11-22T09:15:00+01:00",
        "emotion": "humiliated",
        "intensity": 7,
        "need": "respect",
        "sensation": "tight",
        "body_area": "chest",
        "note": "Said in front of everyone.",
        "context": ["work"],
        **overrides,
    }


# --- create ------------------------------------------------------------------------------------


def test_it_creates_a_checkin_with_local_date_in_the_users_zone(alice, alice_client):
    response = alice_client.post("/api/checkins/", body(occurred_at="2026-11-21T23:30:00Z"), format="json")

    assert response.status_code == 201
    data = response.json()
    assert data["emotion"] == "humiliated"
    assert data["need"] == "respect"
    assert data["sensation"] == "tight"
    assert data["body_area"] == "chest"
    assert data["intensity"] == 7
    assert data["context"] == ["work"]
    assert data["source"] == "app"
    # 23:30 UTC is 00:30 on the 22nd in Berlin.
    assert data["local_date"] == "2026-11-22"
    assert data["occurred_at"] == "2026-11-21T23:30:00Z"
    row = CheckIn.objects.get(user=alice)
    assert str(row.uuid) == data["id"]
    assert row.local_date == dt.date(2026, 11, 22)


def test_only_emotion_and_intensity_are_required_and_now_is_the_default_time(alice, alice_client):
    response = alice_client.post("/api/checkins/", {"emotion": "calm", "intensity": 3}, format="json")

    assert response.status_code == 201
    row = CheckIn.objects.get(user=alice)
    assert row.occurred_at == NOW
    assert row.need is None
    assert row.note == ""
    assert row.context == []


def test_posting_the_same_id_three_times_keeps_one_row_and_replays_the_stored_one(alice, alice_client):
    checkin_id = str(uuid.uuid4())
    first = alice_client.post("/api/checkins/", body(id=checkin_id), format="json")
    replays = [
        alice_client.post("/api/checkins/", body(id=checkin_id, intensity=2, note="changed"), format="json")
        for _ in range(2)
    ]

    assert first.status_code == 201
    assert [r.status_code for r in replays] == [200, 200]
    assert all(r.json() == first.json() for r in replays)
    assert CheckIn.objects.filter(user=alice).count() == 1
    assert CheckIn.objects.get(user=alice).intensity == 7


def test_put_creates_then_replaces_by_client_id(alice, alice_client):
    checkin_id = str(uuid.uuid4())
    created = alice_client.put(f"/api/checkins/{checkin_id}/", body(), format="json")
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        replaced = alice_client.put(
            f"/api/checkins/{checkin_id}/",
            body(emotion="relieved", intensity=2, need=None, note=""),
            format="json",
        )
    with time_machine.travel(NOW + dt.timedelta(minutes=2), tick=False):
        replayed = alice_client.put(
            f"/api/checkins/{checkin_id}/",
            body(emotion="relieved", intensity=2, need=None, note=""),
            format="json",
        )

    assert created.status_code == 201
    assert replaced.status_code == 200
    assert replayed.status_code == 200
    assert replaced.json()["id"] == checkin_id
    row = CheckIn.objects.get(user=alice)
    assert (row.emotion.slug, row.intensity, row.need, row.note) == ("relieved", 2, None, "")
    # A real change moves updated_at; the replay of the same body changes nothing, not even that.
    assert replaced.json()["updated_at"] > created.json()["updated_at"]
    assert replayed.json() == replaced.json()


def test_put_with_a_different_id_in_the_body_is_refused(alice, alice_client):
    response = alice_client.put(f"/api/checkins/{uuid.uuid4()}/", body(id=str(uuid.uuid4())), format="json")

    assert response.status_code == 400
    assert "id" in response.json()
    assert not CheckIn.objects.exists()


def test_put_replacing_without_occurred_at_keeps_the_stored_time(alice, alice_client):
    checkin = make_checkin(alice, occurred_at=dt.datetime(2026, 11, 20, 8, tzinfo=dt.UTC))
    payload = {"emotion": "calm", "intensity": 1}

    response = alice_client.put(f"/api/checkins/{checkin.uuid}/", payload, format="json")

    assert response.status_code == 200
    checkin.refresh_from_db()
    assert checkin.occurred_at == dt.datetime(2026, 11, 20, 8, tzinfo=dt.UTC)
    assert checkin.emotion.slug == "calm"


def test_patch_changes_only_the_given_fields_and_rebuckets_a_moved_time(alice, alice_client):
    checkin = make_checkin(alice, occurred_at=dt.datetime(2026, 11, 20, 8, tzinfo=dt.UTC), note="kept")

    response = alice_client.patch(
        f"/api/checkins/{checkin.uuid}/",
        {"intensity": 9, "occurred_at": "2026-11-18T23:30:00Z"},
        format="json",
    )

    assert response.status_code == 200
    checkin.refresh_from_db()
    assert checkin.intensity == 9
    assert checkin.note == "kept"
    assert checkin.local_date == dt.date(2026, 11, 19)  # 00:30 in Berlin


def test_delete_removes_the_checkin(alice, alice_client):
    checkin = make_checkin(alice)

    response = alice_client.delete(f"/api/checkins/{checkin.uuid}/")

    assert response.status_code == 204
    assert not CheckIn.objects.exists()


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"emotion": "no-such-feeling"}, "emotion"),
        ({"need": "no-such-need"}, "need"),
        ({"sensation": "no-such-sensation"}, "sensation"),
        ({"body_area": "elbow-of-the-soul"}, "body_area"),
        ({"intensity": 11}, "intensity"),
        ({"intensity": -1}, "intensity"),
        ({"intensity": "loud"}, "intensity"),
        ({"intensity": True}, "intensity"),
        ({"note": "x" * 5001}, "note"),
        ({"id": "not-a-uuid"}, "id"),
        ({"occurred_at": "2026-11-22T09:15:00"}, "occurred_at"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"occurred_at": "0001-01-01T00:00:00+00:00"}, "occurred_at"),
        ({"occurred_at": "1800-01-01T00:00:00+00:00"}, "occurred_at"),
        ({"occurred_at": "2026-11-22T12:06:00Z"}, "occurred_at"),
        ({"occurred_at": 1763800000}, "occurred_at"),
        ({"emotion": 42}, "emotion"),
        ({"context": ["x" * 41]}, "context"),
        ({"context": [f"tag{i}" for i in range(11)]}, "context"),
        ({"context": "work"}, "context"),
    ],
)
def test_bad_input_is_a_400_with_a_field_error_and_writes_nothing(alice_client, overrides, field):
    response = alice_client.post("/api/checkins/", body(**overrides), format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not CheckIn.objects.exists()


def test_missing_required_fields_are_named(alice_client):
    response = alice_client.post("/api/checkins/", {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"emotion", "intensity"}


def test_a_time_up_to_five_minutes_ahead_is_accepted_for_clock_skew(alice_client):
    response = alice_client.post("/api/checkins/", body(occurred_at="2026-11-22T12:04:00Z"), format="json")

    assert response.status_code == 201


def test_back_dating_is_allowed(alice_client):
    response = alice_client.post(
        "/api/checkins/", body(occurred_at="2019-03-01T08:00:00-05:00"), format="json"
    )

    assert response.status_code == 201
    assert response.json()["occurred_at"] == "2019-03-01T13:00:00Z"


def test_malformed_json_is_a_400(alice_client):
    response = alice_client.generic("POST", "/api/checkins/", '{"emotion": ', content_type="application/json")

    assert response.status_code == 400
    assert "detail" in response.json()
    assert not CheckIn.objects.exists()


def test_a_form_encoded_body_is_refused(alice_client):
    response = alice_client.post("/api/checkins/", {"emotion": "calm", "intensity": 3})  # multipart

    assert response.status_code == 415
    assert not CheckIn.objects.exists()


def test_patch_with_bad_input_changes_nothing(alice, alice_client):
    checkin = make_checkin(alice, intensity=4)

    response = alice_client.patch(
        f"/api/checkins/{checkin.uuid}/", {"intensity": 4000, "note": "new"}, format="json"
    )

    assert response.status_code == 400
    checkin.refresh_from_db()
    assert (checkin.intensity, checkin.note) == (4, "")


def test_another_users_custom_emotion_cannot_be_used(alice, bob_client):
    make_custom_emotion(alice, "wobbly")

    response = bob_client.post("/api/checkins/", body(emotion="wobbly"), format="json")

    assert response.status_code == 400
    assert "emotion" in response.json()


def test_the_owner_can_use_a_custom_emotion(alice, alice_client):
    make_custom_emotion(alice, "wobbly")

    response = alice_client.post("/api/checkins/", body(emotion="wobbly"), format="json")

    assert response.status_code == 201
    assert response.json()["emotion"] == "wobbly"


# --- other people's data -----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "patch", "delete", "put"])
def test_another_users_checkin_is_a_404_like_a_random_id_and_stays_unchanged(alice, bob_client, method):
    checkin = make_checkin(alice, intensity=4, note="private")
    payload = body(intensity=1, note="overwritten") if method in ("patch", "put") else None

    theirs = getattr(bob_client, method)(f"/api/checkins/{checkin.uuid}/", payload, format="json")
    random = getattr(bob_client, method)(f"/api/checkins/{uuid.uuid4()}/", payload, format="json")

    if method == "put":
        # PUT upserts in the caller's own space: bob gets his own row, alice's is untouched.
        assert theirs.status_code == 201
        assert theirs.json()["note"] == "overwritten"
    else:
        assert theirs.status_code == random.status_code == 404
        assert theirs.json() == random.json() == NOT_FOUND
    checkin.refresh_from_db()
    assert (checkin.intensity, checkin.note, checkin.user_id) == (4, "private", alice.id)


def test_a_client_id_already_used_by_another_user_neither_leaks_nor_overwrites(alice, bob, bob_client):
    checkin = make_checkin(alice, note="alice's words")

    response = bob_client.post(
        "/api/checkins/", body(id=str(checkin.uuid), note="bob's words"), format="json"
    )

    assert response.status_code == 201
    assert response.json()["note"] == "bob's words"
    assert CheckIn.objects.get(user=alice).note == "alice's words"
    assert CheckIn.objects.get(user=bob).note == "bob's words"


def test_a_malformed_id_in_the_path_is_the_same_404(alice_client):
    response = alice_client.get("/api/checkins/not-a-uuid/")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_lists_only_show_the_callers_checkins(alice, bob, bob_client):
    make_checkin(alice)
    mine = make_checkin(bob)

    response = bob_client.get("/api/checkins/")

    assert [row["id"] for row in response.json()["results"]] == [str(mine.uuid)]


def test_anonymous_requests_are_refused(anon_client, alice):
    checkin = make_checkin(alice)

    assert anon_client.get("/api/checkins/").status_code == 401
    assert anon_client.get(f"/api/checkins/{checkin.uuid}/").status_code == 401
    assert anon_client.post("/api/checkins/", body(), format="json").status_code == 401


# --- list --------------------------------------------------------------------------------------


def test_the_list_is_newest_first_and_cursor_pages_neither_skip_nor_repeat(alice, alice_client):
    base = dt.datetime(2026, 11, 1, 8, tzinfo=dt.UTC)
    # Several check-ins share an instant: the tie-break must keep pages stable.
    made = [make_checkin(alice, occurred_at=base + dt.timedelta(hours=i // 3)) for i in range(12)]

    seen, url = [], "/api/checkins/?limit=5"
    while url:
        page = alice_client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]

    assert len(seen) == len(set(seen)) == 12
    expected = sorted(made, key=lambda c: (c.occurred_at, c.id), reverse=True)
    assert seen == [str(c.uuid) for c in expected]


def test_the_list_filters_by_local_dates_emotion_and_need(alice, alice_client):
    day = dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC)
    make_checkin(alice, occurred_at=day, emotion="lonely", need="connection")
    wanted = make_checkin(alice, occurred_at=day + dt.timedelta(days=2), emotion="lonely", need="connection")
    make_checkin(alice, occurred_at=day + dt.timedelta(days=2), emotion="calm")
    make_checkin(alice, occurred_at=day + dt.timedelta(days=5), emotion="lonely", need="connection")

    response = alice_client.get("/api/checkins/?from=2026-11-11&to=2026-11-13&emotion=lonely&need=connection")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(wanted.uuid)]


@pytest.mark.parametrize("query", ["from=2026-13-01", "to=yesterday", "from=2026-11-10&to=2026-11-01"])
def test_bad_list_filters_are_a_400(alice_client, query):
    response = alice_client.get(f"/api/checkins/?{query}")

    assert response.status_code == 400


def test_the_list_takes_one_query_beyond_authentication_however_many_rows(alice, alice_session):
    for hour in range(30):
        make_checkin(alice, occurred_at=NOW - dt.timedelta(hours=hour), need="connection", sensation="heavy")

    with CaptureQueriesContext(connection) as queries:
        response = alice_session.get("/api/checkins/?limit=20")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 20
    # 1. the session with its user (the app's browsers sign in with a session cookie)
    # 2. the page of check-ins joined with emotion, need, sensation and body area
    assert len(queries) == 2, json.dumps([q["sql"] for q in queries], indent=1)


def test_creating_a_checkin_with_builtin_words_writes_without_looking_anything_up(alice, alice_session):
    alice_session.post("/api/checkins/", body(), format="json")  # the first write loads the built-in words

    with CaptureQueriesContext(connection) as queries:
        response = alice_session.post("/api/checkins/", body(), format="json")

    assert response.status_code == 201
    # 1. the session with its user and profile joined in (its zone gives the local date)
    # 2. the insert (the built-in words are known to the process: no lookup)
    statements = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    tables = [sql.split(" FROM ")[1].split()[0] if " FROM " in sql else sql.split()[0] for sql in statements]
    assert tables == ['"tracker_session"', "INSERT"], tables
    assert '"tracker_profile"' in statements[0]


def test_a_builtin_word_added_after_the_process_started_is_still_found(alice, alice_client):
    from tracker.models import Emotion

    alice_client.post("/api/checkins/", body(), format="json")  # loads the built-in words
    Emotion.objects.create(
        slug="wistful-new", name="wistful", family="sadness", pleasantness=-0.3, energy=-0.3
    )

    response = alice_client.post("/api/checkins/", body(emotion="wistful-new"), format="json")

    assert response.status_code == 201


def test_a_lone_surrogate_in_a_note_is_a_400_not_a_server_error(alice_client):
    raw = '{"emotion": "calm", "intensity": 3, "note": "half a pair: \\ud800"}'

    response = alice_client.generic("POST", "/api/checkins/", raw, content_type="application/json")

    assert response.status_code == 400
    assert "note" in response.json()
    assert not CheckIn.objects.exists()


def test_two_patches_of_different_fields_from_their_own_reads_keep_both(alice, alice_client):
    checkin = make_checkin(alice, occurred_at=NOW - dt.timedelta(hours=1), note="before", intensity=2)
    first_read = CheckIn.objects.get(pk=checkin.pk)
    second_read = CheckIn.objects.get(pk=checkin.pk)

    services.checkin_update(checkin=first_read, data={"note": "after"})
    services.checkin_update(checkin=second_read, data={"intensity": 7})

    checkin.refresh_from_db()
    assert (checkin.note, checkin.intensity) == ("after", 7)
