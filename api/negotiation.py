"""Content negotiation: the API's (JSON, answered without parsing for the usual Accept headers) and the
one of the binary endpoints (charts, export, import, report, calendar feed)."""

from rest_framework.negotiation import DefaultContentNegotiation

# What the app and most clients send; DRF answers each of them with the first renderer when it is JSON.
_USUAL_ACCEPT = frozenset({"*/*", "application/json"})


class ApiNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, with its answer to the usual Accept headers given at once: no header, `*/*` or
    `application/json`, for a view whose first renderer is JSON, is (that renderer, application/json),
    exactly what DRF works out by parsing the header (and building request.headers) on every request.
    Anything else is negotiated by DRF (406 included)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if (
            format_suffix is None
            and not self.settings.URL_FORMAT_OVERRIDE
            and renderers
            and renderers[0].media_type == "application/json"
            and request.META.get("HTTP_ACCEPT", "*/*") in _USUAL_ACCEPT
        ):
            return renderers[0], "application/json"
        return super().select_renderer(request, renderers, format_suffix)


class AnyAcceptNegotiation(DefaultContentNegotiation):
    """Never 406: the view answers its own media type, and errors (400, 401, 404) with its first renderer
    (JSON), whatever Accept says. Calendar apps and image loaders send all sorts of Accept headers.
    Request bodies are still parsed by their Content-Type (a JSON body to a multipart view is a 415)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
