"""Serializers of reminders, Web Push subscriptions and the calendar feed. Rules live in tracker/."""

import datetime as dt
import re

from rest_framework import serializers

from api.fields import StrictCharField
from tracker.models import PushSubscription, Reminder
from tracker.reminders import LABEL_MAX_LENGTH, WINDOW_MAX_MINUTES

HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class WallTimeField(StrictCharField):
    """A local wall-clock time as "HH:MM" (24 h), nothing else."""

    default_error_messages = {"hh_mm": "Give a local time as HH:MM, e.g. 08:30."}

    def to_internal_value(self, data) -> dt.time:
        value = super().to_internal_value(data)
        if not HH_MM.match(value):
            self.fail("hh_mm")
        return dt.time.fromisoformat(value)

    def to_representation(self, value: dt.time) -> str:
        return value.strftime("%H:%M")


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"invalid": "Send true or false."}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class ReminderInput(serializers.Serializer):
    time = WallTimeField()
    # Checked against WEEKDAYS by the domain; plain strings keep the schema free of a second weekday enum.
    days = serializers.ListField(
        child=StrictCharField(max_length=3), max_length=7, required=False, help_text="mon, tue, … sun"
    )
    enabled = StrictBooleanField(required=False)
    window_minutes = serializers.IntegerField(min_value=0, max_value=WINDOW_MAX_MINUTES, required=False)
    label = StrictCharField(max_length=LABEL_MAX_LENGTH, required=False, allow_blank=True)


class ReminderOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    time = WallTimeField()

    class Meta:
        model = Reminder
        fields = ["id", "time", "days", "enabled", "window_minutes", "label", "next_fire_at", "last_fired_at"]


class PushKeysInput(serializers.Serializer):
    p256dh = StrictCharField(max_length=200)
    auth = StrictCharField(max_length=100)


class PushSubscriptionInput(serializers.Serializer):
    """The browser's PushSubscription.toJSON(); other members (expirationTime) are ignored."""

    endpoint = StrictCharField(max_length=2048)
    keys = PushKeysInput()


class PushEndpointInput(serializers.Serializer):
    endpoint = StrictCharField(max_length=2048)


class PushSubscriptionOutput(serializers.ModelSerializer):
    class Meta:
        model = PushSubscription
        fields = ["endpoint", "created_at", "last_success_at"]


class PublicKeyOutput(serializers.Serializer):
    public_key = serializers.CharField(help_text="VAPID application server key, base64url")


class CalendarUrlOutput(serializers.Serializer):
    calendar_url = serializers.CharField()


class PushTestOutput(serializers.Serializer):
    devices = serializers.IntegerField(help_text="the caller's registered devices")
    sent = serializers.IntegerField(help_text="devices whose push service accepted the test reminder")
    failed = serializers.IntegerField()
