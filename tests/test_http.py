"""The browser's path through a real HTTP server with CSRF enforced: register, log in, check in, log out."""

import http.cookiejar
import json
import urllib.error
import urllib.request

import pytest

from tests.factories import PASSWORD
from tracker.models import CheckIn


class Browser:
    """Just enough of a browser: a cookie jar, and the CSRF cookie echoed as X-CSRFToken."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf_cookie(self) -> str | None:
        return next((c.value for c in self.jar if c.name == "csrftoken"), None)

    def request(self, method: str, path: str, body: dict | None = None, csrf: bool = True):
        headers = {"Content-Type": "application/json", "Accept": "application/json", "Referer": self.base_url}
        if csrf and self.csrf_cookie():
            headers["X-CSRFToken"] = self.csrf_cookie()
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=10) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            raw = error.read()
            return error.code, json.loads(raw) if raw else None


@pytest.mark.django_db(transaction=True)
def test_register_login_checkin_logout_over_real_http_with_csrf(live_server):
    browser = Browser(live_server.url)

    assert browser.request("POST", "/api/auth/register", {"username": "dana", "password": PASSWORD})[0] == 403
    status, body = browser.request("GET", "/api/auth/csrf")
    assert status == 200
    assert body["csrfToken"]
    assert browser.csrf_cookie()

    status, body = browser.request(
        "POST", "/api/auth/register", {"username": "dana", "password": PASSWORD, "timezone": "Europe/Berlin"}
    )
    assert (status, body["username"]) == (201, "dana")
    assert browser.request("POST", "/api/auth/logout")[0] == 204
    assert browser.request("GET", "/api/me")[0] == 401

    assert (
        browser.request("POST", "/api/auth/login", {"username": "dana", "password": PASSWORD}, csrf=False)[0]
        == 403
    )
    assert browser.request("POST", "/api/auth/login", {"username": "dana", "password": PASSWORD})[0] == 200

    checkin = {"id": "0b7f1f59-3c1f-4f4e-9d59-6d7cbe7b1f00", "emotion": "relieved", "intensity": 4}
    assert browser.request("POST", "/api/checkins/", checkin, csrf=False)[0] == 403
    status, body = browser.request("POST", "/api/checkins/", checkin)
    assert (status, body["emotion"]) == (201, "relieved")
    assert browser.request("POST", "/api/checkins/", checkin)[0] == 200  # a retry
    assert browser.request("GET", "/api/checkins/")[1]["results"][0]["id"] == checkin["id"]

    assert browser.request("POST", "/api/auth/logout")[0] == 204
    assert browser.request("GET", "/api/checkins/")[0] == 401
    assert CheckIn.objects.filter(user__username="dana").count() == 1


@pytest.mark.django_db(transaction=True)
def test_health_answers_ok_over_http(live_server):
    status, body = Browser(live_server.url).request("GET", "/healthz")

    assert (status, body) == (200, {"status": "ok"})
