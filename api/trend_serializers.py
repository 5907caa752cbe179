"""The schema of tracker.trends' answers (/api/trends/week and /range): declarative components that
/api/schema/ publishes and tests/test_outputs.py checks the plain dicts against."""

from rest_framework import serializers

from tracker import trends
from tracker.models import Profile


def _mean_field(help_text: str = "") -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text=help_text or "null when there are no check-ins")


class TrendTotals(serializers.Serializer):
    count = serializers.IntegerField()
    days_with_checkins = serializers.IntegerField()
    mean_pleasantness = _mean_field()
    mean_energy = _mean_field()
    mean_intensity = _mean_field()


class TrendDay(serializers.Serializer):
    date = serializers.DateField()
    count = serializers.IntegerField()
    mean_intensity = _mean_field()
    mean_pleasantness = _mean_field()
    mean_energy = _mean_field()


class TopSlug(serializers.Serializer):
    slug = serializers.CharField()
    count = serializers.IntegerField()


class TopWord(TopSlug):
    name = serializers.CharField()


class TrendPair(serializers.Serializer):
    emotion = serializers.CharField()
    emotion_name = serializers.CharField()
    need = serializers.CharField()
    need_name = serializers.CharField()
    count = serializers.IntegerField()


class NamingEffect(serializers.Serializer):
    count = serializers.IntegerField(help_text="check-ins with intensity_after")
    mean_before = _mean_field("mean intensity of those check-ins; null when count is 0")
    mean_after = _mean_field("mean intensity_after; null when count is 0")


class HelpPair(serializers.Serializer):
    emotion = serializers.CharField()
    help = serializers.CharField()
    count = serializers.IntegerField()


class PreviousWeek(TrendTotals):
    start = serializers.DateField()
    end = serializers.DateField()
    distinct_emotions = serializers.IntegerField()
    top_emotions = TopWord(many=True, help_text="at most 3")
    top_needs = TopWord(many=True, help_text="at most 3")


class WeekTrendsOutput(TrendTotals):
    """GET /api/trends/week: tracker.trends.week_trends plus the week start it used."""

    # The profile's choices, so the schema has one enum for the week start.
    week_starts_on = serializers.ChoiceField(choices=Profile._meta.get_field("week_starts_on").choices)
    start = serializers.DateField()
    end = serializers.DateField()
    days = TrendDay(many=True, help_text="seven, from start")
    top_emotions = TopWord(many=True)
    top_families = TopSlug(many=True)
    top_needs = TopWord(many=True)
    top_sensations = TopWord(many=True)
    top_body_areas = TopWord(many=True)
    pairs = TrendPair(many=True, help_text="emotion–need pairs, most frequent first")
    naming_effect = NamingEffect(help_text="the check-ins whose intensity was asked again once named")
    top_helps = TopSlug(many=True, help_text="what would help, most frequent first")
    help_pairs = HelpPair(many=True, help_text="emotion–help pairs, most frequent first")
    distinct_emotions = serializers.IntegerField()
    previous_week = PreviousWeek()
    summary = serializers.ListField(child=serializers.CharField(), help_text="2–6 short sentences")


class RangeBucket(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    count = serializers.IntegerField()
    mean_pleasantness = _mean_field()
    mean_energy = _mean_field()
    mean_intensity = _mean_field()
    rolling_pleasantness = _mean_field("trailing mean over rolling_window buckets, weighted by count")
    naming_effect = NamingEffect()


class RangeTrendsOutput(serializers.Serializer):
    """GET /api/trends/range: tracker.trends.range_trends."""

    def get_fields(self) -> dict:
        # `from` is a Python keyword: not a class attribute
        return {"from": serializers.DateField(), "to": serializers.DateField(), **super().get_fields()}

    bucket = serializers.ChoiceField(choices=trends.BUCKETS)
    rolling_window = serializers.IntegerField()
    count = serializers.IntegerField()
    mean_pleasantness = _mean_field()
    mean_energy = _mean_field()
    mean_intensity = _mean_field()
    naming_effect = NamingEffect()
    buckets = RangeBucket(many=True)
    direction = serializers.CharField(help_text="one kind sentence about the rolling mean's direction")
