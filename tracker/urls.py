"""The only module that ties the api and frontend apps together."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from api.views import health


def api_not_found(request: HttpRequest, exception: Exception) -> JsonResponse:
    # One body for every 404, whether the path or the object is unknown.
    return JsonResponse({"detail": "Not found."}, status=404)


urlpatterns = [
    path("healthz", health, name="health"),
    path("api/", include("api.urls")),
    path("", include("frontend.urls")),
]

handler404 = api_not_found
