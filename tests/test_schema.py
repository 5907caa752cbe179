"""The OpenAPI schema and docs: served from our own origin, under the strict CSP."""

import re

import pytest


@pytest.mark.django_db
def test_the_openapi_schema_describes_the_checkin_routes(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/checkins/", "/api/checkins/{checkin_id}/", "/api/me", "/api/vocabulary"} <= set(paths)


@pytest.mark.django_db
def test_the_docs_load_nothing_from_other_origins_and_run_no_inline_script(client):
    page = client.get("/api/docs/")
    html = page.content.decode()
    script = client.get("/api/docs/?script=")

    assert page.status_code == 200
    assert "cdn." not in html and "https://" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script would break the CSP"
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


@pytest.mark.django_db
def test_every_page_carries_a_strict_content_security_policy(client):
    policy = client.get("/")["Content-Security-Policy"]

    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "object-src 'none'" in policy


@pytest.mark.django_db
def test_unknown_api_paths_answer_json_404(client):
    response = client.get("/api/no-such-thing")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
