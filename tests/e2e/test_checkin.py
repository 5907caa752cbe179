"""The check-in, end to end in a phone-sized Chromium: sign up, every step, history, the database row."""

import datetime as dt

import pytest

from tests.e2e.conftest import open_app, screen, sign_in, wait_for_screen, wait_until
from tests.factories import PASSWORD
from tracker.models import CheckIn

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sign_up_then_a_full_check_in_through_every_step_lands_in_history_and_the_database(app):
    _context, page, watch = app
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
    page.get_by_role("button", name="Next", exact=True).click()
    wait_for_screen(page, "Take a breath")  # the naming question, skippable
    page.get_by_role("button", name="Skip").click()

    wait_for_screen(page, "What did you need?")
    page.get_by_label("Find a need").fill("respect")
    page.locator(".need-chips").get_by_role("button", name="respect", exact=True).first.click()
    screen(page, "checkin-3-need")
    page.get_by_role("button", name="Next").click()
    wait_for_screen(page, "What would help?")
    page.get_by_role("button", name="Next", exact=True).click()

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
    assert "humiliated" in text
    assert "7 · strong" in text
    assert "needed respect" in text
    assert "tight in the chest" in text
    assert "00:05" in text
    screen(page, "today")

    row = CheckIn.objects.select_related("emotion", "need", "sensation", "body_area").get(
        user__username="erin"
    )
    assert (row.emotion.slug, row.intensity, row.need.slug) == ("humiliated", 7, "respect")
    assert (row.body_area.slug, row.sensation.slug) == ("chest", "tight")
    assert row.note == "At the meeting, in front of everyone."
    assert row.context == ["work"]
    berlin = row.occurred_at.astimezone(dt.timezone(dt.timedelta(hours=1)))  # December: CET
    assert (berlin.hour, berlin.minute) == (0, 5)
    assert row.source == "app"
    watch.assert_clean()


def test_abandoned_offers_its_feelings_and_needs_and_picking_one_of_each_sets_both(app, dana, live_server):
    _context, page, watch = app
    sign_in(page, "dana", "#checkin")
    page.get_by_label("Find a word").fill("abandoned")
    page.get_by_role("button", name="abandoned").click()
    wait_for_screen(page, "The word")
    bridge = page.locator(".bridge")
    assert "lonely" in bridge.inner_text()
    assert "reassurance" in bridge.inner_text()
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


def test_a_draft_survives_a_reload_and_is_gone_after_saving(app, dana):
    _context, page, watch = app
    sign_in(page, "dana", "#checkin")
    page.get_by_label("Find a word").fill("disappointed")
    page.get_by_role("button", name="disappointed", exact=True).click()
    page.get_by_label("How strong is it?").fill("8")
    page.get_by_role("button", name="Next", exact=True).click()
    wait_for_screen(page, "Take a breath")
    page.get_by_role("button", name="Skip").click()
    wait_for_screen(page, "What did you need?")
    page.wait_for_timeout(400)  # the draft is written a moment after each change
    page.reload()
    wait_for_screen(page, "What did you need?")  # back where the person was, on the same word
    page.get_by_role("button", name="Back").click()
    wait_for_screen(page, "The word")
    assert page.locator(".word-card .word").inner_text() == "disappointed"
    assert page.get_by_label("How strong is it?").input_value() == "8"
    page.get_by_role("button", name="Save").click()
    wait_for_screen(page, "Today")
    # Unpleasant and intense: a quiet card points to support, and can be dismissed.
    card = page.get_by_role("complementary", name="Support")
    assert "support is here" in card.inner_text()
    card.get_by_role("button", name="Dismiss").click()
    page.get_by_role("link", name="Check in").first.click()
    wait_for_screen(page, "Where are you right now?")
    assert page.get_by_label("Find a word").input_value() == ""
    assert wait_until(lambda: CheckIn.objects.filter(user=dana, intensity=8).exists())
    watch.assert_clean()


def test_a_word_of_ones_own_is_added_inline_online_and_explained_offline(app, dana):
    context, page, watch = app
    watch.allow_console("net::ERR_INTERNET_DISCONNECTED")
    sign_in(page, "dana", "#checkin")
    page.get_by_label("Find a word").fill("floaty")
    page.get_by_role("heading", name="Add your own word").wait_for()
    page.get_by_label("What it means to you (optional)").fill("Light and a bit unreal")
    page.get_by_role("button", name="Add “floaty”").click()
    wait_for_screen(page, "The word")
    assert page.locator(".word-card .word").inner_text() == "floaty"
    page.get_by_role("button", name="Save").click()
    wait_for_screen(page, "Today")
    assert wait_until(lambda: CheckIn.objects.filter(user=dana).exists())
    row = CheckIn.objects.select_related("emotion").get(user=dana)
    assert (row.emotion.slug, row.emotion.owner_id, row.emotion.definition) == (
        "floaty",
        dana.pk,
        "Light and a bit unreal",
    )

    context.set_offline(True)
    page.get_by_role("link", name="Check in").first.click()
    page.get_by_label("Find a word").fill("glimmery")
    assert "needs a connection" in page.locator(".card", has_text="Add your own word").inner_text()
    assert page.get_by_role("button", name="Add “glimmery”").is_disabled()
    context.set_offline(False)
    watch.assert_clean()
