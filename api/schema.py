"""The OpenAPI schema, exactly as the API behaves: the error answers every operation can give, written once.

drf-spectacular documents what each view declares; the errors that come from the framework around the
view (authentication, CSRF, throttling, media types, a busy database) are the same for every view, so
they are added here from facts about the view rather than repeated on each one.
"""

from typing import Any

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.authentication import SessionAuthentication

DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
# DRF's field errors: {"field": ["message"]}, nested for lists and objects, or {"detail": ...}.
FIELD_ERRORS = {"type": "object", "description": "field errors: {field: [messages]} or {detail: ...}"}
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
DESCRIPTIONS = {
    "400": "Field errors",
    "401": "Not signed in, or the token is unknown, revoked or expired",
    "403": "CSRF token missing or wrong (session cookie requests)",
    "404": "Not found",
    "413": "Too large",
    "415": "The body is not JSON",
    "429": "Too many requests; try again after Retry-After seconds",
    "503": "The database is busy or unavailable; try again",
}


class AppSessionScheme(SessionScheme):
    """cookieAuth for api.authentication.SessionAuthentication too (drf-spectacular matches DRF's class
    exactly)."""

    target_class = "api.authentication.SessionAuthentication"


# The answers views declare themselves (a field error, an id that names nothing), in the same words.
ERRORS = {code: OpenApiResponse(description=DESCRIPTIONS[str(code)]) for code in (400, 404)}


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry) -> dict[str, Any] | None:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            # Every id in a path is a public UUID; integer keys never appear in URLs.
            if parameter["in"] == "path" and parameter["name"].endswith("_id"):
                parameter["schema"] = {"type": "string", "format": "uuid"}
        self._document_errors(operation)
        return operation

    def _get_request_body(self, direction="request"):
        # DELETE /api/me and DELETE /api/push/subscriptions take a JSON body; spectacular drops DELETE
        # bodies unless told otherwise.
        if self.method == "DELETE" and self.get_request_serializer() is not None:
            self.method = "POST"
            try:
                return super()._get_request_body(direction)
            finally:
                self.method = "DELETE"
        return super()._get_request_body(direction)

    def _get_serializer(self):
        # Every view here is a plain APIView that declares its bodies with extend_schema; one that
        # declares none has none (a DELETE without a body), which is not an error to report.
        if not hasattr(self.view, "serializer_class") and not hasattr(self.view, "get_serializer"):
            return None
        return super()._get_serializer()

    def _document_errors(self, operation: dict[str, Any]) -> None:
        responses = operation["responses"]
        parameters = operation.get("parameters", [])
        authenticators = self.view.get_authenticators()
        statuses: set[str] = {"503"}
        if "requestBody" in operation:
            statuses |= (
                {"400", "415"} if "application/json" in operation["requestBody"]["content"] else {"400"}
            )
        if authenticators:  # a credential that is wrong is refused even where none is needed
            statuses.add("401")
        if self.method in UNSAFE_METHODS and (
            any(isinstance(a, SessionAuthentication) for a in authenticators)
            or getattr(self.view, "csrf_protected", False)
        ):
            statuses.add("403")
        if self.view.get_throttles():
            statuses.add("429")
        # A 404 is an id in the path, or a required credential in the query, that names nothing; an
        # operation with neither cannot answer it.
        if not any(p["in"] == "path" or (p["in"] == "query" and p.get("required")) for p in parameters):
            responses.pop("404", None)
        else:
            statuses.add("404")
        for code in statuses:
            responses.setdefault(code, {"description": DESCRIPTIONS[code]})
        for code, response in responses.items():
            if code >= "400" and "content" not in response:
                response["content"] = _json(FIELD_ERRORS if code == "400" else DETAIL)
        if "401" in responses:
            responses["401"]["headers"] = {
                "WWW-Authenticate": {"schema": {"type": "string"}, "required": True},
            }
        if "429" in responses:
            responses["429"]["headers"] = {
                "Retry-After": {"schema": {"type": "integer", "minimum": 1}, "required": True},
            }
        operation["responses"] = dict(sorted(responses.items()))
