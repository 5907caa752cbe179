"""The sendreminders dispatcher: compare-and-set claims, one fire per occurrence, no backlog, no storms."""

import datetime as dt
import logging
import os
import signal
import threading
import zoneinfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests.factories import make_user
from tests.reminder_kit import FakePushService, make_reminder, make_subscription
from tracker import dispatcher
from tracker.management.commands.sendreminders import Command
from tracker.models import WEEKDAYS, Reminder
from tracker.reminders import next_occurrence, wall_time_to_utc


@pytest.fixture(autouse=True)
def _push_settings(settings, tmp_path):
    settings.PUSH_ALLOW_INSECURE_ENDPOINTS = True
    settings.VAPID_PRIVATE_KEY_FILE = tmp_path / "vapid.pem"


@pytest.fixture
def service():
    with FakePushService() as running:
        yield running


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_a_due_reminder_is_claimed_sent_and_moved_to_its_next_wall_time(alice, service):
    # 08:00 Berlin on Saturday 2026-03-28 (07:00Z); the next is Sunday 08:00 CEST (06:00Z), not +24 h.
    reminder = make_reminder(alice, time="08:00", due_at=utc(2026, 3, 28, 7))
    make_subscription(alice, service, "alice-phone")
    now = utc(2026, 3, 28, 7, 0, 4)

    first = dispatcher.dispatch_due(now=now)
    second = dispatcher.dispatch_due(now=now)

    assert (first.claimed, second.claimed) == (1, 0)
    assert len(service.received) == 1
    reminder.refresh_from_db()
    assert reminder.next_fire_at == utc(2026, 3, 29, 6)
    assert reminder.last_fired_at == now


def test_a_process_that_lost_the_claim_sends_nothing(alice, service):
    reminder = make_reminder(alice, due_at=utc(2026, 6, 1, 6))
    make_subscription(alice, service, "alice-phone")
    stale_copy = Reminder.objects.select_related("user__profile").get(pk=reminder.pk)
    now = utc(2026, 6, 1, 6, 0, 1)

    assert dispatcher.reminder_fire(reminder=reminder, now=now) is True
    assert dispatcher.reminder_fire(reminder=stale_copy, now=now) is False  # its UPDATE changed no row
    assert len(service.received) == 1


def test_after_hours_of_downtime_a_stale_occurrence_is_skipped_and_the_schedule_resumes(alice, service):
    reminder = make_reminder(alice, time="08:00", due_at=utc(2026, 6, 1, 6))
    make_subscription(alice, service, "alice-phone")
    now = utc(2026, 6, 3, 9, 30)  # two days later, 11:30 in Berlin

    stats = dispatcher.dispatch_due(now=now)

    assert (stats.claimed, stats.stale) == (1, 1)
    assert service.received == []  # no backlog of old prompts
    reminder.refresh_from_db()
    assert reminder.next_fire_at == utc(2026, 6, 4, 6)  # the next future 08:00
    assert reminder.last_fired_at is None


def test_an_occurrence_found_a_little_late_is_still_sent_once(alice, service):
    make_reminder(alice, time="08:00", due_at=utc(2026, 6, 1, 6))
    make_subscription(alice, service, "alice-phone")

    stats = dispatcher.dispatch_due(now=utc(2026, 6, 1, 6, 40))

    assert stats.outcomes == {"sent": 1}


def test_nothing_is_sent_during_a_pause(alice, service):
    reminder = make_reminder(alice, time="08:00", due_at=utc(2026, 6, 1, 6))
    make_subscription(alice, service, "alice-phone")
    alice.profile.paused_until = utc(2026, 6, 2, 12)
    alice.profile.save()

    stats = dispatcher.dispatch_due(now=utc(2026, 6, 1, 6, 0, 1))

    assert stats.stale == 1
    assert service.received == []
    reminder.refresh_from_db()
    assert reminder.next_fire_at == utc(2026, 6, 3, 6)  # first 08:00 after the pause


def test_a_crash_on_one_reminder_does_not_stop_the_others_or_repeat_every_loop(
    alice, bob, service, monkeypatch, caplog
):
    now = utc(2026, 6, 1, 6, 0, 1)
    broken = make_reminder(alice, label="private words", due_at=utc(2026, 6, 1, 6))
    healthy = make_reminder(bob, due_at=utc(2026, 6, 1, 6))
    make_subscription(alice, service, "alice-phone")
    make_subscription(bob, service, "bob-phone")
    real = dispatcher.reminder_next_fire_at

    def explode_for_alice(*, reminder, **kwargs):
        if reminder.pk == broken.pk:
            raise RuntimeError("boom")
        return real(reminder=reminder, **kwargs)

    monkeypatch.setattr(dispatcher, "reminder_next_fire_at", explode_for_alice)

    with caplog.at_level(logging.ERROR, logger="tracker.dispatcher"):
        first = dispatcher.dispatch_due(now=now)
        second = dispatcher.dispatch_due(now=now + dt.timedelta(seconds=2))

    assert (first.errors, first.claimed, second.errors, second.claimed) == (1, 1, 0, 0)
    assert [r.path for r in service.received] == ["/bob-phone"]
    broken.refresh_from_db()
    healthy.refresh_from_db()
    assert broken.next_fire_at == now + dispatcher.ERROR_BACKOFF  # out of the due set: no retry storm
    assert healthy.last_fired_at == now
    assert str(broken.uuid) in caplog.text
    assert "private words" not in caplog.text


@pytest.mark.parametrize(
    ("zone_name", "wall", "days"),
    [
        ("Europe/Berlin", "02:30", WEEKDAYS),
        ("America/New_York", "01:30", WEEKDAYS),
        ("Australia/Lord_Howe", "02:15", ["sat", "sun"]),
        ("Asia/Kathmandu", "08:00", ["mon", "wed", "fri"]),
    ],
)
def test_400_days_of_a_dispatcher_on_a_fake_clock_fire_once_per_scheduled_day(db, zone_name, wall, days):
    user = make_user("traveller", timezone=zone_name)
    zone = zoneinfo.ZoneInfo(zone_name)
    start = utc(2026, 1, 1)
    _, first_fire = next_occurrence(after=start, wall=dt.time.fromisoformat(wall), days=days, zone=zone)
    reminder = make_reminder(user, time=wall, days=days, due_at=first_fire)
    end = start + dt.timedelta(days=400)
    fired_dates = []
    while True:
        due = Reminder.objects.get(pk=reminder.pk).next_fire_at
        if due >= end:
            break
        now = due + dt.timedelta(seconds=17)  # the loop wakes up a little after
        assert dispatcher.dispatch_due(now=now).claimed == 1
        assert dispatcher.dispatch_due(now=now + dt.timedelta(seconds=2)).claimed == 0
        fired_dates.append(due.astimezone(zone).date())

    first = start.astimezone(zone).date()
    expected = [
        first + dt.timedelta(days=n)
        for n in range(401)
        if WEEKDAYS[(first + dt.timedelta(days=n)).weekday()] in days
        and start < wall_time_to_utc(first + dt.timedelta(days=n), dt.time.fromisoformat(wall), zone) < end
    ]
    assert fired_dates == expected


def test_the_due_query_uses_the_partial_index_on_next_fire_at(alice):
    make_reminder(alice)
    queryset = Reminder.objects.filter(next_fire_at__lte=timezone.now()).order_by("next_fire_at")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would otherwise be scanned
    plan = queryset.explain()

    assert "reminder_due_idx" in plan


@pytest.mark.django_db(transaction=True)
def test_concurrent_dispatchers_send_every_due_reminder_exactly_once(service):
    count, workers = 40, 4
    due = utc(2026, 6, 1, 6)
    for n in range(count):
        user = make_user(f"person{n}", timezone="Europe/Berlin")
        make_reminder(user, due_at=due)
        make_subscription(user, service, f"phone-{n}")
    start = threading.Barrier(workers)
    claimed = []
    failures = []

    def run_dispatcher() -> None:
        try:
            start.wait()
            total = 0
            while True:  # each reads the same due batch and races for every row
                stats = dispatcher.dispatch_due(now=due + dt.timedelta(seconds=1), limit=count)
                total += stats.claimed
                if not stats.claimed:
                    break
            claimed.append(total)
        except Exception as exc:  # surfaced below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run_dispatcher) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sum(claimed) == count
    assert sorted(r.path for r in service.received) == sorted(f"/phone-{n}" for n in range(count))
    assert not Reminder.objects.filter(next_fire_at__lte=due).exists()


def test_the_command_runs_one_step_with_once(alice, service):
    make_reminder(alice, due_at=timezone.now() - dt.timedelta(seconds=5))
    make_subscription(alice, service, "alice-phone")

    call_command("sendreminders", "--once")

    assert len(service.received) == 1


def test_handle_one_reports_how_much_work_it_did(alice, service):
    make_reminder(alice, due_at=timezone.now() - dt.timedelta(seconds=5))
    command = Command()

    assert command.handle_one() == 1
    assert command.handle_one() == 0


def test_sigterm_ends_the_loop_cleanly(db, capsys):
    previous = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.3, os.kill, args=(os.getpid(), signal.SIGTERM))
    timer.start()

    call_command("sendreminders", "--interval", "30")  # returns instead of sleeping 30 s

    timer.join()
    assert "sendreminders: stopped" in capsys.readouterr().out
    assert signal.getsignal(signal.SIGTERM) is previous  # the test runner's handler is back


def test_make_run_starts_the_dispatcher_beside_the_web_server():
    from tracker.serve import commands

    names = [" ".join(command) for command in commands()]

    assert any("gunicorn" in name for name in names)
    assert any(name.endswith("manage.py sendreminders") for name in names)


def test_a_reminder_patch_that_read_the_row_before_a_claim_does_not_resend_the_occurrence(alice, service):
    import time_machine

    from tracker import reminders

    due = utc(2026, 6, 1, 6)  # 08:00 in Berlin
    reminder = make_reminder(alice, time="08:00", due_at=due)
    make_subscription(alice, service, "alice-phone")
    with time_machine.travel(due - dt.timedelta(seconds=1), tick=False):
        read_by_the_patch = reminders.reminder_for_user(user=alice, reminder_id=reminder.uuid)
        dispatcher.dispatch_due(now=due + dt.timedelta(seconds=1))  # claims and sends 08:00 meanwhile
        reminders.reminder_update(
            reminder=read_by_the_patch, data={"label": "morning"}, profile=alice.profile
        )
    later = dispatcher.dispatch_due(now=due + dt.timedelta(seconds=2))

    assert later.claimed == 0
    assert len(service.received) == 1
    reminder.refresh_from_db()
    assert (reminder.label, reminder.next_fire_at) == ("morning", utc(2026, 6, 2, 6))


def test_a_zone_change_racing_a_claim_does_not_resend_the_occurrence(alice, service):
    import time_machine

    from tracker import services

    due = utc(2026, 6, 1, 6)  # 08:00 in Berlin
    make_reminder(alice, time="08:00", due_at=due)
    make_subscription(alice, service, "alice-phone")
    with time_machine.travel(due - dt.timedelta(seconds=1), tick=False):
        profile = services.profile_get(user=alice)  # read by the PATCH /api/me before the claim
        dispatcher.dispatch_due(now=due + dt.timedelta(seconds=1))
        services.profile_update(profile=profile, timezone_name="Europe/Paris")  # same wall clock as Berlin
    later = dispatcher.dispatch_due(now=due + dt.timedelta(seconds=2))

    assert later.claimed == 0
    assert len(service.received) == 1
