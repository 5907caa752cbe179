"""Writes of Attune's domain: accounts, profiles, custom words and check-ins.

Every function is keyword-only, raises django.core.exceptions.ValidationError (mapped to HTTP 400 by the
API) and leaves the database unchanged when it raises. It is ~490 lines because it holds every write
of one idea (the domain's writes); the check-in writes may move to a module of their own after the
speed work that edits them.
"""

import datetime as dt
import uuid
import zoneinfo
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.text import slugify

from tracker import checkin_rules as rules
from tracker import credentials, messages
from tracker.checkin_rules import EARLIEST_OCCURRED_AT, LATEST_INSTANT  # trends imports them from here
from tracker.models import WEEKDAYS, BodyArea, CheckIn, Emotion, Help, Need, Profile, Sensation
from tracker.reminders import reminders_reschedule_for_user
from tracker.rows import RowInserter

User = get_user_model()


# --- time --------------------------------------------------------------------------------------


def zone_from_name(name: str, *, field: str = "timezone") -> zoneinfo.ZoneInfo:
    """The IANA zone called `name`, or a field error."""
    try:
        if not name or name != name.strip() or name[:1] == "/" or ".." in name:
            raise ValueError(name)
        return zoneinfo.ZoneInfo(name)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        raise ValidationError({field: [messages.UNKNOWN_TIME_ZONE.format(name=name)]}) from None


def local_date_for(occurred_at: dt.datetime, *, zone: zoneinfo.ZoneInfo, day_starts_at: int) -> dt.date:
    """The user's local day that `occurred_at` belongs to.

    The day boundary is a wall-clock hour ("my day ends at 4 am"), so the hours are taken off the local
    wall time, not off UTC: on a DST night the boundary still falls at 04:00 on the clock.
    """
    wall = occurred_at.astimezone(zone).replace(tzinfo=None)
    return (wall - dt.timedelta(hours=day_starts_at)).date()


def profile_local_date(profile: Profile, occurred_at: dt.datetime) -> dt.date:
    return local_date_for(
        occurred_at, zone=zoneinfo.ZoneInfo(profile.timezone), day_starts_at=profile.day_starts_at
    )


# --- health ------------------------------------------------------------------------------------

HEALTH_WAIT_SECONDS = 2  # a health check answers quickly, even when the database makes writers wait


def database_writable_check() -> None:
    """Raise (a DatabaseError) unless the database would take a write within HEALTH_WAIT_SECONDS.

    SQLite: take the write lock (BEGIN IMMEDIATE) and release it. PostgreSQL: a transaction there must not
    be read-only (a replica, a server in recovery, default_transaction_read_only). Nothing is written.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            (usual,) = cursor.fetchone()
            cursor.execute(f"PRAGMA busy_timeout = {HEALTH_WAIT_SECONDS * 1000}")
            try:
                with transaction.atomic():  # BEGIN IMMEDIATE (settings.SQLITE_OPTIONS)
                    cursor.execute("SELECT 1")
            finally:
                cursor.execute(f"PRAGMA busy_timeout = {int(usual)}")
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL statement_timeout = {HEALTH_WAIT_SECONDS * 1000}")
        cursor.execute("SELECT current_setting('transaction_read_only')")
        if cursor.fetchone()[0] == "on":
            raise DatabaseError("the database is read-only")


# --- accounts ----------------------------------------------------------------------------------


def user_register(*, username: str, password: str, timezone_name: str = "UTC") -> AbstractBaseUser:
    """Create a user with a profile. Usernames are unique regardless of case."""
    errors: dict[str, list[str]] = {}
    zone_error = None
    try:
        zone_from_name(timezone_name)
    except ValidationError as exc:
        zone_error = exc
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = [messages.USERNAME_TAKEN]
    candidate = User(username=username)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if zone_error:
        errors.update(zone_error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        try:
            user = User.objects.create_user(username=username, password=password)
        except IntegrityError:  # registered by a concurrent request a moment ago
            raise ValidationError({"username": [messages.USERNAME_TAKEN]}) from None
        Profile.objects.create(user=user, timezone=timezone_name)
    return user


def profile_get(*, user: AbstractBaseUser) -> Profile:
    """The user's profile; free when authentication already joined it in (api.authentication)."""
    try:
        return user.profile
    except Profile.DoesNotExist:  # an account made outside register (createsuperuser)
        profile, _ = Profile.objects.get_or_create(user=user)
        return profile


# The gentle prompts of issue 14, each a Profile boolean the person may turn off (default on).
PROFILE_PROMPTS = ("prompt_naming", "prompt_kind_line", "prompt_self_compassion")


def profile_update(
    *,
    profile: Profile,
    timezone_name: str | None = None,
    day_starts_at: int | None = None,
    week_starts_on: str | None = None,
    paused_until: dt.datetime | type[Ellipsis] | None = ...,
    **prompts: bool,
) -> Profile:
    """Change profile settings. Past check-ins keep their local dates (they are history as lived).

    `prompts` turns the gentle prompts (PROFILE_PROMPTS) on or off; each is a plain boolean."""
    reschedule = (timezone_name is not None and timezone_name != profile.timezone) or (
        paused_until is not ... and paused_until != profile.paused_until
    )
    if timezone_name is not None:
        zone_from_name(timezone_name)
        profile.timezone = timezone_name
    if day_starts_at is not None:
        if not 0 <= day_starts_at <= 23:
            raise ValidationError({"day_starts_at": [messages.DAY_START_HOUR]})
        profile.day_starts_at = day_starts_at
    if week_starts_on is not None:
        if week_starts_on not in WEEKDAYS:
            raise ValidationError(
                {"week_starts_on": [messages.CHOOSE_ONE_OF.format(choices=", ".join(WEEKDAYS))]}
            )
        profile.week_starts_on = week_starts_on
    for name, value in prompts.items():
        if name not in PROFILE_PROMPTS:
            raise TypeError(f"profile_update() got an unexpected keyword argument {name!r}")
        if not isinstance(value, bool):
            raise ValidationError({name: ["Must be a valid boolean."]})
        setattr(profile, name, value)
    if paused_until is not ...:
        if paused_until is not None and not EARLIEST_OCCURRED_AT <= paused_until <= LATEST_INSTANT:
            raise ValidationError({"paused_until": [messages.PAUSED_UNTIL_TOO_LATE]})
        profile.paused_until = paused_until
    with transaction.atomic():
        profile.save()
        if reschedule:  # reminders fire at wall times in the zone, and not during a pause
            reminders_reschedule_for_user(user=profile.user)
    return profile


def user_delete(*, user: AbstractBaseUser, password: str) -> None:
    """Delete the account and every row that belongs to it, and sign it out everywhere.

    Cascades reach every table but one: check-ins PROTECT the words they name (a built-in word must never
    vanish under them), so they go first, before the cascade removes the user's custom words. Sessions
    and tokens go with the user (tracker.sessions keeps the user on each session row). The cached charts
    go too: their descriptions name the person's feelings in words.
    """
    if not user.check_password(password):
        raise ValidationError({"password": [messages.WRONG_PASSWORD]})
    from tracker.charts import charts_forget  # (charts imports trends, which imports this module)

    user_id = user.pk
    with transaction.atomic():
        CheckIn.objects.filter(user=user).delete()
        credentials.sessions_end(user_id=user_id)
        user.delete()
    charts_forget(user_id=user_id)


# --- vocabulary --------------------------------------------------------------------------------

VOCABULARY_MODELS: dict[str, type[Model]] = {
    "emotion": Emotion,
    "need": Need,
    "sensation": Sensation,
    "help": Help,
}


# Built-in words by slug, per process. They change only when the vocabulary is loaded (a migration or
# `loadvocabulary`), which clears this; a slug missing here is looked up in the database, so a word
# added by another process is still found. Saves a query per word on every check-in write.
_builtin_words: dict[type[Model], dict[str, Model]] = {}


def builtin_words_forget(**_kwargs) -> None:
    _builtin_words.clear()


def _builtin_word(model: type[Model], slug: str) -> Model | None:
    if model not in _builtin_words:
        builtin = model.objects.all() if model is BodyArea else model.objects.filter(owner=None)
        _builtin_words[model] = {word.slug: word for word in builtin}
    return _builtin_words[model].get(slug)


def vocabulary_word_for(
    *, user: AbstractBaseUser, model: type[Model], slug: str, field: str, label: str = ""
) -> Model:
    """A built-in word or one of the caller's own; anyone else's custom word does not exist.

    `label` names the word in the error ("help" for the field would_help); the field's name otherwise.
    """
    word = (
        _builtin_word(model, slug) or model.objects.filter(Q(owner=None) | Q(owner=user), slug=slug).first()
    )
    if word is None:
        raise ValidationError(
            {field: [messages.UNKNOWN_WORD.format(kind=label or field.replace("_", " "), slug=slug)]}
        )
    return word


def body_area_for(*, slug: str) -> BodyArea:
    word = _builtin_word(BodyArea, slug) or BodyArea.objects.filter(slug=slug).first()
    if word is None:
        raise ValidationError({"body_area": [messages.UNKNOWN_WORD.format(kind="body area", slug=slug)]})
    return word


def vocabulary_word_create(
    *, user: AbstractBaseUser, kind: str, name: str, definition: str = "", **attributes: Any
) -> Model:
    """Add a custom word for `user`. The slug comes from the name; it may not shadow a built-in word."""
    model = VOCABULARY_MODELS[kind]
    name = " ".join(name.split())
    slug = slugify(name, allow_unicode=True)[:64].strip("-")
    if not slug:
        raise ValidationError({"name": [messages.WORD_NAME_EMPTY]})
    if model.objects.filter(Q(owner=None) | Q(owner=user), slug=slug).exists():
        raise ValidationError({"name": [messages.ALREADY_IN_VOCABULARY.format(name=name)]})
    if kind == "emotion":
        for axis in ("pleasantness", "energy"):
            value = attributes.get(axis)
            if value is None or not -1 <= value <= 1:
                raise ValidationError({axis: [messages.WORD_AXIS_RANGE]})
        attributes.setdefault("family", "")
        attributes["family"] = attributes["family"] or _family_for(
            attributes["pleasantness"], attributes["energy"]
        )
    try:
        with transaction.atomic():
            return model.objects.create(owner=user, slug=slug, name=name, definition=definition, **attributes)
    except IntegrityError:  # the same word added twice at once
        raise ValidationError({"name": [messages.ALREADY_IN_VOCABULARY.format(name=name)]}) from None


def _family_for(pleasantness: float, energy: float) -> str:
    """A family for a custom emotion given without one, from its quadrant."""
    if pleasantness >= 0:
        return "joy" if energy >= 0 else "calm"
    return "fear" if energy >= 0 else "sadness"


# --- check-ins ---------------------------------------------------------------------------------

CHECKIN_FIELDS = (
    "occurred_at", "emotion", "intensity", "need", "sensation", "body_area", "note", "context",
    "intensity_after", "would_help", "harsh_line", "kind_line",
)  # fmt: skip


def _checkin_values(*, user: AbstractBaseUser, data: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    """Validate check-in input (slugs resolved for this user) into model field values.

    `data` holds already-typed values (the API's input serializer parsed them); only keys present are
    returned, so the same function serves create, replace and partial update.
    """
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}

    def collect(error_field: str, fn, **kwargs):
        try:
            return fn(**kwargs)
        except ValidationError as exc:
            errors.setdefault(error_field, []).extend(exc.messages)

    if "occurred_at" in data:
        values["occurred_at"] = data["occurred_at"]
    if "emotion" in data:
        values["emotion"] = collect(
            "emotion", vocabulary_word_for, user=user, model=Emotion, slug=data["emotion"], field="emotion"
        )
    for field, model in (("need", Need), ("sensation", Sensation)):
        if field in data:
            slug = data[field]
            values[field] = (
                collect(field, vocabulary_word_for, user=user, model=model, slug=slug, field=field)
                if slug
                else None
            )
    if "would_help" in data:
        slug = data["would_help"]
        found = (
            collect(
                "would_help",
                vocabulary_word_for,
                user=user,
                model=Help,
                slug=slug,
                field="would_help",
                label="help",
            )
            if slug
            else None
        )
        values["would_help"] = found
    if "body_area" in data:
        slug = data["body_area"]
        values["body_area"] = collect("body_area", body_area_for, slug=slug) if slug else None
    if "intensity" in data:
        values["intensity"] = data["intensity"]
    if "note" in data:
        values["note"] = data["note"] or ""
    if "intensity_after" in data:
        values["intensity_after"] = data["intensity_after"]
    for line in ("harsh_line", "kind_line"):
        if line in data:
            values[line] = data[line] or ""
    if "context" in data:
        values["context"] = rules.context_normalize(data["context"] or [])
    for field, rule in rules.checkin_problems(values, now=now).items():
        errors[field] = [messages.CHECKIN_RULES[rule]]
        values.pop(field, None)
    if "occurred_at" in values:
        values["occurred_at"] = values["occurred_at"].astimezone(dt.UTC)
    if errors:
        raise ValidationError(errors)
    return values


def _new_checkin(
    *, user: AbstractBaseUser, checkin_id: uuid.UUID, values: dict[str, Any], source: str, now: dt.datetime
) -> CheckIn:
    for required in ("emotion", "intensity"):
        if required not in values:
            raise ValidationError({required: [messages.REQUIRED]})
    values.setdefault("occurred_at", now)  # no time given: the moment the request was checked
    profile = profile_get(user=user)
    return _checkin_rows.new(
        {
            "user": user,
            "uuid": checkin_id,
            "local_date": profile_local_date(profile, values["occurred_at"]),
            "source": source,
            **values,
        }
    )


# A new check-in built and INSERTed with its SQL built once per process (tracker.rows): the ORM compiled
# it on every POST and PUT, ~500 µs of the request's ~1 ms in the database layer (issue 12).
_checkin_rows = RowInserter(CheckIn)


def checkin_create(
    *,
    user: AbstractBaseUser,
    data: dict[str, Any],
    checkin_id: uuid.UUID | None = None,
    source: str = CheckIn.Source.APP,
) -> tuple[CheckIn, bool]:
    """Create a check-in; a retry with the same client id returns the stored row unchanged.

    Returns (check-in, created). Concurrent retries are safe: the (user, uuid) unique constraint lets
    exactly one insert win; the others find and return the winner's row.
    """
    now = timezone.now()
    checkin_id = checkin_id or uuid.uuid4()
    values = _checkin_values(user=user, data=data, now=now)
    checkin = _new_checkin(user=user, checkin_id=checkin_id, values=values, source=source, now=now)
    # Insert first: a retry is the rare case, so it pays the extra query, not every new check-in.
    try:
        if connection.in_atomic_block:
            with transaction.atomic():  # a savepoint: the caller's transaction outlives a duplicate
                _checkin_rows.insert(checkin)
        else:
            # One statement is atomic on its own. Without BEGIN IMMEDIATE ... COMMIT around it, SQLite's
            # write lock is held only while the INSERT runs, not while Python prepares, sends and commits
            # it, so concurrent writers queue (and sleep in the busy handler) less.
            _checkin_rows.insert(checkin)
    except IntegrityError:
        existing = CheckIn.objects.filter(user=user, uuid=checkin_id).first()
        if existing is None:
            raise
        return existing, False
    return checkin, True


def checkin_upsert(
    *, user: AbstractBaseUser, checkin_id: uuid.UUID, data: dict[str, Any]
) -> tuple[CheckIn, bool]:
    """PUT semantics: create the check-in with this client id, or replace the caller's stored one.

    Returns (check-in, created). Sending the same body again leaves the same row: the outbox of an
    offline phone may replay a PUT any number of times.
    """
    now = timezone.now()
    values = _checkin_values(user=user, data=data, now=now)
    for _attempt in range(2):
        with transaction.atomic():
            existing = CheckIn.objects.select_for_update().filter(user=user, uuid=checkin_id).first()
            if existing is not None:
                return _checkin_replace(checkin=existing, values=values, now=now), False
            checkin = _new_checkin(
                user=user, checkin_id=checkin_id, values=dict(values), source="app", now=now
            )
            try:
                with transaction.atomic():
                    _checkin_rows.insert(checkin)
                return checkin, True
            except IntegrityError:
                continue  # a concurrent PUT inserted it first: replace that row instead
    raise IntegrityError("check-in upsert kept colliding")  # pragma: no cover


def _checkin_replace(*, checkin: CheckIn, values: dict[str, Any], now: dt.datetime) -> CheckIn:
    for required in ("emotion", "intensity"):
        if required not in values:
            raise ValidationError({required: [messages.REQUIRED]})
    full = {
        "occurred_at": checkin.occurred_at,
        "need": None,
        "sensation": None,
        "body_area": None,
        "note": "",
        "context": [],
        "intensity_after": None,
        "would_help": None,
        "harsh_line": "",
        "kind_line": "",
        **values,
    }
    return _checkin_apply(checkin=checkin, values=full)


def checkin_update(*, checkin: CheckIn, data: dict[str, Any]) -> CheckIn:
    """PATCH: change only the given fields."""
    values = _checkin_values(user=checkin.user, data=data, now=timezone.now())
    with transaction.atomic():
        return _checkin_apply(checkin=checkin, values=values)


def _checkin_apply(*, checkin: CheckIn, values: dict[str, Any]) -> CheckIn:
    """Write only the fields whose value changes: two PATCHes of different fields, each from its own read
    of the row, must both be kept (saving every column would write back the other's old value), and a
    replayed PUT changes nothing, not even updated_at (which charts' ETags are made of)."""
    changed = [field for field, value in values.items() if _differs(checkin, field, value)]
    if not changed:
        return checkin
    for field in changed:
        setattr(checkin, field, values[field])
    if "occurred_at" in changed:
        checkin.local_date = profile_local_date(profile_get(user=checkin.user), checkin.occurred_at)
        changed.append("local_date")
    checkin.save(update_fields=[*changed, "updated_at"])
    return checkin


def _differs(checkin: CheckIn, field: str, value: Any) -> bool:
    model_field = CheckIn._meta.get_field(field)
    if model_field.is_relation:  # compare ids: reading the related word would cost a query
        return getattr(checkin, model_field.attname) != (value.pk if value is not None else None)
    return getattr(checkin, field) != value


def checkin_delete(*, checkin: CheckIn) -> None:
    checkin.delete()
