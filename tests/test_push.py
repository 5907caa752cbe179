"""Web Push against a real HTTP push service on 127.0.0.1: keys, subscriptions, encryption, failures."""

import base64
import datetime as dt
import json
import os
import threading

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories import make_checkin
from tests.reminder_kit import Browser, FakePushService, make_reminder, make_subscription
from tracker import dispatcher, practices, push
from tracker.models import PushSubscription

NOT_FOUND = {"detail": "Not found."}


@pytest.fixture(autouse=True)
def _push_settings(settings, tmp_path):
    settings.PUSH_ALLOW_INSECURE_ENDPOINTS = True  # the fake push service speaks plain http on loopback
    settings.VAPID_PRIVATE_KEY_FILE = tmp_path / "vapid" / "private.pem"


@pytest.fixture
def service():
    with FakePushService() as running:
        yield running


def subscribe_body(endpoint: str, browser: Browser | None = None) -> dict:
    browser = browser or Browser()
    return {
        "endpoint": endpoint,
        "expirationTime": None,
        "keys": {"p256dh": browser.p256dh, "auth": browser.auth},
    }


def b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


# --- VAPID keys --------------------------------------------------------------------------------


def test_the_public_key_is_the_uncompressed_p256_point_of_a_key_file_only_the_owner_can_read(
    anon_client, settings
):
    response = anon_client.get("/api/push/public-key")

    assert response.status_code == 200
    point = b64url_decode(response.json()["public_key"])
    assert len(point) == 65
    assert point[0] == 4
    key_file = settings.VAPID_PRIVATE_KEY_FILE
    assert key_file.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert os.stat(key_file).st_mode & 0o777 == 0o600
    assert anon_client.get("/api/push/public-key").json() == response.json()  # stable


def test_the_vapid_command_creates_the_key_once_and_never_replaces_it(settings, capsys):
    call_command("vapid")
    first = settings.VAPID_PRIVATE_KEY_FILE.read_bytes()
    call_command("vapid", "--if-missing")
    call_command("vapid")

    assert settings.VAPID_PRIVATE_KEY_FILE.read_bytes() == first
    out = capsys.readouterr().out
    assert out.count("Created the VAPID key pair") == 1
    assert f"Application server key: {push.application_server_key()}" in out


# --- subscriptions -----------------------------------------------------------------------------


def test_subscribing_stores_the_browser_and_subscribing_again_updates_it(alice, alice_client, service):
    endpoint = service.endpoint("alice-phone")
    created = alice_client.post("/api/push/subscriptions", subscribe_body(endpoint), format="json")
    newer = Browser()
    again = alice_client.post("/api/push/subscriptions", subscribe_body(endpoint, newer), format="json")

    assert created.status_code == 201
    assert created.json()["endpoint"] == endpoint
    assert created.json()["last_success_at"] is None
    assert again.status_code == 200
    row = PushSubscription.objects.get()
    assert (row.user, row.endpoint, row.p256dh, row.auth) == (alice, endpoint, newer.p256dh, newer.auth)


def test_an_endpoint_held_by_another_account_moves_to_whoever_is_signed_in_now(
    alice, bob, bob_client, service
):
    endpoint = service.endpoint("shared-laptop")
    make_subscription(alice, service, "shared-laptop")

    response = bob_client.post("/api/push/subscriptions", subscribe_body(endpoint), format="json")

    assert response.status_code == 200
    assert PushSubscription.objects.get(endpoint=endpoint).user == bob
    assert not PushSubscription.objects.filter(user=alice).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"endpoint": "https://evil.example/collect"}, "endpoint"),  # not a push service
        ({"endpoint": "ftp://fcm.googleapis.com/x"}, "endpoint"),
        ({"endpoint": "https://user:pw@fcm.googleapis.com/fcm/send/x"}, "endpoint"),
        ({"endpoint": "http://10.0.0.1/internal"}, "endpoint"),
        ({"keys": {"p256dh": "AAAA", "auth": Browser().auth}}, "keys"),
        ({"keys": {"p256dh": Browser().p256dh, "auth": "c2hvcnQ"}}, "keys"),  # 5 bytes, not 16
        ({"keys": {"p256dh": Browser().p256dh + "!", "auth": Browser().auth}}, "keys"),
        ({"keys": {"p256dh": Browser().p256dh}}, "keys"),
        ({"endpoint": 42}, "endpoint"),
    ],
)
def test_a_malformed_subscription_is_refused_and_nothing_is_stored(alice_client, change, field):
    body = {**subscribe_body("https://fcm.googleapis.com/fcm/send/abc"), **change}

    response = alice_client.post("/api/push/subscriptions", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not PushSubscription.objects.exists()


def test_a_real_push_service_endpoint_is_accepted(alice_client, settings):
    settings.PUSH_ALLOW_INSECURE_ENDPOINTS = False
    endpoint = "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91b"

    response = alice_client.post("/api/push/subscriptions", subscribe_body(endpoint), format="json")
    loopback = alice_client.post(
        "/api/push/subscriptions", subscribe_body("http://127.0.0.1:9/x"), format="json"
    )

    assert response.status_code == 201
    assert loopback.status_code == 400  # plain http only when the setting allows it


def test_unsubscribing_removes_only_the_callers_own_subscription(
    alice, bob, alice_client, bob_client, service
):
    alices = make_subscription(alice, service, "alice-phone")
    bobs = make_subscription(bob, service, "bob-phone")

    not_hers = alice_client.delete("/api/push/subscriptions", {"endpoint": bobs.endpoint}, format="json")
    hers = alice_client.delete("/api/push/subscriptions", {"endpoint": alices.endpoint}, format="json")
    again = alice_client.delete("/api/push/subscriptions", {"endpoint": alices.endpoint}, format="json")

    assert [not_hers.status_code, hers.status_code, again.status_code] == [204, 204, 204]
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [bobs.endpoint]


def test_push_endpoints_need_a_signed_in_user(db, anon_client):
    response = anon_client.post(
        "/api/push/subscriptions", subscribe_body("https://fcm.googleapis.com/x"), format="json"
    )

    assert response.status_code == 401
    assert not PushSubscription.objects.exists()


# --- sending -----------------------------------------------------------------------------------


def test_a_reminder_sends_an_encrypted_generic_prompt_with_a_ttl_and_a_vapid_signature(alice, service):
    make_checkin(
        alice, note="I felt humiliated at the meeting", need="respect", harsh_line="harsh-sentinel",
        kind_line="kind-sentinel", would_help="an-apology",
    )  # fmt: skip
    practices.boundary_create(user=alice, text="boundary-sentinel", needs=["respect"])
    practices.intention_set(user=alice, week_start=dt.date(2026, 11, 16), text="intention-sentinel")
    now = timezone.now()
    make_reminder(alice, label="after the meeting with Tom", due_at=now - dt.timedelta(seconds=30))
    subscription = make_subscription(alice, service, "alice-phone")

    stats = dispatcher.dispatch_due(now=now)

    assert stats.claimed == 1
    assert stats.outcomes == {"sent": 1}
    [request] = service.requests_to("alice-phone")
    assert request.headers["content-encoding"] == "aes128gcm"
    assert int(request.headers["ttl"]) > 0
    assert request.headers["topic"] == push.PUSH_TOPIC
    scheme, _, credentials = request.headers["authorization"].partition(" ")
    assert scheme == "vapid"
    assert f"k={push.application_server_key()}" in credentials
    for secret in (b"humiliated", b"respect", b"Tom", b"gentle", b"check-in"):
        assert secret not in request.body  # encrypted: not even the generic text shows
    plaintext = subscription.browser.decrypt(request.body)
    assert json.loads(plaintext) == {
        "title": "Attune",
        "body": "Time for a gentle check-in",
        "url": "/#checkin",
    }
    for private in (
        b"humiliated", b"respect", b"Tom", b"meeting", b"harsh-sentinel", b"kind-sentinel", b"apology",
        b"boundary-sentinel", b"intention-sentinel",
    ):  # fmt: skip
        assert private not in plaintext
    subscription.refresh_from_db()
    assert subscription.last_success_at == now
    assert subscription.failure_count == 0
    assert subscription.pending_since is None


def test_every_subscription_of_the_user_gets_the_prompt_and_nobody_elses(alice, bob, service):
    now = timezone.now()
    make_reminder(alice, due_at=now)
    make_subscription(alice, service, "alice-phone")
    make_subscription(alice, service, "alice-laptop")
    make_subscription(bob, service, "bob-phone")

    dispatcher.dispatch_due(now=now)

    assert sorted(r.path for r in service.received) == ["/alice-laptop", "/alice-phone"]


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_deleted(alice, service, status):
    now = timezone.now()
    make_reminder(alice, due_at=now)
    make_subscription(alice, service, "gone")
    kept = make_subscription(alice, service, "fine")
    service.answer("gone", status)

    stats = dispatcher.dispatch_due(now=now)

    assert stats.outcomes == {"gone": 1, "sent": 1}
    assert list(PushSubscription.objects.values_list("pk", flat=True)) == [kept.pk]


def test_a_429_is_retried_after_what_retry_after_asked_and_then_delivered_once(alice, service):
    now = timezone.now()
    make_reminder(alice, due_at=now)
    subscription = make_subscription(alice, service, "busy")
    service.answer("busy", (429, {"Retry-After": "300"}), 201)

    dispatcher.dispatch_due(now=now)
    subscription.refresh_from_db()
    assert (subscription.failure_count, subscription.pending_since) == (1, now)
    assert subscription.retry_after == now + dt.timedelta(seconds=300)  # more than the 60 s backoff

    early = dispatcher.retry_pending(now=now + dt.timedelta(seconds=299))
    on_time = dispatcher.retry_pending(now=now + dt.timedelta(seconds=300))
    after = dispatcher.retry_pending(now=now + dt.timedelta(seconds=900))

    assert (early.claimed, on_time.outcomes, after.claimed) == (0, {"sent": 1}, 0)
    assert len(service.requests_to("busy")) == 2
    subscription.refresh_from_db()
    assert subscription.pending_since is None
    assert subscription.failure_count == 0
    assert subscription.last_success_at == now + dt.timedelta(seconds=300)
    plaintexts = [json.loads(subscription.browser.decrypt(r.body)) for r in service.requests_to("busy")]
    assert all(p["body"] == "Time for a gentle check-in" for p in plaintexts)


def test_server_errors_back_off_exponentially_and_give_up_after_the_last_attempt(alice, service):
    now = timezone.now()
    make_reminder(alice, due_at=now)
    subscription = make_subscription(alice, service, "broken")
    service.answer("broken", 500)

    dispatcher.dispatch_due(now=now)
    delays = []
    clock = now
    for _ in range(dispatcher.RETRY_MAX_ATTEMPTS):
        subscription.refresh_from_db()
        if subscription.pending_since is None:
            break
        delays.append(subscription.retry_after - clock)
        clock = subscription.retry_after
        assert dispatcher.retry_pending(now=clock).claimed == 1

    assert delays == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]
    assert len(service.requests_to("broken")) == dispatcher.RETRY_MAX_ATTEMPTS
    subscription.refresh_from_db()
    assert subscription.pending_since is None  # given up on this prompt
    assert PushSubscription.objects.filter(pk=subscription.pk).exists()  # but the browser is kept


def test_while_a_push_service_asks_to_wait_new_prompts_are_owed_not_sent(alice, service):
    now = timezone.now()
    subscription = make_subscription(alice, service, "busy")
    PushSubscription.objects.filter(pk=subscription.pk).update(retry_after=now + dt.timedelta(minutes=10))
    make_reminder(alice, due_at=now)
    make_reminder(alice, time="09:00", due_at=now)

    stats = dispatcher.dispatch_due(now=now)
    retried = dispatcher.retry_pending(now=now + dt.timedelta(minutes=10))

    assert stats.outcomes == {"deferred": 2}
    assert retried.outcomes == {"sent": 1}  # one generic prompt covers both reminders
    assert len(service.received) == 1


def test_an_owed_prompt_older_than_the_ttl_is_dropped_unsent(alice, service):
    now = timezone.now()
    subscription = make_subscription(alice, service, "slow")
    PushSubscription.objects.filter(pk=subscription.pk).update(
        pending_since=now - dt.timedelta(hours=5), retry_after=now - dt.timedelta(minutes=1), failure_count=2
    )

    stats = dispatcher.retry_pending(now=now)

    assert stats.claimed == 0
    assert service.received == []
    subscription.refresh_from_db()
    assert subscription.pending_since is None


def test_an_unreachable_push_service_is_retried_later(alice, service):
    now = timezone.now()
    make_reminder(alice, due_at=now)
    subscription = make_subscription(alice, service, "x")
    PushSubscription.objects.filter(pk=subscription.pk).update(endpoint="http://127.0.0.1:9/nobody-listens")

    stats = dispatcher.dispatch_due(now=now)

    assert stats.outcomes == {"retry": 1}
    subscription.refresh_from_db()
    assert subscription.pending_since == now
    assert subscription.retry_after == now + dt.timedelta(minutes=1)


@pytest.mark.parametrize("status", [400, 403, 413])
def test_a_rejected_request_keeps_the_subscription_and_is_not_retried(alice, service, status):
    now = timezone.now()
    make_reminder(alice, due_at=now)
    subscription = make_subscription(alice, service, "strict")
    service.answer("strict", status)

    stats = dispatcher.dispatch_due(now=now)

    assert stats.outcomes == {"rejected": 1}
    subscription.refresh_from_db()
    assert subscription.pending_since is None


def test_retry_after_may_be_an_http_date():
    now = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)

    assert push.parse_retry_after("Sun, 22 Nov 2026 12:02:00 GMT", now=now) == dt.timedelta(minutes=2)
    assert push.parse_retry_after("120", now=now) == dt.timedelta(minutes=2)
    assert push.parse_retry_after("soon", now=now) is None
    assert push.parse_retry_after(None, now=now) is None


def test_processes_starting_together_install_exactly_one_vapid_key(settings):
    start = threading.Barrier(8)
    created = []

    def start_up() -> None:
        start.wait()
        created.append(push.vapid_ensure_keys())

    threads = [threading.Thread(target=start_up) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(created) == [False] * 7 + [True]
    key_dir = settings.VAPID_PRIVATE_KEY_FILE.parent
    assert [p.name for p in key_dir.iterdir()] == ["private.pem"]  # no temporary files left behind
    assert push.application_server_key()


def test_after_one_prompt_is_given_up_the_next_prompt_gets_every_attempt_again(alice, service):
    now = timezone.now()
    subscription = make_subscription(alice, service, "broken")
    service.answer("broken", 500)

    def attempts_for_one_prompt(start: dt.datetime) -> tuple[int, list[dt.timedelta], dt.datetime]:
        before = len(service.requests_to("broken"))
        make_reminder(alice, due_at=start)
        dispatcher.dispatch_due(now=start)
        delays, clock = [], start
        while True:
            subscription.refresh_from_db()
            if subscription.pending_since is None:
                return len(service.requests_to("broken")) - before, delays, clock
            delays.append(subscription.retry_after - clock)
            clock = subscription.retry_after
            dispatcher.retry_pending(now=clock)

    first, first_delays, given_up_at = attempts_for_one_prompt(now)
    # The next reminder comes after the last backoff has passed.
    second, second_delays, _ = attempts_for_one_prompt(given_up_at + dt.timedelta(hours=1))

    assert first == second == dispatcher.RETRY_MAX_ATTEMPTS
    assert second_delays == first_delays == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]


def test_a_dropped_stale_prompt_resets_the_retry_state(alice, service):
    now = timezone.now()
    subscription = make_subscription(alice, service, "slow")
    PushSubscription.objects.filter(pk=subscription.pk).update(
        pending_since=now - dt.timedelta(hours=5), retry_after=now - dt.timedelta(minutes=1), failure_count=4
    )

    dispatcher.retry_pending(now=now)

    subscription.refresh_from_db()
    assert (subscription.pending_since, subscription.failure_count) == (None, 0)


def test_a_hanging_push_service_does_not_hold_up_the_other_browsers(
    alice, bob, charlie, service, monkeypatch
):
    # Sent one after another, the hanging service (the first subscription) would time out before anyone
    # else got a prompt. Here it only answers once every other browser has its prompt.
    monkeypatch.setattr(push, "PUSH_TIMEOUT_SECONDS", 5)
    now = timezone.now()
    with FakePushService() as slow:
        release = slow.hold("hanging")
        make_subscription(alice, slow, "hanging")
        others = [("bob-phone", bob), ("charlie-phone", charlie), ("alice-laptop", alice)]
        for name, user in others:
            make_subscription(user, service, name)
        for user in (alice, bob, charlie):
            make_reminder(user, due_at=now)

        def release_when_the_others_have_theirs() -> None:
            for _ in range(400):
                if all(service.requests_to(name) for name, _user in others):
                    release.set()
                    return
                threading.Event().wait(0.01)

        watcher = threading.Thread(target=release_when_the_others_have_theirs)
        watcher.start()
        stats = dispatcher.dispatch_due(now=now)
        watcher.join()

    assert stats.outcomes == {"sent": 4}
    assert len(slow.requests_to("hanging")) == 1


def test_a_batch_waits_for_a_hanging_push_service_no_longer_than_its_deadline(
    alice, bob, service, monkeypatch
):
    monkeypatch.setattr(push, "PUSH_TIMEOUT_SECONDS", 60)  # the push service never times out on its own
    monkeypatch.setattr(dispatcher, "BATCH_SEND_SECONDS", 0.5)
    now = timezone.now()
    with FakePushService() as slow:
        release = slow.hold("hanging")
        hanging = make_subscription(alice, slow, "hanging")
        make_subscription(bob, service, "bob-phone")
        make_reminder(alice, due_at=now)
        make_reminder(bob, due_at=now)
        try:
            stats = dispatcher.dispatch_due(now=now)
            answered_during_the_batch = len(slow.requests_to("hanging"))
        finally:
            release.set()

    assert stats.outcomes == {"sent": 1, "retry": 1}
    assert answered_during_the_batch == 0
    hanging.refresh_from_db()
    assert hanging.pending_since == now  # owed, and retried after the backoff


def test_after_a_push_service_gives_no_answer_its_other_browsers_wait_for_the_retry(alice, bob, monkeypatch):
    # An unreachable push service costs one attempt per batch, not one timeout per subscription.
    now = timezone.now()
    with FakePushService() as service:
        service.answer("ok", 201)
        subscriptions = [make_subscription(user, service, name) for user, name in ((alice, "a"), (bob, "b"))]
    # The service is gone now: nothing listens on its port.
    make_reminder(alice, due_at=now)
    make_reminder(bob, due_at=now)
    attempts = []
    real_send = push.push_send
    monkeypatch.setattr(
        push, "push_send", lambda **kw: attempts.append(kw["subscription"].pk) or real_send(**kw)
    )

    stats = dispatcher.dispatch_due(now=now)

    assert stats.outcomes == {"retry": 2}
    assert len(attempts) == 1
    for subscription in subscriptions:
        subscription.refresh_from_db()
        assert subscription.pending_since == now


def test_a_star_admits_any_https_push_service_and_an_empty_list_none(alice_client, settings):
    body = subscribe_body("https://push.example.net/abc")

    settings.PUSH_SERVICE_HOSTS = []
    refused = alice_client.post("/api/push/subscriptions", body, format="json")
    settings.PUSH_SERVICE_HOSTS = ["*"]
    admitted = alice_client.post("/api/push/subscriptions", body, format="json")

    assert refused.status_code == 400
    assert "endpoint" in refused.json()
    assert admitted.status_code == 201
