"""Signing in and out in the app: sign-out warns about waiting check-ins and leaves nothing on the phone."""

import pytest

from tests.e2e.conftest import open_app, quick_checkin, ready_for_offline, screen, sign_in, wait_for_screen
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEVICE_STORAGE = """async () => ({
    databases: (await indexedDB.databases()).map((d) => d.name),
    caches: await caches.keys(),
    workers: (await navigator.serviceWorker.getRegistrations()).length,
    local: localStorage.length,
})"""


def test_sign_in_with_a_wrong_password_says_so_beside_the_form_and_keeps_the_username(app, dana):
    _context, page, watch = app
    watch.allow_console("status of 400")
    open_app(page, "#signin")
    screen(page, "signin")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    error = page.locator(".form-error")
    error.wait_for()
    assert "do not match" in error.inner_text()
    assert page.get_by_label("Username").input_value() == "dana"
    watch.assert_clean()


def test_sign_out_with_a_waiting_check_in_warns_and_then_leaves_nothing_on_the_device(app, dana):
    context, page, watch = app
    watch.allow_console("net::ERR_INTERNET_DISCONNECTED")
    sign_in(page, "dana")
    ready_for_offline(page)
    context.set_offline(True)
    quick_checkin(page, "tired")
    # Back online, but the server never answers the outbox's request: the entry is still waiting.
    context.route("**/api/checkins/**", lambda route: None)  # the worker's Background Sync too
    context.set_offline(False)
    page.get_by_role("link", name="Settings").click()
    wait_for_screen(page, "Settings")
    screen(page, "settings")
    page.get_by_role("button", name="Sign out").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    assert "1 check-in has not reached the server yet" in dialog.inner_text()
    screen(page, "signout-warning")
    dialog.get_by_role("button", name="Sign out and discard").click()
    wait_for_screen(page, "Welcome back")
    storage = page.evaluate(DEVICE_STORAGE)
    assert storage == {"databases": [], "caches": [], "workers": 0, "local": 0}
    watch.allow_console("status of 401")
    assert page.evaluate("fetch('/api/me').then((r) => r.status)") == 401
    watch.assert_clean()


def test_sign_up_refuses_a_short_password_beside_the_field(app, transactional_db):
    _context, page, watch = app
    watch.allow_console("status of 400")
    open_app(page, "#signup")
    page.get_by_label("Username").fill("fern")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create my account").click()
    error = page.locator("[data-field='password'] .field-error")
    error.wait_for()
    assert "too short" in error.inner_text()
    assert page.get_by_label("Username").input_value() == "fern"
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    wait_for_screen(page, "Where are you right now?")
    watch.assert_clean()
