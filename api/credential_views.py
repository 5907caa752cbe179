"""Thin HTTP views of the credentials a person controls: tokens per client, sign-out, password change."""

from django.contrib.auth import logout, update_session_auth_hash
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from api.authentication import PasswordRequestThrottle, client_address
from api.lookups import uuid_or_404
from api.schema import ERRORS
from tracker import credentials
from tracker.models import ApiToken

# Logout tells the app (issue 8) to drop what it kept of the account: cached answers and the outbox.
CLEAR_SITE_DATA = '"cache", "storage"'


def calling_token(request: Request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


class TokenView(APIView):
    """A new token for one non-browser client (`Authorization: Token …`); no cookies, so no CSRF."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [PasswordRequestThrottle]

    @extend_schema(request=s.TokenInput, responses={200: s.TokenOutput, 400: ERRORS[400]})
    def post(self, request: Request) -> Response:
        """A new token on every call (one per client); the secret is in this answer only."""
        data = s.TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = credentials.user_authenticate(
            username=data.validated_data["username"],
            password=data.validated_data["password"],
            address=client_address(request),
        )
        token, secret = credentials.token_create(user=user, name=data.validated_data["name"])
        return Response(s.TokenOutput(token, context={"secret": secret}).data)


class TokenListView(APIView):
    @extend_schema(responses=s.TokenInfoOutput(many=True))
    def get(self, request: Request) -> Response:
        """The account's live tokens, most recently used first (never their secrets)."""
        tokens = credentials.tokens_for_user(user=request.user)
        context = {"current": calling_token(request)}
        return Response(s.TokenInfoOutput(tokens, many=True, context=context).data)


class TokenDetailView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("token_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={204: None, 404: ERRORS[404]},
    )
    def delete(self, request: Request, token_id: str) -> Response:
        """Revoke one token: it is refused from the next request on."""
        if not credentials.token_revoke(user=request.user, token_id=uuid_or_404(token_id)):
            raise NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutView(APIView):
    @extend_schema(request=s.LogoutInput, responses={204: None, 400: ERRORS[400]})
    def post(self, request: Request) -> Response:
        """End this session or revoke this token; `{"everywhere": true}` ends every one of the account."""
        data = s.LogoutInput(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["everywhere"]:
            credentials.signout_everywhere(user=request.user)
        elif token := calling_token(request):
            credentials.token_revoke(user=request.user, token_id=token.uuid)
        logout(request._request)
        response = Response(status=status.HTTP_204_NO_CONTENT)
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response


class PasswordView(APIView):
    @extend_schema(
        request=s.PasswordChangeInput,
        responses={204: None, 400: ERRORS[400], 429: OpenApiResponse(description="Too many wrong passwords")},
    )
    def post(self, request: Request) -> Response:
        """Change the password; every other session and token ends, the one asking stays signed in."""
        data = s.PasswordChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        by_session = isinstance(request.successful_authenticator, SessionAuthentication)
        credentials.password_change(
            user=request.user,
            password=data.validated_data["password"],
            new_password=data.validated_data["new_password"],
            address=client_address(request),
            keep_session_key=request.session.session_key if by_session else None,
            keep_token=calling_token(request),
        )
        if by_session:
            update_session_auth_hash(request._request, request.user)  # new key, still signed in
        return Response(status=status.HTTP_204_NO_CONTENT)
