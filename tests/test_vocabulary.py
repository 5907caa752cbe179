import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_custom_emotion
from tracker.models import BodyArea, Emotion, Need, Sensation
from tracker.vocabulary import load_builtin_vocabulary, read


@pytest.mark.django_db
def test_the_builtin_vocabulary_is_rich_and_covers_every_quadrant():
    builtin = Emotion.objects.filter(owner=None)
    feelings = builtin.filter(is_interpretation=False)
    quadrants = {
        (p, e): feelings.filter(
            **{f"pleasantness__{'gt' if p else 'lt'}": 0, f"energy__{'gt' if e else 'lt'}": 0}
        ).count()
        for p in (True, False)
        for e in (True, False)
    }

    assert builtin.count() >= 100
    assert min(quadrants.values()) >= 20, quadrants
    assert Need.objects.filter(owner=None).values("category").distinct().count() >= 7
    assert Need.objects.filter(owner=None).count() >= 40
    assert Sensation.objects.filter(owner=None).count() >= 12
    assert list(BodyArea.objects.values_list("slug", flat=True))[:3] == ["head", "jaw", "throat"]
    assert BodyArea.objects.count() == 11
    assert not builtin.filter(definition="").exists()
    for word in ("dismissed", "lonely", "humiliated", "disappointed", "resentful", "numb"):
        assert builtin.filter(slug=word).exists(), word


@pytest.mark.django_db
def test_interpretation_words_point_to_feelings_and_needs_underneath():
    abandoned = Emotion.objects.get(slug="abandoned", owner=None)

    assert abandoned.is_interpretation
    assert abandoned.suggested_emotions.exists()
    assert not abandoned.suggested_emotions.filter(is_interpretation=True).exists()
    assert abandoned.suggested_needs.exists()
    for slug in ("ignored", "rejected", "dismissed", "betrayed"):
        assert Emotion.objects.get(slug=slug, owner=None).is_interpretation, slug


@pytest.mark.django_db
def test_loading_the_vocabulary_again_changes_nothing():
    before = {model: model.objects.count() for model in (Emotion, Need, Sensation, BodyArea)}
    links = Emotion.suggested_needs.through.objects.count()

    counts = load_builtin_vocabulary()

    assert {model: model.objects.count() for model in before} == before
    assert Emotion.suggested_needs.through.objects.count() == links
    assert counts["emotions"] == len(read("emotions"))


@pytest.mark.django_db
def test_loading_the_vocabulary_restores_edited_words_and_links():
    abandoned = Emotion.objects.get(slug="abandoned", owner=None)
    abandoned.definition = "edited by hand"
    abandoned.save()
    abandoned.suggested_needs.clear()

    load_builtin_vocabulary()

    abandoned.refresh_from_db()
    expected = next(row for row in read("emotions") if row["slug"] == "abandoned")
    assert abandoned.definition == expected["definition"]
    assert set(abandoned.suggested_needs.values_list("slug", flat=True)) == set(expected["suggested_needs"])


def test_the_vocabulary_lists_builtin_words_and_only_the_callers_own(alice, bob, alice_client, bob_client):
    make_custom_emotion(alice, "wobbly")

    mine = alice_client.get("/api/vocabulary").json()
    theirs = bob_client.get("/api/vocabulary").json()

    wobbly = next(e for e in mine["emotions"] if e["slug"] == "wobbly")
    assert wobbly["custom"] is True
    assert "wobbly" not in {e["slug"] for e in theirs["emotions"]}
    assert len(mine["emotions"]) == len(theirs["emotions"]) + 1
    assert set(mine) == {"emotions", "needs", "sensations", "body_areas"}
    abandoned = next(e for e in mine["emotions"] if e["slug"] == "abandoned")
    assert abandoned["is_interpretation"]
    assert abandoned["suggested_needs"]


def test_the_vocabulary_takes_six_queries_beyond_authentication(alice, alice_session):
    make_custom_emotion(alice, "wobbly")

    with CaptureQueriesContext(connection) as queries:
        response = alice_session.get("/api/vocabulary")

    assert response.status_code == 200
    # 1. the session with its user (the app's browsers sign in with a session cookie)
    # 2-7. emotions, their suggested emotions, their suggested needs, needs, sensations, body areas
    assert len(queries) == 7, json.dumps([q["sql"] for q in queries], indent=1)


@pytest.mark.parametrize(
    ("path", "payload", "expected"),
    [
        ("emotions", {"name": "Quietly Furious", "pleasantness": -0.7, "energy": 0.6}, "quietly-furious"),
        ("needs", {"name": "to be asked", "category": "connection"}, "to-be-asked"),
        ("sensations", {"name": "prickly", "definition": "Like pins on the skin."}, "prickly"),
        ("emotions", {"name": "ärgerlich", "pleasantness": -0.5, "energy": 0.4}, "ärgerlich"),
    ],
)
def test_a_user_adds_their_own_words_and_the_server_makes_the_slug(
    alice, alice_client, path, payload, expected
):
    response = alice_client.post(f"/api/vocabulary/{path}", payload, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["slug"] == expected
    assert response.json()["custom"] is True


def test_two_users_may_own_the_same_custom_word(alice, bob, alice_client, bob_client):
    payload = {"name": "wobbly", "pleasantness": -0.2, "energy": 0.2}

    assert alice_client.post("/api/vocabulary/emotions", payload, format="json").status_code == 201
    assert bob_client.post("/api/vocabulary/emotions", payload, format="json").status_code == 201
    assert Emotion.objects.filter(slug="wobbly").count() == 2


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("emotions", {"name": "lonely", "pleasantness": -0.5, "energy": -0.5}, "name"),
        ("emotions", {"name": "!!!", "pleasantness": -0.5, "energy": -0.5}, "name"),
        ("emotions", {"name": "wobbly", "pleasantness": -1.5, "energy": 0}, "pleasantness"),
        ("emotions", {"name": "wobbly", "pleasantness": 0}, "energy"),
        ("emotions", {"name": "x" * 65, "pleasantness": 0, "energy": 0}, "name"),
        ("needs", {"name": "respect"}, "name"),
        ("sensations", {"name": 7}, "name"),
    ],
)
def test_bad_custom_words_are_400_and_add_nothing(alice, alice_client, path, payload, field):
    before = Emotion.objects.count() + Need.objects.count() + Sensation.objects.count()

    response = alice_client.post(f"/api/vocabulary/{path}", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert Emotion.objects.count() + Need.objects.count() + Sensation.objects.count() == before


def test_adding_the_same_custom_word_twice_is_refused(alice, alice_client):
    make_custom_emotion(alice, "wobbly")

    response = alice_client.post(
        "/api/vocabulary/emotions", {"name": "Wobbly", "pleasantness": 0, "energy": 0}, format="json"
    )

    assert response.status_code == 400
    assert Emotion.objects.filter(owner=alice).count() == 1


def test_anonymous_callers_see_no_vocabulary(anon_client):
    assert anon_client.get("/api/vocabulary").status_code == 401
