"""Trends as JSON and as charts (SVG/PNG) with strong ETags.

Chart responses are bytes, not DRF Responses: content negotiation is switched off for them so an
`Accept: application/json, */*` or `Accept: image/png` never gets a 406; errors still render as JSON.
"""

import datetime as dt
from collections.abc import Callable

from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.fields import BoundedDateField
from api.serializers import DateRangeInput, RangeTrendsOutput, WeekTrendsOutput
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
BAD_INPUT = OpenApiResponse(description="Field errors")
NOT_MODIFIED = OpenApiResponse(description="Not modified: If-None-Match holds the current ETag")


# --- JSON --------------------------------------------------------------------------------------


class WeekTrendsView(APIView):
    @extend_schema(parameters=WEEK_PARAMS, responses={200: WeekTrendsOutput, 400: BAD_INPUT})
    def get(self, request: Request) -> Response:
        params = parse(WeekInput, request)
        profile = services.profile_get(user=request.user)
        start = trends.resolve_week_start(profile=profile, start=params.get("start"))
        week = trends.week_trends(user=request.user, start=start)
        return Response({"week_starts_on": profile.week_starts_on, **week})


class RangeTrendsView(APIView):
    @extend_schema(parameters=RANGE_PARAMS, responses={200: RangeTrendsOutput, 400: BAD_INPUT})
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


class AnyAcceptNegotiation(BaseContentNegotiation):
    """Images answer any Accept header; errors (400, 401, 404) still render with the JSON renderer."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def etag_matches(request: Request, etag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/"x" matches "x"."""
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    candidates = parse_etags(header)
    return "*" in candidates or etag in {tag.removeprefix("W/") for tag in candidates}


def chart_response(request: Request, *, etag: str, fmt: str, render: Callable[[], bytes]) -> HttpResponse:
    """304 when the client holds this ETag (nothing rendered); otherwise cached or freshly rendered bytes."""
    if etag_matches(request, etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(
            charts.cached_render(etag=etag, user_id=request.user.pk, render=render),
            content_type=charts.FORMATS[fmt],
        )
    response["ETag"] = etag
    # private: the picture is one person's data; no-cache: reuse only after revalidating the ETag.
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ["Authorization", "Cookie"])
    return response


class ChartView(APIView):
    renderer_classes = [JSONRenderer]
    content_negotiation_class = AnyAcceptNegotiation


class WeekChartView(ChartView):
    @extend_schema(
        parameters=[*WEEK_PARAMS, THEME_PARAM],
        responses={
            (200, "image/png"): OpenApiTypes.BINARY,
            (200, "image/svg+xml"): OpenApiTypes.STR,
            304: NOT_MODIFIED,
            400: BAD_INPUT,
        },
    )
    def get(self, request: Request, fmt: str) -> HttpResponse:
        params = parse(WeekChartInput, request)
        profile = services.profile_get(user=request.user)
        start = trends.resolve_week_start(profile=profile, start=params.get("start"))
        end = start + dt.timedelta(days=6)
        fingerprint = trends.data_fingerprint(user=request.user, date_from=start, date_to=end)
        etag = charts.chart_etag(
            kind="week",
            user_id=request.user.pk,
            params=(start.isoformat(),),
            theme=params["theme"],
            fmt=fmt,
            fingerprint=fingerprint,
        )

        def render() -> bytes:
            week = trends.week_trends(user=request.user, start=start)
            return charts.render_week(week, theme=params["theme"], fmt=fmt)

        return chart_response(request, etag=etag, fmt=fmt, render=render)


class RangeChartView(ChartView):
    @extend_schema(
        parameters=[*RANGE_PARAMS, THEME_PARAM],
        responses={
            (200, "image/png"): OpenApiTypes.BINARY,
            (200, "image/svg+xml"): OpenApiTypes.STR,
            304: NOT_MODIFIED,
            400: BAD_INPUT,
        },
    )
    def get(self, request: Request, fmt: str) -> HttpResponse:
        params = parse(RangeChartInput, request)
        profile = services.profile_get(user=request.user)
        bucket = params["bucket"]
        date_from, date_to = trends.resolve_range(
            profile=profile, date_from=params.get("date_from"), date_to=params.get("date_to"), bucket=bucket
        )
        fingerprint = trends.data_fingerprint(user=request.user, date_from=date_from, date_to=date_to)
        etag = charts.chart_etag(
            kind="range",
            user_id=request.user.pk,
            # Week buckets start on the user's week start, so it is part of what the picture shows.
            params=(date_from.isoformat(), date_to.isoformat(), bucket, profile.week_starts_on),
            theme=params["theme"],
            fmt=fmt,
            fingerprint=fingerprint,
        )

        def render() -> bytes:
            data = trends.range_trends(
                user=request.user,
                date_from=date_from,
                date_to=date_to,
                bucket=bucket,
                week_starts_on=profile.week_starts_on,
            )
            return charts.render_range(data, theme=params["theme"], fmt=fmt)

        return chart_response(request, etag=etag, fmt=fmt, render=render)
