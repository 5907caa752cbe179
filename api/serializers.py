"""Input serializers parse and type-check; output serializers render. Rules live in tracker.services."""

import datetime as dt

from django.contrib.auth.validators import UnicodeUsernameValidator
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
from tracker.models import WEEKDAYS, BodyArea, CheckIn, Emotion, Need, Profile, Sensation

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
    csrfToken = serializers.CharField()  # noqa: N815  (the contract's name)


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


class ProfileOutput(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")
    calendar_url = serializers.SerializerMethodField()

    class Meta:
        model = Profile
        fields = ["username", "timezone", "day_starts_at", "week_starts_on", "paused_until", "calendar_url"]

    def get_calendar_url(self, profile: Profile) -> str:
        path = f"/api/reminders.ics?token={profile.calendar_token}"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


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
            "suggested_emotions", "suggested_needs", "custom",
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


class BodyAreaOutput(serializers.ModelSerializer):
    class Meta:
        model = BodyArea
        fields = ["slug", "name"]


class VocabularyOutput(serializers.Serializer):
    emotions = EmotionOutput(many=True)
    needs = NeedOutput(many=True)
    sensations = SensationOutput(many=True)
    body_areas = BodyAreaOutput(many=True)


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


class CheckInOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    emotion = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    need = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    sensation = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    body_area = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = CheckIn
        fields = [
            "id", "occurred_at", "local_date", "emotion", "intensity", "need", "sensation", "body_area",
            "note", "context", "source", "created_at", "updated_at",
        ]  # fmt: skip


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
            raise serializers.ValidationError({"from": ["'from' must not be after 'to'."]})
        return attrs


class CheckInFilters(DateRangeInput):
    emotion = StrictCharField(max_length=64, required=False)
    need = StrictCharField(max_length=64, required=False)
    # Read by the paginator; declared so they are validated and documented.
    cursor = StrictCharField(max_length=200, required=False)
    limit = serializers.IntegerField(min_value=1, max_value=200, required=False)
