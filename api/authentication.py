"""Who is calling: token authentication (one indexed query for the token, its user and profile), the
password-request throttle and the client's address."""

from django.conf import settings
from django.http import HttpRequest
from rest_framework import authentication, exceptions, throttling
from rest_framework.request import is_form_media_type

from api.middleware import session_user
from tracker import credentials
from tracker.models import ApiToken

_CSRF_CHECK = authentication.CSRFCheck(lambda request: None)  # only its checks are used, never a response


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's, without its CSRF check on safe methods: Django's check accepts GET, HEAD, OPTIONS and TRACE
    unconditionally, so running it there only re-reads the cookie (~10 µs on every app request).

    The view gets the user itself rather than Django's lazy request.user, whose every attribute read
    goes through a proxy.
    """

    def authenticate(self, request):
        if not hasattr(request._request, "session"):  # not through SessionMiddleware: no session
            return None
        user = session_user(request._request)
        if not user or not user.is_active:
            return None
        self.enforce_csrf(request)
        return (user, None)

    def enforce_csrf(self, request) -> None:
        """DRF's check, by one checker per process (it keeps nothing between requests, as Django's own
        middleware instance does not), on Django's request unless the body is a form: Django then reads
        the token from the header, as it does through DRF's request, without each of its reads of
        the request going through DRF's proxy (~10 µs a session POST).

        DRF also runs the checker's process_request first, for Django before 4.1, whose process_view
        read the cookie's secret from request.META. Django's process_view now reads the cookie itself,
        and CsrfViewMiddleware (settings.MIDDLEWARE) has already run process_request on this request:
        running it again only parsed the same cookie (~20k instructions a session POST)."""
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return
        checked = request if is_form_media_type(request.content_type) else request._request
        reason = _CSRF_CHECK.process_view(checked, None, (), {})
        if reason:
            raise exceptions.PermissionDenied(f"CSRF Failed: {reason}")


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <secret>`; the token is looked up by its digest (tracker.credentials).

    Almost every endpoint needs the profile (time zone, day start, week start); joining it here saves a
    query per request.
    """

    model = ApiToken

    def authenticate_credentials(self, key: str):
        token = credentials.token_authenticate(secret=key)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return token.user, token


def client_address(request: HttpRequest) -> str:
    """The client's IP address: REMOTE_ADDR, or the entry TRUSTED_PROXY_COUNT proxies vouch for.

    Each trusted proxy appends the address it saw to X-Forwarded-For; anything further left was written
    by the client and proves nothing.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR", "")


class PasswordRequestThrottle(throttling.BaseThrottle):
    """Register, sign-in and token requests each hash a password: AUTH_ADDRESS_LIMIT an hour per address."""

    def allow_request(self, request, view) -> bool:
        self.retry_after = credentials.address_spend(address=client_address(request))
        return self.retry_after == 0

    def wait(self) -> float:
        return self.retry_after
