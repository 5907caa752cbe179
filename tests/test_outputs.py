"""The plain-dict outputs (check-ins, profile, trends) are exactly what /api/schema/ documents: every
documented field present, nothing undocumented, each of its documented type, for fixtures with every
optional field set and unset."""

import datetime as dt
import uuid

import pytest
import time_machine
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIRequestFactory

from api import practice_serializers
from api import serializers as s
from tests.factories import make_checkin
from tracker import services

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(scope="module")
def components() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]


def conforms(value, schema: dict, components: dict, path: str = "$") -> None:
    """Assert `value` is what `schema` (OpenAPI 3.0, as drf-spectacular writes it) describes, strictly."""
    if "$ref" in schema:
        return conforms(value, components[schema["$ref"].rsplit("/", 1)[1]], components, path)
    if value is None:
        assert schema.get("nullable") or any(
            option.get("nullable") or (option.get("type") is None and "$ref" not in option)
            for option in schema.get("oneOf", [])
        ), f"{path} is null, which the schema does not allow"
        return None
    for key in ("allOf", "oneOf"):
        if key in schema:
            options = [option for option in schema[key] if option.get("type") != "null" and option]
            return conforms(value, options[0], components, path)
    if "enum" in schema:
        assert value in schema["enum"], f"{path}: {value!r} not in {schema['enum']}"
    kind = schema.get("type")
    if kind == "object" and "properties" not in schema:  # a map (DictField): every value of one schema
        assert isinstance(value, dict), path
        for name, item in value.items():
            conforms(item, schema["additionalProperties"], components, f"{path}.{name}")
    elif kind == "object":
        assert isinstance(value, dict), path
        assert set(value) == set(schema["properties"]), f"{path}: {set(value) ^ set(schema['properties'])}"
        for name, item in value.items():
            conforms(item, schema["properties"][name], components, f"{path}.{name}")
    elif kind == "array":
        assert isinstance(value, list), path
        for i, item in enumerate(value):
            conforms(item, schema["items"], components, f"{path}[{i}]")
    elif kind == "string":
        assert isinstance(value, str), f"{path}: {value!r} is not a string"
        parse = {"date": dt.date.fromisoformat, "date-time": dt.datetime.fromisoformat, "uuid": uuid.UUID}
        if schema.get("format") in parse:
            parse[schema["format"]](value)
    elif kind == "integer":
        assert isinstance(value, int), path
        assert not isinstance(value, bool), path
    elif kind == "number":
        assert isinstance(value, int | float), path
        assert not isinstance(value, bool), path
    elif kind == "boolean":
        assert isinstance(value, bool), path
    return None


def as_json(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, response.content
    return response.json()


FULL = {
    "need": "connection",
    "sensation": "heavy",
    "body_area": "chest",
    "note": "a note",
    "context": ["work"],
    "intensity_after": 3,
    "would_help": "to-be-heard",
    "harsh_line": "I'm too much.",
    "kind_line": "My needs are real.",
}


@pytest.mark.parametrize("optional", [FULL, {}], ids=["every optional field set", "none set"])
def test_a_checkin_as_output_is_what_the_schema_and_the_serializer_say(alice, components, optional):
    checkin = make_checkin(alice, occurred_at=NOW - dt.timedelta(hours=1), emotion="calm", **optional)

    output = s.checkin_output(checkin)

    assert output == s.CheckInOutput(checkin).data
    conforms(output, components["CheckInOutput"], components)
    assert (output["need"] is None) == (not optional)


@pytest.mark.parametrize("paused_until", [NOW + dt.timedelta(days=3, microseconds=5), None])
def test_the_profile_as_output_is_what_the_schema_and_the_serializer_say(alice, components, paused_until):
    profile = services.profile_update(profile=alice.profile, paused_until=paused_until)
    request = APIRequestFactory().get("/api/me")

    output = s.profile_output(profile, request=request)

    assert output == s.ProfileOutput(profile, context={"request": request}).data
    conforms(output, components["ProfileOutput"], components)
    assert (output["paused_until"] is None) == (paused_until is None)


def test_the_api_answers_match_the_schema_with_data(alice, alice_session, components):
    for days_ago in (1, 2, 9):
        make_checkin(alice, occurred_at=NOW - dt.timedelta(days=days_ago), emotion="lonely", **FULL)
    make_checkin(alice, occurred_at=NOW - dt.timedelta(hours=2), emotion="calm")

    conforms(as_json(alice_session, "/api/me"), components["ProfileOutput"], components)
    conforms(as_json(alice_session, "/api/checkins/"), components["CheckInPage"], components)
    week = as_json(alice_session, "/api/trends/week")
    conforms(week, components["WeekTrendsOutput"], components)
    assert week["top_needs"]
    assert week["pairs"]
    assert week["previous_week"]["count"] == 1
    trend_range = as_json(alice_session, "/api/trends/range?bucket=day&from=2026-11-01&to=2026-11-22")
    conforms(trend_range, components["RangeTrendsOutput"], components)
    assert trend_range["mean_pleasantness"] is not None
    assert any(b["mean_pleasantness"] is None for b in trend_range["buckets"])  # empty days: null


def test_the_trends_of_nothing_match_the_schema_too(alice_session, components):
    week = as_json(alice_session, "/api/trends/week")
    trend_range = as_json(alice_session, "/api/trends/range")

    conforms(week, components["WeekTrendsOutput"], components)
    conforms(trend_range, components["RangeTrendsOutput"], components)
    assert week["mean_pleasantness"] is None
    assert week["top_emotions"] == []
    assert trend_range["count"] == 0
    assert isinstance(trend_range["direction"], str)


def test_the_conformance_check_can_fail(components):
    with pytest.raises(AssertionError):
        conforms({"slug": "x", "count": 1, "extra": 2}, components["TopWord"], components)
    with pytest.raises(AssertionError):
        conforms({"slug": "x", "count": 1}, components["TopWord"], components)  # name missing
    with pytest.raises(AssertionError):
        conforms({"slug": "x", "name": "X", "count": None}, components["TopWord"], components)


@pytest.mark.parametrize("needs", [["rest", "connection"], []], ids=["with needs", "without"])
def test_a_boundary_as_output_is_what_the_schema_and_the_serializer_say(
    alice, alice_session, components, needs
):
    from tracker import practices

    boundary = practices.boundary_create(user=alice, text="I leave when voices are raised.", needs=needs)

    output = practice_serializers.boundary_output(boundary)

    assert output == practice_serializers.BoundaryOutput(boundary).data
    conforms(output, components["BoundaryOutput"], components)
    listed = as_json(alice_session, "/api/boundaries/")
    assert listed == [output]
    for item in listed:
        conforms(item, components["BoundaryOutput"], components)


@pytest.mark.parametrize("text", ["One walk outside.", ""], ids=["set", "none set"])
def test_an_intention_as_output_is_what_the_schema_says(alice, alice_session, components, text):
    if text:
        alice_session.put("/api/intentions/2026-11-16", {"text": text}, format="json")

    output = as_json(alice_session, "/api/intentions/2026-11-18")

    conforms(output, components["IntentionOutput"], components)
    assert output["week_start"] == "2026-11-16"
    assert (output["updated_at"] is None) == (not text)


def test_the_vocabulary_with_the_practices_matches_the_schema(alice, alice_session, components):
    from tracker import services

    services.vocabulary_word_create(user=alice, kind="help", name="a long bath")

    vocabulary = as_json(alice_session, "/api/vocabulary")

    conforms(vocabulary, components["VocabularyOutput"], components)
    assert vocabulary["helps"]
    assert vocabulary["self_compassion"]["default"]
