"""Offline check-ins are never lost: saved on the phone, sent once, refused ones kept with their reason."""

import pytest

from tests.e2e.conftest import (
    OUTBOX_EMPTY,
    outbox,
    quick_checkin,
    ready_for_offline,
    screen,
    sign_in,
    wait_js,
    wait_until,
)
from tests.factories import PASSWORD
from tracker.models import CheckIn, Session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def rows(username="dana"):
    return CheckIn.objects.filter(user__username=username).count()


def will_be_refused(page, emotion: str) -> None:
    """As if the word had gone from the server meanwhile: the server will refuse this waiting entry."""
    page.evaluate(
        """async (emotion) => {
            const {outboxStore} = await import('/static/frontend/js/db.js');
            const entry = (await outboxStore.all()).find((e) => e.body.emotion === emotion);
            entry.body.emotion = 'a-word-nobody-has';
            await outboxStore.put(entry);
        }""",
        emotion,
    )


def test_offline_reload_works_and_three_check_ins_sync_exactly_once(app, dana):
    context, page, watch = app
    watch.allow_console("net::ERR_INTERNET_DISCONNECTED")
    sign_in(page, "dana")
    ready_for_offline(page)

    context.set_offline(True)
    page.reload()
    page.get_by_role("heading", level=1, name="Today").wait_for()
    for word in ("tired", "calm", "lonely"):
        quick_checkin(page, word)
    waiting = page.locator(".entry", has_text="Waiting to sync")
    waiting.nth(2).wait_for()
    assert waiting.count() == 3
    assert rows() == 0
    assert page.locator("#sync-status").inner_text() == "Saved on this phone"
    screen(page, "today-offline")
    sent_before = outbox(page)

    context.set_offline(False)
    assert wait_until(lambda: rows() == 3)
    wait_js(page, OUTBOX_EMPTY)
    page.locator(".history .entry").nth(2).wait_for()
    assert page.locator(".entry", has_text="Waiting to sync").count() == 0

    # The same entries sent again (a retry after a lost response): still three rows.
    page.evaluate(
        """async (entries) => {
            const m = await import('/static/frontend/js/outbox.js');
            for (const e of entries) await m.enqueue({user: e.user, id: e.id, body: e.body});
            await m.flush();
        }""",
        sent_before,
    )
    assert outbox(page) == []
    assert rows() == 3
    assert sorted(str(i) for i in CheckIn.objects.values_list("uuid", flat=True)) == sorted(
        e["id"] for e in sent_before
    )
    caches = page.evaluate(
        "async () => { const out = []; for (const k of await caches.keys()) { for (const r of await (await caches.open(k)).keys()) out.push(r.url); } return out; }"
    )
    assert caches
    assert not [url for url in caches if "/api/" in url]
    watch.assert_clean()


def test_a_refused_entry_shows_its_reason_and_stays_while_the_others_sync(app, dana):
    context, page, watch = app
    watch.allow_console("status of 400")
    watch.allow_console("net::ERR_INTERNET_DISCONNECTED")
    sign_in(page, "dana")
    ready_for_offline(page)
    context.set_offline(True)
    for word in ("tired", "calm", "hopeful"):
        quick_checkin(page, word)
    will_be_refused(page, "calm")
    context.set_offline(False)
    assert wait_until(lambda: rows() == 2)
    refused = page.locator(".card-attention", has_text="could not save")
    refused.wait_for()
    assert "a-word-nobody-has" in refused.inner_text()
    wait_js(
        page, "async () => (await (await import('/static/frontend/js/db.js')).outboxStore.all()).length === 1"
    )
    assert [e["body"]["emotion"] for e in outbox(page)] == ["a-word-nobody-has"]
    assert outbox(page)[0]["refused"]["status"] == 400
    screen(page, "today-refused")
    page.get_by_role("button", name="Discard").click()
    wait_js(page, OUTBOX_EMPTY)
    assert rows() == 2
    watch.assert_clean()


FLUSH_IN_BACKGROUND = """async () => {
    const {flushInBackground} = await import('/static/frontend/js/outbox.js');
    try {
        const {sent, refused, waiting} = await flushInBackground();
        return {outcome: 'done', sent, refused, waiting};
    } catch (error) {
        return {outcome: 'retry later', message: error.message};
    }
}"""


def test_background_sync_asks_the_browser_to_retry_while_check_ins_wait_but_not_for_a_refused_one(app, dana):
    context, page, watch = app
    watch.allow_console("status of 400")
    watch.allow_console("net::ERR_INTERNET_DISCONNECTED")
    sign_in(page, "dana")
    ready_for_offline(page)
    context.set_offline(True)
    quick_checkin(page, "tired")
    quick_checkin(page, "calm")

    # The sync event fails while the send does, so the browser fires it again later by itself.
    offline = page.evaluate(FLUSH_IN_BACKGROUND)
    assert offline == {"outcome": "retry later", "message": "Check-ins are still waiting to be sent"}

    will_be_refused(page, "calm")
    context.set_offline(False)
    online = page.evaluate(FLUSH_IN_BACKGROUND)

    # Only the person can act on a refused check-in: no retry for it. The other one is sent once.
    assert online["outcome"] == "done"
    assert (online["refused"], online["waiting"]) == (1, 0)
    assert wait_until(lambda: rows() == 1)
    watch.assert_clean()


def test_an_expired_session_keeps_the_outbox_and_sends_it_after_signing_in(app, dana):
    context, page, watch = app
    watch.allow_console("status of 401")
    watch.allow_console("net::ERR_INTERNET_DISCONNECTED")
    sign_in(page, "dana")
    ready_for_offline(page)
    context.set_offline(True)
    quick_checkin(page, "tired")
    quick_checkin(page, "hopeful")
    Session.objects.all().delete()  # the session ends on the server while the phone is offline
    context.set_offline(False)

    page.get_by_role("heading", level=1, name="Welcome back").wait_for()
    assert "2 check-ins saved on this phone" in page.locator("main").inner_text()
    assert len(outbox(page)) == 2
    assert rows() == 0
    screen(page, "signin-expired")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert wait_until(lambda: rows() == 2)
    wait_js(page, OUTBOX_EMPTY)
    watch.assert_clean()


def test_screens_that_need_the_server_say_so_offline_and_the_check_in_still_works(app, dana):
    context, page, watch = app
    watch.allow_console("net::ERR_INTERNET_DISCONNECTED")
    sign_in(page, "dana")
    ready_for_offline(page)
    context.set_offline(True)
    for hash_, title in (("#week", "Your week"), ("#reminders", "Reminders")):
        page.evaluate("(h) => { location.hash = h; }", hash_)
        page.get_by_role("heading", level=1, name=title).wait_for()
        assert "needs a connection" in page.locator("main").inner_text()
    screen(page, "reminders-offline")
    quick_checkin(page, "hopeful")
    assert len(outbox(page)) == 1
    context.set_offline(False)
    assert wait_until(lambda: rows() == 1)
    watch.assert_clean()


def test_background_sync_sends_the_outbox_from_the_service_worker_with_no_page_open(app, dana, live_server):
    context, page, watch = app
    watch.allow_console("net::ERR_INTERNET_DISCONNECTED")
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda e: registrations.extend(e["registrations"]))
    cdp.send("ServiceWorker.enable")
    sign_in(page, "dana")
    ready_for_offline(page)
    context.set_offline(True)
    reached_from_the_page = []
    page.on(
        "requestfinished",
        lambda r: reached_from_the_page.append(r.url) if "/api/checkins/" in r.url else None,
    )
    quick_checkin(page, "tired")
    quick_checkin(page, "hopeful")
    page.goto("about:blank")  # no page of the app is open now: only the worker can send
    # Offline, nothing of the page reached the server. (Not `rows() == 0`: Chromium may fire the
    # registered sync itself at once, and a worker it starts for that can run before Playwright's offline
    # emulation reaches it. A row seen now is the worker's, which is what this test is about.)
    assert reached_from_the_page == []
    # Back online, Chromium may fire the registered sync itself before the dispatch below: either way
    # it is the worker that sends (the outbox is then empty for the second event).
    context.set_offline(False)
    registration = next(r for r in registrations if r["scopeURL"].startswith(live_server.url))
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {
            "origin": live_server.url,
            "registrationId": registration["registrationId"],
            "tag": "outbox",
            "lastChance": False,
        },
    )
    assert wait_until(lambda: rows() == 2)
