import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_custom_emotion
from tracker.models import BodyArea, Emotion, Help, Need, Sensation
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
    before = {model: model.objects.count() for model in (Emotion, Need, Sensation, BodyArea, Help)}
    links = Emotion.suggested_needs.through.objects.count()

    counts = load_builtin_vocabulary()

    assert {model: model.objects.count() for model in before} == before
    assert Emotion.suggested_needs.through.objects.count() == links
    assert counts["emotions"] == len(read("emotions"))
    assert counts["helps"] == len(read("helps"))


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
    assert set(mine) == {
        "emotions", "needs", "sensations", "body_areas", "helps", "self_compassion", "kind_line_examples",
    }  # fmt: skip
    abandoned = next(e for e in mine["emotions"] if e["slug"] == "abandoned")
    assert abandoned["is_interpretation"]
    assert abandoned["suggested_needs"]


def test_the_vocabulary_takes_seven_queries_beyond_authentication(alice, alice_session):
    make_custom_emotion(alice, "wobbly")

    with CaptureQueriesContext(connection) as queries:
        response = alice_session.get("/api/vocabulary")

    assert response.status_code == 200
    # 1. the session with its user (the app's browsers sign in with a session cookie)
    # 2-8. emotions, their suggested emotions, their suggested needs, needs, sensations, body areas, helps
    # (the self-compassion words and kind-line examples are data files, read once per process)
    assert len(queries) == 8, json.dumps([q["sql"] for q in queries], indent=1)


@pytest.mark.parametrize(
    ("path", "payload", "expected"),
    [
        ("emotions", {"name": "Quietly Furious", "pleasantness": -0.7, "energy": 0.6}, "quietly-furious"),
        ("needs", {"name": "to be asked", "category": "connection"}, "to-be-asked"),
        ("sensations", {"name": "prickly", "definition": "Like pins on the skin."}, "prickly"),
        (
            "helps",
            {"name": "A Walk Together", "definition": "Side by side, not face to face."},
            "a-walk-together",
        ),
        ("helps", {"name": "tea"}, "tea"),
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
        ("helps", {"name": "to be heard"}, "name"),  # a built-in help
        ("helps", {"name": "space", "definition": 3}, "definition"),
        ("helps", {"name": "?"}, "name"),
    ],
)
def test_bad_custom_words_are_400_and_add_nothing(alice, alice_client, path, payload, field):
    def words() -> int:
        return sum(model.objects.count() for model in (Emotion, Need, Sensation, Help))

    before = words()

    response = alice_client.post(f"/api/vocabulary/{path}", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert words() == before


def test_adding_the_same_custom_word_twice_is_refused(alice, alice_client):
    make_custom_emotion(alice, "wobbly")

    response = alice_client.post(
        "/api/vocabulary/emotions", {"name": "Wobbly", "pleasantness": 0, "energy": 0}, format="json"
    )

    assert response.status_code == 400
    assert Emotion.objects.filter(owner=alice).count() == 1


def test_anonymous_callers_see_no_vocabulary(anon_client):
    assert anon_client.get("/api/vocabulary").status_code == 401


# --- issue 14: helps, self-judgment words, the gentle prompts' texts ------------------------------


HELPS_ASKED_FOR = (
    "to-be-heard", "acknowledgment", "an-apology", "an-explanation", "a-change", "reassurance", "space",
    "comfort", "rest",
)  # fmt: skip


@pytest.mark.django_db
def test_the_builtin_helps_are_seeded_with_a_line_each():
    helps = {word.slug: word for word in Help.objects.filter(owner=None)}

    assert set(HELPS_ASKED_FOR) <= set(helps)
    assert len(helps) == len(read("helps"))
    assert all(word.definition and len(word.definition) <= 300 for word in helps.values())
    assert helps["to-be-heard"].name == "to be heard"


def test_the_vocabulary_lists_helps_like_sensations_and_only_the_callers_own(
    alice, bob, alice_client, bob_client
):
    alice_client.post("/api/vocabulary/helps", {"name": "a long bath"}, format="json")

    mine = alice_client.get("/api/vocabulary").json()["helps"]
    theirs = bob_client.get("/api/vocabulary").json()["helps"]

    assert {"slug": "a-long-bath", "name": "a long bath", "definition": "", "custom": True} in mine
    assert "a-long-bath" not in {h["slug"] for h in theirs}
    assert len(mine) == len(theirs) + 1
    heard = next(h for h in theirs if h["slug"] == "to-be-heard")
    assert set(heard) == {"slug", "name", "definition", "custom"}
    assert heard["custom"] is False


def test_self_judgment_words_are_marked_and_the_rest_are_not(alice_client):
    emotions = {e["slug"]: e for e in alice_client.get("/api/vocabulary").json()["emotions"]}

    for slug in ("worthless", "inadequate", "too-much", "not-good-enough", "needy", "ashamed", "defective"):
        assert emotions[slug]["is_self_judgment"] is True, slug
    for slug in ("calm", "lonely", "abandoned", "angry"):
        assert emotions[slug]["is_self_judgment"] is False, slug
    assert emotions["too-much"]["name"] == "too much"
    assert emotions["too-much"]["definition"]
    assert -1 <= emotions["defective"]["pleasantness"] < 0


@pytest.mark.django_db
def test_every_need_category_has_three_self_compassion_variants_with_all_three_parts():
    categories = {row["category"] for row in read("needs")}
    words = read("self_compassion")

    assert categories | {"default"} == set(words)
    for category, variants in words.items():
        assert len(variants) >= 3, category
        for variant in variants:
            assert set(variant) == {"kindness", "common_humanity", "mindfulness"}, category
            assert all(isinstance(part, str) and part.strip() for part in variant.values()), category
        assert len({v["kindness"] for v in variants}) == len(variants), f"{category}: repeated variants"


def test_the_vocabulary_serves_the_self_compassion_words_and_kind_line_examples(alice_client):
    vocabulary = alice_client.get("/api/vocabulary").json()

    assert vocabulary["self_compassion"] == read("self_compassion")
    examples = vocabulary["kind_line_examples"]
    assert examples == read("kind_lines")
    assert len(examples) >= 5
    assert all(set(pair) == {"harsh", "kind"} and pair["harsh"] and pair["kind"] for pair in examples)
