"""Serializer fields stricter than DRF's defaults."""

from django.utils import timezone
from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """A CharField that refuses numbers and booleans instead of quietly turning them into text.

    It also refuses text no database can store (a lone UTF-16 surrogate) and checks the length before
    trimming whitespace, as the OpenAPI schema (maxLength) promises.
    """

    default_error_messages = {
        "not_a_string": "Send text here (a JSON string).",
        "not_unicode": "This text holds a broken character (a lone surrogate).",
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:
            self.fail("not_unicode")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class AwareDateTimeField(serializers.DateTimeField):
    """ISO 8601 with a UTC offset; a naive time would be guessed into the wrong zone, so it is refused."""

    default_error_messages = {"naive": "Include a UTC offset, e.g. 2026-11-22T08:30:00+01:00."}

    def enforce_timezone(self, value):
        if timezone.is_naive(value):
            self.fail("naive")
        return super().enforce_timezone(value)

    def to_internal_value(self, value):
        if not isinstance(value, str):
            self.fail("invalid", format="ISO 8601 with a UTC offset")
        return super().to_internal_value(value)


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only: "7", 7.5 and true are refused rather than coerced."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictFloatField(serializers.FloatField):
    """A JSON number only: "0.5" and true are refused rather than coerced."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A JSON true or false only: 1, "true" and "yes" are refused rather than coerced."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data
