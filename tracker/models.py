"""Attune's domain model. Business rules live in services.py (writes) and selectors.py (reads)."""

import secrets
import uuid

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length

models.TextField.register_lookup(Length)  # lets a CheckConstraint bound the note length


class Weekday(models.TextChoices):
    MON = "mon", "Monday"
    TUE = "tue", "Tuesday"
    WED = "wed", "Wednesday"
    THU = "thu", "Thursday"
    FRI = "fri", "Friday"
    SAT = "sat", "Saturday"
    SUN = "sun", "Sunday"


WEEKDAYS = [day.value for day in Weekday]  # index == date.weekday()


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    timezone = models.CharField(max_length=64, default="UTC")  # IANA name, validated in services
    # "My day ends at 4 am": a check-in at 01:30 still belongs to the previous local day.
    day_starts_at = models.PositiveSmallIntegerField(default=0)
    week_starts_on = models.CharField(max_length=3, choices=Weekday.choices, default=Weekday.MON)
    # A quiet pause for every reminder of the account (holidays, hard weeks).
    paused_until = models.DateTimeField(null=True, blank=True)
    # The only credential of the calendar feed; rotating it revokes old subscriptions.
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    # The gentle prompts of the check-in (issue 14), each of which the person may turn off.
    prompt_naming = models.BooleanField(default=True)  # "how strong is it now that you've named it?"
    prompt_kind_line = models.BooleanField(default=True)  # a harsh line rewritten as a kinder one
    prompt_self_compassion = models.BooleanField(default=True)  # kindness, common humanity, mindfulness

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(day_starts_at__lte=23), name="profile_day_starts_at_0_23"),
            models.CheckConstraint(
                condition=Q(week_starts_on__in=WEEKDAYS), name="profile_week_starts_on_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"profile of user {self.user_id}"


class VocabularyWord(models.Model):
    """Shared shape of the built-in (owner is null) and custom (owner set) vocabularies."""

    slug = models.SlugField(max_length=64)
    name = models.CharField(max_length=64)
    definition = models.CharField(max_length=300, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.slug


def _vocabulary_constraints(prefix: str) -> list[models.BaseConstraint]:
    # A built-in slug is unique among built-ins; a custom slug is unique within its owner's words.
    # services.py also refuses a custom slug that shadows a built-in one.
    return [
        models.UniqueConstraint(
            fields=["slug"], condition=Q(owner=None), name=f"{prefix}_builtin_slug_unique"
        ),
        models.UniqueConstraint(fields=["owner", "slug"], name=f"{prefix}_owner_slug_unique"),
    ]


class Need(VocabularyWord):
    category = models.CharField(max_length=40)

    class Meta(VocabularyWord.Meta):
        constraints = _vocabulary_constraints("need")


class Emotion(VocabularyWord):
    family = models.CharField(max_length=40)
    # Circumplex coordinates, -1..+1: unpleasant..pleasant and low..high energy.
    pleasantness = models.FloatField()
    energy = models.FloatField()
    # Words like "abandoned" describe what others did; they point to the feelings and needs beneath.
    is_interpretation = models.BooleanField(default=False)
    # Words like "worthless" judge the self; the app may offer a self-compassion prompt after them.
    is_self_judgment = models.BooleanField(default=False)
    suggested_emotions = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="+")
    suggested_needs = models.ManyToManyField(Need, blank=True, related_name="+")

    class Meta(VocabularyWord.Meta):
        constraints = [
            *_vocabulary_constraints("emotion"),
            models.CheckConstraint(
                condition=Q(pleasantness__gte=-1, pleasantness__lte=1), name="emotion_pleasantness_range"
            ),
            models.CheckConstraint(condition=Q(energy__gte=-1, energy__lte=1), name="emotion_energy_range"),
        ]


class Sensation(VocabularyWord):
    class Meta(VocabularyWord.Meta):
        constraints = _vocabulary_constraints("sensation")


class Help(VocabularyWord):
    """What would help with a feeling ("to be heard", "space"): named before any conversation."""

    class Meta(VocabularyWord.Meta):
        constraints = _vocabulary_constraints("help")


class BodyArea(models.Model):
    slug = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=40)
    position = models.PositiveSmallIntegerField(default=0)  # head to toe, for display

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.slug


# A check-in's optional words of the vocabulary (its foreign keys that may be empty).
OPTIONAL_WORDS = ("need", "sensation", "body_area", "would_help")


class CheckIn(models.Model):
    class Source(models.TextChoices):
        APP = "app"
        IMPORT = "import"

    # The public id is client-generated and unique per user only: another user holding the same UUID is
    # invisible and never conflicts, so the integer primary key stays internal.
    uuid = models.UUIDField(default=uuid.uuid4)
    # No index of its own: every index below starts with the user (one index fewer to write per check-in).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins", db_index=False
    )
    occurred_at = models.DateTimeField()
    # Derived from the profile's zone and day start when written, then fixed: a later move to another
    # zone does not re-bucket the past.
    local_date = models.DateField()
    emotion = models.ForeignKey(Emotion, on_delete=models.PROTECT, related_name="+")
    intensity = models.PositiveSmallIntegerField()
    # The optional words are indexed in Meta.indexes (only the check-ins that name one).
    need = models.ForeignKey(
        Need, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    sensation = models.ForeignKey(
        Sensation, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    body_area = models.ForeignKey(
        BodyArea, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    note = models.TextField(blank=True, default="")
    context = models.JSONField(default=list, blank=True)  # short who/where tags
    # Issue 14, all optional: the intensity once the feeling is named, what would help, and a harsh inner
    # line with a kinder rewrite (private like the note).
    intensity_after = models.PositiveSmallIntegerField(null=True, blank=True)
    would_help = models.ForeignKey(
        Help, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    harsh_line = models.TextField(blank=True, default="")
    kind_line = models.TextField(blank=True, default="")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.APP)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "uuid"], name="checkin_user_uuid_unique"),
            models.CheckConstraint(condition=Q(intensity__lte=10), name="checkin_intensity_0_10"),
            models.CheckConstraint(condition=Q(note__length__lte=5000), name="checkin_note_max_5000"),
            models.CheckConstraint(
                condition=Q(intensity_after__isnull=True) | Q(intensity_after__lte=10),
                name="checkin_intensity_after_0_10",
            ),
            models.CheckConstraint(
                condition=Q(harsh_line__length__lte=500), name="checkin_harsh_line_max_500"
            ),
            models.CheckConstraint(condition=Q(kind_line__length__lte=500), name="checkin_kind_line_max_500"),
            models.CheckConstraint(condition=Q(source__in=["app", "import"]), name="checkin_source_valid"),
        ]
        indexes = [
            # GET /api/checkins/: the caller's rows, newest first, cursor-paginated.
            models.Index(fields=["user", "-occurred_at", "-id"], name="checkin_user_recent_idx"),
            # Trends and charts: the caller's rows within a local-date range. It also holds what the range
            # trends and the charts' fingerprint read, so SQLite answers those from the index alone
            # (measured for issue 12: a year by week ~11% faster in SQL; the 304's fingerprint too).
            models.Index(
                fields=["user", "local_date", "emotion", "intensity", "intensity_after", "updated_at"],
                name="checkin_user_day_covering_idx",
            ),
            # Deleting a word (PROTECT) looks up the check-ins that name it. An optional word's index
            # holds only those, so a check-in that leaves it empty writes nothing there (issue 12: two
            # to four of a check-in's nine B-trees); `word = x` and `word IN (...)` imply NOT NULL, so
            # SQLite and PostgreSQL both use it.
            *(
                models.Index(
                    fields=[word], condition=Q(**{f"{word}__isnull": False}), name=f"checkin_{word}_idx"
                )
                for word in OPTIONAL_WORDS
            ),
        ]

    def __str__(self) -> str:
        return str(self.uuid)


class Boundary(models.Model):
    """What the person will and won't accept, in their words, with the needs it protects."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True)  # the public id
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="boundaries")
    text = models.TextField()
    needs = models.ManyToManyField(Need, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(text__length__lte=500), name="boundary_text_max_500"),
        ]
        indexes = [
            # GET /api/boundaries/: the caller's, newest first.
            models.Index(fields=["user", "-created_at", "-id"], name="boundary_user_recent_idx"),
        ]

    def __str__(self) -> str:
        return str(self.uuid)


class Intention(models.Model):
    """One small step for a week; the week is named by its first day in the person's week."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="intentions")
    week_start = models.DateField()
    text = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "week_start"], name="intention_user_week_unique"),
            models.CheckConstraint(condition=Q(text__length__lte=280), name="intention_text_max_280"),
        ]

    def __str__(self) -> str:
        return f"intention of user {self.user_id} for {self.week_start}"


class Reminder(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    time = models.TimeField()  # local wall-clock time in the profile's zone
    days = models.JSONField(default=list)  # ["mon", ..., "sun"]
    enabled = models.BooleanField(default=True)
    window_minutes = models.PositiveSmallIntegerField(default=0)  # fire at a random moment inside
    label = models.CharField(max_length=80, blank=True, default="")
    # UTC instant of the next fire; null while disabled. Recomputed from local wall time each time.
    next_fire_at = models.DateTimeField(null=True, blank=True)
    last_fired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["time", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(window_minutes__lte=720), name="reminder_window_max_12h"),
        ]
        indexes = [
            # sendreminders: "WHERE next_fire_at <= now ORDER BY next_fire_at", only enabled rows have it.
            models.Index(
                fields=["next_fire_at"], condition=Q(next_fire_at__isnull=False), name="reminder_due_idx"
            ),
        ]

    def __str__(self) -> str:
        return str(self.uuid)


class PushSubscription(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=2048, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    failure_count = models.PositiveIntegerField(default=0)  # consecutive 429/5xx answers
    retry_after = models.DateTimeField(null=True, blank=True)  # push service asked us to back off
    # A notification is owed to this browser since then (its send got 429/5xx, or it was backing off).
    # The text is always the same generic prompt, so one owed notification covers any number of missed
    # reminders; tracker.dispatcher retries it with backoff until it is delivered or too stale.
    pending_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # sendreminders: "WHERE pending_since IS NOT NULL AND retry_after <= now", the owed retries.
            models.Index(
                fields=["retry_after"], condition=Q(pending_since__isnull=False), name="push_pending_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"push subscription {self.pk}"


# --- credentials (tracker/credentials.py holds their rules) -----------------------------------


class ApiToken(models.Model):
    """One client's credential (`Authorization: Token …`). The secret is shown once, at creation.

    Only its SHA-256 digest is stored: a copy of the database signs nobody in. The secret is 256 random
    bits, so an unsalted fast hash is enough (there is no dictionary to try), and the digest's unique
    index finds the token, its user and profile in one query.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True)  # the public id (DELETE /api/auth/tokens/{id})
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=80, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    # Written at most once per TOKEN_LAST_USED_RESOLUTION (a write per request would cost every request).
    last_used_at = models.DateTimeField()

    def __str__(self) -> str:
        return str(self.uuid)


class Session(AbstractBaseSession):
    """Django's database session with the user it signs in, so one account's sessions are found by index.

    "Sign out everywhere", a password change and account deletion end them with one indexed query
    instead of decoding every session of every account.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    @classmethod
    def get_session_store_class(cls):
        from tracker.sessions import SessionStore

        return SessionStore


class AttemptCounter(models.Model):
    """Attempts within a fixed window, counted atomically in SQL (tracker/credentials.py).

    The key is a digest of what is counted (an account, an account at an address, an address), so no
    username or address is stored.
    """

    key = models.CharField(max_length=64, unique=True)
    count = models.PositiveIntegerField(default=0)
    window_ends = models.DateTimeField()

    class Meta:
        db_table = "tracker_attemptcounter"  # named in credentials._COUNT_SQL
        indexes = [
            # credentials._counters_forget_expired: "DELETE … WHERE window_ends < now".
            models.Index(fields=["window_ends"], name="attempt_window_ends_idx"),
        ]

    def __str__(self) -> str:
        return self.key
