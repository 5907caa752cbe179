"""The reminder dispatcher's steps, run in a loop by `manage.py sendreminders` (any number of processes).

Each due reminder is claimed with a compare-and-set UPDATE on (id, next_fire_at as read) that also moves
`next_fire_at` to the next occurrence; only the process whose UPDATE changed one row sends. So a reminder
occurrence is sent at most once however many dispatchers run, and a crash after the claim loses that one
prompt instead of repeating it: for a gentle reminder, once or not at all beats twice.

Push failures: 404/410 delete the subscription; 429/5xx (or no answer) mark the subscription as owed one
notification (`pending_since`) and back off (`retry_after`, exponential, at least what Retry-After asked);
the retry pass re-sends the same generic prompt, claimed with the same compare-and-set on `retry_after`.
An owed prompt older than the push TTL, or failing RETRY_MAX_ATTEMPTS times, is dropped: a check-in prompt
many hours late is noise. Dropping it resets the retry state, so the next prompt gets every attempt again.

Claims and bookkeeping run on the loop's thread; the HTTP sends of a batch run concurrently on a small
thread pool, one lane per push service, with a deadline (send_concurrently); one prompt per browser
however many of its reminders are due.
"""

import datetime as dt
import logging
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from tracker import push
from tracker.models import PushSubscription, Reminder
from tracker.reminders import reminder_next_fire_at

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
# A dispatcher that was down for hours must not fire a backlog: an occurrence found later than this is
# skipped (its next occurrence is scheduled as usual).
STALE_AFTER = dt.timedelta(hours=1)
# After an unexpected error before the claim, the reminder is pushed back this far instead of being
# retried on every loop (no retry storm, no log flood).
ERROR_BACKOFF = dt.timedelta(hours=1)
RETRY_BASE_DELAY = dt.timedelta(minutes=1)
RETRY_MAX_DELAY = dt.timedelta(hours=1)
RETRY_AFTER_CAP = dt.timedelta(hours=24)
RETRY_MAX_ATTEMPTS = 6
# A claimed retry is hidden from other dispatchers this long; if the claimer dies it is tried again.
RETRY_LEASE = dt.timedelta(minutes=5)
PENDING_MAX_AGE = dt.timedelta(seconds=push.PUSH_TTL_SECONDS)
# Pushes of a batch go out on up to SEND_THREADS push services at once; the batch waits at most
# BATCH_SEND_SECONDS for answers (a push times out after push.PUSH_TIMEOUT_SECONDS), so a hanging push
# service delays the next batch by seconds, never by the hour after which a due reminder counts as missed.
SEND_THREADS = 8
BATCH_SEND_SECONDS = 30


@dataclass
class Stats:
    claimed: int = 0  # occurrences this process won
    stale: int = 0  # claimed but too late to send
    errors: int = 0  # reminders that raised
    outcomes: dict[str, int] = field(default_factory=dict)  # push results by Outcome value

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


def due_reminders(*, now: dt.datetime, limit: int = BATCH_SIZE) -> list[Reminder]:
    """Reminders whose next fire is due, oldest first (uses the partial index reminder_due_idx)."""
    return list(
        Reminder.objects.filter(next_fire_at__lte=now)
        .select_related("user__profile")
        .order_by("next_fire_at")[:limit]
    )


def dispatch_due(*, now: dt.datetime | None = None, limit: int = BATCH_SIZE) -> Stats:
    """Claim every due reminder of one batch, then send the prompts concurrently. One reminder's failure
    does not stop the others."""
    now = now or timezone.now()
    stats = Stats()
    due = due_reminders(now=now, limit=limit)
    # The batch's subscriptions in one query rather than one per reminder.
    by_user: dict[int, list[PushSubscription]] = {}
    for subscription in PushSubscription.objects.filter(user_id__in={r.user_id for r in due}).order_by("id"):
        by_user.setdefault(subscription.user_id, []).append(subscription)
    to_send: dict[int, PushSubscription] = {}
    for reminder in due:
        try:
            for subscription in _claim(
                reminder=reminder, now=now, stats=stats, subscriptions=by_user.get(reminder.user_id, [])
            ):
                to_send[subscription.pk] = (
                    subscription  # one generic prompt per browser, however many are due
                )
        except Exception:
            # Only ids in the log: no label, no user text.
            logger.exception("reminder %s: dispatch failed", reminder.uuid)
            stats.errors += 1
            _push_back(reminder=reminder, now=now)
    _send_and_record(list(to_send.values()), now=now, stats=stats)
    return stats


def _push_back(*, reminder: Reminder, now: dt.datetime) -> None:
    """If the failed reminder was never claimed, move it out of the due set for a while."""
    try:
        Reminder.objects.filter(pk=reminder.pk, next_fire_at=reminder.next_fire_at).update(
            next_fire_at=now + ERROR_BACKOFF
        )
    except Exception:
        logger.exception("reminder %s: could not be pushed back", reminder.uuid)


def reminder_fire(
    *,
    reminder: Reminder,
    now: dt.datetime,
    stats: Stats | None = None,
    subscriptions: list[PushSubscription] | None = None,
) -> bool:
    """Claim this occurrence and send its prompt. True when this process claimed it."""
    stats = stats or Stats()
    claimed_before = stats.claimed
    to_send = _claim(reminder=reminder, now=now, stats=stats, subscriptions=subscriptions)
    _send_and_record(to_send, now=now, stats=stats)
    return stats.claimed > claimed_before


def _claim(
    *,
    reminder: Reminder,
    now: dt.datetime,
    stats: Stats,
    subscriptions: list[PushSubscription] | None = None,
) -> list[PushSubscription]:
    """Claim this occurrence (compare-and-set) and schedule the next one; the subscriptions to send to.

    The next occurrence is computed from the wall time in the zone, strictly after the later of the
    occurrence and now: one fire per occurrence, and after downtime the schedule resumes in the future
    rather than replaying what was missed.
    """
    scheduled = reminder.next_fire_at
    assert scheduled is not None
    profile = reminder.user.profile
    stale = now - scheduled > STALE_AFTER
    paused = profile.paused_until is not None and profile.paused_until > now
    next_at = reminder_next_fire_at(reminder=reminder, profile=profile, now=max(now, scheduled))
    changes = {"next_fire_at": next_at}
    if not (stale or paused):
        changes["last_fired_at"] = now
    claimed = Reminder.objects.filter(pk=reminder.pk, next_fire_at=scheduled).update(**changes)
    if claimed != 1:
        return []  # another dispatcher won this occurrence, or the reminder was edited meanwhile
    stats.claimed += 1
    if stale or paused:
        stats.stale += 1
        return []
    if subscriptions is None:
        subscriptions = list(PushSubscription.objects.filter(user_id=reminder.user_id).order_by("id"))
    to_send = []
    for subscription in subscriptions:
        if subscription.retry_after is not None and subscription.retry_after > now:
            # Backing off from this push service: owe the prompt, the retry pass delivers it.
            PushSubscription.objects.filter(pk=subscription.pk).update(
                pending_since=Coalesce(F("pending_since"), now)
            )
            stats.count("deferred")
            continue
        to_send.append(subscription)
    return to_send


def retry_delay(*, failures: int, asked: dt.timedelta | None) -> dt.timedelta:
    """Exponential backoff from RETRY_BASE_DELAY, but never sooner than the push service asked."""
    delay = min(RETRY_BASE_DELAY * 2 ** max(failures - 1, 0), RETRY_MAX_DELAY)
    if asked is not None:
        delay = max(delay, min(asked, RETRY_AFTER_CAP))
    return delay


def _send(subscription: PushSubscription, now: dt.datetime) -> push.PushResult:
    try:
        return push.push_send(subscription=subscription, now=now)
    except Exception:  # a corrupt key, a library bug: this subscription only
        logger.exception("push subscription %s: send failed", subscription.pk)
        return push.PushResult(push.Outcome.REJECTED)


def send_concurrently(
    subscriptions: list[PushSubscription], *, now: dt.datetime, deadline: float | None = None
) -> list[push.PushResult]:
    """Send the prompt to every subscription; the results in the same order.

    One lane per push service (endpoint host), up to SEND_THREADS lanes at once, so a slow or hanging
    push service delays only its own subscriptions. In a lane, a send that got no answer at all means the
    service is down: its other subscriptions are not tried in this batch (retried later, like it), so a
    hanging service costs one timeout per batch. A send not started or not answered when `deadline`
    seconds have passed counts as no answer. Threads only do HTTP; the caller's thread writes the database.
    """
    if not subscriptions:
        return []
    limit = time.monotonic() + (BATCH_SEND_SECONDS if deadline is None else deadline)
    no_answer = push.PushResult(push.Outcome.RETRY)
    results: list[push.PushResult] = [no_answer] * len(subscriptions)
    lanes: dict[str, list[int]] = {}
    for index, subscription in enumerate(subscriptions):
        lanes.setdefault(urlsplit(subscription.endpoint).netloc, []).append(index)

    def run_lane(indexes: list[int]) -> None:
        for index in indexes:
            if time.monotonic() > limit:
                return
            results[index] = result = _send(subscriptions[index], now)
            if result.outcome is push.Outcome.RETRY and result.status is None:
                return  # unreachable or silent: spare the rest of this service the same wait

    pool = ThreadPoolExecutor(max_workers=min(SEND_THREADS, len(lanes)), thread_name_prefix="push")
    futures = [pool.submit(run_lane, indexes) for indexes in lanes.values()]
    wait(futures, timeout=max(0.0, limit - time.monotonic()))
    pool.shutdown(wait=False, cancel_futures=True)  # a late send finishes on its own thread, unrecorded
    return list(results)


def _send_and_record(subscriptions: list[PushSubscription], *, now: dt.datetime, stats: Stats) -> None:
    for subscription, result in zip(subscriptions, send_concurrently(subscriptions, now=now), strict=True):
        stats.count(record(subscription=subscription, result=result, now=now).value)


def record(*, subscription: PushSubscription, result: push.PushResult, now: dt.datetime) -> push.Outcome:
    """Record what the push service answered for one subscription.

    The retry state (failure_count) belongs to one owed prompt: it starts again at 0 when the prompt is
    delivered, given up or refused, so the next prompt gets its full RETRY_MAX_ATTEMPTS.
    """
    changes: dict[str, object] = {}
    if result.outcome is push.Outcome.SENT:
        changes = {"last_success_at": now, "failure_count": 0, "retry_after": None, "pending_since": None}
    elif result.outcome is push.Outcome.GONE:
        PushSubscription.objects.filter(pk=subscription.pk).delete()
    elif result.outcome is push.Outcome.RETRY:
        failures = subscription.failure_count + 1
        owed_since = subscription.pending_since or now
        give_up = failures >= RETRY_MAX_ATTEMPTS or now - owed_since >= PENDING_MAX_AGE
        changes = {
            "failure_count": 0 if give_up else failures,
            # Even after giving up, the push service's own Retry-After (or the last backoff) is honoured.
            "retry_after": now + retry_delay(failures=failures, asked=result.retry_after),
            "pending_since": None if give_up else owed_since,
        }
        logger.info("push subscription %s: status %s, retrying later", subscription.pk, result.status)
    else:
        logger.warning("push subscription %s: rejected with status %s", subscription.pk, result.status)
        changes = {"pending_since": None, "failure_count": 0}
    if changes:
        PushSubscription.objects.filter(pk=subscription.pk).update(**changes)
    return result.outcome


def deliver(*, subscription: PushSubscription, now: dt.datetime) -> push.Outcome:
    """Send the prompt to one subscription and record what the push service answered."""
    return record(subscription=subscription, result=_send(subscription, now), now=now)


def retry_pending(*, now: dt.datetime | None = None, limit: int = BATCH_SIZE) -> Stats:
    """Re-send owed prompts whose backoff has passed (uses the partial index push_pending_idx)."""
    now = now or timezone.now()
    stats = Stats()
    owed = PushSubscription.objects.filter(pending_since__isnull=False, retry_after__lte=now).order_by(
        "retry_after"
    )[:limit]
    to_send = []
    for subscription in owed:
        rows = PushSubscription.objects.filter(pk=subscription.pk, retry_after=subscription.retry_after)
        if now - subscription.pending_since >= PENDING_MAX_AGE:
            rows.update(
                pending_since=None, failure_count=0
            )  # too late to be useful; the next prompt starts afresh
            continue
        if rows.update(retry_after=now + RETRY_LEASE) != 1:
            continue  # another dispatcher took it
        stats.claimed += 1
        to_send.append(subscription)
    _send_and_record(to_send, now=now, stats=stats)
    return stats
