"""Input serializers parse and type-check. Output of the hot paths (check-ins, profile) is a plain dict
built by one function each (`*_output`): a ModelSerializer builds its fields on every request, ~0.4 ms
each (issue 12). The output serializers stay as the OpenAPI description; tests prove the dicts equal them.
Rules live in tracker.services and tracker.checkin_rules. The practices' serializers are in
api.practice_serializers, the reminders' in api.reminder_serializers, the trends' schema in
api.trend_serializers."""

import datetime as dt
import uuid
from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import serializers

from api.fields import (
    AwareDateTimeField,
    BoundedDateField,
    StrictBooleanField,
    StrictCharField,
    StrictFloatField,
    StrictIntegerField,
    StrictUUIDField,
)
from tracker import checkin_rules as rules
from tracker import messages, trends
from tracker.models import WEEKDAYS, BodyArea, CheckIn, Emotion, Help, Need, Profile, Sensation

# --- accounts ----------------------------------------------------------------------------------


class RegisterInput(serializers.Serializer):
    # Django's own username rule, as a field validator so the error is a field error and the schema
    # carries its pattern.
    username = StrictCharField(max_length=150, validators=[UnicodeUsernameValidator()])
    password = StrictCharField(max_length=128, trim_whitespace=False)
    timezone = StrictCharField(max_length=64, required=False, default="UTC")


class CredentialsInput(serializers.Serializer):
    username = StrictCharField(max_length=150)
    password = StrictCharField(max_length=128, trim_whitespace=False)


class PasswordInput(serializers.Serializer):
    password = StrictCharField(max_length=128, trim_whitespace=False)


class CsrfOutput(serializers.Serializer):
    csrfToken = serializers.CharField()


class TokenInput(CredentialsInput):
    name = StrictCharField(
        max_length=80, required=False, default="", allow_blank=True, help_text="e.g. the client's device"
    )


class TokenInfoOutput(serializers.Serializer):
    """A token as listed: never its secret."""

    id = serializers.UUIDField(source="uuid")
    name = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(help_text="to within an hour")
    current = serializers.SerializerMethodField(help_text="the token making this request")

    def get_current(self, token) -> bool:
        return token == self.context.get("current")


class TokenOutput(TokenInfoOutput):
    token = serializers.SerializerMethodField(help_text="the secret: shown only this once")
    current = None

    def get_token(self, token) -> str:
        return self.context["secret"]


class PasswordChangeInput(serializers.Serializer):
    password = StrictCharField(max_length=128, trim_whitespace=False, help_text="the current password")
    new_password = StrictCharField(max_length=128, trim_whitespace=False)


class LogoutInput(serializers.Serializer):
    everywhere = StrictBooleanField(
        required=False, default=False, help_text="end every session and token of the account"
    )


class ProfileInput(serializers.Serializer):
    timezone = StrictCharField(max_length=64, required=False)
    day_starts_at = StrictIntegerField(min_value=0, max_value=23, required=False)
    week_starts_on = serializers.ChoiceField(choices=WEEKDAYS, required=False)
    paused_until = AwareDateTimeField(required=False, allow_null=True)
    prompt_naming = StrictBooleanField(required=False, help_text="ask how strong it is once named")
    prompt_kind_line = StrictBooleanField(required=False, help_text="offer to rewrite a harsh inner line")
    prompt_self_compassion = StrictBooleanField(required=False, help_text="offer self-compassion words")


class ProfileOutput(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")
    calendar_url = serializers.SerializerMethodField()

    class Meta:
        model = Profile
        fields = [
            "username", "timezone", "day_starts_at", "week_starts_on", "paused_until", "calendar_url",
            "prompt_naming", "prompt_kind_line", "prompt_self_compassion",
        ]  # fmt: skip

    def get_calendar_url(self, profile: Profile) -> str:
        path = f"/api/reminders.ics?token={profile.calendar_token}"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


def iso_datetime(value: dt.datetime | None, zone: dt.tzinfo | None = None) -> str | None:
    """A moment as DRF's DateTimeField writes it: ISO 8601 in the current zone (or `zone`, the current
    one looked up once for several moments), UTC as "Z"."""
    if value is None:
        return None
    text = value.astimezone(zone or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def profile_output(profile: Profile, *, request=None) -> dict[str, Any]:
    """What ProfileOutput documents."""
    path = f"/api/reminders.ics?token={profile.calendar_token}"
    return {
        "username": profile.user.username,
        "timezone": profile.timezone,
        "day_starts_at": profile.day_starts_at,
        "week_starts_on": profile.week_starts_on,
        "paused_until": iso_datetime(profile.paused_until),
        "calendar_url": request.build_absolute_uri(path) if request else path,
        "prompt_naming": profile.prompt_naming,
        "prompt_kind_line": profile.prompt_kind_line,
        "prompt_self_compassion": profile.prompt_self_compassion,
    }


# --- vocabulary --------------------------------------------------------------------------------


class EmotionOutput(serializers.ModelSerializer):
    slug = serializers.CharField(read_only=True)  # custom words may have non-ASCII slugs
    suggested_emotions = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    suggested_needs = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    custom = serializers.SerializerMethodField()

    class Meta:
        model = Emotion
        fields = [
            "slug", "name", "family", "definition", "pleasantness", "energy", "is_interpretation",
            "is_self_judgment", "suggested_emotions", "suggested_needs", "custom",
        ]  # fmt: skip

    def get_custom(self, word) -> bool:
        return word.owner_id is not None


class NeedOutput(EmotionOutput):
    suggested_emotions = suggested_needs = None

    class Meta:
        model = Need
        fields = ["slug", "name", "category", "definition", "custom"]


class SensationOutput(EmotionOutput):
    suggested_emotions = suggested_needs = None

    class Meta:
        model = Sensation
        fields = ["slug", "name", "definition", "custom"]


class HelpOutput(EmotionOutput):
    suggested_emotions = suggested_needs = None

    class Meta:
        model = Help
        fields = ["slug", "name", "definition", "custom"]


class SelfCompassionVariant(serializers.Serializer):
    kindness = serializers.CharField(help_text="kindness instead of judgment")
    common_humanity = serializers.CharField(help_text="common humanity instead of isolation")
    mindfulness = serializers.CharField(help_text="mindfulness instead of over-identification")


class KindLineExample(serializers.Serializer):
    harsh = serializers.CharField()
    kind = serializers.CharField()


class BodyAreaOutput(serializers.ModelSerializer):
    class Meta:
        model = BodyArea
        fields = ["slug", "name"]


class VocabularyOutput(serializers.Serializer):
    emotions = EmotionOutput(many=True)
    needs = NeedOutput(many=True)
    sensations = SensationOutput(many=True)
    body_areas = BodyAreaOutput(many=True)
    helps = HelpOutput(many=True)
    self_compassion = serializers.DictField(
        child=SelfCompassionVariant(many=True),
        help_text="by need category, and 'default' for a category without its own (a custom one)",
    )
    kind_line_examples = KindLineExample(many=True)


class WordInput(serializers.Serializer):
    name = StrictCharField(max_length=64)
    definition = StrictCharField(max_length=300, required=False, default="", allow_blank=True)


class EmotionInput(WordInput):
    pleasantness = StrictFloatField(min_value=-1, max_value=1)
    energy = StrictFloatField(min_value=-1, max_value=1)
    family = StrictCharField(max_length=40, required=False, default="", allow_blank=True)


class NeedInput(WordInput):
    category = StrictCharField(max_length=40, required=False, default="my-own", allow_blank=False)


class SensationInput(WordInput):
    pass


class HelpInput(WordInput):
    pass


# --- check-ins ---------------------------------------------------------------------------------


class CheckInInput(serializers.Serializer):
    """Typed check-in fields; partial=True serves PATCH. Slugs are resolved by the domain."""

    id = StrictUUIDField(required=False)
    occurred_at = AwareDateTimeField(required=False)
    emotion = StrictCharField(max_length=rules.WORD_SLUG_MAX_LENGTH)
    intensity = StrictIntegerField(min_value=rules.INTENSITY_MIN, max_value=rules.INTENSITY_MAX)
    need = StrictCharField(
        max_length=rules.WORD_SLUG_MAX_LENGTH, required=False, allow_null=True, allow_blank=True
    )
    sensation = StrictCharField(
        max_length=rules.WORD_SLUG_MAX_LENGTH, required=False, allow_null=True, allow_blank=True
    )
    body_area = StrictCharField(
        max_length=rules.BODY_AREA_SLUG_MAX_LENGTH, required=False, allow_null=True, allow_blank=True
    )
    note = StrictCharField(
        max_length=rules.NOTE_MAX_LENGTH, required=False, allow_blank=True, trim_whitespace=False
    )
    context = serializers.ListField(
        child=StrictCharField(max_length=rules.CONTEXT_TAG_MAX_LENGTH),
        max_length=rules.CONTEXT_MAX_TAGS,
        required=False,
    )
    intensity_after = StrictIntegerField(
        min_value=rules.INTENSITY_MIN,
        max_value=rules.INTENSITY_MAX,
        required=False,
        allow_null=True,
        help_text="how strong it is now that it is named; null when not given",
    )
    would_help = StrictCharField(
        max_length=rules.WORD_SLUG_MAX_LENGTH,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="a help slug of the caller's vocabulary",
    )
    harsh_line = StrictCharField(
        max_length=rules.LINE_MAX_LENGTH, required=False, allow_blank=True, trim_whitespace=False
    )
    kind_line = StrictCharField(
        max_length=rules.LINE_MAX_LENGTH, required=False, allow_blank=True, trim_whitespace=False
    )


_CHECKIN_SLUGS = {
    "emotion": rules.WORD_SLUG_MAX_LENGTH,
    "need": rules.WORD_SLUG_MAX_LENGTH,
    "sensation": rules.WORD_SLUG_MAX_LENGTH,
    "would_help": rules.WORD_SLUG_MAX_LENGTH,
    "body_area": rules.BODY_AREA_SLUG_MAX_LENGTH,
}


def _plain_text(value: Any, max_length: int, *, trimmed: bool = True) -> bool:
    """Text CheckInInput takes unchanged: no NUL, no lone surrogate, within the limit, nothing to trim."""
    if not isinstance(value, str) or len(value) > max_length:
        return False
    if trimmed and value != value.strip():
        return False
    return rules.text_storable(value)


def _checkin_plain(data: Any, *, partial: bool) -> dict[str, Any] | None:
    """CheckInInput's validated_data for the ordinary body, read without building a serializer (~0.4 ms
    a request, issue 12); None for anything else, which the serializer then reads and answers (its
    error bodies are the contract). tests/test_hot_paths.py proves both agree wherever this answers."""
    if not isinstance(data, dict) or (not partial and ("emotion" not in data or "intensity" not in data)):
        return None
    values: dict[str, Any] = {}
    if "id" in data:
        if not isinstance(data["id"], str):
            return None
        try:
            values["id"] = uuid.UUID(hex=data["id"])
        except ValueError:
            return None
    if "occurred_at" in data:
        moment = data["occurred_at"]
        parsed = parse_datetime(moment) if isinstance(moment, str) else None
        if parsed is None or parsed.utcoffset() is None:
            return None
        try:
            parsed = parsed.astimezone(timezone.get_current_timezone())
        except OverflowError:
            return None
        if not trends.MIN_DATE <= parsed.date() <= trends.MAX_DATE:
            return None
        values["occurred_at"] = parsed
    for name, max_length in _CHECKIN_SLUGS.items():
        if name in data:
            value = data[name]
            if name != "emotion" and (value is None or value == ""):
                values[name] = value
            elif value == "" or not _plain_text(value, max_length):
                return None
            else:
                values[name] = value
    if "intensity" in data:
        intensity = data["intensity"]
        if type(intensity) is not int or not rules.INTENSITY_MIN <= intensity <= rules.INTENSITY_MAX:
            return None
        values["intensity"] = intensity
    if "note" in data:
        if not _plain_text(data["note"], rules.NOTE_MAX_LENGTH, trimmed=False):
            return None
        values["note"] = data["note"]
    if "intensity_after" in data:
        after = data["intensity_after"]
        if after is not None and (
            type(after) is not int or not rules.INTENSITY_MIN <= after <= rules.INTENSITY_MAX
        ):
            return None
        values["intensity_after"] = after
    for line in ("harsh_line", "kind_line"):
        if line in data:
            if not _plain_text(data[line], rules.LINE_MAX_LENGTH, trimmed=False):
                return None
            values[line] = data[line]
    if "context" in data:
        tags = data["context"]
        if not isinstance(tags, list) or len(tags) > rules.CONTEXT_MAX_TAGS:
            return None
        if not all(tag != "" and _plain_text(tag, rules.CONTEXT_TAG_MAX_LENGTH) for tag in tags):
            return None
        values["context"] = list(tags)
    return values


def checkin_input(data: Any, *, partial: bool = False) -> dict[str, Any]:
    """The typed check-in fields of a request body (CheckInInput's validated_data), or its 400."""
    values = _checkin_plain(data, partial=partial)
    if values is None:
        serializer = CheckInInput(data=data, partial=partial)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
    return values


class CheckInOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    emotion = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    need = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    sensation = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    body_area = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    would_help = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = CheckIn
        fields = [
            "id", "occurred_at", "local_date", "emotion", "intensity", "need", "sensation", "body_area",
            "note", "context", "intensity_after", "would_help", "harsh_line", "kind_line",
            "source", "created_at", "updated_at",
        ]  # fmt: skip


def _slug(word) -> str | None:
    return None if word is None else word.slug


def checkin_output(checkin: CheckIn) -> dict[str, Any]:
    """What CheckInOutput documents (its words must be loaded or joined, as the serializer needs too)."""
    zone = timezone.get_current_timezone()
    return {
        "id": str(checkin.uuid),
        "occurred_at": iso_datetime(checkin.occurred_at, zone),
        "local_date": checkin.local_date.isoformat(),
        "emotion": checkin.emotion.slug,
        "intensity": checkin.intensity,
        "need": _slug(checkin.need),
        "sensation": _slug(checkin.sensation),
        "body_area": _slug(checkin.body_area),
        "note": checkin.note,
        "context": checkin.context,
        "intensity_after": checkin.intensity_after,
        "would_help": _slug(checkin.would_help),
        "harsh_line": checkin.harsh_line,
        "kind_line": checkin.kind_line,
        "source": checkin.source,
        "created_at": iso_datetime(checkin.created_at, zone),
        "updated_at": iso_datetime(checkin.updated_at, zone),
    }


class CheckInPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CheckInOutput(many=True)


class DateRangeInput(serializers.Serializer):
    """`from`/`to` local dates of a query string (validated_data keys: date_from, date_to)."""

    def get_fields(self) -> dict:
        # `from` is a Python keyword, so these fields cannot be declared as class attributes.
        fields = super().get_fields()
        fields["from"] = BoundedDateField(required=False, source="date_from")
        fields["to"] = BoundedDateField(required=False, source="date_to")
        return fields

    def validate(self, attrs: dict) -> dict:
        date_from: dt.date | None = attrs.get("date_from")
        date_to: dt.date | None = attrs.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise serializers.ValidationError({"from": [messages.FROM_AFTER_TO]})
        return attrs


class CheckInFilters(DateRangeInput):
    emotion = StrictCharField(max_length=64, required=False)
    need = StrictCharField(max_length=64, required=False)
    # Read by the paginator; declared so they are validated and documented.
    cursor = StrictCharField(max_length=200, required=False)
    limit = serializers.IntegerField(min_value=1, max_value=200, required=False)
