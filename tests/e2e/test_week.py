"""The week and the longer view in the app: the table equals the API, charts load in light and dark."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.e2e.conftest import screen, sign_in, wait_for_screen
from tests.factories import make_checkin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture
def seeded_week(dana):
    """Check-ins today, earlier this week (where the week allows) and last week."""
    now = timezone.now().astimezone(BERLIN)
    start_of_week = (now - dt.timedelta(days=now.weekday())).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    moments = [
        now - dt.timedelta(minutes=5),
        now - dt.timedelta(minutes=65),
        start_of_week,
        start_of_week - dt.timedelta(days=3),
    ]
    words = [
        ("dismissed", 7, "respect", "tight", "chest"),
        ("lonely", 5, "connection", "heavy", "chest"),
        ("calm", 3, None, None, None),
        ("hopeful", 4, "hope", "light", "whole-body"),
    ]
    for at, (emotion, intensity, need, sensation, area) in zip(moments, words, strict=True):
        make_checkin(
            dana,
            occurred_at=min(at, now - dt.timedelta(minutes=1)),
            emotion=emotion,
            intensity=intensity,
            need=need,
            sensation=sensation,
            body_area=area,
        )
    client = APIClient()
    client.force_authenticate(dana)
    return client


def image_loaded(page, selector: str) -> bool:
    return page.eval_on_selector(selector, "(img) => img.complete && img.naturalWidth > 0")


def test_the_week_table_equals_the_api_and_the_chart_loads_in_light_and_dark(app, seeded_week):
    _context, page, watch = app
    api_week = seeded_week.get("/api/trends/week").json()
    sign_in(page, "dana", "#week")
    wait_for_screen(page, "Your week")
    page.locator("table tbody tr").nth(6).wait_for()
    rows = page.locator("table tbody tr").all()
    assert len(rows) == 7
    for row, day in zip(rows, api_week["days"], strict=True):
        count, intensity, pleasantness, energy = [c.inner_text() for c in row.locator("td").all()]
        assert count == str(day["count"])
        for shown, value, digits in (
            (intensity, day["mean_intensity"], 1),
            (pleasantness, day["mean_pleasantness"], 2),
            (energy, day["mean_energy"], 2),
        ):
            if value is None:
                assert shown == "—"  # an empty day is a gap, never a 0
            else:
                assert abs(float(shown.replace("−", "-")) - value) <= 0.5 * 10**-digits + 1e-9
    text = page.locator("main").inner_text()
    for sentence in api_week["summary"]:
        assert sentence in text
    assert "dismissed" in text
    assert "When you felt dismissed, you most often needed respect" in text
    page.wait_for_function(
        "() => { const i = document.querySelector('img.chart'); return i.complete && i.naturalWidth > 0; }"
    )
    assert "theme=light" in page.eval_on_selector("img.chart", "(img) => img.currentSrc")
    page.emulate_media(color_scheme="dark")
    page.wait_for_function(
        "() => { const i = document.querySelector('img.chart'); return i.currentSrc.includes('theme=dark') && i.complete && i.naturalWidth > 0; }"
    )
    page.emulate_media(color_scheme="light")
    screen(page, "week")

    page.get_by_role("link", name="‹ Previous week").click()
    wait_for_screen(page, "That week")
    previous = seeded_week.get(f"/api/trends/week?start={api_week['previous_week']['start']}").json()
    assert page.locator("table tbody tr").first.locator("td").first.inner_text() == str(
        previous["days"][0]["count"]
    )
    page.get_by_role("link", name="Next week ›").click()
    wait_for_screen(page, "Your week")
    page.get_by_role("link", name="‹ Previous week").wait_for()
    page.get_by_role("link", name="‹ Previous week").click()
    page.get_by_role("link", name="‹ Previous week").click()
    wait_for_screen(page, "That week")
    page.locator(".empty").wait_for()  # two weeks back: nothing, said calmly
    assert "that's all right" in page.locator(".empty").inner_text()
    screen(page, "week-empty")
    watch.assert_clean()


@pytest.mark.parametrize("months", [3, 6, 12])
def test_the_longer_view_shows_the_range_chart_for_the_chosen_months(app, seeded_week, months):
    _context, page, watch = app
    sign_in(page, "dana", "#trends")
    wait_for_screen(page, "The longer view")
    page.get_by_role("button", name=f"{months} months").click()
    page.wait_for_function(
        "(m) => { const b = [...document.querySelectorAll('.segmented button')].find((x) => x.textContent === m + ' months');"
        " const i = document.querySelector('img.chart');"
        " return b && b.getAttribute('aria-pressed') === 'true' && i && i.currentSrc.includes('from=') && i.complete && i.naturalWidth > 0; }",
        arg=months,
    )
    src = page.eval_on_selector("img.chart", "(img) => img.currentSrc")
    today = timezone.now().astimezone(BERLIN).date()
    frm = dt.date.fromisoformat(src.split("from=")[1][:10])
    assert 28 * months <= (today - frm).days <= 31 * months + 1
    assert "bucket=week" in src
    page.get_by_role("button", name="By month").click()
    page.wait_for_function("() => document.querySelector('img.chart').currentSrc.includes('bucket=month')")
    assert (
        "direction" in page.locator(".card").first.inner_text()
        or "enough" in page.locator(".card").first.inner_text()
    )
    if months == 6:
        screen(page, "trends")
    watch.assert_clean()
