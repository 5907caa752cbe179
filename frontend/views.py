"""The installable app: its HTML shell, service worker and web app manifest. No business logic here."""

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from frontend.shell import module_preloads, shell_version

THEME_LIGHT = "#f6f4f0"
THEME_DARK = "#16191d"


def _no_cache(response: HttpResponse) -> HttpResponse:
    # Always revalidated, so a new version is found on the next visit; the service worker keeps the copy
    # that runs.
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The one HTML page; the hash part of the URL picks the screen."""
    version, _ = shell_version()
    context = {
        "version": version,
        "theme_light": THEME_LIGHT,
        "theme_dark": THEME_DARK,
        "preloads": module_preloads(),
    }
    return _no_cache(render(request, "frontend/index.html", context))


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    version, urls = shell_version()
    context = {"version": version, "shell_json": json.dumps(urls)}
    return _no_cache(render(request, "frontend/sw.js", context, content_type="text/javascript"))


def manifest_data() -> dict:
    icons = "/static/frontend/icons/"
    return {
        "id": "/",
        "name": "Attune",
        "short_name": "Attune",
        "description": "Name what you feel, the need underneath, and where it sits in your body.",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_LIGHT,
        "background_color": THEME_LIGHT,
        # Browsers that support it take the dark pair when the phone is in dark mode.
        "user_preferences": {
            "color_scheme_dark": {"theme_color": THEME_DARK, "background_color": THEME_DARK},
        },
        "categories": ["health", "lifestyle"],
        "icons": [
            {"src": icons + "icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": icons + "icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {
                "src": icons + "maskable-512.png",
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
        "shortcuts": [
            {
                "name": "Check in",
                "short_name": "Check in",
                "description": "Name what you feel right now",
                "url": "/#checkin",
                "icons": [{"src": icons + "icon-192.png", "sizes": "192x192", "type": "image/png"}],
            }
        ],
    }


@require_safe
def manifest(request: HttpRequest) -> HttpResponse:
    body = json.dumps(manifest_data(), indent=1)
    return _no_cache(HttpResponse(body, content_type="application/manifest+json"))
