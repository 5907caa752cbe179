"""Thin HTTP views of reminders, Web Push subscriptions and the calendar feed."""

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import reminder_serializers as rs
from api.lookups import or_404, uuid_or_404
from api.negotiation import AnyAcceptNegotiation
from api.schema import ERRORS
from api.serializers import profile_output
from tracker import calendar_feed, push, reminders, services


def reminder_or_404(request: Request, reminder_id: str):
    """Another user's reminder and a malformed or unknown id are the same 404."""
    return or_404(reminders.reminder_for_user(user=request.user, reminder_id=uuid_or_404(reminder_id)))


class ReminderListView(APIView):
    @extend_schema(responses=rs.ReminderOutput(many=True))
    def get(self, request: Request) -> Response:
        return Response(rs.ReminderOutput(reminders.reminders_for_user(user=request.user), many=True).data)

    @extend_schema(request=rs.ReminderInput, responses={201: rs.ReminderOutput, **ERRORS})
    def post(self, request: Request) -> Response:
        data = rs.ReminderInput(data=request.data)
        data.is_valid(raise_exception=True)
        reminder = reminders.reminder_create(
            user=request.user, data=data.validated_data, profile=services.profile_get(user=request.user)
        )
        return Response(rs.ReminderOutput(reminder).data, status=status.HTTP_201_CREATED)


class ReminderDetailView(APIView):
    @extend_schema(responses={200: rs.ReminderOutput, 404: ERRORS[404]})
    def get(self, request: Request, reminder_id: str) -> Response:
        return Response(rs.ReminderOutput(reminder_or_404(request, reminder_id)).data)

    @extend_schema(request=rs.ReminderInput(partial=True), responses={200: rs.ReminderOutput, **ERRORS})
    def patch(self, request: Request, reminder_id: str) -> Response:
        reminder = reminder_or_404(request, reminder_id)
        data = rs.ReminderInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        reminder = reminders.reminder_update(
            reminder=reminder, data=data.validated_data, profile=services.profile_get(user=request.user)
        )
        return Response(rs.ReminderOutput(reminder).data)

    @extend_schema(responses={204: None, 404: ERRORS[404]})
    def delete(self, request: Request, reminder_id: str) -> Response:
        reminders.reminder_delete(reminder=reminder_or_404(request, reminder_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReminderCalendarView(APIView):
    """The token in the query string is the only credential: no session, no CSRF, no other account."""

    authentication_classes = []
    permission_classes = [AllowAny]
    content_negotiation_class = AnyAcceptNegotiation

    @extend_schema(
        parameters=[
            OpenApiParameter("token", str, required=True, description="the profile's calendar token")
        ],
        responses={(200, "text/calendar"): OpenApiTypes.BINARY, 404: ERRORS[404]},
    )
    def get(self, request: Request) -> HttpResponse:
        profile = calendar_feed.profile_for_calendar_token(token=request.query_params.get("token", ""))
        if profile is None:
            raise NotFound()
        body = calendar_feed.reminders_calendar(profile=profile, now=timezone.now())
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="attune-reminders.ics"'
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"  # the URL is the credential
        return response


class CalendarTokenView(APIView):
    @extend_schema(request=None, responses=rs.CalendarUrlOutput)
    def post(self, request: Request) -> Response:
        """A new calendar feed URL; the previous one answers 404 from now on."""
        profile = reminders.calendar_token_rotate(profile=services.profile_get(user=request.user))
        return Response({"calendar_url": profile_output(profile, request=request)["calendar_url"]})


class PushPublicKeyView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=rs.PublicKeyOutput)
    def get(self, request: Request) -> Response:
        return Response({"public_key": push.application_server_key()})


class PushSubscriptionView(APIView):
    @extend_schema(
        request=rs.PushSubscriptionInput,
        responses={201: rs.PushSubscriptionOutput, 200: rs.PushSubscriptionOutput, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        """Register this browser (201); the same endpoint again updates it (200)."""
        data = rs.PushSubscriptionInput(data=request.data)
        data.is_valid(raise_exception=True)
        subscription, created = push.push_subscription_save(
            user=request.user,
            endpoint=data.validated_data["endpoint"],
            p256dh=data.validated_data["keys"]["p256dh"],
            auth=data.validated_data["keys"]["auth"],
        )
        return Response(rs.PushSubscriptionOutput(subscription).data, status=201 if created else 200)

    @extend_schema(responses=rs.PushSubscriptionOutput(many=True), operation_id="push_subscriptions_list")
    def get(self, request: Request) -> Response:
        """The caller's devices with notifications on (the app marks which one it is)."""
        return Response(
            rs.PushSubscriptionOutput(push.push_subscriptions_for(user=request.user), many=True).data
        )

    @extend_schema(request=rs.PushEndpointInput, responses={204: None, 400: ERRORS[400]})
    def delete(self, request: Request) -> Response:
        """Remove the caller's subscription with this endpoint; idempotent (204 also when none)."""
        data = rs.PushEndpointInput(data=request.data)
        data.is_valid(raise_exception=True)
        push.push_subscription_delete(user=request.user, endpoint=data.validated_data["endpoint"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class PushTestView(APIView):
    @extend_schema(
        request=None,
        responses={200: rs.PushTestOutput, 429: OpenApiResponse(description="More than a few a minute")},
    )
    def post(self, request: Request) -> Response:
        """Send the generic reminder to each of the caller's devices now (a few a minute at most)."""
        wait = push.push_test_wait(user=request.user)
        if wait:
            raise Throttled(wait=wait, detail="That's a few test reminders already. Please wait a minute.")
        return Response(push.push_test_send(user=request.user, now=timezone.now()))
