"""Serializer fields stricter than DRF's defaults."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework import serializers

from tracker import messages, trends


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

    default_error_messages = {
        "naive": messages.UTC_OFFSET_NEEDED,
        "out_of_range": messages.MOMENT_OUT_OF_RANGE,
    }

    def enforce_timezone(self, value):
        if timezone.is_naive(value):
            self.fail("naive")
        try:
            value = super().enforce_timezone(value)  # to UTC: overflows near year 1 and 9999
        except OverflowError:
            self.fail("out_of_range")
        if not trends.MIN_DATE <= value.date() <= trends.MAX_DATE:
            self.fail("out_of_range")
        return value

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


class StrictUUIDField(serializers.UUIDField):
    """A UUID as a JSON string only: DRF's UUIDField turns an integer (and false, and true) into one."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class BoundedDateField(serializers.DateField):
    """A date the app can compute with (trends.MIN_DATE..MAX_DATE): a week or a month from 9999-12-31
    is past the end of Python's calendar."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        try:
            trends.check_date(day, self.field_name)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.message_dict[self.field_name]) from None
        return day
