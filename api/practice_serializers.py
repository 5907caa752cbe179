"""Input and output of the practices (issue 14): boundaries and each week's intention. The output dicts
are built by one function each, as for check-ins (api.serializers); the serializers document them."""

import re
from typing import Any

from rest_framework import serializers

from api.fields import BoundedDateField, StrictCharField
from api.serializers import iso_datetime
from tracker import checkin_rules as rules
from tracker import practices
from tracker.models import Boundary


class BoundaryInput(serializers.Serializer):
    """partial=True serves PATCH."""

    text = StrictCharField(max_length=practices.BOUNDARY_TEXT_MAX_LENGTH, allow_blank=True)
    needs = serializers.ListField(
        child=StrictCharField(max_length=rules.WORD_SLUG_MAX_LENGTH),
        max_length=practices.BOUNDARY_NEEDS_MAX,
        required=False,
        help_text="need slugs of the caller's vocabulary",
    )


class BoundaryOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    needs = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Boundary
        fields = ["id", "text", "needs", "created_at", "updated_at"]


def boundary_output(boundary: Boundary) -> dict[str, Any]:
    """What BoundaryOutput documents (its needs prefetched, as tracker.practices reads them)."""
    return {
        "id": str(boundary.uuid),
        "text": boundary.text,
        "needs": [need.slug for need in boundary.needs.all()],
        "created_at": iso_datetime(boundary.created_at),
        "updated_at": iso_datetime(boundary.updated_at),
    }


class PathDateField(BoundedDateField):
    """A date in a path: exactly YYYY-MM-DD (Python would also read 20261116 and 2026-W47-1)."""

    def to_internal_value(self, value):
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class IntentionWeekInput(serializers.Serializer):
    week_start = PathDateField(help_text="any day of the week; the answer names the week's first day")


class IntentionInput(serializers.Serializer):
    text = StrictCharField(
        max_length=practices.INTENTION_TEXT_MAX_LENGTH, allow_blank=True, help_text='"" removes it'
    )


class IntentionOutput(serializers.Serializer):
    week_start = serializers.DateField()
    text = serializers.CharField(help_text='"" when none is set')
    updated_at = serializers.DateTimeField(allow_null=True, help_text="null when none is set")


def intention_output(intention) -> dict[str, Any]:
    return {
        "week_start": intention.week_start.isoformat(),
        "text": intention.text,
        "updated_at": iso_datetime(intention.updated_at),
    }
