"""orjson behind DRF's renderer writes exactly the bytes DRF's own renderer writes."""

import datetime as dt
import zoneinfo

import pytest
from django.utils.functional import lazy
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework import renderers as drf
from rest_framework.exceptions import ErrorDetail

from api.renderers import JSONRenderer

ORJSON, STANDARD = JSONRenderer(), drf.JSONRenderer()
lazy_text = lazy(lambda text: text, str)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),  # beyond 64 bits too: orjson refuses, DRF writes
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),  # control characters, U+2028/2029, astral characters
    st.text().map(lambda text: ErrorDetail(text, code="invalid")),
    st.text().map(lazy_text),
    st.uuids(),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([None, dt.UTC, zoneinfo.ZoneInfo("Europe/Berlin")])),
    st.times(),
    st.decimals(allow_nan=False, allow_infinity=False, places=3),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.tuples(children, children),
        st.dictionaries(st.one_of(st.text(), st.integers(-5, 5)), children, max_size=5),
    ),
    max_leaves=30,
)


def both(data) -> tuple[bytes, bytes]:
    try:
        expected = STANDARD.render(data)
    except (ValueError, TypeError, UnicodeEncodeError) as error:
        with pytest.raises(type(error)):
            ORJSON.render(data)
        return b"", b""
    return ORJSON.render(data), expected


@settings(max_examples=400, deadline=None)
@given(documents)
def test_any_document_renders_to_the_same_bytes(data):
    ours, theirs = both(data)
    assert ours == theirs


@pytest.mark.parametrize(
    "value",
    [1e-05, 1e16, 0.1, -0.0, 2.5, 12.345, 1e-7, 123456789.125, "\u2028\u2029", "\x00\x1f\x7f", "é ✓ 😀"],
)
def test_the_corners_render_alike(value):
    ours, theirs = both({"value": value, 3: [value]})
    assert ours == theirs


def test_dates_render_alike_again_and_again_while_their_memo_stays_bounded():
    from api import renderers

    renderers._date_text.cache_clear()
    days = [dt.date(1, 1, 1), dt.date(999, 12, 31), *(dt.date(2026, 3, day) for day in range(1, 9))]
    for _ in range(3):
        ours, theirs = both({"days": days, "first": days[0]})
        assert ours == theirs
    memo = renderers._date_text.cache_info()
    assert memo.currsize == len(days)  # each made once, then found: 3 rounds of 11 dates
    assert memo.hits == 3 * (len(days) + 1) - len(days)
    assert memo.maxsize is not None  # bounded


def test_an_indent_asked_for_is_honoured_as_drf_does():
    data = {"a": [1, 2]}
    media = "application/json; indent=2"
    assert ORJSON.render(data, media) == STANDARD.render(data, media) == b'{\n  "a": [\n    1,\n    2\n  ]\n}'


def test_the_api_answers_through_orjson_with_drfs_bytes(alice, alice_session):
    from tests.factories import make_checkin

    make_checkin(alice, emotion="calm", note="line\u2028 1e-05 ✓", context=["work"], need="rest")
    for path in ("/api/me", "/api/checkins/", "/api/trends/week", "/api/trends/range", "/api/vocabulary"):
        response = alice_session.get(path)
        assert response.status_code == 200
        assert isinstance(response.accepted_renderer, JSONRenderer)
        assert response.content == STANDARD.render(response.data), path
    error = alice_session.post("/api/checkins/", {"intensity": "x", "context": [1]}, format="json")
    assert error.status_code == 400
    assert error.content == STANDARD.render(error.data)


@pytest.mark.parametrize(
    ("data", "fast"),
    [
        ({"id": "5bb62e03-ef28-4fb4-8636-a508b999c074", "intensity": 3}, True),  # hex digits before an e
        ({"note": 'said "0.00001" and 1e5', "n": 2.5}, True),  # float-like text inside strings only
        ({"id": "5bb62e03", "value": 1e-05}, False),  # and a float orjson would write differently
        ({"id": "5bb62e03", "value": 1e16}, False),
        ({"note": 'a quote \\" then 2e3', "value": 0.00001}, False),
    ],
)
def test_float_like_text_inside_strings_keeps_the_fast_path(data, fast, monkeypatch):
    theirs = STANDARD.render(data)
    slow = []
    original = drf.JSONRenderer.render

    def counted(self, *args, **kwargs):
        slow.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(drf.JSONRenderer, "render", counted)
    assert ORJSON.render(data) == theirs
    assert (not slow) is fast
