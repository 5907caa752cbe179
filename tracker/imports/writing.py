"""Writing an import: each row checked against the account's words and the check-in rules, then the
profile, custom words and reminders of the file, then the check-ins in short transactions."""

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import Q

from tracker import checkin_rules as rules
from tracker import messages, practices, services
from tracker.imports.result import Candidate, Parsed, RowError, file_error
from tracker.models import (
    BodyArea,
    Boundary,
    CheckIn,
    Emotion,
    Help,
    Intention,
    Need,
    Profile,
    Reminder,
    Sensation,
)

BATCH_SIZE = 1000


@dataclass
class _Vocabulary:
    emotions: dict[str, int | None]
    needs: dict[str, int | None]
    sensations: dict[str, int | None]
    body_areas: dict[str, int | None]
    helps: dict[str, int | None]

    @classmethod
    def for_user(cls, user: AbstractBaseUser) -> "_Vocabulary":
        """Slug -> id of every word the user may use (5 queries)."""
        visible = Q(owner=None) | Q(owner=user)
        return cls(
            emotions=dict(Emotion.objects.filter(visible).values_list("slug", "id")),
            needs=dict(Need.objects.filter(visible).values_list("slug", "id")),
            sensations=dict(Sensation.objects.filter(visible).values_list("slug", "id")),
            body_areas=dict(BodyArea.objects.values_list("slug", "id")),
            helps=dict(Help.objects.filter(visible).values_list("slug", "id")),
        )

    def with_custom_words(self, words: dict[str, list[dict[str, Any]]]) -> "_Vocabulary":
        """Also the file's custom words (their ids are known once they are written)."""
        for kind in ("emotions", "needs", "sensations", "helps"):
            table = getattr(self, kind)
            for item in words.get(kind) or []:
                table.setdefault(item["slug"], None)
        return self


# A row's word fields -> the _Vocabulary table their slugs are looked up in, and the word's name.
WORD_FIELDS_OF_ROW = {
    "emotion": ("emotions", "emotion"),
    "need": ("needs", "need"),
    "sensation": ("sensations", "sensation"),
    "body_area": ("body_areas", "body area"),
    "would_help": ("helps", "help"),
}


def _row_check(candidate: Candidate, *, words: _Vocabulary, now: dt.datetime) -> None:
    """The rules a check-in made in the app obeys, applied to a row before anything is written: RowError
    when it breaks one. Context tags are normalized in place, as the app normalizes them."""
    c = candidate
    tags = rules.context_normalize(c.context)
    problems = rules.checkin_problems(
        {
            "occurred_at": c.occurred_at, "intensity": c.intensity, "note": c.note, "context": tags,
            "intensity_after": c.intensity_after, "harsh_line": c.harsh_line, "kind_line": c.kind_line,
        },
        now=now,
    )  # fmt: skip
    for name in ("occurred_at", "intensity", "intensity_after"):
        if name in problems:
            raise RowError(messages.ROW_RULES[problems[name]])
    for name, (table, word) in WORD_FIELDS_OF_ROW.items():
        slug = getattr(c, name)
        if slug is not None and slug not in getattr(words, table):
            raise RowError(messages.UNKNOWN_WORD.format(kind=word, slug=slug[:64]))
    for name in ("note", "context", "harsh_line", "kind_line"):
        if name in problems:
            raise RowError(messages.ROW_RULES[problems[name]])
    if not all(rules.text_storable(value) for value in (c.note, *tags)):
        raise RowError("The note or a tag holds a NUL character or invalid text.")
    if not all(rules.text_storable(value) for value in (c.harsh_line, c.kind_line)):
        raise RowError("A harsh or kinder line holds a NUL character or invalid text.")
    # The exported local date is kept (history as lived, in the zone of the day), but it must be a day the
    # instant can belong to somewhere: zones span UTC-12..+14 and a day may start as late as 23:00.
    utc_day = c.occurred_at.date()
    if c.local_date and not utc_day - dt.timedelta(days=2) <= c.local_date <= utc_day + dt.timedelta(days=1):
        raise RowError("'local_date' does not fit 'occurred_at'.")
    c.context = tags


def _checkin_values(
    candidate: Candidate, *, user: AbstractBaseUser, words: _Vocabulary, profile: Profile, now: dt.datetime
) -> dict[str, Any]:
    """The check-in a checked row becomes, as {attname: value}; a row without a local date gets one as a
    new check-in would. Created and updated times are the file's (a lossless round trip keeps them), never
    later than now."""
    c = candidate
    values = {
        name + "_id": None if getattr(c, name) is None else getattr(words, table)[getattr(c, name)]
        for name, (table, _word) in WORD_FIELDS_OF_ROW.items()
    }
    return {
        **values,
        "uuid": c.uuid,
        "user_id": user.pk,
        "occurred_at": c.occurred_at,
        "local_date": c.local_date or services.profile_local_date(profile, c.occurred_at),
        "intensity": c.intensity,
        "note": c.note,
        "context": c.context,
        "intensity_after": c.intensity_after,
        "harsh_line": c.harsh_line,
        "kind_line": c.kind_line,
        "source": c.source,
        "created_at": min(c.created_at or now, now),
        "updated_at": min(c.updated_at or now, now),
    }


def _existing_ids(*, user: AbstractBaseUser, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    ids = list(ids)
    found: set[uuid.UUID] = set()
    for start in range(0, len(ids), BATCH_SIZE):
        found.update(
            CheckIn.objects.filter(user=user, uuid__in=ids[start : start + BATCH_SIZE]).values_list(
                "uuid", flat=True
            )
        )
    return found


def _rows_checked(*, user: AbstractBaseUser, parsed: Parsed, now: dt.datetime) -> list[Candidate]:
    """The rows to write, in file order: rows the account already holds are skipped (a second import of
    the file, or the rest of an interrupted one), rows that break a rule are reported. Reads only."""
    result = parsed.result
    words = _Vocabulary.for_user(user).with_custom_words(parsed.custom_words)
    existing = _existing_ids(user=user, ids=(c.uuid for c in parsed.candidates))
    seen: set[uuid.UUID] = set()
    rows = []
    for candidate in parsed.candidates:
        if candidate.uuid in existing or candidate.uuid in seen:
            result.skipped += 1
            continue
        try:
            _row_check(candidate, words=words, now=now)
        except RowError as exc:
            result.error(candidate.row, str(exc))
            continue
        seen.add(candidate.uuid)
        rows.append(candidate)
    return rows


def _settings_write(*, user: AbstractBaseUser, parsed: Parsed, now: dt.datetime) -> Profile:
    """Profile, custom words and reminders of the file, in one short transaction before any check-in: a
    file-level problem found here (an invalid profile) leaves the account as it was."""
    with transaction.atomic():
        # One import per account at a time (PostgreSQL; SQLite's IMMEDIATE transactions serialize anyway),
        # so two imports into a new account cannot both restore its settings.
        profile = Profile.objects.select_for_update().get(pk=services.profile_get(user=user).pk)
        fresh = (
            not CheckIn.objects.filter(user=user).exists() and not Reminder.objects.filter(user=user).exists()
        )
        if parsed.profile and fresh:
            profile = _profile_restore(profile=profile, values=parsed.profile)
        _custom_words_create(user=user, words=parsed.custom_words)
        if parsed.reminders and fresh:
            _reminders_restore(user=user, profile=profile, reminders=parsed.reminders, now=now)
        if parsed.boundaries:
            _boundaries_restore(user=user, boundaries=parsed.boundaries, now=now)
        if parsed.intentions:
            _intentions_restore(user=user, intentions=parsed.intentions, now=now)
    return profile


def _insert_statement() -> tuple[str, list]:
    fields = [field for field in CheckIn._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Names come from the model, values are parameters.
    return f"INSERT INTO {quote(CheckIn._meta.db_table)} ({columns}) VALUES ({placeholders})", fields  # noqa: S608


def _chunk_write(
    *, user: AbstractBaseUser, rows: list[Candidate], words: _Vocabulary, profile: Profile, now: dt.datetime
) -> tuple[int, int]:
    """Insert one chunk of checked rows in its own transaction. Returns (written, skipped): a row the
    account gained meanwhile (an offline phone replaying its outbox, the same file sent twice at once)
    is skipped.

    Every value is converted for the database before the transaction starts, and the rows go in with one
    executemany: SQLite's write lock is then held for milliseconds. (bulk_create does that conversion
    while holding it, a few hundred milliseconds per chunk: writers waiting in SQLite's busy handler,
    which retries at intervals of up to 100 ms, then rarely found the lock free between two chunks.)
    """
    sql, fields = _insert_statement()
    database = connections[DEFAULT_DB_ALIAS]  # the object itself: `connection` is a per-access proxy
    params = {}
    for candidate in rows:
        values = _checkin_values(candidate, user=user, words=words, profile=profile, now=now)
        params[candidate.uuid] = [field.get_db_prep_save(values[field.attname], database) for field in fields]
    for _attempt in range(3):
        try:
            with transaction.atomic():
                taken = _existing_ids(user=user, ids=params)
                new = [values for checkin_id, values in params.items() if checkin_id not in taken]
                with connection.cursor() as cursor:
                    cursor.executemany(sql, new)
            return len(new), len(rows) - len(new)
        except IntegrityError:
            continue  # an id of the chunk was written between reading the ids and inserting: read again
    raise file_error("The import collided with other changes to your account; please try again.")


def _profile_restore(*, profile: Profile, values: dict[str, Any]) -> Profile:
    try:
        return services.profile_update(profile=profile, **values)
    except ValidationError as exc:
        messages = [f"{key}: {message}" for key, errors in exc.message_dict.items() for message in errors]
        raise file_error("The profile of this Attune export is invalid: " + " ".join(messages)) from None


def _custom_words_create(*, user: AbstractBaseUser, words: dict[str, list[dict[str, Any]]]) -> None:
    """Create the file's custom words the user lacks (a built-in word or their own of that slug wins)."""
    for kind, model in (("emotions", Emotion), ("needs", Need), ("sensations", Sensation), ("helps", Help)):
        items = words.get(kind) or []
        if not items:
            continue
        taken = set(
            model.objects.filter(
                Q(owner=None) | Q(owner=user), slug__in=[item["slug"] for item in items]
            ).values_list("slug", flat=True)
        )
        missing = {}
        for item in items:
            if item["slug"] not in taken:
                missing.setdefault(item["slug"], model(owner=user, **item))
        model.objects.bulk_create(list(missing.values()))


def _reminders_restore(
    *, user: AbstractBaseUser, profile: Profile, reminders: list[dict[str, Any]], now: dt.datetime
) -> None:
    """Reminders of the file, into an account that has none. A reminder id is unique across all accounts,
    so one still held elsewhere (the account exported from, on this server) gets a new id."""
    from tracker.reminders import REMINDERS_PER_USER_MAX, reminder_next_fire_at

    taken = set(
        Reminder.objects.filter(uuid__in=[item["uuid"] for item in reminders]).values_list("uuid", flat=True)
    )
    rows = []
    for item in reminders[:REMINDERS_PER_USER_MAX]:
        reminder = Reminder(
            user=user, **{**item, "uuid": uuid.uuid4() if item["uuid"] in taken else item["uuid"]}
        )
        taken.add(reminder.uuid)
        reminder.next_fire_at = reminder_next_fire_at(reminder=reminder, profile=profile, now=now)
        rows.append(reminder)
    Reminder.objects.bulk_create(rows)


def _boundaries_restore(
    *, user: AbstractBaseUser, boundaries: list[dict[str, Any]], now: dt.datetime
) -> None:
    """The file's boundaries the account lacks (by id, or by the same words), with their needs and times.

    A boundary id is unique across all accounts, so one still held elsewhere gets a new id. A need the
    account does not know refuses the file (this runs in _settings_write's transaction: nothing is kept).
    """
    held = Boundary.objects.filter(user=user)
    held_ids = set(held.values_list("uuid", flat=True))
    held_texts = set(held.values_list("text", flat=True))
    room = practices.BOUNDARIES_PER_USER_MAX - len(held_ids)
    wanted = [b for b in boundaries if b["uuid"] not in held_ids and b["text"] not in held_texts][
        : max(room, 0)
    ]
    if not wanted:
        return
    slugs = {slug for b in wanted for slug in b["needs"]}
    needs = dict(Need.objects.filter(Q(owner=None) | Q(owner=user), slug__in=slugs).values_list("slug", "id"))
    unknown = sorted(slugs - set(needs))
    if unknown:
        raise file_error(f"A boundary of this Attune export names an unknown need '{unknown[0][:64]}'.")
    taken = set(Boundary.objects.filter(uuid__in=[b["uuid"] for b in wanted]).values_list("uuid", flat=True))
    rows = []
    for item in wanted:
        boundary_id = uuid.uuid4() if item["uuid"] in taken else item["uuid"]
        taken.add(boundary_id)
        rows.append(Boundary(user=user, uuid=boundary_id, text=item["text"]))
    Boundary.objects.bulk_create(rows)
    # auto_now(_add) stamped them now; the file's times are the history (lossless), never later than now.
    for row, item in zip(rows, wanted, strict=True):
        row.created_at = min(item["created_at"] or now, now)
        row.updated_at = min(item["updated_at"] or row.created_at, now)
    Boundary.objects.bulk_update(rows, ["created_at", "updated_at"])
    through = Boundary.needs.through
    through.objects.bulk_create(
        [
            through(boundary_id=row.pk, need_id=needs[slug])
            for row, item in zip(rows, wanted, strict=True)
            for slug in item["needs"]
        ]
    )


def _intentions_restore(
    *, user: AbstractBaseUser, intentions: list[dict[str, Any]], now: dt.datetime
) -> None:
    """The file's intentions for weeks the account has none for (its own are never overwritten)."""
    held = set(Intention.objects.filter(user=user).values_list("week_start", flat=True))
    rows = {}
    for item in intentions:
        if item["week_start"] not in held:
            rows.setdefault(
                item["week_start"],
                (Intention(user=user, week_start=item["week_start"], text=item["text"]), item),
            )
    if not rows:
        return
    created = Intention.objects.bulk_create([row for row, _item in rows.values()])
    for row, (_same, item) in zip(created, rows.values(), strict=True):
        row.updated_at = min(item["updated_at"] or now, now)
    Intention.objects.bulk_update(created, ["updated_at"])
