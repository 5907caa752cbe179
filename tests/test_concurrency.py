"""Replays of one check-in arriving at the same moment: exactly one row, on SQLite (a real file) and
PostgreSQL (the suite runs on both)."""

import threading
import uuid

import pytest
from django.db import connection, connections

from tests.conftest import client_for
from tracker.models import CheckIn

REPLAYS = 8


def run_concurrently(fn, count: int) -> list:
    """Run fn(i) in `count` threads released together; each thread has its own DB connection."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = fn(i)
        except Exception as exc:  # surfaced by the assertions below
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def payload(checkin_id: str, i: int) -> dict:
    return {
        "id": checkin_id,
        "emotion": "anxious",
        "intensity": i % 11,
        "occurred_at": "2026-01-05T08:00:00Z",
    }


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_of_one_checkin_store_exactly_one_row(alice):
    checkin_id = str(uuid.uuid4())

    responses = run_concurrently(
        lambda i: client_for(alice).post("/api/checkins/", payload(checkin_id, i), format="json"), REPLAYS
    )

    statuses = sorted(getattr(r, "status_code", r) for r in responses)
    assert statuses == [200] * (REPLAYS - 1) + [201], (connection.vendor, statuses)
    assert CheckIn.objects.filter(user=alice, uuid=checkin_id).count() == 1
    stored = CheckIn.objects.get(user=alice, uuid=checkin_id)
    assert all(r.json()["intensity"] == stored.intensity for r in responses)


@pytest.mark.django_db(transaction=True)
def test_concurrent_puts_of_one_checkin_store_exactly_one_row(alice):
    checkin_id = str(uuid.uuid4())

    responses = run_concurrently(
        lambda i: client_for(alice).put(
            f"/api/checkins/{checkin_id}/", payload(checkin_id, i), format="json"
        ),
        REPLAYS,
    )

    statuses = sorted(getattr(r, "status_code", r) for r in responses)
    assert statuses == [200] * (REPLAYS - 1) + [201], (connection.vendor, statuses)
    assert CheckIn.objects.filter(user=alice, uuid=checkin_id).count() == 1


@pytest.mark.django_db(transaction=True)
def test_many_different_checkins_written_at_once_are_all_kept(alice, bob):
    ids = [str(uuid.uuid4()) for _ in range(REPLAYS)]

    responses = run_concurrently(
        lambda i: client_for(alice if i % 2 else bob).post(
            "/api/checkins/", payload(ids[i], i), format="json"
        ),
        REPLAYS,
    )

    assert [getattr(r, "status_code", r) for r in responses] == [201] * REPLAYS
    assert CheckIn.objects.count() == REPLAYS
