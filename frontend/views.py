from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def index(request: HttpRequest) -> HttpResponse:
    """The app shell. For now a calm placeholder that points to the API."""
    return render(request, "frontend/index.html")
