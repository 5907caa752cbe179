"""One error shape across the API: {"detail": ...} or DRF-style field errors, always JSON.

Two layers produce errors: DRF's exception handler (inside API views) and Django's error handlers
(handler400/403/404/500 in tracker.urls, for what fails outside a view: a bad Host header, a body over
Django's limits, middleware, an unexpected crash). Both answer JSON, so no client ever parses an HTML page.
"""

import logging
import sys

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from tracker import credentials, messages

logger = logging.getLogger(__name__)

NOT_FOUND = {"detail": "Not found."}
# A locked SQLite file (another writer held it past the busy timeout), a PostgreSQL lock timeout, a
# database that is restarting or unreachable: the request may well succeed a few seconds later.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
UNAVAILABLE = {"detail": "The database is busy or unavailable. Please try again in a few seconds."}


def exception_handler(exc, context):
    """Map domain ValidationErrors to 400, a busy database to 503, and make every 404 body identical.

    A 404 for another user's check-in must not be told apart from a 404 for a UUID nobody holds.
    """
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, credentials.Throttled):
        detail = "Too many failed sign-ins. Please wait a little and try again."
        exc = exceptions.Throttled(wait=exc.retry_after, detail=detail)
    if isinstance(exc, (Http404, exceptions.NotFound)):
        return Response(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DATABASE_UNAVAILABLE):
        # Expected under load or during a restart: one line, no traceback (and never the query's values).
        logger.warning("database unavailable: %s", type(exc).__name__)
        return unavailable_response(UNAVAILABLE)
    if isinstance(exc, RequestDataTooBig):  # a multipart form's fields over DATA_UPLOAD_MAX_MEMORY_SIZE
        return Response({"detail": messages.BODY_TOO_LARGE}, status=413)
    if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
        return Response({"detail": "The form has too many fields."}, status=400)
    return drf_exception_handler(exc, context)


def unavailable_response(body: dict) -> Response:
    return Response(
        body, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": RETRY_AFTER_SECONDS}
    )


# --- Django's error handlers (tracker.urls) ------------------------------------------------------


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """400 for what Django refuses before a view runs; a body over its limits is a 413."""
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse({"detail": messages.BODY_TOO_LARGE}, status=413)
    return JsonResponse({"detail": "Bad request."}, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse({"detail": "You do not have permission to perform this action."}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    # One body for every 404, whether the path or the object is unknown.
    return JsonResponse(NOT_FOUND, status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    """500, or 503 with Retry-After when the database was what failed (outside a view: middleware)."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        response = JsonResponse(UNAVAILABLE, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"detail": "Something went wrong on our side. Please try again later."}, status=500)
