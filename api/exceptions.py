"""One error shape across the API: {"detail": ...} or DRF-style field errors, always with a 4xx."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from tracker import credentials

NOT_FOUND = {"detail": "Not found."}


def exception_handler(exc, context):
    """Map domain ValidationErrors to 400 and make every 404 body identical.

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
    return drf_exception_handler(exc, context)
