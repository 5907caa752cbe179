"""Trends as JSON and as charts (SVG/PNG) with strong ETags.

Chart responses are bytes, not DRF Responses (tracker.charts.chart_response makes them): content
negotiation never answers 406 for them (api.negotiation), and errors still render as JSON.
"""

import datetime as dt
import re

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.fields import BoundedDateField
from api.negotiation import AnyAcceptNegotiation
from api.renderers import JSONRenderer
from api.schema import ERRORS
from api.serializers import DateRangeInput
from api.trend_serializers import RangeTrendsOutput, WeekTrendsOutput
from tracker import charts, services, trends

# --- input -------------------------------------------------------------------------------------


class WeekInput(serializers.Serializer):
    start = BoundedDateField(required=False)


class RangeInput(DateRangeInput):
    bucket = serializers.ChoiceField(choices=trends.BUCKETS, required=False, default="week")


class ThemeInput(serializers.Serializer):
    theme = serializers.ChoiceField(choices=charts.THEMES, required=False, default="light")


class WeekChartInput(WeekInput, ThemeInput):
    pass


class RangeChartInput(RangeInput, ThemeInput):
    pass


# What each input reads from the query string: its dates (query name -> validated name) and its choices
# (name -> (allowed values, default)). The plain read below answers only from these.
_DATES = {"start": "start", "from": "date_from", "to": "date_to"}
_PLAIN: dict[type[serializers.Serializer], tuple[tuple[str, ...], dict[str, tuple[tuple[str, ...], str]]]] = {
    WeekInput: (("start",), {}),
    RangeInput: (("from", "to"), {"bucket": (trends.BUCKETS, "week")}),
    WeekChartInput: (("start",), {"theme": (charts.THEMES, "light")}),
    RangeChartInput: (
        ("from", "to"),
        {"bucket": (trends.BUCKETS, "week"), "theme": (charts.THEMES, "light")},
    ),
}
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def _plain_params(serializer_class: type[serializers.Serializer], query: dict[str, str]) -> dict | None:
    """The input's validated_data for an ordinary query (dates as YYYY-MM-DD, known choices), read
    without building a serializer (~50 µs a request, issue 12); None for anything else, which the
    serializer then reads and answers (its error bodies are the contract). tests/test_hot_paths.py proves
    both agree wherever this answers."""
    dates, choices = _PLAIN[serializer_class]
    values: dict = {}
    for name in dates:
        if name in query:
            text = query[name]
            if not _DAY.match(text):
                return None
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                return None
            if not trends.MIN_DATE <= day <= trends.MAX_DATE:
                return None
            values[_DATES[name]] = day
    for name, (allowed, default) in choices.items():
        value = query.get(name, default)
        if value not in allowed:
            return None
        values[name] = value
    if values.get("date_from") and values.get("date_to") and values["date_from"] > values["date_to"]:
        return None
    return values


def parse(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    # A dict, not the QueryDict: DRF reads "?start=" from a QueryDict as "not given"; it is an error.
    query = request.query_params.dict()
    values = _plain_params(serializer_class, query)
    if values is None:
        data = serializer_class(data=query)
        data.is_valid(raise_exception=True)
        values = data.validated_data
    return values


WEEK_PARAMS = [
    OpenApiParameter(
        "start",
        OpenApiTypes.DATE,
        description="any local date of the week (snapped back to the week start); default: this week",
    )
]
RANGE_PARAMS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="first local date (default: a year before `to`)"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="last local date (default: today)"),
    OpenApiParameter("bucket", str, enum=list(trends.BUCKETS), description="default: week"),
]
THEME_PARAM = OpenApiParameter("theme", str, enum=list(charts.THEMES), description="default: light")
NOT_MODIFIED = OpenApiResponse(description="Not modified: If-None-Match holds the current ETag")


# --- JSON --------------------------------------------------------------------------------------


class WeekTrendsView(APIView):
    @extend_schema(parameters=WEEK_PARAMS, responses={200: WeekTrendsOutput, 400: ERRORS[400]})
    def get(self, request: Request) -> Response:
        params = parse(WeekInput, request)
        profile = services.profile_get(user=request.user)
        start = trends.resolve_week_start(profile=profile, start=params.get("start"))
        week = trends.week_trends(user=request.user, start=start)
        return Response({"week_starts_on": profile.week_starts_on, **week})


class RangeTrendsView(APIView):
    @extend_schema(parameters=RANGE_PARAMS, responses={200: RangeTrendsOutput, 400: ERRORS[400]})
    def get(self, request: Request) -> Response:
        params = parse(RangeInput, request)
        profile = services.profile_get(user=request.user)
        date_from, date_to = trends.resolve_range(
            profile=profile,
            date_from=params.get("date_from"),
            date_to=params.get("date_to"),
            bucket=params["bucket"],
        )
        data = trends.range_trends(
            user=request.user,
            date_from=date_from,
            date_to=date_to,
            bucket=params["bucket"],
            week_starts_on=profile.week_starts_on,
        )
        return Response(data)


# --- charts ------------------------------------------------------------------------------------


class ChartView(APIView):
    renderer_classes = [JSONRenderer]
    content_negotiation_class = AnyAcceptNegotiation
    kind = ""
    input_class: type[serializers.Serializer] = WeekChartInput

    def get(self, request: Request, fmt: str) -> HttpResponse:
        params = parse(self.input_class, request)
        return charts.chart_response(
            request,
            user=request.user,
            profile=services.profile_get(user=request.user),
            kind=self.kind,
            params=params,
            theme=params["theme"],
            fmt=fmt,
        )


CHART_RESPONSES = {
    (200, "image/png"): OpenApiTypes.BINARY,
    (200, "image/svg+xml"): OpenApiTypes.STR,
    304: NOT_MODIFIED,
    400: ERRORS[400],
}


@extend_schema_view(get=extend_schema(parameters=[*WEEK_PARAMS, THEME_PARAM], responses=CHART_RESPONSES))
class WeekChartView(ChartView):
    kind = "week"
    input_class = WeekChartInput


@extend_schema_view(get=extend_schema(parameters=[*RANGE_PARAMS, THEME_PARAM], responses=CHART_RESPONSES))
class RangeChartView(ChartView):
    kind = "range"
    input_class = RangeChartInput
