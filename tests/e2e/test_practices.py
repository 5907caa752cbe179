"""The healing practices in the app: naming it, what would help, a kinder line, the self-compassion
card, boundaries shown beside the need they protect, a small step shown back the next week, and the
switches in Settings that turn the prompts off."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from tests.e2e.conftest import OUTBOX_EMPTY, screen, sign_in, wait_for_screen, wait_js, wait_until
from tracker.models import CheckIn, Intention, Profile

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def find_word(page, word: str) -> None:
    page.get_by_role("link", name="Check in").first.click()
    wait_for_screen(page, "Where are you right now?")
    page.get_by_label("Find a word").fill(word)
    page.get_by_role("button", name=word, exact=True).click()
    wait_for_screen(page, "The word")


def pick_need(page, need: str) -> None:
    page.get_by_label("Find a need").fill(need)
    page.locator(".need-chips").get_by_role("button", name=need, exact=True).first.click()


def test_naming_what_would_help_and_a_kinder_line_reach_the_history(app, dana):
    _context, page, watch = app
    sign_in(page, "dana")
    find_word(page, "worthless")
    page.get_by_label("How strong is it?").fill("8")
    page.get_by_role("button", name="Next", exact=True).click()

    wait_for_screen(page, "Take a breath")
    page.get_by_label("How strong is it now that you've named it?").fill("5")
    screen(page, "practices-1-naming")
    page.get_by_role("button", name="Next", exact=True).click()

    # "worthless" judges oneself: a kinder line is offered, with examples that fill nothing in.
    wait_for_screen(page, "A kinder line")
    page.get_by_text("Examples of kinder lines").click()
    assert page.get_by_label("A kinder line (optional)").input_value() == ""
    page.get_by_label("The harsh line (optional)").fill("I'm too much for people.")
    page.get_by_label("A kinder line (optional)").fill("My needs are real, and they matter.")
    screen(page, "practices-2-kind-line")
    page.get_by_role("button", name="Next", exact=True).click()

    wait_for_screen(page, "What did you need?")
    pick_need(page, "acceptance")
    page.get_by_role("button", name="Next", exact=True).click()
    wait_for_screen(page, "What would help?")
    page.get_by_role("list", name="What would help").get_by_role("button", name="reassurance").click()
    assert page.locator(".checkin .definition").inner_text().strip() != ""  # its one line
    screen(page, "practices-3-help")
    page.get_by_role("button", name="Save").click()

    wait_for_screen(page, "Today")
    wait_js(page, OUTBOX_EMPTY)
    row = wait_until(lambda: CheckIn.objects.filter(user=dana).select_related("would_help").first())
    assert (row.intensity, row.intensity_after, row.would_help.slug) == (8, 5, "reassurance")
    assert (row.harsh_line, row.kind_line) == (
        "I'm too much for people.",
        "My needs are real, and they matter.",
    )

    entry = page.locator(".history .entry").first
    entry.wait_for()
    meta = entry.inner_text()
    assert "once named" in meta
    assert "would help: reassurance" in meta
    assert "Kinder line: My needs are real, and they matter." in meta

    # Unpleasant: one self-compassion card with its three parts, words for a need of connection.
    card = page.get_by_role("complementary", name="A moment of kindness")
    assert card.locator("h3").all_text_contents() == ["Kindness", "You're not alone", "Just this moment"]
    assert all(p.strip() for p in card.locator(".compassion-part p").all_inner_texts())
    screen(page, "practices-4-today")
    card.get_by_role("button", name="Thank you").click()
    card.wait_for(state="detached")

    # Chosen by the need's category, and never the same words twice in a row.
    shown = page.evaluate(
        """async () => {
          const { offerCompassion, pendingCompassion } = await import('/static/frontend/js/compassion.js');
          const v = await (await import('/static/frontend/js/vocabulary.js')).vocabulary();
          const texts = [];
          for (let i = 0; i < 12; i++) {
            await offerCompassion(v, { emotion: 'worthless', need: 'acceptance' });
            texts.push((await pendingCompassion()).kindness);
          }
          return { texts, connection: v.self_compassion.connection.map((c) => c.kindness) };
        }"""
    )
    assert all(text in shown["connection"] for text in shown["texts"])
    assert all(a != b for a, b in zip(shown["texts"], shown["texts"][1:], strict=False))

    entry.click()
    wait_for_screen(page, "worthless")
    details = page.locator("main").inner_text()
    assert "Would help" in details
    assert "reassurance" in details
    assert "I'm too much for people." in details
    assert "My needs are real, and they matter." in details
    screen(page, "practices-5-entry")

    page.get_by_role("link", name="Week").click()
    wait_for_screen(page, "Your week")
    page.get_by_role("heading", name="What would have helped").wait_for()
    assert "reassurance, once" in page.locator("main").inner_text()
    screen(page, "practices-5-week")
    watch.assert_clean()


def test_a_boundary_shows_when_a_later_check_in_names_its_need(app, dana):
    _context, page, watch = app
    sign_in(page, "dana", "#settings")
    page.get_by_role("link", name="Your boundaries").click()
    wait_for_screen(page, "Your boundaries")
    screen(page, "practices-6-boundaries-empty")
    page.get_by_role("button", name="Write a boundary").click()
    page.get_by_label("What I will and won't accept").fill(
        "I won't keep talking when I'm interrupted again and again."
    )
    page.get_by_label("Find a need to link").fill("to be heard")
    page.get_by_role("list", name="Matching needs").get_by_role("button", name="to be heard").click()
    page.get_by_role("list", name="Needs it protects").get_by_role("button", name="to be heard").wait_for()
    page.get_by_role("button", name="Save boundary").click()
    page.get_by_text("Protects: to be heard").wait_for()
    screen(page, "practices-7-boundaries")

    find_word(page, "frustrated")
    page.get_by_role("button", name="Next", exact=True).click()
    wait_for_screen(page, "Take a breath")
    page.get_by_role("button", name="Skip").click()
    wait_for_screen(page, "What did you need?")
    note = page.get_by_role("complementary", name="Your boundary")
    assert note.count() == 0  # nothing until a need it protects is named
    pick_need(page, "to be heard")
    note.wait_for()
    assert "interrupted again and again" in note.inner_text()
    screen(page, "practices-8-boundary-in-checkin")
    page.get_by_role("button", name="Save").click()
    wait_for_screen(page, "Today")
    wait_js(page, OUTBOX_EMPTY)
    page.locator(".history .entry").first.click()
    page.get_by_role("complementary", name="Your boundary").wait_for()
    watch.assert_clean()


def test_a_small_step_written_one_week_is_shown_back_the_next(app, dana):
    _context, page, watch = app
    today = timezone.now().astimezone(BERLIN).date()
    this_week = today - dt.timedelta(days=today.weekday())
    last_week = this_week - dt.timedelta(days=7)
    sign_in(page, "dana", f"#week/{last_week.isoformat()}")
    wait_for_screen(page, "That week")
    page.get_by_label("Something small you'd like to try").fill("Ask for ten quiet minutes after work")
    page.get_by_role("button", name="Keep it").click()
    wait_until(lambda: Intention.objects.filter(user=dana, week_start=last_week).exists())

    page.get_by_role("link", name="Next week ›").click()
    wait_for_screen(page, "Your week")
    back = page.get_by_role("complementary", name="Last week's small step")
    back.wait_for()
    assert "Ask for ten quiet minutes after work" in back.inner_text()
    assert page.locator("main input[type=checkbox]").count() == 0  # no tick box, no streak
    screen(page, "practices-9-week")
    watch.assert_clean()


def test_prompts_switched_off_no_longer_appear(app, dana):
    _context, page, watch = app
    sign_in(page, "dana", "#settings")
    group = page.get_by_role("group", name="Gentle prompts")
    for label in [
        "Ask how strong it is once I've named it",
        "Offer a kinder line when a word is harsh about me",
        "Show a self-compassion card after a hard moment",
    ]:
        box = group.get_by_label(label)
        assert box.is_checked()
        box.uncheck()
        page.wait_for_function("(el) => !el.disabled", arg=box.element_handle())
    screen(page, "practices-10-settings")
    profile = wait_until(
        lambda: Profile.objects.filter(
            user=dana, prompt_naming=False, prompt_kind_line=False, prompt_self_compassion=False
        ).first()
    )
    assert profile is not None

    find_word(page, "worthless")
    page.get_by_role("button", name="Next", exact=True).click()
    wait_for_screen(page, "What did you need?")  # no naming question, no kinder line
    page.get_by_role("button", name="Next", exact=True).click()
    wait_for_screen(page, "What would help?")
    page.get_by_role("button", name="Next", exact=True).click()
    wait_for_screen(page, "Where do you feel it?")
    page.get_by_role("button", name="Next", exact=True).click()
    wait_for_screen(page, "Anything to add?")
    assert page.get_by_text("A kinder line (optional)").count() == 0
    page.get_by_role("button", name="Save").click()
    wait_for_screen(page, "Today")
    page.locator(".history .entry").first.wait_for()
    assert page.get_by_role("complementary", name="A moment of kindness").count() == 0

    # Back on after a reload, from the server: the switches live in the profile.
    page.reload()
    wait_for_screen(page, "Today")
    page.evaluate("location.hash = '#settings'")
    wait_for_screen(page, "Settings")
    assert (
        not page.get_by_role("group", name="Gentle prompts")
        .get_by_label("Ask how strong it is once I've named it")
        .is_checked()
    )
    watch.assert_clean()
