"""Trends as JSON and as charts (SVG/PNG) with strong ETags.

Chart responses are bytes, not DRF Responses (tracker.charts.chart_response makes them): content
negotiation never answers 406 for them (api.negotiation), and errors still render as JSON.
"""

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


def parse(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    # A dict, not the QueryDict: DRF reads "?start=" from a QueryDict as "not given"; it is an error.
    data = serializer_class(data=request.query_params.dict())
    data.is_valid(raise_exception=True)
    return data.validated_data


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
