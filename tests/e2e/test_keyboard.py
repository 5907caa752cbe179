"""A whole check-in with the keyboard alone: the pad's two ranges, chips, the body outline, Save."""

import pytest

from tests.e2e.conftest import sign_in, wait_for_screen
from tracker.models import CheckIn

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FOCUSED = """() => {
    const el = document.activeElement;
    return (el.getAttribute('aria-label') || el.labels?.[0]?.textContent || el.textContent || '').trim();
}"""


def tab_to(page, name: str, *, exact: bool = False, limit: int = 120) -> None:
    """Press Tab until the focused control's accessible name is (or starts with) `name`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused == name or (not exact and focused.startswith(name)):
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_a_check_in_done_with_the_keyboard_alone(app, dana):
    _context, page, watch = app
    sign_in(page, "dana")
    page.keyboard.press("End")
    tab_to(page, "Check in", exact=True)
    page.keyboard.press("Enter")
    wait_for_screen(page, "Where are you right now?")

    tab_to(page, "Pleasantness")
    for _ in range(7):
        page.keyboard.press("ArrowLeft")
    tab_to(page, "Energy")
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    assert page.get_by_label("Pleasantness").get_attribute("aria-valuetext") == "quite unpleasant"
    page.get_by_role("heading", name="Words near").wait_for()
    tab_to(page, "anxious")
    page.keyboard.press("Enter")

    wait_for_screen(page, "The word")
    tab_to(page, "How strong")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    tab_to(page, "Next", exact=True)
    page.keyboard.press("Enter")
    wait_for_screen(page, "Take a breath")
    tab_to(page, "Skip", exact=True)
    page.keyboard.press("Enter")

    wait_for_screen(page, "What did you need?")
    tab_to(page, "Find a need")
    page.keyboard.type("safety")
    tab_to(page, "safety", exact=True)
    page.keyboard.press("Enter")
    tab_to(page, "Next", exact=True)
    page.keyboard.press("Enter")
    wait_for_screen(page, "What would help?")
    tab_to(page, "Next", exact=True)
    page.keyboard.press("Enter")

    wait_for_screen(page, "Where do you feel it?")
    tab_to(page, "stomach", exact=True)  # the region on the outline
    page.keyboard.press("Enter")
    tab_to(page, "churning", exact=True)
    page.keyboard.press(" ")
    tab_to(page, "Save", exact=True)
    page.keyboard.press("Enter")

    wait_for_screen(page, "Today")
    page.locator(".history .entry").first.wait_for()
    row = CheckIn.objects.select_related("emotion", "need", "body_area", "sensation").get(
        user__username="dana"
    )
    assert (row.emotion.slug, row.intensity, row.need.slug) == ("anxious", 7, "safety")
    assert (row.body_area.slug, row.sensation.slug) == ("stomach", "churning")
    watch.assert_clean()


# Holds the page's requests for the history until released, in the page itself: page.route let one
# through under load (most likely made by the service worker, which page.route does not see).
HOLD_HISTORY = """() => {
    window.heldHistory = [];
    const fetchNow = window.fetch;
    window.fetch = (input, init) => String(input.url || input).includes("/api/checkins/?")
        ? new Promise((resolve) => window.heldHistory.push(() => resolve(fetchNow(input, init))))
        : fetchNow(input, init);
}"""


def test_focus_stays_where_a_person_moved_it_while_the_screen_was_still_loading(app, dana):
    _context, page, watch = app
    sign_in(page, "dana")
    page.wait_for_function("() => document.title.startsWith('Today')")  # its history came
    page.evaluate("() => { location.hash = '#support'; }")
    page.wait_for_function("() => !document.title.startsWith('Today')")
    page.evaluate(HOLD_HISTORY)
    page.evaluate("() => { location.hash = '#today'; }")
    page.get_by_role("heading", level=1, name="Today").wait_for()
    page.locator("main").get_by_role("link", name="Check in", exact=True).focus()  # not the tab bar's
    page.wait_for_function("() => window.heldHistory.length > 0")  # asked for after the phone's outbox
    assert not page.evaluate("() => document.title").startswith("Today")  # Today is still loading

    page.evaluate("() => window.heldHistory.forEach((release) => release())")
    page.wait_for_function("() => document.title.startsWith('Today')")  # the router is done

    assert page.evaluate(FOCUSED) == "Check in"
    assert page.evaluate("() => document.activeElement.closest('main') !== null")
    page.keyboard.press("Enter")
    wait_for_screen(page, "Where are you right now?")
    watch.assert_clean()
