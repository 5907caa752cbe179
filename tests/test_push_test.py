"""POST /api/push/test: the generic reminder to the caller's devices now (push service on 127.0.0.1)."""

import json

import pytest

from tests.reminder_kit import Browser, FakePushService, make_subscription
from tracker import push
from tracker.models import PushSubscription


@pytest.fixture(autouse=True)
def _push_settings(settings, tmp_path):
    settings.PUSH_ALLOW_INSECURE_ENDPOINTS = True
    settings.VAPID_PRIVATE_KEY_FILE = tmp_path / "vapid" / "private.pem"


@pytest.fixture
def service():
    with FakePushService() as running:
        yield running


def test_a_test_reminder_reaches_each_device_with_the_generic_text_only(alice, alice_client, service):
    phone, laptop = Browser(), Browser()
    make_subscription(alice, service, "phone", phone)
    make_subscription(alice, service, "laptop", laptop)

    response = alice_client.post("/api/push/test")

    assert (response.status_code, response.json()) == (200, {"devices": 2, "sent": 2, "failed": 0})
    [received] = service.requests_to("phone")
    assert json.loads(phone.decrypt(received.body)) == push.NOTIFICATION
    assert len(service.requests_to("laptop")) == 1
    assert PushSubscription.objects.filter(user=alice, last_success_at__isnull=False).count() == 2


def test_a_device_the_push_service_forgot_is_removed_and_others_are_not_touched(
    alice, bob, alice_client, service
):
    make_subscription(alice, service, "gone")
    make_subscription(bob, service, "bobs")
    service.answer("gone", 410)

    assert alice_client.post("/api/push/test").json() == {"devices": 1, "sent": 0, "failed": 1}
    assert not PushSubscription.objects.filter(user=alice).exists()
    assert service.requests_to("bobs") == []


def test_more_than_a_few_test_reminders_a_minute_get_429_with_retry_after(alice, alice_client, service):
    make_subscription(alice, service, "phone")
    answers = [alice_client.post("/api/push/test") for _ in range(push.TEST_PUSHES_PER_MINUTE + 1)]

    assert [r.status_code for r in answers] == [200] * push.TEST_PUSHES_PER_MINUTE + [429]
    assert answers[-1]["Retry-After"] == "60"
    assert "wait" in answers[-1].json()["detail"]
    assert len(service.requests_to("phone")) == push.TEST_PUSHES_PER_MINUTE


def test_the_list_of_devices_is_the_callers_own(alice, bob, alice_client, service):
    make_subscription(alice, service, "mine")
    make_subscription(bob, service, "his")

    body = alice_client.get("/api/push/subscriptions").json()

    assert [d["endpoint"] for d in body] == [service.endpoint("mine")]


def test_an_anonymous_test_reminder_is_401(anon_client):
    assert anon_client.post("/api/push/test").status_code == 401
