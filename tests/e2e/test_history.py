"""History in the app: open a check-in, edit it, delete it; filters; the calm pages (privacy, support)."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.e2e.conftest import OUTBOX_EMPTY, open_app, screen, sign_in, wait_for_screen, wait_js
from tests.factories import make_checkin
from tracker.models import CheckIn

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_check_in_opens_and_can_be_edited_and_deleted(app, dana):
    _context, page, watch = app
    now = timezone.now()
    make_checkin(dana, occurred_at=now - dt.timedelta(days=1, hours=1), emotion="hopeful", intensity=4)
    target = make_checkin(
        dana,
        occurred_at=now - dt.timedelta(hours=1),
        emotion="dismissed",
        intensity=6,
        need="to-be-heard",
        sensation="heavy",
        body_area="chest",
        note="Line one.\nLine two.",
    )
    sign_in(page, "dana")
    page.locator(".day h2", has_text="Yesterday").wait_for()
    screen(page, "history")
    page.locator(".history .entry", has_text="dismissed").click()
    wait_for_screen(page, "dismissed")
    text = page.locator("main").inner_text()
    assert "6 · moderate" in text
    assert "to be heard" in text
    assert "heavy in the chest" in text
    assert "Line two." in text
    screen(page, "entry")

    page.get_by_role("link", name="Edit").click()
    wait_for_screen(page, "Edit this check-in")
    page.get_by_role("button", name="Back to your word").click()
    page.get_by_label("How strong is it?").fill("3")
    page.get_by_role("button", name="Save").click()
    wait_for_screen(page, "Today")
    page.locator(".history .entry", has_text="3 · mild").wait_for()
    wait_js(page, OUTBOX_EMPTY)
    # Never shown twice: while the edit waits on the phone, the server's older copy is hidden.
    assert page.locator("main .entry:visible", has_text="dismissed").count() == 1
    target.refresh_from_db()
    assert (target.intensity, target.need.slug, target.note) == (3, "to-be-heard", "Line one.\nLine two.")
    assert CheckIn.objects.filter(user=dana).count() == 2

    page.locator(".history .entry", has_text="dismissed").click()
    page.get_by_role("button", name="Delete").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    wait_for_screen(page, "Today")
    assert list(CheckIn.objects.filter(user=dana).values_list("emotion__slug", flat=True)) == ["hopeful"]

    page.get_by_text("Filter by feeling or need").click()
    page.get_by_label("Feeling").select_option("calm")
    page.get_by_text("No check-ins match these filters.").wait_for()
    page.get_by_label("Feeling").select_option("hopeful")
    page.locator(".history .entry", has_text="hopeful").wait_for()
    watch.assert_clean()


def test_the_privacy_and_support_pages_are_calm_and_open_without_an_account(app, transactional_db):
    _context, page, watch = app
    open_app(page, "#privacy")
    wait_for_screen(page, "Your privacy")
    assert "Nothing goes to anyone else" in page.locator("main").inner_text()
    screen(page, "privacy")
    open_app(page, "#support")
    wait_for_screen(page, "If it feels like too much")
    text = page.locator("main").inner_text()
    assert text.index("emergency number") < text.index("Helplines")
    screen(page, "support")
    watch.assert_clean()


def test_history_loads_more_as_the_person_scrolls(app, dana):
    _context, page, watch = app
    now = timezone.now()
    for i in range(45):
        make_checkin(dana, occurred_at=now - dt.timedelta(hours=3 * i + 1), emotion="calm", intensity=i % 11)
    sign_in(page, "dana")
    page.locator(".history .entry").nth(29).wait_for()
    assert page.locator(".history .entry").count() == 30
    page.mouse.wheel(0, 20000)
    page.locator(".history .entry").nth(44).wait_for()
    assert page.locator(".history .entry").count() == 45
    watch.assert_clean()
