"""Reminders in the app: schedules on the server, pause and resume, notifications on this phone (with a
stubbed PushManager.subscribe), a test reminder through a push service on 127.0.0.1, and a push shown by
the service worker with the generic text only."""

import json
import tempfile

import pytest

from tests.e2e.conftest import (
    CHROME_ARGS,
    CHROMIUM,
    PHONE,
    Watcher,
    screen,
    service_worker_ready,
    sign_in,
    wait_for_screen,
    wait_js,
)
from tests.factories import make_checkin
from tests.reminder_kit import Browser, FakePushService
from tracker import push
from tracker.models import Profile, PushSubscription, Reminder

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# pushManager.subscribe() never resolves without a reachable push service: stand in for it.
STUB_SUBSCRIBE = """
(() => {
  const fake = %s;
  let current = null;
  PushManager.prototype.subscribe = async function () {
    current = { endpoint: fake.endpoint, keys: fake.keys, toJSON() { return { endpoint: fake.endpoint, expirationTime: null, keys: fake.keys }; },
                unsubscribe: async () => { current = null; return true; } };
    return current;
  };
  PushManager.prototype.getSubscription = async function () { return current; };
})();
"""


@pytest.fixture
def push_service(settings, tmp_path):
    settings.PUSH_ALLOW_INSECURE_ENDPOINTS = True
    settings.VAPID_PRIVATE_KEY_FILE = tmp_path / "vapid.pem"
    with FakePushService() as service:
        yield service


def test_a_weekday_reminder_made_in_the_app_is_on_the_server_and_pausing_works(app, dana):
    _context, page, watch = app
    sign_in(page, "dana", "#reminders")
    wait_for_screen(page, "Reminders")
    page.get_by_role("button", name="Add a reminder").click()
    page.get_by_label("Time").fill("08:00")
    page.get_by_role("button", name="Weekdays").click()
    page.get_by_label("Label (optional)").fill("before work")
    screen(page, "reminder-edit")
    page.get_by_role("button", name="Save reminder").click()
    page.locator(".reminder", has_text="08:00").wait_for()
    reminder = Reminder.objects.get(user=dana)
    assert (reminder.time.strftime("%H:%M"), reminder.days, reminder.label) == (
        "08:00",
        ["mon", "tue", "wed", "thu", "fri"],
        "before work",
    )
    assert "Weekdays" in page.locator(".reminder").inner_text()
    screen(page, "reminders")

    page.get_by_role("button", name="Pause reminders").click()
    page.get_by_role("button", name="Resume now").wait_for()
    assert Profile.objects.get(user=dana).paused_until is not None
    page.get_by_role("button", name="Resume now").click()
    page.get_by_role("button", name="Pause reminders").wait_for()
    assert Profile.objects.get(user=dana).paused_until is None

    page.get_by_role("button", name="Edit reminder at 08:00").click()
    page.get_by_label("Sat").check()
    page.get_by_role("button", name="Save reminder").click()
    page.locator(".reminder", has_text="Mon, Tue, Wed, Thu, Fri, Sat").wait_for()
    assert Reminder.objects.get(user=dana).days == ["mon", "tue", "wed", "thu", "fri", "sat"]
    watch.assert_clean()


def test_turning_notifications_on_registers_this_phone_and_a_test_reminder_arrives(
    app, dana, live_server, push_service
):
    context, page, watch = app
    phone = Browser()
    fake = {"endpoint": push_service.endpoint("phone"), "keys": {"p256dh": phone.p256dh, "auth": phone.auth}}
    context.add_init_script(STUB_SUBSCRIBE % json.dumps(fake))
    context.grant_permissions(["notifications"], origin=live_server.url)
    watch.allow_console("status of 429")
    sign_in(page, "dana", "#reminders")
    service_worker_ready(page)
    page.get_by_role("button", name="Turn on notifications on this phone").click()
    page.get_by_role("button", name="Send a test reminder").wait_for()
    assert list(PushSubscription.objects.filter(user=dana).values_list("endpoint", flat=True)) == [
        fake["endpoint"]
    ]
    screen(page, "reminders-push-on")

    page.get_by_role("button", name="Send a test reminder").click()
    page.get_by_text("A test reminder is on its way.").wait_for()
    [received] = push_service.requests_to("phone")
    assert json.loads(phone.decrypt(received.body)) == push.NOTIFICATION
    for _ in range(push.TEST_PUSHES_PER_MINUTE - 1):
        page.get_by_role("button", name="Send a test reminder").click()
    page.get_by_role("button", name="Send a test reminder").click()
    page.get_by_text("Please wait a minute").wait_for()
    assert len(push_service.requests_to("phone")) == push.TEST_PUSHES_PER_MINUTE

    page.get_by_role("button", name="Turn off on this phone").click()
    page.get_by_role("button", name="Turn on notifications on this phone").wait_for()
    assert not PushSubscription.objects.filter(user=dana).exists()
    watch.assert_clean()


def test_a_browser_without_push_is_told_plainly_and_offered_the_calendar_feed(app, dana):
    context, page, watch = app
    context.add_init_script("delete window.PushManager;")
    sign_in(page, "dana", "#reminders")
    wait_for_screen(page, "Reminders")
    text = page.locator("main").inner_text()
    assert "can't show notifications" in text
    assert "calendar" in text
    link = page.get_by_label("Your private calendar link").input_value()
    assert link.startswith("http")
    assert "/api/reminders.ics?token=" in link
    page.get_by_role("button", name="Make a new link").click()
    page.get_by_role("dialog").get_by_role("button", name="Make a new link").click()
    page.wait_for_function("(old) => document.querySelector('[name=calendar_url]').value !== old", arg=link)
    assert Profile.objects.get(user=dana).calendar_token not in link
    screen(page, "reminders-no-push")
    watch.assert_clean()


def test_a_push_to_the_service_worker_shows_the_generic_notification_without_any_feeling(
    playwright, live_server, dana
):
    make_checkin(dana, emotion="humiliated", need="respect", note="sentinel-note-7f3a")
    with tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROME_ARGS, base_url=live_server.url, **PHONE
        )
        try:
            context.grant_permissions(["notifications"], origin=live_server.url)
            page = context.pages[0] if context.pages else context.new_page()
            watch = Watcher(page, live_server.url)
            cdp = context.new_cdp_session(page)
            registrations = []
            cdp.on(
                "ServiceWorker.workerRegistrationUpdated", lambda e: registrations.extend(e["registrations"])
            )
            cdp.send("ServiceWorker.enable")
            sign_in(page, "dana")
            service_worker_ready(page)
            page.wait_for_timeout(200)
            # CDP's deliverPushMessage is fire-and-forget: on a loaded 2-core machine a push sent while the
            # worker is being started or replaced was lost (three suite runs, with waits of up to 30 s). So it is
            # sent to the newest live registration of the scope, and sent again when nothing shows; the
            # notification's tag makes a second copy replace the first, never add to it.
            for _attempt in range(4):
                registration = [
                    r
                    for r in registrations
                    if r["scopeURL"].startswith(live_server.url) and not r.get("isDeleted")
                ][-1]
                cdp.send(
                    "ServiceWorker.deliverPushMessage",
                    {
                        "origin": live_server.url,
                        "registrationId": registration["registrationId"],
                        "data": push.PAYLOAD,
                    },
                )
                try:
                    wait_js(
                        page,
                        "async () => (await (await navigator.serviceWorker.ready).getNotifications()).length > 0",
                        timeout=8,
                    )
                    break
                except AssertionError:
                    continue
            else:
                raise AssertionError("no notification after four pushes")
            shown = page.evaluate(
                "async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({title: n.title, body: n.body, tag: n.tag, data: n.data}))"
            )
            assert shown == [
                {
                    "title": "Attune",
                    "body": "Time for a gentle check-in",
                    "tag": "attune-reminder",
                    "data": {"url": "/#checkin"},
                }
            ]
            assert not any(
                word in json.dumps(shown) for word in ("humiliated", "respect", "sentinel-note-7f3a")
            )
            watch.assert_clean()
        finally:
            context.close()
