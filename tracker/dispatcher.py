"""The reminder dispatcher's steps, run in a loop by `manage.py sendreminders` (any number of processes).

Each due reminder is claimed with a compare-and-set UPDATE on (id, next_fire_at as read) that also moves
`next_fire_at` to the next occurrence; only the process whose UPDATE changed one row sends. So a reminder
occurrence is sent at most once however many dispatchers run, and a crash after the claim loses that one
prompt instead of repeating it: for a gentle reminder, once or not at all beats twice.

Push failures: 404/410 delete the subscription; 429/5xx (or no answer) mark the subscription as owed one
notification (`pending_since`) and back off (`retry_after`, exponential, at least what Retry-After asked);
the retry pass re-sends the same generic prompt, claimed with the same compare-and-set on `retry_after`.
An owed prompt older than the push TTL, or failing RETRY_MAX_ATTEMPTS times, is dropped: a check-in prompt
many hours late is noise.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

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
    """Claim and send every due reminder of one batch. One reminder's failure does not stop the others."""
    now = now or timezone.now()
    stats = Stats()
    due = due_reminders(now=now, limit=limit)
    # The batch's subscriptions in one query rather than one per reminder.
    by_user: dict[int, list[PushSubscription]] = {}
    for subscription in PushSubscription.objects.filter(user_id__in={r.user_id for r in due}).order_by("id"):
        by_user.setdefault(subscription.user_id, []).append(subscription)
    for reminder in due:
        try:
            reminder_fire(
                reminder=reminder, now=now, stats=stats, subscriptions=by_user.get(reminder.user_id, [])
            )
        except Exception:
            # Only ids in the log: no label, no user text.
            logger.exception("reminder %s: dispatch failed", reminder.uuid)
            stats.errors += 1
            _push_back(reminder=reminder, now=now)
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
    """Claim this occurrence (compare-and-set), schedule the next one, then send. True when claimed.

    The next occurrence is computed from the wall time in the zone, strictly after the later of the
    occurrence and now: one fire per occurrence, and after downtime the schedule resumes in the future
    rather than replaying what was missed.
    """
    stats = stats or Stats()
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
        return False  # another dispatcher won this occurrence, or the reminder was edited meanwhile
    stats.claimed += 1
    if stale or paused:
        stats.stale += 1
        return True
    if subscriptions is None:
        subscriptions = list(PushSubscription.objects.filter(user_id=reminder.user_id).order_by("id"))
    for subscription in subscriptions:
        if getattr(subscription, "gone", False):
            continue
        if subscription.retry_after is not None and subscription.retry_after > now:
            # Backing off from this push service: owe the prompt, the retry pass delivers it.
            PushSubscription.objects.filter(pk=subscription.pk).update(
                pending_since=Coalesce(F("pending_since"), now)
            )
            stats.count("deferred")
            continue
        stats.count(deliver(subscription=subscription, now=now).value)
    return True


def retry_delay(*, failures: int, asked: dt.timedelta | None) -> dt.timedelta:
    """Exponential backoff from RETRY_BASE_DELAY, but never sooner than the push service asked."""
    delay = min(RETRY_BASE_DELAY * 2 ** max(failures - 1, 0), RETRY_MAX_DELAY)
    if asked is not None:
        delay = max(delay, min(asked, RETRY_AFTER_CAP))
    return delay


def deliver(*, subscription: PushSubscription, now: dt.datetime) -> push.Outcome:
    """Send the prompt to one subscription and record what the push service answered."""
    try:
        result = push.push_send(subscription=subscription, now=now)
    except Exception:  # a corrupt key, a library bug: this subscription only
        logger.exception("push subscription %s: send failed", subscription.pk)
        result = push.PushResult(push.Outcome.REJECTED)
    changes: dict[str, object] = {}
    if result.outcome is push.Outcome.SENT:
        changes = {"last_success_at": now, "failure_count": 0, "retry_after": None, "pending_since": None}
    elif result.outcome is push.Outcome.GONE:
        PushSubscription.objects.filter(pk=subscription.pk).delete()
        subscription.gone = True  # the batch may reach this subscription again
    elif result.outcome is push.Outcome.RETRY:
        failures = subscription.failure_count + 1
        owed_since = subscription.pending_since or now
        give_up = failures >= RETRY_MAX_ATTEMPTS or now - owed_since >= PENDING_MAX_AGE
        changes = {
            "failure_count": failures,
            "retry_after": now + retry_delay(failures=failures, asked=result.retry_after),
            "pending_since": None if give_up else owed_since,
        }
        logger.info("push subscription %s: status %s, retrying later", subscription.pk, result.status)
    else:
        logger.warning("push subscription %s: rejected with status %s", subscription.pk, result.status)
        changes = {"pending_since": None}
    if changes:
        PushSubscription.objects.filter(pk=subscription.pk).update(**changes)
        for name, value in changes.items():  # the batch may reach this subscription again
            setattr(subscription, name, value)
    return result.outcome


def retry_pending(*, now: dt.datetime | None = None, limit: int = BATCH_SIZE) -> Stats:
    """Re-send owed prompts whose backoff has passed (uses the partial index push_pending_idx)."""
    now = now or timezone.now()
    stats = Stats()
    owed = PushSubscription.objects.filter(pending_since__isnull=False, retry_after__lte=now).order_by(
        "retry_after"
    )[:limit]
    for subscription in owed:
        rows = PushSubscription.objects.filter(pk=subscription.pk, retry_after=subscription.retry_after)
        if now - subscription.pending_since >= PENDING_MAX_AGE:
            rows.update(pending_since=None)  # too late to be useful
            continue
        if rows.update(retry_after=now + RETRY_LEASE) != 1:
            continue  # another dispatcher took it
        stats.claimed += 1
        stats.count(deliver(subscription=subscription, now=now).value)
    return stats
