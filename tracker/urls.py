"""The only module that ties the api and frontend apps together."""

from django.urls import include, path

from api.views import health

urlpatterns = [
    path("healthz", health, name="health"),
    path("api/", include("api.urls")),
    path("", include("frontend.urls")),
]

# Errors raised outside a view answer JSON too (api.exceptions).
handler400 = "api.exceptions.bad_request"
handler403 = "api.exceptions.permission_denied"
handler404 = "api.exceptions.not_found"
handler500 = "api.exceptions.server_error"
