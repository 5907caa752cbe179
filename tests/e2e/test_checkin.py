"""The check-in, end to end in a phone-sized Chromium: sign up, every step, history, the database row."""

import datetime as dt

import pytest

from tests.e2e.conftest import open_app, screen, sign_in, wait_for_screen
from tests.factories import PASSWORD
from tracker.models import CheckIn

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sign_up_then_a_full_check_in_through_every_step_lands_in_history_and_the_database(app):
    context, page, watch = app
    open_app(page, "#signup")
    wait_for_screen(page, "Create your account")
    assert page.get_by_label("Time zone").input_value() == "Europe/Berlin"  # detected from the phone
    screen(page, "signup")
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    wait_for_screen(page, "Where are you right now?")
    screen(page, "checkin-1-pad")
    pad = page.locator(".pad")
    box = pad.bounding_box()
    pad.click(position={"x": box["width"] * 0.12, "y": box["height"] * 0.8})  # unpleasant, low energy
    page.get_by_role("heading", name="Words near").wait_for()
    page.locator(".where-words .chip").first.wait_for()
    screen(page, "checkin-1-words")
    page.get_by_label("Find a word").fill("hum")
    page.get_by_role("button", name="humiliated").click()

    wait_for_screen(page, "The word")
    assert page.locator(".word-card .definition").inner_text().strip() != ""
    page.get_by_label("How strong is it?").fill("7")
    screen(page, "checkin-2-word")
    page.get_by_role("button", name="Next: the need").click()

    wait_for_screen(page, "What did you need?")
    page.get_by_label("Find a need").fill("respect")
    page.locator(".need-chips").get_by_role("button", name="respect", exact=True).first.click()
    screen(page, "checkin-3-need")
    page.get_by_role("button", name="Next").click()

    wait_for_screen(page, "Where do you feel it?")
    page.locator(".body-figure [data-area='chest']").click()
    page.get_by_role("list", name="Sensations").get_by_role("button", name="tight").click()
    screen(page, "checkin-4-body")
    page.get_by_role("button", name="Next").click()

    wait_for_screen(page, "Anything to add?")
    page.get_by_label("Note (optional)").fill("At the meeting, in front of everyone.")
    page.get_by_label("Who or where (optional)").fill("work")
    page.keyboard.press("Enter")
    page.get_by_label("Earlier today").check()
    page.get_by_label("Time").fill("00:05")
    screen(page, "checkin-5-note")
    page.get_by_role("button", name="Save").click()

    wait_for_screen(page, "Today")
    entry = page.locator(".history .entry").first
    entry.wait_for()
    text = entry.inner_text()
    assert "humiliated" in text and "7 · strong" in text and "needed respect" in text
    assert "tight in the chest" in text and "00:05" in text
    screen(page, "today")

    row = CheckIn.objects.select_related("emotion", "need", "sensation", "body_area").get(
        user__username="erin"
    )
    assert (row.emotion.slug, row.intensity, row.need.slug) == ("humiliated", 7, "respect")
    assert (row.body_area.slug, row.sensation.slug) == ("chest", "tight")
    assert row.note == "At the meeting, in front of everyone." and row.context == ["work"]
    berlin = row.occurred_at.astimezone(dt.timezone(dt.timedelta(hours=1)))  # December: CET
    assert (berlin.hour, berlin.minute) == (0, 5) and row.source == "app"
    watch.assert_clean()


def test_abandoned_offers_its_feelings_and_needs_and_picking_one_of_each_sets_both(app, dana, live_server):
    context, page, watch = app
    sign_in(page, "dana", "#checkin")
    page.get_by_label("Find a word").fill("abandoned")
    page.get_by_role("button", name="abandoned").click()
    wait_for_screen(page, "The word")
    bridge = page.locator(".bridge")
    assert "lonely" in bridge.inner_text() and "reassurance" in bridge.inner_text()
    screen(page, "checkin-bridge")
    bridge.get_by_role("list", name="Feelings underneath").get_by_role("button", name="lonely").click()
    bridge.get_by_role("list", name="Needs underneath").get_by_role("button", name="reassurance").click()
    assert page.locator(".word-card .word").inner_text() == "lonely"
    page.get_by_role("button", name="Save").click()
    wait_for_screen(page, "Today")
    page.locator(".history .entry").first.wait_for()
    row = CheckIn.objects.get(user__username="dana")
    assert (row.emotion.slug, row.need.slug) == ("lonely", "reassurance")
    watch.assert_clean()
