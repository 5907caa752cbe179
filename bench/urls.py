"""The app's URLs plus /bench/baseline: a bare JSON view (no auth, no database) to compare against."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from tracker.urls import handler404  # noqa: F401  (handler404 re-exported)
from tracker.urls import urlpatterns as app_urlpatterns


def baseline(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


urlpatterns = [path("bench/baseline", baseline, name="bench-baseline"), *app_urlpatterns]
