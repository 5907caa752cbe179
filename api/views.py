"""Thin HTTP views of the core: accounts, vocabulary, check-ins and health.

Each parses input with a serializer, calls one tracker function and renders the result (check-ins and
the profile as plain dicts: api.serializers.checkin_output, profile_output).
"""

import uuid

from django.contrib.auth import login, logout
from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from api.authentication import PasswordRequestThrottle, client_address
from api.exceptions import RETRY_AFTER_SECONDS
from api.lookups import uuid_or_404
from api.schema import ERRORS
from tracker import credentials, selectors, services


def health(request: HttpRequest) -> JsonResponse:
    """200 only when the database can take a write now (answering a read is not enough: a SQLite file
    locked by a long writer, or a read-only PostgreSQL replica, answers SELECT 1 and fails every save)."""
    try:
        services.database_writable_check()
    except Exception:  # any database failure means "not healthy"
        response = JsonResponse({"status": "unavailable"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok"})


# --- accounts ----------------------------------------------------------------------------------


def enforce_csrf(request: Request) -> None:
    """CSRF for anonymous POSTs too: DRF only checks it for already-authenticated sessions.

    Login CSRF (signing a victim into the attacker's account) is real, so register and login check it.
    """
    SessionAuthentication().enforce_csrf(request)


class CsrfView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=s.CsrfOutput)
    def get(self, request: Request) -> Response:
        return Response({"csrfToken": get_token(request)})


class RegisterView(APIView):
    csrf_protected = True  # api.schema documents the 403 of enforce_csrf
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [PasswordRequestThrottle]

    @extend_schema(request=s.RegisterInput, responses={201: s.ProfileOutput, **ERRORS})
    def post(self, request: Request) -> Response:
        enforce_csrf(request)
        data = s.RegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_register(
            username=data.validated_data["username"],
            password=data.validated_data["password"],
            timezone_name=data.validated_data["timezone"],
        )
        login(request._request, user, backend="tracker.credentials.ProfileBackend")
        profile = services.profile_get(user=user)
        return Response(s.profile_output(profile, request=request), status=201)


class LoginView(APIView):
    csrf_protected = True
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [PasswordRequestThrottle]

    @extend_schema(request=s.CredentialsInput, responses={200: s.ProfileOutput, **ERRORS})
    def post(self, request: Request) -> Response:
        enforce_csrf(request)
        data = s.CredentialsInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = credentials.user_authenticate(**data.validated_data, address=client_address(request))
        login(request._request, user)
        profile = services.profile_get(user=user)
        return Response(s.profile_output(profile, request=request))


class MeView(APIView):
    @extend_schema(responses=s.ProfileOutput)
    def get(self, request: Request) -> Response:
        profile = services.profile_get(user=request.user)
        return Response(s.profile_output(profile, request=request))

    @extend_schema(request=s.ProfileInput, responses={200: s.ProfileOutput, **ERRORS})
    def patch(self, request: Request) -> Response:
        data = s.ProfileInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "timezone" in fields:
            fields["timezone_name"] = fields.pop("timezone")
        profile = services.profile_update(profile=services.profile_get(user=request.user), **fields)
        return Response(s.profile_output(profile, request=request))

    @extend_schema(request=s.PasswordInput, responses={204: None, **ERRORS})
    def delete(self, request: Request) -> Response:
        data = s.PasswordInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_delete(user=request.user, password=data.validated_data["password"])
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- vocabulary --------------------------------------------------------------------------------


class VocabularyView(APIView):
    @extend_schema(responses=s.VocabularyOutput)
    def get(self, request: Request) -> Response:
        return Response(s.VocabularyOutput(selectors.vocabulary_for_user(user=request.user)).data)


def vocabulary_word_create_view(kind: str, input_class, output_class) -> type[APIView]:
    """POST /api/vocabulary/<kind>s: add a custom word; the server makes the slug."""

    class VocabularyWordCreateView(APIView):
        @extend_schema(
            request=input_class,
            responses={201: output_class, **ERRORS},
            operation_id=f"vocabulary_{kind}s_create",
        )
        def post(self, request: Request) -> Response:
            data = input_class(data=request.data)
            data.is_valid(raise_exception=True)
            word = services.vocabulary_word_create(user=request.user, kind=kind, **data.validated_data)
            return Response(output_class(word).data, status=status.HTTP_201_CREATED)

    return VocabularyWordCreateView


EmotionCreateView = vocabulary_word_create_view("emotion", s.EmotionInput, s.EmotionOutput)
NeedCreateView = vocabulary_word_create_view("need", s.NeedInput, s.NeedOutput)
SensationCreateView = vocabulary_word_create_view("sensation", s.SensationInput, s.SensationOutput)
HelpCreateView = vocabulary_word_create_view("help", s.HelpInput, s.HelpOutput)


# --- check-ins ---------------------------------------------------------------------------------


class CheckInPagination(CursorPagination):
    ordering = ("-occurred_at", "-id")
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200


def parse_checkin_id(value: str) -> uuid.UUID:
    """A malformed id in the path is just another id nobody holds: 404, same body (api.lookups)."""
    return uuid_or_404(value)


def checkin_or_404(request: Request, checkin_id: str):
    checkin = selectors.checkin_for_user(user=request.user, checkin_id=parse_checkin_id(checkin_id))
    if checkin is None:
        raise NotFound()
    return checkin


class CheckInListView(APIView):
    @extend_schema(
        parameters=[s.CheckInFilters],
        responses={200: s.CheckInPage, 400: ERRORS[400]},
        operation_id="checkins_list",
    )
    def get(self, request: Request) -> Response:
        filters = s.CheckInFilters(
            data=request.query_params.dict()
        )  # a dict: "?to=" is an error, not "no filter"
        filters.is_valid(raise_exception=True)
        query = {k: v for k, v in filters.validated_data.items() if k not in ("cursor", "limit")}
        rows = selectors.checkins_for_user(user=request.user, **query)
        paginator = CheckInPagination()
        try:
            page = paginator.paginate_queryset(rows, request, view=self)
        except NotFound:  # DRF's answer to a cursor it cannot decode; it is the caller's bad input
            raise services.ValidationError({"cursor": ["This cursor is not valid."]}) from None
        return paginator.get_paginated_response([s.checkin_output(checkin) for checkin in page])

    @extend_schema(request=s.CheckInInput, responses={201: s.CheckInOutput, 200: s.CheckInOutput, **ERRORS})
    def post(self, request: Request) -> Response:
        fields = s.checkin_input(request.data)
        checkin, created = services.checkin_create(
            user=request.user, checkin_id=fields.pop("id", None), data=fields
        )
        return Response(s.checkin_output(checkin), status=201 if created else 200)


class CheckInDetailView(APIView):
    @extend_schema(responses={200: s.CheckInOutput, 404: ERRORS[404]})
    def get(self, request: Request, checkin_id: str) -> Response:
        return Response(s.checkin_output(checkin_or_404(request, checkin_id)))

    @extend_schema(request=s.CheckInInput, responses={201: s.CheckInOutput, 200: s.CheckInOutput, **ERRORS})
    def put(self, request: Request, checkin_id: str) -> Response:
        """Idempotent upsert by client UUID: 201 when created, 200 when replaced."""
        checkin_uuid = parse_checkin_id(checkin_id)
        fields = s.checkin_input(request.data)
        if fields.pop("id", checkin_uuid) != checkin_uuid:
            raise services.ValidationError({"id": ["The id in the body must match the id in the URL."]})
        checkin, created = services.checkin_upsert(user=request.user, checkin_id=checkin_uuid, data=fields)
        return Response(s.checkin_output(checkin), status=201 if created else 200)

    @extend_schema(request=s.CheckInInput(partial=True), responses={200: s.CheckInOutput, **ERRORS})
    def patch(self, request: Request, checkin_id: str) -> Response:
        checkin = checkin_or_404(request, checkin_id)
        fields = s.checkin_input(request.data, partial=True)
        if fields.pop("id", checkin.uuid) != checkin.uuid:
            raise services.ValidationError({"id": ["A check-in's id cannot change."]})
        return Response(s.checkin_output(services.checkin_update(checkin=checkin, data=fields)))

    @extend_schema(responses={204: None, 404: ERRORS[404]})
    def delete(self, request: Request, checkin_id: str) -> Response:
        services.checkin_delete(checkin=checkin_or_404(request, checkin_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
