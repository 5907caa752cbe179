"""Thin HTTP views of the practices of issue 14: boundaries and weekly intentions.

Each parses input with a serializer, calls one tracker.practices function and answers a plain dict
(api.practice_serializers.boundary_output, intention_output).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import practice_serializers as s
from api.lookups import or_404, uuid_or_404
from api.schema import ERRORS
from tracker import practices, services


def boundary_or_404(request: Request, boundary_id: str):
    """Another user's boundary and a malformed or unknown id are the same 404 (api.lookups)."""
    return or_404(practices.boundary_for_user(user=request.user, boundary_id=uuid_or_404(boundary_id)))


class BoundaryListView(APIView):
    @extend_schema(responses=s.BoundaryOutput(many=True), operation_id="boundaries_list")
    def get(self, request: Request) -> Response:
        """The caller's boundaries, newest first (a plain list: at most BOUNDARIES_PER_USER_MAX)."""
        rows = practices.boundaries_for_user(user=request.user)
        return Response([s.boundary_output(boundary) for boundary in rows])

    @extend_schema(request=s.BoundaryInput, responses={201: s.BoundaryOutput, **ERRORS})
    def post(self, request: Request) -> Response:
        data = s.BoundaryInput(data=request.data)
        data.is_valid(raise_exception=True)
        boundary = practices.boundary_create(user=request.user, **data.validated_data)
        return Response(s.boundary_output(boundary), status=status.HTTP_201_CREATED)


class BoundaryDetailView(APIView):
    @extend_schema(responses={200: s.BoundaryOutput, 404: ERRORS[404]})
    def get(self, request: Request, boundary_id: str) -> Response:
        return Response(s.boundary_output(boundary_or_404(request, boundary_id)))

    @extend_schema(request=s.BoundaryInput(partial=True), responses={200: s.BoundaryOutput, **ERRORS})
    def patch(self, request: Request, boundary_id: str) -> Response:
        boundary = boundary_or_404(request, boundary_id)
        data = s.BoundaryInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        boundary = practices.boundary_update(boundary=boundary, **data.validated_data)
        return Response(s.boundary_output(boundary))

    @extend_schema(responses={204: None, 404: ERRORS[404]})
    def delete(self, request: Request, boundary_id: str) -> Response:
        practices.boundary_delete(boundary=boundary_or_404(request, boundary_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


WEEK_START = OpenApiParameter(
    "week_start",
    OpenApiTypes.DATE,
    OpenApiParameter.PATH,
    description="YYYY-MM-DD, any day of the week: the answer names the week's first day",
)


def _week_start(request: Request, week_start: str):
    """The week named in the path (a date that is not one is a 400 field error, not a 404)."""
    data = s.IntentionWeekInput(data={"week_start": week_start})
    data.is_valid(raise_exception=True)
    profile = services.profile_get(user=request.user)
    return practices.intention_week(profile=profile, day=data.validated_data["week_start"])


class IntentionView(APIView):
    """The week's one small step. Always 200: a week without one answers text "" (the app asks weekly)."""

    @extend_schema(parameters=[WEEK_START], responses={200: s.IntentionOutput, 400: ERRORS[400]})
    def get(self, request: Request, week_start: str) -> Response:
        week = _week_start(request, week_start)
        return Response(s.intention_output(practices.intention_get(user=request.user, week_start=week)))

    @extend_schema(
        parameters=[WEEK_START], request=s.IntentionInput, responses={200: s.IntentionOutput, **ERRORS}
    )
    def put(self, request: Request, week_start: str) -> Response:
        week = _week_start(request, week_start)
        data = s.IntentionInput(data=request.data)
        data.is_valid(raise_exception=True)
        intention = practices.intention_set(
            user=request.user, week_start=week, text=data.validated_data["text"]
        )
        return Response(s.intention_output(intention))
