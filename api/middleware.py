"""HTTP rules for every request: session limits, who a session belongs to, and no caching of the API's
answers."""

from collections.abc import Callable

from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject

from tracker import credentials, sessions


class SessionLimitsMiddleware:
    """Sign out a session past its idle limit or lifetime, before anything reads who it belongs to."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        credentials.session_check(session=request.session)
        return self.get_response(request)


def session_user(request: HttpRequest):
    """The session's user (AnonymousUser when signed out) itself, not the lazy request.user around it."""
    if not hasattr(request, "_cached_user"):
        with sessions.authenticating(request.session):
            request._cached_user = auth.get_user(request)
    return request._cached_user


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, with request.user resolved by Django's own get_user (backend, is_active, session hash)
    while the session's row is known: ProfileBackend takes the user and profile read with that row
    (tracker.sessions), so a session request authenticates with one query instead of two."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: session_user(request))


class ApiCacheControlMiddleware:
    """`Cache-Control: no-store` on every /api/ answer that sets no policy of its own.

    The answers hold a person's feelings and credentials (the calendar URL in /api/me), so no browser or
    proxy cache may keep them. Charts set `private, no-cache` themselves: their ETags need revalidation,
    not refetching. `Vary` keeps shared caches from serving one caller's answer to another.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
            patch_vary_headers(response, ("Cookie", "Authorization"))
        return response
