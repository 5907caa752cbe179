"""Charts: real PNG and SVG that parse, strong ETags that follow the data, 304s that render nothing."""

import datetime as dt
import io
import xml.etree.ElementTree as ET
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from tests.factories import make_checkin
from tracker import charts
from tracker.models import CheckIn

NOW = dt.datetime(2026, 3, 6, 12, tzinfo=dt.UTC)  # a Friday; alice's week began on Monday 2 March
SVG = "{http://www.w3.org/2000/svg}"
WEEK = "/api/charts/week"
RANGE = "/api/charts/range"


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def alice_week(alice):
    """Check-ins on Monday, Tuesday and Thursday in Berlin; Wednesday and the weekend stay empty."""

    def at(day: int, hour: int) -> dt.datetime:
        return dt.datetime(2026, 3, day, hour, tzinfo=dt.UTC)

    return [
        make_checkin(alice, occurred_at=at(2, 8), emotion="anxious", intensity=6, need="reassurance"),
        make_checkin(alice, occurred_at=at(2, 18), emotion="anxious", intensity=4, need="reassurance"),
        make_checkin(alice, occurred_at=at(3, 9), emotion="calm", intensity=3),
        make_checkin(alice, occurred_at=at(5, 9), emotion="joyful", intensity=7),
    ]


def png_size(content: bytes) -> tuple[int, int]:
    image = Image.open(io.BytesIO(content))
    image.verify()
    assert image.format == "PNG"
    return image.size


def svg_root(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314  (our own server's output)


# --- formats -------------------------------------------------------------------------------------


def test_the_week_png_is_a_real_png_at_twice_phone_density(alice_week, alice_client):
    response = alice_client.get(f"{WEEK}.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert png_size(response.content) == (1440, 800)  # 7.2 x 4 in at 200 dpi


@pytest.mark.parametrize("theme", charts.THEMES)
def test_the_png_holds_exactly_the_pixels_matplotlib_would_have_saved(alice_week, alice, theme):
    from tracker import trends

    week = trends.week_trends(user=alice, start=dt.date(2026, 3, 2))
    ours = Image.open(io.BytesIO(charts.render_week(week, theme=theme, fmt="png")))
    saved = io.BytesIO()
    charts._figure("week", theme)["figure"].savefig(saved, format="png", dpi=charts.PNG_DPI)  # Pillow's
    theirs = Image.open(saved)

    assert ours.mode == theirs.mode == "RGBA"
    assert ours.tobytes() == theirs.tobytes()
    assert ours.info["dpi"] == pytest.approx((charts.PNG_DPI, charts.PNG_DPI), abs=0.01)


def test_the_png_encoder_writes_any_rgba_pixels_with_valid_checksums():
    from tracker import png

    pixels = bytes(range(256)) * 3  # 8 × 24 pixels, every byte value, alpha included
    content = png.encode_rgba(memoryview(pixels), width=8, height=24, dpi=96)

    assert png_size(content) == (8, 24)  # verify() checks every chunk's CRC
    image = Image.open(io.BytesIO(content))
    assert (image.mode, image.tobytes()) == ("RGBA", pixels)
    with pytest.raises(ValueError, match="not 8 × 25 RGBA pixels"):
        png.encode_rgba(memoryview(pixels), width=8, height=25, dpi=96)


def test_the_week_svg_parses_and_states_the_key_figures_in_title_and_desc(alice_week, alice_client):
    response = alice_client.get(f"{WEEK}.svg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    root = svg_root(response.content)
    assert root.tag == f"{SVG}svg"
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == (
        "518.4pt",
        "288pt",
        "0 0 518.4 288",
    )
    assert root.find(f"{SVG}title").text == "Week of 2 Mar 2026"
    desc = root.find(f"{SVG}desc").text
    assert "4 check-ins on 3 of 7 days" in desc
    # (-0.65 - 0.65 + 0.6 + 0.9) / 4 = +0.05
    assert "Average pleasantness +0.05" in desc
    assert "Most named feeling: anxious (twice)." in desc
    assert "Most frequent unmet need: reassurance (twice)." in desc
    assert root.get("aria-labelledby") == "chart-title chart-desc"


def test_the_range_charts_parse_in_both_formats(alice_week, alice_client):
    png = alice_client.get(f"{RANGE}.png", {"from": "2025-03-01", "to": "2026-03-06", "bucket": "week"})
    svg = alice_client.get(f"{RANGE}.svg", {"from": "2026-01-01", "to": "2026-03-06", "bucket": "day"})

    assert png.status_code == svg.status_code == 200
    assert png_size(png.content) == (1440, 800)
    root = svg_root(svg.content)
    assert root.find(f"{SVG}title").text == "1 Jan 2026 to 6 Mar 2026, by day"
    assert "4 check-ins" in root.find(f"{SVG}desc").text


def test_an_empty_week_still_draws_a_chart_that_says_so(alice, alice_client):
    response = alice_client.get(f"{WEEK}.svg", {"start": "2020-06-01"})

    assert response.status_code == 200
    assert "no check-ins this week" in svg_root(response.content).find(f"{SVG}desc").text


def test_dark_theme_draws_different_bytes_and_an_unknown_theme_is_a_400(alice_week, alice_client):
    light = alice_client.get(f"{WEEK}.png")
    dark = alice_client.get(f"{WEEK}.png", {"theme": "dark"})
    purple = alice_client.get(f"{WEEK}.png", {"theme": "purple"})

    assert light.status_code == dark.status_code == 200
    assert light.content != dark.content
    assert light["ETag"] != dark["ETag"]
    # The dark background really is dark.
    assert max(Image.open(io.BytesIO(dark.content)).convert("RGB").getpixel((2, 2))) < 40
    assert purple.status_code == 400
    assert "theme" in purple.json()


@pytest.mark.parametrize(
    "accept", ["application/json, */*;q=0.8", "image/png", "text/html", "application/json"]
)
def test_binary_charts_never_answer_406_whatever_accept_says(alice_week, alice_client, accept):
    response = alice_client.get(f"{WEEK}.png", HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_bad_chart_parameters_are_a_json_400(alice_client):
    response = alice_client.get(
        f"{RANGE}.svg", {"from": "2026-02-01", "to": "2026-01-01"}, HTTP_ACCEPT="image/*"
    )

    assert response.status_code == 400
    assert "from" in response.json()


def test_charts_need_a_signed_in_user(anon_client):
    response = anon_client.get(f"{WEEK}.png")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


def test_an_unknown_chart_format_is_a_404(alice_client):
    assert alice_client.get("/api/charts/week.gif").status_code == 404


# --- ETag, 304 and the cache -----------------------------------------------------------------------


def test_chart_responses_carry_a_strong_etag_and_revalidate_privately(alice_week, alice_client):
    response = alice_client.get(f"{WEEK}.svg")

    etag = response["ETag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    assert not etag.startswith("W/")
    assert response["Cache-Control"] == "private, no-cache"
    assert "Authorization" in response["Vary"]


def test_a_repeat_request_with_if_none_match_gets_304_without_rendering(alice_week, alice_session):
    etag = alice_session.get(f"{WEEK}.png")["ETag"]
    charts_cache_cleared()  # even with the bytes gone, a 304 must not draw anything

    with (
        mock.patch.object(charts, "render_week", wraps=charts.render_week) as render,
        CaptureQueriesContext(connection) as queries,
    ):
        response = alice_session.get(f"{WEEK}.png", HTTP_IF_NONE_MATCH=etag)
        weak = alice_session.get(f"{WEEK}.png", HTTP_IF_NONE_MATCH=f'"other", W/{etag}')

    assert response.status_code == weak.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    render.assert_not_called()
    # Per request: 1. the session with its user and profile joined in (zone, week start)
    # 2. the data fingerprint (count, id sum, latest change) of the week
    assert len(queries) == 2 * 2, [q["sql"] for q in queries]


def charts_cache_cleared() -> None:
    from django.core.cache import cache

    cache.clear()


def test_unchanged_data_is_rendered_once_and_then_served_from_the_cache(alice_week, alice_session):
    with mock.patch.object(charts, "render_week", wraps=charts.render_week) as render:
        first = alice_session.get(f"{WEEK}.svg")
        with CaptureQueriesContext(connection) as cached_queries:
            second = alice_session.get(f"{WEEK}.svg")

    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]
    assert render.call_count == 1
    # The session with its user and profile joined in, and the data fingerprint; the bytes come from
    # the cache.
    assert len(cached_queries) == 2


def test_an_uncached_chart_takes_two_queries_beyond_authentication(alice_week, alice_session):
    with CaptureQueriesContext(connection) as queries:
        response = alice_session.get(f"{WEEK}.png")

    assert response.status_code == 200
    # 1. the session with its user and profile joined in (zone, week start)
    # 2. the data fingerprint of the week (for the ETag)
    # 3. the check-ins of this and the previous week as tuples (day, emotion coordinates, words)
    assert len(queries) == 3, [q["sql"] for q in queries]


def test_a_changed_checkin_changes_the_etag_and_the_picture(alice_week, alice_client):
    before = alice_client.get(f"{WEEK}.svg")

    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        edited = alice_client.patch(f"/api/checkins/{alice_week[2].uuid}/", {"emotion": "sad"}, format="json")
        after = alice_client.get(f"{WEEK}.svg", HTTP_IF_NONE_MATCH=before["ETag"])

    assert edited.status_code == 200
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert after.content != before.content


def test_an_edit_in_the_same_instant_still_changes_the_etag(alice_week, alice_client):
    # The clock is frozen, so updated_at does not move: the fingerprint's sums must catch the edit.
    before = alice_client.get(f"{RANGE}.png", {"from": "2026-01-01", "to": "2026-03-06"})["ETag"]

    alice_client.patch(f"/api/checkins/{alice_week[0].uuid}/", {"intensity": 9}, format="json")
    after = alice_client.get(f"{RANGE}.png", {"from": "2026-01-01", "to": "2026-03-06"})["ETag"]

    assert CheckIn.objects.get(pk=alice_week[0].pk).intensity == 9
    assert after != before


def test_deleting_or_adding_a_checkin_changes_the_etag(alice, alice_week, alice_client):
    original = alice_client.get(f"{WEEK}.svg")["ETag"]

    deleted = alice_client.delete(f"/api/checkins/{alice_week[3].uuid}/")
    after_delete = alice_client.get(f"{WEEK}.svg")
    make_checkin(alice, occurred_at=dt.datetime(2026, 3, 4, 9, tzinfo=dt.UTC), emotion="joyful", intensity=7)
    after_add = alice_client.get(f"{WEEK}.svg")["ETag"]

    assert deleted.status_code == 204
    assert len({original, after_delete["ETag"], after_add}) == 3
    assert "3 check-ins on 2 of 7 days" in svg_root(after_delete.content).find(f"{SVG}desc").text


def test_a_checkin_outside_the_week_leaves_its_etag_alone(alice, alice_week, alice_client):
    before = alice_client.get(f"{WEEK}.svg")["ETag"]
    make_checkin(alice, occurred_at=dt.datetime(2026, 2, 20, 9, tzinfo=dt.UTC), emotion="sad", intensity=2)

    assert alice_client.get(f"{WEEK}.svg")["ETag"] == before


# --- isolation -------------------------------------------------------------------------------------


def test_one_user_never_sees_another_users_data_in_charts(alice_week, bob, bob_client, alice_client):
    alices_etag = alice_client.get(f"{WEEK}.svg")["ETag"]
    make_checkin(bob, occurred_at=dt.datetime(2026, 3, 3, 15, tzinfo=dt.UTC), emotion="angry", intensity=9)

    bobs = bob_client.get(f"{WEEK}.svg")
    bobs_range = bob_client.get(f"{RANGE}.svg", {"from": "2026-01-01", "to": "2026-03-06"})
    alices_again = alice_client.get(f"{WEEK}.svg", HTTP_IF_NONE_MATCH=alices_etag)
    # Bob presenting alice's ETag does not get her picture confirmed.
    bob_with_alices_etag = bob_client.get(f"{WEEK}.svg", HTTP_IF_NONE_MATCH=alices_etag)

    desc = svg_root(bobs.content).find(f"{SVG}desc").text
    assert "1 check-in on 1 of 7 days" in desc
    assert "anxious" not in desc
    assert "reassurance" not in desc
    assert "1 check-in." in svg_root(bobs_range.content).find(f"{SVG}desc").text
    assert alices_again.status_code == 304  # bob's check-in did not touch alice's data
    assert bob_with_alices_etag.status_code == 200
    assert bobs["ETag"] != alices_etag


def test_the_etag_covers_the_renderer_version(alice_week, alice_client):
    before = alice_client.get(f"{WEEK}.svg")["ETag"]
    with mock.patch.object(charts, "RENDERER_VERSION", "next"):
        after = alice_client.get(f"{WEEK}.svg")["ETag"]

    assert before != after
