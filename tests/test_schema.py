"""The OpenAPI schema and docs: served from our own origin, under the strict CSP."""

import re

import pytest


@pytest.mark.django_db
def test_the_openapi_schema_describes_the_checkin_routes(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/checkins/", "/api/checkins/{checkin_id}/", "/api/me", "/api/vocabulary"} <= set(paths)
    assert {
        "/api/boundaries/", "/api/boundaries/{boundary_id}/", "/api/intentions/{week_start}",
        "/api/vocabulary/helps",
    } <= set(paths)  # fmt: skip


@pytest.mark.django_db
def test_the_docs_load_nothing_from_other_origins_and_run_no_inline_script(client):
    page = client.get("/api/docs/")
    html = page.content.decode()
    script = client.get("/api/docs/?script=")

    assert page.status_code == 200
    assert "cdn." not in html
    assert "https://" not in html
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


@pytest.fixture
def openapi(client) -> dict:
    return client.get("/api/schema/", HTTP_ACCEPT="application/json").json()


def operations(openapi: dict):
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


@pytest.mark.django_db
def test_every_operation_id_is_unique(openapi):
    ids = [operation["operationId"] for _name, operation in operations(openapi)]

    assert len(ids) == len(set(ids))


@pytest.mark.django_db
def test_ids_in_paths_are_uuid_strings(openapi):
    path_ids = [
        (name, parameter["schema"])
        for name, operation in operations(openapi)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path" and parameter["name"] != "week_start"
    ]
    weeks = [
        parameter["schema"]
        for _name, operation in operations(openapi)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path" and parameter["name"] == "week_start"
    ]

    assert len(path_ids) >= 11
    assert all(schema == {"type": "string", "format": "uuid"} for _name, schema in path_ids), path_ids
    # The one path value that is not an id: a week, named by a date (a bad one is a 400 field error).
    assert weeks == [{"type": "string", "format": "date"}] * 2


@pytest.mark.django_db
def test_the_words_a_checkin_may_leave_out_are_nullable(openapi):
    checkin = openapi["components"]["schemas"]["CheckInOutput"]["properties"]

    assert all(
        checkin[field].get("nullable")
        for field in ("need", "sensation", "body_area", "would_help", "intensity_after")
    )
    assert not any(checkin[field].get("nullable") for field in ("harsh_line", "kind_line"))
    assert not checkin["emotion"].get("nullable")


@pytest.mark.django_db
def test_the_errors_around_each_view_are_documented_where_they_occur(openapi):
    ops = dict(operations(openapi))

    assert all("503" in op["responses"] for op in ops.values())
    assert "401" not in ops["POST /api/auth/login"]["responses"]
    assert {"400", "403", "429"} <= set(ops["POST /api/auth/login"]["responses"])
    assert "403" not in ops["POST /api/auth/token"]["responses"]  # no cookies, so no CSRF
    assert "429" in ops["POST /api/me/password"]["responses"]
    assert ops["POST /api/auth/token"]["responses"]["429"]["headers"]["Retry-After"]["required"]
    assert ops["GET /api/me"]["responses"]["401"]["headers"]["WWW-Authenticate"]["required"]
    assert "404" not in ops["POST /api/checkins/"]["responses"]  # nothing in its path can name nothing
    assert "404" in ops["DELETE /api/auth/tokens/{token_id}"]["responses"]
    assert "403" not in ops["GET /api/checkins/"]["responses"]  # CSRF guards unsafe methods only
    assert ops["DELETE /api/me"]["requestBody"]["required"]
    assert not ops["POST /api/auth/logout"]["requestBody"].get("required")


@pytest.mark.parametrize("query", ["?start=", "?from=&to=", "?bucket="])
def test_an_empty_query_value_is_refused_not_ignored(alice_client, query):
    path = "/api/trends/week" if query == "?start=" else "/api/trends/range"

    response = alice_client.get(path + query)

    assert response.status_code == 400


def test_an_empty_export_format_is_refused(alice_client):
    assert alice_client.get("/api/export?format=").status_code == 400
