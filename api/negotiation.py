"""The one content negotiation of the binary endpoints (charts, export, import, report, calendar feed)."""

from rest_framework.negotiation import DefaultContentNegotiation


class AnyAcceptNegotiation(DefaultContentNegotiation):
    """Never 406: the view answers its own media type, and errors (400, 401, 404) with its first renderer
    (JSON), whatever Accept says. Calendar apps and image loaders send all sorts of Accept headers.
    Request bodies are still parsed by their Content-Type (a JSON body to a multipart view is a 415)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
